"""The page's schema of hyperparameters: nncore's settings, narrowed, with labels and help.

What a field may be (its kind, range and choices), its default and whether it applies live
come from nncore's Config, which declares each once. This module narrows some of them to what
a shared server allows (at most 8 layers of 32, 2,000 points; `Setting.narrow` refuses to
widen) and adds what a page needs: labels, help, groups, slider steps. From it come the
validation of `set` commands, `GET /api/schema`, the page's rendered controls and the table
in docs/protocol.md.
"""

import hashlib
import json
from dataclasses import dataclass, field

from nncore import (ACTIVATIONS, DATASETS, FEATURES, LOSSES, OPTIMIZERS, Config, activations,
                    losses, targets)
from nncore.model import PENALTY_FORMULA
from nncore.config import APPLIES, SETTINGS
from nncore.validation import ArgumentError

from .limits import LIMITS

DEFAULTS = Config()
TASK_EXAMPLES = {"binary": ("classification", 2), "multiclass": ("classification", 3),
                 "regression": ("regression", 0)}
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FieldError = ArgumentError  # a refused value: .field, .value, .allowed, and the message


@dataclass(frozen=True)
class Field:
    name: str
    group: str  # data, features, network, training, regularization
    label: str
    help: str
    narrow: dict = field(default_factory=dict)  # stricter bounds than nncore's (lo, hi, ...)
    step: float | None = None
    scale: str = "linear"  # or "log": a slider should move in ratios
    suggestions: tuple = ()  # values to offer in a drop-down
    advanced: bool = False  # hidden in presentation mode

    @property
    def setting(self):
        return SETTINGS[self.name].narrow(**self.narrow)

    type = property(lambda self: self.setting.kind)
    min = property(lambda self: self.setting.lo)
    max = property(lambda self: self.setting.hi)
    choices = property(lambda self: self.setting.choices)
    max_length = property(lambda self: self.setting.max_length)
    allowed = property(lambda self: self.setting.allowed)
    apply = property(lambda self: "live" if APPLIES[self.name] == "live" else "rebuild")

    @property
    def default(self):
        value = getattr(DEFAULTS, self.name)
        return list(value) if isinstance(value, tuple) else value

    def validate(self, value):
        """The value, converted to its Python type, or FieldError naming what is allowed."""
        return self.setting.check(self.name, value)

    def as_dict(self):
        return {"name": self.name, "type": self.type, "group": self.group, "label": self.label,
                "help": self.help, "min": self.min, "max": self.max, "step": self.step,
                "scale": self.scale, "choices": list(self.choices),
                "suggestions": list(self.suggestions), "max_length": self.max_length,
                "advanced": self.advanced, "default": self.default, "apply": self.apply,
                "allowed": self.allowed, "optimizers": self.optimizers}

    @property
    def optimizers(self):
        """The optimizers this field is a hyperparameter of ([] when it is not one)."""
        return [name for name, cls in OPTIMIZERS.items() if self.name in cls.defaults]


def _show(value):
    text = json.dumps(value) if _jsonable(value) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _jsonable(value):
    try:
        json.dumps(value, allow_nan=False)
        return True
    except (TypeError, ValueError):
        return False


LAYERS = {"hi": LIMITS["max_neurons_per_layer"], "max_length": LIMITS["max_hidden_layers"]}
SEEDS = {"hi": 2**31 - 1}  # JavaScript's numbers hold these exactly, and a URL stays short

