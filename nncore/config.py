"""The Trainer's configuration: one frozen dataclass, validated on construction.

Fields in LIVE change a running Trainer in place (weights and optimizer state are kept);
any other change rebuilds the network, and a change in DATA_FIELDS also remakes the data.
"""

from dataclasses import asdict, dataclass, fields, replace

from . import validation as check
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .datasets import DATASETS, MAX_CLASSES, MAX_SAMPLES
from .features import check_features
from .initializers import INITIALIZERS
from .losses import LOSSES
from .model import DTYPES, check_pairing
from .optimizers import OPTIMIZERS

CUSTOM = "custom"  # the dataset name of user data (drawn points, CSV)
MAX_LAYERS = 64
MAX_WIDTH = 4096


@dataclass(frozen=True)
class Config:
    # data
    dataset: str = "circle"  # a name in DATASETS, or "custom" for user data
    n_samples: int = 500  # points generated (fixed tables ignore it)
    noise: float = 0.0  # 0 to 1: how far points stray across the class boundary
    n_classes: int = 2  # classes of spiral and blobs
    train_ratio: float = 0.5  # fraction of the points used for training, the rest test
    data_seed: int = 0  # seeds the data and the train/test split
    features: tuple = ("x1", "x2")  # input features of 2-D data (others use their columns)
    # network
    hidden_layers: tuple = (4, 2)  # width of each hidden layer
    activation: str = "tanh"  # hidden activation
    output_activation: str = "sigmoid"  # output activation, paired with the loss
    loss: str = "bce"  # sse, mse, bce, cross_entropy, perceptron
    init: str = "xavier"  # weight initializer
    bias: bool = True  # layers have biases
    batch_norm: bool = False  # batch normalization on hidden layers
    seed: int = 0  # seeds the initial weights, the shuffling and dropout
    dtype: str = "float64"  # float64 or float32
    # training, applied live
    optimizer: str = "sgd"  # sgd, adam, rmsprop
    learning_rate: float = 0.03  # step size η
    batch_size: int = 10  # samples per mini-batch
    momentum: float = 0.0  # SGD and RMSProp momentum μ
    nesterov: bool = False  # Nesterov momentum (SGD)
    beta1: float = 0.9  # Adam's first-moment decay
    beta2: float = 0.999  # Adam's second-moment decay
    alpha: float = 0.99  # RMSProp's square-average decay
    eps: float = 1e-8  # Adam and RMSProp's denominator guard
    l1: float = 0.0  # L1 strength on weights
    l2: float = 0.0  # L2 strength on weights
    dropout: float = 0.0  # drop probability on hidden layers

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("dataset", check.choice("dataset", self.dataset, (*DATASETS, CUSTOM)))
        put("n_samples", check.integer("n_samples", self.n_samples, 4, MAX_SAMPLES))
        put("noise", check.real("noise", self.noise, 0.0, 1.0))
        put("n_classes", check.integer("n_classes", self.n_classes, 2, MAX_CLASSES))
        put("train_ratio", check.real("train_ratio", self.train_ratio, 0.0, 1.0, lo_open=True))
        put("data_seed", check.integer("data_seed", self.data_seed, 0, 2**63 - 1))
        put("features", check_features(self.features))
        layers = self.hidden_layers
        if isinstance(layers, str) or not isinstance(layers, (list, tuple)):
            raise ValueError(f"hidden_layers={layers!r} must be a list of layer widths, "
                             "e.g. [4, 2] (or [] for none)")
        if len(layers) > MAX_LAYERS:
            raise ValueError(f"hidden_layers has {len(layers)} layers; at most {MAX_LAYERS}")
        put("hidden_layers", tuple(check.integer(f"hidden_layers[{i}]", n, 1, MAX_WIDTH)
                                   for i, n in enumerate(layers)))
        put("activation", check.choice("activation", self.activation, HIDDEN_ACTIVATIONS))
        put("output_activation", check.choice("output_activation", self.output_activation,
                                              OUTPUT_ACTIVATIONS))
        put("loss", check.choice("loss", self.loss, tuple(LOSSES)))
        check_pairing(self.output_activation, self.loss,
                      2 if self.output_activation == "softmax" else 1)
        put("init", check.choice("init", self.init, tuple(INITIALIZERS)))
        put("bias", check.boolean("bias", self.bias))
        put("batch_norm", check.boolean("batch_norm", self.batch_norm))
        put("seed", check.integer("seed", self.seed, 0, 2**63 - 1))
        put("dtype", check.choice("dtype", self.dtype, tuple(DTYPES)))
        put("optimizer", check.choice("optimizer", self.optimizer, tuple(OPTIMIZERS)))
        put("batch_size", check.integer("batch_size", self.batch_size, 1, MAX_SAMPLES))
        put("l1", check.real("l1", self.l1, 0.0, 10.0))
        put("l2", check.real("l2", self.l2, 0.0, 10.0))
        put("dropout", check.real("dropout", self.dropout, 0.0, 0.95))
        put("learning_rate", check.real("learning_rate", self.learning_rate, 0.0, lo_open=True))
        put("momentum", check.real("momentum", self.momentum, 0.0, 0.999))
        put("nesterov", check.boolean("nesterov", self.nesterov))
        put("beta1", check.real("beta1", self.beta1, 0.0, 0.9999))
        put("beta2", check.real("beta2", self.beta2, 0.0, 0.99999))
        put("alpha", check.real("alpha", self.alpha, 0.0, 0.9999))
        put("eps", check.real("eps", self.eps, 0.0, 1.0, lo_open=True))
        if self.nesterov and self.momentum == 0.0:
            raise check.ArgumentError("nesterov", True, "nesterov only with momentum > 0",
                                      "nesterov=True needs momentum > 0; got momentum=0.0")
        # The optimizer checks its own hyperparameters too, with the same messages.
        OPTIMIZERS[self.optimizer](**self.optimizer_kwargs())
        if self.batch_norm and self.batch_size < 2 and self.hidden_layers:
            raise ValueError("batch_size=1 cannot be used with batch_norm=True: a batch of one "
                             "has no variance to normalise by; use batch_size >= 2")

    def optimizer_kwargs(self):
        """The arguments of this config's optimizer, e.g. SGD(learning_rate, momentum, ...)."""
        names = ("learning_rate", *OPTIMIZERS[self.optimizer].defaults)
        return {name: getattr(self, name) for name in names if hasattr(self, name)}

    def replace(self, **changes):
        unknown = [k for k in changes if k not in FIELDS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a config field; allowed: "
                             f"{', '.join(FIELDS)}")
        return replace(self, **changes)

    def to_dict(self):
        d = asdict(self)
        d["features"] = list(self.features)
        d["hidden_layers"] = list(self.hidden_layers)
        return d


FIELDS = tuple(f.name for f in fields(Config))
_dataclass_init = Config.__init__


def _init(self, *args, **kwargs):
    unknown = [k for k in kwargs if k not in FIELDS]
    if unknown:
        raise check.ArgumentError(unknown[0], kwargs[unknown[0]], ", ".join(FIELDS),
                                  f"{unknown[0]!r} is not a config field; allowed: "
                                  f"{', '.join(FIELDS)}")
    _dataclass_init(self, *args, **kwargs)


Config.__init__ = _init
LIVE = frozenset({"optimizer", "learning_rate", "batch_size", "momentum", "nesterov", "beta1",
                  "beta2", "alpha", "eps", "l1", "l2", "dropout"})
DATA_FIELDS = frozenset({"dataset", "n_samples", "noise", "n_classes", "train_ratio",
                         "data_seed"})
