#!/usr/bin/env bash
# Fetches, from the Go module proxy, the upstream CRDs the API server tier needs beside the ones
# vendored in schemas/crds (which come from ../shared/crds): each file unchanged from the module
# zip of its upstream release, into .e2e/kube/crds (a cache, not part of the repo).
#   sigs.k8s.io/gateway-api v1.6.1   config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml
#                                     (the standard-channel TCPRoute the program renders, v1)
#   istio.io/api v1.30.3              kubernetes/customresourcedefinitions.gen.yaml (Istio 1.30.3's
#                                     CRDs; the tier installs security.istio.io PeerAuthentication)
#   github.com/k3s-io/helm-controller v0.17.9
#                                     pkg/crds/yaml/generated/helm.cattle.io_helmchartconfigs.yaml
#                                     (k3s's HelmChartConfig, for the local profile)
# Idempotent: the module cache keeps the zips.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v go >/dev/null || { echo "apiserver crds: the go toolchain is required" >&2; exit 1; }
out=".e2e/kube/crds"
mkdir -p "$out"
fetch() {
    local module="$1" path="$2" dir
    dir="$(cd /tmp && go mod download -json "$module" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
    [ -f "$dir/$path" ] || { echo "apiserver crds: $module has no $path" >&2; exit 1; }
    install -m 0644 "$dir/$path" "$out/$(basename "$path")"
}
fetch sigs.k8s.io/gateway-api@v1.6.1 config/crd/standard/gateway.networking.k8s.io_tcproutes.yaml
fetch istio.io/api@v1.30.3 kubernetes/customresourcedefinitions.gen.yaml
fetch github.com/k3s-io/helm-controller@v0.17.9 pkg/crds/yaml/generated/helm.cattle.io_helmchartconfigs.yaml
echo "apiserver crds: $(ls "$out" | wc -l) files in $out"
