#!/usr/bin/env bash
# Kills issue 18's long harnesses at chosen moments and checks that they resume where they were:
# each runs once uninterrupted (no --work), then with --work DIR under SIGKILL a few seconds into
# every attempt (PyTorch 7, 11, 17, 23, 7, ... s; the plugin 6, 8, 10, 12, ... s; up to KILLS
# kills, default 8, then the last attempt runs to the end), and the rows (every column but wall_s)
# and the bytes of their probabilities must be the same. Small budgets: PyTorch on full
# Fashion-MNIST (mlp:4, needs python3-torch), the plugin on the embedded subset (mlp:6). Prints one
# RESUME line per engine (kills, attempts that resumed from a checkpoint) and exits non-zero on any
# difference.
#
#   scripts/reliability/harness-resume.sh [pytorch|djl|both]
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:-both}
kills=${KILLS:-8}
tmp=$(mktemp -d)
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"' EXIT

# runs "$@" with --work $tmp/$1.work, killed after the attempt's delay, until it exits by itself
killed_runs() {
  local tag=$1 delays; shift
  read -r -a delays <<< "$1"; shift
  local attempt=0 n=0
  while :; do
    "$@" --work "$tmp/$tag.work" >> "$tmp/$tag.resumed.log" 2>&1 &
    local pid=$!
    if [ "$attempt" -lt "$kills" ]; then
      local waited=0 delay=${delays[$((attempt % ${#delays[@]}))]}
      while [ "$waited" -lt "$delay" ] && kill -0 "$pid" 2>/dev/null; do sleep 1; waited=$((waited + 1)); done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; wait "$pid" 2>/dev/null || true; n=$((n + 1)); attempt=$((attempt + 1)); continue; fi
    fi
    wait "$pid" || { echo "the resumed $tag harness failed:"; tail -20 "$tmp/$tag.resumed.log"; exit 1; }
    break
  done
  echo "$n"
}

compare() {  # tag reference.csv resumed.csv
  local tag=$1 kills_done=$2
  cut -d, -f1-15 "$tmp/$tag.reference.csv" > "$tmp/a"; cut -d, -f1-15 "$tmp/$tag.resumed.csv" > "$tmp/b"
  grep '^# .* probabilities sha256' "$tmp/$tag.reference.log" > "$tmp/ha" || true
  grep '^# .* probabilities sha256' "$tmp/$tag.resumed.log" > "$tmp/hb" || true
  if diff "$tmp/a" "$tmp/b" > /dev/null && diff "$tmp/ha" "$tmp/hb" > /dev/null && [ -s "$tmp/ha" ]; then
    echo "RESUME $tag rows=$(($(wc -l < "$tmp/a") - 1)) kills=$kills_done resumed_from_checkpoints=$(grep -c 'Resuming from\|# resuming from' \
      "$tmp/$tag.resumed.log") identical=yes leftover_checkpoints=$(find "$tmp/$tag.work" -type f | wc -l)"
  else
    echo "RESUME $tag kills=$kills_done identical=NO"; diff "$tmp/a" "$tmp/b" || true; diff "$tmp/ha" "$tmp/hb" || true; status=1
  fi
}

status=0
if [ "$which" = pytorch ] || [ "$which" = both ]; then
  py=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/uncertainty_pytorch.py
      --networks mlp:4 --seeds 1 --threads 1)
  "${py[@]}" --out "$tmp/pytorch.reference.csv" > "$tmp/pytorch.reference.log" 2>&1
  n=$(killed_runs pytorch "7 11 17 23" "${py[@]}" --out "$tmp/pytorch.resumed.csv")
  compare pytorch "$n"
fi
if [ "$which" = djl ] || [ "$which" = both ]; then
  [ -f reproduction/target/classpath.txt ] || mvn -B -q -o -DskipTests install
  djl=(env DJL_OFFLINE=true java -cp "reproduction/target/classes:$(cat reproduction/target/classpath.txt)" io.github.tribuoswa.reproduction.Uncertainty
       --data embedded --networks mlp:6 --seeds 1 --threads 1)
  "${djl[@]}" --out "$tmp/djl.reference.csv" > "$tmp/djl.reference.log" 2>&1
  n=$(killed_runs djl "6 8 10 12" "${djl[@]}" --out "$tmp/djl.resumed.csv")
  compare djl "$n"
fi
exit $status
