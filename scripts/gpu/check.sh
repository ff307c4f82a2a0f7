#!/usr/bin/env bash
# The GPU check: builds the self-contained distribution (once; skip with SKIP_BUILD=1) and runs
# its bin/gpu-check.sh with these arguments. Without a GPU it says so and exits 0. What it needs
# and does: docs/networks.md#the-gpu-check. The zip (reproduction/target/*-gpu-check.zip) can be
# copied to a GPU machine and run there on its own: unzip, then tribuo-swa-gpu-check/bin/gpu-check.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
zip=$(ls reproduction/target/*-gpu-check.zip | head -1)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(cd "$dir" && python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall('.')" "$OLDPWD/$zip")
bash "$dir/tribuo-swa-gpu-check/bin/gpu-check.sh" "$@"
