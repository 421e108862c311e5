"""MNIST and Fashion-MNIST in the engine: read from a folder it is given, shared, split as
their authors split them, saved by reference, sampled for frames, exported as a script that
reads them again, and the tutorial's network past 95%.

The real MNIST is used only when its files are on this machine (NNPLAY_MNIST_DIR, or the data
folder nnplay keeps it in); otherwise that test skips and says so, and the convergence test
runs on a stand-in made of scikit-learn's real 8×8 handwritten digits (tests/idx.py).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.presets import PRESETS  # the preset is what the page runs: test that very config
from nncore import Trainer, datasets, export, probes, state
from nncore import script as program
from nncore.records import EvalPoints
from nncore.trainer import Gathered
from tests import idx
from tests.nncore.test_export import ROOT, assert_same_parameters, in_process_settings

MNIST_PRESET = PRESETS["mnist"]["config"]


@pytest.fixture
def mnist(tmp_path):
    return idx.write_folder(tmp_path / "mnist")


# -- reading -----------------------------------------------------------------------------------
def test_mnist_is_read_from_the_folder_it_is_given_with_its_own_split(mnist):
    tr = Trainer(dataset="mnist", folders={"mnist": mnist}, train_ratio=0.3, data_seed=5)
    d = tr.data
    assert d.X.shape == (70, 784) and d.n_classes == 10 and d.image_shape == (28, 28)
    assert d.train.tolist() == list(range(50)) and d.test.tolist() == list(range(50, 70))
    images = idx.tiny_arrays()
    np.testing.assert_array_equal(d.X[:50], images[0].reshape(50, -1) / 255.0)
    np.testing.assert_array_equal(d.y[50:], images[3])
    assert d.source["dataset"] == "mnist" and len(d.source["sha256"]) == 64


def test_many_trainers_share_one_read_only_copy(mnist):
    a = Trainer(dataset="mnist", folders={"mnist": mnist})
    b = Trainer(dataset="mnist", folders={"mnist": str(mnist)}, seed=3)
    assert a.data.X is b.data.X and not a.data.X.flags.writeable
    assert a.X_train.base is a.data.X or a.X_train.base is a.data.X.base  # no copy either
    with pytest.raises(ValueError, match="read-only"):
        a.data.X[0, 0] = 1.0


def test_files_that_change_on_disk_are_read_again(tmp_path):
    folder = idx.write_folder(tmp_path / "m")
    first = datasets.read_files("mnist", folder)
    idx.write_folder(folder, idx.tiny_arrays(seed=9))
    second = datasets.read_files("mnist", folder)
    assert second.sha256 != first.sha256 and not np.array_equal(second.X, first.X)


def test_gzipped_or_not_the_content_is_the_same(tmp_path):
    plain = datasets.read_files("mnist", idx.write_folder(tmp_path / "a", gz=False))
    gz = datasets.read_files("fashion_mnist", idx.write_folder(tmp_path / "b", gz=True))
    assert plain.sha256 == gz.sha256 and np.array_equal(plain.X, gz.X)


def test_missing_files_say_which_and_where(tmp_path, mnist):
    with pytest.raises(datasets.MissingFiles, match=r"MNIST's files are not in '.*nowhere': "
                       r"train-images-idx3-ubyte\.gz, .*t10k-labels-idx1-ubyte\.gz are "
                       r"missing \(gzipped or not\)") as e:
        Trainer(dataset="mnist", folders={"mnist": tmp_path / "nowhere"})
    assert (e.value.field, e.value.value, e.value.dataset) == ("dataset", "mnist", "mnist")
    (mnist / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(datasets.MissingFiles, match=r"t10k-labels-idx1-ubyte\.gz is missing"):
        datasets.read_files("mnist", mnist)
    with pytest.raises(datasets.MissingFiles, match=r"Fashion-MNIST is read from its four IDX "
                                                    r"files in a folder; name it"):
        datasets.make("fashion_mnist")
    tr = Trainer()  # a set that cannot find the files leaves the trainer as it was
    with pytest.raises(datasets.MissingFiles):
        tr.set(dataset="mnist")
    assert tr.config.dataset == "circle" and tr.data.X.shape[1] == 2


def test_mismatched_images_and_labels_are_refused(tmp_path):
    a, b, c, d = idx.tiny_arrays()
    folder = idx.write_folder(tmp_path / "m", (a, b[:-1], c, d))
    with pytest.raises(ValueError, match=r"MNIST's training images \(50, 28, 28\) and labels "
                                         r"\(49,\) .* do not match"):
        datasets.read_files("mnist", folder)


# -- training on large data --------------------------------------------------------------------
def test_a_large_training_set_is_gathered_batch_by_batch_exactly_as_copied(monkeypatch,
                                                                        mnist):
    """Past GATHER_BYTES a Trainer does not copy the training set in each epoch's order: it
    gathers each batch. The weights are the same to the last bit as the exported script's,
    which copies."""
    monkeypatch.setattr("nncore.trainer.GATHER_BYTES", 0)
    tr = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "batch_size": 8,
                                               "hidden_layers": (16,)})
    assert isinstance(tr._Xs, Gathered)
    tr.step(20)  # three epochs and a bit
    d = tr.data
    layers, params = program.train(in_process_settings(tr, []), d.X[d.train], d.y[d.train], [],
                                   report=lambda line: None)
    assert_same_parameters(tr, dict(zip(program.param_names(layers), params)))


def test_frames_measure_a_fixed_sample_of_large_parts():
    rng = np.random.default_rng(0)
    n_train, n = 2500, 3100
    points = EvalPoints(rng.random((n, 3)), np.eye(2)[rng.integers(0, 2, n)],
                        rng.integers(0, 2, n), n_train, "classification", 2)
    order = np.arange(n)[::-1].copy()
    sample, rows = probes.sample_points(points, order, size=1000, seed=4)
    assert sample.n_train == 1000 and len(sample.y) == 1600  # the 600 test points are all in
    again, rows_again = probes.sample_points(points, order, size=1000, seed=4)
    assert np.array_equal(rows, rows_again)  # the same points every frame
    first = np.flatnonzero(np.isin(order, rows[:1000]))
    assert np.all(first < n_train) and np.all(np.diff(first) > 0)  # training rows, in order
    small, small_rows = probes.sample_points(points, order, size=5000)
    assert small is points and small_rows is order


def test_full_test_measures_every_test_point_a_chunk_a_call(mnist):
    tr = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "hidden_layers": (16,)})
    tr.step(5)
    every = tr.eval_points
    expected = probes.evaluate(tr.net, every, np.float32).metrics["test_accuracy"]
    full = probes.FullTest(chunk=7)  # 20 test points: 3 calls
    assert full.advance(tr.net, every, 5) is None
    frozen = tr.net.theta.copy()
    tr.step(3)  # training goes on; the measurement is of the network it began with
    assert full.advance(tr.net, every, 8) is None
    result = full.advance(tr.net, every, 8)
    assert result == {"step": 5, "test_accuracy": expected, "count": 20}
    assert not np.array_equal(frozen, tr.net.theta)
    full.advance(tr.net, every, 8)  # the network changed: a new measurement begins
    assert full.advance(tr.net, every, 8) is result  # ... and is not done yet
    assert full.advance(tr.net, every, 8)["step"] == 8


# -- saved runs name their data -----------------------------------------------------------------
def test_a_saved_run_names_its_files_and_loads_back_bit_for_bit(mnist):
    tr = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "hidden_layers": (16,)})
    tr.step(9)
    saved = tr.to_dict()
    assert saved["data"] == {"source": {**tr.data.source, "points": 70, "train": 50}}
    back = state.trainer_from_dict(Trainer, saved, max_points=10, max_inputs=3,
                                   folders={"mnist": mnist})
    assert np.array_equal(back.net.theta, tr.net.theta) and back.data.X is tr.data.X
    tr.step(4)
    back.step(4)
    assert np.array_equal(back.net.theta, tr.net.theta)


@pytest.mark.parametrize("change, field, message", [
    (lambda s: s["data"]["source"].update(sha256="0" * 64), "data.source.sha256",
     r"this run was saved with other MNIST files than those here \(sha256 000000000000…, 70 "
     r"points of which 50 for training; here "),
    (lambda s: s["data"]["source"].update(train=49), "data.source.sha256", r"of which 49"),
    (lambda s: s["data"]["source"].update(sha256="ABC"), "data.source.sha256",
     r"must be 64 lowercase hexadecimal digits"),
    (lambda s: s["data"]["source"].update(dataset="circle"), "data.source.dataset",
     r"not allowed; choose one of: mnist, fashion_mnist"),
    (lambda s: s["data"]["source"].update(dataset="fashion_mnist"), "data.source.dataset",
     r"but config.dataset='mnist'; they must agree"),
    (lambda s: s["data"]["source"].update(points=10**9), "data.source.points", r"out of range"),
    (lambda s: s["data"]["source"].pop("train"), "data.source.train", r"is missing"),
    (lambda s: s["data"].update(X=1), "data.X", r"unknown field 'X'"),
])
def test_a_reference_is_checked_before_anything_is_built(mnist, change, field, message):
    tr = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "hidden_layers": (4,)})
    saved = tr.to_dict()
    change(saved)
    with pytest.raises(ValueError, match=message) as e:
        state.trainer_from_dict(Trainer, saved, folders={"mnist": mnist})
    assert e.value.field == field


def test_a_reference_without_the_files_says_which_are_missing(mnist, tmp_path):
    saved = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "hidden_layers": (4,)}).to_dict()
    with pytest.raises(datasets.MissingFiles):
        state.trainer_from_dict(Trainer, saved, folders={"mnist": tmp_path / "empty"})


# -- the exported script reads the files again ----------------------------------------------------
def test_the_exported_script_reads_mnist_from_its_folder_and_ends_bit_identical(mnist,
                                                                                tmp_path):
    tr = Trainer(folders={"mnist": mnist}, **{**MNIST_PRESET, "hidden_layers": (16,),
                                              "batch_size": 16})
    tr.step(11)
    tr.set(learning_rate=0.002)
    schedule = [(11, "set", {"learning_rate": (0.001, 0.002)})]
    tr.step(6)
    code = export.script(tr, schedule)
    assert len(code) < 100_000 and "np.array([" not in code.split("# -- the data")[1][:2000]
    assert "DATA_DIR = Path(os.environ.get('NNPLAY_MNIST_DIR', " in code
    path = tmp_path / "run.py"
    path.write_text(code)
    env = {k: v for k, v in os.environ.items() if k != "NNPLAY_MNIST_DIR"}
    done = subprocess.run([sys.executable, "-I", str(path), str(tmp_path / "w.npz")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr  # read from where nnplay read them
    assert "test accuracy" in done.stdout
    with np.load(tmp_path / "w.npz") as saved:
        assert_same_parameters(tr, {name: saved[name] for name in saved.files})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([sys.executable, "-I", str(path)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path,
                          env={**env, "NNPLAY_MNIST_DIR": str(elsewhere)})
    assert done.returncode != 0 and "train-images-idx3-ubyte[.gz] is missing from" in \
        done.stderr and str(elsewhere) in done.stderr
    ruff = shutil.which("ruff")
    linted = subprocess.run([ruff, "check", "--no-cache", "--config",
                             str(ROOT / "pyproject.toml"), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout


# -- the tutorial's network past 95% ---------------------------------------------------------------
def real_mnist_folder():
    """A folder holding the real MNIST (60,000 + 10,000 images), or None."""
    candidates = [os.environ.get("NNPLAY_MNIST_DIR")]
    if os.environ.get("NNPLAY_DATA_DIR"):
        candidates.append(str(Path(os.environ["NNPLAY_DATA_DIR"]) / "mnist"))
    try:
        import platformdirs
        candidates.append(str(Path(platformdirs.user_data_dir("nnplay", appauthor=False))
                              / "mnist"))
    except ImportError:
        pass
    candidates.append(str(Path.home() / ".nnplay" / "mnist"))
    for folder in filter(None, candidates):
        try:
            read = datasets.read_files("mnist", folder)
        except ValueError:
            continue
        if (len(read.y), read.n_train) == (70_000, 60_000):
            return folder
    return None


@pytest.mark.slow
def test_the_mnist_preset_passes_95_percent_on_real_mnist():
    folder = real_mnist_folder()
    if folder is None:
        pytest.skip("MNIST's files are not on this machine (NNPLAY_MNIST_DIR, or nnplay's data "
                    "folder): the stand-in test below runs instead")
    tr = Trainer(folders={"mnist": folder}, **MNIST_PRESET)
    accuracy = 0.0
    while accuracy <= 0.95 and tr.epoch < 3:
        tr.step(100)
        accuracy = probes.metrics(tr)["test_accuracy"]  # all 10,000 test images
    assert accuracy > 0.95, (tr.step_count, accuracy)


@pytest.mark.slow
def test_the_mnist_preset_passes_95_percent_on_a_stand_in_of_real_handwriting(tmp_path):
    """Not MNIST: scikit-learn's 8×8 digits, scaled to 28×28 and written as MNIST's IDX files,
    read by the same code, trained with the preset's very config."""
    pytest.importorskip("sklearn")
    folder = idx.write_folder(tmp_path / "mnist", idx.digits_stand_in(6000))
    tr = Trainer(folders={"mnist": folder}, **MNIST_PRESET)
    accuracy = 0.0
    while accuracy <= 0.95 and tr.step_count < 1000:
        tr.step(50)
        accuracy = probes.metrics(tr)["test_accuracy"]
    assert accuracy > 0.95, (tr.step_count, accuracy)
    assert tr.step_count <= 300  # within the first epoch (47 steps of 128 here)
