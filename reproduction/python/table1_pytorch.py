#!/usr/bin/env python3
"""The Table 1 harness under PyTorch with torch.optim.swa_utils, side by side with the plugin's
`Table1` program: same data (full Fashion-MNIST IDX files, pixels / 255), same networks
(reproduction/python/bench_pytorch.py), same recipes (io.github.tribuoswa.examples.Recipes), same budgets,
same CSV columns (engine=pytorch).

- SGD: momentum 0.9, weight decay 5e-4, batch 128; the papers' baseline schedule over the run,
  set per step: t = (i - 1) / B_steps, rate = lr for t <= 0.5, linear to 0.01 lr by t = 0.9.
- SWA: the baseline compressed into the first 0.75 B epochs (decaying to swa_lr), then the
  constant swa_lr; swa_utils.AveragedModel averages w-hat (after 0.75 B epochs) and the weights
  after every cycle end (c = half an epoch, even steps); swa_utils.update_bn recomputes the
  BatchNorm statistics (cumulative average) before each evaluation.
- FGE: the same first 0.75 B epochs, then the triangular rate between swa_lr and
  fge_ratio * swa_lr with the same cycle c, a copy of the weights at every mid-point; the
  ensemble averages the members' softmax probabilities.
SWA and FGE run once to 1.5 B epochs; their models at budgets 1 and 1.25 are taken at those
epochs (the same run stopped there). Wall time counts training and forming the model
(update_bn), not the evaluation of earlier budgets. Rows already in the CSV are skipped, so a
killed run resumes.

    /usr/bin/python3 reproduction/python/table1_pytorch.py [--data DIR] [--networks mlp:8,cnn:4,preresnet8:4]
        [--seeds 1,2,3] [--threads 1] [--lr 0.05] [--swa-lr 0.01] [--fge-ratio 0.05] [--out FILE]
        [--methods SGD,SWA,FGE] [--sgd-budgets 1,1.25,1.5] [--init pytorch|djl]

--methods runs only some of the methods, --sgd-budgets only some of SGD's budgets (SWA and FGE
always run to 1.5).

--init djl draws the initial weights as DJL's blocks do (the plugin's default): the weights of
Linear and Conv2d layers Kaiming-normal, N(0, 2 / fan_in), their biases 0; torch.nn's own
default (pytorch) is U(+-1/sqrt(fan_in)) for both.
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
from bench_pytorch import network, read_idx, train  # noqa: E402

HEADER = "engine,network,seed,method,budget,epochs,test_accuracy,test_nll,wall_s,samples_per_s,networks,threads"
BUDGETS = (1.0, 1.25, 1.5)
BATCH = 128


def budget_epochs(b, budget):
    e = b * budget
    if abs(e - round(e)) > 1e-9:
        raise SystemExit(f"budget epochs = {budget} is out of range; allowed: a multiple of 4")
    return int(round(e))


def baseline_factor(t, ratio):
    if t <= 0.5:
        return 1.0
    if t <= 0.9:
        return 1.0 - (1.0 - ratio) * (t - 0.5) / 0.4
    return ratio


def baseline(lr, steps, ratio=0.01):
    return lambda i: lr * baseline_factor((i - 1) / steps, ratio)


def triangular(a1, a2, c):
    def rate(i):
        t = ((i - 1) % c + 1) / c
        return (1 - 2 * t) * a1 + 2 * t * a2 if t <= 0.5 else (2 - 2 * t) * a2 + (2 * t - 1) * a1
    return rate


class Csv:
    def __init__(self, path):
        self.path = path
        self.done = set()
        if os.path.exists(path):
            with open(path) as f:
                lines = f.read().splitlines()
            if not lines or lines[0] != HEADER:
                raise SystemExit(f"out = {path} is not a Table 1 CSV (first line must be {HEADER}); move it away")
            for line in lines[1:]:
                f = line.split(",")
                self.done.add((f[1], int(f[2]), f[3], float(f[4])))
        else:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            with open(path, "w") as f:
                f.write(HEADER + "\n")

    def has(self, *key):
        return key in self.done

    def add(self, net, seed, method, b, epochs, acc, nll, wall, n, threads, members):
        if self.has(net, seed, method, b):
            return
        row = (f"pytorch,{net},{seed},{method},{b:.2f},{epochs},{acc:.4f},{nll:.4f},{wall:.1f},"
               f"{epochs * n / wall:.0f},{members},{threads}")
        with open(self.path, "a") as f:
            f.write(row + "\n")
        self.done.add((net, seed, method, b))
        print(row, flush=True)


def probabilities(model, x, batch=1000):
    model.eval()
    with torch.no_grad():
        return torch.cat([F.softmax(model(x[s:s + batch]), dim=1) for s in range(0, x.shape[0], batch)])


def metrics(prob, y):
    acc = (prob.argmax(1) == y).double().mean().item()
    nll = -torch.log(prob[torch.arange(len(y)), y].double().clamp_min(1e-12)).mean().item()
    return acc, nll


def djl_init(model):
    """DJL's default initialisation: Linear and Conv2d weights N(0, 2 / fan_in), biases 0."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_normal_(m.weight, a=0, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--networks", default="mlp:8,cnn:4,preresnet8:4")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--swa-lr", type=float, default=0.01)
    p.add_argument("--fge-ratio", type=float, default=0.05)
    p.add_argument("--out", default="docs/results/table1-pytorch.csv")
    p.add_argument("--methods", default="SGD,SWA,FGE")
    p.add_argument("--sgd-budgets", default="1,1.25,1.5")
    p.add_argument("--init", choices=("pytorch", "djl"), default="pytorch")
    a = p.parse_args()
    sgd_budgets = [float(b) for b in a.sgd_budgets.split(",")]
    if not set(sgd_budgets) <= set(BUDGETS):
        p.error(f"--sgd-budgets {a.sgd_budgets} is out of range; allowed: a comma-separated subset of 1,1.25,1.5")
    methods = a.methods.split(",")
    if not set(methods) <= {"SGD", "SWA", "FGE"}:
        p.error(f"--methods {a.methods} is out of range; allowed: a comma-separated subset of SGD,SWA,FGE")

    def new_network(name):
        model = network(name)
        if a.init == "djl":
            djl_init(model)
        return model

    torch.set_num_threads(a.threads)
    x = torch.from_numpy(read_idx(f"{a.data}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(read_idx(f"{a.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    xt = torch.from_numpy(read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    yt = torch.from_numpy(read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    n = x.shape[0]
    spe = math.ceil(n / BATCH)
    cycle = max(2, round(spe * 0.5 / 2) * 2)
    csv = Csv(a.out)
    print(f"Table 1 (PyTorch {torch.__version__}, swa_utils) on {a.data}: {n} train / {xt.shape[0]} test, "
          f"{a.threads} threads, writing {a.out}", flush=True)
    bn_batches = [x[s:s + BATCH] for s in range(0, n, BATCH)]
    for spec in a.networks.split(","):
        name, budget = spec.split(":")
        budget = int(budget)
        start, last = budget_epochs(0.75, budget), budget_epochs(1.5, budget)
        at = {budget_epochs(b, budget): b for b in BUDGETS}
        for seed in (int(s) for s in a.seeds.split(",")):
            for b in sgd_budgets:
                if "SGD" in methods and not csv.has(name, seed, "SGD", b):
                    torch.manual_seed(seed)
                    model = new_network(name)
                    epochs = budget_epochs(b, budget)
                    t0 = time.perf_counter()
                    train(model, x, y, epochs, baseline(a.lr, epochs * spe), seed, BATCH)
                    wall = time.perf_counter() - t0
                    csv.add(name, seed, "SGD", b, epochs, *metrics(probabilities(model, xt), yt), wall, n, a.threads, 1)
            s0 = start * spe
            first = baseline(a.lr, s0, a.swa_lr / a.lr)
            for method in ("SWA", "FGE"):
                if method not in methods or csv.has(name, seed, method, BUDGETS[-1]):
                    continue
                torch.manual_seed(seed)
                model = new_network(name)
                state = {"avg": None, "members": [], "excluded": 0.0}
                if method == "SWA":
                    rate = lambda i: first(i) if i <= s0 else a.swa_lr  # noqa: E731

                    def on_step(k):
                        if k == s0:
                            state["avg"] = swa_utils.AveragedModel(model)
                        if k >= s0 and (k - s0) % cycle == 0:
                            state["avg"].update_parameters(model)

                    def form():
                        m = copy.deepcopy(state["avg"])
                        swa_utils.update_bn(bn_batches, m)
                        return [m]
                else:
                    tri = triangular(a.swa_lr, a.swa_lr * a.fge_ratio, cycle)
                    rate = lambda i: first(i) if i <= s0 else tri(i - s0)  # noqa: E731

                    def on_step(k):
                        if k > s0 and (k - s0) % cycle == cycle // 2:
                            state["members"].append(copy.deepcopy(model))

                    def form():
                        return list(state["members"])
                t0 = time.perf_counter()

                def on_epoch(e):
                    if e not in at:
                        return
                    t_end = time.perf_counter()
                    members = form()
                    wall = time.perf_counter() - t0 - state["excluded"]
                    prob = sum(probabilities(m, xt) for m in members) / len(members)
                    csv.add(name, seed, method, at[e], e, *metrics(prob, yt), wall, n, a.threads, len(members))
                    if e < last:
                        state["excluded"] += time.perf_counter() - t_end
                train(model, x, y, last, rate, seed, BATCH, on_step, on_epoch)


if __name__ == "__main__":
    main()
