"""A session's timeline: checkpoints of its run kept as it trains, the step its page is
looking at, and the originals its branches left for the run store.

**Recording.** The run is recorded (nncore.timeline.Timeline.record) when a frame is built:
while it trains, at most every RECORD_SECONDS (so a run at full speed makes about four
checkpoints a second, before thinning); when it is still (paused, stepped, edited by hand),
at every frame, so the present is always there to come back to. A diverged run is not
recorded: its last finite state is. The timeline starts again when the network is built
afresh (a new run: a reset, a rebuilding setting, a preset, an import, a resume from the run
store, which starts at the step it was saved at). It lives in memory only and is not saved
with the run: a checkpoint is the whole optimizer state, and a saved run stays one compact
export.

**The bound.** At most LIMITS["max_timeline_checkpoints"] checkpoints and
LIMITS["max_timeline_bytes"] of them, thinned by nncore's policy: dense near the present,
spreading out into the past, the first and the newest always kept (nncore/timeline.py).

**Viewing.** `view(step)` shows the checkpoint at or before `step`: the session's frames then
show that checkpoint (its network, output plot and metrics) while the run itself goes on as
it was, training if it was (viewing pauses the display, not the run). The frames say so in
their header's `view`, and carry the live run's mini-batch losses, so the chart still moves.

**Branching.** `branch(step)` gives a Trainer at that checkpoint (commands/timeline.py sets
the changed settings, keeps the original run as a saved run and takes the branch).
"""

import math
import secrets
from dataclasses import dataclass, field

from nncore import probes
from nncore.timeline import Timeline

from . import replies
from .limits import LIMITS

RECORD_SECONDS = 0.25  # while training, at most one checkpoint this often
MAX_KEPT = 4  # originals of branches waiting to be saved (each a whole run as JSON)


@dataclass
class View:
    """The checkpoint the page looks at, restored once, with what its frames need."""
    trainer: object  # a Trainer restored from the checkpoint (never trained)
    probe: object  # its PlaneProbe (the session's own kind), or None
    full_test: object = field(default_factory=probes.FullTest)  # large data: its test set


class RunTimeline:
    def __init__(self, clock):
        self.clock = clock
        self.timeline = Timeline(LIMITS["max_timeline_checkpoints"],
                                 LIMITS["max_timeline_bytes"])
        self.recorded_at = -math.inf
        self.view = None  # View, while the page looks at a checkpoint
        self.told = None  # the steps the page was last told
        self.marks = {}  # step -> what the run's record held when it was recorded (`record`)

    @property
    def steps(self):
        return self.timeline.steps

    @property
    def nbytes(self):
        return self.timeline.nbytes

    def clear(self):
        """A new run: its past is another run's."""
        self.timeline.clear()
        self.marks = {}
        self.recorded_at = -math.inf
        self.view = None

    def record(self, trainer, still, mark=None):
        """Keep the run's present, if it is time (`still`: it is not training, so always),
        with `mark`: how far the run's record of changes went then (a branch from it keeps
        that much); whether the steps kept changed."""
        now = self.clock()
        if trainer.diverged is not None or not (still or now - self.recorded_at
                                                >= RECORD_SECONDS):
            return False
        self.timeline.record(trainer)
        self.recorded_at = now
        self.marks[trainer.step_count] = mark
        if len(self.marks) > len(self.timeline):
            self.marks = {s: self.marks.get(s) for s in self.steps}
        return self.steps != self.told

    def event(self, live_step):
        """The `timeline` event that tells the page the steps it can view (and marks them
        told)."""
        self.told = self.steps
        return {"type": "timeline", "steps": self.told, "step": live_step,
                "viewing": None if self.view is None else self.view.trainer.step_count}

    def checkpoint(self, step, live_step, field_name="step"):
        """The checkpoint at or before `step`; a ProtocolError naming `field_name` when there is
        none, or when `step` is past the run's present (`live_step`)."""
        steps = self.steps
        allowed = (f"a step from {steps[0]} to {live_step} (checkpoints at: "
                   f"{_listed(steps)})" if steps else "none: the timeline is empty")
        if step > live_step:
            raise replies.ProtocolError(
                "invalid_value", f"step {step} is in the future: the run is at step "
                f"{live_step}", field_name, step, allowed)
        found = self.timeline.at(step)
        if found is None:
            raise replies.ProtocolError(
                "invalid_value", f"the timeline has no checkpoint at or before step {step}"
                + (f": the earliest kept is step {steps[0]}" if steps else ""),
                field_name, step, allowed)
        return found

    def look(self, checkpoint, probe_for):
        """View `checkpoint`: restored once here, its frames built from it."""
        if self.view is None or self.view.trainer.step_count != checkpoint.step:
            trainer = checkpoint.restore()
            self.view = View(trainer, probe_for(trainer))
        return self.view

    def end_view(self):
        """Back to the live run; whether a view was open."""
        was, self.view = self.view is not None, None
        return was


def new_original(checkpoint):
    """A saved run of a session's original (a branch's): its own token and id, paused."""
    return {"token": secrets.token_urlsafe(24), "id": secrets.token_hex(8),
            "run": {**checkpoint, "state": "paused"}}


def _listed(steps, most=8):
    """Steps for an error message: all of them, or the first and the last few."""
    if len(steps) <= most:
        return ", ".join(map(str, steps))
    return ", ".join(map(str, steps[:2])) + ", …, " + ", ".join(map(str, steps[-(most - 3):]))
