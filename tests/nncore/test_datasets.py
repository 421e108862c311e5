"""Datasets: the generated 2-D sets, the tables, the split, the features, CSV, MNIST and digits."""

import gzip
import importlib.util
import math
from functools import cache

import numpy as np
import pytest

from nncore import DATASETS, datasets, features
from tests.idx import idx_bytes

GENERATED = [name for name, spec in DATASETS.items() if not spec.fixed_size]
TABLES = {"tutorial", "xor_table", "digits", "mnist", "fashion_mnist"}
FROM_FILES = {"mnist", "fashion_mnist"}  # read from IDX files: tiny ones here


@cache
def _make(name, n_samples=500, noise=0.0, seed=0, n_classes=None):
    """datasets.make, cached: digits is read from disk once per session."""
    return datasets.make(name, n_samples, noise, seed, n_classes)


def _needs_data(name):
    if name == "digits":
        pytest.importorskip("sklearn")


def test_every_registered_dataset_is_covered_here():
    # A new dataset must be added to the expectations below, not slip through untested.
    assert set(GENERATED) == {"circle", "xor", "gaussian", "spiral", "moons", "blobs", "plane",
                              "gaussians"}
    assert set(DATASETS) - set(GENERATED) == TABLES


# -- shapes, dtypes, labels --------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DATASETS))
def test_dataset_shapes_dtypes_and_labels(name, tmp_path):
    _needs_data(name)
    spec = DATASETS[name]
    if name in FROM_FILES:
        assert set(spec.files) == set(datasets.MNIST_FILES["train"] + datasets.MNIST_FILES["test"])
        folder = _write_mnist_folder(tmp_path / name, _mnist_arrays(60, 40), gz=True)
        X, y = datasets.make(name, 300, folder=folder)
    else:
        X, y = _make(name, 300)
    n = {"tutorial": 4, "xor_table": 4, "digits": 1797, "mnist": 100,
         "fashion_mnist": 100}.get(name, 300)
    assert X.shape == (n, spec.n_inputs)
    assert y.shape == (n,)
    assert X.dtype == np.float64
    assert np.isfinite(X).all() and np.isfinite(y).all()
    if spec.task == "classification":
        assert y.dtype == np.int64
        # labels are exactly the classes 0..k−1, every one of them present
        assert np.array_equal(np.unique(y), np.arange(spec.n_classes))
    else:
        assert spec.task == "regression" and spec.n_classes == 0
        assert y.dtype == np.float64


@pytest.mark.parametrize("name, k", [("spiral", 2), ("spiral", 3), ("spiral", 7),
                                     ("blobs", 2), ("blobs", 4), ("blobs", 10)])
def test_variable_class_datasets_take_n_classes(name, k):
    X, y = _make(name, 200, 0.0, 0, k)
    assert X.shape == (200, 2)
    assert np.array_equal(np.unique(y), np.arange(k))
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1  # one arm (blob) per class, balanced


@pytest.mark.parametrize("name", GENERATED)
def test_generated_points_lie_in_the_plane_without_noise(name):
    X, _ = _make(name, 1000, 0.0, 3)
    assert np.abs(X).max() <= 6.0


@pytest.mark.parametrize("name", GENERATED)
def test_noisy_points_stay_mostly_in_the_plane(name):
    X, _ = _make(name, 1000, 0.5, 3)
    assert np.abs(X).max() <= 12.0  # Gaussian noise may stray, but not absurdly
    assert (np.abs(X) <= 6.0).all(axis=1).mean() >= 0.9


@pytest.mark.parametrize("name", ["circle", "gaussian", "moons"])
@pytest.mark.parametrize("n", [100, 101])
def test_two_class_generators_are_balanced(name, n):
    _, y = _make(name, n, 0.0, 1)
    assert abs(int(np.sum(y == 1)) - int(np.sum(y == 0))) <= 1


