"""A Trainer's whole state as JSON-safe data, restored bit for bit.

Arrays and generator states go through nncore.codec (exact, and checked on the way back); a
divergence's non-finite loss is written as "nan", "inf" or "-inf", so the whole state is
strict JSON.

Loading is checked whole before a Trainer exists: every field's type, every array's dtype and
shape (from its header, before its bytes are decoded), sizes against limits, finiteness, the
labels against the classes, the train/test split against the points, the generator states,
the progress and the divergence record. A refusal is a ValueError (an ArgumentError) that
names the field, the value and what is allowed; nothing half-built is ever returned.

Points read from a dataset's files (MNIST: 70,000 images) are not written into the state: its
`data` is then a reference, {"source": {"dataset", "sha256", "points", "train"}}, and loading
reads the files again from the folder the caller names and checks that they are the same
(their content's SHA-256 and counts) before anything is built.
"""

import math
import numbers
import re

import numpy as np

from . import datasets, targets
from . import validation as check
from .codec import array_from_json, array_to_json, is_shape, rng_from_json, rng_to_json
from .validation import clip
from .config import FIELDS as CONFIG_FIELDS, Config
from .datasets import DATASETS, MAX_CLASSES
from .model import parameter_counts
from .records import Data

FORMAT = "nncore.trainer/1"
TASKS = ("classification", "regression")
# What a state may hold, unless the caller allows less (a server passes its own limits).
MAX_POINTS = 1_000_000
MAX_INPUTS = 4096
MAX_EXTENT = 1e6  # |lo|, |hi| of the input plane
MAX_STEP = 2**53  # steps, epochs, positions and the optimizer's t: whole numbers JSON keeps
MAX_MESSAGE = 2000  # characters of a divergence's message
MAX_POINTS_READ = datasets.MAX_SAMPLES  # points a state may name in a dataset's files
FIELDS = ("format", "config", "data", "theta", "batch_norm", "optimizer", "rng", "diverged",
          "progress")
OPTIONAL = ("diverged",)  # absent means None
DATA_FIELDS = ("X", "y", "train", "test", "task", "n_classes", "extent")
SOURCE_FIELDS = ("dataset", "sha256", "points", "train")  # data read from a dataset's files
DIVERGED_FIELDS = ("step", "loss", "what", "message")
NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


# -- saving ------------------------------------------------------------------------------------
def trainer_to_dict(tr):
    net, data, opt = tr.net, tr.data, tr.optimizer.state_dict()
    return {
        "format": FORMAT,
        "config": tr.config.to_dict(),
        "data": _data_to_json(data, tr.config),
        "theta": array_to_json(net.theta),
        "batch_norm": [[array_to_json(mean), array_to_json(var)]
                       for mean, var in net.batch_norm_state()],
        "optimizer": {"t": opt["t"],
                      "state": {name: [array_to_json(a) for a in arrays]
                                for name, arrays in opt["state"].items()}},
        "rng": {"shuffle": rng_to_json(tr.shuffle_rng), "dropout": rng_to_json(net.dropout_rng)},
        "diverged": _diverged_to_json(tr.diverged),
        "progress": {"step": tr.step_count, "epoch": tr.epoch, "position": tr.position,
                     "perm": None if tr.perm is None else array_to_json(tr.perm)},
    }


def _data_to_json(data, config):
    if data.source is not None:  # read from files: named, not copied
        return {"source": {**data.source, "points": len(data.y), "train": len(data.train)}}
    bundled = _bundled(data, config)
    if bundled is not None:
        return {"source": bundled}
    return {"X": array_to_json(data.X), "y": array_to_json(data.y),
            "train": array_to_json(data.train), "test": array_to_json(data.test),
            "task": data.task, "n_classes": data.n_classes,
            "extent": [float(v) for v in data.extent]}


def _bundled(data, config):
    """The digits named instead of copied (1.3 MB of JSON): when `data` is exactly the bundled
    digits (the very arrays datasets.read_digits gives) split as the config's train_ratio and
    data_seed split them, so that loading can make the same Data again; else None."""
    if config.dataset != "digits":
        return None
    try:
        read = datasets.read_digits()
    except ValueError:
        return None
    if data.X is not read.X or data.y is not read.y:
        return None
    train, test = datasets.split(len(read.y), config.train_ratio, config.data_seed)
    if not (np.array_equal(train, data.train) and np.array_equal(test, data.test)):
        return None
    return {"dataset": "digits", "sha256": read.sha256, "points": len(read.y),
            "train": len(train)}


