#!/usr/bin/env bash
# What the averages on the network's device cost in a run: the median SGD step, one SWA update
# (the weight check, finite and within weightBound, + G <- G + w), one EMA update of every parameter (check + G <- dG + w) against
# the step and against a plain device copy, the first wave's host update, and SGD against EMA
# every step in wall time (ABBA pairs). Rewrites the "device-averages" section of docs/benchmarks.md.
#
#   scripts/bench/benchmark-averages.sh [RUNS] [EPOCHS] [NETWORK]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
EPOCHS=${2:-3}
NET=${3:-cnn}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install   # SKIP_BUILD=1: use the classes already built
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
MAIN=io.github.tribuoswa.reproduction.bench.SwaOverhead
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" $MAIN --mode updates --network $NET --epochs $EPOCHS --runs $RUNS --threads 2"
out=$(java -cp "$CP" $MAIN --mode updates --network "$NET" --epochs "$EPOCHS" --runs "$RUNS" --threads 2 2>/dev/null)
echo "$out"
field() { echo "$out" | grep "RESULT $1" | tr ' ' '\n' | grep "^$2=" | head -1 | sed "s/^$2=//"; }
runs() { echo "$out" | grep "RESULT $1=" | sed 's/.*runs=\(.*\)/\1/'; }
pct() { awk "BEGIN{printf \"%.2f\", 100 * $1}"; }
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- device-averages:start -->
## Averages on the device, in a run

Made by \`scripts/bench/benchmark-averages.sh $RUNS $EPOCHS $NET\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1).
$(echo "$out" | grep '^data:' | sed 's/^data: //'), SGD at a constant rate. The updates are timed on the
trained network (medians of 400 calls): an SWA update is what \`SWAListener\` does at an averaging
point (the weight check, finite and within \`weightBound\`: a max and a min per parameter, then G ← G + w on the $(field parameters parameters) trainable weights); an EMA update
averages all $(field parameters all_parameters) parameters, BatchNorm buffers included, as timm's EMA does (check, G ← δG + w);
the host update is the first wave's (read the weights to the host, update a double-precision mean).

| | figure |
|---|---|
| one training step (median of the SGD runs) | $(field step_ms step_ms) ms |
| one SWA update on the device | $(field swa_update_ms swa_update_ms) ms = $(pct "$(field swa_update_ms over_step)") % of a step, $(field swa_update_ms over_copy) × a device copy of the same weights |
| one EMA update on the device (target ≤ 3 % of a step) | $(field ema_update_ms ema_update_ms) ms = $(pct "$(field ema_update_ms over_step)") % of a step |
| one host update (first wave) | $(field host_update_ms host_update_ms) ms = $(pct "$(field host_update_ms over_step)") % of a step, $(field host_update_ms over_copy) × a device copy |
| a device copy of the trainable weights | $(field device_copy_ms device_copy_ms) ms |
| SGD wall time, $EPOCHS epochs (median) | $(field sgd_seconds sgd_seconds) s $(runs sgd_seconds) |
| EMA every step, same epochs (median) | $(field ema_seconds ema_seconds) s $(runs ema_seconds) |
| EMA / SGD wall ratio (this machine's run-to-run noise is several %) | $(field ema_sgd_ratio ema_sgd_ratio) |

Command:

\`\`\`
$SHOWN
\`\`\`
<!-- device-averages:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md device-averages
echo "wrote docs/benchmarks.md"
