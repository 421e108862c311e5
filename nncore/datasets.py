"""Datasets: TensorFlow Playground's 2-D sets and more, tutorial tables, CSV, digits, MNIST
and Fashion-MNIST.

Every loader returns (X, y): X (N, d) float64 inputs, y (N,) labels. Classification labels are
int64 class indices 0..k−1; regression targets are float64 in [−1, 1]. The 2-D sets live in
the square [−6, 6]², as in the Playground, and their label 1 is the Playground's positive class.

The generators follow the Playground's `dataset.ts`; noise goes from 0 to 1 (the Playground's
slider stops at 0.5). All randomness comes from `np.random.default_rng(seed)`.

MNIST and Fashion-MNIST are read from their four IDX files in a folder the caller names
(`read_files(name, folder)`): nncore never downloads anything. Their split is their authors'
(60,000 training images, then 10,000 test images), not a random one.
"""

import functools
import gzip
import hashlib
import importlib.util
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import validation as check
from .records import Data

MAX_SAMPLES = 100_000
MAX_CLASSES = 10
CSV_MAX_ROWS = 10_000
CSV_MAX_COLUMNS = 1025


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    task: str  # "classification" or "regression"
    n_inputs: int  # width of X
    n_classes: int  # default number of classes (0 for regression)
    description: str
    extent: tuple = (-6.0, 6.0)  # the input plane shown for 2-D sets
    fixed_size: bool = False  # a table whose rows are given, not sampled
    variable_classes: bool = False  # n_classes can be chosen
    files: tuple = ()  # read from these files in a folder of its own (IDX, gzipped or not)
    title: str = ""  # its name in a sentence ("MNIST")


def _uniform(rng, lo, hi, n):
    return rng.uniform(lo, hi, n)


def _circle(n, noise, rng, k):
    """Inside radius 2.5 is class 1, the ring from 3.5 to 5 is class 0; noise blurs the label."""
    radius = 5.0
    half = n // 2
    r = np.concatenate([_uniform(rng, 0, radius * 0.5, half),
                        _uniform(rng, radius * 0.7, radius, n - half)])
    angle = _uniform(rng, 0, 2 * math.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    shift = _uniform(rng, -radius, radius, (n, 2)) * noise
    y = (np.hypot(*(X + shift).T) < radius * 0.5).astype(np.int64)
    return X, y


def _xor(n, noise, rng, k):
    """Class 1 where x₁·x₂ ≥ 0; points keep 0.3 away from the axes."""
    X = _uniform(rng, -5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    shift = _uniform(rng, -5, 5, (n, 2)) * noise
    y = ((X + shift).prod(axis=1) >= 0).astype(np.int64)
    return X, y


def _gaussian(n, noise, rng, k):
    """Two Gaussians at (2, 2) (class 1) and (−2, −2) (class 0); noise widens them."""
    std = math.sqrt(0.5 + 7.0 * noise)
    half = n // 2
    centers = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [half, n - half], axis=0)
    X = centers + rng.normal(0.0, std, (n, 2))
    y = np.repeat([1, 0], [half, n - half]).astype(np.int64)
    return X, y


def _spiral(n, noise, rng, k):
    """k interleaved spiral arms of 1.75 turns out to radius 5, one class each."""
    sizes = [n // k + (j < n % k) for j in range(k)]
    X, y = [], []
    for j, m in enumerate(sizes):
        i = np.arange(m) / m
        r = i * 5.0
        t = 1.75 * i * 2 * math.pi + 2 * math.pi * j / k
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)])
                 + _uniform(rng, -1, 1, (m, 2)) * noise)
        # Two arms: the Playground's first arm is its positive class.
        y.append(np.full(m, (1 - j) if k == 2 else j, np.int64))
    return np.concatenate(X), np.concatenate(y)


