#!/usr/bin/env bash
# The tribuo-swa command (io.github.tribuoswa.cli.TribuoSwaCli): train from an OLCUT XML
# configuration on IDX, LibSVM or CSV data, evaluate a saved model, the main job, the landscape
# commands. Builds the modules once if they are not built.
#
#   scripts/tribuo-swa.sh --help
#   scripts/tribuo-swa.sh train --config configs/djl-swa.xml --train embedded --test embedded --output swa.tribuo
#   scripts/tribuo-swa.sh evaluate --model swa.tribuo --test embedded
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$root/cli/target/classpath.txt" ] || (cd "$root" && mvn -B -q -DskipTests install)
exec java -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt")" io.github.tribuoswa.cli.TribuoSwaCli "$@"
