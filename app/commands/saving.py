"""Commands that save a session's whole state and load it back."""

from nncore import Trainer
from nncore.config import CUSTOM

from .. import protocol, schema
from ..limits import LIMITS
from . import command


@command("export", logged=False, moves_weights=False)
def export_state(s, c):
    return {"reply": {"type": "state", "state": s.export()}}


@command("import", logged=False)
def import_state(s, c):
    state = c.state
    if state.get("format") != "nnplay.session/1" or not isinstance(state.get("trainer"), dict):
        raise protocol.ProtocolError("invalid_value", "state must be an export of nnplay "
                                     "(format 'nnplay.session/1')", "state.format",
                                     state.get("format"), "'nnplay.session/1'")
    cfg = state["trainer"].get("config")
    if isinstance(cfg, dict):  # the schema's limits apply to imports too (custom data is the
        # one dataset a session may hold without choosing it)
        schema.validate_changes({k: v for k, v in cfg.items()
                                 if not (k == "dataset" and v == CUSTOM)})
    try:
        trainer = Trainer.from_dict(state["trainer"])
    except ValueError:
        raise
    except Exception as e:  # a hostile state must not reach past this point
        raise ValueError(f"state could not be loaded: {type(e).__name__}: {e}") from None
    if len(trainer.data.y) > LIMITS["max_points"]:
        raise ValueError(f"state holds {len(trainer.data.y)} points; at most "
                         f"{LIMITS['max_points']} are allowed")
    s.life.go("restart")
    s.adopt(trainer)
    s.record.restore(state.get("history"), state.get("log"), state.get("log_truncated"))
    if trainer.step_count:
        s.record.note = (f"this run was loaded from a file at step {trainer.step_count}; the "
                         "script starts from step 0 and cannot know what happened before")
    return {"rebuilt": True, "step": trainer.step_count}
