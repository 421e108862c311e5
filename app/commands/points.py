"""Commands that edit the network's weights and the data's points."""

import numpy as np

from nncore import datasets

from .. import record, replies
from ..limits import LIMITS
from . import command


@command("set_weight")
def set_weight(s, c):
    s.trainer.set_weight(c.layer, c.source, c.target, c.value)
    s.record.changed(s.trainer.step_count, "weight", {
        "layer": c.layer, "source": c.source, "target": c.target, "value": c.value})


@command("set_bias")
def set_bias(s, c):
    s.trainer.set_bias(c.layer, c.neuron, c.value)
    s.record.changed(s.trainer.step_count, "bias", {
        "layer": c.layer, "neuron": c.neuron, "value": c.value})


def _points_changed(s, rebuilt):
    """After points were added, removed or loaded: the network was rebuilt, or kept."""
    tr = s.trainer
    if rebuilt:
        s.life.go("recover")
        s.adopt(tr)
    else:
        s.data_changed()
        if tr.step_count:
            s.record.note = record.NOTES["points"]
    if tr.n_train == 0:
        s.life.go("stop")
    return {"count": len(tr.data.y), "rebuilt": bool(rebuilt)}


def _plane_only(s, what):
    if not s.trainer.data.is_plane:
        raise ValueError(f"points can be {what} only on 2-D data; this dataset has "
                         f"{s.trainer.data.X.shape[1]} inputs")


@command("add_point")
def add_point(s, c):
    tr = s.trainer
    _plane_only(s, "drawn")
    if len(tr.data.y) >= LIMITS["max_points"]:
        raise replies.ProtocolError("limit", f"the dataset already has {len(tr.data.y)} "
                                     "points, the most allowed", "x", c.x,
                                     f"at most {LIMITS['max_points']} points")
    tr.add_point(c.x, c.label, c.split == "train")
    return _points_changed(s, rebuilt=False)


@command("remove_point")
def remove_point(s, c):
    tr = s.trainer
    index = tr.nearest(c.x, c.radius)
    if index is None:
        raise ValueError(f"no point lies within {c.radius:g} of {c.x}")
    tr.remove_near(c.x, c.radius)
    return _points_changed(s, rebuilt=False) | {"removed": index}


@command("clear_points")
def clear_points(s, c):
    s.trainer.clear_points()
    return _points_changed(s, rebuilt=False)


@command("load_csv")
def load_csv(s, c):
    X, y = datasets.parse_csv(c.text, LIMITS["max_csv_rows"], LIMITS["max_csv_columns"])
    report = s.trainer.replace_data(X, y)
    _points_changed(s, report.rebuilt)
    return {"count": len(y), "inputs": X.shape[1], "rebuilt": True,
            "task": s.trainer.data.task, "adjusted": report.adjusted, "note": report.note}


@command("try_input", logged=False, moves_weights=False)
def try_input(s, c):
    tr = s.trainer
    if c.x is None:
        s.tried = None
        return {"tried": False}
    if tr.data.is_plane:
        raise ValueError("try_input is for data that is not 2-D (e.g. a drawn digit); on the "
                         "plane, draw points instead")
    n = tr.inputs.shape[1]
    if len(c.x) != n:
        raise replies.ProtocolError("invalid_value", f"x has {len(c.x)} values; this network "
                                    f"takes {n} inputs", "x", f"<{len(c.x)} values>",
                                    f"a list of {n} numbers")
    s.tried = np.array(c.x, np.float64)
    return {"tried": True}
