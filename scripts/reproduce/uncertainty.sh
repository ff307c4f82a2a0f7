#!/usr/bin/env bash
# The comparison of issue 18 on full Fashion-MNIST: SGD, SWA, FGE, SWAG-Diagonal, SWAG and
# MultiSWAG, accuracy, NLL, Brier, ECE and MCE before and after temperature scaling (fitted on the
# last 5,000 training images, held out), 3 seeds; resumable (rows already in the CSV are kept).
# Writes docs/results/uncertainty-djl.csv, the reliability diagrams of seed 1 to
# docs/figures/uncertainty/, and the "uncertainty" section of docs/results.md.
#
#   scripts/reproduce/uncertainty.sh [NETWORKS] [SEEDS]     e.g. mlp:30,cnn:15 1,2,3
set -euo pipefail
cd "$(dirname "$0")/../.."
NETWORKS=${1:-mlp:30,cnn:15}
SEEDS=${2:-1,2,3}
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; \
  $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y dataset-fashion-mnist; }
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.Uncertainty \
  --data full --networks "$NETWORKS" --seeds "$SEEDS" --threads 2 --out docs/results/uncertainty-djl.csv \
  --figures docs/figures/uncertainty 2>/dev/null
python3 reproduction/python/uncertainty_report.py docs/results/uncertainty-djl.csv \
  "scripts/reproduce/uncertainty.sh $NETWORKS $SEEDS" | python3 reproduction/python/update_doc_section.py docs/results.md uncertainty
