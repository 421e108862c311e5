"""A second run side by side: a preset's "what if" (e.g. squared error against cross-entropy),
trained in lockstep with the session's own run and measured with it in every frame."""

from nncore import Trainer, probes


class Comparison:
    def __init__(self, config, changes):
        """The run `config` with `changes` applied (a few fields), beside `config` itself."""
        self.trainer = Trainer(config.replace(**changes))
        self.label = ", ".join(f"{k} {v}" for k, v in changes.items())
        self.base = ", ".join(f"{k} {getattr(config, k)}" for k in changes)

    def step(self, n):
        """The same number of steps the session's run just took."""
        if n:
            self.trainer.step(n)

    def set_live(self, changed):
        """A live change applies to both runs."""
        if changed:
            self.trainer.set(**changed)

    def reset(self):
        self.trainer.reset()

    def metrics(self):
        return probes.metrics(self.trainer)

    def header(self):
        """What a frame says of it: the labels and the metrics."""
        return {"label": self.label, "base": self.base, "metrics": self.metrics()}