def test_circle_labels_follow_the_radius_without_noise():
    X, y = _make("circle", 400, 0.0, 5)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.array_equal(y, (r < 2.5).astype(np.int64))  # inside radius 2.5 is class 1
    assert np.all((r < 2.5) | ((r >= 3.5) & (r <= 5.0)))  # a gap between the disc and the ring


def test_circle_noise_flips_some_labels():
    X, y = _make("circle", 400, 0.5, 5)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.any(y != (r < 2.5))


def test_xor_labels_follow_the_quadrant_without_noise():
    X, y = _make("xor", 400, 0.0, 2)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.int64))
    assert np.abs(X).min() >= 0.3  # points keep away from the axes


def test_gaussian_clusters_are_centred_where_promised():
    X, y = _make("gaussian", 2000, 0.0, 4)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2.0, 2.0], atol=0.1)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2.0, -2.0], atol=0.1)


@pytest.mark.parametrize("k", [3, 5])
def test_blobs_sit_on_a_circle_of_radius_four(k):
    X, y = _make("blobs", 200 * k, 0.0, 1, k)
    for j in range(k):
        a = 2 * math.pi * j / k + math.pi / 4
        np.testing.assert_allclose(X[y == j].mean(axis=0), [4 * math.cos(a), 4 * math.sin(a)],
                                   atol=0.15)


def test_spiral_arms_reach_radius_five():
    X, y = _make("spiral", 600, 0.0, 0, 3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 5.0
    for j in range(3):
        assert r[y == j].min() < 0.1 and r[y == j].max() > 4.9


def test_plane_target_is_the_scaled_sum_without_noise():
    X, y = _make("plane", 300, 0.0, 7)
    np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 10.0, rtol=1e-12, atol=1e-15)
    assert np.abs(y).max() <= 1.2


def test_gaussians_target_is_signed_bumps():
    X, y = _make("gaussians", 2000, 0.0, 7)
    assert np.abs(y).max() <= 1.0
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    signs = np.array([1, -1, 1, -1, 1, -1])
    d = np.linalg.norm(X[:, None, :] - centres[None], axis=2)  # (n, 6)
    far = d.min(axis=1) >= 2.0
    assert far.any() and np.all(y[far] == 0.0)  # outside every bump's radius of 2
    near = d.min(axis=1) < 0.5  # close to a centre, only that bump can win
    assert near.any()
    assert np.all(np.sign(y[near]) == signs[d[near].argmin(axis=1)])
    np.testing.assert_allclose(np.abs(y[near]), 1.0 - d[near].min(axis=1) / 2.0, rtol=1e-12)


# -- determinism -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", GENERATED)
def test_same_seed_same_data_and_different_seed_different_data(name):
    X1, y1 = datasets.make(name, 200, 0.2, seed=11)
    X2, y2 = datasets.make(name, 200, 0.2, seed=11)
    X3, _ = datasets.make(name, 200, 0.2, seed=12)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", ["tutorial", "xor_table"])
def test_tables_ignore_seed_noise_and_size(name):
    X1, y1 = datasets.make(name, 500, 0.0, 0)
    X2, y2 = datasets.make(name, 17, 0.9, 99)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)


def test_tables_are_returned_as_fresh_copies():
    X, y = datasets.make("tutorial")
    X[...] = 7.0
    y[...] = 7
    X2, y2 = datasets.make("tutorial")
    assert X2[0, 2] == 1.0 and y2[0] == 0


