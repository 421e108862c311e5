"""A Trainer's whole state as JSON-safe data, restored bit for bit.

Arrays travel as {"dtype", "shape", "data": base64 of the little-endian bytes}, so every float
survives exactly. Random generator states hold 128-bit integers, which are written as strings
because JavaScript's JSON would round them.
"""

import base64

import numpy as np

from .config import Config
from .records import Data

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
    net, data, opt = tr.net, tr.data, tr.optimizer.state_dict()
    return {
        "format": FORMAT,
        "config": tr.config.to_dict(),
        "data": {"X": array_to_json(data.X), "y": array_to_json(data.y),
                 "train": array_to_json(data.train), "test": array_to_json(data.test),
                 "task": data.task, "n_classes": data.n_classes, "extent": list(data.extent)},
        "theta": array_to_json(net.theta),
        "batch_norm": [[array_to_json(mean), array_to_json(var)]
                       for mean, var in net.batch_norm_state()],
        "optimizer": {"t": opt["t"],
                      "state": {name: [array_to_json(a) for a in arrays]
                                for name, arrays in opt["state"].items()}},
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
        data = _data_from_json(d["data"])
        opt, p = d["optimizer"], d["progress"]
        return cls.restore(
            config, data, theta=array_from_json(d["theta"], "theta"),
            batch_norm=[(array_from_json(mean, "batch_norm"), array_from_json(var, "batch_norm"))
                        for mean, var in d["batch_norm"]],
            optimizer={"t": opt["t"], "state": {
                name: [array_from_json(a, f"optimizer.{name}") for a in arrays]
                for name, arrays in opt["state"].items()}},
            shuffle_rng=_rng_from_json(d["rng"]["shuffle"], "rng.shuffle"),
            dropout_rng=_rng_from_json(d["rng"]["dropout"], "rng.dropout"),
            progress={"step": p["step"], "epoch": p["epoch"], "position": p["position"],
                      "perm": None if p["perm"] is None
                      else array_from_json(p["perm"], "progress.perm")},
            diverged=d.get("diverged"))
    except (KeyError, TypeError, IndexError, AttributeError) as e:
        raise ValueError(f"state is missing or has a malformed field: {e}") from None


def _data_from_json(dd):
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
    return data
