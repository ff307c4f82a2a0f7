#!/usr/bin/env bash
# Runs the fault-injection tests of docs/reliability.md (model and checkpoint corruption, SIGKILL
# during model saves and during a checkpoint write) and writes the figures they print ("RELIABILITY name key=value ...") into
# the "reliability" section of docs/reliability.md.
#
#   scripts/reliability/report.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mvn -B -pl integration-tests -am install -Dtest='ModelFilesTest,CheckpointCorruptionTest' -Dit.test='ModelSaveKillIT,KillAndResumeIT' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false > "$log" 2>&1 || { tail -50 "$log"; exit 1; }
lines=$(grep -o 'RELIABILITY .*' "$log" | sort -u)
[ -n "$lines" ] || { echo "the tests printed no RELIABILITY lines"; exit 1; }
{
  echo "<!-- reliability:start -->"
  echo "Written by \`scripts/reliability/report.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $(java -version 2>&1 | head -1)); every case"
  echo "that was tried passed (the tests fail otherwise):"
  echo
  echo "| test | figures |"
  echo "|---|---|"
  echo "$lines" | sed -E 's/^RELIABILITY ([^ ]+) (.*)$/| \1 | \2 |/'
  echo "<!-- reliability:end -->"
} | python3 reproduction/python/update_doc_section.py docs/reliability.md reliability
echo "wrote docs/reliability.md"
