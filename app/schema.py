"""The one schema of hyperparameters: choices, ranges, defaults and live-or-rebuild.

Choices come from nncore's registries, defaults from nncore's Config, and whether a change
applies live from nncore's LIVE set; this module adds what a product needs on top: the ranges
a session may use, labels, help, grouping. From it come the validation of `set` commands,
`GET /api/schema`, the page's rendered controls and the table in docs/protocol.md.
"""

import hashlib
import json
import math
import numbers
from dataclasses import asdict, dataclass, field

from nncore import (ACTIVATIONS, DATASETS, FEATURES, HIDDEN_ACTIVATIONS, INITIALIZERS, LOSSES,
                    OPTIMIZERS, OUTPUT_ACTIVATIONS, Config)
from nncore import activations
from nncore.config import LIVE

from .limits import LIMITS

DEFAULTS = Config()
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
RATES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


class FieldError(ValueError):
    def __init__(self, field, value, allowed, message):
        super().__init__(message)
        self.field, self.value, self.allowed = field, value, allowed


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # int, float, bool, choice, int_list, choice_list
    group: str  # data, features, network, training, regularization
    label: str
    help: str
    min: float | None = None
    max: float | None = None
    step: float | None = None
    scale: str = "linear"  # or "log": a slider should move in ratios
    choices: tuple = ()
    suggestions: tuple = ()  # values to offer in a drop-down
    max_length: int | None = None  # int_list
    advanced: bool = False  # hidden in presentation mode
    default: object = field(init=False, default=None)
    apply: str = field(init=False, default="rebuild")

    def __post_init__(self):
        value = getattr(DEFAULTS, self.name)
        object.__setattr__(self, "default", list(value) if isinstance(value, tuple) else value)
        object.__setattr__(self, "apply", "live" if self.name in LIVE else "rebuild")

    @property
    def allowed(self):
        if self.type in ("int", "float"):
            kind = "a whole number" if self.type == "int" else "a number"
            return f"{kind} from {self.min:g} to {self.max:g}"
        if self.type == "bool":
            return "true or false"
        if self.type == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.type == "choice_list":
            return "a non-empty list of distinct names from: " + ", ".join(self.choices)
        return (f"a list of at most {self.max_length} whole numbers, each from "
                f"{self.min:g} to {self.max:g}")

    def validate(self, value):
        """The value, converted to its Python type, or FieldError."""
        ok = True
        if self.type == "int":
            ok = _is_int(value) and self.min <= value <= self.max
        elif self.type == "float":
            ok = (isinstance(value, numbers.Real) and not isinstance(value, bool)
                  and math.isfinite(value) and self.min <= value <= self.max)
            value = float(value) if ok else value
        elif self.type == "bool":
            ok = isinstance(value, bool)
        elif self.type == "choice":
            ok = isinstance(value, str) and value in self.choices
        elif self.type == "int_list":
            ok = (isinstance(value, list) and len(value) <= self.max_length
                  and all(_is_int(v) and self.min <= v <= self.max for v in value))
            value = tuple(value) if ok else value
        elif self.type == "choice_list":
            ok = (isinstance(value, list) and 0 < len(value) == len(set(map(str, value)))
                  and all(isinstance(v, str) and v in self.choices for v in value))
            value = tuple(value) if ok else value
        if not ok:
            raise FieldError(self.name, value, self.allowed,
                             f"{self.name}={_show(value)} is not allowed; expected {self.allowed}")
        return value


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _show(value):
    text = json.dumps(value) if _jsonable(value) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _jsonable(value):
    try:
        json.dumps(value, allow_nan=False)
        return True
    except (TypeError, ValueError):
        return False