def _moons(n, noise, rng, k):
    """Two interleaving half circles (scikit-learn's make_moons), scaled to the plane."""
    half = n // 2
    t0, t1 = rng.uniform(0, math.pi, half), rng.uniform(0, math.pi, n - half)
    X = np.concatenate([np.column_stack([np.cos(t0), np.sin(t0)]),
                        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])])
    X = (X - [0.5, 0.25]) * 3.5 + rng.normal(0.0, 1.0, (n, 2)) * (2.0 * noise)
    y = np.repeat([1, 0], [half, n - half]).astype(np.int64)
    return X, y


def _blobs(n, noise, rng, k):
    """k Gaussian blobs evenly spaced on a circle of radius 4, one class each."""
    std = math.sqrt(0.25 + 4.0 * noise)
    y = np.arange(n, dtype=np.int64) % k
    angle = 2 * math.pi * y / k + math.pi / 4
    X = 4.0 * np.column_stack([np.cos(angle), np.sin(angle)]) + rng.normal(0.0, std, (n, 2))
    return X, y


def _plane(n, noise, rng, k):
    """Target (x₁ + x₂)/10 in [−1.2, 1.2], computed at a noisy copy of the point."""
    X = _uniform(rng, -6, 6, (n, 2))
    shift = _uniform(rng, -6, 6, (n, 2)) * noise
    return X, (X + shift).sum(axis=1) / 10.0


GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                      [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def _gaussians(n, noise, rng, k):
    """Six signed bumps; the target is the bump of largest magnitude, 1 − d/2 clamped at 0."""
    X = _uniform(rng, -6, 6, (n, 2))
    P = X + _uniform(rng, -6, 6, (n, 2)) * noise
    d = np.hypot(P[:, None, 0] - GAUSSIANS[:, 0], P[:, None, 1] - GAUSSIANS[:, 1])  # (n, 6)
    bumps = GAUSSIANS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)  # (n, 6)
    return X, bumps[np.arange(n), np.abs(bumps).argmax(axis=1)]


TUTORIAL_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
TUTORIAL_Y = np.array([0, 1, 1, 0], dtype=np.int64)
XOR_TABLE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)


def _tutorial(n, noise, rng, k):
    return TUTORIAL_X.copy(), TUTORIAL_Y.copy()


def _xor_table(n, noise, rng, k):
    return XOR_TABLE_X.copy(), TUTORIAL_Y.copy()


def _digits(n, noise, rng, k):
    return load_digits()


IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")  # MNIST's names, which Fashion-MNIST keeps


_SPECS = [
    (DatasetSpec("circle", "classification", 2, 2, "A disc inside a ring"), _circle),
    (DatasetSpec("xor", "classification", 2, 2, "Opposite quadrants share a class"), _xor),
    (DatasetSpec("gaussian", "classification", 2, 2, "Two Gaussian clusters"), _gaussian),
    (DatasetSpec("spiral", "classification", 2, 2, "Interleaved spiral arms, one per class",
                 variable_classes=True), _spiral),
    (DatasetSpec("moons", "classification", 2, 2, "Two interleaving half moons"), _moons),
    (DatasetSpec("blobs", "classification", 2, 4, "k Gaussian blobs, one per class",
                 variable_classes=True), _blobs),
    (DatasetSpec("plane", "regression", 2, 0, "A tilted plane: y = (x₁ + x₂)/10"), _plane),
    (DatasetSpec("gaussians", "regression", 2, 0, "Six signed Gaussian bumps"), _gaussians),
    (DatasetSpec("tutorial", "classification", 3, 2,
                 "The classic tutorial's 4-row table with 3 inputs", fixed_size=True), _tutorial),
    (DatasetSpec("xor_table", "classification", 2, 2, "The XOR truth table",
                 extent=(-0.5, 1.5), fixed_size=True), _xor_table),
    (DatasetSpec("digits", "classification", 64, 10,
                 "scikit-learn's 8×8 handwritten digits (needs nnplay[datasets])",
                 fixed_size=True), _digits),
    (DatasetSpec("mnist", "classification", 784, 10,
                 "MNIST: 70,000 handwritten digits, 28×28, its own split (60,000 training)",
                 fixed_size=True, files=IDX_FILES, title="MNIST"), None),
    (DatasetSpec("fashion_mnist", "classification", 784, 10,
                 "Fashion-MNIST: 70,000 photos of clothes, 28×28, 10 kinds, its own split",
                 fixed_size=True, files=IDX_FILES, title="Fashion-MNIST"), None),
]
DATASETS = {spec.name: spec for spec, _ in _SPECS}
_GENERATORS = {spec.name: gen for spec, gen in _SPECS}


