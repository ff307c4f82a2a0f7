#!/usr/bin/env bash
# The papers' Table 1 at Fashion-MNIST scale, this plugin (DJL) and PyTorch's swa_utils side by
# side on the same machine at the same time: SGD, SWA and FGE at budgets 1, 1.25 and 1.5 for each
# network and seed (io.github.tribuoswa.examples.Table1 and scripts/table1_pytorch.py, one
# intra-op thread each, running concurrently on the two cores), then docs/results.md.
#
#   scripts/table1.sh [--networks mlp:8,cnn:4,preresnet8:4] [--seeds 1,2,3] [--threads 1]
#                     [--lr 0.05] [--swa-lr 0.01] [--fge-ratio 0.05]
#
# Resumable: rows already in docs/results/table1-{djl,pytorch}.csv are skipped, so running it
# again after a kill continues where it stopped. Installs (apt-get, root or sudo) what it needs:
# dataset-fashion-mnist, python3-torch, libopenblas0-openmp; logs go to ~/.cache/tribuo-swa/table1/
# (or $TABLE1_RUN_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
/usr/bin/python3 -c "import torch" 2>/dev/null || need+=(python3-torch)
[ -e /usr/lib/x86_64-linux-gnu/openblas-openmp ] || need+=(libopenblas0-openmp)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
fi

mvn -B -q -DskipTests install
# a private copy of the classes outside target/, so that a `mvn clean` (scripts/test.sh) cannot
# pull them, or the logs, from under a running table
run=${TABLE1_RUN_DIR:-$HOME/.cache/tribuo-swa/table1}
rm -rf "$run/classes" && mkdir -p "$run/classes"
cp -r examples/target/classes/. "$run/classes/"
cp plugin/target/tribuo-swa-*.jar "$run/tribuo-swa.jar"
cp_entries=$(tr ':' '\n' < examples/target/classpath.txt | grep -v '/plugin/target/' | paste -sd: -)
classpath="$run/classes:$run/tribuo-swa.jar:$cp_entries"

lscpu | grep -E '^(Model name|CPU\(s\)):' > "$run/machine.txt"
free -g | awk '/Mem:/ {print "Memory: " $2 " GiB"}' >> "$run/machine.txt"
DJL_OFFLINE=true java -cp "$classpath" io.github.tribuoswa.examples.Table1 --data full "$@" > "$run/djl.log" 2>&1 &
djl=$!
# PyTorch with the OpenMP build of OpenBLAS, so that its BLAS and its own ops share one thread
# pool of the requested size (Debian's default pthread build adds its own threads per core)
env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 scripts/table1_pytorch.py "$@" > "$run/pytorch.log" 2>&1 &
torch=$!
status=0
wait $djl || status=$?
wait $torch || status=$?
/usr/bin/python3 scripts/table1_report.py --machine "$run/machine.txt"
exit $status
