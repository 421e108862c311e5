"""A session's record of its run: the chart history, the mini-batch losses waiting for the next
frame, and what changed during the run.

One list of changes serves two readers: the saved run's `log` (every applied command at its
step, for the person reading the file) and the code export's `schedule` (the changes since
the network was last built, with old and new values, which the exported script replays).
Both are bounded in entries and bytes; a run that outgrows them says so instead of growing.
"""

import hashlib
import json
import math
import re

import numpy as np

from .limits import LIMITS

HISTORY_LIMIT = LIMITS["max_history_points"]
LOG_BYTES = LIMITS["max_log_bytes"]  # the log's size limit, as JSON
SCHEDULE_BYTES = 4 * 1024 * 1024  # the schedule's (explained steps carry whole weight arrays)
# A chart point is {"step": whole number, name: finite number, ...}: a frame's point has the
# step, the epoch and up to 12 metrics (its own and a comparison's). These bounds keep an
# imported history, which goes out again in every export, as small as a real one can be.
POINT_KEYS = 16
POINT_KEY = re.compile(r"[a-z][a-z0-9_]{0,23}")
MAX_STEP = 2**53
# Why an export would not replay the run exactly (the record's `note`), by name: the page
# shows each in its language by its name (static/js/code-panel.js, files:code.notes.<name>).
NOTES = {
    "branched": "this run branched at step {step}, where it had also changed: the script may "
                "not replay it exactly",
    "too_often": "the run changed too often to be replayed: the script trains without the "
                 "latest changes",
    "loaded": "this run was loaded from a file at step {step}; the script starts from step 0 "
              "and cannot know what happened before",
    "points": "points were added, removed or loaded during the run: the script trains on "
              "today's points from step 0, so its weights will differ from the session's",
}


class History:
    """Chart points at most `limit` long: when full, every other old point is dropped."""

    def __init__(self, limit=HISTORY_LIMIT, points=()):
        self.limit, self.points = limit, list(points)[:limit]

    def add(self, point):
        if self.points and self.points[-1]["step"] == point["step"]:
            self.points[-1] = point
            return
        self.points.append(point)
        if len(self.points) > self.limit:
            self.points = self.points[:-1:2] + self.points[-1:]


class RunRecord:
    def __init__(self):
        self.history = History()
        self.losses, self.loss_steps = [], []  # per training slice since the last frame
        self.log, self.log_bytes, self.log_truncated = [], 0, False
        self.new_run()

    def new_run(self, note=None):
        """The network was built afresh: the chart and the export's schedule start again."""
        self.history = History()
        self.losses, self.loss_steps = [], []
        self.schedule, self.schedule_bytes = [], 0  # (step, kind, values) since the run began
        self.note = note  # why an export would not reproduce the run, if it would not

    def branched(self, step, mark):
        """The run goes on from its own checkpoint at `step` (a branch): what came after it
        is the original's. `mark` is (schedule entries, log entries) when the checkpoint was
        taken (app/timeline.py); without it, a change at `step` itself may be before or after
        the checkpoint, and the export then says it may not replay the run exactly."""
        self.history = History(points=[p for p in self.history.points if p["step"] <= step])
        self.losses, self.loss_steps = [], []
        if mark is None:
            mark = (sum(entry[0] < step for entry in self.schedule),
                    sum(entry[0] <= step for entry in self.log))
            if any(entry[0] == step for entry in self.schedule):
                self.note = self.note or NOTES["branched"].format(step=step)
        self.schedule = self.schedule[:mark[0]]
        self.schedule_bytes = sum(len(json.dumps(values, default=str)) + 32
                                  for _, _, values in self.schedule)
        if mark[1] < len(self.log):
            self.log = self.log[:mark[1]]
            self.log_bytes = len(json.dumps(self.log))

    # -- training ---------------------------------------------------------------------------
    def trained(self, losses, step):
        """A slice of training ended at `step` with these mini-batch losses."""
        self.losses.append(losses)
        self.loss_steps.append(step)

    def take_losses(self):
        """(losses since the last frame, the step of the first); the record forgets them."""
        if not self.losses:
            return np.zeros(0), 0
        losses = np.concatenate(self.losses)
        first = self.loss_steps[-1] - len(losses) + 1
        self.losses, self.loss_steps = [], []
        return losses, first

    # -- changes ----------------------------------------------------------------------------
    def logged(self, step, command):
        """An applied command, kept in the saved run's log while it has room. An upload is
        logged by its size and hash, not its text: the data itself is in the saved state."""
        command = compact(command)
        size = len(json.dumps([step, command], default=str)) + 2
        if len(self.log) < LIMITS["max_replay_log"] and self.log_bytes + size <= LOG_BYTES:
            self.log.append([step, command])
            self.log_bytes += size
        else:
            self.log_truncated = True

    def changed(self, step, kind, values):
        """A change the exported script must replay: a live setting, an edited weight or bias,
        or an explained step applied by hand."""
        size = len(json.dumps(values, default=str)) + 32
        if self.schedule_bytes + size > SCHEDULE_BYTES:
            self.note = self.note or NOTES["too_often"]
            return
        self.schedule.append((step, kind, values))
        self.schedule_bytes += size

    def restore(self, history, log, log_truncated):
        """A saved run's chart and log, already checked (`checked_history`, `checked_log`)."""
        self.history = History(points=history)
        self.log = list(log)
        self.log_bytes = len(json.dumps(log))
        self.log_truncated = log_truncated


