"""The exported script is real engine code: it trains exactly as the Trainer does."""

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nncore import ACTIVATIONS, INITIALIZERS, LOSSES, Trainer, export, model, optimizers
from nncore import script as program
from nncore.layers import BatchNorm, Dense

ROOT = Path(__file__).resolve().parents[2]

CONFIGS = {
    "default": {},
    "spiral-adam-dropout-bn": dict(dataset="spiral", hidden_layers=(8, 6), activation="relu",
                                   optimizer="adam", learning_rate=0.01, dropout=0.2,
                                   batch_norm=True, batch_size=16, n_samples=120,
                                   features=("x1", "x2", "sinx1")),
    "blobs-rmsprop-l1-l2": dict(dataset="blobs", n_classes=3, output_activation="softmax",
                                loss="cross_entropy", optimizer="rmsprop", learning_rate=0.01,
                                momentum=0.5, l1=0.001, l2=0.01, n_samples=90),
    "regression-nesterov": dict(dataset="plane", output_activation="linear", loss="mse",
                                momentum=0.9, nesterov=True, activation="leaky_relu",
                                init="he", n_samples=80),
    "tutorial-full-batch": dict(dataset="tutorial", hidden_layers=(4,), activation="sigmoid",
                                loss="sse", init="uniform", bias=False, learning_rate=1.0,
                                batch_size=4, train_ratio=1.0),
    "perceptron": dict(dataset="gaussian", hidden_layers=(), output_activation="step",
                       loss="perceptron", init="zeros", batch_size=1, learning_rate=1.0,
                       n_samples=40),
}


def run_with_changes(config, steps=(30, 25)):
    """A Trainer run with a live change between two stretches, and the schedule the server
    would have recorded for it."""
    t = Trainer(**config)
    t.step(steps[0])
    before = t.config
    change = {"learning_rate": 0.05, "batch_size": 5} if config.get("batch_size", 10) < 50 \
        else {"learning_rate": 0.5}
    t.set(**change)
    schedule = [(t.step_count, "set", {k: (getattr(before, k), v) for k, v in change.items()})]
    t.step(steps[1])
    return t, schedule


def in_process_settings(trainer, schedule):
    s = export.settings(trainer, schedule)
    s.update(hidden=ACTIVATIONS[s["activation"]], output=ACTIVATIONS[s["output_activation"]],
             loss=LOSSES[s["loss_name"]], init=INITIALIZERS[s["init_name"]])
    return s


def assert_same_parameters(trainer, params):
    assert list(params) == trainer.net.param_names
    for name, p in zip(trainer.net.param_names, trainer.net.params):
        np.testing.assert_array_equal(params[name], p, err_msg=name)


@pytest.mark.parametrize("config", CONFIGS.values(), ids=CONFIGS.keys())
def test_the_scripts_program_trains_exactly_as_the_trainer_in_process(config):
    t, schedule = run_with_changes(config)
    d = t.data
    layers, params = program.train(in_process_settings(t, schedule), d.X[d.train],
                                   d.y[d.train], schedule, report=lambda line: None)
    assert_same_parameters(t, dict(zip(program.param_names(layers), params)))


@pytest.mark.parametrize("config", [CONFIGS["default"], CONFIGS["spiral-adam-dropout-bn"],
                                    CONFIGS["regression-nesterov"]],
                         ids=["default", "spiral-adam-dropout-bn", "regression-nesterov"])
def test_the_exported_script_runs_alone_and_ends_bit_identical(config, tmp_path):
    t, schedule = run_with_changes(config)
    code = export.script(t, schedule)
    assert "nncore" not in code and "import numpy as np" in code
    path = tmp_path / "run.py"
    path.write_text(code)
    done = subprocess.run([sys.executable, "-I", str(path), str(tmp_path / "w.npz")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"step {t.step_count:7d}" in done.stdout
    with np.load(tmp_path / "w.npz") as saved:
        assert_same_parameters(t, {name: saved[name] for name in saved.files})


def test_the_exported_script_passes_the_projects_linter(tmp_path):
    ruff = shutil.which("ruff")
    assert ruff, "ruff is part of the test extra: pip install -e '.[test]'"
    for config in CONFIGS.values():
        t, schedule = run_with_changes(config, steps=(3, 2))
        path = tmp_path / "run.py"
        path.write_text(export.script(t, schedule))
        done = subprocess.run([ruff, "check", "--no-cache", "--config",
                               str(ROOT / "pyproject.toml"), str(path)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_script_holds_the_engines_own_source():
    """Math once: what the script computes with is the engine's code, copied, not rewritten."""
    t, schedule = run_with_changes(CONFIGS["spiral-adam-dropout-bn"], steps=(3, 2))
    code = export.script(t, schedule)
    for piece in (Dense.backward_dZ, Dense.forward, BatchNorm.backward, model.forward,
                  model.backward, model.dropout_mask, optimizers.adam_update,
                  ACTIVATIONS["relu"].__class__.backward, LOSSES["bce"].__class__.value_and_dZ,
                  program.train, program.build_network):
        body = inspect.getsource(piece).strip()
        lines = [line.strip() for line in body.splitlines()]
        assert all(line in code for line in lines), piece.__qualname__


def test_a_float32_run_is_refused():
    with pytest.raises(ValueError, match="float64"):
        export.script(Trainer(dtype="float32"))
