#!/usr/bin/env python3
"""The PyTorch side of issue 18's comparison (io.github.tribuoswa.reproduction.Uncertainty):
SGD, SWA, FGE, SWAG-Diagonal, SWAG and MultiSWAG on full Fashion-MNIST, scored on the test set
by accuracy, NLL, Brier score, ECE and MCE (15 equal-width bins) before and after temperature
scaling fitted on the last 5,000 training images (held out of training); same CSV columns as the
plugin's (engine=pytorch), one row per (network, seed, method), appended as each finishes, so a
killed run resumes; with --work DIR each unit of work (a training run, checkpointed after every
epoch; a set of SWAG samples, after every sample) resumes where it was killed, bit for bit, and
its checkpoint is removed once no row still to come needs it.

The recipes are the plugin's (io.github.tribuoswa.examples.Recipes, Uncertainty):
- SGD: momentum 0.9, weight decay 5e-4, batch 128, the papers' baseline schedule over the run.
- SWA: the baseline compressed into the first round(0.75 B) epochs (decaying to swa_lr), then the
  constant swa_lr; swa_utils.AveragedModel averages w-hat and the weights after every epoch;
  swa_utils.update_bn refreshes the BatchNorm statistics.
- FGE: the same first epochs, then triangular cycles between swa_lr and 0.1 swa_lr of about half
  an epoch (even steps), a copy at every mid-point; the members' softmax probabilities averaged.
- SWAG (Maddox et al. 2019), written here from the paper (torch has no SWAG): on SWA's trajectory
  and collection points, the running means of the weights and of their squares and the last
  K = 20 deviations theta_i - mean_i (mean_i the mean after collection i); a sample is
  mean + sqrt(scale) * (sqrt(max(sq_mean - mean^2, 1e-30)) * z1 + D z2 / sqrt(k - 1)),
  scale = 1/2, k = the deviations held (min(collections, K)); SWAG-Diagonal leaves out the D
  term. S = 30 samples, each with its BatchNorm statistics refreshed (update_bn), the prediction
  the mean of their softmax probabilities.
- MultiSWAG (Wilson & Izmailov 2020): 3 SWAG runs with their own seeds, 10 samples each, one
  mixture.
SWA, SWAG-Diagonal and SWAG of one seed follow the same trajectory, so it is trained once and
kept for the three (identical rows to three separate runs: checked on mlp:5); each row's wall_s
includes the shared run.

Temperature scaling divides the log-probabilities of each prediction by T (for one network the
same as its logits), T minimising the validation NLL (a golden-section search on log(1/T) in
[log 1e-3, log 1e3]; the NLL is convex in 1/T).

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/uncertainty_pytorch.py
        [--data DIR] [--networks mlp:30,cnn:15] [--seeds 1,2,3] [--threads 1]
        [--methods SGD,SWA,FGE,SWAG-Diagonal,SWAG,MultiSWAG] [--validation 5000] [--out FILE] [--work DIR]
"""
import argparse
import copy
import hashlib
import math
import os
import sys
import time

import numpy as np
import torch
from torch.optim import swa_utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_pytorch import RunCheckpoint, append_row, network, read_idx, resumable_csv, train  # noqa: E402
from table1_pytorch import baseline, probabilities, triangular  # noqa: E402

HEADER = ("engine,network,seed,method,epochs,test_accuracy,test_nll,test_brier,test_ece,test_mce,temperature,"
          "ts_nll,ts_brier,ts_ece,models,wall_s")
METHODS = ("SGD", "SWA", "FGE", "SWAG-Diagonal", "SWAG", "MultiSWAG")
BATCH = 128
LR, SWA_LR, FGE_RATIO = 0.05, 0.01, 0.1
MAX_RANK, SAMPLES, SCALE, FLOOR = 20, 30, 0.5, 1e-30
RUNS = 3
BINS = 15
FLOOR_P = 1e-12


# ----- calibration (Guo et al. 2017), on float64 numpy arrays -----

def calibration(p, y, bins=BINS):
    n = len(y)
    nll = float(np.mean(-np.log(np.maximum(p[np.arange(n), y], FLOOR_P))))
    brier = float(np.mean(np.sum((p - np.eye(p.shape[1])[y]) ** 2, axis=1)))
    conf, pred = p.max(axis=1), p.argmax(axis=1)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    ece = mce = 0.0
    for m in range(bins):
        sel = b == m
        if sel.any():
            gap = abs(np.mean(pred[sel] == y[sel]) - np.mean(conf[sel]))
            ece += sel.sum() / n * gap
            mce = max(mce, gap)
    return float(np.mean(pred == y)), nll, brier, float(ece), float(mce)