# -- the tables --------------------------------------------------------------------------------
def test_tutorial_table_is_the_classic_one():
    X, y = datasets.make("tutorial")
    assert np.array_equal(X, [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    assert np.array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_xor_table_is_the_truth_table():
    X, y = datasets.make("xor_table")
    rows = [(a, b) for a in (0, 1) for b in (0, 1)]
    assert np.array_equal(X, rows)
    assert np.array_equal(y, [a ^ b for a, b in rows])


# -- split -------------------------------------------------------------------------------------
@pytest.mark.parametrize("n, ratio, n_train", [(100, 0.7, 70), (10, 0.5, 5), (7, 0.5, 4),
                                               (5, 1.0, 5), (5, 0.01, 1)])
def test_split_is_disjoint_covering_and_sized_by_ratio(n, ratio, n_train):
    train, test = datasets.split(n, ratio, seed=3)
    assert len(train) == n_train and len(test) == n - n_train
    assert not set(train) & set(test)
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)


def test_split_is_deterministic_and_depends_on_seed():
    a = datasets.split(200, 0.5, seed=1)
    b = datasets.split(200, 0.5, seed=1)
    c = datasets.split(200, 0.5, seed=2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


# -- features ----------------------------------------------------------------------------------
def test_features_on_a_known_point():
    X = np.array([[0.5, -2.0], [0.0, 3.0]])
    names = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]
    assert set(names) == set(features.FEATURES)
    F = features.apply(names, X)
    expected = [[0.5, -2.0, 0.25, 4.0, -1.0, math.sin(0.5), math.sin(-2.0)],
                [0.0, 3.0, 0.0, 9.0, 0.0, 0.0, math.sin(3.0)]]
    np.testing.assert_allclose(F, expected, rtol=1e-15, atol=0)
    assert F.dtype == np.float64


def test_features_follow_the_requested_order_and_dtype():
    X = np.array([[0.5, -2.0]])
    F = features.apply(("x1x2", "x1"), X, np.float32)
    assert F.dtype == np.float32
    np.testing.assert_array_equal(F, [[-1.0, 0.5]])


# -- CSV ---------------------------------------------------------------------------------------
def test_csv_with_header():
    X, y = datasets.from_csv("x1,x2,label\n0.5,1.0,0\n-1,2,1\n3,4e-1,0\n")
    np.testing.assert_array_equal(X, [[0.5, 1.0], [-1.0, 2.0], [3.0, 0.4]])
    np.testing.assert_array_equal(y, [0, 1, 0])
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_csv_without_header_and_with_spaces():
    X, y = datasets.from_csv(" 1 , 2 , 1\n3,4,0")
    np.testing.assert_array_equal(X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [1, 0])


def test_csv_skips_comments_and_blank_lines():
    X, y = datasets.from_csv("# made by hand\n\na,b,c\n  \n1,2,0\n# middle\n3,4,1\n\n")
    np.testing.assert_array_equal(X, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(y, [0, 1])


def test_csv_from_a_path(tmp_path):
    file = tmp_path / "points.csv"
    file.write_text("x,y,label\n1,2,0\n3,4,1\n5,6,1\n", encoding="utf-8")
    for arg in (file, str(file)):
        X, y = datasets.from_csv(arg)
        np.testing.assert_array_equal(X, [[1, 2], [3, 4], [5, 6]])
        np.testing.assert_array_equal(y, [0, 1, 1])


def test_csv_non_integer_labels_make_a_regression_set():
    X, y = datasets.from_csv("1,0.5\n2,-0.25\n3,1\n")
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y, [0.5, -0.25, 1.0])
    np.testing.assert_array_equal(X, [[1.0], [2.0], [3.0]])


@pytest.mark.parametrize("labels, expected", [
    ([-1, 1, -1, 1], [0, 1, 0, 1]),
    ([1, 2, 1, 2], [0, 1, 0, 1]),
    ([7, 3, 5, 3], [2, 0, 1, 0]),
    ([1.0, 0.0, 1.0, 0.0], [1, 0, 1, 0]),
])
def test_csv_integer_labels_become_sorted_class_indices(labels, expected):
    text = "\n".join(f"{i},{i * 2},{lab}" for i, lab in enumerate(labels))
    _, y = datasets.from_csv(text)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(y, expected)


def test_csv_accepts_windows_line_endings():
    X, y = datasets.from_csv("a,b,c\r\n1,2,0\r\n3,4,1\r\n")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, [0, 1])


