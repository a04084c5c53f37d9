#!/usr/bin/env bash
# bench/soak.sh: the soak job (reliability plan D4). Builds Natrix and the bench jar, then runs a steady mixed load
# (core fan-out, request/reply, JetStream publish and pull consume, key-value, connection churn) against a server
# for N minutes, samples its heap, RSS, descriptors, threads and latencies, and judges the run against D4's bars.
# Not part of the test suite: neither Maven nor CI runs it.
#
#   bench/soak.sh --minutes 60                      nightly: Natrix for an hour
#   bench/soak.sh --minutes 480                     weekly: eight hours
#   bench/soak.sh --minutes 20 --server both        nats-server, then Natrix, each 20 minutes
#   bench/soak.sh --minutes 10 --parts js,kv        only some parts of the load (to bisect a leak)
#   bench/soak.sh --skip-build ...                  reuse the jars as they are
#   bench/soak.sh --help                            every option of the driver (builds nothing)
#
# Natrix runs from a snapshot of the launcher and app/target/natrix.jar taken at the start
# (bench/target/soak-snapshot/), so that a build elsewhere in the tree during a long soak cannot change the server
# under test. The server is pinned to CPU 0 and the driver to CPU 1 (--server-cpu / --client-cpu; --no-pin turns
# pinning off). Writes bench/results/soak-<stamp>-<server>.md and .csv, the console output to
# bench/results/soak-<stamp>.log, and server output under bench/results/soak-<stamp>-logs/.
# Exit status: 0 when every bar is met, 1 when one is missed or a run failed, 2 for bad options.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

skip_build=0
client_cpu=1
pin=1
driver_args=()
while (($#)); do
  case $1 in
    --skip-build) skip_build=1 ;;
    --help) skip_build=1; driver_args+=("$1") ;;
    --client-cpu) client_cpu=${2:?--client-cpu needs a value}; shift ;;
    --client-cpu=*) client_cpu=${1#*=} ;;
    --no-pin) pin=0; driver_args+=("$1") ;;
    *) driver_args+=("$1") ;;
  esac
  shift
done

# The same JDK choice as ./natrix and CI: JAVA_HOME if >= 21, else java on PATH, else the newest in /usr/lib/jvm.
# shellcheck source=../scripts/java-env.sh
. "$ROOT/scripts/java-env.sh"
natrix_select_java || exit 1
JAVA=$NATRIX_JAVA

if ((pin)) && { ! command -v taskset >/dev/null 2>&1 || (($(nproc) < 2)); }; then
  echo "bench/soak.sh: taskset missing or fewer than 2 CPUs; running unpinned" >&2
  pin=0
  driver_args+=(--no-pin)
fi

BENCH_JAR=$ROOT/bench/target/natrix-bench.jar
if ((!skip_build)); then
  echo "bench/soak.sh: building server, app and bench (mvnw package, tests neither compiled nor run)..."
  ./mvnw -q -B -Dmaven.test.skip=true -pl app,bench -am package
fi
[[ -f $BENCH_JAR && -f $ROOT/app/target/natrix.jar ]] ||
  { echo "bench/soak.sh: the bench jar or app/target/natrix.jar is missing; run without --skip-build" >&2; exit 2; }

export NATRIX_NO_BUILD=1
snapshot=$ROOT/bench/target/soak-snapshot
rm -rf "$snapshot"
mkdir -p "$snapshot/app/target" "$snapshot/scripts"
cp -p "$ROOT/natrix" "$snapshot/natrix"
cp -p "$ROOT/scripts/java-env.sh" "$snapshot/scripts/java-env.sh"
if [[ -f $ROOT/scripts/listen.pl ]]; then
  cp -p "$ROOT/scripts/listen.pl" "$snapshot/scripts/listen.pl"
fi
cp -p "$ROOT/app/target/natrix.jar" "$snapshot/app/target/natrix.jar"
echo "bench/soak.sh: Natrix runs from a snapshot of app/target/natrix.jar ($(date -r "$ROOT/app/target/natrix.jar" '+%F %T'))"

stamp=$(date -u +%Y%m%d-%H%M%S)
results=$ROOT/bench/results
mkdir -p "$results"

java_cmd=("$JAVA" -Xms256m -Xmx1g -cp "$BENCH_JAR" io.natrix.bench.Soak)
if ((pin)); then
  java_cmd=(taskset -c "$client_cpu" "${java_cmd[@]}")
fi

set +e
"${java_cmd[@]}" \
  --natrix "$snapshot/natrix" \
  --out-dir "$results" \
  --log-dir "$results/soak-$stamp-logs" \
  "${driver_args[@]}" 2>&1 | tee "$results/soak-$stamp.log"
status=${PIPESTATUS[0]}
set -e
echo "bench/soak.sh: results in bench/results/soak-$stamp* (exit $status)"
exit "$status"
