#!/usr/bin/env bash
# JMH microbenchmarks of the average update, reading a network's weights and the BatchNorm
# refresh, against a plain array copy of the same size. Rewrites the "jmh" section of
# docs/benchmarks.md with the JMH table, the machine and the command.
#
#   scripts/bench/benchmark-jmh.sh [FORKS] [WARMUP_ITERATIONS] [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
FORKS=${1:-1}
WI=${2:-3}
IT=${3:-5}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install   # SKIP_BUILD=1: use the classes already built
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" org.openjdk.jmh.Main AveragingBenchmark -f $FORKS -wi $WI -i $IT -w 1s -r 1s"
out=$(java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" org.openjdk.jmh.Main AveragingBenchmark \
      -f "$FORKS" -wi "$WI" -i "$IT" -w 1s -r 1s 2>/dev/null | sed -n '/^Benchmark/,$p')
echo "$out"
ratios=$(printf '%s\n' "$out" | python3 -c '
import sys, re
rows = {}
for line in sys.stdin:
    m = re.match(r"AveragingBenchmark\.(\w+)\s+(\S+)\s+(\S+)\s+avgt\s+\d+\s+([0-9.]+)", line)
    if m:
        rows[(m.group(1), m.group(2), m.group(3))] = float(m.group(4))
print("| size | threads | equal update / copy | EMA update / copy | check / copy | equal update + check / copy |")
print("|---|---|---|---|---|---|")
for (name, size, threads), copy in sorted(rows.items(), key=lambda kv: (int(kv[0][1]) if kv[0][1].isdigit() else 0, kv[0][2])):
    if name != "deviceCopy":
        continue
    eq = rows[("deviceEqualUpdate", size, threads)]
    ema = rows[("deviceEmaUpdate", size, threads)]
    chk = rows[("finiteCheck", size, threads)]
    print(f"| {size} | {threads} | {eq / copy:.2f} | {ema / copy:.2f} | {chk / copy:.2f} | {(eq + chk) / copy:.2f} |")
')
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- jmh:start -->
## Microbenchmarks (JMH 1.37)

Made by \`scripts/bench/benchmark-jmh.sh $FORKS $WI $IT\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1);
$FORKS fork(s), $WI warm-up and $IT measured iterations of 1 s each; average time per operation.
The \`device*\` rows work on one weight matrix of \`size\` values on the CPU device at \`threads\`
intra-op threads: \`deviceCopy\` is a plain copy of it into another device array (libtorch's
\`copy_\`), \`deviceEqualUpdate\` one update of SWA's equal average kept there (G ← G + w),
\`deviceEmaUpdate\` one update of an EMA (G ← δG + w), \`finiteCheck\` the check the SWA listener
runs before an update. \`averageUpdate\` is the first wave's host update (a double-precision
mean on a flat float vector) and \`arrayCopy\` a plain Java copy of the same floats.
\`readNetworkWeights\` reads the 203,530 trainable weights of an MLP 784-256(BN)-10 to the host,
\`batchNormRefresh\` refreshes its BatchNorm statistics over 1,024 examples in batches of 128
(2 intra-op threads).

Ratios from this run (target: an update ≤ 2 × a device copy):

$ratios

\`\`\`
$out
\`\`\`

Command:

\`\`\`
$SHOWN
\`\`\`
<!-- jmh:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md jmh
echo "wrote docs/benchmarks.md"