CSV_ERRORS = {
    "ragged row": ("1,2,0\n3,4\n", {},
                   r"CSV line 2 has 2 columns; expected 3 like the first row \(ragged rows\)"),
    "ragged row after comments": ("# c\n1,2,0\n\n5,6,1\n3,4,1,9\n", {},
                                  r"CSV line 5 has 4 columns; expected 3"),
    "not a number": ("x,y,label\n1,2,0\n3,abc,1\n", {},
                     r"CSV line 3, column 2: 'abc' is not a number"),
    "NaN": ("1,2,0\n3,nan,1\n", {},
            r"CSV line 2, column 2: 'nan' is not a finite number \(NaN and infinity are not "
            r"allowed\)"),
    "inf label": ("1,2,0\n3,4,inf\n", {}, r"CSV line 2, column 3: 'inf' is not a finite number"),
    "negative inf": ("-inf,2,0\n3,4,1\n", {}, r"CSV line 1, column 1: '-inf' is not a finite"),
    "too many rows": ("1,0\n2,1\n3,0\n", {"max_rows": 2},
                      r"CSV has 3 rows; at most 2 are allowed"),
    "too many columns": ("1,2,3,0\n4,5,6,1\n", {"max_columns": 3},
                         r"CSV has 4 columns; at most 3 are allowed"),
    "one column": ("1\n2\n3\n", {}, r"CSV line 1 has 1 column; expected at least 2 \(one or "
                                    r"more inputs, then the label\)"),
    "one class": ("1,2,5\n3,4,5\n", {}, r"CSV labels hold only one class \(5\); a "
                                        r"classification set needs at least two"),
    "header only": ("x1,x2,label\n", {}, r"CSV has a header but no data rows"),
    "empty string": ("", {}, r"CSV has no data rows; expected lines like"),
    "blank lines only": ("\n \n\n", {}, r"CSV has no data rows; expected lines like "
                                        r"'0\.5,-1\.2,1' \(inputs, then the label\)"),
    "comments only": ("# nothing\n# here\n", {}, r"CSV has no data rows"),
    "more than 10 classes": ("\n".join(f"{i},{i}" for i in range(11)), {},
                             r"CSV labels hold 11 classes; at most 10 are allowed \(use "
                             r"non-integer labels for regression\)"),
    "one regression row": ("1,0.5", {}, r"CSV has one row; a regression set needs at least two"),
    "bytes": (b"1,2,0\n3,4,1\n", {}, r"path_or_text must be CSV text or a path; got bytes"),
}


