"""The exported script's own code: the training program around the engine's pieces.

`export.script` writes a standalone program from real source: the engine's own classes and
functions (activations, the loss, the initializer, Dense and BatchNorm, forward and backward,
the optimizers' update rules, the features and the targets), then the functions of this
module, which drive them as the Trainer does. This module imports the same engine names the
script defines, so it runs here too (`train` is tested against the Trainer in-process), and
it is linted like any other module.

`settings` is a plain dict: sizes, hidden / output / loss / init (the engine's objects), bias,
batch_norm, seed, steps, task, n_classes, output_activation (a name), features (names, or None
for data that is not 2-D), and hyper, the live hyperparameters at the start.
"""

import math

import numpy as np

from .features import apply
from .layers import Dense
from .model import backward, forward, penalty
from .optimizers import adam_update, rmsprop_update, sgd_update
from .targets import encode, predict


def network_inputs(settings, X):
    """The network's input matrix: the chosen features of 2-D points, else the columns as is."""
    if settings["features"] is None:
        return X.astype(np.float64)
    return apply(settings["features"], X, np.float64)


def build_network(settings, rng):
    """The layers with their parameters, drawn from rng as nnplay draws them: layer by layer,
    W then b. Returns (layers, params, grads), params and grads in the same order."""
    sizes, hyper = settings["sizes"], settings["hyper"]
    layers, params, grads = [], [], []
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        hidden = l < len(sizes) - 2
        layer = Dense(n_in, n_out, settings["hidden"] if hidden else settings["output"],
                      settings["bias"], hyper["dropout"] if hidden else 0.0,
                      settings["batch_norm"] and hidden)
        layer.W, layer.dW = np.zeros((n_in, n_out)), np.zeros((n_in, n_out))
        params.append(layer.W)
        grads.append(layer.dW)
        if layer.has_bias:
            layer.b, layer.db = np.zeros(n_out), np.zeros(n_out)
            params.append(layer.b)
            grads.append(layer.db)
        if layer.bn is not None:  # batch norm: γ scales, β shifts (and is the bias)
            bn = layer.bn
            bn.gamma, bn.dgamma = np.ones(n_out), np.zeros(n_out)
            bn.beta, bn.dbeta = np.zeros(n_out), np.zeros(n_out)
            params += [bn.gamma, bn.beta]
            grads += [bn.dgamma, bn.dbeta]
        settings["init"].fill(layer.W, layer.b, rng)
        layers.append(layer)
    return layers, params, grads


def param_names(layers):
    """W1, b1, gamma1, beta1, W2, ...: the names nnplay gives the parameters."""
    names = []
    for l, layer in enumerate(layers, start=1):
        names.append(f"W{l}")
        if layer.has_bias:
            names.append(f"b{l}")
        if layer.bn is not None:
            names += [f"gamma{l}", f"beta{l}"]
    return names


def new_optimizer(name, params):
    """The optimizer's state: step count t and its zeroed buffers for each parameter."""
    n_buffers = {"sgd": 1, "adam": 2, "rmsprop": 3}[name]
    return {"name": name, "t": 0,
            "buffers": [[np.zeros_like(p) for _ in range(n_buffers)] for p in params]}


def optimizer_step(optimizer, params, grads, hyper):
    """One update of every parameter with the optimizer's rule (torch.optim's formulas)."""
    optimizer["t"] += 1
    t, name, lr = optimizer["t"], optimizer["name"], hyper["learning_rate"]
    for p, g, buffers in zip(params, grads, optimizer["buffers"]):
        if name == "sgd":
            sgd_update(p, g, *buffers, t, lr, hyper["momentum"], hyper["nesterov"])
        elif name == "adam":
            adam_update(p, g, *buffers, t, lr, hyper["beta1"], hyper["beta2"], hyper["eps"])
        else:
            rmsprop_update(p, g, *buffers, t, lr, hyper["alpha"], hyper["eps"],
                           hyper["momentum"], False)


def regularize(layers, hyper):
    """Add l2·W + l1·sign(W) to each weight gradient; return the penalty added to the loss."""
    for layer in layers:
        if hyper["l2"]:
            layer.dW += hyper["l2"] * layer.W
        if hyper["l1"]:
            layer.dW += hyper["l1"] * np.sign(layer.W)
    weights = np.concatenate([layer.W.ravel() for layer in layers])
    return penalty(weights, hyper["l1"], hyper["l2"])


