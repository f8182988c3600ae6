#!/usr/bin/env bash
# Installs what `npm run test:apiserver` needs, from nothing: etcd (Debian's etcd-server) and a
# kube-apiserver and kubectl built from the Go module proxy (build.sh). Idempotent; seconds when
# cached (the first build takes about 20 minutes on 2 cores, later ones reuse Go's caches).
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v etcd >/dev/null; then
    echo "apiserver setup: installing etcd-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi
bash scripts/apiserver/build.sh
bash scripts/apiserver/crds.sh
echo "apiserver setup: ready ($(etcd --version | head -1), $(.e2e/kube/bin/kube-apiserver --version))"
