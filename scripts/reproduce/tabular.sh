#!/usr/bin/env bash
# Issue 19's comparison on tabular data: k-fold cross-validation on python3-sklearn's diabetes
# (regression) and breast cancer (classification) data, the plugin's MLP with SGD, SWA and FGE and
# Tribuo's linear SGD and random forest (io.github.tribuoswa.reproduction.Tabular), then PyTorch
# with swa_utils running the same network, recipe and folds (reproduction/python/tabular_pytorch.py),
# one intra-op thread each, one after the other (a few minutes in all). Resumable: rows already in
# docs/results/tabular-{djl,pytorch}.csv are kept. Writes those CSVs and the "tabular" section of
# docs/results.md; the CSV files of the data go to $TABULAR_DATA (default target/tabular).
# Installs (apt-get, root or sudo) what it needs: python3-sklearn, python3-torch, libopenblas0-openmp.
# SKIP_BUILD=1 uses the classes already built.
#
#   scripts/reproduce/tabular.sh [FOLDS] [REPEATS]     e.g. 5 3
set -euo pipefail
cd "$(dirname "$0")/../.."
FOLDS=${1:-5}
REPEATS=${2:-3}
data=${TABULAR_DATA:-target/tabular}

scripts/reproduce/install-needs.sh sklearn torch
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install

scripts/tribuo-swa.sh tabular-data --output "$data"
DJL_OFFLINE=true java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.Tabular \
  --data "$data" --folds "$FOLDS" --repeats "$REPEATS" --threads 1 --out docs/results/tabular-djl.csv 2>&1 | grep -v '^INFO\|^[A-Z][a-z][a-z] [0-9]'
env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/tabular_pytorch.py \
  --data "$data" --folds "$FOLDS" --repeats "$REPEATS" --threads 1 --out docs/results/tabular-pytorch.csv
python3 reproduction/python/tabular_report.py docs/results/tabular-djl.csv docs/results/tabular-pytorch.csv \
  "scripts/reproduce/tabular.sh $FOLDS $REPEATS" | python3 reproduction/python/update_doc_section.py docs/results.md tabular