def make(name, n_samples=500, noise=0.0, seed=0, n_classes=None, folder=None):
    """(X, y) for the named dataset; n_classes applies to spiral and blobs. A dataset read from
    files (MNIST) is read from `folder` (see `read_files`), its training points first."""
    spec = DATASETS[check.choice("name", name, tuple(DATASETS))]
    n = check.integer("n_samples", n_samples, 1, MAX_SAMPLES)
    noise = check.real("noise", noise, 0.0, 1.0)
    seed = check.integer("seed", seed, 0, 2**63 - 1)
    if n_classes is None:
        k = spec.n_classes
    elif spec.variable_classes:
        k = check.integer("n_classes", n_classes, 2, MAX_CLASSES)
    elif n_classes != spec.n_classes:
        raise ValueError(f"n_classes={n_classes!r} does not apply to {name!r}, which has "
                         f"{spec.n_classes or 'no'} classes; only spiral and blobs take n_classes")
    else:
        k = n_classes
    if not spec.fixed_size and n < 2 * max(k, 1):
        raise ValueError(f"n_samples={n} is too few for {name!r}; it needs at least "
                         f"{2 * max(k, 1)} (two per class)")
    if spec.files:
        files = read_files(name, folder)
        return files.X, files.y
    return _GENERATORS[name](n, noise, np.random.default_rng(seed), k)


def split(n, train_ratio, seed=0):
    """(train, test) index arrays: a seeded shuffle of range(n), cut at round(ratio·n)."""
    n = check.integer("n", n, 1)
    ratio = check.real("train_ratio", train_ratio, 0.0, 1.0, lo_open=True)
    seed = check.integer("seed", seed, 0, 2**63 - 1)
    perm = np.random.default_rng(seed).permutation(n)
    n_train = min(n, max(1, round(ratio * n)))
    return np.sort(perm[:n_train]), np.sort(perm[n_train:])


# -- user data ------------------------------------------------------------------------------
def from_csv(path_or_text, max_rows=CSV_MAX_ROWS, max_columns=CSV_MAX_COLUMNS):
    """(X, y) from CSV: one row per sample, the last column the label, an optional header.

    Whole-number labels make a classification set (the distinct labels, sorted, become
    classes 0..k−1, 2 ≤ k ≤ 10); any other numbers make a regression set. Blank lines and
    lines starting with '#' are skipped. `path_or_text` is CSV text (it contains a newline or
    a comma) or a path to a file. Code that handles other people's input (a server) should
    call `parse_csv`, which never opens a file.
    """
    return parse_csv(_read_text(path_or_text), max_rows, max_columns)