FIELDS = [
    # data
    Field("dataset", "choice", "data", "Dataset", "Which points to learn",
          choices=tuple(DATASETS)),
    Field("n_samples", "int", "data", "Points", "How many points to generate",
          min=20, max=LIMITS["max_samples"], step=10),
    Field("noise", "float", "data", "Noise", "How far points stray across the class boundary",
          min=0.0, max=1.0, step=0.05),
    Field("n_classes", "int", "data", "Classes", "Number of classes (spiral and blobs)",
          min=2, max=8, step=1),
    Field("train_ratio", "float", "data", "Training data", "Fraction of the points used for "
          "training; the rest measure the test loss", min=0.1, max=1.0, step=0.05),
    Field("data_seed", "int", "data", "Data seed", "Seeds the points and the train/test split",
          min=0, max=2**31 - 1, step=1, advanced=True),
    # features
    Field("features", "choice_list", "features", "Features", "Input features computed from "
          "(x₁, x₂)", choices=tuple(FEATURES)),
    # network
    Field("hidden_layers", "int_list", "network", "Hidden layers", "Neurons in each hidden layer",
          min=1, max=LIMITS["max_neurons_per_layer"], max_length=LIMITS["max_hidden_layers"]),
    Field("activation", "choice", "network", "Activation", "The hidden layers' activation φ",
          choices=HIDDEN_ACTIVATIONS),
    Field("output_activation", "choice", "network", "Output", "The output layer's activation; "
          "it must pair with the loss", choices=OUTPUT_ACTIVATIONS),
    Field("loss", "choice", "network", "Loss", "What training minimises", choices=tuple(LOSSES)),
    Field("init", "choice", "network", "Initializer", "How weights start",
          choices=tuple(INITIALIZERS)),
    Field("bias", "bool", "network", "Biases", "Give every neuron a bias b"),
    Field("batch_norm", "bool", "network", "Batch norm", "Normalise hidden pre-activations over "
          "each batch", advanced=True),
    Field("seed", "int", "network", "Seed", "Seeds the initial weights, shuffling and dropout",
          min=0, max=2**31 - 1, step=1, advanced=True),
    Field("dtype", "choice", "network", "Precision", "Floating-point type of the network",
          choices=("float64", "float32"), advanced=True),
    # training
    Field("learning_rate", "float", "training", "Learning rate", "Step size η of each update",
          min=1e-5, max=10.0, scale="log", suggestions=LEARNING_RATES),
    Field("batch_size", "int", "training", "Batch size", "Points per mini-batch update",
          min=1, max=LIMITS["max_samples"], step=1,
          suggestions=(1, 2, 4, 5, 10, 16, 20, 30, 32, 50, 64, 100, 128, 250, 500, 1000)),
    Field("optimizer", "choice", "training", "Optimizer", "The update rule",
          choices=tuple(OPTIMIZERS)),
    Field("momentum", "float", "training", "Momentum", "SGD and RMSProp momentum μ",
          min=0.0, max=0.999, step=0.01, advanced=True),
    Field("nesterov", "bool", "training", "Nesterov", "Nesterov momentum (SGD, needs momentum)",
          advanced=True),
    Field("beta1", "float", "training", "β₁", "Adam's first-moment decay", min=0.0, max=0.9999,
          step=0.001, advanced=True),
    Field("beta2", "float", "training", "β₂", "Adam's second-moment decay", min=0.0,
          max=0.99999, step=0.0001, advanced=True),
    Field("alpha", "float", "training", "α", "RMSProp's square-average decay", min=0.0,
          max=0.9999, step=0.001, advanced=True),
    Field("eps", "float", "training", "ε", "Adam and RMSProp's denominator guard", min=1e-12,
          max=1.0, scale="log", advanced=True),
    # regularization
    Field("l1", "float", "regularization", "L1", "Adds l1·Σ|W| to the loss", min=0.0, max=10.0,
          suggestions=RATES),
    Field("l2", "float", "regularization", "L2", "Adds (l2/2)·ΣW² to the loss", min=0.0,
          max=10.0, suggestions=RATES),
    Field("dropout", "float", "regularization", "Dropout", "Probability of dropping a hidden "
          "unit in training", min=0.0, max=0.9, step=0.05),
]
BY_NAME = {f.name: f for f in FIELDS}
assert set(BY_NAME) == {f for f in Config.__dataclass_fields__}, "every Config field in schema"


def validate_changes(changes):
    """{field: value} checked against the schema; FieldError names the first bad field."""
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
    body = {"fields": [asdict(f) | {"default": f.default, "apply": f.apply} for f in FIELDS],
            "datasets": {name: {"task": s.task, "n_inputs": s.n_inputs,
                                "n_classes": s.n_classes, "description": s.description,
                                "variable_classes": s.variable_classes,
                                "fixed_size": s.fixed_size}
                         for name, s in DATASETS.items()},
            "features": {name: label for name, (label, _) in FEATURES.items()},
            "activations": {name: activations.facts(a) for name, a in ACTIVATIONS.items()},
            "pairings": {name: list(loss.outputs) for name, loss in LOSSES.items()},
            "limits": LIMITS}
    return {"version": VERSION, **body}


VERSION = hashlib.sha256(json.dumps(
    [asdict(f) | {"default": f.default, "apply": f.apply} for f in FIELDS],
    sort_keys=True).encode()).hexdigest()[:12]
