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

`language` chooses the language of the script's comments and docstrings ("en", the default,
"vi", "ru"): its code is the same in every language. The texts are plain JSON a translator
edits, nncore/locale/script.<language>.json: the script's own comments by key, with {format}
fields, and under "code" the engine's docstrings and comments, each matched by its English.
"""

import ast
import functools
import inspect
import io
import json
import textwrap
import tokenize
from pathlib import Path

import numpy as np

from . import datasets, features, model, optimizers, targets
from . import validation as check
from . import script as program
from .activations import ACTIVATIONS, LEAKY_SLOPE
from .config import LIVE
from .initializers import INITIALIZERS
from .layers import BN_EPS, BN_MOMENTUM, BatchNorm, Dense

RULE = "# -- {} " + "-" * 80
WIDTH = 96
LINE_LENGTH = 100  # the linter's limit (pyproject.toml), which the script passes
LOCALE = Path(__file__).resolve().parent / "locale"
# The languages the script's comments are written in: a catalogue each, English first.
LANGUAGES = ("en", *sorted(p.name.split(".")[1] for p in LOCALE.glob("script.*.json")
                           if p.name != "script.en.json"))


@functools.lru_cache(maxsize=None)
def texts(language="en"):
    """The script's comment texts in `language` (nncore/locale/script.<language>.json)."""
    check.choice("language", language, LANGUAGES)
    with open(LOCALE / f"script.{language}.json", encoding="utf-8") as f:
        return json.load(f)


def script(trainer, schedule=(), title=None, language="en"):
    """The run of `trainer` so far as a standalone script (a string), its comments and
    docstrings in `language` (LANGUAGES); the code is the same in every language."""
    tx = texts(language)
    if trainer.config.dtype != "float64":
        raise ValueError("the code export reproduces float64 runs; set dtype to float64")
    for _step, kind, values in schedule:
        if kind == "set" and "dtype" in values:
            raise ValueError("dtype cannot change within a run")
    cfg = _config_at_start(trainer.config, schedule)
    net = trainer.net
    desc = "-".join(map(str, net.sizes))
    sections = tx["sections"]
    parts = [
        _header(title or tx["title"].format(sizes=desc, dataset=cfg.dataset), cfg,
                trainer.step_count, trainer.data.source is not None, tx),
        _settings(trainer, schedule, tx),
        _data(trainer, cfg, tx),
        _section(sections["features"], _features(trainer, tx)),
        _section(sections["targets"], _functions(
            targets, "n_outputs", "_off_value", "encode", "threshold", "predict")),
        _section(sections["activations"], _activations(cfg)),
        _section(sections["loss"], _source(net.loss.__class__)),
        _section(sections["init"], _source(INITIALIZERS[cfg.init].__class__)),
        _section(sections["layer"], "\n\n".join([
            f"BN_EPS, BN_MOMENTUM = {BN_EPS!r}, {BN_MOMENTUM!r}",
            "",
            _source(BatchNorm, "__init__", "forward", "commit", "backward"),
            "",
            _source(Dense, "__init__", "forward", "backward", "backward_dZ")])),
        _section(sections["model"], _functions(
            model, "dropout_mask", "forward", "backward", "penalty")),
        _section(sections["optimizers"], _functions(
            optimizers, "sgd_update", "adam_update", "rmsprop_update")),
        _section(sections["training"], _functions(
            program, "network_inputs", "build_network", "param_names", "new_optimizer",
            "optimizer_step", "regularize", "apply_change", "train", "main")),
        "\n".join([
            *_comment(tx["objects"]),
            f"SETTINGS.update(hidden={_class_of(cfg.activation)}(), "
            f"output={_class_of(cfg.output_activation)}(),",
            f"                loss={net.loss.__class__.__name__}(), "
            f"init={INITIALIZERS[cfg.init].__class__.__name__}())",
            "",
            'if __name__ == "__main__":',
            "    main(SETTINGS, DATA, SCHEDULE, sys.argv)"]),
    ]
    code = "\n\n\n".join(parts) + "\n"
    return code if language == "en" else _localized_code(code, language)


