#!/usr/bin/env python3
"""Prints the "tabular" section of docs/results.md from the CSVs of
io.github.tribuoswa.reproduction.Tabular and reproduction/python/tabular_pytorch.py
(scripts/reproduce/tabular.sh): per data set, method and engine, mean +- sample standard
deviation over the cross-validation folds (k folds x repeats) of RMSE and R^2 (regression) or
accuracy, NLL and ECE (classification); the plugin's MLP methods checked against PyTorch's
(|difference of means| <= 2 x the pooled standard deviation, as for issue 18); and SWA paired
fold by fold (the folds are the same for every method and engine) against the other methods:
the mean of the per-fold differences and on how many folds SWA is the better.

    python3 reproduction/python/tabular_report.py DJL_CSV PYTORCH_CSV "COMMAND" | \
        python3 reproduction/python/update_doc_section.py docs/results.md tabular
"""
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uncertainty_report import cell, read, spread  # noqa: E402

METHODS = ("MLP-SGD", "MLP-SWA", "MLP-FGE", "Tribuo-Linear", "Tribuo-RandomForest")
ENGINES = {"djl": "plugin", "pytorch": "PyTorch"}


def engine_label(method, engine):
    return "Tribuo" if method.startswith("Tribuo-") else ENGINES[engine]
DATA = {
    "diabetes": ("Diabetes (regression: 442 rows, 10 features, target 25–346)",
                 (("rmse", "RMSE", 1, 2, False), ("r2", "R²", 1, 3, True))),
    "breast-cancer": ("Breast cancer (classification: 569 rows, 30 features, 2 classes)",
                      (("accuracy", "accuracy (%)", 100, 2, True), ("nll", "NLL", 1, 4, False), ("ece", "ECE (%)", 100, 2, False))),
}


def paired(a, b, name):
    """Per-fold differences a - b over the folds both have."""
    fa = {(r["repeat"], r["fold"]): float(r[name]) for r in a}
    fb = {(r["repeat"], r["fold"]): float(r[name]) for r in b}
    return [fa[k] - fb[k] for k in sorted(fa.keys() & fb.keys())]


def main():
    djl_path, torch_path, command = sys.argv[1], sys.argv[2], sys.argv[3]
    djl, torch = read(djl_path), read(torch_path)
    by = defaultdict(list)
    for r in djl + torch:
        by[(r["data"], r["method"], r["engine"])].append(r)
    folds = sorted({int(r["fold"]) for r in djl + torch}) if djl or torch else []
    repeats = sorted({int(r["repeat"]) for r in djl + torch}) if djl or torch else []
    out = ["<!-- tabular:start -->", "## Tabular data: the MLP with SGD, SWA and FGE against Tribuo's trainers and PyTorch (issue 19)", ""]
    out.append(f"Made by `{command}` from `{djl_path}` ({len(djl)} runs) and `{torch_path}` ({len(torch)} runs): "
               f"{len(folds)}-fold cross-validation repeated {len(repeats)} times (folds of `io.github.tribuoswa.data.Folds`, seeds "
               f"{', '.join(map(str, repeats))}; the same folds for every method and engine), mean ± sample standard deviation over "
               f"the {len(folds) * len(repeats)} held-out folds. Data: python3-sklearn's diabetes and Wisconsin breast cancer files, "
               "as CSV (`TabularData`), read by Tribuo's CSVDataSource. MLP (`Recipes.tabular`): 64-64 hidden units with "
               "BatchNorm, ReLU and dropout 0.1, standardised features (and targets, for regression), SGD with momentum 0.9 and "
               "weight decay 5e-4, batch 32, 100 epochs; SGD: the papers' baseline schedule from 0.05; SWA: the baseline "
               "compressed into 75 epochs decaying to 0.01, then 0.01 with one average per epoch and a BatchNorm refresh; FGE: "
               "the same 75 epochs, then 2-epoch triangular cycles between 0.01 and 0.001, a snapshot at each mid-point. "
               "Tribuo-Linear: Tribuo's linear SGD (squared loss or logistic, AdaGrad 1.0, 100 epochs) on standardised features "
               "(`TransformTrainer`, `MeanStdDevTransformation`). Tribuo-RandomForest: 100 CART trees (regression: a third of "
               "the features per split, leaves of weight ≥ 5; classification: √d features per split), Tribuo's "
               "`RandomForestTrainer`. PyTorch: the same network and recipe, `torch.optim.swa_utils` for SWA "
               "(reproduction/python/tabular_pytorch.py). ECE with 15 equal-width bins.")
    out.append("")
    for data, (title, metrics) in DATA.items():
        if not any(k[0] == data for k in by):
            continue
        most = max(len(rs) for (d, _, _), rs in by.items() if d == data)
        out.append(f"### {title}")
        out.append("")
        out.append("| method | engine | " + " | ".join(m[1] for m in metrics) + " |")
        out.append("|---|---|" + "---|" * len(metrics))
        for m in METHODS:
            for engine, label in ENGINES.items():
                rs = by.get((data, m, engine), [])
                if rs:
                    cols = [cell([float(r[name]) for r in rs], scale, dec, most).replace(" seed", " fold")
                            for name, _, scale, dec, _ in metrics]
                    out.append(f"| {m} | {engine_label(m, engine)} | " + " | ".join(cols) + " |")
        out.append("")
        checked, outside = spread([(m, by.get((data, m, "djl")), by.get((data, m, "pytorch"))) for m in METHODS[:3]],
                                  [metric[:4] for metric in metrics])
        if checked:
            out.append(f"- The plugin within the folds' spread of PyTorch (|Δ mean| ≤ 2 × pooled σ): {checked - len(outside)} of "
                       f"{checked}" + (f"; outside: {', '.join(outside)}" if outside else "") + ".")
        swa = by.get((data, "MLP-SWA", "djl"), [])
        for other in ("MLP-SGD", "MLP-FGE", "Tribuo-Linear", "Tribuo-RandomForest"):
            rs = by.get((data, other, "djl"), [])
            if not swa or not rs:
                continue
            parts = []
            for name, what, scale, dec, higher in metrics:
                diff = paired(swa, rs, name)
                if not diff:
                    continue
                better = sum(1 for x in diff if (x > 0 if higher else x < 0))
                sd = f" ± {statistics.stdev(diff) * scale:.{dec}f}" if len(diff) > 1 else ""
                parts.append(f"{what} {statistics.mean(diff) * scale:+.{dec}f}{sd} (SWA better on {better} of {len(diff)} folds, ties not counted)")
            out.append(f"- SWA − {other}, fold by fold: " + "; ".join(parts) + ".")
        out.append("")
    out.append("<!-- tabular:end -->")
    print("\n".join(out))


if __name__ == "__main__":
    main()
