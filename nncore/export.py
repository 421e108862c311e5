"""A Trainer's run as a standalone Python script: NumPy only, assembled from real source.

`script(trainer, schedule)` writes a program that builds the same network from the same seed,
trains it on the same points (embedded in the script; or, for a dataset read from files such
as MNIST, read from the same files with the engine's own reader) with the same mini-batches
and the same changes, and prints the loss as it goes; after the same number of steps its
weights equal the trainer's, bit for bit. Nothing in it is written twice: its classes and
functions are the engine's own (`inspect.getsource` of the activations, the loss, the
initializer, Dense and BatchNorm, forward and backward, the update rules, the features and the
targets) and the training program of `nncore.script`, which drives them as the Trainer does.

`schedule` lists what changed during the run, as (step, kind, values): kind "set" for live
hyperparameter changes ({name: (old, new)}), "weight"/"bias" for edited parameters, "sgd" for
an explained step (probes.trace) applied by hand. The script applies each before the step
that followed it.
"""

import ast
import inspect
import textwrap
from pathlib import Path

import numpy as np

from . import datasets, features, model, optimizers, targets
from . import script as program
from .activations import ACTIVATIONS, LEAKY_SLOPE
from .config import LIVE
from .initializers import INITIALIZERS
from .layers import BN_EPS, BN_MOMENTUM, BatchNorm, Dense

RULE = "# -- {} " + "-" * 80
WIDTH = 96


def script(trainer, schedule=(), title=None):
    """The run of `trainer` so far as a standalone script (a string)."""
    if trainer.config.dtype != "float64":
        raise ValueError("the code export reproduces float64 runs; set dtype to float64")
    for _step, kind, values in schedule:
        if kind == "set" and "dtype" in values:
            raise ValueError("dtype cannot change within a run")
    cfg = _config_at_start(trainer.config, schedule)
    net = trainer.net
    desc = "-".join(map(str, net.sizes))
    parts = [
        _header(title or f"A {desc} network on the {cfg.dataset} dataset", cfg,
                trainer.step_count, trainer.data.source is not None),
        _settings(trainer, schedule),
        _data(trainer, cfg),
        _section("input features (nnplay's own code)", _features(trainer)),
        _section("targets and predictions", _functions(
            targets, "n_outputs", "_off_value", "encode", "threshold", "predict")),
        _section("activations, each with its derivative below it", _activations(cfg)),
        _section("the loss", _source(net.loss.__class__)),
        _section("initial weights", _source(INITIALIZERS[cfg.init].__class__)),
        _section("a layer, and batch normalization", "\n\n".join([
            f"BN_EPS, BN_MOMENTUM = {BN_EPS!r}, {BN_MOMENTUM!r}",
            "",
            _source(BatchNorm, "__init__", "forward", "commit", "backward"),
            "",
            _source(Dense, "__init__", "forward", "backward", "backward_dZ")])),
        _section("forward and backward through the layers", _functions(
            model, "dropout_mask", "forward", "backward", "penalty")),
        _section("the optimizers' update rules, as torch.optim's", _functions(
            optimizers, "sgd_update", "adam_update", "rmsprop_update")),
        _section("training, as nnplay's Trainer does it", _functions(
            program, "network_inputs", "build_network", "param_names", "new_optimizer",
            "optimizer_step", "regularize", "apply_change", "train", "main")),
        "\n".join([
            "# The objects the settings name:",
            f"SETTINGS.update(hidden={_class_of(cfg.activation)}(), "
            f"output={_class_of(cfg.output_activation)}(),",
            f"                loss={net.loss.__class__.__name__}(), "
            f"init={INITIALIZERS[cfg.init].__class__.__name__}())",
            "",
            'if __name__ == "__main__":',
            "    main(SETTINGS, DATA, SCHEDULE, sys.argv)"]),
    ]
    return "\n\n\n".join(parts) + "\n"


# -- the parts ----------------------------------------------------------------------------------
def _header(title, cfg, steps, from_files=False):
    reads = ["import gzip", "import math", "import os", "import sys", "from pathlib import Path"]
    return "\n".join([
        "#!/usr/bin/env python3",
        f'"""{title}, as nnplay trained it.',
        "",
        "Standalone: it needs NumPy only. Run it as it is:",
        "",
        "    python this_script.py              # trains and prints the loss as it goes",
        "    python this_script.py weights.npz  # ... and saves the final parameters",
        "",
        f"It builds the same network from the same seed ({cfg.seed}), trains it on the same",
        f"points with the same mini-batches for {steps} steps, and ends with the weights nnplay",
        "had. Its classes and functions are nnplay's own engine code.",
        '"""',
        "",
        *(reads if from_files else ["import math", "import sys"]),
        "",
        "import numpy as np"])


