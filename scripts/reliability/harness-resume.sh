#!/usr/bin/env bash
# Kills the long harnesses at chosen moments and checks that they resume where they were: each
# runs once uninterrupted (no --work), then with --work DIR under SIGKILL a few seconds into every
# attempt (up to KILLS kills, default 8; then the last attempt runs to the end), and the rows must
# be the same (every column but wall_s; for issue 18's harness also the SHA-256 of every row's
# test probabilities), with no checkpoint left behind. Small budgets:
#   uncertainty-pytorch  issue 18, PyTorch, full Fashion-MNIST, mlp:4 (needs python3-torch), kills after 7, 11, 17, 23, ... s
#   uncertainty-djl      issue 18, the plugin, the embedded subset, mlp:6, kills after 6, 8, 10, 12, ... s
#   averaging-djl        issue 16, the plugin, the embedded subset, the BatchNorm CNN, 4 epochs, the methods with state of
#                        their own (EMA, LAWA, schedule-free) and both soups (FGE; fine-tuning from a saved point), the same kills
# Prints one RESUME line per harness (kills, attempts that resumed from a checkpoint) and exits
# non-zero on any difference.
#
#   scripts/reliability/harness-resume.sh [all|djl|uncertainty-pytorch|uncertainty-djl|averaging-djl]...
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || set -- all
kills=${KILLS:-8}
tmp=$(mktemp -d)
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"' EXIT

# killed_runs TAG "DELAYS" COMMAND...: runs COMMAND --work $tmp/TAG.work, killed after the
# attempt's delay, until it exits by itself; prints the number of kills
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
    wait "$pid" || { echo "the resumed $tag harness failed:" >&2; tail -20 "$tmp/$tag.resumed.log" >&2; exit 1; }
    break
  done
  echo "$n"
}

# same TAG KILLS FILE:COLUMNS...: compares the reference and resumed outputs FILE (TAG.reference.FILE,
# TAG.resumed.FILE) on cut's COLUMNS, and the probability digests of the logs
same() {
  local tag=$1 kills_done=$2 ok=1 rows=0; shift 2
  for spec in "$@"; do
    local file=${spec%%:*} columns=${spec#*:}
    cut -d, -f"$columns" "$tmp/$tag.reference.$file" > "$tmp/a"; cut -d, -f"$columns" "$tmp/$tag.resumed.$file" > "$tmp/b"
    diff "$tmp/a" "$tmp/b" > /dev/null || { ok=0; diff "$tmp/a" "$tmp/b" || true; }
    rows=$((rows + $(wc -l < "$tmp/a") - 1))
  done
  grep '^# .* probabilities sha256' "$tmp/$tag.reference.log" > "$tmp/ha" || true
  grep '^# .* probabilities sha256' "$tmp/$tag.resumed.log" > "$tmp/hb" || true
  diff "$tmp/ha" "$tmp/hb" > /dev/null || { ok=0; diff "$tmp/ha" "$tmp/hb" || true; }
  local left resumed
  left=$(find "$tmp/$tag.work" -type f | { grep -v '/pretrained-' || true; } | wc -l)  # the averaging harness keeps its pre-trained point
  resumed=$(grep -c 'Resuming from\|# resuming from' "$tmp/$tag.resumed.log" || true)
  if [ "$ok" = 1 ] && [ "$left" = 0 ] && [ "$rows" -gt 0 ]; then
    echo "RESUME $tag rows=$rows kills=$kills_done resumed_from_checkpoints=$resumed digests=$(wc -l < "$tmp/ha") identical=yes leftover_checkpoints=0"
  else
    echo "RESUME $tag rows=$rows kills=$kills_done resumed_from_checkpoints=$resumed identical=NO leftover_checkpoints=$left"
    status=1
  fi
}

java_cp() {
  [ -f reproduction/target/classpath.txt ] || mvn -B -q -o -DskipTests install
  echo "reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
}

status=0
for which in "$@"; do
  case "$which" in
    all) cases="uncertainty-pytorch uncertainty-djl averaging-djl" ;;
    djl) cases="uncertainty-djl averaging-djl" ;;
    *) cases=$which ;;
  esac
  for c in $cases; do
    case "$c" in
      uncertainty-pytorch)
        cmd=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/uncertainty_pytorch.py
             --networks mlp:4 --seeds 1 --threads 1)
        "${cmd[@]}" --out "$tmp/$c.reference.csv" > "$tmp/$c.reference.log" 2>&1
        n=$(killed_runs "$c" "7 11 17 23" "${cmd[@]}" --out "$tmp/$c.resumed.csv")
        same "$c" "$n" csv:1-15 ;;
      uncertainty-djl)
        cmd=(env DJL_OFFLINE=true java -cp "$(java_cp)" io.github.tribuoswa.reproduction.Uncertainty --data embedded --networks mlp:6
             --seeds 1 --threads 1)
        "${cmd[@]}" --out "$tmp/$c.reference.csv" > "$tmp/$c.reference.log" 2>&1
        n=$(killed_runs "$c" "6 8 10 12" "${cmd[@]}" --out "$tmp/$c.resumed.csv")
        same "$c" "$n" csv:1-15 ;;
      averaging-djl)
        cmd=(env DJL_OFFLINE=true java -cp "$(java_cp)" io.github.tribuoswa.reproduction.AveragingMethods --data embedded --network cnn
             --epochs 4 --methods EMA,LAWA,SCHEDULE-FREE --seeds 1 --threads 1)
        "${cmd[@]}" --out "$tmp/$c.reference.csv" --soups-out "$tmp/$c.reference.soups" --work "$tmp/$c.reference.work" \
          > "$tmp/$c.reference.log" 2>&1
        n=$(killed_runs "$c" "6 8 10 12" "${cmd[@]}" --out "$tmp/$c.resumed.csv" --soups-out "$tmp/$c.resumed.soups")
        same "$c" "$n" csv:1-10 soups:1-10 ;;
      *) echo "harness = $c is out of range; allowed: all, djl, uncertainty-pytorch, uncertainty-djl, averaging-djl" >&2; exit 2 ;;
    esac
  done
done
exit $status
