"""Commands of the teaching tools: the step-through of one training step, and the code."""

import numpy as np

from nncore import export, probes

from .. import replies
from ..lifecycle import IllegalState
from . import command


@command("explain", logged=False, moves_weights=False)
def explain(s, c):
    tr = s.trainer
    x, Y = tr.sample(c.index)
    traced, after = probes.step_through(tr.net, x, Y, tr.config.learning_rate)
    s.life.go("stop")
    s.pending_steps = 0
    s.selected = c.index
    s.explained = {"theta": tr.net.theta.copy(), "after": after}
    net = tr.net
    layers = []
    for layer, t, a in zip(net.layers, traced["layers"], after):
        entry = {"W": layer.W, "b": layer.b, "a_prev": t["a_prev"], "z": t["z"], "a": t["a"],
                 "phi_prime": t["phi_prime"], "delta": t["delta"], "dW": t["dW"],
                 "db": t["db"], "W_after": a["W"], "b_after": a.get("b")}
        layers.append({k: None if v is None else replies.jsonsafe(np.asarray(v).tolist())
                       for k, v in entry.items()})
    return {"reply": replies.jsonsafe({
        "type": "explanation", "index": c.index,
        "train_point": bool(np.isin(c.index, tr.data.train)), "step": tr.step_count,
        "x": np.asarray(x).tolist(), "y": np.asarray(Y).tolist(),
        "y_hat": traced["y_hat"].tolist(), "loss": traced["loss"], "loss_name": net.loss_name,
        "activation": net.activation, "output_activation": net.output_activation,
        "learning_rate": tr.config.learning_rate, "l1": net.l1, "l2": net.l2,
        "input_names": tr.input_names, "optimizer": tr.config.optimizer,
        "dropout": tr.config.dropout, "layers": layers})}


@command("explain_apply")
def explain_apply(s, c):
    tr, ex = s.trainer, s.explained
    if ex is None or not np.array_equal(ex["theta"], tr.net.theta):
        raise IllegalState("there is no explained step to apply, or the network changed since "
                           "it was explained: explain again")
    step = tr.step_count
    tr.apply_step(ex["after"])  # a step of the run: the counter advances
    s.record.changed(step, "sgd", {"after": [
        {k: v.tolist() for k, v in layer.items()} for layer in ex["after"]]})
    return {"applied_step": True}


def stages(net):
    """How many stages a page's walk of an explained step of `net` has (explain.js): each layer
    forward, the loss, the output's error, each hidden layer's error back, each layer's
    gradient, and the update."""
    L = len(net.layers)
    return L + 2 + (L - 1) + L + 1


@command("explain_stage", logged=False, moves_weights=False)
def explain_stage(s, c):
    """The page shows stage `c.stage` of the explained step; a room's followers' pages are
    told by the `applied` reply (audience.py), and show the same stage."""
    if s.explained is None:
        raise IllegalState("there is no explained step to walk: explain one first")
    n = stages(s.trainer.net)
    if c.stage >= n:
        raise replies.ProtocolError("invalid_value", f"stage {c.stage} is past this step's "
                                    f"last ({n - 1}: {n} stages)", "stage", c.stage,
                                    f"0 to {n - 1}", c.type, c.id)
    return {"stage": c.stage, "stages": n}


@command("export_code", logged=False, moves_weights=False)
def export_code(s, c):
    code = export.script(s.trainer, s.record.schedule, language=c.lang)
    return {"reply": {"type": "code", "code": code, "steps": s.trainer.step_count,
                      "exact": s.record.note is None, "note": s.record.note}}
