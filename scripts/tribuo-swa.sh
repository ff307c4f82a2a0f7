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
# Spark (the sweep command) on Java 17 needs these; they change nothing for the other commands
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
# shellcheck disable=SC2086
exec java $opens -cp "$root/cli/target/classes:$(cat "$root/cli/target/classpath.txt"):$(cat "$root/cli/target/spark-classpath.txt")" io.github.tribuoswa.cli.TribuoSwaCli "$@"
