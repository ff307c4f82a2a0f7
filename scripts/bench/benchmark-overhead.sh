#!/usr/bin/env bash
# What SWA and FGE cost over SGD: wall time of the same epochs (SWA/SGD ratio, ABBA pairs,
# medians), the cost of one average update against one training step, and the peak resident
# memory of SGD, SWA and FGE, each in its own JVM. Rewrites the "swa-overhead" section of
# docs/benchmarks.md with the figures, the machine and the commands.
#
#   scripts/bench/benchmark-overhead.sh [RUNS] [EPOCHS] [NETWORK]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
EPOCHS=${2:-20}
NET=${3:-cnn}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install   # SKIP_BUILD=1: use the classes already built
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
MAIN=io.github.tribuoswa.reproduction.bench.SwaOverhead
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" $MAIN"
wall=$(java -cp "$CP" $MAIN --mode wall --network $NET --epochs $EPOCHS --runs $RUNS --threads 2 2>/dev/null)
echo "$wall"
mem=""
for m in sgd swa fge; do
  line=$(java -cp "$CP" $MAIN --mode memory --method $m --network $NET --epochs $EPOCHS --threads 2 2>/dev/null | grep RESULT)
  echo "$line"
  mem="$mem$line"$'\n'
done
val() { echo "$wall" | grep "RESULT $1=" | sed "s/.*$1=\([0-9.]*\).*/\1/"; }
runs() { echo "$wall" | grep "RESULT $1=" | sed 's/.*runs=\(.*\)/\1/'; }
peak() { echo "$mem" | grep "method=$1 " | sed 's/.*peak_rss_kib=\([0-9]*\).*/\1/'; }
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- swa-overhead:start -->
## What SWA and FGE cost over SGD

Made by \`scripts/bench/benchmark-overhead.sh $RUNS $EPOCHS $NET\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1).
$(echo "$wall" | grep '^data:' | sed 's/^data: //'). SWA: the last quarter of the epochs at a constant rate,
averaging once per epoch, then the BatchNorm refresh (one more forward pass over the data, as far as the last BatchNorm layer); FGE:
snapshots twice an epoch in the last quarter. The refresh is a fixed cost ($(val refresh_over_epoch) epochs here),
so the SWA/SGD ratio approaches 1 + (refresh in epochs) / epochs, which is ≤ 1.02 from
$(awk "BEGIN{printf \"%.0f\", $(val refresh_over_epoch) / 0.02}") epochs on: the harness runs $EPOCHS epochs, a short run by the papers' standards (they
train for 150 to 300).

| | figure |
|---|---|
| SGD wall time (median) | $(val sgd_seconds) s $(runs sgd_seconds) |
| SWA wall time (median) | $(val swa_seconds) s $(runs swa_seconds) |
| SWA / SGD wall ratio (target ≤ 1.02) | $(val swa_sgd_ratio) |
| one training step | $(val step_ms) ms |
| one average update on the device ($(echo "$wall" | grep 'average_update_ms' | sed 's/.*parameters=//') weights: the finiteness check, then G ← G + w) | $(val average_update_ms) ms, $(val average_update_over_step) steps |
| one BatchNorm refresh of w_SWA (a forward pass over the training data, batch 128; in the SWA wall time) | $(val refresh_seconds) s $(runs refresh_seconds), $(val refresh_over_epoch) epochs |
| peak resident memory, SGD | $(peak sgd) KiB |
| peak resident memory, SWA | $(peak swa) KiB |
| peak resident memory, FGE (K = $(echo "$mem" | grep "method=fge " | sed 's/.*networks=//') snapshots) | $(peak fge) KiB |

Commands:

\`\`\`
$SHOWN --mode wall --network $NET --epochs $EPOCHS --runs $RUNS --threads 2
$SHOWN --mode memory --method sgd|swa|fge --network $NET --epochs $EPOCHS --threads 2   # one JVM each
\`\`\`
<!-- swa-overhead:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md swa-overhead
echo "wrote docs/benchmarks.md"
