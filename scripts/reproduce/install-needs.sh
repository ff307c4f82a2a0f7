#!/usr/bin/env bash
# Installs with apt-get (as root, or with sudo) what a reproduction harness needs and this machine
# lacks; each NEED is one of
#   fashion-mnist  dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)
#   torch          python3-torch and libopenblas0-openmp (PyTorch with one BLAS thread pool)
#   sklearn        python3-sklearn (its bundled diabetes and breast-cancer data)
# Nothing is downloaded at run time beyond Debian's packages.
#
#   scripts/reproduce/install-needs.sh NEED...
set -euo pipefail
need=()
for n in "$@"; do
  case "$n" in
    fashion-mnist) [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist) ;;
    torch)
      /usr/bin/python3 -c "import torch" 2>/dev/null || need+=(python3-torch)
      [ -e /usr/lib/x86_64-linux-gnu/openblas-openmp ] || need+=(libopenblas0-openmp) ;;
    sklearn) [ -f /usr/lib/python3/dist-packages/sklearn/datasets/data/diabetes_data_raw.csv.gz ] || need+=(python3-sklearn) ;;
    *) echo "install-needs.sh: unknown need $n; allowed: fashion-mnist, torch, sklearn" >&2; exit 2 ;;
  esac
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
