#!/usr/bin/env bash
# Training throughput (samples/s) of the MLP and the BatchNorm CNN on Fashion-MNIST: this
# plugin's DJL training loop and PyTorch (Debian's python3-torch) side by side, one after the
# other (never at the same time), at 1 and at 2 intra-op threads. Rewrites the "training throughput" section of
# docs/benchmarks.md with the figures, the machine and the commands.
#
#   scripts/bench/benchmark-networks.sh [RUNS] [EPOCHS]
#
# Warm-up runs (not counted) per network: 6 for the MLP, 2 for the CNN. On 2 cores the JVM's JIT
# compiler threads compete with the two compute threads for the first seconds of training, and
# libtorch's OpenMP threads wait for the slowest: the first five MLP epochs at 2 threads run at
# half speed or less. A CNN epoch is long enough that this is within its first run.
#
# Needs root or sudo once, for: apt-get install python3-torch libopenblas0-openmp dataset-fashion-mnist
# (scripts/reproduce/install-needs.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
EPOCHS=${2:-1}
THREADS="1 2"
DATA=/usr/share/datasets/fashion-mnist

scripts/reproduce/install-needs.sh fashion-mnist torch

mvn -B -q -DskipTests install
NETWORKS="mlp:6 cnn:2"   # network:warm-up runs
ONE_PASS=tribuoswa.sgd.inPlaceMinSize=9223372036854775807
JAVA_SHOWN="java -cp \"reproduction/target/classes:\$(cat reproduction/target/classpath.txt)\" io.github.tribuoswa.reproduction.bench.TrainingThroughput --data $DATA --networks N --epochs $EPOCHS --runs $RUNS --warmup W --threads T"
PY_SHOWN="env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=T /usr/bin/python3 reproduction/python/bench_pytorch.py --data $DATA --networks N --epochs $EPOCHS --runs $RUNS --warmup W --threads T"

out=$(mktemp)
for t in $THREADS; do
  for nw in $NETWORKS; do
    n=${nw%:*}; w=${nw#*:}
    echo "== threads $t, $n"
    java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.bench.TrainingThroughput \
      --data $DATA --networks $n --epochs "$EPOCHS" --runs "$RUNS" --warmup $w --threads $t 2>/dev/null | sed "s/^RESULT /RESULT threads=$t /" | tee -a "$out"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=$t /usr/bin/python3 reproduction/python/bench_pytorch.py \
      --data $DATA --networks $n --epochs "$EPOCHS" --runs "$RUNS" --warmup $w --threads $t | sed "s/^RESULT /RESULT threads=$t /" | tee -a "$out"
    if [ "$t" != 1 ] && [ "$n" = mlp ]; then
      # ablation: the plugin with every CPU parameter updated by the one-pass Java kernel
      java -D$ONE_PASS -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.bench.TrainingThroughput \
        --data $DATA --networks $n --epochs "$EPOCHS" --runs "$RUNS" --warmup $w --threads $t 2>/dev/null | sed "s/^RESULT engine=djl /RESULT threads=$t engine=djl-one-pass /" | tee -a "$out"
    fi
  done
done

rate() { grep "RESULT threads=$1 engine=$2 network=$3 " "$out" | sed 's/.*samples_per_s=\([0-9]*\).*/\1/'; }
runs() { grep "RESULT threads=$1 engine=$2 network=$3 " "$out" | sed 's/.*runs=\(.*\)/\1/'; }
torchv=$(grep "^data:" "$out" | tail -1 | sed 's/.*torch //')
blas=$(grep "^BLAS libraries loaded" "$out" | tail -1 | sed 's/BLAS libraries loaded: //')
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
rows=""
for t in $THREADS; do
  for n in mlp cnn; do
    label="MLP 784-256-10"; [ $n = cnn ] && label="CNN conv32-BN-pool, conv64-BN-pool, 128, 10"
    rows="$rows| $label | $t | $(rate $t djl $n) $(runs $t djl $n) | $(rate $t pytorch $n) $(runs $t pytorch $n) | $(awk "BEGIN{printf \"%.2f\", $(rate $t djl $n)/$(rate $t pytorch $n)}") |"$'\n'
  done
done
ablation=""
for t in $THREADS; do
  if [ -n "$(rate $t djl-one-pass mlp)" ]; then
    ablation="$ablation| MLP 784-256-10, every parameter updated by the one-pass Java kernel | $t | $(rate $t djl-one-pass mlp) $(runs $t djl-one-pass mlp) | $(rate $t pytorch mlp) | $(awk "BEGIN{printf \"%.2f\", $(rate $t djl-one-pass mlp)/$(rate $t pytorch mlp)}") |"$'\n'
  fi
done

section=$(cat <<MD
<!-- training-throughput:start -->
## Training throughput: DJL (this plugin) vs PyTorch

Made by \`scripts/bench/benchmark-networks.sh $RUNS $EPOCHS\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- plugin reproduction || echo ' plus uncommitted changes to plugin/ or reproduction/'): $(nproc) cores ($cpu),
$(free -g | awk '/Mem:/{print $2}') GiB; $(java -version 2>&1 | head -1); PyTorch $torchv (Debian python3-torch) with
BLAS $blas; DJL 0.36.0 with libtorch 2.7.1 (its own bundled math libraries). Each engine runs
alone, one after the other, with the same number of intra-op threads. Full Fashion-MNIST
training set (60,000 images), batch 128, SGD with momentum 0.9 and weight decay 5e-4, data
converted to arrays before timing; each run builds a fresh network and times $EPOCHS epoch(s) of
training. Warm-up runs, not counted: 6 for the MLP, 2 for the CNN, for both engines (on 2 cores the
JVM's JIT compiler threads compete with the compute threads during the first seconds of training:
the first five MLP epochs at 2 threads run at half speed or less); median of $RUNS runs (each
run's figure in brackets).

| network | threads | this plugin (DJL), samples/s | PyTorch, samples/s | ratio |
|---|---|---|---|---|
$(printf '%s' "$rows")

With more than one intra-op thread, \`MomentumSGD\` updates parameters of at least 32,768 values
(the MLP's 784×256 weight, the CNN's dense weight) with in-place libtorch operations spread over
all threads, the rest with one pass in Java ([networks.md](networks.md)). The same MLP run with
every parameter on the Java pass (\`-D$ONE_PASS\`, run right after PyTorch's):

| network | threads | this plugin (DJL), samples/s | PyTorch, samples/s (above) | ratio |
|---|---|---|---|---|
$(printf '%s' "$ablation")

Commands (T = threads, N = network, W = its warm-up runs):

\`\`\`
$JAVA_SHOWN
$PY_SHOWN
\`\`\`
<!-- training-throughput:end -->
MD
)
doc=docs/benchmarks.md
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py "$doc" training-throughput
echo "wrote $doc"
rm -f "$out"
