#!/usr/bin/env bash
# The main job: logistic regression on Fashion-MNIST with plain SGD and with SWA, and a table
# of test accuracy, NLL and wall time. Arguments go to io.github.tribuoswa.examples.SgdVsSwa,
# e.g. `scripts/main.sh --data embedded --epochs 5`.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests install
mvn -B -q -pl examples exec:java -Dexec.args="$*"
