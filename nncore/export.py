"""A Trainer's run as a standalone Python script: NumPy only, commented like a tutorial.

`script(trainer, schedule)` writes a program that builds the same network from the same seed,
trains it on the same points (embedded in the script) with the same mini-batches, and prints
the loss as it goes; after the same number of steps its weights equal the trainer's. It does
every operation in the engine's order, so the numbers agree to the last bit, or nearly:
the test allows 1e-12.

`schedule` lists what changed during the run, as (step, kind, values): kind "set" for live
hyperparameter changes, "weight"/"bias" for edited parameters, "sgd" for an explained step
(probes.trace) applied by hand. The script applies each before the step that followed it.
"""

import json

import numpy as np

from .config import LIVE
from .features import FEATURES

FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1sq": "x1 * x1", "x2sq": "x2 * x2", "x1x2": "x1 * x2",
    "sinx1": "np.sin(x1)", "sinx2": "np.sin(x2)",
}

ACTIVATION_CODE = {
    "linear": ("return Z", "return dA"),
    "sigmoid": ("return 0.5 * np.tanh(0.5 * Z) + 0.5", "return dA * A * (1.0 - A)"),
    "tanh": ("return np.tanh(Z)", "return dA * (1.0 - A * A)"),
    "relu": ("return np.maximum(Z, 0.0)", "return dA * (Z > 0)"),
    "leaky_relu": ("return np.where(Z > 0, Z, 0.01 * Z)",
                   "return dA * np.where(Z > 0, 1.0, 0.01)"),
    "softmax": ("E = np.exp(Z - Z.max(axis=1, keepdims=True))\n    "
                "return E / E.sum(axis=1, keepdims=True)", None),
    "step": ("return (Z >= 0).astype(Z.dtype)", None),
}
ACTIVATION_DOC = {
    "linear": "φ(z) = z", "sigmoid": "φ(z) = 1/(1 + e^−z), written as ½·tanh(z/2) + ½",
    "tanh": "φ(z) = tanh z", "relu": "φ(z) = max(z, 0)",
    "leaky_relu": "φ(z) = z for z > 0, else 0.01·z", "softmax": "φ(z)ᵢ = e^zᵢ / Σⱼ e^zⱼ",
    "step": "φ(z) = 1 if z ≥ 0 else 0",
}
LOSS_CODE = {
    "sse": ('"""Sum of squared errors: L = Σ (ŷ − y)²;  dL/dŷ = 2(ŷ − y)."""',
            "D = A - Y\n    return float(np.vdot(D, D)), output_backward(2.0 * D, Z, A)"),
    "mse": ('"""Mean squared error over samples and outputs;  dL/dŷ = 2(ŷ − y)/(N·k)."""',
            "D = A - Y\n    return float(np.vdot(D, D)) / D.size, "
            "output_backward(D * (2.0 / D.size), Z, A)"),
    "bce": ('"""Binary cross-entropy from the logits Z: mean(log(1 + e^z) − y·z);  '
            'dZ = (ŷ − y)/(N·k)."""',
            "loss = float((np.logaddexp(0.0, Z) - Y * Z).sum()) / Z.size\n    "
            "return loss, (A - Y) * (1.0 / Z.size)"),
    "cross_entropy": ('"""Softmax cross-entropy from the logits: mean(logΣe^z − Σ y·z);  '
                      'dZ = (ŷ − y)/N."""',
                      "m = Z.max(axis=1, keepdims=True)\n    "
                      "lse = np.log(np.exp(Z - m).sum(axis=1)) + m[:, 0]\n    "
                      "loss = float((lse - (Y * Z).sum(axis=1)).sum()) / Z.shape[0]\n    "
                      "return loss, (A - Y) * (1.0 / Z.shape[0])"),
    "perceptron": ('"""The perceptron criterion Σ max(0, −t·z), t = 2y − 1;  dZ = ŷ − y: '
                   'gradient descent on it is the perceptron rule."""',
                   "loss = float(np.maximum(0.0, (1.0 - 2.0 * Y) * Z).sum())\n    "
                   "return loss, A - Y"),
}
INIT_CODE = {
    "uniform": ("W = rng.random((n_in, n_out))", "0.0"),
    "normal": ("W = rng.standard_normal((n_in, n_out))", "0.0"),
    "xavier": ("a = math.sqrt(6.0 / (n_in + n_out))\n        W = rng.uniform(-a, a, (n_in, n_out))",
               "0.0"),
    "he": ("W = rng.standard_normal((n_in, n_out)) * math.sqrt(2.0 / n_in)", "0.0"),
    "playground": ("W = rng.uniform(-0.5, 0.5, (n_in, n_out))", "0.1"),
    "zeros": ("W = np.zeros((n_in, n_out))", "0.0"),
}
INIT_DOC = {
    "uniform": "U[0, 1), as np.random.rand", "normal": "N(0, 1), as np.random.randn",
    "xavier": "Glorot uniform, U(−a, a) with a = √(6/(n_in + n_out))",
    "he": "He normal, N(0, 2/n_in)", "playground": "U(−0.5, 0.5), biases 0.1",
    "zeros": "all zero",
}


