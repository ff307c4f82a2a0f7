#!/usr/bin/env bash
# Do the engines' default initial weights explain Table 1's accuracy gap? Conventional SGD at
# budget 1 (Table 1's recipe) with the other engine's initial weights: this plugin with
# initialisation = PYTORCH (torch.nn's defaults) and PyTorch with DJL's defaults, one intra-op
# thread each, running concurrently (scripts/reproduce/side_by_side.sh, as scripts/reproduce/table1.sh); then the
# "initialisation" section of docs/results.md (reproduction/python/initialisation_report.py), beside the
# default-initialised rows of Table 1.
#
#   scripts/reproduce/initialisation.sh [--networks mlp:8,cnn:4,preresnet8:4] [--seeds 1,2,3]
#
# Resumable (rows already in docs/results/initialisation-{djl,pytorch}.csv are skipped); logs go
# to ~/.cache/tribuo-swa/initialisation/ (or $INITIALISATION_RUN_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
args=(--networks mlp:8,cnn:4,preresnet8:4 --seeds 1,2,3)
[ $# -gt 0 ] && args=("$@")
run=${INITIALISATION_RUN_DIR:-$HOME/.cache/tribuo-swa/initialisation}
status=0
scripts/reproduce/side_by_side.sh "$run" Table1 table1_pytorch.py "${args[@]}" --methods SGD --sgd-budgets 1 --initialisation PYTORCH --out docs/results/initialisation-djl.csv \
  -- "${args[@]}" --methods SGD --sgd-budgets 1 --init djl --out docs/results/initialisation-pytorch.csv || status=$?
/usr/bin/python3 reproduction/python/initialisation_report.py
exit $status
