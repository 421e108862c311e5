"""Engine benchmark: nncore's training step and plane probe beside a bare NumPy loop.

What it measures, each figure beside a hand-written NumPy loop doing the same math, in the
same run, on the same data and the same weights:

    µs per training step through the real `Trainer.step(n)`, the call the server makes, and
    through the notebook loop `net.loss_and_grads(X, Y)` + `opt.step(net.params, grads)`:
      2-4-2-1 batch 10          circle, tanh, sigmoid + bce, SGD lr 0.03 (the Trainer defaults)
      2-8-8-8-8-8-8-1 batch 10  circle, tanh, sigmoid + bce, SGD lr 0.03
      784-128-64-10 batch 64    random (2048, 784) inputs in [0, 1], 10 random classes,
                                relu, softmax + cross-entropy, SGD lr 0.03
    ms per `PlaneProbe.run` on a 2-8-8-8-8-8-8-1 tanh network:
      every neuron and the output on a 100x100 grid (neuron_density=100, the acceptance
      figure), and the default frame probe (neurons 32x32, output 100x100); both float32.
      The bare float64 pass over the 100x100 grid is printed for reference.

The target is engine/bare ≤ 1.3 for the three training steps, the three notebook loops and
the all-neuron probe. A
small network's step time is set by how many NumPy calls it makes (one call on a tiny array
costs a microsecond or a few), so the script also counts the NumPy dispatches per step, and
prints the cost of one tiny call measured in this run.

The bare loop is a tutorial mini-batch loop: a fresh permutation of the training set each
epoch and slices of it, forward (A·W + b, φ), the loss, backward (dW = Aᵀ·dZ, db = Σ dZ,
dA = dZ·Wᵀ, ⊙ φ'), then W -= lr·dW for every array. It has none of the Trainer's checks.
Before timing, the script runs both from the Trainer's initial weights and epoch order for
a little over an epoch and asserts that the weights agree to 1e-12.

Method: the machine is shared and noisy (2 cores; OpenBLAS's threads slow down several-fold
while another process holds a core), so after a warm-up, engine and bare blocks alternate
over 21 rounds, which of the two goes first alternating too. Each time is the median over
the rounds; the ratio is the median of the rounds' engine/bare ratios, each taken over two
adjacent blocks, printed with its interquartile range. NumPy's threading is left as it is;
the OpenBLAS setting is printed.
If PyTorch happens to be installed its figures are printed as well; it is never required.

Run from the repository root (about 10-30 s; PyTorch, if present, adds ~10 s):

    python bench/engine.py

It works with PYTHONPATH=. and after `pip install -e .`. It is a report, not a test: it
exits 0 whatever the ratios.
"""

import copy
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `python bench/engine.py` from a plain checkout

import numpy as np  # noqa: E402

import nncore  # noqa: E402
from nncore.probes import PlaneProbe, grid  # noqa: E402

ROUNDS = 21  # interleaved engine/bare rounds; each figure is the median over them
TARGET = 1.3  # engine/bare
EXTENT = (-6.0, 6.0)
MATCH_TOLERANCE = 1e-12