def _array(name, A, comment):
    """A NumPy array literal that reproduces A exactly (repr of float64 round-trips)."""
    A = np.asarray(A)
    if A.dtype.kind == "f":
        body = json.dumps(A.tolist())
        return f"{name} = np.array({body})  # {comment}, shape {A.shape}"
    return f"{name} = np.array({json.dumps(A.tolist())}, dtype=np.int64)  # {comment}"


def _check_supported(trainer):
    if trainer.config.dtype != "float64":
        raise ValueError("the code export reproduces float64 runs; set dtype to float64")


def script(trainer, schedule=(), title=None):
    """The run of `trainer` so far as a standalone script (a string)."""
    _check_supported(trainer)
    for _step, kind, values in schedule:
        if kind == "set" and "dtype" in values:
            raise ValueError("dtype cannot change within a run")
    cfg = _config_at_start(trainer.config, schedule)
    data, net = trainer.data, trainer.net
    steps = trainer.step_count
    sizes = net.sizes
    plane = data.is_plane
    lines = []
    w = lines.append
    desc = "-".join(map(str, sizes))
    w("#!/usr/bin/env python3")
    w(f'"""{title or f"A {desc} network on the {cfg.dataset} dataset"}, as nnplay trained it.')
    w("")
    w("Standalone: it needs NumPy only. Run it as it is:")
    w("")
    w("    python this_script.py              # trains and prints the loss as it goes")
    w("    python this_script.py weights.npz  # ... and saves the final parameters")
    w("")
    w(f"It builds the same network from the same seed ({cfg.seed}), trains it on the same points")
    w(f"with the same mini-batches for {steps} steps, and ends with the weights nnplay had.")
    w('"""')
    w("")
    w("import math")
    w("import sys")
    w("")
    w("import numpy as np")
    w("")
    w("# -- settings ---------------------------------------------------------------------------")
    w(f"SIZES = {sizes}  # layer widths: inputs, hidden layers, outputs")
    w(f"HIDDEN_ACTIVATION = {cfg.activation!r}")
    w(f"OUTPUT_ACTIVATION = {cfg.output_activation!r}")
    w(f"LOSS = {cfg.loss!r}")
    w(f"SEED = {cfg.seed}  # seeds the initial weights, the shuffling and dropout")
    w(f"STEPS = {steps}")
    w(f"OPTIMIZER = {cfg.optimizer!r}")
    live = {name: getattr(cfg, name) for name in sorted(LIVE) if name != "optimizer"}
    w(f"HYPER = {live!r}")
    if schedule:
        w("# What changed during the run, applied before the step that followed it:")
        w("# (step, what, values)")
        w(f"SCHEDULE = {[list(entry) for entry in _jsonable_schedule(schedule)]!r}")
    else:
        w("SCHEDULE = []  # nothing changed during the run")
    w("")
    w("# -- the data -------------------------------------------------------------------------")
    w(f"# {len(data.train)} training and {len(data.test)} test points of '{cfg.dataset}'"
      + (f" (noise {cfg.noise:g}, data seed {cfg.data_seed})" if cfg.dataset != "custom" else "")
      + ", as nnplay made them.")
    w(_array("X_train", data.X[data.train], "raw inputs"))
    w(_array("y_train", data.y[data.train], "labels" if data.task == "classification"
             else "targets"))
    w(_array("X_test", data.X[data.test], "raw inputs"))
    w(_array("y_test", data.y[data.test], "labels" if data.task == "classification"
             else "targets"))
    w("")
    if plane:
        names = list(trainer.config.features)
        w("")
        w("def features(X):")
        labels = ", ".join(FEATURES[n][0] for n in names)
        w(f'    """The network\'s inputs from the points (x₁, x₂): {labels}."""')
        w("    x1, x2 = X[:, 0], X[:, 1]")
        w(f"    out = np.empty((X.shape[0], {len(names)}))")
        for j, n in enumerate(names):
            w(f"    out[:, {j}] = {FEATURE_CODE[n]}")
        w("    return out")
    else:
        w("")
        w("def features(X):")
        w('    """This data is not 2-D: the network takes its columns as they are."""')
        w("    return X.astype(np.float64)")
    w("")
    w("")
    w(_targets_code(data, cfg))
    w("")
    w("")
    w("X_in, Y_in = features(X_train), targets(y_train)")
    w("")
    w("")
    w("# -- activations, each with its derivative below it ----------------------------------")
    for name in dict.fromkeys([cfg.activation, cfg.output_activation]):
        forward, backward = ACTIVATION_CODE[name]
        w(f"def {name}(Z):")
        w(f'    """{ACTIVATION_DOC[name]}"""')
        w(f"    {forward}")
        w("")
        w("")
        if backward:
            w(f"def {name}_backward(dA, Z, A):")
            w('    """dZ = dA ⊙ φ\'(Z)."""')
            w(f"    {backward}")
            w("")
            w("")
    w(f"hidden, hidden_backward = {cfg.activation}, {cfg.activation}_backward")
    w(f"output = {cfg.output_activation}")
    if ACTIVATION_CODE[cfg.output_activation][1]:
        w(f"output_backward = {cfg.output_activation}_backward")
    w("")
    w("")
    doc, body = LOSS_CODE[cfg.loss]
    w("def loss_and_dZ(Z, A, Y):")
    w(f"    {doc}")
    w(f"    {body}")
    w("")
    w("")
    w(_init_code(cfg))
    w("")
    w(_network_code(cfg))
    w("")
    w(_optimizer_code())
    w("")
    w(_train_code())
    return "\n".join(lines) + "\n"


