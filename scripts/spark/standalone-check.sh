#!/usr/bin/env bash
# The walk-through of docs/spark.md, run for real: a Spark standalone cluster on this machine (a
# master and a worker, Spark's own classes from the Maven Central jars laid out as a distribution's
# jars/ folder), the job jar submitted to it with spark-submit (SparkSubmit, the class the
# spark-submit script runs), a sweep of 2 SWA seeds whose tasks run in the worker's executors,
# the ensemble saved by the driver and evaluated again. Executors get an empty DJL cache, so the
# PyTorch natives they load come out of the job jar.
#
#   scripts/spark/standalone-check.sh            # after mvn install (cli/target has the job jar)
#   OFFLINE=1 scripts/spark/standalone-check.sh  # the same in a network namespace of its own
#                                                # (loopback only; root), as scripts/test.sh runs it
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cli="$root/cli/target"
jar="$(ls "$cli"/tribuo-swa-cli-*-job.jar 2>/dev/null | head -n 1 || true)"
[ -n "$jar" ] && [ -f "$cli/spark-classpath.txt" ] || { echo "standalone check: build first (mvn install): no job jar in $cli" >&2; exit 2; }

# the jars of a Spark distribution, from Maven Central (resolved here, before any network is cut off)
dist="$cli/spark-distribution-classpath.txt"
if [ ! -s "$dist" ]; then
  mvn -B -q -f "$root/scripts/spark/distribution/pom.xml" dependency:build-classpath -Dmdep.outputFile="$dist" > /dev/null
fi

if [ "${OFFLINE:-0}" = 1 ] && [ -z "${IN_NETNS:-}" ]; then
  # a new network namespace: no route anywhere; bring its loopback up for the cluster's own sockets
  exec unshare -n env IN_NETNS=1 bash -c 'ip link set lo up && exec "$0" "$@"' "$0" "$@"
fi

work="$(mktemp -d /tmp/tribuo-swa-standalone.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# SPARK_HOME: a distribution's layout (jars/, conf/) holding the Spark jars of Maven Central
export SPARK_HOME="$work/spark" SPARK_SCALA_VERSION=2.13
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf" "$work/worker" "$work/djl-cache"
tr ':' '\n' < "$dist" | while read -r j; do ln -s "$j" "$SPARK_HOME/jars/"; done
# Spark on Java 17 needs its --add-opens flags (they change nothing for the other commands)
# shellcheck source=spark/opens.sh
. "$root/scripts/spark/opens.sh"
spark_class() {
  # shellcheck disable=SC2086
  java $opens -Xmx512m -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" "$@"
}
daemon() { # a daemon in the background whose pid is java's own (so the cleanup stops it)
  local out="$1"
  shift
  # shellcheck disable=SC2086
  ( exec java $opens -Xmx512m -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" "$@" > "$out" 2>&1 ) &
  pids+=($!)
}
await() { # await FILE PATTERN: up to 2 minutes for a daemon's log line
  for _ in $(seq 240); do
    grep -q "$2" "$1" && return 0
    sleep 0.5
  done
  echo "standalone check: no '$2' in $1" >&2
  cat "$work"/*.log >&2
  exit 1
}
export SPARK_LOCAL_IP=127.0.0.1
# free ports chosen by the master itself (0), read back from its log
daemon "$work/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port 0 --webui-port 0
await "$work/master.log" "Starting Spark master at spark://"
master="$(grep -o 'spark://127.0.0.1:[0-9]*' "$work/master.log" | head -n 1)"
daemon "$work/worker.log" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 --cores 2 --memory 3g \
    --work-dir "$work/worker" "$master"
await "$work/worker.log" "Successfully registered with master"

sweep=(sweep --config "$root/configs/djl-swa.xml" --train embedded --test embedded --seeds 1,2 --override trainer.epochs=3
    --override trainer.phaseStart=2 --override trainer.progressBar=false --build ensemble)
# submit NAME SPARK-SUBMIT-OPTIONS... -- SWEEP-OPTIONS...: client mode (the driver is this JVM), one task a core
submit() {
  local name="$1"
  shift
  local conf=()
  while [ "$1" != "--" ]; do conf+=("$1"); shift; done
  shift
  set +e
  spark_class org.apache.spark.deploy.SparkSubmit --master "$master" --deploy-mode client --class io.github.tribuoswa.cli.TribuoSwaCli \
      --conf spark.task.cpus=1 --conf spark.cores.max=2 --conf "spark.executor.extraJavaOptions=$opens" \
      --conf "spark.executorEnv.DJL_CACHE_DIR=$work/djl-cache-$name" "${conf[@]}" \
      "$jar" "${sweep[@]}" --output "$work/$name.tribuo" "$@" > "$work/$name.log" 2>&1
  local rc=$?
  set -e
  grep -v "^\s*at \|WARN\|INFO\|^Dec\|^[0-9][0-9]/" "$work/$name.log" | tail -n 8
  local natives
  natives="$(find "$work/djl-cache-$name" -name 'libtorch*.so' 2>/dev/null | wc -l)"
  echo "standalone check ($name): spark-submit exit $rc; natives extracted from the job jar into an empty DJL cache: $natives"
  if [ "$rc" -ne 0 ] || ! grep -q "seed-1: test score" "$work/$name.log" || ! grep -q "seed-2: test score" "$work/$name.log" \
      || [ "$natives" -lt 1 ]; then
    echo "standalone check: 0 passed, 1 failed ($name; logs in $work)" >&2
    KEEP=1
    tail -n 40 "$work"/worker/app-*/*/stderr >&2 2>/dev/null || true
    exit 1
  fi
}
# two executors of one core, each training in its own JVM
submit executors --conf spark.executor.cores=1 --executor-memory 1200m --
# one executor of two cores whose two tasks train at once in child JVMs, checkpointing into a shared directory
submit children --conf spark.executor.cores=2 --executor-memory 1200m -- --child-jvms --checkpoints "$work/checkpoints"
apps="$(ls -d "$work"/worker/app-* | wc -l)"
executors="$(ls -d "$work"/worker/app-*/* | wc -l)"
[ "$apps" -eq 2 ] && [ "$executors" -eq 3 ] || { echo "standalone check: 0 passed, 1 failed: $apps applications, $executors executors (want 2, 3)" >&2; KEEP=1; exit 1; }
checkpoints="$(find "$work/checkpoints" -name '*.checkpoint' | wc -l)"
[ "$checkpoints" -eq 2 ] || { echo "standalone check: 0 passed, 1 failed: $checkpoints checkpoints (want one per task)" >&2; KEEP=1; exit 1; }

# the ensembles, evaluated again by the command line, against the same sweep run in one local JVM one task at a time
"$root/scripts/tribuo-swa.sh" "${sweep[@]}" --master 'local[1]' --output "$work/local.tribuo" > "$work/local.log" 2>&1
for name in local executors children; do
  "$root/scripts/tribuo-swa.sh" evaluate --model "$work/$name.tribuo" --test embedded 2> /dev/null | grep accuracy > "$work/evaluate-$name.log"
  echo "$name: $(cat "$work/evaluate-$name.log")"
done
if ! diff "$work/evaluate-local.log" "$work/evaluate-executors.log" || ! diff "$work/evaluate-local.log" "$work/evaluate-children.log"; then
  echo "standalone check: 0 passed, 1 failed (a cluster's ensemble differs from the local run's)" >&2
  KEEP=1
  exit 1
fi
echo "standalone check: the cluster's ensembles evaluate as the local sequential run's"
echo "standalone check: 1 passed, 0 failed"