# -- the bare loop -----------------------------------------------------------------------------
class BareLoop:
    """A hand-written mini-batch SGD loop in plain NumPy: the floor the engine is held to.

    hidden activation tanh or relu; one sigmoid output with bce, or softmax with cross-entropy:
      bce  L = mean(log(1 + e^z) − y·z),                  dZ = (σ(Z) − Y)/N
      ce   L = mean(logΣⱼ e^zⱼ − Σⱼ yⱼzⱼ),                 dZ = (softmax(Z) − Y)/N
    Starts from the given weights and first-epoch order (Xs, Ys); `rng` shuffles later epochs.
    """

    def __init__(self, Ws, bs, X, Y, Xs, Ys, hidden, lr, batch, rng):
        self.Ws, self.bs = Ws, bs
        self.X, self.Y = X, Y
        self.Xs, self.Ys, self.pos = Xs, Ys, 0
        self.relu = hidden == "relu"
        self.lr, self.batch, self.rng = lr, batch, rng

    def run(self, steps):
        Ws, bs, lr, batch, relu = self.Ws, self.bs, self.lr, self.batch, self.relu
        softmax = self.Y.shape[1] > 1
        n = len(self.X)
        losses = np.empty(steps)
        for i in range(steps):
            X = self.Xs[self.pos:self.pos + batch]  # (N, n_in)
            Y = self.Ys[self.pos:self.pos + batch]  # (N, k)
            As = [X]  # the input of each layer
            for W, b in zip(Ws[:-1], bs[:-1]):
                Z = As[-1] @ W + b  # (N, n_out)
                As.append(np.maximum(Z, 0.0) if relu else np.tanh(Z))
            Z = As[-1] @ Ws[-1] + bs[-1]  # (N, k) logits
            if softmax:
                Zs = Z - Z.max(axis=1, keepdims=True)  # (N, k)
                E = np.exp(Zs)
                S = E.sum(axis=1, keepdims=True)  # (N, 1)
                loss = (np.log(S) - (Y * Zs).sum(axis=1, keepdims=True)).mean()
                Y_hat = E / S
            else:
                loss = (np.logaddexp(0.0, Z) - Y * Z).mean()
                Y_hat = 1.0 / (1.0 + np.exp(-Z))
            dZ = (Y_hat - Y) / len(Z)  # (N, k)
            grads = []
            for l in range(len(Ws) - 1, -1, -1):
                grads.append((As[l].T @ dZ, dZ.sum(axis=0)))  # dW (n_in, n_out), db (n_out,)
                if l > 0:
                    dA = dZ @ Ws[l].T  # (N, n_in)
                    dZ = dA * (As[l] > 0) if relu else dA * (1.0 - As[l] ** 2)
            for W, b, (dW, db) in zip(reversed(Ws), reversed(bs), grads):
                W -= lr * dW
                b -= lr * db
            losses[i] = loss
            self.pos += batch
            if self.pos >= n:
                perm = self.rng.permutation(n)
                self.Xs, self.Ys, self.pos = self.X[perm], self.Y[perm], 0
        return losses


class NotebookLoop:
    """The loop every from-scratch tutorial writes, on the engine's public API:

        loss, grads = net.loss_and_grads(X, Y)
        opt.step(net.params, grads)

    over the same mini-batches as a BareLoop (the Trainer's first-epoch order, then `rng`)."""

    def __init__(self, trainer):
        self.net = trainer.net.copy()
        self.opt = nncore.optimizers.SGD(learning_rate=trainer.config.learning_rate)
        self.X, self.Y = trainer.X_train, trainer.Y_train
        self.Xs, self.Ys, self.pos = trainer._Xs, trainer._Ys, trainer.position
        self.batch, self.rng = trainer.config.batch_size, copy.deepcopy(trainer.shuffle_rng)

    def run(self, steps):
        net, opt, batch, n = self.net, self.opt, self.batch, len(self.X)
        for _ in range(steps):
            X = self.Xs[self.pos:self.pos + batch]
            Y = self.Ys[self.pos:self.pos + batch]
            loss, grads = net.loss_and_grads(X, Y)
            opt.step(net.params, grads)
            self.pos += batch
            if self.pos >= n:
                perm = self.rng.permutation(n)
                self.Xs, self.Ys, self.pos = self.X[perm], self.Y[perm], 0


def bare_twin(trainer, wrap=lambda a: a):
    """A BareLoop in the Trainer's exact state: its weights, epoch order and shuffle RNG."""
    net, cfg = trainer.net, trainer.config
    loop = BareLoop([wrap(layer.W.copy()) for layer in net.layers],
                    [wrap(layer.b.copy()) for layer in net.layers],
                    trainer.X_train, trainer.Y_train, wrap(trainer._Xs), wrap(trainer._Ys),
                    cfg.activation, cfg.learning_rate, cfg.batch_size,
                    copy.deepcopy(trainer.shuffle_rng))
    loop.pos = trainer.position
    return loop


def max_difference(trainer, bare):
    """max |Δθ| between the Trainer's (or a NotebookLoop's) weights and the bare loop's."""
    net = trainer.net
    ours = [a for layer in net.layers for a in (layer.W, layer.b)]
    theirs = [a for W, b in zip(bare.Ws, bare.bs) for a in (W, b)]
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs))


def bare_probe(Ws, bs, P, dtype):
    """Every layer's activation over the points P (M, 2), computed in `dtype`."""
    A, maps = P, []
    for W, b in zip(Ws[:-1], bs[:-1]):
        A = np.tanh(A @ W.astype(dtype) + b.astype(dtype))  # (M, n_out)
        maps.append(A)
    Z = A @ Ws[-1].astype(dtype) + bs[-1].astype(dtype)  # (M, 1)
    maps.append(1.0 / (1.0 + np.exp(-Z)))
    return maps