def parse_csv(text, max_rows=CSV_MAX_ROWS, max_columns=CSV_MAX_COLUMNS):
    """(X, y) from CSV text, as `from_csv`; the text is only ever parsed."""
    if not isinstance(text, str):
        raise ValueError(f"text must be CSV text; got {type(text).__name__}")
    text = text.lstrip("\ufeff")  # a byte-order mark, as Excel writes
    rows = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            rows.append((lineno, [f.strip() for f in stripped.split(",")]))
    if not rows:
        raise ValueError("CSV has no data rows; expected lines like '0.5,-1.2,1' "
                         "(inputs, then the label)")
    if not all(_is_number(f) for f in rows[0][1]):
        rows = rows[1:]  # a header
        if not rows:
            raise ValueError("CSV has a header but no data rows")
    width = len(rows[0][1])
    if width < 2:
        raise ValueError(f"CSV line {rows[0][0]} has {width} column; expected at least 2 "
                         "(one or more inputs, then the label)")
    if width > max_columns:
        raise ValueError(f"CSV has {width} columns; at most {max_columns} are allowed")
    if len(rows) > max_rows:
        raise ValueError(f"CSV has {len(rows)} rows; at most {max_rows} are allowed")
    values = np.empty((len(rows), width))
    for r, (lineno, fields) in enumerate(rows):
        if len(fields) != width:
            raise ValueError(f"CSV line {lineno} has {len(fields)} columns; expected {width} "
                             "like the first row (ragged rows)")
        for c, f in enumerate(fields):
            try:
                v = float(f)
            except ValueError:
                raise ValueError(f"CSV line {lineno}, column {c + 1}: {f!r} is not a number"
                                 ) from None
            if not math.isfinite(v):
                raise ValueError(f"CSV line {lineno}, column {c + 1}: {f!r} is not a finite "
                                 "number (NaN and infinity are not allowed)")
            values[r, c] = v
    X, labels = values[:, :-1], values[:, -1]
    if np.all(labels == np.round(labels)):
        classes, y = np.unique(labels, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"CSV labels hold only one class ({classes[0]:g}); a "
                             "classification set needs at least two")
        if len(classes) > MAX_CLASSES:
            raise ValueError(f"CSV labels hold {len(classes)} classes; at most {MAX_CLASSES} "
                             "are allowed (use non-integer labels for regression)")
        return X, y.astype(np.int64)
    if len(rows) < 2:
        raise ValueError("CSV has one row; a regression set needs at least two")
    return X, labels


def _read_text(path_or_text):
    if isinstance(path_or_text, os.PathLike) or (
            isinstance(path_or_text, str) and path_or_text.strip()
            and "\n" not in path_or_text and "," not in path_or_text):
        path = Path(path_or_text)
        if not path.is_file():
            raise ValueError(f"path_or_text={str(path_or_text)!r} is neither CSV text nor a "
                             "file that exists")
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{str(path)!r} is not a UTF-8 text file") from None
    if not isinstance(path_or_text, str):
        raise ValueError(f"path_or_text must be CSV text or a path; got "
                         f"{type(path_or_text).__name__}")
    return path_or_text


def _is_number(field):
    try:
        float(field)
        return True
    except ValueError:
        return False


# -- real data ------------------------------------------------------------------------------
def load_digits():
    """scikit-learn's bundled 8×8 digits: X (1797, 64) in [0, 1], y (1797,) in 0..9.

    Reads the data file that ships with scikit-learn, with NumPy; scikit-learn itself is not
    imported. Install it with `pip install 'nnplay[datasets]'`. The arrays are read-only and
    shared: the file is parsed once (5 ms) while it is unchanged, not for every Trainer (a
    sweep builds one per run).
    """
    read = read_digits()
    return read.X, read.y


