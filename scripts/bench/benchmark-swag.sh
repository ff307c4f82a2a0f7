#!/usr/bin/env bash
# What SWAG costs (io.github.tribuoswa.reproduction.bench.SwagCosts): the posterior's memory with K
# deviations against K + 2 weight copies (resident memory, in a JVM of its own with a fixed,
# pre-touched heap and every native array its own mapping), one collection against one training
# step, one sample and its BatchNorm refresh against an epoch, and the prediction of S samples
# against one model (ABBA, medians). Rewrites the "swag-costs" section of docs/benchmarks.md.
#
#   scripts/bench/benchmark-swag.sh [RUNS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
THREADS=${2:-1}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install   # SKIP_BUILD=1: use the classes already built
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
MAIN=io.github.tribuoswa.reproduction.bench.SwagCosts
MEMORY_JVM="-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
mem=$(MALLOC_MMAP_THRESHOLD_=65536 java $MEMORY_JVM -cp "$CP" $MAIN --mode memory --threads "$THREADS" 2>/dev/null)
echo "$mem"
out=$(java -cp "$CP" $MAIN --mode time --runs "$RUNS" --threads "$THREADS" 2>/dev/null)
echo "$out"
val() { echo "$2" | grep "RESULT" | tr ' ' '\n' | grep "^$1=" | head -1 | sed "s/^$1=//"; }
runs() { echo "$out" | grep "RESULT $1=" | sed 's/.*runs=\(\[[^]]*\]\).*/\1/'; }
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
shown="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" $MAIN"
section=$(cat <<MD
<!-- swag-costs:start -->
## SWAG's costs

Made by \`scripts/bench/benchmark-swag.sh $RUNS $THREADS\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1);
load average at the start $(cut -d' ' -f1-3 /proc/loadavg).
$(echo "$out" | grep '^data:' | sed 's/^data: //'). The SWAG model is a real \`SWAGTrainer\` run (4 epochs,
the last 2 its phase). A collection is what \`SWAGListener\` does: the weight check (finite, within \`weightBound\`) and
\`SwagPosterior.collect\` (θ̄, s̄ and the new deviation on the device, the oldest dropped beyond K).

| | figure |
|---|---|
| trainable weights (float32), one copy | $(val parameters "$mem") weights, $(val copy_kib "$mem") KiB |
| posterior with K deviations, resident memory | $(val posterior_rss_kib "$mem") KiB |
| K + 2 weight copies, resident memory (same JVM) | $(val copies_rss_kib "$mem") KiB (their arrays: $(val arrays_kib "$mem") KiB) |
| posterior / (K + 2) copies | $(val posterior_over_copies "$mem") |
| one training step (median of runs of 4 epochs) | $(val step_ms "$out") ms $(runs step_ms) |
| one collection (median of 200, per ABBA run) | $(val collect_ms "$out") ms $(runs collect_ms) |
| collection / step | $(val collect_over_step "$out") |
| one sample drawn on the device / step | $(val sample_ms "$out") ms, $(val over_step "$(echo "$out" | grep sample_ms)") |
| BatchNorm refresh of one sample / epoch | $(val refresh_ms "$out") ms, $(val over_epoch "$out") |
| making the model (S samples and refreshes) / epoch | $(val model_over_epoch "$out") |
| one model, the test images (median) | $(val one_seconds "$out") s $(runs one_seconds) |
| S samples, the test images (median) | $(val samples_seconds "$out") s $(runs samples_seconds): $(val samples_over_one "$out") × one model, $(val over_s_one "$out") × S × one |

Commands:

\`\`\`
MALLOC_MMAP_THRESHOLD_=65536 java $MEMORY_JVM -cp "reproduction/target/classes:\$(cat reproduction/target/classpath.txt)" $MAIN --mode memory --threads $THREADS
$shown --mode time --runs $RUNS --threads $THREADS
\`\`\`
<!-- swag-costs:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md swag-costs
echo "wrote docs/benchmarks.md"
