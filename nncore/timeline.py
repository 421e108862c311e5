"""A run's timeline: checkpoints kept as it trains, in bounded memory, to look back at and to
branch from.

    timeline = Timeline()
    for _ in range(100):
        trainer.step(50)
        timeline.record(trainer)
    earlier = timeline.at(1200)        # the checkpoint at step 1200 or the last one before it
    view = earlier.restore()           # a Trainer exactly as the run was then
    branch = earlier.restore()
    branch.set(learning_rate=0.3)      # continue differently; the original run is untouched

A checkpoint holds copies of everything a run continues from (parameters, batch-norm
statistics, optimizer state, both random generators, the epoch's order and position, the
config), and a reference to the run's points (nncore never changes a Data in place: edits
make a new one), so `restore()` gives a Trainer that continues bit for bit as the run did.

**The policy: dense near the present, thinning into the past.** At most `max_checkpoints`
are kept, and at most `max_bytes` of them. When one more is recorded than fits, the interior
checkpoint whose removal leaves the smallest gap relative to its age goes: dropping c_i leaves
the gap s_{i+1} − s_{i−1}, and its age is now − s_{i−1}, so recent checkpoints (small age)
stay close together and old ones spread out, the gaps growing roughly in proportion to their
age (a geometric spacing: a run of a million steps kept in 48 checkpoints has them a few
percent of their age apart). The first checkpoint (usually step 0, the initialisation) and the
newest are always kept.
"""

from dataclasses import dataclass

import numpy as np

MAX_CHECKPOINTS = 48
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Checkpoint:
    """One moment of a run; `restore()` makes a Trainer of it (as many times as asked)."""

    step: int
    config: object  # nncore.Config (immutable)
    data: object  # nncore.records.Data, shared with the run (never changed in place)
    theta: np.ndarray
    batch_norm: tuple  # ((running_mean, running_var), ...)
    optimizer: dict  # {"t", "state": {buffer: [array]}}
    shuffle_rng: dict  # bit generator states
    dropout_rng: dict
    progress: dict  # {"step", "epoch", "position", "perm"}
    diverged: dict | None
    folders: dict
    nbytes: int

    def restore(self):
        """A new Trainer at this checkpoint, continuing bit for bit as the run did from it."""
        from .trainer import Trainer  # the trainer imports nothing of this module

        progress = dict(self.progress)
        if progress["perm"] is not None:
            progress["perm"] = progress["perm"].copy()
        return Trainer.restore(
            self.config, self.data, self.theta.copy(),
            [(mean.copy(), var.copy()) for mean, var in self.batch_norm],
            {"t": self.optimizer["t"],
             "state": {k: [a.copy() for a in v] for k, v in self.optimizer["state"].items()}},
            _generator(self.shuffle_rng), _generator(self.dropout_rng), progress,
            None if self.diverged is None else dict(self.diverged), folders=self.folders)


def capture(trainer):
    """A Checkpoint of `trainer` as it is now (copies: the trainer goes on unchanged)."""
    net, opt = trainer.net, trainer.optimizer.state_dict()
    theta = net.theta.copy()
    batch_norm = tuple((mean.copy(), var.copy()) for mean, var in net.batch_norm_state())
    state = {k: [np.array(a) for a in v] for k, v in opt["state"].items()}
    perm = None if trainer.perm is None else trainer.perm.copy()
    arrays = [theta, *(a for pair in batch_norm for a in pair),
              *(a for v in state.values() for a in v), *([] if perm is None else [perm])]
    return Checkpoint(
        step=trainer.step_count, config=trainer.config, data=trainer.data, theta=theta,
        batch_norm=batch_norm, optimizer={"t": opt["t"], "state": state},
        shuffle_rng=trainer.shuffle_rng.bit_generator.state,
        dropout_rng=net.dropout_rng.bit_generator.state,
        progress={"step": trainer.step_count, "epoch": trainer.epoch,
                  "position": trainer.position, "perm": perm},
        diverged=None if trainer.diverged is None else dict(trainer.diverged),
        folders=dict(trainer.folders), nbytes=sum(a.nbytes for a in arrays))


def _generator(bit_state):
    """A numpy Generator in the saved state `bit_state` (of its own bit generator's kind)."""
    bit_generator = getattr(np.random, bit_state["bit_generator"])()
    bit_generator.state = bit_state
    return np.random.Generator(bit_generator)


class Timeline:
    """A run's checkpoints in step order, within `max_checkpoints` and `max_bytes`."""

    def __init__(self, max_checkpoints=MAX_CHECKPOINTS, max_bytes=MAX_BYTES):
        if max_checkpoints < 2:
            raise ValueError(f"max_checkpoints={max_checkpoints!r} must be at least 2 "
                             "(the first and the newest are always kept)")
        self.max_checkpoints, self.max_bytes = max_checkpoints, max_bytes
        self.checkpoints = []

    def __len__(self):
        return len(self.checkpoints)

    @property
    def steps(self):
        return [c.step for c in self.checkpoints]

    @property
    def nbytes(self):
        return sum(c.nbytes for c in self.checkpoints)

    def clear(self):
        """The run was built afresh: its past is another run's."""
        self.checkpoints = []

    def record(self, trainer):
        """Keep the trainer's present (replacing a checkpoint at the same step, and dropping
        any after it: a run taken back to an earlier step goes on from there), then thin."""
        checkpoint = capture(trainer)
        kept = self.checkpoints
        while kept and kept[-1].step >= checkpoint.step:
            kept.pop()
        kept.append(checkpoint)
        self._thin()
        return checkpoint

    def _thin(self):
        kept = self.checkpoints
        total = sum(c.nbytes for c in kept)
        while len(kept) > 2 and (len(kept) > self.max_checkpoints or total > self.max_bytes):
            now = kept[-1].step
            # dropping kept[i] leaves the gap s[i+1] − s[i−1], measured against its age
            i = min(range(1, len(kept) - 1),
                    key=lambda i: (kept[i + 1].step - kept[i - 1].step)
                    / max(1, now - kept[i - 1].step))
            total -= kept.pop(i).nbytes

    def at(self, step):
        """The checkpoint at `step`, or the newest before it; None before the first."""
        found = None
        for checkpoint in self.checkpoints:
            if checkpoint.step > step:
                break
            found = checkpoint
        return found