@pytest.mark.parametrize("text, kwargs, match", CSV_ERRORS.values(), ids=CSV_ERRORS.keys())
def test_csv_rejects_malformed_input(text, kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.from_csv(text, **kwargs)


def test_csv_rejects_a_path_that_does_not_exist(tmp_path):
    missing = tmp_path / "nope.csv"
    for arg in (missing, str(missing)):
        with pytest.raises(ValueError, match=r"path_or_text='.*nope\.csv' is neither CSV text "
                                             r"nor a file that exists"):
            datasets.from_csv(arg)


def test_csv_rejects_a_file_that_is_not_utf8(tmp_path):
    file = tmp_path / "latin1.csv"
    file.write_bytes("x,é,label\n1,2,0\n3,4,1\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"'.*latin1\.csv' is not a UTF-8 text file"):
        datasets.from_csv(file)


def test_csv_file_with_byte_order_mark_keeps_its_first_row(tmp_path):
    file = tmp_path / "excel.csv"
    file.write_bytes("1,2,0\n3,4,1\n5,6,0\n".encode("utf-8-sig"))
    X, y = datasets.from_csv(file)
    np.testing.assert_array_equal(X, [[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(y, [0, 1, 0])


# -- MNIST -------------------------------------------------------------------------------------
def _mnist_arrays(n_train=5, n_test=3, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n_train, dtype=np.uint8),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n_test, dtype=np.uint8))


def _write_mnist_folder(folder, arrays, gz=False):
    folder.mkdir(exist_ok=True)
    names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte"]
    for name, A in zip(names, arrays):
        raw = idx_bytes(A)
        if gz:
            (folder / (name + ".gz")).write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return folder


def _check_mnist(X, y, images, labels):
    assert X.shape == (len(images), 784) and X.dtype == np.float64
    assert y.shape == (len(images),) and y.dtype == np.int64
    assert X.min() >= 0.0 and X.max() <= 1.0
    np.testing.assert_allclose(X, images.reshape(len(images), -1) / 255.0, rtol=1e-15)
    np.testing.assert_array_equal(y, labels)


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzipped"])
def test_mnist_from_idx_files(tmp_path, gz):
    tri, trl, tei, tel = arrays = _mnist_arrays()
    folder = _write_mnist_folder(tmp_path / "mnist", arrays, gz)
    _check_mnist(*datasets.load_mnist(folder, "train"), tri, trl)
    _check_mnist(*datasets.load_mnist(str(folder), "test"), tei, tel)
    _check_mnist(*datasets.load_mnist(folder, "all"), np.concatenate([tri, tei]),
                 np.concatenate([trl, tel]))


def test_mnist_pixel_scale_reaches_both_ends(tmp_path):
    images = np.zeros((2, 28, 28), np.uint8)
    images[1, 3, 4] = 255
    arrays = (images, np.array([0, 9], np.uint8), images[:1], np.array([3], np.uint8))
    X, y = datasets.load_mnist(_write_mnist_folder(tmp_path / "m", arrays), "train")
    assert X[1, 3 * 28 + 4] == 1.0 and X.sum() == 1.0
    np.testing.assert_array_equal(y, [0, 9])


def test_mnist_from_keras_npz(tmp_path):
    tri, trl, tei, tel = _mnist_arrays(4, 2, seed=1)
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=tri, y_train=trl, x_test=tei, y_test=tel)
    _check_mnist(*datasets.load_mnist(path, "train"), tri, trl)
    _check_mnist(*datasets.load_mnist(path, "test"), tei, tel)
    _check_mnist(*datasets.load_mnist(path, "all"), np.concatenate([tri, tei]),
                 np.concatenate([trl, tel]))


def test_mnist_npz_needs_only_the_requested_split(tmp_path):
    tri, trl, _, _ = _mnist_arrays(3, 1)
    path = tmp_path / "train_only.npz"
    np.savez(path, x_train=tri, y_train=trl)
    _check_mnist(*datasets.load_mnist(path, "train"), tri, trl)
    with pytest.raises(ValueError, match=r"lacks x_test, y_test; expected a Keras-style "
                                         r"mnist\.npz\..*storage\.googleapis\.com"):
        datasets.load_mnist(path, "test")


def test_mnist_missing_folder_says_where_to_get_it(tmp_path):
    with pytest.raises(ValueError, match=r"MNIST folder '.*no_such_dir' does not exist\. Get "
                                         r"the four IDX files.*storage\.googleapis\.com"):
        datasets.load_mnist(tmp_path / "no_such_dir")


def test_mnist_missing_npz_says_where_to_get_it(tmp_path):
    with pytest.raises(ValueError, match=r"MNIST file '.*absent\.npz' does not exist\..*"
                                         r"storage\.googleapis\.com"):
        datasets.load_mnist(tmp_path / "absent.npz")


def test_mnist_missing_file_says_where_to_get_it(tmp_path):
    arrays = _mnist_arrays()
    folder = _write_mnist_folder(tmp_path / "m", arrays)
    (folder / "t10k-labels-idx1-ubyte").unlink()
    datasets.load_mnist(folder, "train")  # the train files are all there
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\[\.gz\] is missing from "
                                         r"'.*'\. .*storage\.googleapis\.com"):
        datasets.load_mnist(folder, "test")


def _replace_file(folder, name, raw):
    (folder / name).write_bytes(raw)


def test_mnist_rejects_bad_magic_number(tmp_path):
    folder = _write_mnist_folder(tmp_path / "m", _mnist_arrays())
    raw = bytearray(idx_bytes(_mnist_arrays()[0]))
    raw[2] = 0x0D  # float32 instead of unsigned byte
    _replace_file(folder, "train-images-idx3-ubyte", bytes(raw))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte' is not an IDX file of 3-D "
                                         r"unsigned bytes \(its header is 00000d03\)"):
        datasets.load_mnist(folder)


