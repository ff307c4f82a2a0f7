#!/usr/bin/env bash
# The loss-geometry commands (plane, rays, segment): `tribuo-swa landscape` of scripts/tribuo-swa.sh
# (io.github.tribuoswa.cli.TribuoSwaCli over io.github.tribuoswa.landscape.cli.LandscapeCli), with its
# one-line errors and exit code 2 for usage errors. Paths are relative to the current directory.
#   scripts/landscape/landscape.sh plane --points swa.tribuo,sgd.tribuo,step-K.f32 --out DIR
#   scripts/landscape/landscape.sh --help
set -euo pipefail
exec "$(cd "$(dirname "$0")/.." && pwd)/tribuo-swa.sh" landscape "$@"
