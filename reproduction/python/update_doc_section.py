#!/usr/bin/env python3
"""Replaces (or appends) the section between `<!-- NAME:start -->` and `<!-- NAME:end -->` of a
Markdown file with the text on standard input, which must include both markers. The harnesses
that write into docs/benchmarks.md and docs/results.md use it (or its `update` function), so
that each keeps its own section and the hand-written text around them stays.

    python3 reproduction/python/update_doc_section.py docs/benchmarks.md NAME < section.md
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atomic import write  # noqa: E402


def update(path, name, section):
    section = section.strip("\n")
    if f"<!-- {name}:start -->" not in section or f"<!-- {name}:end -->" not in section:
        raise SystemExit(f"section {name} must start with <!-- {name}:start --> and end with <!-- {name}:end -->")
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = ("# Benchmarks\n\nEvery figure here comes from a committed harness; each section names its "
                "command, machine and number of runs.\n")
    pattern = re.compile(r"<!-- %s:start -->.*?<!-- %s:end -->" % (re.escape(name), re.escape(name)), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    write(path, text)


def main():
    update(sys.argv[1], sys.argv[2], sys.stdin.read())


if __name__ == "__main__":
    main()
