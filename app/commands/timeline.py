"""Commands of the run's timeline (app/timeline.py): view a past step, go back to the live run,
and branch: go on from a checkpoint with changed settings, the original kept as a saved run.

A branch is checked whole before the session changes: the step (a checkpoint at or before
it, not in the future), the settings (as `set` checks them, and only live ones: a setting
that rebuilds the network would not continue the checkpoint), the room's locks, and the
settings applied to a scratch copy of the checkpoint. Any refusal leaves the session as it
was.
"""

from nncore.config import LIVE

from .. import replies, schema
from ..lifecycle import IllegalState, State
from ..locks import labels
from ..timeline import MAX_KEPT, new_original
from . import command, plain


@command("view_step", logged=False, moves_weights=False, changes_run=False)
def view_step(s, c):
    checkpoint = s.timeline.checkpoint(c.step, s.trainer.step_count)
    s.timeline.look(checkpoint, s.probe_for)
    return {"view": {"step": checkpoint.step, "live_step": s.trainer.step_count}}


@command("view_end", logged=False, moves_weights=False, changes_run=False)
def view_end(s, c):
    return {"view": None, "was_viewing": s.timeline.end_view()}


@command("branch", logged=False)
def branch(s, c):
    tr = s.trainer
    if not s.saves:
        raise IllegalState("branch keeps the run as it is now as a saved run, and this server "
                           "saves none (it was started with --no-save); start it without "
                           "--no-save to branch")
    if s.pending_steps:
        raise IllegalState(f"a step command is under way ({s.pending_steps} steps to go): "
                           "branch when it is done")
    if len(s.kept) >= MAX_KEPT:
        raise IllegalState(f"the originals of {len(s.kept)} branches are still being saved: "
                           "branch again in a moment")
    checkpoint = s.timeline.checkpoint(c.step, tr.step_count)
    changes = schema.validate_changes(c.config) if c.config else {}
    rebuilding = sorted(k for k in changes if k not in LIVE)
    if rebuilding:
        key = rebuilding[0]
        raise replies.ProtocolError(
            "invalid_value", f"a branch goes on with the checkpoint's network, and "
            f"{labels([key])} ({key}) would build a new one: change it with set instead",
            f"config.{key}", changes[key],
            "live settings only: " + ", ".join(sorted(LIVE)))
    branched = checkpoint.restore()  # a scratch copy until every check has passed
    before = branched.config
    report = branched.set(**changes)
    _check_locks(s, branched.config, c)
    original = new_original(s.checkpoint())  # the run as it is now, before anything changes
    original["run"]["title"] = f"{original['run']['title']} · before a branch at step " \
                               f"{checkpoint.step}"
    # -- every check passed: the session takes the branch -----------------------------------
    s.kept.append(original)
    if s.state is State.DIVERGED:
        s.life.go("recover")  # a checkpoint is a finite state
    s.adopt(branched, data_changed=branched.data is not tr.data, branched_at=checkpoint.step)
    s.record.logged(checkpoint.step, c.model_dump(exclude={"id"}))
    if report.changed:
        s.record.changed(checkpoint.step, "set", {
            k: (plain(getattr(before, k)), plain(v)) for k, v in report.changed.items()})
    s.record_timeline()  # the checkpoint at the branch's step holds its changes too
    return {"branched_from": checkpoint.step, "changed": replies.jsonsafe(report.changed),
            "original": {"token": original["token"], "id": original["id"],
                         "title": original["run"]["title"], "step": original["run"]["step"]}}


def _check_locks(s, config, c):
    """A room's student: a branch may not move a key the teacher locked, whether it sets it
    or the checkpoint had another value of it."""
    locks = s.locks
    if not locks:
        return
    live = s.trainer.config
    moved = [k for k in sorted(locks.keys) if getattr(config, k, None) != getattr(live, k, None)]
    if moved:
        key = moved[0]
        raise replies.ProtocolError(
            "locked", f"{labels([key])} is locked: the teacher locked it for this exercise, and "
            f"this branch would change it", key, c.config.get(key, getattr(config, key)),
            f"a branch that leaves {key} as it is while the teacher keeps it locked")
