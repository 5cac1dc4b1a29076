#!/usr/bin/env bash
# CI smoke test: proves every benchmark still runs, not how fast. One fork, no warm-up, one
# 100 ms iteration each, parameters trimmed to one value where that keeps the code paths
# (failureRate 0.01 exercises ejection and restore in every lane), and the GC profiler on,
# since the published numbers use it. The adapter benchmarks keep every parameter: each of
# their values takes another path through the adapter (JdkClientBenchmark's diagnostic
# executor=direct is not a default and is not run). Their setups and teardowns check that
# every response came through whole and was recorded as a success, and that no Netty buffer
# leaked. ProxyBenchmark starts a loopback upstream and the failover proxy per target and
# fails unless every response is a whole 200. Exits non-zero if JMH reports any failure.
#
# Usage: benchmarks/smoke.sh [extra JMH options]   (build first: ./mvnw -B -pl benchmarks -am package)
set -euo pipefail

jar="$(cd "$(dirname "$0")" && pwd)/target/benchmarks.jar"
if [[ ! -f "$jar" ]]; then
  echo "smoke.sh: $jar is missing; build it with ./mvnw -B -pl benchmarks -am package" >&2
  exit 2
fi

exec java -Djmh.ignoreLock=true -jar "$jar" -f 1 -wi 0 -i 1 -r 100ms -foe true -prof gc \
  -p failureRate=0.01 -p bodySize=1024 -p length=16 "$@"