def _diverged_to_json(diverged):
    if diverged is None:
        return None
    loss = float(diverged["loss"])
    return {**diverged, "loss": loss if math.isfinite(loss) else str(loss)}


# -- loading -----------------------------------------------------------------------------------
def trainer_from_dict(cls, d, max_points=MAX_POINTS, max_inputs=MAX_INPUTS, folders=None):
    """A Trainer equal to the one that wrote `d`; ValueError naming the first bad field.

    max_points and max_inputs bound the data a state holds; they are checked (with every
    array's size) before anything large is decoded or built. Data a state names instead
    (MNIST) is read from `folders` ({dataset: folder}, as Trainer takes them) and checked
    against the state's fingerprint; datasets.MissingFiles says which files are missing.
    """
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        got = d.get("format") if isinstance(d, dict) else type(d).__name__
        raise check.ArgumentError("format", clip(got), repr(FORMAT),
                                  f"state.format must be {FORMAT!r}; got {clip(got)!r}")
    _fields(d, "state", FIELDS, OPTIONAL)
    config = config_from_json(d["config"])
    if isinstance(d["data"], dict) and "source" in d["data"]:
        data = _data_from_source(d["data"], config, folders or {})
    else:
        data = _data_from_json(d["data"], max_points, max_inputs)
    n_params = parameter_count(config, data)
    dtype = config.dtype
    dims = d["theta"].get("shape") if isinstance(d["theta"], dict) else None
    if is_shape(dims) and dims != [n_params]:
        raise check.ArgumentError("theta.shape", clip(dims), f"[{n_params}]",
                                  f"theta has shape {clip(dims)}; this config's network has "
                                  f"{n_params} values, shape [{n_params}]")
    theta = array_from_json(d["theta"], "theta", dtype, (n_params,))
    batch_norm = _batch_norm_from_json(d["batch_norm"], config, dtype)
    optimizer = _optimizer_from_json(d["optimizer"], dtype, n_params)
    rng = d["rng"]
    _fields(rng, "rng", ("shuffle", "dropout"))
    progress = d["progress"]
    _fields(progress, "progress", ("step", "epoch", "position", "perm"))
    perm = progress["perm"]
    if perm is not None:
        perm = array_from_json(perm, "progress.perm", "int64", (len(data.train),))
    return cls.restore(
        config, data, theta=theta, batch_norm=batch_norm, optimizer=optimizer,
        shuffle_rng=rng_from_json(rng["shuffle"], "rng.shuffle"),
        dropout_rng=rng_from_json(rng["dropout"], "rng.dropout"),
        progress={"step": progress["step"], "epoch": progress["epoch"],
                  "position": progress["position"], "perm": perm},
        diverged=d.get("diverged"), max_points=max_points, max_inputs=max_inputs,
        folders=folders)


def _fields(d, field, names, optional=()):
    """`d` is an object holding `names` (all but the optional ones), and nothing else."""
    if not isinstance(d, dict):
        raise check.ArgumentError(field, clip(d), f"an object with {', '.join(names)}",
                                  f"state is missing or has a malformed field: {field} must "
                                  f"be an object with {', '.join(names)}; got "
                                  f"{type(d).__name__}")
    for name in names:
        if name not in d and name not in optional:
            raise check.ArgumentError(f"{field}.{name}" if field != "state" else name, None,
                                      "this field is required",
                                      f"state is missing or has a malformed field: {name!r} is "
                                      f"missing from {field}, which needs "
                                      f"{', '.join(names)}")
    unknown = [k for k in d if k not in names]
    if unknown:
        raise check.ArgumentError(f"{field}.{clip(unknown[0])}", None,
                                  f"only {', '.join(names)}",
                                  f"{field} has an unknown field {clip(unknown[0])!r}; "
                                  f"allowed: {', '.join(names)}")


def config_from_json(cfg):
    """The Config a state saved: every field present and checked (Config names a bad one)."""
    if isinstance(cfg, dict):
        unknown = [k for k in cfg if k not in CONFIG_FIELDS]
        if unknown:
            raise check.ArgumentError(clip(unknown[0]), None, ", ".join(CONFIG_FIELDS),
                                      f"{clip(unknown[0])!r} is not a config field; allowed: "
                                      f"{', '.join(CONFIG_FIELDS)}")
    _fields(cfg, "config", CONFIG_FIELDS)
    return Config(**cfg)