# -- counting NumPy calls ----------------------------------------------------------------------
class Counted(np.ndarray):
    """An ndarray that counts the ufunc and array-function dispatches made on it.

    Operators (A @ W, Z + b, W -= ...), ufuncs and reductions each count one; an array
    function such as np.dot counts one plus any ufunc it runs inside. Indexing and slicing
    are not counted.
    """

    calls = 0

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        Counted.calls += 1
        plain = [x.view(np.ndarray) if isinstance(x, Counted) else x for x in inputs]
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, Counted) else o
                                  for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return result.view(Counted) if isinstance(result, np.ndarray) else result

    def __array_function__(self, func, types, args, kwargs):
        Counted.calls += 1
        return super().__array_function__(func, types, args, kwargs)


def count(run, steps):
    Counted.calls = 0
    run(steps)
    return Counted.calls / steps


def calls_per_step(make_trainer):
    """(engine, bare) NumPy dispatches per step, counted within the first epoch."""
    tr = make_trainer()
    tr.step(1)  # the optimizer allocates its state on its first step; leave that out
    steps = tr.steps_per_epoch - 2  # the epoch's reshuffle would leave the counted arrays
    bare = bare_twin(tr, lambda a: a.view(Counted))
    net = tr.net
    for layer in net.layers:  # views of the same memory, so the engine runs unchanged
        for name in ("W", "b", "dW", "db"):
            if getattr(layer, name, None) is not None:
                setattr(layer, name, getattr(layer, name).view(Counted))
    net.theta, net.grad = net.theta.view(Counted), net.grad.view(Counted)
    tr._Xs, tr._Ys = tr._Xs.view(Counted), tr._Ys.view(Counted)
    return count(tr.step, steps), count(bare.run, steps)


