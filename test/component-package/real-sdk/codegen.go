// Generates the Python SDK for a component package from its schema with the code the Pulumi CLI
// v3.248.0 runs for `pulumi package add` in a Python project: pulumi-language-python's
// `GeneratePackage` binds the schema (`schema.BindSpec`, dangling references allowed) and calls
// pkg/codegen/python `GeneratePackage`. usage: codegen <schema.json> <out dir>
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/blang/semver"
)

// noLoader: the package references no other package (the schema's dependencies are empty).
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, errors.New("unexpected reference to package " + pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errors.New("unexpected reference to package " + d.Name)
}

func (noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, errors.New("unexpected reference to package " + pkg)
}

func (noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errors.New("unexpected reference to package " + d.Name)
}

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		panic(err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		panic(err)
	}
	if diags.HasErrors() {
		fmt.Fprintln(os.Stderr, diags.Error())
		os.Exit(2)
	}
	for _, d := range diags {
		fmt.Fprintln(os.Stderr, "warning:", d.Error())
	}
	files, err := python.GeneratePackage("pulumi-language-python", pkg, nil, noLoader{})
	if err != nil {
		panic(err)
	}
	for name, content := range files {
		path := filepath.Join(os.Args[2], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			panic(err)
		}
		fmt.Println(path)
	}
}
