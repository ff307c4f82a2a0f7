#!/usr/bin/env bash
# Issue 18's engine check on full Fashion-MNIST: the SGD recipe of the uncertainty comparison trained
# for each seed once by this plugin (io.github.tribuoswa.reproduction.EngineAgreement) and once by PyTorch
# (reproduction/python/engine_agreement.py) from the plugin's initial weights and with the plugin's
# batches in the plugin's order, one intra-op thread each, one after the other; then the step-by-step
# comparison, the "engines" section of docs/results.md and its figures
# (docs/figures/engines/agreement{,-loss}.{png,svg}) by io.github.tribuoswa.reproduction.EngineAgreementReport.
# The weights and batches (binary, ~10 MB) stay in RUN_DIR/NETWORK-EPOCHS-SEED (default
# ~/.cache/tribuo-swa/engines); the text results (run.tsv, steps-*.csv, epochs-*.csv,
# checks-pytorch.tsv) are copied to docs/results/engines/NETWORK-EPOCHS-SEED/. A side that has
# finished (its epochs file written) is not run again; a side killed part-way starts over (cnn 15 at
# one thread here: about 20 minutes for the plugin's side, 30 for each PyTorch run). SKIP_BUILD=1
# uses the classes already built. Installs with apt-get what it needs
# (scripts/reproduce/install-needs.sh fashion-mnist torch).
#
# CELLS (optional) are PyTorch runs with one source of randomness changed, INIT:ORDER each of plugin or
# torch (engine_agreement.py --init, --order), e.g. torch:plugin,plugin:torch; torch:torch is
# uncertainty_pytorch.py's SGD run, which the report takes from docs/results/uncertainty-pytorch.csv.
#
#   scripts/reproduce/engines.sh [NETWORK] [EPOCHS] [SEEDS] [CELLS]     e.g. cnn 15 1,2,3 torch:plugin,plugin:torch
set -euo pipefail
cd "$(dirname "$0")/../.."
NETWORK=${1:-cnn}
EPOCHS=${2:-15}
SEEDS=${3:-1,2,3}
CELLS=${4:-}
run=${ENGINES_RUN_DIR:-$HOME/.cache/tribuo-swa/engines}
scripts/reproduce/install-needs.sh fashion-mnist torch
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
classpath=$(scripts/reproduce/private-classpath.sh "$run")
dirs=()
for SEED in ${SEEDS//,/ }; do
  name="$NETWORK-$EPOCHS-$SEED"
  if [ ! -f "$run/$name/epochs-djl.csv" ]; then
    DJL_OFFLINE=true java -cp "$classpath" io.github.tribuoswa.reproduction.EngineAgreement --out "$run/$name" --data full \
      --network "$NETWORK" --epochs "$EPOCHS" --seed "$SEED" --threads 1 2>&1 | grep -v '^INFO\|^[A-Z][a-z][a-z] [0-9]' | tee -a "$run/$name.log"
  fi
  if [ ! -f "$run/$name/epochs-pytorch.csv" ]; then
    env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/engine_agreement.py "$run/$name" \
      --threads 1 | tee -a "$run/$name.log"
  fi
  for cell in ${CELLS//,/ }; do
    init=${cell%%:*}; order=${cell#*:}
    if [ ! -f "$run/$name/epochs-pytorch-init-$init-order-$order.csv" ]; then
      env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/engine_agreement.py \
        "$run/$name" --threads 1 --init "$init" --order "$order" | tee -a "$run/$name.log"
    fi
  done
  mkdir -p "docs/results/engines/$name"
  cp "$run/$name"/{run.tsv,steps-djl.csv,steps-pytorch.csv,epochs-djl.csv,epochs-pytorch.csv,checks-pytorch.tsv} "docs/results/engines/$name/"
  cp "$run/$name"/epochs-pytorch-init-*.csv "docs/results/engines/$name/" 2>/dev/null || true
  dirs+=("docs/results/engines/$name")
done
DJL_OFFLINE=true java -cp "$classpath" io.github.tribuoswa.reproduction.EngineAgreementReport --dirs "$(IFS=,; echo "${dirs[*]}")" \
  --figure docs/figures/engines/agreement --uncertainty docs/results/uncertainty-pytorch.csv \
  --command "scripts/reproduce/engines.sh $NETWORK $EPOCHS $SEEDS${CELLS:+ $CELLS}" \
  | python3 reproduction/python/update_doc_section.py docs/results.md engines