def _data_from_json(dd, max_points, max_inputs):
    _fields(dd, "data", DATA_FIELDS)
    X = dd["X"]
    dims = X.get("shape") if isinstance(X, dict) else None
    if is_shape(dims) and len(dims) == 2:
        _check_size("data.X", dims[0], dims[1], max_points, max_inputs)
    X = array_from_json(X, "data.X", "float64", (None, None))
    n = X.shape[0]
    task = check.choice("data.task", dd["task"], TASKS)
    y = array_from_json(dd["y"], "data.y", "int64" if task == "classification" else "float64",
                        (n,))
    train = array_from_json(dd["train"], "data.train", "int64", (None,), n)
    test = array_from_json(dd["test"], "data.test", "int64", (n - len(train),))
    extent = _check_extent(dd["extent"])
    data = Data(X, y, train, test, task, dd["n_classes"], extent)
    check_data(data, max_points, max_inputs)
    return data


def _data_from_source(dd, config, folders):
    """The points a state names (a dataset's files), read again and checked to be the ones
    it was saved with."""
    _fields(dd, "data", ("source",))
    source = dd["source"]
    _fields(source, "data.source", SOURCE_FIELDS)
    named = tuple(name for name, spec in DATASETS.items() if spec.files) + ("digits",)
    name = check.choice("data.source.dataset", source["dataset"], named)
    if config.dataset != name:
        raise check.ArgumentError("data.source.dataset", name, f"the config's dataset, "
                                  f"{config.dataset!r}", f"data.source.dataset={name!r} "
                                  f"but config.dataset={config.dataset!r}; they must agree")
    sha = source["sha256"]
    if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
        raise check.ArgumentError("data.source.sha256", clip(sha), "64 hexadecimal digits",
                                  f"data.source.sha256={clip(sha)!r} must be 64 lowercase "
                                  "hexadecimal digits (a SHA-256)")
    points = check.integer("data.source.points", source["points"], 1, MAX_POINTS_READ)
    train = check.integer("data.source.train", source["train"], 0, points)
    if name == "digits":  # bundled with scikit-learn, split by the config's seed
        read, spec = datasets.read_digits(), DATASETS[name]
        split = datasets.split(len(read.y), config.train_ratio, config.data_seed)
        data = Data(read.X, read.y, *split, spec.task, spec.n_classes, spec.extent)
        here = read.sha256
    else:
        data = datasets.file_data(name, folders.get(name))
        here = data.source["sha256"]
    if here != sha or len(data.y) != points or len(data.train) != train:
        title = DATASETS[name].title or name
        raise check.ArgumentError(
            "data.source.sha256", sha, f"the files of this machine's {title}, sha256 {here}",
            f"this run was saved with other {title} files than those here (sha256 "
            f"{sha[:12]}…, {points} points of which {train} for training; here {here[:12]}…, "
            f"{len(data.y)} of which {len(data.train)}): it cannot be replayed on these")
    return data


_EXTENT_ALLOWED = f"[lo, hi]: two finite numbers, lo < hi, each within ±{MAX_EXTENT:g}"


def _check_size(field, n, d, max_points, max_inputs):
    if n > max_points:
        raise check.ArgumentError(field, n, f"at most {max_points} points",
                                  f"{field} holds {n} points; at most {max_points} are allowed")
    if not 1 <= d <= max_inputs:
        raise check.ArgumentError(field, d, f"1 to {max_inputs} inputs",
                                  f"{field} has {d} inputs per point; allowed 1 to {max_inputs}")


