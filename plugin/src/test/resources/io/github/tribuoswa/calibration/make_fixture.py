#!/usr/bin/env python3
"""Writes calibration-fixture.txt: 500 seeded probability vectors over 4 classes, their labels,
and NLL, Brier, ECE and MCE (15 and 10 equal-width bins, Guo et al. 2017's B_m = ((m-1)/M, m/M]),
per-bin counts, and the temperature minimising the NLL (scipy's bounded scalar minimiser on
beta = 1/T), computed here with numpy/scipy, independently of the Java code that
CalibrationTest checks against them (to 1e-9).

    python3 make_fixture.py > calibration-fixture.txt
"""
import numpy as np
from scipy.optimize import minimize_scalar

rng = np.random.default_rng(20261201)
n, k = 500, 4
logits = rng.normal(size=(n, k)) * 2.5
labels = np.array([rng.choice(k, p=np.exp(l) / np.exp(l).sum()) if rng.random() < 0.8 else rng.integers(k) for l in logits])
p = np.exp(logits - logits.max(axis=1, keepdims=True))
p /= p.sum(axis=1, keepdims=True)


def nll(q):
    return float(np.mean(-np.log(np.maximum(q[np.arange(n), labels], 1e-12))))


def brier(q):
    onehot = np.eye(k)[labels]
    return float(np.mean(np.sum((q - onehot) ** 2, axis=1)))


def ece_mce(q, bins):
    conf = q.max(axis=1)
    pred = q.argmax(axis=1)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    ece, mce, counts = 0.0, 0.0, []
    for m in range(bins):
        sel = b == m
        counts.append(int(sel.sum()))
        if sel.any():
            gap = abs(np.mean(pred[sel] == labels[sel]) - np.mean(conf[sel]))
            ece += sel.sum() / n * gap
            mce = max(mce, gap)
    return float(ece), float(mce), counts


def scaled(q, t):
    z = np.log(np.maximum(q, 1e-12)) / t
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


res = minimize_scalar(lambda beta: nll(scaled(p, 1 / beta)), bounds=(1e-3, 1e3), method="bounded",
                      options={"xatol": 1e-12, "maxiter": 10000})
t_fit = 1 / res.x
print(f"# n={n} k={k}; rows: label p_0 .. p_{k-1}")
for i in range(n):
    print("row", labels[i], " ".join(repr(float(v)) for v in p[i]))
print("nll", repr(nll(p)))
print("brier", repr(brier(p)))
for bins in (15, 10):
    e, m, c = ece_mce(p, bins)
    print(f"ece{bins}", repr(e))
    print(f"mce{bins}", repr(m))
    print(f"counts{bins}", " ".join(map(str, c)))
print("accuracy", repr(float(np.mean(p.argmax(axis=1) == labels))))
print("nll_t2", repr(nll(scaled(p, 2.0))))
print("temperature", repr(float(t_fit)))
print("nll_fitted", repr(nll(scaled(p, t_fit))))
