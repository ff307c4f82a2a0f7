#!/usr/bin/env bash
# The comparison of issue 18 on full Fashion-MNIST, this plugin (io.github.tribuoswa.reproduction.Uncertainty)
# and PyTorch (reproduction/python/uncertainty_pytorch.py, SWAG written from the paper) side by side,
# one intra-op thread each, running concurrently (scripts/reproduce/side_by_side.sh): SGD, SWA, FGE,
# SWAG-Diagonal, SWAG and MultiSWAG, accuracy, NLL, Brier, ECE and MCE before and after temperature
# scaling (fitted on the last 5,000 training images, held out), 3 seeds. Resumable: rows already in
# docs/results/uncertainty-{djl,pytorch}.csv are kept, and a row killed part-way resumes from its
# last checkpoint (every epoch; PyTorch's SWAG samples every sample) in $run/work-{djl,pytorch}.
# Writes those CSVs, the plugin's reliability diagrams of seed 1 to docs/figures/uncertainty/, and
# the "uncertainty" section of docs/results.md;
# logs go to ~/.cache/tribuo-swa/uncertainty/ (or $UNCERTAINTY_RUN_DIR). SKIP_BUILD=1 uses the
# classes already built.
#
#   scripts/reproduce/uncertainty.sh [NETWORKS] [SEEDS]     e.g. mlp:30,cnn:15 1,2,3
set -euo pipefail
cd "$(dirname "$0")/../.."
NETWORKS=${1:-mlp:30,cnn:15}
SEEDS=${2:-1,2,3}
run=${UNCERTAINTY_RUN_DIR:-$HOME/.cache/tribuo-swa/uncertainty}
common=(--networks "$NETWORKS" --seeds "$SEEDS" --threads 1)
status=0
scripts/reproduce/side_by_side.sh "$run" Uncertainty uncertainty_pytorch.py "${common[@]}" --out docs/results/uncertainty-djl.csv \
  --figures docs/figures/uncertainty --work "$run/work-djl" -- "${common[@]}" --out docs/results/uncertainty-pytorch.csv \
  --work "$run/work-pytorch" || status=$?
python3 reproduction/python/uncertainty_report.py docs/results/uncertainty-djl.csv docs/results/uncertainty-pytorch.csv \
  "scripts/reproduce/uncertainty.sh $NETWORKS $SEEDS" | python3 reproduction/python/update_doc_section.py docs/results.md uncertainty
exit $status