# -- the parts ----------------------------------------------------------------------------------
def _header(title, cfg, steps, from_files, tx):
    reads = ["import gzip", "import math", "import os", "import sys", "from pathlib import Path"]
    return "\n".join([
        "#!/usr/bin/env python3",
        '"""' + tx["header"].format(title=title, seed=cfg.seed, steps=steps),
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


def _comment(text):
    """A comment's lines: each line of `text` after "# "."""
    return [f"# {line}".rstrip() for line in text.split("\n")]


def _settings(trainer, schedule, tx):
    lines = [RULE.format(tx["sections"]["settings"])[:WIDTH],
             *_comment(tx["settings"]["what"]),
             "SETTINGS = " + _literal(settings(trainer, schedule))]
    if schedule:
        lines += [*_comment(tx["settings"]["schedule"]),
                  "SCHEDULE = " + _literal(_jsonable_schedule(schedule))]
    else:
        lines.append("SCHEDULE = []  # " + tx["settings"]["unchanged"])
    return "\n".join(lines)


def _data(trainer, cfg, tx):
    data = trainer.data
    if data.source is not None:
        return _data_from_files(trainer, cfg, tx)
    words = tx["data"]
    what = words["labels"] if data.task == "classification" else words["targets"]
    points = dict(n_train=len(data.train), n_test=len(data.test), dataset=cfg.dataset,
                  noise=f"{cfg.noise:g}", data_seed=cfg.data_seed, what=what)
    made = words["custom"] if cfg.dataset == "custom" else words["made"]
    return "\n".join([
        RULE.format(tx["sections"]["data"])[:WIDTH],
        *_comment(made.format(**points)),
        "DATA = {",
        '    "X_train": ' + _array(data.X[data.train]) + ",",
        '    "y_train": ' + _array(data.y[data.train]) + ",",
        '    "X_test": ' + _array(data.X[data.test]) + ",",
        '    "y_test": ' + _array(data.y[data.test]) + ",",
        "}"])


def _data_from_files(trainer, cfg, tx):
    """A dataset read from files (MNIST) is read again from them, by the engine's own reader,
    not embedded (70,000 images would make a 200 MB script)."""
    data, spec = trainer.data, datasets.DATASETS[cfg.dataset]
    folder = trainer.folders.get(cfg.dataset)
    where = str(Path(folder).expanduser().resolve()) if folder is not None else ""
    variable = f"NNPLAY_{cfg.dataset.upper()}_DIR"
    return "\n".join([
        RULE.format(tx["sections"]["data"])[:WIDTH],
        *_comment(tx["data"]["files"].format(
            title=spec.title, n_train=len(data.train), n_test=len(data.test),
            variable=variable, sha256=data.source["sha256"][:16])),
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


def _features(trainer, tx):
    if not trainer.data.is_plane:
        return "\n".join([
            *_comment(tx["features"]["columns"]),
            "FEATURES = {}", "", "", _functions(features, "apply")])
    names = trainer.config.features
    chosen = [_functions(features, features.FEATURES[n][1].__name__) for n in names]
    table = ",\n".join(f"    {n!r}: ({features.FEATURES[n][0]!r}, "
                       f"{features.FEATURES[n][1].__name__})" for n in names)
    return "\n\n\n".join([*chosen, "\n".join(_comment(tx["features"]["table"]))
                          + "\nFEATURES = {\n" + table + ",\n}", _functions(features, "apply")])


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


# -- the engine's docstrings and comments in another language ----------------------------------
def _localized_code(code, language):
    """`code` with the engine's docstrings and comments in `language`: each one the English
    catalogue's "code" has (matched by its English text) is replaced by its translation, line
    for line where it stands; one it has not stays English. The code itself is untouched."""
    english, own = texts("en")["code"], texts(language)["code"]
    docstrings = {text: own["docstrings"][key] for key, text in english["docstrings"].items()}
    comments = {text: own["comments"][key] for key, text in english["comments"].items()}
    lines = code.split("\n")
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT and token.string[1:].strip() in comments:
            row, col = token.start
            line, comment = lines[row - 1], "# " + comments[token.string[1:].strip()]
            before = line[:col].rstrip()
            if before and col + len(comment) > LINE_LENGTH:  # too long beside its code: above it
                pad = line[:len(line) - len(line.lstrip())]
                lines[row - 1] = f"{pad}{comment}\n{before}"
            else:
                lines[row - 1] = line[:col] + comment
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                found.append(first)
    for doc in sorted(found, key=lambda n: -n.lineno):  # last first: line numbers hold
        text = inspect.cleandoc(doc.value.value)
        pad = lines[doc.lineno - 1][:doc.col_offset]
        if text not in docstrings or pad.strip():
            continue
        new = docstrings[text].split("\n")
        new[0] = '"""' + new[0]
        new[-1] += '"""'
        lines[doc.lineno - 1:doc.end_lineno] = [(pad + line).rstrip() if line else ""
                                                for line in new]
    return "\n".join(lines)


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

