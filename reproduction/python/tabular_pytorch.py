#!/usr/bin/env python3
"""The PyTorch side of issue 19's tabular comparison (io.github.tribuoswa.reproduction.Tabular):
the same MLP and recipe as the plugin's (io.github.tribuoswa.examples.Recipes.tabular) with SGD,
SWA (torch.optim.swa_utils) and FGE, on the same k-fold cross-validation folds of the same CSV
files (written by the plugin's TabularData from python3-sklearn's files), scored on the
held-out fold: RMSE and R^2 (diabetes), accuracy, NLL and ECE with 15 bins (breast cancer).
Same CSV columns as the plugin's (engine=pytorch), one row per (data, repeat, fold, method),
appended as each finishes, so a killed run resumes.

- Folds: row i gets the key splitmix64(seed * 0x9E3779B97F4A7C15 + i) mod 2^64, rows sorted by
  key (unsigned, ties by index), rank r to fold r mod k (io.github.tribuoswa.data.Folds); seed =
  the repeat.
- Standardisation: features (and regression targets) by the training fold's mean and population
  std (std 1 where the variance is below 1e-12), computed in float64 and applied in float32, as
  the plugin's Standardiser; predictions mapped back to the target's units.
- Network: Linear(d, 64), BatchNorm1d, ReLU, Dropout(0.1), Linear(64, 64), BatchNorm1d, ReLU,
  Dropout(0.1), Linear(64, outputs); torch.nn's initial weights (the plugin's default).
- Training: SGD, momentum 0.9, weight decay 5e-4, batch 32 (a last batch of one joins the one
  before), 100 epochs; regression loss 1/2 mean squared error (DJL's L2Loss), classification
  cross-entropy. SGD: the papers' baseline schedule from 0.05 over the run. SWA: the baseline
  compressed into the first 75 epochs decaying to 0.01, then 0.01, swa_utils.AveragedModel of
  w-hat and every epoch end, update_bn. FGE: the same first 75 epochs, then triangular cycles of
  2 epochs (an even number of steps) between 0.01 and 0.001, a copy at every mid-point, the
  members' values (or probabilities) averaged. The network seed of fold f of repeat r is 100 r + f.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/tabular_pytorch.py
        [--data DIR] [--folds 5] [--repeats 3] [--threads 1] [--methods MLP-SGD,MLP-SWA,MLP-FGE] [--out FILE]
"""
import argparse
import copy
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import swa_utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pytorch import append_row, batch_bounds, resumable_csv, train  # noqa: E402
from folds import folds  # noqa: E402
from table1_pytorch import baseline, triangular  # noqa: E402
from uncertainty_pytorch import calibration  # noqa: E402

HEADER = "engine,data,repeat,fold,method,train_rows,test_rows,rmse,r2,accuracy,nll,ece,wall_s"
METHODS = ("MLP-SGD", "MLP-SWA", "MLP-FGE")
TABLES = (("diabetes", "regression"), ("breast-cancer", "classification"))
EPOCHS, BATCH, LR, SWA_LR, FGE_RATIO = 100, 32, 0.05, 0.01, 0.1
def read(path):
    with open(path) as f:
        lines = f.read().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    x = np.array([[float(v) for v in r[:-1]] for r in rows])
    return x, [r[-1] for r in rows]


def standardiser(a):
    a = a.astype(np.float32).astype(np.float64)  # the plugin fits in double on the float values it trains on
    mean = a.mean(axis=0)
    var = np.maximum(0, (a * a).mean(axis=0) - mean * mean)
    std = np.where(var > 1e-12, np.sqrt(var), 1.0)
    return mean.astype(np.float32), std.astype(np.float32)