def compact(command):
    """A command as the log keeps it: an upload by its size and SHA-256, not its text."""
    if (isinstance(command, dict) and command.get("type") == "load_csv"
            and isinstance(command.get("text"), str)):
        raw = command["text"].encode("utf-8", "surrogatepass")
        return {"type": "load_csv", "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    return command


def checked_history(points):
    """(the well-formed points of an imported history, how many were dropped). A point is
    {"step": whole number >= 0, name: finite number, ...} with at most POINT_KEYS names of
    lowercase letters, digits and _ (at most 24); the first HISTORY_LIMIT points are kept."""
    if not isinstance(points, list):
        return [], 0 if points is None else 1
    out = [p for p in points[:HISTORY_LIMIT] if _valid_point(p)]
    return out, len(points) - len(out)


def _valid_point(p):
    if not isinstance(p, dict) or len(p) > POINT_KEYS:
        return False
    step = p.get("step")
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_STEP:
        return False
    for k, v in p.items():
        if not isinstance(k, str) or not POINT_KEY.fullmatch(k):
            return False
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        try:
            if not math.isfinite(v):
                return False
        except OverflowError:  # a whole number too large for a float
            return False
    return True


def checked_log(log, truncated):
    """(log, log_truncated, whether part of it was dropped, its size as JSON) of an imported
    log: a list of plain JSON (finite numbers), its first max_replay_log entries within
    LOG_BYTES."""
    if log is None:
        return [], truncated is True, False, 2
    if not isinstance(log, list):
        return [], True, True, 2
    kept = [[e[0], compact(e[1])] if isinstance(e, list) and len(e) == 2 else e
            for e in log[:LIMITS["max_replay_log"]]]  # a file from before uploads were hashed
    try:
        size = len(json.dumps(kept, allow_nan=False))
        if size > LOG_BYTES:  # keep the entries that fit
            size, fits = 2, 0
            for entry in kept:
                entry_size = len(json.dumps(entry, allow_nan=False)) + 2
                if size + entry_size > LOG_BYTES:
                    break
                size += entry_size
                fits += 1
            kept = kept[:fits]
    except (TypeError, ValueError, OverflowError, RecursionError):
        return [], True, True, 2
    dropped = len(kept) < len(log)
    return kept, dropped or truncated is True, dropped, size
