#!/usr/bin/env bash
# The papers' Table 1 at Fashion-MNIST scale, this plugin (DJL) and PyTorch's swa_utils side by
# side on the same machine at the same time: SGD, SWA and FGE at budgets 1, 1.25 and 1.5 for each
# network and seed (io.github.tribuoswa.reproduction.Table1 and reproduction/python/table1_pytorch.py, one
# intra-op thread each, running concurrently on the two cores: scripts/reproduce/side_by_side.sh), then
# docs/results.md.
#
#   scripts/reproduce/table1.sh [--networks mlp:8,cnn:4,preresnet8:4] [--seeds 1,2,3] [--threads 1]
#                     [--lr 0.05] [--swa-lr 0.01] [--fge-ratio 0.05]
#
# Resumable: rows already in docs/results/table1-{djl,pytorch}.csv are skipped, so running it
# again after a kill continues where it stopped. Installs (apt-get, root or sudo) what it needs:
# dataset-fashion-mnist, python3-torch, libopenblas0-openmp; logs go to ~/.cache/tribuo-swa/table1/
# (or $TABLE1_RUN_DIR).
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${TABLE1_RUN_DIR:-$HOME/.cache/tribuo-swa/table1}
status=0
scripts/reproduce/side_by_side.sh "$run" Table1 table1_pytorch.py "$@" -- "$@" || status=$?
/usr/bin/python3 reproduction/python/table1_report.py --machine "$run/machine.txt"
exit $status
