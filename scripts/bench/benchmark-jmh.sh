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
mvn -B -q -DskipTests install
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" org.openjdk.jmh.Main AveragingBenchmark -f $FORKS -wi $WI -i $IT -w 1s -r 1s"
out=$(java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" org.openjdk.jmh.Main AveragingBenchmark \
      -f "$FORKS" -wi "$WI" -i "$IT" -w 1s -r 1s 2>/dev/null | sed -n '/^Benchmark/,$p')
echo "$out"
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- jmh:start -->
## Microbenchmarks (JMH 1.37)

Made by \`scripts/bench/benchmark-jmh.sh $FORKS $WI $IT\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1);
$FORKS fork(s), $WI warm-up and $IT measured iterations of 1 s each; average time per operation.
\`averageUpdate\` is one update of Algorithm 1's running mean (double precision) with a float
vector of \`size\` weights, \`arrayCopy\` a plain copy of the same floats; ns per parameter is
ns/op ÷ size. \`readNetworkWeights\` reads the 203,530 trainable weights of an MLP
784-256(BN)-10, \`batchNormRefresh\` refreshes its BatchNorm statistics over 1,024 examples in
batches of 128 (2 intra-op threads).

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
