#!/usr/bin/env bash
# The SWA paper's schedules figure on full Fashion-MNIST (io.github.tribuoswa.reproduction.SchedulesFigure):
# test error of w_SWA over the SWA phase for a constant and several cyclic rates, from the same
# pre-trained w-hat, against conventional SGD. Writes docs/results/schedules.{csv,png,svg} and the
# `schedules-swa` section of docs/results.md. Resumable (finished schedules are kept). Arguments go
# to SchedulesFigure, e.g. `scripts/reproduce/schedules-figure.sh --budget 8 --phase 16 --threads 1`.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -DskipTests install
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
DJL_OFFLINE=true java -cp "$CP" io.github.tribuoswa.reproduction.SchedulesFigure "$@" 2>/dev/null | tee target/schedules-figure.log \
  | sed -n '/<!-- schedules-swa:start -->/,/<!-- schedules-swa:end -->/p' | python3 reproduction/python/update_doc_section.py docs/results.md schedules-swa
