"""Probes: what the views draw, each computed in one vectorised pass over the network.

- `PlaneProbe`: every neuron's activation over a D×D grid of the input plane, and the output
  over a (usually finer) grid, in one float32 pass (float32 is ~6× faster than float64 here
  and the maps are quantised to 8 bits anyway).
- `metrics`: train/test loss and accuracy (or RMSE and R²) in float64.
- `gradient_norms`, `dead_fractions`, `weight_histograms`: per-layer diagnostics.
- `trace`: the forward and backward pass of one sample, every intermediate kept.

Grids are row-major from the top-left: row r holds x₂ = hi − (r + ½)·h, column c holds
x₁ = lo + (c + ½)·h with h = (hi − lo)/D, so a (D, D) reshape is an image.
"""

import math

import numpy as np

from . import features as feats
from . import targets
from .records import EvalPoints, Evaluation

DEAD_THRESHOLD = 1e-3  # a unit is dead when φ'(z) ≤ this × max φ' on every training point


def grid(extent, D):
    """(D², 2) pixel-centre points of the square extent, top row first."""
    lo, hi = extent
    h = (hi - lo) / D
    centres = lo + (np.arange(D) + 0.5) * h  # (D,)
    x1, x2 = np.meshgrid(centres, centres[::-1])  # (D, D) each
    return np.column_stack([x1.ravel(), x2.ravel()])


class PlaneProbe:
    """Responses over the input plane for a fixed feature set, extent and densities.

    Two grids: every neuron's map needs each layer's activations over the neuron grid (kept);
    the output map needs only the last layer over the (finer) output grid, which is evaluated
    in chunks of CHUNK points through small reused buffers. So memory stays a few MB whatever
    the densities: a 200² grid through 8 layers of 32, held whole, would be 40 MB a session.
    With equal densities one pass over one grid serves both.

    Points are kept as columns, each layer's activations an (n + 1, N) buffer whose last row
    is ones, so a layer is one matrix product with its bias and batch norm folded in
    (layers.Dense.eval_affine) and one in-place activation: about twice as fast as rows with
    a broadcast bias (a 2-8-8-8-8-8-8-1 network over 100² points: ~0.25 ms against ~0.55), and
    each neuron's map is a contiguous row.
    """

    CHUNK = 4096  # output-grid points per pass through the network

    def __init__(self, features, extent, neuron_density=32, output_density=100,
                 dtype=np.float32):
        self.features, self.extent = tuple(features), tuple(extent)
        self.neuron_density, self.output_density = neuron_density, output_density
        self.dtype = dtype
        self.shared = neuron_density == output_density
        outputs = feats.apply(self.features, grid(extent, output_density), dtype)
        neurons = (outputs if self.shared else
                   feats.apply(self.features, grid(extent, neuron_density), dtype))
        # The feature tiles never change; they are the input layer's "neurons".
        self.feature_maps = neurons  # (Dn², n_features)
        self.neuron_inputs = _columns(neurons)
        self.output_chunks = [_columns(outputs[start:start + self.CHUNK])
                              for start in range(0, len(outputs), self.CHUNK)]
        self.n_outputs = len(outputs)
        self._buffers = None  # (layer widths, neuron buffers, {chunk length: buffers}, output)

    @property
    def n_points(self):
        """Points evaluated per run."""
        return self.neuron_inputs.shape[1] + (0 if self.shared else self.n_outputs)

    def run(self, net):
        """(output (Do², n_out), [per layer (Dn², n_l)]) in the probe's dtype.

        The arrays are (transposed) views into buffers the next run overwrites: use them
        before then.
        """
        widths = tuple(layer.n_out for layer in net.layers)
        if self._buffers is None or self._buffers[0] != widths:
            self._buffers = (widths, self._layer_buffers(widths, self.neuron_inputs.shape[1]),
                             {}, np.empty((widths[-1], self.n_outputs), self.dtype))
        _, neurons, chunks, output = self._buffers
        affine = [(layer.eval_affine().astype(self.dtype), layer.activation)
                  for layer in net.layers]
        A = self.neuron_inputs
        for (M, activation), out in zip(affine, neurons):
            A = _apply(M, activation, A, out)
        layers = [out[:n].T for out, n in zip(neurons, widths)]
        if self.shared:
            return layers[-1], layers
        start = 0
        for X in self.output_chunks:
            n = X.shape[1]
            buffers = chunks.get(n) or chunks.setdefault(n, self._layer_buffers(widths[:-1], n))
            A = X
            for (M, activation), out in zip(affine, buffers):
                A = _apply(M, activation, A, out)
            _apply(*affine[-1], A, output[:, start:start + n], ones=False)
            start += n
        return output.T, layers

    def _layer_buffers(self, widths, n_points):
        """An (n + 1, n_points) buffer per width, its last row ones."""
        buffers = [np.empty((n + 1, n_points), self.dtype) for n in widths]
        for out in buffers:
            out[-1] = 1.0
        return buffers


