"""Commands that save a session's whole state and load it back.

An import is checked whole before it touches the session, then applied at once:
  1. the session envelope (format, trainer) and the config, against the schema's limits;
  2. the trainer state, by nncore (`state.trainer_from_dict`): every field, every array's
     dtype and shape before it is decoded, at most max_points points of at most
     max_csv_columns − 1 inputs, labels, split, extent, generators, progress, divergence;
  3. the chart history and the log (malformed points, or a log that is not plain JSON within
     its limits, are dropped and the reply says so: they describe the run, they are not it);
  4. a rehearsal: a scratch session takes the state, builds a frame and exports it, and the
     export must fit max_import_bytes (what nnplay saves, it loads).
Any refusal is an error reply naming the field; the session is then exactly as it was.
"""

import json
from dataclasses import dataclass, replace

from nncore import Trainer, state as trainer_state
from nncore.config import CUSTOM
from nncore.validation import ArgumentError

from .. import record, replies, schema
from ..limits import LIMITS
from . import command

FORMAT = "nnplay.session/1"
# Room left, under max_import_bytes, for what surrounds a saved state when it is imported
# again ({"type": "import", "id": ...}) and for the chart point each later frame may add.
ENVELOPE_BYTES = 4096


@command("export", logged=False, moves_weights=False)
def export_state(s, c):
    return {"reply": {"type": "state", "state": s.export()}}


@dataclass
class SavedRun:
    """A checked import, ready to apply."""
    trainer: Trainer
    history: list
    log: list
    log_truncated: bool
    dropped: list  # what was left out of the history and the log, in words
    record_size: int  # bytes of the history and the log as JSON


@command("import", logged=False)
def import_state(s, c):
    saved = check_saved_run(s, c.state)
    rehearse(s, saved)
    take(s, saved)
    return {"rebuilt": True, "step": saved.trainer.step_count, "dropped": saved.dropped}


def check_saved_run(s, state):
    """The SavedRun `state` (an export) holds; ValueError or ProtocolError naming the field."""
    if state.get("format") != FORMAT or not isinstance(state.get("trainer"), dict):
        raise replies.ProtocolError("invalid_value", f"state must be an export of nnplay "
                                     f"(format {FORMAT!r})", "state.format",
                                     state.get("format"), repr(FORMAT))
    cfg = state["trainer"].get("config")
    if isinstance(cfg, dict):  # the schema's limits apply to imports too (custom data is the
        # one dataset a session may hold without choosing it)
        schema.validate_changes({k: v for k, v in cfg.items()
                                 if not (k == "dataset" and v == CUSTOM)})
    try:
        trainer = trainer_state.trainer_from_dict(
            Trainer, state["trainer"], max_points=LIMITS["max_points"],
            max_inputs=LIMITS["max_csv_columns"] - 1, folders=s.folders)
    except ValueError as e:
        if getattr(e, "field", None):
            raise
        raise ArgumentError("state.trainer", None, "a trainer state as nnplay exports it",
                            str(e)) from None
    except Exception as e:  # a hostile state must not reach past this point
        raise ArgumentError("state.trainer", None, "a trainer state as nnplay exports it",
                            f"state could not be loaded: {type(e).__name__}: "
                            f"{str(e)[:200]}") from None
    history, bad_points = record.checked_history(state.get("history"))
    log, log_truncated, log_dropped, log_size = record.checked_log(
        state.get("log"), state.get("log_truncated"))
    dropped = []
    if bad_points:
        dropped.append(f"{bad_points} chart point(s) that were malformed or beyond the "
                       f"{record.HISTORY_LIMIT} kept")
    if log_dropped:
        dropped.append("log entries that were not plain JSON within the log's limits "
                       f"({LIMITS['max_replay_log']} entries, {record.LOG_BYTES} bytes)")
    record_size = len(json.dumps(history)) + log_size
    return SavedRun(trainer, history, log, log_truncated, dropped, record_size)


def rehearse(s, saved):
    """Take the run in a scratch session like `s`, build a frame and export it: whatever the
    session will do with this state must work before the session itself is touched. (The
    history and the log are plain JSON once checked; the rehearsal leaves them out and adds
    their size.)"""
    try:
        trial = type(s)(s.settings, clock=s.clock)
        trial.neuron_density, trial.output_density = s.neuron_density, s.output_density
        trial.selected = s.selected
        take(trial, replace(saved, history=[], log=[]))
        trial.frame()
        trial.record.history = record.History()
        size = len(json.dumps(trial.export(), allow_nan=False)) + saved.record_size
    except Exception as e:  # a state the engine accepts but the session cannot show
        raise ArgumentError("state", None, "a run the session can show and save",
                            f"state loads but cannot be shown: {type(e).__name__}: "
                            f"{str(e)[:200]}") from None
    if size + ENVELOPE_BYTES > LIMITS["max_import_bytes"]:
        raise replies.ProtocolError(
            "too_large", f"this run would save to {size} bytes, more than an import may be "
            f"({LIMITS['max_import_bytes']} bytes)", "state", size,
            f"a run that saves to at most {LIMITS['max_import_bytes'] - ENVELOPE_BYTES} bytes")


def take(s, saved):
    """Apply a checked, rehearsed SavedRun to a session."""
    tr = saved.trainer
    s.life.go("restart")
    s.adopt(tr)
    if tr.diverged is not None:  # saved after a divergence: it still needs a change to go on
        s.life.go("diverge")
    s.record.restore(saved.history, saved.log, saved.log_truncated)
    s.record_timeline()  # its first checkpoint, with the record it came with
    if tr.step_count:
        s.record.note = record.NOTES["loaded"].format(step=tr.step_count)