# -- timing ------------------------------------------------------------------------------------
class Timing:
    """Seconds per call of an engine and a bare function, timed in alternating rounds.

    engine, bare  the median over the rounds
    ratios        engine/bare of each round's adjacent pair of blocks: a burst of load
                  from elsewhere that outlasts a pair slows both sides of it alike
    """

    def __init__(self, engine, bare, per_round, rounds=ROUNDS):
        engine(max(1, per_round // 4))  # warm-up
        bare(max(1, per_round // 4))
        e, b = [], []
        for r in range(rounds):
            for fn, out in ((engine, e), (bare, b)) if r % 2 == 0 else ((bare, b), (engine, e)):
                t0 = time.perf_counter()
                fn(per_round)
                out.append((time.perf_counter() - t0) / per_round)
        self.engine, self.bare = statistics.median(e), statistics.median(b)
        self.ratios = [x / y if y else float("inf") for x, y in zip(e, b)]

    def ratio(self):
        """'1.02 [0.97–1.08]': the median paired ratio and its interquartile range."""
        q1, q2, q3 = statistics.quantiles(self.ratios, n=4)
        return q2, f"{q2:>5.2f} [{q1:.2f}–{q3:.2f}]"


def nothing(n):
    """A stand-in for the side that has no figure."""


def tiny_call_cost():
    """Median µs of one NumPy call on a (10, 4) array, in this run."""
    A, b = np.ones((10, 4)), np.ones(4)
    samples = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        for _ in range(20_000):
            A + b
        samples.append((time.perf_counter() - t0) / 20_000)
    return statistics.median(samples) * 1e6


def repeat_calls(fn, *args):
    """fn(*args) as a function of a repeat count, for `Timing`."""
    def run(n):
        for _ in range(n):
            fn(*args)
    return run


# -- configurations ----------------------------------------------------------------------------
def synthetic_784():
    rng = np.random.default_rng(0)
    X = rng.random((2048, 784))  # (N, 784) in [0, 1)
    y = rng.integers(0, 10, 2048)  # (N,) classes 0..9
    return X, y


def configurations():
    """(label, make_trainer, steps per round)."""
    data = synthetic_784()
    return [
        ("2-4-2-1 batch 10", lambda: nncore.Trainer(), 500),
        ("2-8-8-8-8-8-8-1 batch 10", lambda: nncore.Trainer(hidden_layers=(8,) * 6), 500),
        ("784-128-64-10 batch 64",
         lambda: nncore.Trainer(data=data, hidden_layers=(128, 64), activation="relu",
                                output_activation="softmax", loss="cross_entropy",
                                batch_size=64, train_ratio=1.0), 50),
    ]


def check_label(label, trainer):
    sizes = "-".join(str(n) for n in trainer.net.sizes)
    assert label.startswith(sizes + " "), f"{label!r} but the network is {sizes}"


def verdict(ratio):
    return f"≤ {TARGET:.2f}  {'ok' if ratio <= TARGET else 'OVER'}"


# -- PyTorch (optional) ------------------------------------------------------------------------
class TorchLoop:
    """The same training as a Trainer, written the usual torch way (float64, torch.optim.SGD)."""

    def __init__(self, torch, trainer):
        net, cfg = trainer.net, trainer.config
        act = torch.nn.ReLU if cfg.activation == "relu" else torch.nn.Tanh
        modules = []
        for layer in net.layers:
            linear = torch.nn.Linear(layer.n_in, layer.n_out, dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.W.T.copy()))
                linear.bias.copy_(torch.from_numpy(layer.b.copy()))
            modules += [linear, act()]
        self.model = torch.nn.Sequential(*modules[:-1])  # the loss applies the output
        self.X = torch.from_numpy(trainer.X_train)
        if cfg.loss == "cross_entropy":
            self.T = torch.from_numpy(trainer.Y_train.argmax(axis=1))
            self.loss = torch.nn.CrossEntropyLoss()
        else:
            self.T = torch.from_numpy(trainer.Y_train)
            self.loss = torch.nn.BCEWithLogitsLoss()
        self.opt = torch.optim.SGD(self.model.parameters(), lr=cfg.learning_rate)
        self.torch, self.batch, self.pos = torch, cfg.batch_size, len(self.X)
        self.generator = torch.Generator().manual_seed(0)

    def run(self, steps):
        torch, n = self.torch, len(self.X)
        for _ in range(steps):
            if self.pos >= n:
                perm = torch.randperm(n, generator=self.generator)
                self.Xs, self.Ts, self.pos = self.X[perm], self.T[perm], 0
            X = self.Xs[self.pos:self.pos + self.batch]
            T = self.Ts[self.pos:self.pos + self.batch]
            self.opt.zero_grad()
            loss = self.loss(self.model(X), T)
            loss.backward()
            self.opt.step()
            loss.item()
            self.pos += self.batch


def torch_figures(configs, engine_us):
    try:
        import torch
    except ImportError:
        print("\ntorch: not installed (optional)")
        return
    print(f"\ntorch {torch.__version__} ({torch.get_num_threads()} threads), float64, "
          "torch.optim.SGD; the same runs, median of 7 rounds:")
    print(f"{'config':<30}{'torch µs/step':>15}{'engine µs/step':>16}")
    try:
        for (label, make, per_round), engine in zip(configs, engine_us):
            loop = TorchLoop(torch, make())
            step = Timing(loop.run, nothing, max(1, per_round // 5), rounds=7).engine
            print(f"{label:<30}{step * 1e6:>15.1f}{engine:>16.1f}")
    except Exception as error:  # noqa: BLE001 - optional figures must not sink the report
        print(f"torch: failed ({error!r})")


# -- the report --------------------------------------------------------------------------------
def main():
    print(__doc__.strip().splitlines()[0])
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, "
          f"{os.cpu_count()} CPUs")
    print(f"times: medians of {ROUNDS} interleaved rounds; ratio: median of the rounds' "
          "engine/bare [interquartile range]")
    print(f"one NumPy call on a (10, 4) array: {tiny_call_cost():.2f} µs")

    configs = configurations()
    print()
    for label, make, _ in configs:
        tr = make()
        check_label(label, tr)
        bare = bare_twin(tr)
        steps = tr.steps_per_epoch + 5  # crosses an epoch, so the reshuffle is checked too
        tr.step(steps)
        bare.run(steps)
        diff = max_difference(tr, bare)
        assert diff <= MATCH_TOLERANCE, f"{label}: bare loop and Trainer differ by {diff:g}"
        print(f"bare loop matches the Trainer: max |Δθ| = {diff:.1e} after {steps} steps "
              f"({label})")

    rows = []
    for label, make, per_round in configs:
        tr = make()
        bare = bare_twin(tr)  # same weights and order: both do the same arithmetic
        engine_calls, bare_calls = calls_per_step(make)

        def engine(n, tr=tr, label=label):
            report = tr.step(n)
            assert report.steps == n, f"{label}: the Trainer stopped: {report.diverged}"

        t = Timing(engine, bare.run, per_round)
        rows.append((label, t, engine_calls, bare_calls, max_difference(tr, bare)))

    print(f"\n{'config':<27}{'engine µs/step':>15}{'bare µs/step':>14}   {'ratio':<19}"
          f"target       NumPy calls/step")
    for label, t, ec, bc, _ in rows:
        ratio, shown = t.ratio()
        print(f"{label:<27}{t.engine * 1e6:>15.1f}{t.bare * 1e6:>14.1f}   {shown:<19}"
              f"{verdict(ratio):<13}{ec:>4.0f} vs {bc:.0f}")
    print("(weights still agree after timing: max |Δθ| = "
          + ", ".join(f"{d:.0e}" for *_, d in rows) + ")")

    # The notebook loop: loss_and_grads + opt.step, the tutorials' loop, on the same batches.
    notebook = []
    for label, make, per_round in configs:
        loop = NotebookLoop(make())
        bare = bare_twin(make())
        t = Timing(loop.run, bare.run, per_round)
        notebook.append((label, t, max_difference(loop, bare)))
    print(f"\n{'notebook loop':<27}{'engine µs/step':>15}{'bare µs/step':>14}   "
          f"{'ratio':<19}target")
    for label, t, _ in notebook:
        ratio, shown = t.ratio()
        print(f"{label:<27}{t.engine * 1e6:>15.1f}{t.bare * 1e6:>14.1f}   {shown:<19}"
              f"{verdict(ratio)}")
    print("(net.loss_and_grads(X, Y) then opt.step(net.params, grads); weights agree with the "
          "bare loop: max |Δθ| = " + ", ".join(f"{d:.0e}" for *_, d in notebook) + ")")

    # The probe: a 2-8x6-1 tanh network trained a little, so the maps are not the init's.
    # Its absolute times depend on the process's history: once a large array has been freed
    # (the 784 runs above), glibc keeps freed memory instead of returning it, and a probe in
    # a fresh process runs about 2x slower for engine and bare alike (page faults).
    tr = nncore.Trainer(hidden_layers=(8,) * 6)
    tr.step(500)
    net = tr.net
    Ws = [layer.W for layer in net.layers]
    bs = [layer.b for layer in net.layers]
    P100 = grid(EXTENT, 100)  # (10000, 2): x1, x2 are the features
    P32 = grid(EXTENT, 32)  # (1024, 2)
    P100_32, P100_64 = P100.astype(np.float32), P100.astype(np.float64)
    frame_points = np.concatenate([P100, P32]).astype(np.float32)

    everything = PlaneProbe(("x1", "x2"), EXTENT, neuron_density=100, output_density=100)
    frame = PlaneProbe(("x1", "x2"), EXTENT, neuron_density=32, output_density=100)
    output, maps = everything.run(net)
    ours = bare_probe(Ws, bs, P100_32, np.float32)
    diff = max(float(np.abs(output - ours[-1]).max()),
               *(float(np.abs(a - b).max()) for a, b in zip(maps, ours)))
    print(f"\nbare probe matches PlaneProbe: max |Δa| = {diff:.1e} (float32)")

    probes = [
        ("probe 6x8 all neurons 100x100 (f32)", repeat_calls(everything.run, net),
         repeat_calls(bare_probe, Ws, bs, P100_32, np.float32), True),
        ("probe 6x8 frame 32²+100² (f32)", repeat_calls(frame.run, net),
         repeat_calls(bare_probe, Ws, bs, frame_points, np.float32), False),
    ]
    print(f"\n{'probe':<38}{'engine ms':>10}{'bare ms':>10}   {'ratio':<19}target")
    for label, engine, bare, targeted in probes:
        t = Timing(engine, bare, 3)
        ratio, shown = t.ratio()
        note = verdict(ratio) if targeted else "(reference)"
        print(f"{label:<38}{t.engine * 1e3:>10.2f}{t.bare * 1e3:>10.2f}   {shown:<19}{note}")
    b64 = Timing(nothing, repeat_calls(bare_probe, Ws, bs, P100_64, np.float64), 2,
                 rounds=7).bare
    print(f"{'bare 6x8 100x100 in float64':<38}{'':>10}{b64 * 1e3:>10.2f}"
          f"   {'':<19}(reference)")
    print(f"(PlaneProbe evaluates {everything.n_points} points for the all-neuron probe "
          f"and {frame.n_points} for the frame probe)")

    torch_figures(configs, [t.engine * 1e6 for _, t, *_ in rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
