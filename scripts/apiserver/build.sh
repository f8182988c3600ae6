#!/usr/bin/env bash
# Builds a real kube-apiserver and kubectl from the Go module proxy, for the API server test tier
# (npm run test:apiserver). `go install k8s.io/kubernetes/cmd/kube-apiserver@v…` is refused
# because k8s.io/kubernetes replaces its k8s.io/* staging modules with local paths; a small
# module of ours that requires it and points each of those modules at its published release
# builds instead (recipe in ../shared/UPSTREAM.md, "Building real Kubernetes here").
# Idempotent: binaries are kept in .e2e/kube/bin with the version they were built from; Go's
# build and module caches make a rebuild a relink.
set -euo pipefail
cd "$(dirname "$0")/../.."

KUBE_VERSION="${KUBE_VERSION:-v1.33.13}"
dir=".e2e/kube"
bin="$dir/bin"
if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] && [ "$(cat "$bin/.version" 2>/dev/null)" = "$KUBE_VERSION" ]; then
    echo "apiserver build: kube-apiserver and kubectl $KUBE_VERSION present"
    exit 0
fi
command -v go >/dev/null || { echo "apiserver build: the go toolchain is required" >&2; exit 1; }
mkdir -p "$dir/module" "$bin"
cd "$dir/module"

# The staging modules k8s.io/kubernetes replaces with local folders, each published as v0.<minor>.<patch>.
staging_version="v0.${KUBE_VERSION#v1.}"
upstream_mod="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
{
    echo "module cassandra-multicluster/kube-build"
    echo
    echo "go 1.24"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    sed -n '/^replace (/,/^)/p' "$upstream_mod" | sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\t\1 => \1 '"$staging_version"'#p'
    echo ")"
} >go.mod
cat >tools.go <<GO
//go:build tools

// The commands this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
echo "apiserver build: resolving k8s.io/kubernetes $KUBE_VERSION with staging modules at $staging_version"
go mod tidy >/dev/null
t0=$(date +%s)
CGO_ENABLED=0 go build -trimpath -o "../bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
CGO_ENABLED=0 go build -trimpath -o "../bin/kubectl" k8s.io/kubernetes/cmd/kubectl
echo "$KUBE_VERSION" >"../bin/.version"
echo "apiserver build: built in $(( $(date +%s) - t0 )) s"
