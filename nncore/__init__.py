"""nncore: a small multilayer-perceptron library in NumPy, the engine of nnplay.

    from nncore import MLP, Trainer, datasets, optimizers
    net = MLP([2, 8, 8, 1], activation="tanh", output_activation="sigmoid", loss="bce")
    loss, grads = net.loss_and_grads(X, Y)
    optimizers.Adam(learning_rate=0.01).step(net.params, grads)

It imports NumPy and the standard library only, and does no printing, logging or networking.
"""

from . import datasets, features, optimizers, probes
from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from .config import Config
from .datasets import DATASETS
from .features import FEATURES
from .initializers import INITIALIZERS
from .losses import LOSSES
from .model import MLP
from .optimizers import OPTIMIZERS
from .perceptron import Perceptron
from .sweep import sweep  # the function: nncore.sweep's module is imported by its path
from .trainer import Trainer

__all__ = [
    "ACTIVATIONS", "DATASETS", "FEATURES", "HIDDEN_ACTIVATIONS", "INITIALIZERS", "LOSSES",
    "MLP", "OPTIMIZERS", "OUTPUT_ACTIVATIONS", "Config", "Perceptron", "Trainer", "datasets",
    "features", "optimizers", "probes", "sweep",
]
