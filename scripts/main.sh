#!/usr/bin/env bash
# The main job: a BatchNorm CNN on Fashion-MNIST trained with SGD, SWA and FGE at the same
# budget, and a table of test accuracy, NLL and wall time (io.github.tribuoswa.examples.SgdSwaFge,
# the examples module's exec.mainClass). Arguments go to it, e.g. `scripts/main.sh --data full`.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests install
mvn -B -q -pl examples exec:java -Dexec.args="$*"
