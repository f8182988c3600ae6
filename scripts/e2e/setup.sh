#!/usr/bin/env bash
# Installs what `npm run test:e2e` and `npm run bench:dataplane` need, from nothing: HAProxy,
# iproute2, a JDK and Maven (Debian), Apache Cassandra's jars (Maven Central, cached in ~/.m2 and
# .e2e/lib/<version>), and the Python driver (PyPI, in .e2e/venv). Idempotent; seconds when cached.
# Run as root (apt-get, and the e2e itself needs network namespaces).
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v haproxy >/dev/null || need+=(haproxy)
command -v ip >/dev/null || need+=(iproute2)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
/usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    echo "e2e setup: installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Cassandra version the stack deploys by default is the one the e2e runs.
version=$(sed -n 's/^export const DEFAULT_SERVER_VERSION = "\([^"]*\)";/\1/p' components/config.ts)
[ -n "$version" ] || { echo "e2e setup: DEFAULT_SERVER_VERSION not found in components/config.ts" >&2; exit 1; }
lib=".e2e/lib/$version"
if [ ! -f "$lib/.complete" ]; then
    echo "e2e setup: fetching org.apache.cassandra:cassandra-all:$version and dependencies"
    mkdir -p "$lib"
    mvn -B -q -f test/e2e/maven/pom.xml "-Dcassandra.version=$version" \
        dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$PWD/$lib"
    date -u +%FT%TZ >"$lib/.complete"
fi

req=test/e2e/python/requirements.txt
if ! cmp -s "$req" .e2e/venv/.requirements 2>/dev/null; then
    echo "e2e setup: creating .e2e/venv with $(tr '\n' ' ' <"$req")"
    rm -rf .e2e/venv
    /usr/bin/python3 -m venv .e2e/venv
    .e2e/venv/bin/pip install -q --disable-pip-version-check -r "$req"
    cp "$req" .e2e/venv/.requirements
fi
echo "e2e setup: ready (Cassandra $version, $(haproxy -v | head -1 | cut -d' ' -f1-3), $(.e2e/venv/bin/python -c 'import cassandra; print("python driver", cassandra.__version__)'))"