def _columns(X):
    """(n + 1, N): the points of X (N, n) as columns, with a row of ones below."""
    out = np.ones((X.shape[1] + 1, X.shape[0]), X.dtype)
    out[:-1] = X.T
    return out


def _apply(M, activation, A, out, ones=True):
    """One layer over points as columns: out[:n] = φ(M·A) (out's last row, the ones, kept
    when `ones`). The activation sees points as rows (a transposed view), as everywhere."""
    Z = out[:-1] if ones else out
    np.matmul(M, A, out=Z)
    activation.inplace(Z.T)
    return out


def feature_maps(features, extent, D, dtype=np.float32):
    """(D², n) values of each named input feature over the plane's D×D grid."""
    return feats.apply(tuple(features), grid(extent, D), dtype)


def quantize(A, lo, hi):
    """uint8 codes of A on [lo, hi]: 0 ↦ lo, 255 ↦ hi, values outside clipped."""
    scaled = (A - lo) * (255.0 / (hi - lo))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def activation_range(activation, A):
    """(lo, hi) a layer's maps are quantised on; their middle is drawn as neutral.

    Bounded activations use their natural range (tanh [−1, 1]; sigmoid, step and softmax
    [0, 1], so ½ is neutral as on the output plot), and colours mean the same in every frame;
    unbounded ones use [−s, s] with s the layer's largest |a|, at least 1.
    """
    if activation.range is not None:
        return activation.range
    s = max(1.0, float(np.abs(A).max()) if A.size else 1.0)
    return -s, s


# -- metrics -----------------------------------------------------------------------------------
def evaluate(net, points, dtype=None, dead=True):
    """Everything measured on the data, from one pass over every point (in `dtype`: the
    network's own by default; frames use float32, whose tanh is ~6× faster, as display needs
    no more than 7 significant digits).

    `points` are a Trainer's `eval_points` (training points first, so each part is a slice).
    Returns an Evaluation: the metrics of `metrics`, each hidden layer's dead fraction on the
    training points (see `dead_fractions`; zeros with dead=False, for a caller that wants the
    metrics only), the test confusion matrix (classification; None otherwise) and the outputs.
    """
    out = {"penalty": net.penalty()}
    n_train = points.n_train
    if len(points.y) == 0:
        return Evaluation(out, np.zeros(len(net.layers) - 1), None,
                          np.zeros((0, net.sizes[-1]), dtype or net.dtype))
    X = points.X if dtype is None else points.X.astype(dtype)
    layers = net.infer(X, dtype)
    Z, A = layers[-1]
    confusion = None
    for part, cut in (("train", slice(0, n_train)), ("test", slice(n_train, None))):
        Zp, Ap, Yp, yp = Z[cut], A[cut], points.Y[cut], points.y[cut]
        if len(yp) == 0:
            continue
        out[f"{part}_loss"] = net.loss.value(Zp, Ap, Yp)
        if points.task == "classification":
            predicted = targets.predict(Ap, net.output_activation)
            out[f"{part}_accuracy"] = float(np.mean(predicted == yp))
            if part == "test":
                k = points.n_classes
                confusion = np.bincount(yp * k + predicted, minlength=k * k).reshape(k, k)
        else:
            residual = Ap[:, 0] - Yp[:, 0]
            out[f"{part}_rmse"] = math.sqrt(float(np.mean(residual ** 2)))
            spread = float(np.sum((Yp[:, 0] - Yp[:, 0].mean()) ** 2))
            out[f"{part}_r2"] = 1.0 - float(np.sum(residual ** 2)) / spread if spread else 0.0
    dead = (np.array(_dead(net, [(Zl[:n_train], Al[:n_train]) for Zl, Al in layers])) if dead
            else np.zeros(len(net.layers) - 1))
    return Evaluation(out, dead, confusion, A)


METRICS_SAMPLE = 1000  # points of each part (train, test) frames measure, at most


def sample_points(points, order, size=METRICS_SAMPLE, seed=0):
    """(EvalPoints, indices): `points` (a Trainer's eval_points, with `order` their indices in
    the data), or, where a part (training or test) has more than `size` points, a fixed
    sample of `size` of them, drawn once with `seed` and kept in data order.

    Metrics over every point of MNIST (70,000 images through the network) would cost a frame
    ~0.2 s; over a fixed sample the curves stay smooth (the same points every frame) and a
    frame stays within a few milliseconds. `FullTest` measures the whole test set apart.
    """
    n_train, n = points.n_train, len(points.y)
    if n_train <= size and n - n_train <= size:
        return points, order
    rng = np.random.default_rng(seed)
    parts = [np.sort(rng.choice(m, size, replace=False)) + start if m > size
             else np.arange(start, start + m)
             for start, m in ((0, n_train), (n_train, n - n_train))]
    rows = np.concatenate(parts)  # (≤ 2·size,) rows of `points`, training rows first
    return (EvalPoints(points.X[rows], points.Y[rows], points.y[rows], len(parts[0]),
                       points.task, points.n_classes), order[rows])


