#!/usr/bin/env python3
"""The cross-validation folds of io.github.tribuoswa.data.Folds, in Python (no torch needed): row i
gets the key splitmix64(seed * 0x9E3779B97F4A7C15 + i) mod 2^64, rows are sorted by key (unsigned,
ties by index) and the row at rank r goes to fold r mod k.

    python3 reproduction/python/folds.py N K SEED     prints the fold of each row, comma-separated
"""
import sys

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def splitmix64(z):
    z = (z + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def folds(n, k, seed):
    if k < 2 or n < k:
        raise ValueError(f"k = {k} folds of n = {n} rows is out of range; allowed: 2 <= k <= n")
    keys = [splitmix64((seed * GOLDEN + i) & MASK) for i in range(n)]
    order = sorted(range(n), key=lambda i: (keys[i], i))
    fold = [0] * n
    for r, i in enumerate(order):
        fold[i] = r % k
    return fold


if __name__ == "__main__":
    print(",".join(map(str, folds(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])))))
