#!/usr/bin/env bash
# Copies the reproduction classes and the project's own jars into RUN_DIR/classes and RUN_DIR/jars
# (outside target/) and prints the classpath that uses the copies, so that a long harness cannot
# have them changed under it by a rebuild or pulled away by a `mvn clean` (scripts/test.sh).
# Used by scripts/reproduce/side_by_side.sh, averaging.sh and engines.sh.
#
#   classpath=$(scripts/reproduce/private-classpath.sh RUN_DIR)
set -euo pipefail
cd "$(dirname "$0")/../.."
run=$1
mkdir -p "$run"
rm -rf "$run/classes" && cp -r reproduction/target/classes "$run/classes"
rm -rf "$run/jars" && mkdir -p "$run/jars"
cp_entries=""
for entry in $(tr ':' '\n' < reproduction/target/classpath.txt); do
  case "$entry" in
    "$HOME"/.m2/repository/io/github/tribuoswa/*|"$PWD"/*/target/*.jar) cp "$entry" "$run/jars/" && entry="$run/jars/$(basename "$entry")" ;;
  esac
  cp_entries="${cp_entries:+$cp_entries:}$entry"
done
echo "$run/classes:$cp_entries"