class FullTest:
    """The test accuracy over every test point of a large dataset, measured a chunk per call
    (one call per frame) on a frozen copy of the network: each result is exact for the step
    at which its measurement began, and no frame pays for more than `chunk` points.

    A finished measurement is kept and repeated until the network changes; then the next
    one begins.
    """

    def __init__(self, chunk=1000):
        self.chunk = chunk
        self.reset()

    def reset(self):
        """Forget every measurement (a new network, or new data)."""
        self.result = None  # {"step", "test_accuracy", "count"} of the last full measurement
        self.net = self.theta = None  # the network being measured, and the weights measured
        self.step = self.position = self.correct = 0

    def advance(self, net, points, step):
        """Measure the next chunk of the test points (a Trainer's eval_points, classification)
        with the network `net` at `step`; returns the newest finished result, or None."""
        n_train, n = points.n_train, len(points.y)
        if points.task != "classification" or n == n_train:
            return None
        if self.net is None:
            if self.theta is not None and np.array_equal(self.theta, net.theta):
                return self.result  # nothing changed since the last measurement
            self.net, self.theta, self.step = net.copy(), net.theta.copy(), step
            self.position = self.correct = 0
        start = n_train + self.position
        stop = min(start + self.chunk, n)
        _, A = self.net.infer(points.X[start:stop].astype(np.float32), np.float32)[-1]
        predicted = targets.predict(A, self.net.output_activation)
        self.correct += int(np.sum(predicted == points.y[start:stop]))
        self.position = stop - n_train
        if stop == n:
            count = n - n_train
            self.result = {"step": self.step, "test_accuracy": self.correct / count,
                           "count": count}
            self.net = None
        return self.result


def gallery(net, points, evaluation, order, n=24):
    """The points to show as images, mistakes first: the test points (the training points
    when there is no test set), the wrong ones before the right ones, each group in data order.

    Returns (indices into the data, true labels, predicted classes, confidence): the
    confidence is the output for the predicted class on [0, 1] (its range mapped there).
    """
    part = slice(points.n_train, None) if points.n_train < len(points.y) else slice(0, None)
    A, y, index = evaluation.outputs[part], points.y[part], order[part]
    if len(y) == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty, np.zeros(0)
    predicted = targets.predict(A, net.output_activation)
    bounded = net.layers[-1].activation.range
    lo, hi = bounded if bounded is not None else (float(A.min()), float(A.max()))
    if A.shape[1] > 1:
        score = A[np.arange(len(A)), predicted]
    else:
        score = np.where(predicted == 1, A[:, 0], lo + hi - A[:, 0])
    confidence = np.clip((score - lo) / ((hi - lo) or 1.0), 0.0, 1.0)
    wrong = predicted != y
    rank = np.lexsort((index, ~wrong))[:n]  # mistakes first, then by index
    return index[rank], y[rank], predicted[rank], confidence[rank]


def metrics(trainer):
    """Loss on train and test data, and accuracy (classification) or RMSE and R² (regression).

    Losses are the data loss without the regularization penalty, which is reported apart.
    """
    return evaluate(trainer.net, trainer.eval_points, dead=False).metrics


def gradient_norms(net):
    """‖∇‖₂ of each layer's parameters (W, b, γ, β) from the last computed gradient."""
    norms = np.zeros(len(net.layers))
    for (l, _, _, _), g in zip(net._layout, net.grads):
        norms[l] += float(np.vdot(g, g))
    return np.sqrt(norms)


def dead_fractions(net, X):
    """Per hidden layer, the fraction of units whose φ'(z) is ≈ 0 on every row of X.

    For relu that is a unit with z ≤ 0 on every input (a dead ReLU); for sigmoid and tanh a
    unit saturated on every input. Such a unit passes no gradient back and stops learning.
    """
    return np.array(_dead(net, net.infer(X)))


def _dead(net, layers):
    fractions = []
    for layer, (Z, A) in zip(net.layers[:-1], layers[:-1]):
        if len(Z) == 0:
            fractions.append(0.0)
            continue
        peak = layer.activation.derivative(Z, A).max(axis=0)  # (n,)
        limit = DEAD_THRESHOLD * layer.activation.max_derivative
        fractions.append(float(np.mean(peak <= limit)))
    return fractions


