#!/usr/bin/env bash
# Runs every test of tribuo-swa: unit tests (surefire), integration tests (failsafe), and a
# check that DJL training needs no network at run time.
# Installs what the tests need first: real Fashion-MNIST from Debian's dataset-fashion-mnist
# package, the tabular data sets (diabetes, breast cancer) that python3-sklearn ships, and iproute2
# (the Spark standalone check brings up the loopback of a network namespace of its own).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] \
    || [ ! -f /usr/lib/python3/dist-packages/sklearn/datasets/data/diabetes_data_raw.csv.gz ] \
    || ! command -v ip > /dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends dataset-fashion-mnist python3-sklearn iproute2
fi

mvn -B clean install "$@"

# No network at run time: train a network with the network namespace cut off (no DJL_OFFLINE
# set here: the plugin turns DJL's offline mode on itself).
if unshare -n true 2>/dev/null; then
  log=examples/target/offline-check.log
  unshare -n env -u DJL_OFFLINE java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
      io.github.tribuoswa.examples.TrainNetwork --network mlp --data embedded --epochs 1 --threads 2 2>&1 | tee "$log"
  if grep -q "test accuracy" "$log"; then
    echo "offline check: 1 passed, 0 failed"
  else
    echo "offline check: 0 passed, 1 failed"
    exit 1
  fi
else
  echo "offline check skipped: 'unshare -n' is not permitted for this user (run the tests as root to include it)"
fi

# spark-submit to a Spark standalone cluster on this machine (docs/spark.md's walk-through), with
# the network cut off where that is permitted
if unshare -n true 2>/dev/null && command -v ip > /dev/null; then
  OFFLINE=1 scripts/spark/standalone-check.sh
else
  echo "standalone check: the network stays on ('unshare -n' or 'ip' is not available)"
  scripts/spark/standalone-check.sh
fi

# The long harnesses resume after SIGKILL where they were, bit for bit (docs/reliability.md): the
# plugin's always, PyTorch's too where python3-torch is installed (CI does not install it)
if /usr/bin/python3 -c "import torch" 2>/dev/null; then
  scripts/reliability/harness-resume.sh all
else
  scripts/reliability/harness-resume.sh djl
fi
