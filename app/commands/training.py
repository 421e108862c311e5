"""Commands that run the training and change its settings."""

from nncore import Config, Trainer
from nncore.config import CUSTOM

from .. import protocol, replies, schema
from ..compare import Comparison
from ..lifecycle import IllegalState, State
from ..pacing import Pace
from ..presets import PRESETS
from . import command, plain


@command("play")
def play(s, c):
    tr = s.trainer
    if s.state is State.DIVERGED:
        raise IllegalState(f"training diverged at step {tr.diverged['step']}; lower the "
                           "learning rate (set) or reset before playing")
    if tr.n_train == 0:
        raise IllegalState("the training set is empty: draw or load points first")
    s.life.go("play")
    s.pending_steps = 0
    s.pace.restart()


@command("pause", moves_weights=False)
def pause(s, c):
    s.life.go("pause")
    s.pending_steps = 0


@command("step")
def step(s, c):
    if s.state is State.RUNNING:
        raise IllegalState("step needs a paused session; it is running (pause first)")
    if s.state is State.DIVERGED:
        raise IllegalState("training diverged; lower the learning rate (set) or reset first")
    tr = s.trainer
    if tr.n_train == 0:
        raise IllegalState("the training set is empty: draw or load points first")
    s.pending_steps = tr.steps_left_in_epoch if c.epoch else c.n
    s.pending_step_id = c.id
    return {"pending": s.pending_steps}


@command("reset")
def reset(s, c):
    s.trainer.reset()
    if s.compare is not None:
        s.compare.reset()
    s.life.go("recover")
    s.adopt(s.trainer, data_changed=False, keep_compare=True)
    return {"rebuilt": True}


@command("speed", logged=False, moves_weights=False)
def speed(s, c):
    s.pace.set(c.steps_per_second)
    return {"speed": c.steps_per_second}


# -- settings ---------------------------------------------------------------------------------
@command("set")
def set_(s, c):
    changes = schema.validate_changes(c.config)
    tr = s.trainer
    if tr.config.dataset == CUSTOM and changes.get("dataset") is None:
        changes.pop("dataset", None)
    before = tr.config
    report = tr.set(**changes)
    s.life.go("recover")
    if report.rebuilt:
        s.adopt(tr, report.data_changed)
    else:
        if s.compare is not None:
            s.compare.set_live(report.changed)
        if report.changed:
            s.record.changed(tr.step_count, "set", {
                k: (plain(getattr(before, k)), plain(v)) for k, v in report.changed.items()})
    return {"changed": replies.jsonsafe(report.changed), "rebuilt": report.rebuilt,
            "adjusted": report.adjusted, "note": report.note}


@command("regenerate_data")
def regenerate_data(s, c):
    if s.trainer.config.dataset == CUSTOM:
        raise ValueError("regenerate_data applies to generated datasets; this session trains "
                         "on your own points (choose a dataset first)")
    seed = (s.trainer.config.data_seed + 1) % 2**31
    return set_(s, protocol.Set(type="set", config={"data_seed": seed}))


@command("preset")
def preset(s, c):
    p = PRESETS.get(c.name)
    if p is None:
        raise replies.ProtocolError("invalid_value", f"{c.name!r} is not a preset", "name",
                                     c.name, "one of: " + ", ".join(PRESETS))
    config = Config(**p["config"])
    trainer = Trainer(config, folders=s.folders)
    comparison = Comparison(config, p["compare"]) if p.get("compare") else None
    s.life.go("restart")
    s.adopt(trainer)
    s.compare = comparison
    s.pace.set(p.get("speed", Pace.DEFAULT))
    return {"rebuilt": True, "preset": c.name, "speed": s.pace.shown}


@command("fps", logged=False, moves_weights=False)
def fps(s, c):
    s.cadence.fps = c.fps
    return {"fps": c.fps}


@command("frames", logged=False, moves_weights=False)
def frame_mode(s, c):
    s.set_frame_mode(c.mode)
    return {"mode": c.mode, "lean": s.lean}


@command("density", logged=False, moves_weights=False)
def density(s, c):
    s.neuron_density, s.output_density = c.neuron, c.output
    s.refresh_probe()
    s.network_version += 1
    s.push_network()
    return {"neuron_density": s.probe.neuron_density if s.probe else None,
            "output_density": c.output}


@command("select_sample", logged=False, moves_weights=False)
def select_sample(s, c):
    if c.index is not None:
        s.trainer.sample(c.index)  # checks the index
    s.selected = c.index
    return {"selected": c.index}