def output_range(output_activation, task, A):
    """(lo, hi) on which the output map is quantised, centred on the decision threshold.

    The colour midpoint then sits on the decision boundary; bounded outputs use their full
    range, unbounded ones the largest distance from the threshold (at least 1).
    """
    if output_activation.range is not None:
        return output_activation.range
    t = targets.threshold(output_activation.name) if task == "classification" else 0.0
    s = max(1.0, float(np.abs(A - t).max()) if A.size else 1.0)
    return t - s, t + s


def weight_histograms(net, bins=20):
    """(edges (bins+1,), counts (L, bins)) of each layer's weights on one shared range [−m, m].

    One pass over the flat weight vector: bin = ⌊(w + m)·bins/2m⌋, counted per layer.
    """
    W = net.theta[:net.n_weights]
    m = float(np.abs(W).max()) or 1.0
    L = len(net.layers)
    which = np.repeat(np.arange(L), [layer.n_in * layer.n_out for layer in net.layers])
    b = np.minimum(((W + m) * (bins / (2.0 * m))).astype(np.int64), bins - 1)
    counts = np.bincount(which * bins + b, minlength=L * bins).reshape(L, bins)
    return np.linspace(-m, m, bins + 1), counts


# -- one sample ----------------------------------------------------------------------------------
def trace(net, x, Y):
    """Forward and backward pass of one sample x (n_in,) with target row Y (n_out,).

    It is the engine's own backpropagation (`MLP._backprop`) on a batch of one, run on a copy
    of the network in evaluation mode (no dropout; batch norm by its running statistics), with
    every layer's intermediates read back. Returns float64 arrays, layer by layer:
      a_prev, z (= A[l−1]·W + b), zt (after batch norm), a (= φ(zt)), phi_prime (φ'(zt)),
      dzt (∂ℒ/∂z̃), delta (δ = ∂ℒ/∂z), dW (= a_prevᵀ·δ + l2·W + l1·sign W), db (= δ, or None
      without biases), da_prev (∂ℒ/∂a_prev),
    and the loss (data loss plus penalty), ŷ and y. These are the numbers of one SGD step
    on this sample: W ← W − η·dW.
    """
    scratch = net.copy()  # the trace must not touch the network's gradient or caches
    X = scratch._check_inputs(np.reshape(x, (1, -1)))
    Y = scratch._check_targets(np.reshape(Y, (1, -1)), 1)
    loss = scratch._backprop(X, Y, commit=False, train=False, input_grad=True)
    layers = []
    for layer in scratch.layers:
        row = {"a_prev": layer.A_prev[0], "z": layer.Z[0], "zt": layer.Zt[0], "a": layer.A[0],
               "phi_prime": layer.activation.derivative(layer.Zt, layer.A)[0],
               "dzt": layer.dZt[0], "delta": layer.dZ[0], "dW": layer.dW,
               "db": layer.db, "da_prev": layer.dA_prev[0]}
        layers.append({k: None if v is None else np.array(v, np.float64)
                       for k, v in row.items()})
    return {"layers": layers, "loss": float(loss), "y_hat": np.array(scratch.layers[-1].A[0],
                                                                      np.float64),
            "y": np.array(Y[0], np.float64)}


def step_through(net, x, Y, learning_rate):
    """The step-through of one point: its trace, and the parameters after one plain
    gradient-descent step on it (`sgd_after`). Networks with batch norm are refused: the
    step-through's equations have no place for the normalisation."""
    if any(layer.bn is not None for layer in net.layers):
        raise ValueError("the step-through explains networks without batch norm; turn "
                         "batch_norm off to use it")
    traced = trace(net, x, Y)
    return traced, sgd_after(net, traced, learning_rate)


def sgd_after(net, traced, learning_rate):
    """The parameters after one plain gradient-descent step on the traced sample:
    W ← W − η·dW and b ← b − η·db, per layer, as new float64 arrays."""
    out = []
    for layer, t in zip(net.layers, traced["layers"]):
        after = {"W": layer.W - learning_rate * t["dW"]}
        if layer.b is not None:
            after["b"] = layer.b - learning_rate * t["db"]
        out.append(after)
    return out


def thin(values, max_points):
    """(offsets, means): values averaged over at most max_points equal buckets.

    offsets[i] is the index of bucket i's last value, so a chart can place the mean there.
    """
    n = len(values)
    if n <= max_points:
        return np.arange(n), np.asarray(values, np.float64)
    edges = np.linspace(0, n, max_points + 1).astype(np.int64)
    means = np.add.reduceat(values, edges[:-1]) / np.diff(edges)
    return edges[1:] - 1, means