def network(d, outputs):
    layers, width = [], d
    for h in (64, 64):
        layers += [nn.Linear(width, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Dropout(0.1)]
        width = h
    return nn.Sequential(*layers, nn.Linear(width, outputs))


def outputs_of(models, x):
    outs = []
    for m in models:
        m.eval()
        with torch.no_grad():
            outs.append(m(x))
    return outs


def run(method, x, y, regression, seed, classes):
    n = x.shape[0]
    spe = len(batch_bounds(n, BATCH))
    start = int(math.floor(0.75 * EPOCHS + 0.5))
    s0 = start * spe
    loss = (lambda out, t: 0.5 * F.mse_loss(out, t)) if regression else F.cross_entropy
    torch.manual_seed(seed)
    model = network(x.shape[1], 1 if regression else classes)
    if method == "MLP-SGD":
        train(model, x, y, EPOCHS, baseline(LR, EPOCHS * spe), seed, BATCH, loss=loss)
        return [model]
    first = baseline(LR, s0, SWA_LR / LR)
    if method == "MLP-SWA":
        holder = {}

        def on_step(k):
            if k >= s0 and (k - s0) % spe == 0:
                if "avg" not in holder:
                    holder["avg"] = swa_utils.AveragedModel(model)
                holder["avg"].update_parameters(model)
        train(model, x, y, EPOCHS, lambda i: first(i) if i <= s0 else SWA_LR, seed, BATCH, on_step, loss=loss)
        avg = holder["avg"].module
        swa_utils.update_bn([x[s:t] for s, t in batch_bounds(n, BATCH)], avg)
        return [avg]
    cycle = max(2, round(spe * 2.0 / 2) * 2)
    tri = triangular(SWA_LR, SWA_LR * FGE_RATIO, cycle)
    members = []

    def on_step(k):
        if k > s0 and (k - s0) % cycle == cycle // 2:
            members.append(copy.deepcopy(model))
    train(model, x, y, EPOCHS, lambda i: first(i) if i <= s0 else tri(i - s0), seed, BATCH, on_step, loss=loss)
    return members


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="target/tabular")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--out", default="docs/results/tabular-pytorch.csv")
    a = ap.parse_args()
    methods = a.methods.split(",")
    if not set(methods) <= set(METHODS):
        ap.error(f"--methods {a.methods} is out of range; allowed: a comma-separated subset of {','.join(METHODS)}")
    if a.folds < 2 or a.repeats < 1 or a.threads < 1:
        ap.error(f"--folds {a.folds}, --repeats {a.repeats}, --threads {a.threads} out of range; allowed: folds >= 2, repeats >= 1, threads >= 1")
    torch.set_num_threads(a.threads)
    done = resumable_csv(a.out, HEADER, "a tabular", slice(1, 5))
    data = {}
    for name, kind in TABLES:
        path = os.path.join(a.data, name + ".csv")
        if not os.path.exists(path):
            raise SystemExit(f"--data {a.data}: {path} is missing; write it with scripts/tribuo-swa.sh tabular-data --output {a.data}")
        data[name] = read(path)
    print(f"Tabular (PyTorch {torch.__version__}): {a.folds}-fold cross-validation x {a.repeats} repeats, {a.threads} threads, "
          f"writing {a.out}", flush=True)
    for r in range(1, a.repeats + 1):
        for f in range(a.folds):
            for name, kind in TABLES:
                x_all, t_all = data[name]
                fold = folds(len(t_all), a.folds, r)
                tr = [i for i in range(len(t_all)) if fold[i] != f]
                te = [i for i in range(len(t_all)) if fold[i] == f]
                regression = kind == "regression"
                xm, xs = standardiser(x_all[tr])
                x = torch.from_numpy(((x_all[tr].astype(np.float32) - xm) / xs).astype(np.float32))
                xt = torch.from_numpy(((x_all[te].astype(np.float32) - xm) / xs).astype(np.float32))
                if regression:
                    y_all = np.array([float(v) for v in t_all])
                    ym, ys = standardiser(y_all[tr].reshape(-1, 1))
                    y = torch.from_numpy(((y_all[tr].astype(np.float32).reshape(-1, 1) - ym) / ys).astype(np.float32))
                    yt = y_all[te]
                    classes = 1
                else:
                    names = sorted(set(t_all))
                    y_all = np.array([names.index(v) for v in t_all])
                    y = torch.from_numpy(y_all[tr].astype(np.int64))
                    yt = y_all[te]
                    classes = len(names)
                for method in methods:
                    if (name, str(r), str(f), method) in done:
                        continue
                    t0 = time.perf_counter()
                    members = run(method, x, y, regression, 100 * r + f, classes)
                    wall = time.perf_counter() - t0
                    outs = outputs_of(members, xt)
                    if regression:
                        pred = (sum(o.double() for o in outs) / len(outs)).numpy()[:, 0] * float(ys[0]) + float(ym[0])
                        rmse = math.sqrt(np.mean((pred - yt) ** 2))
                        r2 = 1 - np.sum((pred - yt) ** 2) / np.sum((yt - yt.mean()) ** 2)
                        scores = f"{rmse:.4f},{r2:.4f},,,"
                    else:
                        p = (sum(F.softmax(o, dim=1) for o in outs) / len(outs)).double().numpy()
                        acc, nll, _, ece, _ = calibration(p, yt)
                        scores = f",,{acc:.4f},{nll:.4f},{ece:.4f}"
                    row = f"pytorch,{name},{r},{f},{method},{len(tr)},{len(te)},{scores},{wall:.1f}"
                    append_row(a.out, row)


if __name__ == "__main__":
    main()
