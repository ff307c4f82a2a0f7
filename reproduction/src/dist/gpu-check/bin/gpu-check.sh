#!/usr/bin/env bash
# tribuo-swa GPU check (self-contained: no Maven, no network). On a machine with a CUDA GPU it
# trains SGD, SWA and FGE for a pre-activation ResNet on Fashion-MNIST on the CPU and on the GPU,
# checks that they agree (test accuracy within 0.5 points, same number of averages and
# snapshots), kills an SWA run on the GPU and resumes it, and measures training samples/s of the
# plugin and of PyTorch on the same GPU. Without a GPU it says so and exits 0.
#
# Needs: Java 17 or later on the PATH (or JAVA_HOME). For the GPU: an NVIDIA driver for CUDA 12.8
# and libtorch 2.7.1 built for CUDA 12.8, either
#   export PYTORCH_LIBRARY_PATH=/path/to/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
# or lib/pytorch-native-cpu-2.7.1-linux-x86_64.jar replaced by
# ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64 (from Maven Central).
# For the PyTorch side of the throughput comparison: python3 with torch and CUDA (optional).
# Full Fashion-MNIST in /usr/share/datasets/fashion-mnist is used when present (Debian's
# dataset-fashion-mnist), else the embedded 6,000/1,000 subset in data/.
#
#   bin/gpu-check.sh [--train embedded|full|DIR] [--test embedded|full|DIR] [--network preresnet8] [--epochs 6]
#                    [--threads 2] [--device gpu|gpu:N] [--throughput-runs 3]
set -uo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
JAVA=java
[ -n "${JAVA_HOME:-}" ] && JAVA="$JAVA_HOME/bin/java"
if ! command -v "$JAVA" >/dev/null 2>&1; then
  echo "gpu-check: Java 17 or later is needed (no 'java' on the PATH and no JAVA_HOME)" >&2
  exit 2
fi
major=$("$JAVA" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
if [ "${major:-0}" -lt 17 ] 2>/dev/null; then
  echo "gpu-check: Java 17 or later is needed; $JAVA is version $major" >&2
  exit 2
fi
export DJL_OFFLINE=true
log=$(mktemp)
"$JAVA" -cp "$HERE/lib/*" io.github.tribuoswa.reproduction.gpu.GpuCheck "$@" 2> "$log.err" | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  [ "$rc" -ne 2 ] && tail -20 "$log.err" >&2
  exit "$rc"
fi
if grep -q "^GPU check passed" "$log"; then
  DATA=/usr/share/datasets/fashion-mnist
  [ -f "$DATA/train-images-idx3-ubyte.gz" ] || DATA="$HERE/data/fashion-mnist-subset"
  if command -v python3 >/dev/null 2>&1 && python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
    echo "== PyTorch on the same GPU"
    python3 "$HERE/python/bench_pytorch.py" --data "$DATA" --networks mlp,cnn,preresnet8 --runs 3 --device cuda
  else
    echo "PyTorch with CUDA not found (python3 -c 'import torch; torch.cuda.is_available()'): the PyTorch side of the"
    echo "throughput comparison was skipped; e.g. pip install torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128"
  fi
fi
exit 0
