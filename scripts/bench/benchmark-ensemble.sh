#!/usr/bin/env bash
# How long an FGE ensemble of K = 4 networks takes to predict the test set, against one of its
# networks (both batched, ABBA order, medians), and Tribuo's WeightedEnsembleModel of the same
# members on the first images. Rewrites the "ensemble-prediction" section of docs/benchmarks.md.
#
#   scripts/bench/benchmark-ensemble.sh [RUNS] [TRIBUO_IMAGES]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
TRIBUO=${2:-1000}
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install   # SKIP_BUILD=1: use the classes already built
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
MAIN=io.github.tribuoswa.reproduction.bench.EnsemblePrediction
SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" $MAIN --runs $RUNS --threads 2 --tribuo $TRIBUO"
out=$(java -cp "$CP" $MAIN --runs "$RUNS" --threads 2 --tribuo "$TRIBUO" 2>/dev/null)
echo "$out"
val() { echo "$out" | grep "RESULT" | tr ' ' '\n' | grep "^$1=" | head -1 | sed "s/^$1=//"; }
runs() { echo "$out" | grep "RESULT $1=" | sed 's/.*runs=\(.*\)/\1/'; }
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- ensemble-prediction:start -->
## Ensemble prediction

Made by \`scripts/bench/benchmark-ensemble.sh $RUNS $TRIBUO\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); $(java -version 2>&1 | head -1).
$(echo "$out" | grep '^data:' | sed 's/^data: //'). The ensemble is \`FGETrainer\`'s
\`BatchedEnsembleModel\`: each member predicts the whole batch (one forward pass per member and
batch of 256); Tribuo's \`WeightedEnsembleModel\` of the same members asks each member about one
example at a time.

| | figure |
|---|---|
| one network, all test images (median) | $(val one_seconds) s $(runs one_seconds) |
| ensemble of K = $(val members), all test images (median) | $(val ensemble_seconds) s $(runs ensemble_seconds) |
| ensemble / (K × one network) (target ≤ 1.2) | $(val ensemble_over_k_one) |
| Tribuo's \`WeightedEnsembleModel\`, first $(val tribuo_examples) images (one run) | $(val tribuo_seconds) s |
| \`BatchedEnsembleModel\`, the same images (one run) | $(val batched_seconds) s, $(val speedup)× faster |

Command:

\`\`\`
$SHOWN
\`\`\`
<!-- ensemble-prediction:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md ensemble-prediction
echo "wrote docs/benchmarks.md"