def _batch_norm_from_json(items, config, dtype):
    widths = list(config.hidden_layers) if config.batch_norm else []
    if not isinstance(items, list) or len(items) != len(widths):
        raise check.ArgumentError(
            "batch_norm", clip(items), f"a list of {len(widths)} [mean, var] pairs",
            f"batch_norm must list {len(widths)} [running mean, running variance] pairs, one "
            f"per batch-norm layer of this config; got {clip(items)}")
    out = []
    for l, (pair, n) in enumerate(zip(items, widths)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise check.ArgumentError(f"batch_norm[{l}]", clip(pair), "[mean, var]",
                                      f"batch_norm[{l}] must be a [mean, var] pair")
        out.append(tuple(array_from_json(a, f"batch_norm[{l}].{part}", dtype, (n,))
                         for a, part in zip(pair, ("mean", "var"))))
    return out


def _optimizer_from_json(opt, dtype, n_params):
    _fields(opt, "optimizer", ("t", "state"))
    state = opt["state"]
    if not isinstance(state, dict):
        raise check.ArgumentError("optimizer.state", clip(state), "an object of buffers",
                                  "optimizer.state must be an object of buffers")
    buffers = {}
    for name, arrays in state.items():
        if not isinstance(arrays, list) or len(arrays) != 1:
            raise check.ArgumentError(f"optimizer.{clip(name)}", clip(arrays),
                                      "a list of one array",
                                      f"optimizer.{clip(name)} must be a list of one array "
                                      "(a Trainer's optimizer updates one flat vector)")
        buffers[name] = [array_from_json(arrays[0], f"optimizer.{clip(name)}", dtype,
                                         (n_params,))]
    return {"t": opt["t"], "state": buffers}


# -- what a state must be (restore checks these before it builds anything) ---------------------
def parameter_count(config, data):
    """How many values `theta` holds for this config on this data (MLP lays them out: every
    weight matrix, then per layer its bias, or batch norm's γ and β)."""
    n_in = len(config.features) if data.is_plane else data.X.shape[1]
    n_out = targets.n_outputs(data.task, data.n_classes, config.output_activation)
    sizes = [n_in, *config.hidden_layers, n_out]
    hidden = len(sizes) - 2
    layers = [(a, b, config.bias and not (config.batch_norm and l < hidden),
               config.batch_norm and l < hidden)
              for l, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]
    return sum(parameter_counts(layers))


def check_data(data, max_points=MAX_POINTS, max_inputs=MAX_INPUTS):
    """Raise ArgumentError unless `data` is a dataset a Trainer can train on and show: finite
    points within the limits, labels that fit the task and the classes, a train/test split
    that uses every point once, and an extent of the plane."""
    if not isinstance(data, Data):
        raise check.ArgumentError("data", type(data).__name__, "a Data",
                                  f"data must be a Data; got {type(data).__name__}")
    X, y = data.X, data.y
    if not isinstance(X, np.ndarray) or X.ndim != 2 or X.dtype != np.float64:
        raise check.ArgumentError("data.X", clip(getattr(X, "shape", X)),
                                  "an (N, d) float64 array", "data.X must be an (N, d) float64 "
                                  "array")
    n = X.shape[0]
    if data.source is None:  # points read from this machine's files are not the state's
        _check_size("data.X", n, X.shape[1], max_points, max_inputs)
    _finite("data.X", X)
    task = check.choice("data.task", data.task, TASKS)
    label_dtype = np.int64 if task == "classification" else np.float64
    if not isinstance(y, np.ndarray) or y.shape != (n,) or y.dtype != label_dtype:
        raise check.ArgumentError("data.y", clip(getattr(y, "shape", y)),
                                  f"({n},) {np.dtype(label_dtype).name}",
                                  f"data.y must hold {n} {np.dtype(label_dtype).name} labels, "
                                  "one per point")
    if task == "classification":
        k = check.integer("data.n_classes", data.n_classes, 2, MAX_CLASSES)
        if n and (y.min() < 0 or y.max() >= k):
            bad = int(y[(y < 0) | (y >= k)][0])
            raise check.ArgumentError("data.y", bad, f"class labels 0 to {k - 1}",
                                      f"data.y holds the label {bad}; with data.n_classes={k} "
                                      f"the labels are 0 to {k - 1}")
    else:
        check.integer("data.n_classes", data.n_classes, 0, 0)
        _finite("data.y", y)
    _check_split(data.train, data.test, n)
    _check_extent(data.extent)
    return data


def _finite(field, A):
    if not np.isfinite(A).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(A))[0])
        raise check.ArgumentError(field, str(A[where]), "finite numbers",
                                  f"{field} holds {A[where]} at index {where}; every value "
                                  "must be a finite number")


def _check_split(train, test, n):
    """train and test together list every point index once."""
    for field, idx in (("data.train", train), ("data.test", test)):
        if not isinstance(idx, np.ndarray) or idx.ndim != 1 or idx.dtype != np.int64:
            raise check.ArgumentError(field, clip(getattr(idx, "shape", idx)),
                                      "a 1-D int64 array of point indices",
                                      f"{field} must be a 1-D int64 array of point indices")
        if idx.size and (idx.min() < 0 or idx.max() >= n):
            bad = int(idx[(idx < 0) | (idx >= n)][0])
            raise check.ArgumentError(field, bad, f"indices 0 to {n - 1}",
                                      f"{field} holds the index {bad}; the points are 0 to "
                                      f"{n - 1}")
    seen = np.bincount(np.concatenate([train, test]), minlength=n)  # (n,)
    if (seen != 1).any():
        i = int(np.flatnonzero(seen != 1)[0])
        why = "in neither" if seen[i] == 0 else "more than once in"
        raise check.ArgumentError("data.train", i, "train and test together list every point "
                                  "once", f"point {i} is {why} data.train and data.test; "
                                  "together they must list every point exactly once")


