"""The Trainer's configuration: one frozen dataclass, validated on construction.

Every field is declared once, here, with its default, its Setting (what values it takes; the
network's options and the optimizer's hyperparameters are the ones the model and the
optimizers declare and check with) and how a change applies to a running Trainer:
  live     in place: the weights and the optimizer's state are kept (LIVE)
  rebuild  a fresh network from the seed
  data     new points, then a fresh network (DATA_FIELDS)
`SETTINGS` maps each field to its Setting; a product narrows them, never widens them.
"""

from dataclasses import asdict, dataclass, field, fields, replace

from . import validation as check
from .datasets import DATASETS, MAX_CLASSES, MAX_SAMPLES
from .features import FEATURES
from .model import SETTINGS as NETWORK, check_pairing
from .optimizers import HYPERPARAMETERS as OPTIMIZER, OPTIMIZERS, check_nesterov
from .spec import Setting

CUSTOM = "custom"  # the dataset name of user data (drawn points, CSV)
MAX_LAYERS = 64
MAX_WIDTH = 4096


def _field(default, setting, applies, doc):
    """A Config field: its default, its Setting, how a change applies, and what it means."""
    return field(default=default, metadata={"setting": setting, "applies": applies, "doc": doc})


@dataclass(frozen=True, init=False)
class Config:
    # data
    dataset: str = _field("circle", Setting.choice((*DATASETS, CUSTOM)), "data",
                          'a name in DATASETS, or "custom" for user data')
    n_samples: int = _field(500, Setting.integer(4, MAX_SAMPLES), "data",
                            "points generated (fixed tables ignore it)")
    noise: float = _field(0.0, Setting.number(0.0, 1.0), "data",
                          "0 to 1: how far points stray across the class boundary")
    n_classes: int = _field(2, Setting.integer(2, MAX_CLASSES), "data",
                            "classes of spiral and blobs")
    train_ratio: float = _field(0.5, Setting.number(0.0, 1.0, lo_open=True), "data",
                                "fraction of the points used for training, the rest test")
    data_seed: int = _field(0, Setting.integer(0, 2**63 - 1), "data",
                            "seeds the data and the train/test split")
    features: tuple = _field(("x1", "x2"), Setting.choice_list(FEATURES, "feature"), "rebuild",
                             "input features of 2-D data (others use their columns)")
    # network
    hidden_layers: tuple = _field((4, 2), Setting.int_list(1, MAX_WIDTH, MAX_LAYERS,
                                                           "layer width"), "rebuild",
                                  "width of each hidden layer")
    activation: str = _field("tanh", NETWORK["activation"], "rebuild", "hidden activation")
    output_activation: str = _field("sigmoid", NETWORK["output_activation"], "rebuild",
                                    "output activation, paired with the loss")
    loss: str = _field("bce", NETWORK["loss"], "rebuild",
                       "sse, mse, bce, cross_entropy, perceptron")
    init: str = _field("xavier", NETWORK["init"], "rebuild", "weight initializer")
    bias: bool = _field(True, NETWORK["bias"], "rebuild", "layers have biases")
    batch_norm: bool = _field(False, NETWORK["batch_norm"], "rebuild",
                              "batch normalization on hidden layers")
    seed: int = _field(0, NETWORK["seed"], "rebuild",
                       "seeds the initial weights, the shuffling and dropout")
    dtype: str = _field("float64", NETWORK["dtype"], "rebuild", "float64 or float32")
    # training, applied live
    optimizer: str = _field("sgd", Setting.choice(OPTIMIZERS), "live", "sgd, adam, rmsprop")
    learning_rate: float = _field(0.03, OPTIMIZER["learning_rate"], "live", "step size η")
    batch_size: int = _field(10, Setting.integer(1, MAX_SAMPLES), "live",
                             "samples per mini-batch")
    momentum: float = _field(0.0, OPTIMIZER["momentum"], "live", "SGD and RMSProp momentum μ")
    nesterov: bool = _field(False, OPTIMIZER["nesterov"], "live", "Nesterov momentum (SGD)")
    beta1: float = _field(0.9, OPTIMIZER["beta1"], "live", "Adam's first-moment decay")
    beta2: float = _field(0.999, OPTIMIZER["beta2"], "live", "Adam's second-moment decay")
    alpha: float = _field(0.99, OPTIMIZER["alpha"], "live", "RMSProp's square-average decay")
    eps: float = _field(1e-8, OPTIMIZER["eps"], "live", "Adam and RMSProp's denominator guard")
    l1: float = _field(0.0, NETWORK["l1"], "live", "L1 strength on weights")
    l2: float = _field(0.0, NETWORK["l2"], "live", "L2 strength on weights")
    dropout: float = _field(0.0, NETWORK["dropout"], "live", "drop probability on hidden layers")

    def __init__(self, **values):
        """Keyword arguments only; every field is checked, and the fields together."""
        unknown = [k for k in values if k not in SETTINGS]
        if unknown:
            raise check.ArgumentError(unknown[0], values[unknown[0]], ", ".join(SETTINGS),
                                      f"{unknown[0]!r} is not a config field; allowed: "
                                      f"{', '.join(SETTINGS)}")
        for f in fields(self):
            value = values.get(f.name, f.default)
            object.__setattr__(self, f.name, f.metadata["setting"].check(f.name, value))
        self._check_together()

    def _check_together(self):
        """The rules that join fields (each written once, where the engine keeps it)."""
        check_pairing(self.output_activation, self.loss,
                      2 if self.output_activation == "softmax" else 1)
        check_nesterov(self.momentum, self.nesterov)
        if self.batch_norm and self.batch_size < 2 and self.hidden_layers:
            raise check.ArgumentError(
                "batch_size", self.batch_size, "batch_size >= 2 with batch_norm",
                "batch_size=1 cannot be used with batch_norm=True: a batch of one has no "
                "variance to normalise by; use batch_size >= 2")

    def optimizer_kwargs(self):
        """The arguments of this config's optimizer, e.g. SGD(learning_rate, momentum, ...)."""
        names = ("learning_rate", *OPTIMIZERS[self.optimizer].defaults)
        return {name: getattr(self, name) for name in names if name in SETTINGS}

    def replace(self, **changes):
        return replace(self, **changes)

    def to_dict(self):
        d = asdict(self)
        d["features"] = list(self.features)
        d["hidden_layers"] = list(self.hidden_layers)
        return d


SETTINGS = {f.name: f.metadata["setting"] for f in fields(Config)}
FIELDS = tuple(SETTINGS)
APPLIES = {f.name: f.metadata["applies"] for f in fields(Config)}
DOCS = {f.name: f.metadata["doc"] for f in fields(Config)}
LIVE = frozenset(name for name, applies in APPLIES.items() if applies == "live")
DATA_FIELDS = frozenset(name for name, applies in APPLIES.items() if applies == "data")
