#!/usr/bin/env bash
# Issue 17's benchmark (io.github.tribuoswa.spark.SweepBenchmark): 4 runs of scripts/bench/sweep-cnn.xml (djl-swa.xml with the CNN)
# (seeds 1-4, EPOCHS epochs, the embedded subset) sequentially at 1 and 2 intra-op threads and as
# a Spark job in local[2] (child JVMs, one per slot, 1 thread each), then the "spark" section of
# docs/benchmarks.md. Run it on an otherwise idle machine. SKIP_BUILD=1 uses the classes built.
#
#   scripts/bench/benchmark-spark.sh [EPOCHS [RUNS]]     e.g. 6 2
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-5}
RUNS=${2:-1}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
# Spark on Java 17 needs its --add-opens flags (they change nothing for the other commands)
# shellcheck source=spark/opens.sh
. scripts/spark/opens.sh
# shellcheck disable=SC2086
DJL_OFFLINE=true java $opens -cp "spark/target/classes:$(cat spark/target/classpath.txt)" io.github.tribuoswa.spark.SweepBenchmark --config scripts/bench/sweep-cnn.xml \
  --epochs "$EPOCHS" --runs "$RUNS" --command "scripts/bench/benchmark-spark.sh $EPOCHS $RUNS" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md spark
