#!/usr/bin/env bash
# The cost of telemetry with no OpenTelemetry SDK installed: steps/s of the training loop with
# the telemetry listener on a no-op instance vs without the listener (MLP, embedded
# Fashion-MNIST subset, interleaved runs, medians). Rewrites the "telemetry overhead" section
# of docs/benchmarks.md with the figures, the machine and the command.
#
#   scripts/bench/benchmark-telemetry.sh [RUNS] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
EPOCHS=${2:-2}
mvn -B -q -DskipTests install
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" io.github.tribuoswa.reproduction.bench.TelemetryOverhead --epochs $EPOCHS --runs $RUNS --threads 2"
out=$(java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.bench.TelemetryOverhead \
      --epochs "$EPOCHS" --runs "$RUNS" --threads 2 2>/dev/null)
echo "$out"
val() { echo "$out" | grep "RESULT $1" | sed "s/.*$1=\([0-9.]*\).*/\1/"; }
runs() { echo "$out" | grep "RESULT $1" | sed 's/.*runs=\(.*\)/\1/'; }
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- telemetry-overhead:start -->
## Telemetry overhead without an SDK

Made by \`scripts/bench/benchmark-telemetry.sh $RUNS $EPOCHS\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1).
$(echo "$out" | grep '^data:' | sed 's/^data: //'). The same training loop and epoch statistics, with and
without the telemetry listener on \`OpenTelemetry.noop()\` (what a run gets when no SDK is
installed), runs interleaved in ABBA order (each pair with the same seed) after three warm-up runs of each; medians.

| | steps/s (median) | runs |
|---|---|---|
| without the telemetry listener | $(val without_telemetry_steps_per_s) | $(runs without_telemetry_steps_per_s) |
| with the listener, no-op OpenTelemetry | $(val noop_telemetry_steps_per_s) | $(runs noop_telemetry_steps_per_s) |
| ratio (target ≥ 0.99) | $(val ratio) | |

The listener alone, called a million times on a no-op instance (last of 5 rounds), costs
$(val listener_ns_per_step) ns per step: $(val listener_share_of_step) of a step at the median speed above. The ratio of
whole-run medians is the figure the target is set on; the runs' spread on this 2-core machine
is several times the gap between the medians.

Command:

\`\`\`
$SHOWN
\`\`\`
<!-- telemetry-overhead:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md telemetry-overhead
echo "wrote docs/benchmarks.md"