def _jsonable_schedule(schedule):
    out = []
    for step, kind, values in schedule:
        out.append((int(step), kind, {k: (list(v) if isinstance(v, tuple) else v)
                                      for k, v in values.items()}))
    return out


def _config_at_start(config, schedule):
    """The config the run began with: undo the scheduled live changes, last first."""
    changes = {}
    for _step, kind, values in schedule:
        if kind == "set":
            for name, (old, _new) in values.items():
                changes.setdefault(name, old)
    return config.replace(**changes) if changes else config


def _targets_code(data, cfg):
    from .targets import n_outputs

    if data.task == "regression":
        return ('def targets(y):\n    """Regression: the target itself, one column."""\n'
                "    return y.astype(np.float64).reshape(-1, 1)")
    k = data.n_classes
    n_out = n_outputs(data.task, k, cfg.output_activation)
    off = -1.0 if cfg.output_activation == "tanh" else 0.0
    if n_out == 1:
        return ('def targets(y):\n    """Two classes, one output: class 1 is 1.0, class 0 is '
                f'{off}."""\n    return np.where(y == 1, 1.0, {off}).reshape(-1, 1)')
    return ('def targets(y):\n    """One column per class, 1.0 for the true class (one-hot)."""\n'
            f"    Y = np.full((len(y), {n_out}), {off})\n"
            "    Y[np.arange(len(y)), y] = 1.0\n    return Y")


def _init_code(cfg):
    code, bias = INIT_CODE[cfg.init]
    bn = cfg.batch_norm
    has_b = cfg.bias
    lines = [
        "# -- initial weights ----------------------------------------------------------------",
        "# Three independent random streams from the seed: weights, dropout masks, shuffling.",
        "init_seq, dropout_seq, shuffle_seq = np.random.SeedSequence(SEED).spawn(3)",
        "",
        "",
        "def initial_parameters(rng):",
        f'    """Layer by layer, W then b: W ~ {INIT_DOC[cfg.init]}."""',
        "    params = []",
        "    for l, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:])):",
        f"        {code}",
        "        layer = {\"W\": W}",
    ]
    if bn:
        lines += [
            "        if l < len(SIZES) - 2:  # batch norm on hidden layers: its β is the bias",
            "            layer.update(gamma=np.ones(n_out), beta=np.zeros(n_out),",
            "                         mean=np.zeros(n_out), var=np.ones(n_out))",
        ]
        if has_b:
            lines += ["        else:", f"            layer[\"b\"] = np.full(n_out, {bias})"]
    elif has_b:
        lines.append(f"        layer[\"b\"] = np.full(n_out, {bias})")
    lines += ["        params.append(layer)", "    return params"]
    return "\n".join(lines)


