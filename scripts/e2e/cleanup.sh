#!/usr/bin/env bash
# Ends what an e2e run (or an earlier, interrupted one) left behind: every process inside the
# e2e network namespaces, then the namespaces, then any process recorded in .e2e/run/pids that
# is still one of ours (its command line names .e2e/run), so a reused pid is never touched.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD/.e2e/run"

for ns in e2e-cluster e2e-router e2e-client; do
    if ip netns list 2>/dev/null | grep -qx "$ns\( (id: [0-9]*)\)\?"; then
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            [ "$pid" = "$$" ] || kill -9 "$pid" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
        echo "cleanup: removed network namespace $ns"
    fi
done

if [ -d "$root/pids" ]; then
    for f in "$root"/pids/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$root"; then
            kill -9 "$pid" 2>/dev/null && echo "cleanup: ended $(basename "$f" .pid) (pid $pid)"
        fi
        rm -f "$f"
    done
fi
rm -rf /etc/netns/e2e-client
exit 0
