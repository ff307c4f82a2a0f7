#!/usr/bin/env python3
"""Writes the "initialisation" section of docs/results.md: conventional SGD at budget 1 with each
engine's default initial weights (the Table 1 rows) and with the other engine's (the rows of
scripts/reproduce/initialisation.sh), mean +- sample standard deviation over seeds of test accuracy and NLL.

    python3 reproduction/python/initialisation_report.py [--out docs/results.md]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from table1_report import NETWORKS, cell, read  # noqa: E402
from update_doc_section import update  # noqa: E402

# (engine label, initial weights, CSV, engine column value)
RUNS = (
    ("tribuo-swa (DJL)", "DJL's default: Kaiming-normal N(0, 2/fan_in), zero biases", "docs/results/table1-djl.csv", "djl"),
    ("tribuo-swa (DJL)", "`initialisation = PYTORCH`: U(±1/√fan_in) weights and biases", "docs/results/initialisation-djl.csv", "djl"),
    ("PyTorch", "torch.nn's default: U(±1/√fan_in) weights and biases", "docs/results/table1-pytorch.csv", "pytorch"),
    ("PyTorch", "`--init djl`: Kaiming-normal N(0, 2/fan_in), zero biases", "docs/results/initialisation-pytorch.csv", "pytorch"),
)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="docs/results.md")
    a = p.parse_args()
    table = []
    networks = []
    for label, init, path, engine in RUNS:
        rows = [r for r in read(path) if r["engine"] == engine and r["method"] == "SGD" and r["budget"] == "1.00"]
        table.append((label, init, rows))
        if path.startswith("docs/results/initialisation-"):  # the networks run with swapped weights
            networks += [r["network"] for r in rows if r["network"] not in networks]
    out = []
    w = out.append
    w("<!-- initialisation:start -->")
    w("## Initial weights: the engines' accuracy gap")
    w("")
    w("<!-- written by reproduction/python/initialisation_report.py; do not edit by hand -->")
    w("")
    w("Conventional SGD at budget 1 (the recipe and budgets of Table 1, one intra-op thread), each engine")
    w("with its own default initial weights (the Table 1 rows) and with the other engine's")
    w("(`scripts/reproduce/initialisation.sh`). Mean ± sample standard deviation over seeds (n = seeds).")
    w("")
    w("| network (B) | engine | initial weights | test accuracy (%) | test NLL | n |")
    w("|---|---|---|---|---|---|")
    for n in (k for k in NETWORKS if k in networks):
        for label, init, rows in table:
            mine = [r for r in rows if r["network"] == n]
            if not mine:
                continue
            acc = [float(r["test_accuracy"]) for r in mine]
            nll = [float(r["test_nll"]) for r in mine]
            w(f"| {NETWORKS[n]} ({mine[0]['epochs']}) | {label} | {init} | {cell(acc, 100, 2, len(acc))} | "
              f"{cell(nll, 1, 4, len(nll))} | {len(mine)} |")
    w("")
    w("<!-- initialisation:end -->")
    update(a.out, "initialisation", "\n".join(out))
    print(f"wrote the initialisation section of {a.out}")


if __name__ == "__main__":
    main()