def _network_code(cfg):
    return '''# -- forward and backward ------------------------------------------------------------
BN_EPS, BN_MOMENTUM = 1e-5, 0.1


def forward(params, X, dropout_rng, train=True):
    """A[l] = φ(A[l−1]·W[l] + b[l]) layer by layer, keeping what backward needs."""
    A, cache = X, []
    for l, p in enumerate(params):
        last = l == len(params) - 1
        Z = A @ p["W"]  # (N, n_out)
        if "b" in p:
            Z += p["b"]
        bn = None
        if "gamma" in p:  # batch norm: normalise by the batch, then scale by γ, shift by β
            mu, var = Z.mean(axis=0), Z.var(axis=0)
            inv_std = 1.0 / np.sqrt(var + BN_EPS)
            Zhat = (Z - mu) * inv_std
            bn = (mu, var, inv_std, Zhat, Z.shape[0])
            Z = Zhat * p["gamma"] + p["beta"]
        Aout = (output if last else hidden)(Z)
        mask = None
        if train and not last and HYPER["dropout"] > 0.0:  # inverted dropout
            keep = 1.0 - HYPER["dropout"]
            U = dropout_rng.random((Aout.shape[0], Aout.shape[1]), dtype=np.float64)
            mask = (U < keep) * np.float64(1.0 / keep)
        cache.append((A, Z, Aout, mask, bn))
        A = Aout * mask if mask is not None else Aout
    return A, cache


def backward(params, cache, dZ_out):
    """δ[L] from the loss, then δ[l] = (δ[l+1]·W[l+1]ᵀ) ⊙ φ'(Z[l]); dW = A[l−1]ᵀ·δ, db = Σδ."""
    grads = [None] * len(params)
    dA = None
    for l in range(len(params) - 1, -1, -1):
        p = params[l]
        A_prev, Z, A, mask, bn = cache[l]
        g = {}
        if l == len(params) - 1:
            dZ = dZ_out
        else:
            if mask is not None:
                dA = dA * mask
            dZ = hidden_backward(dA, Z, A)
        if bn is not None:
            mu, var, inv_std, Zhat, N = bn
            g["gamma"] = (dZ * Zhat).sum(axis=0)
            g["beta"] = dZ.sum(axis=0)
            dZhat = dZ * p["gamma"]
            dZ = (inv_std / N) * (N * dZhat - dZhat.sum(axis=0) - Zhat * (dZhat * Zhat).sum(axis=0))
        g["W"] = A_prev.T @ dZ  # (n_in, n_out)
        if "b" in p:
            g["b"] = dZ.sum(axis=0)
        if l > 0:
            dA = dZ @ p["W"].T
        grads[l] = g
    # L2 and L1 on the weights only: (l2/2)·ΣW² + l1·Σ|W| added to the loss
    for p, g in zip(params, grads):
        if HYPER["l2"]:
            g["W"] += HYPER["l2"] * p["W"]
        if HYPER["l1"]:
            g["W"] += HYPER["l1"] * np.sign(p["W"])
    return grads


def commit_batch_norm(params, cache):
    """Fold the batch statistics into the running ones (after a step that was applied)."""
    for p, (_, _, _, _, bn) in zip(params, cache):
        if bn is not None:
            mu, var, _, _, N = bn
            p["mean"] *= 1.0 - BN_MOMENTUM
            p["mean"] += BN_MOMENTUM * mu
            p["var"] *= 1.0 - BN_MOMENTUM
            p["var"] += (BN_MOMENTUM * N / max(N - 1, 1)) * var'''


def _optimizer_code():
    return '''# -- the optimizer, as torch.optim's formulas ----------------------------------------
TRAINABLE = ("W", "b", "gamma", "beta")


class Optimizer:
    def __init__(self, name, params):
        self.name, self.t = name, 0
        shapes = [(l, k) for l, p in enumerate(params) for k in TRAINABLE if k in p]
        self.state = {key: {s: np.zeros_like(params[s[0]][s[1]]) for s in shapes}
                      for key in ("m", "v", "buf")}

    def step(self, params, grads):
        self.t += 1
        h = HYPER
        for (l, k), m in self.state["m"].items():
            p, g = params[l][k], grads[l][k]
            v, buf = self.state["v"][(l, k)], self.state["buf"][(l, k)]
            if self.name == "sgd":  # b ← μ·b + g;  θ ← θ − η·(g + μ·b if Nesterov else b)
                if h["momentum"]:
                    buf *= h["momentum"]
                    buf += g
                    g = g + h["momentum"] * buf if h["nesterov"] else buf
                p -= h["learning_rate"] * g
            elif self.name == "adam":  # bias-corrected first and second moments
                m *= h["beta1"]
                m += (1.0 - h["beta1"]) * g
                v *= h["beta2"]
                v += (1.0 - h["beta2"]) * (g * g)
                step_size = h["learning_rate"] / (1.0 - h["beta1"] ** self.t)
                denom = np.sqrt(v) * (1.0 / math.sqrt(1.0 - h["beta2"] ** self.t))
                denom += h["eps"]
                p -= step_size * (m / denom)
            else:  # rmsprop: v ← α·v + (1 − α)·g²;  θ ← θ − η·g/(√v + ε)
                v *= h["alpha"]
                v += (1.0 - h["alpha"]) * (g * g)
                s = np.sqrt(v)
                s += h["eps"]
                if h["momentum"]:
                    buf *= h["momentum"]
                    buf += g / s
                    p -= h["learning_rate"] * buf
                else:
                    p -= h["learning_rate"] * (g / s)'''


