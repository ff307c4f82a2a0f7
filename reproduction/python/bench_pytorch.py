#!/usr/bin/env python3
"""Training throughput of the same MLP and BatchNorm CNN under PyTorch (Debian's python3-torch),
for the side-by-side benchmark in docs/benchmarks.md. Same data (Fashion-MNIST IDX files,
pixels / 255), same networks, SGD with momentum 0.9 and weight decay 5e-4, batch 128, data
loaded into tensors before timing; each run builds a fresh network and times the epochs alone.

    python3 reproduction/python/bench_pytorch.py [--data DIR] [--networks mlp,cnn,preresnet8] [--epochs 1] [--runs 3] [--warmup 1]
                                                 [--threads 2] [--batch 128] [--device cpu|cuda|cuda:N]

With --device cuda the data and the network live on the GPU and each run ends with
torch.cuda.synchronize() before its time is taken.

Prints `RESULT engine=pytorch network=... samples_per_s=...(median) runs=[...]` per network and
which BLAS library the process loaded.
"""
import argparse
import gzip
import os
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def network(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "preresnet8":
        return PreResNet(depth=8, base_width=16)
    raise ValueError(name)


class PreActBlock(nn.Module):
    """The plugin's pre-activation basic block: out = main(x) + shortcut(x), where main is
    BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 and the shortcut a strided 1x1 conv of x when the
    shape changes, else x (PreResNetFactory)."""

    def __init__(self, in_channels, planes, stride):
        super().__init__()
        self.main = nn.Sequential(
            nn.BatchNorm2d(in_channels), nn.ReLU(), nn.Conv2d(in_channels, planes, 3, stride, 1, bias=False),
            nn.BatchNorm2d(planes), nn.ReLU(), nn.Conv2d(planes, planes, 3, 1, 1, bias=False))
        self.shortcut = (nn.Conv2d(in_channels, planes, 1, stride, 0, bias=False)
                         if stride != 1 or in_channels != planes else nn.Identity())

    def forward(self, x):
        return self.main(x) + self.shortcut(x)


class PreResNet(nn.Module):
    """The plugin's PreResNetFactory with basic blocks (depth 6n + 2): conv3x3, three stages of
    n blocks (widths w, 2w, 4w; stride 2 entering stages 2 and 3), BN-ReLU, global average
    pooling, a linear layer."""

    def __init__(self, depth=8, base_width=16, num_classes=10):
        super().__init__()
        n = (depth - 2) // 6
        layers = [nn.Conv2d(1, base_width, 3, 1, 1, bias=False)]
        channels = base_width
        for stage in range(3):
            planes = base_width << stage
            for b in range(n):
                layers.append(PreActBlock(channels, planes, 2 if stage > 0 and b == 0 else 1))
                channels = planes
        layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, num_classes)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def resumable_csv(path, header, kind, key):
    """The keys of the rows already in a harness's CSV, so that a killed run resumes: each row's
    columns key (a slice) as a tuple of strings. Creates the file with its header if it is
    missing; a file with another first line is refused (SystemExit naming it), not touched."""
    if os.path.exists(path):
        with open(path) as f:
            lines = f.read().splitlines()
        if not lines or lines[0] != header:
            raise SystemExit(f"out = {path} is not {kind} CSV (first line must be {header}); move it away")
        return {tuple(line.split(",")[key]) for line in lines[1:]}
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(header + "\n")
    return set()


def append_row(path, row):
    """Appends one row to a harness's CSV and prints it."""
    with open(path, "a") as f:
        f.write(row + "\n")
    print(row, flush=True)


def batch_bounds(n, batch):
    """An epoch's batches as the plugin forms them (TrainingLoop.stepsPerEpoch): ceil(n / batch)
    of them, except that a last batch of one example joins the one before (BatchNorm cannot
    train on one example)."""
    starts = list(range(0, n, batch))
    if len(starts) > 1 and n % batch == 1:
        starts.pop()
    return [(s, starts[i + 1] if i + 1 < len(starts) else n) for i, s in enumerate(starts)]


