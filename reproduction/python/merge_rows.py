#!/usr/bin/env python3
"""Merges the CSVs of one harness run split over several processes (one `--out` file each, e.g.
`AveragingMethods --methods SGD,COSINE` on one core and `--methods EMA,LAWA` on the other) into
one: the same header is required, a row that several inputs hold is kept once, and the rows are
ordered by seed (column 3, as a number), then by the order of column 4's values given with
`--order` (the harness's method order, or the soups' sources FGE,RUNS; values not listed go last,
in the order met), then by the inputs' order. The output is replaced only by a complete new file.

    python3 reproduction/python/merge_rows.py OUT IN [IN ...] [--order SGD,COSINE,WSD,SWA,EMA,LAWA,SCHEDULE-FREE]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic import write  # noqa: E402


def merge(inputs, order):
    header, rows, seen = None, [], set()
    for path in inputs:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        if not lines:
            raise SystemExit(f"merge_rows.py: {path} is empty; allowed: a CSV with a header")
        if header is None:
            header = lines[0]
        elif lines[0] != header:
            raise SystemExit(f"merge_rows.py: {path}'s header differs from {inputs[0]}'s; allowed: CSVs of one harness")
        for line in lines[1:]:
            if line and line not in seen:
                seen.add(line)
                rows.append(line)
    rank = {v: i for i, v in enumerate(order)}

    def key(indexed):
        i, line = indexed
        c = line.split(",")
        return (int(c[2]), rank.get(c[3], len(rank)), i)

    return [header] + [line for _, line in sorted(enumerate(rows), key=key)]


def main(argv):
    p = argparse.ArgumentParser(description="Merges a harness's CSVs written by several processes.")
    p.add_argument("out")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--order", default="", help="column 4's values in the harness's order, comma-separated")
    a = p.parse_args(argv)
    lines = merge(a.inputs, [v for v in a.order.split(",") if v])
    write(a.out, "\n".join(lines) + "\n")
    print(f"merge_rows.py: {len(lines) - 1} rows into {a.out}")


if __name__ == "__main__":
    main(sys.argv[1:])
