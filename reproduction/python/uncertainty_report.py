#!/usr/bin/env python3
"""Prints the "uncertainty" section of docs/results.md from the CSVs of
io.github.tribuoswa.reproduction.Uncertainty and reproduction/python/uncertainty_pytorch.py
(scripts/reproduce/uncertainty.sh): per network, method and engine, mean +- sample standard
deviation over seeds of test accuracy, NLL, Brier and ECE, before and after temperature scaling;
the issue's two targets checked on the means (SWAG's NLL and ECE at or below SGD's; the plugin
within the seeds' spread of PyTorch, read as |difference of means| <= 2 x the pooled standard
deviation); and the reliability diagrams of seed 1. Only the rows in the CSVs are used; a cell
with fewer seeds than the others says how many it has.

    python3 reproduction/python/uncertainty_report.py DJL_CSV PYTORCH_CSV "COMMAND" | \
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


ENGINES = {"djl": "plugin", "pytorch": "PyTorch"}
SPREAD = (("test_accuracy", "accuracy", 100, 2), ("test_nll", "NLL", 1, 4), ("test_ece", "ECE", 100, 2))


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def mean(rs, name):
    return statistics.mean(float(r[name]) for r in rs)


def pooled(a, b, name):
    """sqrt of the mean of the two sample variances (0 for an engine with one seed)."""
    var = [statistics.variance([float(r[name]) for r in rs]) if len(rs) > 1 else 0.0 for rs in (a, b)]
    return ((var[0] + var[1]) / 2) ** 0.5


def spread(pairs, metrics):
    """The plugin against PyTorch: for each (method, plugin rows, PyTorch rows) with at least two
    rows on each side and each metric (column, name, scale, decimals), whether |difference of
    means| <= 2 x the pooled standard deviation. Returns (comparisons made, those outside)."""
    outside, checked = [], 0
    for m, a, b in pairs:
        if not a or not b or len(a) < 2 or len(b) < 2:
            continue  # a spread needs at least two runs on each side
        for name, what, scale, decimals in metrics:
            checked += 1
            d, s = mean(a, name) - mean(b, name), pooled(a, b, name)
            if abs(d) > 2 * s:
                outside.append(f"{m} {what} ({d * scale:+.{decimals}f}, 2σ = {2 * s * scale:.{decimals}f})")
    return checked, outside


def targets(by, network):
    out = []
    for engine, label in ENGINES.items():
        sgd, swag = by.get((network, "SGD", engine)), by.get((network, "SWAG", engine))
        if not sgd or not swag:
            continue
        parts = []
        for name, what, scale, decimals in (("test_nll", "NLL", 1, 4), ("test_ece", "ECE", 100, 2)):
            a, b = mean(swag, name), mean(sgd, name)
            parts.append(f"{what} {a * scale:.{decimals}f} vs {b * scale:.{decimals}f}: {'holds' if a <= b else 'does not hold'}")
        out.append(f"- SWAG at or below SGD, {label} ({len(swag)} and {len(sgd)} seeds): " + "; ".join(parts) + ".")
    checked, outside = spread([(m, by.get((network, m, "djl")), by.get((network, m, "pytorch"))) for m in METHODS], SPREAD)
    if checked:
        out.append(f"- The plugin within the seeds' spread of PyTorch (accuracy, NLL, ECE of each method; |Δ mean| ≤ 2 × pooled σ): "
                   f"{checked - len(outside)} of {checked}" + (f"; outside: {', '.join(outside)}" if outside else "") + ".")
    return out


def main():
    djl_path, torch_path, command = sys.argv[1], sys.argv[2], sys.argv[3]
    djl, torch = read(djl_path), read(torch_path)
    by = defaultdict(list)
    for r in djl + torch:
        by[(r["network"], r["method"], r["engine"])].append(r)
    out = ["<!-- uncertainty:start -->", "## Uncertainty: SWAG, MultiSWAG and calibration, this plugin and PyTorch (issue 18)", ""]
    out.append(f"Made by `{command}` from `{djl_path}` ({len(djl)} runs) and `{torch_path}` ({len(torch)} runs): full "
               "Fashion-MNIST, 55,000 training images (the last 5,000 held out to fit the temperature), the 10,000 test "
               "images; mean ± sample standard deviation over seeds. Recipes as the main job's (SGD baseline; SWA, SWAG: the "
               "baseline compressed into the first 75 % of the budget, then a constant rate 0.01 with one collection per "
               "epoch; FGE: cycles of half an epoch); SWAG with K = 20 and S = 30 samples, MultiSWAG 3 SWAG runs × 10 samples. "
               "PyTorch: torch.optim.swa_utils for SWA and its BatchNorm refresh, SWAG written from the paper "
               "(reproduction/python/uncertainty_pytorch.py). ECE with 15 equal-width bins. \"TS\": after temperature scaling.")
    out.append("")
    for network in [n for n in NETWORKS if any(k[0] == n for k in by)]:
        epochs = {r["epochs"] for (n, _, _), rs in by.items() if n == network for r in rs}
        most = max(len(rs) for (n, _, _), rs in by.items() if n == network)
        out.append(f"### {NETWORKS[network]}, {', '.join(sorted(epochs))} epochs")
        out.append("")
        out.append("| method | engine | test accuracy (%) | NLL | Brier | ECE (%) | T | NLL (TS) | Brier (TS) | ECE (TS, %) |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for m in METHODS:
            for engine, label in ENGINES.items():
                rs = by.get((network, m, engine), [])
                if not rs:
                    continue

                def col(name, scale=1.0, decimals=4):
                    return cell([float(r[name]) for r in rs], scale, decimals, most)
                out.append(f"| {m} | {label} | {col('test_accuracy', 100, 2)} | {col('test_nll')} | {col('test_brier')} | "
                           f"{col('test_ece', 100, 2)} | {col('temperature', 1, 3)} | {col('ts_nll')} | {col('ts_brier')} | "
                           f"{col('ts_ece', 100, 2)} |")
        out.append("")
        checks = targets(by, network)
        if checks:
            out.extend(checks)
            out.append("")
        figs = [m for m in METHODS if os.path.exists(f"docs/figures/uncertainty/reliability-{network}-{m.lower()}.png")]
        if figs:
            out.append("Reliability diagrams of the plugin, seed 1: " + ", ".join(
                f"[{m}](figures/uncertainty/reliability-{network}-{m.lower()}.png)" for m in figs) + ".")
            out.append("")
    out.append("<!-- uncertainty:end -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
