"""Tiny MNIST-shaped IDX files for the tests: nothing is ever downloaded from the internet.

`write_folder` writes the four files MNIST and Fashion-MNIST are read from (gzipped, as their
servers serve them); `file_table` describes them as nnplay's download table does, with their
SHA-256 sums, for a local HTTP server to serve; `digits_stand_in` makes a larger, learnable
stand-in from scikit-learn's real 8×8 digits scaled up to 28×28.
"""

import gzip
import hashlib
import json

import numpy as np

NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte")


def idx_bytes(A):
    """IDX encoding of a uint8 array: 0, 0, 8 (unsigned byte), ndim, big-endian sizes, data."""
    A = np.asarray(A, np.uint8)
    header = bytes([0, 0, 8, A.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in A.shape)
    return header + A.tobytes()


def tiny_arrays(n_train=50, n_test=20, seed=0):
    """Random images with every one of the ten labels among the training and the test ones."""
    rng = np.random.default_rng(seed)
    labels = [np.resize(np.arange(10), n) for n in (n_train, n_test)]
    for lb in labels:
        rng.shuffle(lb)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), labels[0].astype(np.uint8),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), labels[1].astype(np.uint8))


def gz_files(arrays):
    """{file name: gzipped bytes} of the four files (mtime 0: the same bytes every time)."""
    return {name + ".gz": gzip.compress(idx_bytes(A), mtime=0) for name, A in zip(NAMES, arrays)}


def write_folder(folder, arrays=None, gz=True):
    """The four files in `folder` (created); the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays = tiny_arrays() if arrays is None else arrays
    if gz:
        for name, raw in gz_files(arrays).items():
            (folder / name).write_bytes(raw)
    else:
        for name, A in zip(NAMES, arrays):
            (folder / name).write_bytes(idx_bytes(A))
    return folder


def file_table(files, base_url, datasets=("mnist",)):
    """A download table (nnplay --download-table) for `files` ({name: bytes}) served at
    base_url: each file's URL, size and SHA-256."""
    entry = {"source": base_url, "files": [
        {"name": name, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest(),
         "urls": [base_url + name]} for name, raw in files.items()]}
    return {name: entry for name in datasets}


def write_table(path, files, base_url, datasets=("mnist",)):
    path.write_text(json.dumps(file_table(files, base_url, datasets)))
    return path


def digits_stand_in(n_train=6000, seed=0):
    """A learnable MNIST stand-in from real handwriting: scikit-learn's 1,797 8×8 digits, each
    scaled up 3× to 24×24 and placed in a 28×28 frame; a seeded 500 of them are the test
    images, and the other 1,297, repeated with random shifts of up to one pixel, make the
    n_train training images. Returns the four arrays."""
    from sklearn.datasets import load_digits  # the test extra has scikit-learn

    digits = load_digits()
    big = np.kron(digits.images / 16.0, np.ones((3, 3)))  # (1797, 24, 24) in [0, 1]
    frames = np.zeros((len(big), 28, 28))
    frames[:, 2:26, 2:26] = big
    images = np.round(frames * 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(images))
    train, test = order[:-500], order[-500:]
    pick = rng.choice(train, n_train)
    shifted = np.stack([np.roll(images[i], tuple(rng.integers(-1, 2, 2)), axis=(0, 1))
                        for i in pick])
    return shifted, labels[pick], images[test], labels[test]
