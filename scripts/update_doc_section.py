#!/usr/bin/env python3
"""Replaces (or appends) the section between `<!-- NAME:start -->` and `<!-- NAME:end -->` of a
Markdown file with the text on standard input, which must include both markers.

    python3 scripts/update_doc_section.py docs/benchmarks.md NAME < section.md
"""
import re
import sys


def main():
    path, name = sys.argv[1], sys.argv[2]
    section = sys.stdin.read().strip("\n")
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
    open(path, "w").write(text)


if __name__ == "__main__":
    main()
