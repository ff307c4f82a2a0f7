#!/usr/bin/env python3
"""Prints the "uncertainty" section of docs/results.md from the CSV of
io.github.tribuoswa.reproduction.Uncertainty (scripts/reproduce/uncertainty.sh): per network and
method, mean +- sample standard deviation over seeds of test accuracy, NLL, Brier and ECE, before
and after temperature scaling, and the reliability diagrams of seed 1. Only the rows in the CSV
are used; a cell with fewer seeds than the others says how many it has.

    python3 reproduction/python/uncertainty_report.py docs/results/uncertainty-djl.csv "COMMAND" | \
        python3 reproduction/python/update_doc_section.py docs/results.md uncertainty
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

METHODS = ("SGD", "SWA", "FGE", "SWAG-Diagonal", "SWAG", "MultiSWAG")
NETWORKS = {"mlp": "MLP 784-256-10", "cnn": "BatchNorm CNN", "preresnet8": "PreResNet-8"}


def cell(values, scale, decimals, most):
    if not values:
        return "–"
    text = f"{statistics.mean(values) * scale:.{decimals}f}"
    if len(values) > 1:
        text += f" ± {statistics.stdev(values) * scale:.{decimals}f}"
    if len(values) < most:
        text += f" ({len(values)} seed{'s' if len(values) > 1 else ''})"
    return text


def main():
    path, command = sys.argv[1], sys.argv[2]
    with open(path) as f:
        rows = list(csv.DictReader(f))
    by = defaultdict(list)
    for r in rows:
        by[(r["network"], r["method"])].append(r)
    out = ["<!-- uncertainty:start -->", "## Uncertainty: SWAG, MultiSWAG and calibration (issue 18, this plugin only so far)", ""]
    out.append(f"Made by `{command}` from `{path}` ({len(rows)} runs): full Fashion-MNIST, 55,000 training images "
               "(the last 5,000 held out to fit the temperature), the 10,000 test images; mean ± sample standard deviation "
               "over seeds. Recipes as the main job's (SGD baseline; SWA, SWAG: the baseline compressed into the first 75 % of "
               "the budget, then a constant rate 0.01 with one collection per epoch; FGE: cycles of half an epoch); SWAG with "
               "K = 20 and S = 30 samples, MultiSWAG 3 SWAG runs × 10 samples. ECE with 15 equal-width bins. \"TS\": after "
               "temperature scaling. The PyTorch side of this comparison is not written yet.")
    out.append("")
    for network in [n for n in NETWORKS if any(k[0] == n for k in by)]:
        epochs = {r["epochs"] for (n, _), rs in by.items() if n == network for r in rs}
        most = max(len(rs) for (n, _), rs in by.items() if n == network)
        out.append(f"### {NETWORKS[network]}, {', '.join(sorted(epochs))} epochs")
        out.append("")
        out.append("| method | test accuracy (%) | NLL | Brier | ECE (%) | T | NLL (TS) | Brier (TS) | ECE (TS, %) |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for m in METHODS:
            rs = by.get((network, m), [])
            if not rs:
                continue
            def col(name, scale=1.0, decimals=4):
                return cell([float(r[name]) for r in rs], scale, decimals, most)
            out.append(f"| {m} | {col('test_accuracy', 100, 2)} | {col('test_nll')} | {col('test_brier')} | "
                       f"{col('test_ece', 100, 2)} | {col('temperature', 1, 3)} | {col('ts_nll')} | {col('ts_brier')} | "
                       f"{col('ts_ece', 100, 2)} |")
        out.append("")
        figs = [m for m in METHODS if os.path.exists(f"docs/figures/uncertainty/reliability-{network}-{m.lower()}.png")]
        if figs:
            out.append("Reliability diagrams, seed 1: " + ", ".join(
                f"[{m}](figures/uncertainty/reliability-{network}-{m.lower()}.png)" for m in figs) + ".")
            out.append("")
    out.append("<!-- uncertainty:end -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