def test_mnist_rejects_labels_file_in_place_of_images(tmp_path):
    folder = _write_mnist_folder(tmp_path / "m", _mnist_arrays())
    _replace_file(folder, "train-images-idx3-ubyte", idx_bytes(np.zeros(5)))
    with pytest.raises(ValueError, match=r"is not an IDX file of 3-D unsigned bytes \(its header "
                                         r"is 00000801\)"):
        datasets.load_mnist(folder)


def test_mnist_rejects_empty_file(tmp_path):
    folder = _write_mnist_folder(tmp_path / "m", _mnist_arrays())
    _replace_file(folder, "train-labels-idx1-ubyte", b"")
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte' is not an IDX file of 1-D "
                                         r"unsigned bytes \(its header is empty\)"):
        datasets.load_mnist(folder)


@pytest.mark.parametrize("cut", [1, 784])
def test_mnist_rejects_truncated_body(tmp_path, cut):
    images = _mnist_arrays()[0]
    folder = _write_mnist_folder(tmp_path / "m", _mnist_arrays())
    _replace_file(folder, "train-images-idx3-ubyte", idx_bytes(images)[:-cut])
    with pytest.raises(ValueError, match=rf"declares shape \(5, 28, 28\) \(3920 bytes\) but holds "
                                         rf"{3920 - cut} bytes"):
        datasets.load_mnist(folder)


def test_mnist_rejects_count_mismatch(tmp_path):
    tri, trl, tei, tel = _mnist_arrays()
    folder = _write_mnist_folder(tmp_path / "m", (tri, trl[:4], tei, tel))
    with pytest.raises(ValueError, match=r"MNIST images \(5, 28, 28\) and labels \(4,\) do not "
                                         r"match: expected \(N, 28, 28\) images and N labels"):
        datasets.load_mnist(folder)


def test_mnist_npz_rejects_count_mismatch(tmp_path):
    tri, trl, tei, tel = _mnist_arrays()
    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=tri, y_train=trl[:3], x_test=tei, y_test=tel)
    with pytest.raises(ValueError, match=r"MNIST images \(5, 28, 28\) and labels \(3,\) do not "
                                         r"match"):
        datasets.load_mnist(path)


def test_mnist_rejects_unknown_split(tmp_path):
    with pytest.raises(ValueError, match=r"split='val' is not allowed; choose one of: train, "
                                         r"test, all"):
        datasets.load_mnist(tmp_path, "val")


def test_mnist_rejects_corrupt_gzip(tmp_path):
    folder = _write_mnist_folder(tmp_path / "m", _mnist_arrays(), gz=True)
    _replace_file(folder, "train-images-idx3-ubyte.gz", b"this is not gzip data")
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte\.gz"):
        datasets.load_mnist(folder)


def test_mnist_rejects_images_that_are_not_28_by_28(tmp_path):
    arrays = (np.zeros((5, 10, 10), np.uint8), np.zeros(5, np.uint8),
              np.zeros((3, 10, 10), np.uint8), np.zeros(3, np.uint8))
    folder = _write_mnist_folder(tmp_path / "m", arrays)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        datasets.load_mnist(folder)


# -- digits ------------------------------------------------------------------------------------
def test_load_digits():
    pytest.importorskip("sklearn")
    X, y = _make("digits")
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0  # 16 gray levels scaled by 1/16
    assert np.all(np.isin(X * 16.0, np.arange(17)))
    assert np.array_equal(np.unique(y), np.arange(10))
    assert np.bincount(y).min() >= 170  # about 180 of each digit


def test_digits_without_sklearn_explains_how_to_install(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "sklearn" else real_find_spec(name, *a))
    with pytest.raises(ValueError, match=r"digits dataset needs scikit-learn.*nnplay\[datasets\]"):
        datasets.load_digits()