class RunCheckpoint:
    """Where a long harness keeps one unit of work (a training run, a set of samples) so that a
    run killed part-way resumes there instead of from the start. path None: nothing is written
    and load() finds nothing. A file is replaced only by a complete new one (written to a
    temporary file, synced, renamed); a file that cannot be read or that another configuration
    wrote (its meta differs) is refused (SystemExit naming it) and left as it is. extra: a dict of
    the unit's own state (an average, snapshots), saved with every checkpoint and updated in
    place by load(). seconds: the compute time the saved state cost, over every attempt (the
    caller adds to it before each save; work redone after a kill is counted once)."""

    def __init__(self, path, meta, extra=None):
        self.path, self.meta = path, meta
        self.extra = {} if extra is None else extra
        self.seconds = 0.0

    def load(self):
        """The saved state (a dict), or None if there is none."""
        if self.path is None or not os.path.exists(self.path):
            return None
        try:
            state = torch.load(self.path)
        except Exception as e:  # noqa: BLE001 (any unreadable file is refused alike)
            raise SystemExit(f"checkpoint {self.path} cannot be read ({e}); it was left untouched: delete it")
        if not isinstance(state, dict) or state.get("meta") != self.meta:
            found = state.get("meta") if isinstance(state, dict) else type(state).__name__
            raise SystemExit(f"checkpoint {self.path} is from another run ({found}; this run: {self.meta}); it was left "
                             "untouched: delete it or use another --work")
        self.extra.update(state["extra"])
        self.seconds = state["seconds"]
        print(f"# resuming from {self.path}", flush=True)
        return state

    def save(self, state):
        """Saves state (a dict) with the meta, extra and seconds."""
        if self.path is None:
            return
        tmp = self.path + ".tmp"
        with open(tmp, "wb") as f:
            torch.save(dict(state, meta=self.meta, extra=self.extra, seconds=self.seconds), f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def train(model, x, y, epochs, rate, seed, batch=128, on_step=None, on_epoch=None, loss=F.cross_entropy, checkpoint=None, order=None):
    """The one PyTorch training loop of the scripts: SGD with momentum 0.9 and weight decay
    5e-4, rate(i) set before step i (i from 1), a seeded shuffle per epoch (or order(e), the
    rows of epoch e in order, when given), the batches of batch_bounds; on_step(k) after step k,
    on_epoch(e) after epoch e; loss(outputs, targets) (cross-entropy unless told). checkpoint
    (a RunCheckpoint): the run starts from its saved state if there is one (weights, momentum,
    the shuffle's and torch's random states, the step, its extra state), saves after every
    epoch, and adds each epoch's time to its seconds; a resumed run ends with the weights of an
    uninterrupted one, bit for bit."""
    opt = torch.optim.SGD(model.parameters(), lr=rate(1), momentum=0.9, weight_decay=5e-4)
    gen = torch.Generator().manual_seed(seed)
    n = x.shape[0]
    device = next(model.parameters()).device
    k, first = 0, 1
    state = checkpoint.load() if checkpoint is not None else None
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimiser"])
        gen.set_state(state["shuffle"])
        torch.set_rng_state(state["torch"])
        k, first = state["step"], state["epoch"] + 1
    for e in range(first, epochs + 1):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n, generator=gen) if order is None else order(e)
        for s, t in batch_bounds(n, batch):
            idx = perm[s:t].to(device)
            k += 1
            for g in opt.param_groups:
                g["lr"] = rate(k)
            opt.zero_grad()
            loss(model(x[idx]), y[idx]).backward()
            opt.step()
            if on_step:
                on_step(k)
        if on_epoch:
            on_epoch(e)
        if checkpoint is not None:
            checkpoint.seconds += time.perf_counter() - t0
            checkpoint.save({"model": model.state_dict(), "optimiser": opt.state_dict(), "shuffle": gen.get_state(),
                             "torch": torch.get_rng_state(), "step": k, "epoch": e})


def blas_libraries():
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()}
    return sorted(l for l in libs if l.startswith("/"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--networks", default="mlp,cnn")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--warmup", type=int, default=1, help="runs per network before the counted ones")
    p.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit(f"--device {a.device}: this PyTorch ({torch.__version__}) sees no CUDA GPU; allowed here: cpu")
    device = torch.device(a.device)
    x = torch.from_numpy(read_idx(f"{a.data}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(read_idx(f"{a.data}/train-labels-idx1-ubyte.gz").astype(np.int64))
    x, y = x.to(device), y.to(device)
    n = x.shape[0]
    print(f"data: {a.data}, {n} training images; threads {a.threads}, batch {a.batch}, {a.epochs} epoch(s) per run, "
          f"{a.runs} runs; torch {torch.__version__}; device {device}")
    for name in a.networks.split(","):
        rates = []
        for r in range(-a.warmup, a.runs):
            torch.manual_seed(r + a.warmup)
            model = network(name).to(device)
            start = time.perf_counter()
            train(model, x, y, a.epochs, lambda i: 0.05, r + a.warmup, a.batch)
            if device.type == "cuda":
                torch.cuda.synchronize()
            seconds = time.perf_counter() - start
            if r >= 0:
                rates.append(a.epochs * n / seconds)
        print(f"RESULT engine=pytorch network={name} device={device.type} samples_per_s={statistics.median(rates):.0f} "
              f"runs={[round(v) for v in rates]}")
    print("BLAS libraries loaded:", ", ".join(blas_libraries()) or "none found in /proc/self/maps")


if __name__ == "__main__":
    main()
