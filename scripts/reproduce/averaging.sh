#!/usr/bin/env bash
# Issue 16's comparison on full Fashion-MNIST (io.github.tribuoswa.reproduction.AveragingMethods): SGD,
# cosine, WSD, SWA, EMA with warm-up, LAWA and schedule-free SGD at one budget, the test accuracy of
# the model each returns after every epoch, and soups of FGE snapshots and of 4 fine-tuning runs
# against their ensembles and best members; then the "averaging" section of docs/results.md and the
# plots of the accuracy and NLL curves (docs/figures/averaging/curves{,-nll}.{png,svg}) by
# io.github.tribuoswa.reproduction.AveragingReport.
# One intra-op thread; resumable: runs already in docs/results/{averaging,soups}-djl.csv are kept
# and a run killed part-way resumes from its last checkpoint in RUN_DIR/tribuo-swa-averaging (every epoch;
# its curve rows so far beside it), bit for bit. The harness runs from a private copy of the classes in
# RUN_DIR (default ~/.cache/tribuo-swa/averaging; scripts/reproduce/private-classpath.sh), so rebuilding
# cannot change it. SKIP_BUILD=1 uses
# the classes already built. Installs dataset-fashion-mnist with apt-get if it is missing.
# To use both cores, run AveragingMethods itself twice (the java line below) with disjoint --methods /
# --soups, each with its own --out, --soups-out and --work, then merge the CSVs with
# reproduction/python/merge_rows.py (--order SGD,COSINE,WSD,SWA,EMA,LAWA,SCHEDULE-FREE for the curves,
# --order FGE,RUNS for the soups) and run the report (the last java line).
#
#   scripts/reproduce/averaging.sh [NETWORK] [EPOCHS] [SEEDS]     e.g. cnn 15 1,2,3
set -euo pipefail
cd "$(dirname "$0")/../.."
NETWORK=${1:-cnn}
EPOCHS=${2:-15}
SEEDS=${3:-1,2,3}
run=${AVERAGING_RUN_DIR:-$HOME/.cache/tribuo-swa/averaging}
scripts/reproduce/install-needs.sh fashion-mnist
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
classpath=$(scripts/reproduce/private-classpath.sh "$run")
DJL_OFFLINE=true java -cp "$classpath" io.github.tribuoswa.reproduction.AveragingMethods --data full --network "$NETWORK" \
  --epochs "$EPOCHS" --seeds "$SEEDS" --threads 1 --out docs/results/averaging-djl.csv --soups-out docs/results/soups-djl.csv \
  --work "$run" 2>&1 | grep -v '^INFO\|^[A-Z][a-z][a-z] [0-9]' | tee -a "$run/averaging.log"
DJL_OFFLINE=true java -cp "$classpath" io.github.tribuoswa.reproduction.AveragingReport --curves docs/results/averaging-djl.csv \
  --soups docs/results/soups-djl.csv --figure docs/figures/averaging/curves --command "scripts/reproduce/averaging.sh $NETWORK $EPOCHS $SEEDS" \
  | python3 reproduction/python/update_doc_section.py docs/results.md averaging