def apply_change(kind, values, layers, hyper):
    """One entry of the schedule: a live change, an edited parameter, or a hand-applied step.
    Returns the names of the hyperparameters that changed."""
    if kind == "set":
        for name, (_old, new) in values.items():
            hyper[name] = new
        for layer in layers[:-1]:
            layer.dropout = hyper["dropout"]
        return set(values)
    if kind == "weight":
        layers[values["layer"] - 1].W[values["source"], values["target"]] = values["value"]
    elif kind == "bias":
        layer = layers[values["layer"] - 1]
        bias = layer.b if layer.b is not None else layer.bn.beta
        bias[values["neuron"]] = values["value"]
    elif kind == "sgd":  # the step-through's step: W ← W − η·dW on one point, exactly
        for layer, after in zip(layers, values["after"]):
            layer.W[...] = np.array(after["W"])
            if "b" in after:
                layer.b[...] = np.array(after["b"])
    return set()


def train(settings, X_train, y_train, schedule, report=print):
    """Train as nnplay did: the same seeds, mini-batches and changes, step by step.
    Returns (layers, params) at the end."""
    hyper = dict(settings["hyper"])
    X = network_inputs(settings, X_train)
    Y = encode(y_train, settings["task"], settings["n_classes"], settings["output_activation"],
               np.float64)
    # Three independent random streams from the seed: weights, dropout masks, shuffling.
    init_seq, dropout_seq, shuffle_seq = np.random.SeedSequence(settings["seed"]).spawn(3)
    layers, params, grads = build_network(settings, np.random.default_rng(init_seq))
    dropout_rng = np.random.default_rng(dropout_seq)
    shuffle_rng = np.random.default_rng(shuffle_seq)
    optimizer = new_optimizer(hyper["optimizer"], params)
    n = len(X)
    changes = {}
    for step, kind, values in schedule:
        changes.setdefault(step, []).append((kind, values))

    def new_epoch():
        """Each epoch visits the training set once, in a fresh order (full batch: as it is)."""
        if hyper["batch_size"] >= n:
            return None, X, Y
        perm = shuffle_rng.permutation(n)
        return perm, X[perm], Y[perm]

    perm, Xs, Ys = new_epoch()
    position = epoch = 0
    steps = settings["steps"]
    step = 0
    while True:
        by_hand = False
        for kind, values in changes.get(step, []):
            changed = apply_change(kind, values, layers, hyper)
            by_hand = by_hand or kind == "sgd"
            if "optimizer" in changed:
                optimizer = new_optimizer(hyper["optimizer"], params)  # a new one starts fresh
            if "batch_size" in changed and perm is None and hyper["batch_size"] < n:
                perm, Xs, Ys = new_epoch()  # leaving full-batch mode: the epoch needs an order
                position = 0
        if by_hand:  # the step-through's step counts as a step of the run
            step += 1
            continue
        if step == steps:
            break
        bs = hyper["batch_size"]
        A = forward(layers, Xs[position:position + bs], True, dropout_rng)
        loss = backward(layers, settings["loss"], A, Ys[position:position + bs])
        loss += regularize(layers, hyper)
        if not math.isfinite(loss):
            report(f"step {step + 1}: the loss is not finite; stopping (lower the learning rate)")
            break
        for layer in layers:
            if layer.bn is not None:
                layer.bn.commit()  # the batch's statistics, now that the step is applied
        optimizer_step(optimizer, params, grads, hyper)
        position += bs
        if position >= n:
            epoch += 1
            perm, Xs, Ys = new_epoch()
            position = 0
        step += 1
        if step % max(1, steps // 20) == 0 or step == steps:
            report(f"step {step:7d}  epoch {epoch}  mini-batch loss {loss:.6f}")
    return layers, params


def main(settings, data, schedule, argv):
    """Train, print the loss as it goes and the test accuracy at the end; save the parameters
    to the .npz file named on the command line, if one is."""
    layers, params = train(settings, data["X_train"], data["y_train"], schedule)
    if len(data["y_test"]) and settings["task"] == "classification":
        A = forward(layers, network_inputs(settings, data["X_test"]), False)
        accuracy = np.mean(predict(A, settings["output_activation"]) == data["y_test"])
        print(f"test accuracy {accuracy:.4f}")
    if len(argv) > 1:
        np.savez(argv[1], **dict(zip(param_names(layers), params)))
        print("saved the parameters to", argv[1])
    return layers
