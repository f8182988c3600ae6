#!/usr/bin/env bash
# Checks the Python example and the SDK stand-in that `npm test` uses against the Python SDK that
# pulumi/pulumi v3.248.0's own codegen generates from the package's schema, and runs the example
# with the real `pulumi` Python SDK against the package's real Construct answer. Not part of
# `npm test`: it needs the Go module proxy and PyPI (and ~4 CPU-minutes to build the codegen).
#   bash test/component-package/real-sdk/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== the schema and a Construct answer from the package's provider"
(cd "$root" && node_modules/.bin/tsx "$here/dump.ts" "$work")

echo "== pulumi's Python codegen (github.com/pulumi/pulumi/pkg/v3 v3.248.0)"
mkdir "$work/codegen"
cp "$here/codegen.go" "$work/codegen/main.go"
printf 'module codegen\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/pkg/v3 v3.248.0\n' > "$work/codegen/go.mod"
(cd "$work/codegen" && go mod tidy && go build -o codegen .)
"$work/codegen/codegen" "$work/schema.json" "$work/sdk" > /dev/null

echo "== the real pulumi Python SDK and the generated one"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pulumi==3.248.0 "$work/sdk"

config="$(cd "$root" && node_modules/.bin/tsx -e '
import { readStackConfig } from "./components/render/stack-config";
console.log(JSON.stringify(readStackConfig("examples/python-consumer", "dev").config));')"
PULUMI_CONFIG="$config" PYTHONDONTWRITEBYTECODE=1 \
    "$work/venv/bin/python" "$here/check.py" "$work" "$root/examples/python-consumer"