def _check_extent(extent):
    """(lo, hi) as floats, or ArgumentError."""
    ok = isinstance(extent, (tuple, list)) and len(extent) == 2 and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in extent)
    if ok:
        try:
            lo, hi = float(extent[0]), float(extent[1])
        except OverflowError:  # a whole number too large for a float
            ok = False
    if not ok or not (-MAX_EXTENT <= lo < hi <= MAX_EXTENT):
        shown = clip(list(extent) if isinstance(extent, tuple) else extent)
        raise check.ArgumentError("data.extent", shown, _EXTENT_ALLOWED,
                                  f"data.extent={shown} must be {_EXTENT_ALLOWED}")
    return lo, hi


def check_progress(progress, n_train, t):
    """The checked progress {"step", "epoch", "position", "perm"} of a run with n_train
    training points whose optimizer has taken t steps."""
    if not isinstance(progress, dict) or set(progress) != {"step", "epoch", "position", "perm"}:
        raise check.ArgumentError("progress", clip(progress),
                                  "an object with step, epoch, position and perm",
                                  "progress must be an object with step, epoch, position and "
                                  "perm")
    step = check.integer("progress.step", progress["step"], 0, MAX_STEP)
    epoch = check.integer("progress.epoch", progress["epoch"], 0, step)
    position = check.integer("progress.position", progress["position"], 0, MAX_STEP)
    if position >= max(n_train, 1):
        raise check.ArgumentError("progress.position", position,
                                  f"0 to {max(n_train - 1, 0)}",
                                  f"progress.position={position} is outside the training set "
                                  f"(0 to {max(n_train - 1, 0)})")
    check.integer("optimizer.t", t, 0, step)
    perm = progress["perm"]
    if perm is not None:
        if (not isinstance(perm, np.ndarray) or perm.shape != (n_train,)
                or perm.dtype != np.int64
                or not np.array_equal(np.sort(perm), np.arange(n_train))):
            raise check.ArgumentError("progress.perm", clip(getattr(perm, "shape", perm)),
                                      f"a permutation of 0 to {n_train - 1}",
                                      "progress.perm is not a permutation of the training set "
                                      f"(0 to {n_train - 1})")
    return {"step": step, "epoch": epoch, "position": position, "perm": perm}


def check_diverged(diverged, step):
    """None, or the record of a refused step: {"step", "loss", "what", "message"} with the
    loss a number or "nan", "inf", "-inf". Returned with the loss as a float."""
    if diverged is None:
        return None
    allowed = ('null or {"step": whole number, "loss": number or "nan"/"inf"/"-inf", '
               '"what": "loss" or "gradient", "message": text}')
    if not isinstance(diverged, dict) or set(diverged) != set(DIVERGED_FIELDS):
        raise check.ArgumentError("diverged", clip(diverged), allowed,
                                  f"diverged={clip(diverged)} must be {allowed}")
    check.integer("diverged.step", diverged["step"], 1, step + 1)
    loss = diverged["loss"]
    if isinstance(loss, str) and loss in NON_FINITE:
        loss = NON_FINITE[loss]
    elif isinstance(loss, numbers.Real) and not isinstance(loss, bool):
        try:
            loss = float(loss)
        except OverflowError:
            raise check.ArgumentError("diverged.loss", clip(loss),
                                      'a number or "nan", "inf", "-inf"',
                                      f"diverged.loss={clip(loss)} is too large for a "
                                      "number") from None
    else:
        raise check.ArgumentError("diverged.loss", clip(loss),
                                  'a number or "nan", "inf", "-inf"',
                                  f"diverged.loss={clip(loss)} must be a number or "
                                  '"nan", "inf", "-inf"')
    what = check.choice("diverged.what", diverged["what"], ("loss", "gradient"))
    message = diverged["message"]
    if not isinstance(message, str) or len(message) > MAX_MESSAGE:
        raise check.ArgumentError("diverged.message", clip(message),
                                  f"text of at most {MAX_MESSAGE} characters",
                                  f"diverged.message must be text of at most {MAX_MESSAGE} "
                                  "characters")
    return {"step": int(diverged["step"]), "loss": loss, "what": what, "message": message}
