#!/usr/bin/env bash
# Runs one of this plugin's harnesses (a class of io.github.tribuoswa.reproduction, given --data full) and
# its PyTorch counterpart (a script of reproduction/python) at the same time (one intra-op thread
# each unless the arguments say otherwise), each with its own arguments; the harness of
# scripts/reproduce/table1.sh, scripts/reproduce/initialisation.sh and scripts/reproduce/uncertainty.sh. Installs (apt-get, root or
# sudo) what it needs: dataset-fashion-mnist, python3-torch, libopenblas0-openmp.
#
#   scripts/reproduce/side_by_side.sh RUN_DIR CLASS SCRIPT JAVA_ARGS... -- PYTORCH_ARGS...
#   e.g. scripts/reproduce/side_by_side.sh ~/.cache/tribuo-swa/table1 Table1 table1_pytorch.py --seeds 1 -- --seeds 1
#
# The Java side runs from a private copy of the classes in RUN_DIR (outside target/;
# scripts/reproduce/private-classpath.sh), so that a `mvn clean` (scripts/test.sh) cannot pull them
# from under a long run; logs go to
# RUN_DIR/{djl,pytorch}.log, the machine's description to RUN_DIR/machine.txt. Exits with the
# first failure of either engine, after both have ended.
set -euo pipefail
cd "$(dirname "$0")/../.."
run=$1; main_class=$2; script=$3; shift 3
java_args=(); py_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do java_args+=("$1"); shift; done
[ $# -gt 0 ] && shift
py_args=("$@")

scripts/reproduce/install-needs.sh fashion-mnist torch

[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -DskipTests install
classpath=$(scripts/reproduce/private-classpath.sh "$run")

lscpu | grep -E '^(Model name|CPU\(s\)):' > "$run/machine.txt"
free -g | awk '/Mem:/ {print "Memory: " $2 " GiB"}' >> "$run/machine.txt"
DJL_OFFLINE=true java -cp "$classpath" "io.github.tribuoswa.reproduction.$main_class" --data full "${java_args[@]}" > "$run/djl.log" 2>&1 &
djl=$!
# PyTorch with the OpenMP build of OpenBLAS, so that its BLAS and its own ops share one thread
# pool of the requested size (Debian's default pthread build adds its own threads per core)
env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 "reproduction/python/$script" "${py_args[@]}" > "$run/pytorch.log" 2>&1 &
torch=$!
status=0
wait $djl || status=$?
wait $torch || status=$?
exit $status
