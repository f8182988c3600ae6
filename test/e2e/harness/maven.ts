import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { run } from "./exec";
import { progress } from "./log";
import { E2E_DIR, PROJECT_DIR } from "./paths";

const POM = resolve(PROJECT_DIR, "test/e2e/maven/pom.xml");

/**
 * The directory holding `cassandra-all` and its runtime dependencies for `version`, fetched
 * from Maven Central on first use (~/.m2 caches the artifacts, `.e2e/lib/<version>` the copy).
 * A marker file is written last, so an interrupted copy is redone rather than trusted.
 */
export function cassandraLib(version: string): string {
    const dir = join(E2E_DIR, "lib", version);
    const marker = join(dir, ".complete");
    if (!existsSync(marker)) {
        progress(
            `fetching org.apache.cassandra:cassandra-all:${version} and its dependencies with Maven`,
        );
        mkdirSync(dir, { recursive: true });
        run("mvn", [
            "-B",
            "-q",
            "-f",
            POM,
            `-Dcassandra.version=${version}`,
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            `-DoutputDirectory=${dir}`,
        ]);
        writeFileSync(marker, new Date().toISOString());
    }
    const jar = readdirSync(dir).find((f) => f === `cassandra-all-${version}.jar`);
    if (!jar) {
        throw new Error(
            `${dir} has no cassandra-all-${version}.jar; delete the directory to fetch it again`,
        );
    }
    return dir;
}

const JAVA_DRIVER_POM = resolve(PROJECT_DIR, "test/e2e/maven/java-driver/pom.xml");

/**
 * The directory holding the Java driver the e2e clients run and its runtime dependencies (the
 * version the pom pins), fetched like `cassandraLib`; scripts/e2e/setup.sh fills it first.
 */
export function javaDriverLib(): string {
    const dir = join(E2E_DIR, "java-driver");
    const marker = join(dir, ".complete");
    if (!existsSync(marker)) {
        progress("fetching the Java driver and its dependencies with Maven");
        mkdirSync(dir, { recursive: true });
        run("mvn", [
            "-B",
            "-q",
            "-f",
            JAVA_DRIVER_POM,
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            `-DoutputDirectory=${dir}`,
        ]);
        writeFileSync(marker, new Date().toISOString());
    }
    return dir;
}
