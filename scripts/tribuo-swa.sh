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
[ -f "$root/cli/target/spark-classpath.txt" ] || (cd "$root" && mvn -B -q -DskipTests install)
# Spark on Java 17 needs its --add-opens flags (they change nothing for the other commands)
# shellcheck source=spark/opens.sh
. "$root/scripts/spark/opens.sh"
# shellcheck disable=SC2086
exec java $opens -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt"):$(cat "$root/cli/target/spark-classpath.txt")" io.github.tribuoswa.cli.TribuoSwaCli "$@"
