#!/usr/bin/env python3
"""Issue 18's engine check, PyTorch side: trains, in PyTorch, the run that
io.github.tribuoswa.reproduction.EngineAgreement trained with the plugin, from the same initial
weights and with the same batches in the same order, and compares the two step by step.

Reads DIR (EngineAgreement's --out): run.tsv (the recipe and the SHA-256 of the IDX files; the
files under --data must match, else nothing is read), parameters.tsv and initial.f32 (the
plugin's parameters before the first step), outputs.tsv (the label of each of its output rows),
batches.i32 (every step's training rows) and steps-djl.csv (each step's batch size and loss).
Trains Uncertainty's SGD recipe (bench_pytorch.train: momentum 0.9, weight decay 5e-4, the
papers' baseline schedule over the run) and writes steps-pytorch.csv and epochs-pytorch.csv
(the same columns as the plugin's files) and checks-pytorch.tsv: the largest difference of a
parameter after the first step, the largest relative difference of the step losses over the
first 1, 10, 100 and all steps, and the plugin's final weights scored by PyTorch
(io.github.tribuoswa.reproduction.EngineAgreementReport turns them into results.md's section).

--init torch (torch.nn's own draw after torch.manual_seed(seed), as uncertainty_pytorch.py) and
--order torch (its seeded randperm per epoch, as bench_pytorch.train) change one source of
randomness at a time; such a run writes only epochs-pytorch-init-INIT-order-ORDER.csv. With both,
it is uncertainty_pytorch.py's SGD run of the same seed.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 reproduction/python/engine_agreement.py DIR
        [--data /usr/share/datasets/fashion-mnist] [--threads 1] [--init plugin|torch] [--order plugin|torch]
"""
import argparse
import hashlib
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic import write  # noqa: E402
from bench_pytorch import batch_bounds, network, read_idx, train  # noqa: E402
from table1_pytorch import baseline, probabilities  # noqa: E402
from uncertainty_pytorch import calibration  # noqa: E402

STEPS_HEADER = "step,rows,loss"
EPOCHS_HEADER = "epoch,test_accuracy,test_nll,test_ece"


def read_tsv(path):
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_steps(path):
    with open(path) as f:
        lines = f.read().splitlines()
    if not lines or lines[0] != STEPS_HEADER:
        raise SystemExit(f"{path} is not a steps file (its first line must be {STEPS_HEADER})")
    return [(int(r), float(v)) for _, r, v in (line.split(",") for line in lines[1:])]


def plugin_weights(model, directory, file, labels):
    """The plugin's parameters in file (initial.f32, after-step-1.f32, final.f32) as a state_dict of
    model: DJL's parameters and torch's state_dict (without num_batches_tracked) in the same order
    and shapes; the output layer's rows put in class order (labels[i]: the class of the plugin's
    output row i)."""
    params = read_tsv(os.path.join(directory, "parameters.tsv"))
    values = np.fromfile(os.path.join(directory, file), dtype="<f4")
    keys = [k for k in model.state_dict() if not k.endswith("num_batches_tracked")]
    if len(keys) != len(params) or values.size != sum(int(p[2]) for p in params):
        raise SystemExit(f"{directory}: {len(params)} parameters of {values.size} values; this network has {len(keys)}: "
                         "another network wrote it")
    state, offset, out = model.state_dict(), 0, {}
    rows = torch.from_numpy(np.argsort(labels))  # torch row c = the plugin's row whose class is c
    for key, (name, shape, size) in zip(keys, params):
        size = int(size)
        if tuple(int(d) for d in shape.strip("()").split(",") if d.strip()) != tuple(state[key].shape):
            raise SystemExit(f"{directory}: parameter {name} has shape {shape}, torch's {key} {tuple(state[key].shape)}")
        v = torch.from_numpy(values[offset:offset + size].copy()).reshape(state[key].shape)
        out[key] = v[rows] if key in keys[-2:] else v  # the output layer's weight and bias
        offset += size
    return out