def settings(trainer, schedule=()):
    """The script's SETTINGS (names only; the script adds the engine objects they name)."""
    cfg, data = _config_at_start(trainer.config, schedule), trainer.data
    return {
        "sizes": trainer.net.sizes, "activation": cfg.activation,
        "output_activation": cfg.output_activation, "loss_name": cfg.loss, "init_name": cfg.init,
        "bias": cfg.bias, "batch_norm": cfg.batch_norm, "seed": cfg.seed,
        "steps": trainer.step_count, "task": data.task, "n_classes": data.n_classes,
        "features": list(cfg.features) if data.is_plane else None,
        "hyper": {name: getattr(cfg, name) for name in sorted(LIVE)},
    }


def _settings(trainer, schedule):
    lines = [RULE.format("settings: what nnplay ran")[:WIDTH],
             "# layer widths (inputs, hidden layers, outputs), the seed of the weights, the",
             "# shuffling and dropout, and the live hyperparameters as the run began",
             "SETTINGS = " + _literal(settings(trainer, schedule))]
    if schedule:
        lines += ["# What changed during the run, applied before the step that followed it:",
                  "# (step, what, values)",
                  "SCHEDULE = " + _literal(_jsonable_schedule(schedule))]
    else:
        lines.append("SCHEDULE = []  # nothing changed during the run")
    return "\n".join(lines)


def _data(trainer, cfg):
    data = trainer.data
    if data.source is not None:
        return _data_from_files(trainer, cfg)
    what = "labels" if data.task == "classification" else "targets"
    origin = (f" (noise {cfg.noise:g}, data seed {cfg.data_seed})"
              if cfg.dataset != "custom" else "")
    return "\n".join([
        RULE.format("the data")[:WIDTH],
        f"# {len(data.train)} training and {len(data.test)} test points of "
        f"'{cfg.dataset}'{origin},",
        f"# as nnplay made them: raw inputs and {what}.",
        "DATA = {",
        '    "X_train": ' + _array(data.X[data.train]) + ",",
        '    "y_train": ' + _array(data.y[data.train]) + ",",
        '    "X_test": ' + _array(data.X[data.test]) + ",",
        '    "y_test": ' + _array(data.y[data.test]) + ",",
        "}"])


def _data_from_files(trainer, cfg):
    """A dataset read from files (MNIST) is read again from them, by the engine's own reader,
    not embedded (70,000 images would make a 200 MB script)."""
    data, spec = trainer.data, datasets.DATASETS[cfg.dataset]
    folder = trainer.folders.get(cfg.dataset)
    where = str(Path(folder).expanduser().resolve()) if folder is not None else ""
    variable = f"NNPLAY_{cfg.dataset.upper()}_DIR"
    return "\n".join([
        RULE.format("the data")[:WIDTH],
        f"# {spec.title}: {len(data.train)} training and {len(data.test)} test images, read "
        "from its four IDX",
        f"# files (gzipped or not) in the folder {variable} names, or else where nnplay",
        f"# read them. nnplay's copy: SHA-256 {data.source['sha256'][:16]}… (its images and "
        "labels).",
        f"DATA_DIR = Path(os.environ.get({variable!r}, {_string(where, 4)}))",
        f"IDX_FILES = {_literal(spec.files)}",
        f"MNIST_HELP = {_string(datasets.MNIST_HELP, 4)}",
        "",
        "",
        _functions(datasets, "_read_idx", "idx_points"),
        "",
        "",
        "X, y, n_train = idx_points(*(_read_idx(DATA_DIR, name, 3 if \"images\" in name else 1)",
        "                            for name in IDX_FILES))",
        'DATA = {"X_train": X[:n_train], "y_train": y[:n_train], "X_test": X[n_train:],',
        '        "y_test": y[n_train:]}'])


