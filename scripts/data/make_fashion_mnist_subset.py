#!/usr/bin/env python3
"""Makes the embedded, class-balanced Fashion-MNIST subset of tribuo-swa.

Reads the real Fashion-MNIST from Debian's `dataset-fashion-mnist` package
(/usr/share/datasets/fashion-mnist/, gzipped IDX files), keeps the first
TRAIN_PER_CLASS training images of each class and the first TEST_PER_CLASS test
images of each class, in their original order, and writes them as gzipped IDX
files with a fixed gzip header (mtime 0), so the output is byte-for-byte
reproducible:

    python3 scripts/data/make_fashion_mnist_subset.py [SOURCE_DIR] [OUTPUT_DIR]

Standard library only.
"""
import gzip
import hashlib
import os
import struct
import sys

TRAIN_PER_CLASS = 600
TEST_PER_CLASS = 100
CLASSES = 10


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero1, zero2, dtype, ndim = struct.unpack(">BBBB", data[:4])
    if zero1 != 0 or zero2 != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def write_idx(path, dims, payload):
    header = struct.pack(">BBBB", 0, 0, 0x08, len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw:
        # mtime=0 and no file name in the header: deterministic bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
            f.write(header + payload)


def subset(src_dir, out_dir, prefix, per_class):
    img_dims, images = read_idx(os.path.join(src_dir, f"{prefix}-images-idx3-ubyte.gz"))
    lab_dims, labels = read_idx(os.path.join(src_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    n, rows, cols = img_dims
    if lab_dims[0] != n:
        raise ValueError("image and label counts differ")
    size = rows * cols
    counts = [0] * CLASSES
    keep = []
    for i in range(n):
        label = labels[i]
        if counts[label] < per_class:
            counts[label] += 1
            keep.append(i)
    if any(c != per_class for c in counts):
        raise ValueError(f"not enough images per class: {counts}")
    out_images = b"".join(images[i * size:(i + 1) * size] for i in keep)
    out_labels = bytes(labels[i] for i in keep)
    write_idx(os.path.join(out_dir, f"{prefix}-images-idx3-ubyte.gz"), (len(keep), rows, cols), out_images)
    write_idx(os.path.join(out_dir, f"{prefix}-labels-idx1-ubyte.gz"), (len(keep),), out_labels)
    return len(keep)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "plugin", "src", "main", "resources",
        "io", "github", "tribuoswa", "data", "fashion-mnist-subset")
    os.makedirs(out, exist_ok=True)
    n_train = subset(src, out, "train", TRAIN_PER_CLASS)
    n_test = subset(src, out, "t10k", TEST_PER_CLASS)
    print(f"wrote {n_train} train and {n_test} test images to {os.path.normpath(out)}")
    for name in sorted(os.listdir(out)):
        if name.endswith(".gz"):
            with open(os.path.join(out, name), "rb") as f:
                print(hashlib.sha256(f.read()).hexdigest(), name)


if __name__ == "__main__":
    main()