FIELDS = [
    # data
    Field("dataset", "data", "Dataset", "Which points to learn",
          narrow={"choices": tuple(DATASETS)}),  # "custom" comes from loading points
    Field("n_samples", "data", "Points", "How many points to generate",
          narrow={"lo": 20, "hi": LIMITS["max_samples"]}, step=10),
    Field("noise", "data", "Noise", "How far points stray across the class boundary",
          step=0.05),
    Field("n_classes", "data", "Classes", "Number of classes (spiral and blobs)",
          narrow={"hi": 8}, step=1),
    Field("train_ratio", "data", "Training data", "Fraction of the points used for "
          "training; the rest measure the test loss", narrow={"lo": 0.1, "lo_open": False},
          step=0.05),
    Field("data_seed", "data", "Data seed", "Seeds the points and the train/test split",
          narrow=SEEDS, step=1, advanced=True),
    # features
    Field("features", "features", "Features", "Input features computed from (x₁, x₂)"),
    # network
    Field("hidden_layers", "network", "Hidden layers", "Neurons in each hidden layer",
          narrow=LAYERS),
    Field("activation", "network", "Activation", "The hidden layers' activation φ"),
    Field("output_activation", "network", "Output", "The output layer's activation; it must "
          "pair with the loss"),
    Field("loss", "network", "Loss", "What training minimises"),
    Field("init", "network", "Initializer", "How weights start"),
    Field("bias", "network", "Biases", "Give every neuron a bias b"),
    Field("batch_norm", "network", "Batch norm", "Normalise hidden pre-activations over each "
          "batch", advanced=True),
    Field("seed", "network", "Seed", "Seeds the initial weights, shuffling and dropout",
          narrow=SEEDS, step=1, advanced=True),
    Field("dtype", "network", "Precision", "Floating-point type of the network", advanced=True),
    # training
    Field("learning_rate", "training", "Learning rate", "Step size η of each update",
          narrow={"lo": 1e-5, "lo_open": False, "hi": 10.0}, scale="log",
          suggestions=LEARNING_RATES),
    Field("batch_size", "training", "Batch size", "Points per mini-batch update",
          narrow={"hi": LIMITS["max_samples"]}, step=1,
          suggestions=(1, 2, 4, 5, 10, 16, 20, 30, 32, 50, 64, 100, 128, 250, 500, 1000)),
    Field("optimizer", "training", "Optimizer", "The update rule"),
    Field("momentum", "training", "Momentum", "SGD and RMSProp momentum μ", step=0.01,
          advanced=True),
    Field("nesterov", "training", "Nesterov", "Nesterov momentum (SGD, needs momentum)",
          advanced=True),
    Field("beta1", "training", "β₁", "Adam's first-moment decay", step=0.001, advanced=True),
    Field("beta2", "training", "β₂", "Adam's second-moment decay", step=0.0001, advanced=True),
    Field("alpha", "training", "α", "RMSProp's square-average decay", step=0.001,
          advanced=True),
    Field("eps", "training", "ε", "Adam and RMSProp's denominator guard",
          narrow={"lo": 1e-12, "lo_open": False}, scale="log", advanced=True),
    # regularization
    Field("l1", "regularization", "L1", "Adds l1·Σ|W| to the loss", suggestions=RATES),
    Field("l2", "regularization", "L2", "Adds (l2/2)·ΣW² to the loss", suggestions=RATES),
    Field("dropout", "regularization", "Dropout", "Probability of dropping a hidden unit in "
          "training", narrow={"hi": 0.9}, step=0.05),
]
BY_NAME = {f.name: f for f in FIELDS}
assert set(BY_NAME) == set(SETTINGS), "every Config field in the schema"


def validate_changes(changes):
    """{field: value} checked whole, field by field; FieldError names the first bad field."""
    if not isinstance(changes, dict) or not changes:
        raise FieldError("config", changes, "an object of field: value pairs",
                         "config must be a non-empty object like {\"learning_rate\": 0.1}")
    checked = {}
    for name, value in changes.items():
        f = BY_NAME.get(name)
        if f is None:
            raise FieldError(name, value, "one of: " + ", ".join(BY_NAME),
                             f"{_show(name)} is not a hyperparameter; allowed: "
                             + ", ".join(BY_NAME))
        checked[name] = f.validate(value)
    return checked


def as_json():
    """The schema as served by GET /api/schema."""
    body = {"fields": [f.as_dict() for f in FIELDS],
            "datasets": {name: {"task": s.task, "n_inputs": s.n_inputs,
                                "n_classes": s.n_classes, "description": s.description,
                                "variable_classes": s.variable_classes,
                                "fixed_size": s.fixed_size,
                                # read from these files (MNIST), downloaded when missing
                                "files": [stem + ".gz" for stem in s.files]}
                         for name, s in DATASETS.items()},
            "features": {name: f.label for name, f in FEATURES.items()},
            "feature_expressions": {name: f.expression for name, f in FEATURES.items()},
            "activations": {name: activations.facts(a) for name, a in ACTIVATIONS.items()},
            "losses": {name: losses.facts(loss) for name, loss in LOSSES.items()},
            "penalty_formula": PENALTY_FORMULA,
            "pairings": {name: list(loss.outputs) for name, loss in LOSSES.items()},
            # what the data decides: for each kind of task, the (output, loss) pairs that can
            # learn it, its default first
            "tasks": {kind: [list(pair) for pair in targets.pairs(*example)]
                      for kind, example in TASK_EXAMPLES.items()},
            "limits": LIMITS}
    return {"version": VERSION, **body}


VERSION = hashlib.sha256(json.dumps([f.as_dict() for f in FIELDS],
                                    sort_keys=True).encode()).hexdigest()[:12]
