#!/usr/bin/env bash
# Runs every test of tribuo-swa: unit tests (surefire) and integration tests (failsafe).
# Installs what the integration tests need first: real Fashion-MNIST from Debian's
# dataset-fashion-mnist package.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y dataset-fashion-mnist
fi

mvn -B verify "$@"