def _train_code():
    return '''# -- training ------------------------------------------------------------------------
def apply_change(kind, values, params, optimizer):
    """One entry of SCHEDULE: a live change, an edited parameter, or a hand-applied step."""
    global OPTIMIZER
    if kind == "set":
        for name, (old, new) in values.items():
            if name == "optimizer":
                OPTIMIZER = new
                optimizer = Optimizer(new, params)  # a new optimizer starts fresh
            else:
                HYPER[name] = new
    elif kind == "weight":
        params[values["layer"] - 1]["W"][values["source"], values["target"]] = values["value"]
    elif kind == "bias":
        p = params[values["layer"] - 1]
        p["b" if "b" in p else "beta"][values["neuron"]] = values["value"]
    elif kind == "sgd":  # the step-through's step: W ← W − η·dW on one point, exactly
        for l, layer in enumerate(values["after"]):
            for k, value in layer.items():
                params[l][k][...] = np.array(value)
    return optimizer


def main():
    params = initial_parameters(np.random.default_rng(init_seq))
    dropout_rng = np.random.default_rng(dropout_seq)
    shuffle_rng = np.random.default_rng(shuffle_seq)
    optimizer = Optimizer(OPTIMIZER, params)
    n = len(X_in)
    changes = {}
    for step, kind, values in SCHEDULE:
        changes.setdefault(step, []).append((kind, values))

    def new_epoch():
        """Each epoch visits the training set once, in a fresh order (full batch: as is)."""
        if HYPER["batch_size"] >= n:
            return None, X_in, Y_in
        perm = shuffle_rng.permutation(n)
        return perm, X_in[perm], Y_in[perm]

    perm, Xs, Ys = new_epoch()
    position = epoch = 0
    for step in range(STEPS + 1):
        for kind, values in changes.get(step, []):
            old_batch = HYPER["batch_size"]
            optimizer = apply_change(kind, values, params, optimizer)
            if HYPER["batch_size"] != old_batch and perm is None and HYPER["batch_size"] < n:
                perm, Xs, Ys = new_epoch()  # leaving full-batch mode: the epoch needs an order
                position = 0
        if step == STEPS:
            break
        bs = HYPER["batch_size"]
        X, Y = Xs[position:position + bs], Ys[position:position + bs]
        A, cache = forward(params, X, dropout_rng)
        Z_out = cache[-1][1]
        loss, dZ = loss_and_dZ(Z_out, A, Y)
        grads = backward(params, cache, dZ)
        penalty = sum(0.5 * HYPER["l2"] * float(np.vdot(p["W"], p["W"]))
                      + HYPER["l1"] * float(np.abs(p["W"]).sum()) for p in params)
        if not math.isfinite(loss + penalty):
            print(f"step {step + 1}: the loss is not finite; stopping (lower the learning rate)")
            break
        commit_batch_norm(params, cache)
        optimizer.step(params, grads)
        position += bs
        if position >= n:
            epoch += 1
            perm, Xs, Ys = new_epoch()
            position = 0
        if (step + 1) % max(1, STEPS // 20) == 0 or step + 1 == STEPS:
            print(f"step {step + 1:7d}  epoch {epoch}  mini-batch loss {loss + penalty:.6f}")
    return params


if __name__ == "__main__":
    final = main()
    if len(sys.argv) > 1:
        np.savez(sys.argv[1], **{f"{k}{l + 1}": v for l, p in enumerate(final)
                                  for k, v in p.items() if k in TRAINABLE})
        print("saved the parameters to", sys.argv[1])'''