def scaled(p, t):
    z = np.log(np.maximum(p, FLOOR_P)) / t
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(p, y):
    def nll(log_beta):
        return calibration(scaled(p, math.exp(-log_beta)), y, 1)[1]
    lo, hi = math.log(1e-3), math.log(1e3)
    g = (math.sqrt(5) - 1) / 2
    a, b = hi - g * (hi - lo), lo + g * (hi - lo)
    fa, fb = nll(a), nll(b)
    while hi - lo > 1e-9:
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - g * (hi - lo)
            fa = nll(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + g * (hi - lo)
            fb = nll(b)
    return math.exp(-(lo + hi) / 2)


# ----- SWAG -----

class Swag:
    """The SWAG moments of a network's parameters (float32, as the authors keep them)."""

    def __init__(self, model, max_rank):
        self.max_rank = max_rank
        self.n = 0
        self.mean = [torch.zeros_like(p) for p in model.parameters()]
        self.sq_mean = [torch.zeros_like(p) for p in model.parameters()]
        self.deviations = []  # each a list of tensors, oldest first

    def collect(self, model):
        with torch.no_grad():
            for m, s, p in zip(self.mean, self.sq_mean, model.parameters()):
                m.mul_(self.n / (self.n + 1)).add_(p / (self.n + 1))
                s.mul_(self.n / (self.n + 1)).add_(p * p / (self.n + 1))
            self.deviations.append([p.detach() - m for p, m in zip(model.parameters(), self.mean)])
            if len(self.deviations) > self.max_rank:
                self.deviations.pop(0)
        self.n += 1

    def sample(self, model, gen, low_rank):
        k = len(self.deviations)
        use_low_rank = low_rank and k >= 2
        z2 = torch.randn(k, generator=gen) if use_low_rank else None
        with torch.no_grad():
            for i, (p, m, s) in enumerate(zip(model.parameters(), self.mean, self.sq_mean)):
                var = torch.clamp(s - m * m, min=FLOOR)
                noise = var.sqrt() * torch.randn(m.shape, generator=gen)
                if use_low_rank:
                    noise += sum(z2[c] * self.deviations[c][i] for c in range(k)) / math.sqrt(k - 1)
                p.copy_(m + math.sqrt(SCALE) * noise)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--networks", default="mlp:30,cnn:15")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--validation", type=int, default=5000)
    ap.add_argument("--out", default="docs/results/uncertainty-pytorch.csv")
    ap.add_argument("--work", default="")
    a = ap.parse_args()
    methods = a.methods.split(",")
    if not set(methods) <= set(METHODS):
        ap.error(f"--methods {a.methods} is out of range; allowed: a comma-separated subset of {','.join(METHODS)}")
    torch.set_num_threads(a.threads)
    x_all = torch.from_numpy(read_idx(f"{a.data}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    y_all = torch.from_numpy(read_idx(f"{a.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    xt = torch.from_numpy(read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    yt = read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    if not 1 <= a.validation < x_all.shape[0]:
        ap.error(f"--validation {a.validation} is out of range; allowed: integer in [1, {x_all.shape[0]})")
    n = x_all.shape[0] - a.validation
    x, y = x_all[:n], y_all[:n]
    xv, yv = x_all[n:], y_all[n:].numpy()
    spe = math.ceil(n / BATCH)
    bn_batches = [x[s:s + BATCH] for s in range(0, n, BATCH)]

    done = resumable_csv(a.out, HEADER, "an uncertainty", slice(1, 4))
    print(f"Uncertainty (PyTorch {torch.__version__}) on {a.data}: {n} train / {a.validation} validation / "
          f"{xt.shape[0]} test, {a.threads} threads, writing {a.out}", flush=True)

    if a.work:
        os.makedirs(a.work, exist_ok=True)
    recipe = {"lr": LR, "swa_lr": SWA_LR, "fge_ratio": FGE_RATIO, "batch": BATCH, "train": n, "validation": a.validation,
              "max_rank": MAX_RANK, "samples": SAMPLES, "scale": SCALE, "runs": RUNS, "torch": torch.__version__}

    def unit_path(name, seed, epochs, unit):
        return os.path.join(a.work, f"{name}-{seed}-{epochs}-{unit}.pt") if a.work else None

    def checkpoint(name, seed, epochs, unit, extra=None):
        """The RunCheckpoint of one unit of work of a (network, seed, budget), in --work (none without it)."""
        return RunCheckpoint(unit_path(name, seed, epochs, unit), dict(recipe, network=name, seed=seed, epochs=epochs, unit=unit), extra)

    def discard(name, seed, epochs, unit):
        path = unit_path(name, seed, epochs, unit)
        if path and os.path.exists(path):
            os.remove(path)

    def scored(models):
        """The summed softmax probabilities of models on the test and the validation images, in order."""
        return (sum(probabilities(m, xt) for m in models), sum(probabilities(m, xv) for m in models))

    trajectories = {}

    def swa_trajectory(name, seed, epochs, s0):
        """SWA's run once per (network, seed, epochs): the compressed baseline, then swa_lr, collecting
        at w-hat and every epoch end into swa_utils' average and the SWAG moments. SWA, SWAG-Diagonal
        and SWAG follow the same trajectory (same seed, schedule and collection points), so one run
        feeds all three; it is kept in memory for the methods of the same seed and, with --work, in
        its checkpoint (resumed after a kill). Returns (final model, AveragedModel, Swag, seconds of
        the run); SWAG's sampling works on a copy of the final model."""
        key = (name, seed, epochs)
        if key not in trajectories:
            trajectories.clear()
            ckpt = checkpoint(name, seed, epochs, "trajectory", {})
            holder = ckpt.extra
            first = baseline(LR, s0, SWA_LR / LR)
            torch.manual_seed(seed)
            model = network(name)

            averaged = []  # the AveragedModel, made at the first collection or from the checkpoint's state

            def average():
                if not averaged:
                    averaged.append(swa_utils.AveragedModel(model))
                    if "avg" in holder:
                        averaged[0].load_state_dict(holder["avg"])
                return averaged[0]

            def on_step(k):
                if k >= s0 and (k - s0) % spe == 0:
                    avg = average()
                    avg.update_parameters(model)
                    holder["avg"] = avg.state_dict()  # AveragedModel itself does not pickle
                    if "swag" not in holder:
                        holder["swag"] = Swag(model, MAX_RANK)
                    holder["swag"].collect(model)
            train(model, x, y, epochs, lambda i: first(i) if i <= s0 else SWA_LR, seed, BATCH, on_step, checkpoint=ckpt)
            trajectories[key] = (model, average(), holder["swag"], ckpt.seconds)
        return trajectories[key]

    def swag_probabilities(name, seed, epochs, s0, samples, low_rank, unit, sums):
        """samples SWAG samples on the trajectory of (name, seed), each with its BatchNorm statistics
        refreshed, their softmax probabilities on the test and validation images added to sums (the
        running sums of earlier members, or None) in order; with --work a checkpoint after every
        sample. Returns (sums, seconds: the trajectory's and the samples' drawing and refreshing)."""
        final, _, swag, trained = swa_trajectory(name, seed, epochs, s0)
        ckpt = checkpoint(name, seed, epochs, unit, {"sums": sums, "drawn": 0})
        gen = torch.Generator().manual_seed(seed)
        state = ckpt.load()
        if state is not None:
            gen.set_state(state["generator"])
        model = copy.deepcopy(final)
        while ckpt.extra["drawn"] < samples:
            t0 = time.perf_counter()
            swag.sample(model, gen, low_rank)
            swa_utils.update_bn(bn_batches, model)
            ckpt.seconds += time.perf_counter() - t0
            p, before = scored([model]), ckpt.extra["sums"]
            ckpt.extra["sums"] = p if before is None else (before[0] + p[0], before[1] + p[1])
            ckpt.extra["drawn"] += 1
            ckpt.save({"generator": gen.get_state()})
        return ckpt.extra["sums"], trained + ckpt.seconds

    def multiswag_seeds(seed):
        """The seeds of MultiSWAG's runs."""
        return [seed * 1000 + r for r in range(RUNS)]

    def method_row(method, name, seed, epochs):
        """(summed test and validation probabilities, members, seconds to make the members)."""
        s0 = int(math.floor(0.75 * epochs + 0.5)) * spe  # Java's Math.round
        if method == "SGD":
            ckpt = checkpoint(name, seed, epochs, "sgd")
            torch.manual_seed(seed)
            model = network(name)
            train(model, x, y, epochs, baseline(LR, epochs * spe), seed, BATCH, checkpoint=ckpt)
            return scored([model]), 1, ckpt.seconds
        if method == "SWA":
            _, averaged, _, trained = swa_trajectory(name, seed, epochs, s0)
            t0 = time.perf_counter()
            avg = copy.deepcopy(averaged.module)
            swa_utils.update_bn(bn_batches, avg)
            return scored([avg]), 1, trained + time.perf_counter() - t0
        if method == "FGE":
            cycle = max(2, round(spe * 0.5 / 2) * 2)
            first = baseline(LR, s0, SWA_LR / LR)
            tri = triangular(SWA_LR, SWA_LR * FGE_RATIO, cycle)
            ckpt = checkpoint(name, seed, epochs, "fge", {"members": []})
            torch.manual_seed(seed)
            model = network(name)

            def on_step(k):
                if k > s0 and (k - s0) % cycle == cycle // 2:
                    ckpt.extra["members"].append(copy.deepcopy(model))
            train(model, x, y, epochs, lambda i: first(i) if i <= s0 else tri(i - s0), seed, BATCH, on_step, checkpoint=ckpt)
            return scored(ckpt.extra["members"]), len(ckpt.extra["members"]), ckpt.seconds
        if method in ("SWAG-Diagonal", "SWAG"):
            sums, seconds = swag_probabilities(name, seed, epochs, s0, SAMPLES, method == "SWAG", method.lower() + "-samples", None)
            return sums, SAMPLES, seconds
        # MultiSWAG: RUNS runs with their own seeds, one mixture of SAMPLES // RUNS samples of each
        sums, seconds = None, 0.0
        for run_seed in multiswag_seeds(seed):
            sums, s = swag_probabilities(name, run_seed, epochs, s0, SAMPLES // RUNS, True, "multiswag-samples", sums)
            seconds += s
        return sums, SAMPLES // RUNS * RUNS, seconds

    def finished(method, name, seed, epochs):
        """Removes the checkpoints that no row still to come needs."""
        own = {"SGD": "sgd", "FGE": "fge", "SWAG-Diagonal": "swag-diagonal-samples", "SWAG": "swag-samples"}
        if method in own:
            discard(name, seed, epochs, own[method])
        if method == "MultiSWAG":
            for run_seed in multiswag_seeds(seed):
                discard(name, run_seed, epochs, "trajectory")
                discard(name, run_seed, epochs, "multiswag-samples")
        elif method in ("SWA", "SWAG-Diagonal", "SWAG") and all((name, str(seed), m) in done for m in ("SWA", "SWAG-Diagonal", "SWAG")):
            discard(name, seed, epochs, "trajectory")

    for spec in a.networks.split(","):
        name, epochs = spec.split(":")
        epochs = int(epochs)
        for seed in (int(s) for s in a.seeds.split(",")):
            for method in methods:
                if (name, str(seed), method) in done:
                    finished(method, name, seed, epochs)  # a kill between the row and its clean-up leaves checkpoints
                    continue
                (p_test, p_val), count, wall = method_row(method, name, seed, epochs)
                p_test = (p_test / count).double().numpy()
                p_val = (p_val / count).double().numpy()
                acc, nll, brier, ece, mce = calibration(p_test, yt)
                t = fit_temperature(p_val, yv)
                _, ts_nll, ts_brier, ts_ece, _ = calibration(scaled(p_test, t), yt)
                row = (f"pytorch,{name},{seed},{method},{epochs},{acc:.4f},{nll:.4f},{brier:.4f},{ece:.4f},{mce:.4f},"
                       f"{t:.4f},{ts_nll:.4f},{ts_brier:.4f},{ts_ece:.4f},{count},{wall:.1f}")
                append_row(a.out, row)
                # the bytes of the probabilities (scripts/reliability/harness-resume.sh compares resumed runs by them)
                print(f"# {name} {seed} {method} probabilities sha256 {hashlib.sha256(p_test.tobytes()).hexdigest()[:16]}", flush=True)
                done.add((name, str(seed), method))
                finished(method, name, seed, epochs)


if __name__ == "__main__":
    main()
