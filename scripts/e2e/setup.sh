#!/usr/bin/env bash
# Installs what `npm run test:e2e` and `npm run bench:dataplane` need, from nothing: HAProxy,
# iproute2, a JDK and Maven (Debian), Apache Cassandra's jars and the Java driver (Maven Central,
# cached in ~/.m2, .e2e/lib/<version> and .e2e/java-driver), and the Python driver and cqlsh
# (PyPI, in .e2e/venv). Idempotent; seconds when cached.
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
version=$(sed -n 's/^export const DEFAULT_SERVER_VERSION = "\([^"]*\)";/\1/p' components/config/schema.ts)
[ -n "$version" ] || { echo "e2e setup: DEFAULT_SERVER_VERSION not found in components/config/schema.ts" >&2; exit 1; }
lib=".e2e/lib/$version"
if [ ! -f "$lib/.complete" ]; then
    echo "e2e setup: fetching org.apache.cassandra:cassandra-all:$version and dependencies"
    mkdir -p "$lib"
    mvn -B -q -f test/e2e/maven/pom.xml "-Dcassandra.version=$version" \
        dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$PWD/$lib"
    date -u +%FT%TZ >"$lib/.complete"
fi

# The Java driver the e2e's Java application runs (the version test/e2e/maven/java-driver/pom.xml pins).
jd=.e2e/java-driver
if [ ! -f "$jd/.complete" ] || [ test/e2e/maven/java-driver/pom.xml -nt "$jd/.complete" ]; then
    echo "e2e setup: fetching the Java driver and dependencies"
    rm -rf "$jd"
    mkdir -p "$jd"
    mvn -B -q -f test/e2e/maven/java-driver/pom.xml \
        dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$PWD/$jd"
    date -u +%FT%TZ >"$jd/.complete"
fi

# venv <dir> <requirements>: (re)creates the virtualenv when the requirements changed.
venv() {
    if ! cmp -s "$2" "$1/.requirements" 2>/dev/null; then
        echo "e2e setup: creating $1 with $(grep -v '^#' "$2" | tr '\n' ' ')"
        rm -rf "$1"
        /usr/bin/python3 -m venv "$1"
        "$1/bin/pip" install -q --disable-pip-version-check -r "$2"
        cp "$2" "$1/.requirements"
    fi
}
# The Python driver the e2e's Python application runs (and cqlsh beside it, to show what 3.30.1 does to cqlsh's TLS).
venv .e2e/venv test/e2e/python/requirements.txt
# cqlsh as the README installs it: with a driver that verifies the certificates cqlshrc names.
venv .e2e/cqlsh-venv test/e2e/python/cqlsh-requirements.txt
echo "e2e setup: ready (Cassandra $version, $(haproxy -v | head -1 | cut -d' ' -f1-3), $(ls "$jd" | grep -o 'java-driver-core-.*[0-9]'), $(.e2e/venv/bin/python -c 'import cassandra; print("python driver", cassandra.__version__)'), $(.e2e/cqlsh-venv/bin/cqlsh --version) with driver $(.e2e/cqlsh-venv/bin/python -c 'import cassandra; print(cassandra.__version__)'))"
