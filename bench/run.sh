#!/usr/bin/env bash
# bench/run.sh: builds the benchmark jar, Natrix and the Go client driver, then runs the side-by-side benchmark
# (nats-server vs Natrix, same client code, one run) and keeps the results under bench/results/ (git-ignored).
#
#   bench/run.sh                         everything, defaults (a few minutes)
#   bench/run.sh --quick                 one round, shorter runs: a smoke test of the whole pipeline
#   bench/run.sh --scenarios pub,pubsub --sizes 128 --rounds 5
#   bench/run.sh --scenarios kv-put,kv-get,kv-watch,kv-keys,obj-put,obj-get --clients jnats   key-value, objects
#   bench/run.sh --servers nats-server   only the reference server
#   bench/run.sh --skip-build ...        reuse the jars and the Go binary as they are
#   bench/run.sh --live-natrix ...       start Natrix through ./natrix itself (with NATRIX_NO_BUILD=1) instead of
#                                        a snapshot (see below)
#
# Natrix is started through its launcher, from a snapshot taken when the run begins: bench/target/natrix-snapshot/
# holds copies of ./natrix, scripts/java-env.sh, scripts/listen.pl and app/target/natrix.jar (no sources, so the
# launcher never decides to rebuild in the middle of a run because someone edited a file; it makes its start-up
# cache there on first use).
# The whole run therefore measures one build.
#
# Every other option goes to the driver; `bench/run.sh --help` lists them. Servers are pinned to CPU 0 and the
# driver JVM and the Go client to CPU 1 (change with --server-cpu / --client-cpu; --no-pin turns pinning off).
# Writes bench/results/<stamp>.md (the table), <stamp>.csv (every sample), <stamp>.log (the whole console output)
# and <stamp>-logs/ (server output). Exit status: 0 when every run succeeded, 1 when any failed, 2 on bad options.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

skip_build=0
live_natrix=0
client_cpu=1
pin=1
driver_args=()
while (($#)); do
  case $1 in
    --skip-build) skip_build=1 ;;
    --live-natrix) live_natrix=1 ;;
    --quick) driver_args+=(--rounds 1 --duration-ms 300 --warmup-ms 300 --starts 3 --settle-ms 300 --js-recovery-mb 64 --js-consume-msgs 10000 --kv-keys 10000 --obj-mb 10) ;;
    --client-cpu) client_cpu=${2:?--client-cpu needs a value}; driver_args+=("$1" "$2"); shift ;;
    --client-cpu=*) client_cpu=${1#*=}; driver_args+=("$1") ;;
    --no-pin) pin=0; driver_args+=("$1") ;;
    *) driver_args+=("$1") ;;
  esac
  shift
done

# The same JDK choice as ./natrix and CI: JAVA_HOME if >= 21, else java on PATH, else the newest in /usr/lib/jvm.
if [[ -f $ROOT/scripts/java-env.sh ]]; then
  # shellcheck source=../scripts/java-env.sh
  . "$ROOT/scripts/java-env.sh"
  natrix_select_java || exit 1
  JAVA=$NATRIX_JAVA
else
  JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
fi

if ((pin)); then
  if ! command -v taskset >/dev/null 2>&1; then
    echo "bench/run.sh: taskset not found (util-linux); pass --no-pin to run unpinned" >&2
    exit 2
  fi
  if (($(nproc) < 2)); then
    echo "bench/run.sh: fewer than 2 CPUs; running unpinned" >&2
    pin=0
    driver_args+=(--no-pin)
  fi
fi

BENCH_JAR=$ROOT/bench/target/natrix-bench.jar
GO_BIN=$ROOT/bench/go/target/natrix-gobench

if ((!skip_build)); then
  echo "bench/run.sh: building server, app and bench (mvnw package, tests neither compiled nor run)..."
  ./mvnw -q -B -Dmaven.test.skip=true -pl app,bench -am package
  if command -v go >/dev/null 2>&1; then
    echo "bench/run.sh: building the Go client driver (offline, GOPATH mode on Debian's nats.go)..."
    mkdir -p "$ROOT/bench/go/target"
    (cd "$ROOT/bench/go" &&
      GO111MODULE=off GOPATH=${NATRIX_GOPATH:-/usr/share/gocode} GOPROXY=off GOFLAGS='' \
        GOCACHE=$ROOT/bench/go/target/gocache go build -o "$GO_BIN" .) ||
      echo "bench/run.sh: the Go driver did not build (needs golang-github-nats-io-go-nats-dev); no Go rows" >&2
  else
    echo "bench/run.sh: go is not installed; no Go rows" >&2
  fi
fi
[[ -f $BENCH_JAR ]] || { echo "bench/run.sh: $BENCH_JAR is missing; run without --skip-build" >&2; exit 2; }

natrix_cmd=$ROOT/natrix
# Either way the launcher must not rebuild during the run: the jar was built above (or --skip-build said to use it).
export NATRIX_NO_BUILD=1
if ((!live_natrix)) && [[ -f $ROOT/app/target/natrix.jar && -x $ROOT/natrix ]]; then
  snapshot=$ROOT/bench/target/natrix-snapshot
  rm -rf "$snapshot"
  mkdir -p "$snapshot/app/target" "$snapshot/scripts"
  cp -p "$ROOT/natrix" "$snapshot/natrix"
  if [[ -f $ROOT/scripts/java-env.sh ]]; then
    cp -p "$ROOT/scripts/java-env.sh" "$snapshot/scripts/java-env.sh"
  fi
  if [[ -f $ROOT/scripts/listen.pl ]]; then
    cp -p "$ROOT/scripts/listen.pl" "$snapshot/scripts/listen.pl"
  fi
  cp -p "$ROOT/app/target/natrix.jar" "$snapshot/app/target/natrix.jar"
  natrix_cmd=$snapshot/natrix
  echo "bench/run.sh: Natrix runs from a snapshot of app/target/natrix.jar ($(date -r "$ROOT/app/target/natrix.jar" '+%F %T'))"
fi

stamp=$(date +%Y%m%d-%H%M%S)
results=$ROOT/bench/results
mkdir -p "$results"

# The JVM sees one CPU under taskset, so it picks the serial collector; a fixed heap keeps GC out of the way.
java_cmd=("$JAVA" -Xms2g -Xmx4g -jar "$BENCH_JAR")
if ((pin)); then
  java_cmd=(taskset -c "$client_cpu" "${java_cmd[@]}")
fi

set +e
"${java_cmd[@]}" \
  --natrix "$natrix_cmd" \
  --go-bin "$GO_BIN" \
  --out "$results/$stamp.md" \
  --log-dir "$results/$stamp-logs" \
  "${driver_args[@]}" 2>&1 | tee "$results/$stamp.log"
status=${PIPESTATUS[0]}
set -e
echo "bench/run.sh: results in bench/results/$stamp.{md,csv,log} (exit $status)"
exit "$status"
