"""A session's record of its run: the chart history, the mini-batch losses waiting for the next
frame, and what changed during the run.

One list of changes serves two readers: the saved run's `log` (every applied command at its
step, for the person reading the file) and the code export's `schedule` (the changes since
the network was last built, with old and new values, which the exported script replays).
Both are bounded in entries and bytes; a run that outgrows them says so instead of growing.
"""

import json
import math

import numpy as np

from .limits import LIMITS

HISTORY_LIMIT = LIMITS["max_history_points"]
LOG_BYTES = 4 * 1024 * 1024  # the log's size limit (CSV uploads dominate it)
SCHEDULE_BYTES = 4 * 1024 * 1024  # the schedule's (explained steps carry whole weight arrays)


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
        """An applied command, kept in the saved run's log while it has room."""
        size = len(json.dumps(command, default=str)) + 16
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
            self.note = self.note or ("the run changed too often to be replayed: the script "
                                      "trains without the latest changes")
            return
        self.schedule.append((step, kind, values))
        self.schedule_bytes += size

    def restore(self, history, log, log_truncated):
        """A saved run's chart and log, checked (they go out again in exports)."""
        self.history = History(points=valid_history(history))
        self.log = valid_log(log)
        self.log_bytes = len(json.dumps(self.log))
        self.log_truncated = bool(log_truncated) if isinstance(log_truncated, bool) else False


def valid_history(points):
    """Imported chart points that are well formed: {"step": int, name: finite number, ...}."""
    if not isinstance(points, list):
        return []
    out = []
    for p in points[:HISTORY_LIMIT]:
        if (isinstance(p, dict) and isinstance(p.get("step"), int) and all(
                isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                and math.isfinite(v) for k, v in p.items())):
            out.append(p)
    return out


def valid_log(log):
    """An imported log, kept only if it is plain JSON within the log's limits."""
    if not isinstance(log, list):
        return []
    log = log[:LIMITS["max_replay_log"]]
    try:
        size = len(json.dumps(log, allow_nan=False))
    except (TypeError, ValueError, OverflowError):
        return []
    return log if size <= LOG_BYTES else []
