"""A Trainer's whole state as JSON-safe data, restored bit for bit.

Arrays travel as {"dtype", "shape", "data": base64 of the little-endian bytes}, so every float
survives exactly. Random generator states hold 128-bit integers, which are written as strings
because JavaScript's JSON would round them.
"""

import base64

import numpy as np

from .config import Config
from .trainer import Data

FORMAT = "nncore.trainer/1"
ALLOWED_DTYPES = ("float64", "float32", "int64", "bool")


def array_to_json(A):
    A = np.ascontiguousarray(A)
    le = A.astype(A.dtype.newbyteorder("<"), copy=False)
    return {"dtype": A.dtype.name, "shape": list(A.shape),
            "data": base64.b64encode(le.tobytes()).decode("ascii")}


def array_from_json(d, field="array"):
    if not isinstance(d, dict) or set(d) != {"dtype", "shape", "data"}:
        raise ValueError(f"{field} must be an object with dtype, shape and data")
    if d["dtype"] not in ALLOWED_DTYPES:
        raise ValueError(f"{field}.dtype={d['dtype']!r} is not allowed; allowed: "
                         f"{', '.join(ALLOWED_DTYPES)}")
    shape = d["shape"]
    if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape):
        raise ValueError(f"{field}.shape={shape!r} must be a list of sizes")
    try:
        raw = base64.b64decode(d["data"], validate=True)
    except (ValueError, TypeError):
        raise ValueError(f"{field}.data is not valid base64") from None
    dtype = np.dtype(d["dtype"]).newbyteorder("<")
    if len(raw) != dtype.itemsize * int(np.prod(shape)):
        raise ValueError(f"{field}.data holds {len(raw)} bytes; shape {shape} of {d['dtype']} "
                         f"needs {dtype.itemsize * int(np.prod(shape))}")
    return np.frombuffer(raw, dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def _rng_to_json(rng):
    state = rng.bit_generator.state
    return {"bit_generator": state["bit_generator"],
            "state": {k: str(v) for k, v in state["state"].items()},
            "has_uint32": state["has_uint32"], "uinteger": str(state["uinteger"])}


def _rng_from_json(d, field):
    rng = np.random.default_rng()
    try:
        rng.bit_generator.state = {
            "bit_generator": d["bit_generator"],
            "state": {k: int(v) for k, v in d["state"].items()},
            "has_uint32": int(d["has_uint32"]), "uinteger": int(d["uinteger"])}
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise ValueError(f"{field} is not a PCG64 generator state: {e}") from None
    return rng


def trainer_to_dict(tr):
    net, data = tr.net, tr.data
    return {
        "format": FORMAT,
        "config": tr.config.to_dict(),
        "data": {"X": array_to_json(data.X), "y": array_to_json(data.y),
                 "train": array_to_json(data.train), "test": array_to_json(data.test),
                 "task": data.task, "n_classes": data.n_classes, "extent": list(data.extent)},
        "theta": array_to_json(net.theta),
        "batch_norm": [[array_to_json(layer.bn.running_mean), array_to_json(layer.bn.running_var)]
                       for layer in net._bn_layers],
        "optimizer": {"t": tr.optimizer.t,
                      "state": {name: [array_to_json(a) for a in arrays]
                                for name, arrays in tr.optimizer.state.items()}},
        "rng": {"shuffle": _rng_to_json(tr.shuffle_rng), "dropout": _rng_to_json(net.dropout_rng)},
        "diverged": tr.diverged,
        "progress": {"step": tr.step_count, "epoch": tr.epoch, "position": tr.position,
                     "perm": None if tr.perm is None else array_to_json(tr.perm)},
    }


def trainer_from_dict(cls, d):
    """A Trainer equal to the one that wrote `d`; ValueError naming the first bad field."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValueError(f"state.format must be {FORMAT!r}; got "
                         f"{d.get('format') if isinstance(d, dict) else type(d).__name__!r}")
    try:
        cfg = d["config"]
        config = Config(**{**cfg, "features": tuple(cfg["features"]),
                           "hidden_layers": tuple(cfg["hidden_layers"])})
        dd = d["data"]
        data = Data(array_from_json(dd["X"], "data.X"), array_from_json(dd["y"], "data.y"),
                    array_from_json(dd["train"], "data.train"),
                    array_from_json(dd["test"], "data.test"), dd["task"], int(dd["n_classes"]),
                    tuple(float(v) for v in dd["extent"]))
        n = len(data.y)
        if data.X.ndim != 2 or data.X.shape[0] != n or not np.isfinite(data.X).all():
            raise ValueError(f"data.X must be ({n}, d) finite numbers; got {data.X.shape}")
        for name, idx in (("data.train", data.train), ("data.test", data.test)):
            if idx.ndim != 1 or idx.dtype.kind not in "iu" or (idx.size and (
                    idx.min() < 0 or idx.max() >= n)):
                raise ValueError(f"{name} must list point indices from 0 to {n - 1}")
        tr = cls.__new__(cls)
        tr.config, tr.data = config, data
        tr._build()
        theta = array_from_json(d["theta"], "theta")
        if theta.shape != tr.net.theta.shape:
            raise ValueError(f"theta has {theta.size} values; this config's network has "
                             f"{tr.net.theta.size}")
        tr.net.theta[...] = theta
        for layer, (rm, rv) in zip(tr.net._bn_layers, d["batch_norm"]):
            layer.bn.running_mean[...] = array_from_json(rm, "batch_norm")
            layer.bn.running_var[...] = array_from_json(rv, "batch_norm")
        opt = d["optimizer"]
        tr.optimizer.t = int(opt["t"])
        state = {name: [array_from_json(a, f"optimizer.{name}") for a in arrays]
                 for name, arrays in opt["state"].items()}
        for name, arrays in state.items():
            if name not in tr.optimizer.buffers or [a.shape for a in arrays] != [
                    tr.net.theta.shape]:
                raise ValueError(f"optimizer.{name} does not fit this network's optimizer "
                                 f"({tr.optimizer.name}: {', '.join(tr.optimizer.buffers)} "
                                 f"of {tr.net.theta.size} values)")
        tr.optimizer.state = state
        tr.shuffle_rng = _rng_from_json(d["rng"]["shuffle"], "rng.shuffle")
        tr.net.dropout_rng = _rng_from_json(d["rng"]["dropout"], "rng.dropout")
        tr.diverged = d.get("diverged")
        p = d["progress"]
        tr.step_count, tr.epoch = int(p["step"]), int(p["epoch"])
        if p["perm"] is not None:
            tr.perm = array_from_json(p["perm"], "progress.perm")
            if sorted(tr.perm.tolist()) != list(range(tr.n_train)):
                raise ValueError("progress.perm is not a permutation of the training set")
            tr._Xs, tr._Ys = tr.X_train[tr.perm], tr.Y_train[tr.perm]
        tr.position = int(p["position"])
        if not 0 <= tr.position < max(tr.n_train, 1):
            raise ValueError(f"progress.position={tr.position} is outside the training set")
        return tr
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(f"state is missing or has a malformed field: {e}") from None
