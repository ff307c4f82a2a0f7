#!/usr/bin/env python3
"""The numbers behind the SWA paper's geometry claims on this data, from the landscape scans that
scripts/reproduce/landscape-figures.sh writes (docs/landscape/rays.csv and segment.csv), into the
`geometry-claims` section of docs/results.md:

- Width: along each random unit direction d from w_SWA and from w_SGD, the distance t at which the
  train error first exceeds its value at t = 0 by 5 points (linear interpolation between the
  scanned distances); mean, min and max over the directions.
- Shift: along the segment w(t) = t*w_SGD + (1 - t)*w_SWA, where the train loss and the test error
  are lowest, and the train loss / test error at w_SWA (t = 0) and w_SGD (t = 1).

    python3 reproduction/python/geometry_claims.py [--rays docs/landscape/rays.csv]
        [--segment docs/landscape/segment.csv] [--rise 0.05] [--out docs/results.md]
"""
import argparse
import csv
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from update_doc_section import update  # noqa: E402


def crossing(points, rise):
    """The first distance where error - error(0) reaches rise, interpolated; None if never."""
    points = sorted(points)
    base = points[0][1]
    for (d0, e0), (d1, e1) in zip(points, points[1:]):
        if e1 - base >= rise:
            return d0 + (d1 - d0) * (base + rise - e0) / (e1 - e0) if e1 != e0 else d1
    return None


def width(rays, start, rise):
    by_dir = defaultdict(list)
    for r in rays:
        if r["start"] == start:
            by_dir[r["direction"]].append((float(r["distance"]), float(r["train_error"])))
    found = [crossing(p, rise) for p in by_dir.values()]
    reached = [d for d in found if d is not None]
    max_distance = max(float(r["distance"]) for r in rays)
    return reached, len(found), max_distance


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rays", default="docs/landscape/rays.csv")
    p.add_argument("--segment", default="docs/landscape/segment.csv")
    p.add_argument("--rise", type=float, default=0.05)
    p.add_argument("--out", default="docs/results.md")
    a = p.parse_args()
    with open(a.rays) as f:
        rays = list(csv.DictReader(f))
    with open(a.segment) as f:
        seg = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    out = ["<!-- geometry-claims:start -->", "## Geometry claims: width and shift",
           "", "<!-- written by reproduction/python/geometry_claims.py from docs/landscape/*.csv; do not edit by hand -->", "",
           f"From the scans of `scripts/reproduce/landscape-figures.sh` (MLP 784-256-10, 20 epochs, full Fashion-MNIST; "
           "errors on 10,000 training and 10,000 test images; see [landscape.md](landscape.md)). "
           f"Command: `python3 reproduction/python/geometry_claims.py`.", "",
           f"**Width.** Distance along random unit directions at which the train error rises by "
           f"{a.rise * 100:.0f} points above its value at the start:", "",
           "| start | directions | reached within the scan | mean distance | min | max |", "|---|---|---|---|---|---|"]
    for start in ("SWA", "SGD"):
        reached, total, max_d = width(rays, start, a.rise)
        if reached:
            out.append(f"| w_{start} | {total} | {len(reached)} (scan to {max_d:g}) | {statistics.mean(reached):.1f} | "
                       f"{min(reached):.1f} | {max(reached):.1f} |")
        else:
            out.append(f"| w_{start} | {total} | 0 (scan to {max_d:g}) | – | – | – |")
    t_loss = min(seg, key=lambda r: r["train_loss"])
    t_err = min(seg, key=lambda r: r["test_error"])

    def at(t):
        return min(seg, key=lambda r: abs(r["t"] - t))
    swa, sgd = at(0.0), at(1.0)
    out += ["", "**Shift.** Along w(t) = t·w_SGD + (1 − t)·w_SWA "
            f"(t from {seg[0]['t']:g} to {seg[-1]['t']:g}, {len(seg)} points):", "",
            "| point | t | train loss | train error (%) | test error (%) |", "|---|---|---|---|---|",
            f"| w_SWA | 0 | {swa['train_loss']:.4f} | {swa['train_error'] * 100:.2f} | {swa['test_error'] * 100:.2f} |",
            f"| w_SGD | 1 | {sgd['train_loss']:.4f} | {sgd['train_error'] * 100:.2f} | {sgd['test_error'] * 100:.2f} |",
            f"| lowest train loss | {t_loss['t']:g} | {t_loss['train_loss']:.4f} | {t_loss['train_error'] * 100:.2f} | "
            f"{t_loss['test_error'] * 100:.2f} |",
            f"| lowest test error | {t_err['t']:g} | {t_err['train_loss']:.4f} | {t_err['train_error'] * 100:.2f} | "
            f"{t_err['test_error'] * 100:.2f} |",
            "", f"The train-loss minimum and the test-error minimum lie {abs(t_err['t'] - t_loss['t']):g} apart in t "
            f"(‖w_SGD − w_SWA‖ is one unit of t).", "<!-- geometry-claims:end -->"]
    update(a.out, "geometry-claims", "\n".join(out))
    print("\n".join(out))


if __name__ == "__main__":
    main()