def read_digits():
    """FileData of the bundled digits (every point; n_train 0, as their split is seeded): the
    arrays load_digits gives, and their SHA-256, by which a saved run names them."""
    found = importlib.util.find_spec("sklearn")
    data = Path(found.origin).parent / "datasets" / "data" / "digits.csv.gz" if found else None
    if data is None or not data.is_file():
        raise ValueError("the digits dataset needs scikit-learn, which ships the data file: "
                         "pip install 'nnplay[datasets]'")
    stat = data.stat()
    return _read_digits(str(data), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _read_digits(path, size, mtime_ns):
    """FileData of the digits file at `path` (as it is at that size and time), read-only."""
    table = np.loadtxt(path, delimiter=",")
    X, y = table[:, :-1] / 16.0, table[:, -1].astype(np.int64)
    X.flags.writeable = y.flags.writeable = False
    digest = hashlib.sha256()
    for A in (X, y):
        digest.update(repr(A.shape).encode())
        digest.update(A.tobytes())
    return FileData(X, y, 0, digest.hexdigest())


MNIST_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
               "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
MNIST_HELP = ("Get the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
              "t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) from "
              "https://storage.googleapis.com/cvdf-datasets/mnist/ or Keras's mnist.npz from "
              "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")


def load_mnist(path, split="train"):
    """MNIST from local files: X (N, 784) in [0, 1], y (N,) in 0..9.

    `path` is a folder holding the IDX files (gzipped or not), or a Keras-style .npz with
    x_train, y_train, x_test, y_test. `split` is "train", "test" or "all".
    """
    split = check.choice("split", split, ("train", "test", "all"))
    parts = ("train", "test") if split == "all" else (split,)
    path = Path(path)
    if path.suffix == ".npz":
        if not path.is_file():
            raise ValueError(f"MNIST file {str(path)!r} does not exist. {MNIST_HELP}")
        with np.load(path) as z:
            missing = [k for p in parts for k in (f"x_{p}", f"y_{p}") if k not in z.files]
            if missing:
                raise ValueError(f"{str(path)!r} lacks {', '.join(missing)}; expected a "
                                 f"Keras-style mnist.npz. {MNIST_HELP}")
            pairs = [(z[f"x_{p}"], z[f"y_{p}"]) for p in parts]
    else:
        if not path.is_dir():
            raise ValueError(f"MNIST folder {str(path)!r} does not exist. {MNIST_HELP}")
        pairs = [(_read_idx(path, MNIST_FILES[p][0], 3), _read_idx(path, MNIST_FILES[p][1], 1))
                 for p in parts]
    for images, labels in pairs:
        if images.ndim != 3 or images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
            raise ValueError(f"MNIST images {images.shape} and labels {labels.shape} do not "
                             "match: expected (N, 28, 28) images and N labels")
    X = np.concatenate([im.reshape(len(im), -1) for im, _ in pairs]) / 255.0
    return X, np.concatenate([lb for _, lb in pairs]).astype(np.int64)


def _read_idx(folder, stem, ndim):
    """An IDX array of unsigned bytes: magic 0x0000 08 ndim, big-endian sizes, then data."""
    for name in (stem, stem + ".gz"):
        file = folder / name
        if file.is_file():
            break
    else:
        raise ValueError(f"{stem}[.gz] is missing from {str(folder)!r}. {MNIST_HELP}")
    try:
        raw = (gzip.decompress if file.suffix == ".gz" else bytes)(file.read_bytes())
    except (OSError, EOFError) as e:
        raise ValueError(f"{str(file)!r} could not be read: {e}. {MNIST_HELP}") from None
    if len(raw) < 4 + 4 * ndim or raw[:4] != bytes([0, 0, 8, ndim]):
        raise ValueError(f"{str(file)!r} is not an IDX file of {ndim}-D unsigned bytes "
                         f"(its header is {raw[:4].hex() or 'empty'})")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    body = raw[4 + 4 * ndim:]
    if len(body) != math.prod(shape):
        raise ValueError(f"{str(file)!r} declares shape {shape} ({math.prod(shape)} bytes) but "
                         f"holds {len(body)} bytes")
    return np.frombuffer(body, np.uint8).reshape(shape)


# -- datasets read from files: MNIST and Fashion-MNIST -------------------------------------------
class MissingFiles(check.ArgumentError):
    """A dataset's files are not in its folder (or no folder was named): `dataset`, `folder`
    (a Path, or None) and `missing` (file names) say what to put where."""

    def __init__(self, dataset, folder, missing):
        spec = DATASETS[dataset]
        self.dataset, self.folder, self.missing = dataset, folder, list(missing)
        names = ", ".join(f"{m}.gz" for m in self.missing)
        if folder is None:
            message = (f"{spec.title} is read from its four IDX files in a folder; name it: "
                       f"Trainer(..., folders={{{dataset!r}: FOLDER}}) or "
                       f"datasets.read_files({dataset!r}, FOLDER)")
        else:
            message = (f"{spec.title}'s files are not in {str(folder)!r}: {names} "
                       f"{'is' if len(self.missing) == 1 else 'are'} missing (gzipped or not)")
        super().__init__("dataset", dataset, "a dataset whose files are in its folder",
                         message)


@dataclass(frozen=True)
class FileData:
    """A dataset read from its files: X (N, d) float64, y (N,) int64, the first `n_train`
    points its training set and the rest its test set; `sha256` fingerprints the content
    (every image and label as read, whatever the files' compression)."""
    X: np.ndarray
    y: np.ndarray
    n_train: int
    sha256: str


_READ = OrderedDict()  # (name, folder, the files' sizes and times) -> FileData, newest last
_READ_KEPT = 2  # datasets kept read: MNIST in float64 is 440 MB, shared by every Trainer
_READ_LOCK = threading.Lock()  # a server may read in a thread (after a download) and in its loop


def read_files(name, folder):
    """FileData of a dataset read from files (MNIST, Fashion-MNIST) in `folder`.

    The arrays are read-only and shared: reading the same unchanged files again returns the
    same FileData without touching the disk, so many Trainers on MNIST hold one copy of it.
    MissingFiles (a ValueError) says which files are missing from where.
    """
    spec = DATASETS[check.choice("name", name, tuple(DATASETS))]
    if not spec.files:
        raise check.ArgumentError("name", name, "a dataset read from files: " + ", ".join(
            n for n, s in DATASETS.items() if s.files), f"{name!r} is not read from files")
    if folder is None:
        raise MissingFiles(name, None, spec.files)
    folder = Path(folder).expanduser()
    found, missing = [], []
    for stem in spec.files:
        file = next((folder / n for n in (stem, stem + ".gz") if (folder / n).is_file()), None)
        (found if file is not None else missing).append(file or stem)
    if missing:
        raise MissingFiles(name, folder, missing)
    stamp = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in found)
    key = (name, str(folder.resolve()), stamp)
    with _READ_LOCK:
        if key in _READ:
            _READ.move_to_end(key)
            return _READ[key]
    arrays = [_read_idx(folder, stem, 3 if "images" in stem else 1) for stem in spec.files]
    digest = hashlib.sha256()
    for (images, labels), part in zip((arrays[:2], arrays[2:]), ("training", "test")):
        if images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
            raise ValueError(f"{spec.title}'s {part} images {images.shape} and labels "
                             f"{labels.shape} in {str(folder)!r} do not match: expected "
                             "(N, 28, 28) images and N labels")
        if labels.size and labels.max() >= MAX_CLASSES:
            raise ValueError(f"{spec.title}'s {part} labels in {str(folder)!r} hold "
                             f"{int(labels.max())}; labels are 0 to {MAX_CLASSES - 1}")
        for A in (images, labels):
            digest.update(repr(A.shape).encode())
            digest.update(A.tobytes())
    X, y, n_train = idx_points(*arrays)
    X.flags.writeable = y.flags.writeable = False
    read = FileData(X, y, n_train, digest.hexdigest())
    with _READ_LOCK:
        _READ[key] = read
        while len(_READ) > _READ_KEPT:
            _READ.popitem(last=False)
    return read


def file_data(name, folder):
    """The Data of a dataset read from files in `folder`: every point, its authors' split
    (the training images, then the test images), and its source named for saved runs."""
    spec, read = DATASETS[name], read_files(name, folder)
    n, n_train = len(read.y), read.n_train
    return Data(read.X, read.y, np.arange(n_train, dtype=np.int64),
                np.arange(n_train, n, dtype=np.int64), spec.task, spec.n_classes, spec.extent,
                source={"dataset": name, "sha256": read.sha256})


def idx_points(train_images, train_labels, test_images, test_labels):
    """(X, y, n_train) from the four IDX arrays: every image a row of pixels / 255 (float64),
    the training images first, and the labels as int64."""
    pixels = np.concatenate([train_images.reshape(len(train_images), -1),
                             test_images.reshape(len(test_images), -1)])  # (N, h·w) uint8
    return (pixels / 255.0, np.concatenate([train_labels, test_labels]).astype(np.int64),
            len(train_labels))
