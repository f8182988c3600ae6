#!/usr/bin/env bash
# Runs a command as the e2e *client*: inside network namespace e2e-client, whose only link (made
# by the harness) leads to the router. Names resolve from /etc/netns/e2e-client/hosts, which
# ip-netns-exec mounts over /etc/hosts for this command only; there is no DNS server.
# Usage: bash scripts/e2e/in-client-ns.sh <command> [args…]   (as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" != 0 ]; then
    echo "the e2e needs root: it creates network namespaces" >&2
    exit 2
fi
bash scripts/e2e/cleanup.sh
trap 'bash scripts/e2e/cleanup.sh' EXIT
trap 'exit 130' INT TERM

ip netns add e2e-client
ip -n e2e-client link set lo up
mkdir -p /etc/netns/e2e-client
printf '127.0.0.1 localhost\n' >/etc/netns/e2e-client/hosts
printf '# no DNS server in the e2e client namespace: names come from /etc/hosts\nnameserver 127.0.0.1\n' >/etc/netns/e2e-client/resolv.conf
ip netns exec e2e-client "$@"