def _string(text, indent):
    """A string literal, split into parenthesised pieces when it would overrun the page."""
    if len(repr(text)) + indent + 40 <= WIDTH:
        return repr(text)
    size = WIDTH - indent - 8
    pieces = [repr(text[i:i + size]) for i in range(0, len(text), size)]
    pad = "\n" + " " * (indent + 4)
    return "(" + pad + pad.join(pieces) + "\n" + " " * indent + ")"


def _features(trainer):
    if not trainer.data.is_plane:
        return "\n".join([
            "# This data is not 2-D: the network takes its columns as they are.",
            "FEATURES = {}", "", "", _functions(features, "apply")])
    names = trainer.config.features
    chosen = [_functions(features, features.FEATURES[n][1].__name__) for n in names]
    table = ",\n".join(f"    {n!r}: ({features.FEATURES[n][0]!r}, "
                       f"{features.FEATURES[n][1].__name__})" for n in names)
    return "\n\n\n".join([*chosen, "# name -> (label, function of the columns x₁, x₂)\n"
                          "FEATURES = {\n" + table + ",\n}", _functions(features, "apply")])


def _activations(cfg):
    names = list(dict.fromkeys([cfg.activation, cfg.output_activation]))
    out = [f"LEAKY_SLOPE = {LEAKY_SLOPE!r}"] if "leaky_relu" in names else []
    out += [_source(ACTIVATIONS[n].__class__, "forward", "backward") for n in names]
    return "\n\n\n".join(out)


# -- source helpers -------------------------------------------------------------------------------
def _section(title, body):
    return RULE.format(title)[:WIDTH] + "\n" + body


def _functions(module, *names):
    """The source of module-level functions, in order, as they are in the engine."""
    return "\n\n\n".join(inspect.getsource(getattr(module, name)).rstrip() for name in names)


def _source(cls, *methods):
    """A class's source: whole, or its header and docstring with only the named methods."""
    text = textwrap.dedent(inspect.getsource(cls)).rstrip()
    if not methods:
        return text
    node = ast.parse(text).body[0]
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    head = text.splitlines()[:first.end_lineno if has_doc else node.lineno]
    bodies = [textwrap.indent(textwrap.dedent(inspect.getsource(getattr(cls, m))).rstrip(),
                              "    ") for m in methods]
    return "\n".join(head) + "\n\n" + "\n\n".join(bodies)


def _class_of(activation):
    return ACTIVATIONS[activation].__class__.__name__


def _literal(value, indent=0):
    """A Python literal that reproduces `value` exactly (repr of a float round-trips), on one
    line when it fits the page, else one entry per line, recursively."""
    flat = repr(value)
    if indent + len(flat) <= WIDTH - 12 or not isinstance(value, (dict, list, tuple)):
        return flat
    pad = " " * (indent + 4)
    if isinstance(value, dict):
        rows = [f"{pad}{k!r}: {_literal(v, indent + 4)}," for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        rows = [f"{pad}{_literal(v, indent + 4)}," for v in value]
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
    return opening + "\n" + "\n".join(rows) + "\n" + " " * indent + closing


def _array(A):
    """An array literal wrapped at the page width, exact to the last bit."""
    A = np.asarray(A)
    if A.dtype.kind == "f":
        values, dtype = [repr(float(v)) for v in A.ravel()], "np.float64"
    else:
        values, dtype = [str(int(v)) for v in A.ravel()], "np.int64"
    body = textwrap.fill(", ".join(values), WIDTH - 8, initial_indent=" " * 8,
                         subsequent_indent=" " * 8, break_on_hyphens=False)
    shape = ", ".join(str(n) for n in A.shape) + ("," if A.ndim == 1 else "")
    if not values:
        return f"np.zeros(({shape}), dtype={dtype})"
    return f"np.array([\n{body}\n    ], dtype={dtype}).reshape(({shape}))"


# -- the schedule ---------------------------------------------------------------------------------
def _jsonable_schedule(schedule):
    return [(int(step), kind, {k: (list(v) if isinstance(v, tuple) else v)
                               for k, v in values.items()})
            for step, kind, values in schedule]


def _config_at_start(config, schedule):
    """The config the run began with: undo the scheduled live changes, last first."""
    changes = {}
    for _step, kind, values in schedule:
        if kind == "set":
            for name, (old, _new) in values.items():
                changes.setdefault(name, old)
    return config.replace(**changes) if changes else config