def largest_difference(model, expected):
    """(largest |difference| over every value, its parameter) between model's state and expected."""
    state = model.state_dict()
    return max((float((state[k].float() - v).abs().max()), k) for k, v in expected.items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--init", choices=("plugin", "torch"), default="plugin")
    ap.add_argument("--order", choices=("plugin", "torch"), default="plugin")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    run = dict(read_tsv(os.path.join(a.dir, "run.tsv")))
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        found = sha256(os.path.join(a.data, name))
        if found != run[name]:
            raise SystemExit(f"--data {a.data}: {name} has SHA-256 {found}, the plugin's run read {run[name]}; "
                             "allowed: the directory of the files it read")
    epochs, validation, batch, lr = int(run["epochs"]), int(run["validation"]), int(run["batch"]), float(run["lr"])
    x_all = torch.from_numpy(read_idx(f"{a.data}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    y_all = torch.from_numpy(read_idx(f"{a.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    xt = torch.from_numpy(read_idx(f"{a.data}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    yt = read_idx(f"{a.data}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    n = x_all.shape[0] - validation
    x, y = x_all[:n], y_all[:n]
    spe = len(batch_bounds(n, batch))

    labels = [int(label) for _, label in read_tsv(os.path.join(a.dir, "outputs.tsv"))]
    seed = int(run["seed"])
    same_start = a.init == "plugin" and a.order == "plugin"
    if a.init == "torch":  # torch.nn's own draw, as uncertainty_pytorch.py makes it
        torch.manual_seed(seed)
        model = network(run["network"])
    else:
        model = network(run["network"])
        # the trainable parameters; the running statistics stay torch's 0 and 1 (in initial.f32 they are those after
        # the first forward pass; after-step-1.f32 shows whether the plugin's started at 0 and 1 too)
        initial = plugin_weights(model, a.dir, "initial.f32", labels)
        model.load_state_dict({k: v for k, v in initial.items() if "running_" not in k}, strict=False)
    after_first = plugin_weights(model, a.dir, "after-step-1.f32", labels) if same_start else None
    djl = read_steps(os.path.join(a.dir, "steps-djl.csv"))
    rows = torch.from_numpy(np.fromfile(os.path.join(a.dir, "batches.i32"), dtype="<i4").astype(np.int64))
    if len(djl) != epochs * spe or rows.numel() != epochs * n or [r for r, _ in djl[:spe]] != [t - s for s, t in batch_bounds(n, batch)]:
        raise SystemExit(f"{a.dir}: {len(djl)} steps of {rows.numel()} rows; this recipe has {epochs} x {spe} steps of {n} rows")

    losses, epoch_rows = [], []

    def recorded(outputs, targets):
        value = F.cross_entropy(outputs, targets)
        losses.append((targets.shape[0], value.item()))
        return value

    def on_epoch(e):
        acc, nll, _, ece, _ = calibration(probabilities(model, xt).double().numpy(), yt)
        epoch_rows.append(f"{e},{acc:.4f},{nll:.4f},{ece:.4f}")
        print(f"epoch {e}: pytorch {epoch_rows[-1]}", flush=True)
        model.train()

    checks = {}

    def on_step(k):
        if k == 1 and same_start:
            checks["after_step_1_largest_difference"], checks["after_step_1_parameter"] = largest_difference(model, after_first)

    train(model, x, y, epochs, baseline(lr, epochs * spe), seed, batch, on_step=on_step, on_epoch=on_epoch, loss=recorded,
          order=(lambda e: rows[(e - 1) * n:e * n]) if a.order == "plugin" else None)
    if not same_start:  # another start: only its epochs (the steps are not the plugin's to compare)
        write(os.path.join(a.dir, f"epochs-pytorch-init-{a.init}-order-{a.order}.csv"),
              EPOCHS_HEADER + "\n" + "".join(r + "\n" for r in epoch_rows))
        return
    # the plugin's final weights scored by PyTorch: the same evaluation, or not
    final = network(run["network"])
    final.load_state_dict(plugin_weights(final, a.dir, "final.f32", labels), strict=False)
    acc, nll, _, ece, _ = calibration(probabilities(final, xt).double().numpy(), yt)
    checks["plugin_final_scored_by_pytorch"] = f"{acc:.4f},{nll:.4f},{ece:.4f}"
    for k in sorted({k for k in (1, 10, 100) if k < len(djl)} | {len(djl)}):
        checks[f"largest_relative_loss_difference_steps_1_{k}"] = "%.2e" % max(
            abs(p[1] - q[1]) / q[1] for p, q in zip(losses[:k], djl[:k]))
    checks["torch"] = torch.__version__
    write(os.path.join(a.dir, "steps-pytorch.csv"), STEPS_HEADER + "\n" + "".join(f"{k},{r},{v:.9g}\n" for k, (r, v) in enumerate(losses, 1)))
    write(os.path.join(a.dir, "epochs-pytorch.csv"), EPOCHS_HEADER + "\n" + "".join(r + "\n" for r in epoch_rows))
    write(os.path.join(a.dir, "checks-pytorch.tsv"), "".join(f"{k}\t{v}\n" for k, v in checks.items()))
    print("".join(f"{k}\t{v}\n" for k, v in checks.items()), end="")


if __name__ == "__main__":
    main()
