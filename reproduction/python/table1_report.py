#!/usr/bin/env python3
"""Writes docs/results.md from the Table 1 CSVs of scripts/reproduce/table1.sh (this plugin's
io.github.tribuoswa.reproduction.Table1 and reproduction/python/table1_pytorch.py): mean +- sample standard
deviation over seeds of test accuracy and NLL per network, engine, method and budget, laid out
like Table 1 of the SWA paper, and the median samples/s. Only the rows in the CSVs are used; a
cell with fewer seeds than the others says how many it has.

    python3 reproduction/python/table1_report.py [--djl docs/results/table1-djl.csv]
        [--pytorch docs/results/table1-pytorch.csv] [--machine FILE] [--out docs/results.md]
"""
import argparse
import csv
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from update_doc_section import update  # noqa: E402

METHODS = ("SGD", "FGE", "SWA")
BUDGETS = ("1.00", "1.25", "1.50")
ENGINES = (("djl", "tribuo-swa (DJL)"), ("pytorch", "PyTorch swa_utils"))
NETWORKS = {"mlp": "MLP 784-256-10", "cnn": "BatchNorm CNN", "preresnet8": "PreResNet-8"}


def read(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def cell(values, scale, decimals, seeds):
    if not values:
        return "–"
    mean = statistics.mean(values) * scale
    text = f"{mean:.{decimals}f}"
    if len(values) > 1:
        text += f" ± {statistics.stdev(values) * scale:.{decimals}f}"
    if len(values) != seeds:
        text += f" (n={len(values)})"
    return text


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--djl", default="docs/results/table1-djl.csv")
    p.add_argument("--pytorch", default="docs/results/table1-pytorch.csv")
    p.add_argument("--machine", default=None)
    p.add_argument("--out", default="docs/results.md")
    a = p.parse_args()
    rows = read(a.djl) + read(a.pytorch)
    by = defaultdict(list)
    epochs = {}
    seeds = defaultdict(set)
    wall = defaultdict(float)
    for r in rows:
        key = (r["network"], r["engine"], r["method"], r["budget"])
        by[key].append(r)
        epochs[(r["network"], r["budget"])] = int(r["epochs"])
        seeds[r["network"]].add(int(r["seed"]))
        if r["budget"] == BUDGETS[-1] or r["method"] == "SGD":
            wall[r["engine"]] += float(r["wall_s"])
    networks = [n for n in NETWORKS if any(k[0] == n for k in by)] + sorted({k[0] for k in by} - set(NETWORKS))
    machine = ""
    if a.machine and os.path.exists(a.machine):
        with open(a.machine) as f:
            machine = "; ".join(" ".join(line.split()) for line in f if line.strip())
    out = []
    w = out.append
    w("<!-- table1:start -->")
    w("## Table 1 at Fashion-MNIST scale")
    w("")
    w("<!-- written by reproduction/python/table1_report.py from docs/results/table1-*.csv; do not edit by hand -->")
    w("")
    w("SGD, FGE and SWA at training budgets 1, 1.25 and 1.5 on full Fashion-MNIST (60,000 training and")
    w("10,000 test images), trained by this plugin (DJL, PyTorch 2.7.1 natives) and, side by side on the")
    w("same machine at the same time, by PyTorch's `torch.optim.swa_utils` (Debian's python3-torch")
    w("1.13.1) with the same networks, schedules and budgets. Mean ± sample standard deviation over")
    w("seeds; accuracy in percent, NLL in nats per test image.")
    w("")
    w("- **Command:** `scripts/reproduce/table1.sh` (both engines, then this file; resumable). Separately:")
    w("  `java ... io.github.tribuoswa.reproduction.Table1` and `/usr/bin/python3 reproduction/python/table1_pytorch.py`,")
    w("  then `python3 reproduction/python/table1_report.py`.")
    if machine:
        w(f"- **Machine:** {machine}; both engines with one intra-op thread each, running concurrently.")
    w("- **Wall time (sum over runs):** " + ", ".join(f"{label} {wall[e] / 60:.1f} min" for e, label in ENGINES if e in wall) + ".")
    w("- **Budgets:** B is the number of epochs of conventional SGD; small on purpose, so that the whole")
    w("  table runs in a few hours on this 2-core machine: " + ", ".join(
        f"{NETWORKS.get(n, n)} B = {epochs.get((n, '1.00'), '?')} epochs" for n in networks) + ".")
    w("- **Recipes** (`io.github.tribuoswa.examples.Recipes`, mirrored in the script): batch 128, SGD")
    w("  with momentum 0.9 and weight decay 5e-4, α0 = 0.05. SGD: the papers' baseline schedule over")
    w("  its budget (α0 for half, linear decay to 0.01·α0 at 90%). SWA: that schedule compressed into")
    w("  the first 0.75·B epochs, decaying to the SWA rate 0.01, then that constant rate, averaging ŵ and")
    w("  every half epoch, BatchNorm statistics recomputed for w_SWA. FGE: the same first 0.75·B epochs,")
    w("  then triangular cycles of half an epoch between 0.01 and 0.0005, a snapshot at each mid-point,")
    w("  the ensemble averaging probabilities. SWA and FGE at budgets 1 and 1.25 are the models of the")
    w("  1.5-budget run at those epochs (exactly the models of the shorter runs, see")
    w("  `NetworkTrainer.addEpochModelListener`).")
    w("- **Seeds:** " + ", ".join(f"{NETWORKS.get(n, n)} {len(seeds[n])}" for n in networks) + ".")
    w("")
    def median(values):
        return f"{statistics.median(values):.0f}" if values else "–"

    tables = (
        ("Test accuracy (%)", lambda v, n: cell(v, 100, 2, len(seeds[n])), "test_accuracy"),
        ("Test NLL", lambda v, n: cell(v, 1, 4, len(seeds[n])), "test_nll"),
        ("Training samples/s (median over seeds; wall time includes data conversion and the BatchNorm refresh; "
         "both engines ran at the same time, one thread each)", lambda v, n: median(v), "samples_per_s"),
    )
    for i, (title, show, field) in enumerate(tables):
        speed = i == 0  # the first table also has each engine's samples/s over all its runs
        w(f"### {title}")
        w("")
        w("| network (B) | engine | " + " | ".join(f"{m} {b.rstrip('0').rstrip('.')}" for m in METHODS for b in BUDGETS)
          + (" | samples/s (median of all runs) |" if speed else " |"))
        w("|---|---|" + "---|" * (len(METHODS) * len(BUDGETS) + (1 if speed else 0)))
        for n in networks:
            for e, label in ENGINES:
                if any(k[0] == n and k[1] == e for k in by):
                    cells = [show([float(r[field]) for r in by[(n, e, m, b)]], n) for m in METHODS for b in BUDGETS]
                    if speed:
                        cells.append(median([float(r["samples_per_s"]) for k, v in by.items() if k[0] == n and k[1] == e for r in v]))
                    w(f"| {NETWORKS.get(n, n)} ({epochs.get((n, '1.00'), '?')}) | {label} | " + " | ".join(cells) + " |")
        w("")
    w("<!-- table1:end -->")
    update(a.out, "table1", "\n".join(out))
    print(f"wrote {a.out} from {len(rows)} rows")


if __name__ == "__main__":
    main()
