"""The one way the Python harnesses and tools write a whole file: all of it or nothing (a
temporary file beside it, synced, renamed over it), so that a kill leaves the old file intact."""
import os


def write(path, text):
    """Writes text to path whole or not at all."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
