"""The Trainer: a network, its optimizer, its data, and mini-batch training with epochs.

    trainer = Trainer(dataset="spiral", hidden_layers=(8, 8), learning_rate=0.03)
    report = trainer.step(1000)        # up to 1000 mini-batch updates
    trainer.set(learning_rate=0.01)    # live: weights and optimizer state kept
    trainer.set(activation="relu")     # rebuilds the network (and says so)

Each epoch visits the training set once in a fresh seeded order; batch k of the epoch is a
slice of that shuffled copy, so a step costs no indexing. A step whose loss or gradient is
NaN or infinite is not applied: the weights stay at the last finite state, and the report
and `trainer.diverged` say what happened.
"""

import math
import time

import numpy as np

from . import datasets, features, probes, state, targets
from . import validation as check
from .config import CUSTOM, DATA_FIELDS, LIVE, Config
from .model import DTYPES, MLP
from .optimizers import OPTIMIZERS
from .records import Data, EvalPoints, SetReport, StepReport

MAX_STEPS_PER_CALL = 10_000_000
GATHER_BYTES = 32 * 2**20  # a training set larger than this is not copied in each epoch's order


def data_from_arrays(X, y, train_ratio, seed, extent=None, task=None, n_classes=2):
    """Data for user-given points.

    Without `task`, whole-number labels make classes and other numbers regression targets,
    and at least 2 points are needed. With `task` given ("classification" or "regression"),
    any number of points is accepted, none included (for drawing on an empty plane).
    """
    X = check.array("X", np.asarray(X, np.float64).reshape(-1, np.shape(X)[-1]) if np.size(X)
                    == 0 else X, 2)
    y = check.array("y", y, 1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels; they must match")
    if task is None:
        if X.shape[0] < 2:
            raise ValueError(f"data has {X.shape[0]} point; at least 2 are needed")
        task = ("classification" if y.dtype.kind in "biu" or np.all(y == np.round(y))
                else "regression")
    check.choice("task", task, ("classification", "regression"))
    if task == "classification":
        if y.size and not np.all(y == np.round(y)):
            raise ValueError("class labels must be whole numbers 0, 1, 2, ...")
        y = y.astype(np.int64)
        if y.size and (y.min() < 0 or y.max() >= datasets.MAX_CLASSES):
            raise ValueError(f"class labels must be 0..{datasets.MAX_CLASSES - 1}; got "
                             f"{int(y.min())}..{int(y.max())}")
        k = max(2, n_classes, int(y.max()) + 1 if y.size else 0)
    else:
        k = 0
        y = y.astype(np.float64)
    if len(y):
        train, test = datasets.split(len(y), train_ratio, seed)
    else:
        train = test = np.zeros(0, np.int64)
    if extent is None:
        extent = _extent_of(X)
    return Data(X.astype(np.float64), y, train, test, task, k, tuple(extent))


def _extent_of(X):
    """A square around 2-D points with a 10% margin, at least (−1, 1)."""
    if X.shape[1] != 2 or X.size == 0:
        return (-6.0, 6.0)
    m = float(np.abs(X).max()) * 1.1
    return (-max(m, 1.0), max(m, 1.0))


class Trainer:
    """Trains an MLP on a dataset. Arguments: a Config and/or its fields as keywords.

    data=(X, y) trains on your own points (the config's dataset becomes "custom").
    folders={"mnist": FOLDER, ...} names where datasets read from files (MNIST, Fashion-MNIST)
    find their files, now and after a `set` (nncore reads them; it never downloads).
    """

    def __init__(self, config=None, data=None, folders=None, **changes):
        config = config or Config()
        self.folders = dict(folders or {})
        if data is not None and not isinstance(data, Data):
            changes.setdefault("dataset", CUSTOM)
        self.config = config.replace(**changes) if changes else config
        if isinstance(data, Data):  # points already split (a saved run's)
            self.data = data
        elif data is not None:
            X, y = data
            self.data = data_from_arrays(X, y, self.config.train_ratio, self.config.data_seed)
        elif self.config.dataset == CUSTOM:
            raise ValueError("dataset='custom' needs your points: Trainer(data=(X, y))")
        else:
            self.data = self._make_data(self.config)
        self._build()

    @classmethod
    def restore(cls, config, data, theta, batch_norm, optimizer, shuffle_rng, dropout_rng,
                progress, diverged=None, max_points=state.MAX_POINTS,
                max_inputs=state.MAX_INPUTS, folders=None):
        """The Trainer a run was at: built from its config and data, then set to its saved
        parameters, optimizer state, random generators and progress. Every part is checked
        first (the data, the sizes, the progress, the divergence record), and the network is
        built only when theta has the size it needs; ValueError names the first part that
        does not fit (nothing half-built is returned).

        batch_norm   [(running_mean, running_var)] of each batch-norm layer
        optimizer    {"t": steps taken, "state": {buffer: [array]}}
        progress     {"step", "epoch", "position", "perm" (array or None)}
        diverged     None, or {"step", "loss", "what", "message"} of the step refused
        folders      where datasets read from files find them (see Trainer)
        """
        if not isinstance(config, Config):
            raise check.ArgumentError("config", type(config).__name__, "a Config",
                                      f"config must be a Config; got {type(config).__name__}")
        state.check_data(data, max_points, max_inputs)
        targets.check_task(data.task, data.n_classes, config.output_activation, config.loss)
        theta = np.asarray(theta)
        n_params = state.parameter_count(config, data)
        if theta.shape != (n_params,) or theta.dtype != DTYPES[config.dtype]:
            raise check.ArgumentError("theta", f"{theta.dtype.name} {list(theta.shape)}",
                                      f"{config.dtype} [{n_params}]",
                                      f"theta has {theta.size} values of {theta.dtype.name}; "
                                      f"this config's network has {n_params} of {config.dtype}")
        if not isinstance(optimizer, dict) or set(optimizer) != {"t", "state"}:
            raise check.ArgumentError("optimizer", type(optimizer).__name__,
                                      "an object with t and state",
                                      "optimizer must be an object with t and state")
        n_train = len(data.train)
        progress = state.check_progress(progress, n_train, optimizer["t"])
        diverged = state.check_diverged(diverged, progress["step"])
        for field, rng in (("rng.shuffle", shuffle_rng), ("rng.dropout", dropout_rng)):
            if not isinstance(rng, np.random.Generator):
                raise check.ArgumentError(field, type(rng).__name__, "a numpy Generator",
                                          f"{field} must be a numpy Generator")
        tr = cls(config, data=data, folders=folders)
        tr.net.load_state(theta, batch_norm, dropout_rng)
        tr.optimizer.load_state_dict({"t": optimizer["t"], "state": optimizer["state"]},
                                     [tr.net.theta])
        tr.shuffle_rng = shuffle_rng
        tr._resume(**progress)
        tr.diverged = diverged
        return tr

    def _resume(self, step, epoch, position, perm):
        """Continue at a checked progress (state.check_progress): the epoch's order is the
        saved permutation, or, without one, the training points as they are (full batch)."""
        self.step_count, self.epoch, self.position = step, epoch, position
        self.perm = perm
        if perm is None:
            self._Xs, self._Ys = self.X_train, self.Y_train
        else:
            self._Xs, self._Ys = self._in_order(perm)

    # -- construction ----------------------------------------------------------------------
    def _make_data(self, cfg):
        spec = datasets.DATASETS[cfg.dataset]
        if spec.files:  # MNIST: its authors' split, whatever train_ratio says
            return datasets.file_data(cfg.dataset, self.folders.get(cfg.dataset))
        X, y = datasets.make(cfg.dataset, cfg.n_samples, cfg.noise, cfg.data_seed,
                             cfg.n_classes if spec.variable_classes else None)
        train, test = datasets.split(len(y), cfg.train_ratio, cfg.data_seed)
        k = int(y.max()) + 1 if spec.task == "classification" else 0
        return Data(X, y, train, test, spec.task, k, spec.extent)

    def _build(self):
        """A fresh network and optimizer for the current config and data; step 0."""
        cfg, data = self.config, self.data
        targets.check_task(data.task, data.n_classes, cfg.output_activation, cfg.loss)
        dtype = DTYPES[cfg.dtype]
        self.inputs = self._inputs(data.X)
        self.Y = targets.encode(data.y, data.task, data.n_classes, cfg.output_activation, dtype)
        self._split()
        sizes = [self.inputs.shape[1], *cfg.hidden_layers,
                 targets.n_outputs(data.task, data.n_classes, cfg.output_activation)]
        self.net = MLP(sizes, cfg.activation, cfg.output_activation, cfg.loss, cfg.init,
                       cfg.bias, cfg.l2, cfg.l1, cfg.dropout, cfg.batch_norm, cfg.seed, dtype)
        self.optimizer = OPTIMIZERS[cfg.optimizer](**cfg.optimizer_kwargs())
        self.shuffle_rng = np.random.default_rng(np.random.SeedSequence(cfg.seed).spawn(3)[2])
        self.step_count = 0
        self.epoch = 0
        self.diverged = None
        self._start_epoch()

    def _split(self):
        """Training and test arrays, and both side by side (training first) for evaluation."""
        d = self.data
        order = np.concatenate([d.train, d.test])
        self.eval_order = order  # the points' indices, training points first
        if np.array_equal(order, np.arange(len(order))):  # already so (MNIST): no copies
            self.X_eval, self.Y_eval, self.y_eval = self.inputs, self.Y, d.y
        else:
            self.X_eval, self.Y_eval, self.y_eval = (self.inputs[order], self.Y[order],
                                                     d.y[order])
        n = len(d.train)
        self.X_train, self.Y_train = self.X_eval[:n], self.Y_eval[:n]
        self.X_test, self.Y_test = self.X_eval[n:], self.Y_eval[n:]
        self._metric_points = None

    def _inputs(self, X):
        """The network's input matrix: the selected features of 2-D data, else X itself (not
        a copy when it has the network's dtype: MNIST's 440 MB are shared, read-only)."""
        dtype = DTYPES[self.config.dtype]
        if self.data.is_plane:
            return features.apply(self.config.features, X, dtype)
        return X.astype(dtype, copy=False)

    @property
    def eval_points(self):
        """Every point as the network sees it, training points first (for probes.evaluate)."""
        return EvalPoints(self.X_eval, self.Y_eval, self.y_eval, len(self.data.train),
                          self.data.task, self.data.n_classes)

    @property
    def metric_points(self):
        """(EvalPoints, their indices) that frames measure: every point, or, for a large
        dataset, a fixed seeded sample of each part (probes.sample_points), chosen once."""
        if self._metric_points is None:
            self._metric_points = probes.sample_points(self.eval_points, self.eval_order,
                                                       seed=self.config.data_seed)
        return self._metric_points

    @property
    def input_names(self):
        if self.data.is_plane:
            return list(self.config.features)
        return [f"x{i + 1}" for i in range(self.data.X.shape[1])]

    def _start_epoch(self):
        n = len(self.X_train)
        if self.config.batch_size >= n:
            self.perm = None  # full batch: order does not matter, keep the data as it is
            self._Xs, self._Ys = self.X_train, self.Y_train
        else:
            self.perm = self.shuffle_rng.permutation(n)
            self._Xs, self._Ys = self._in_order(self.perm)
        self.position = 0

    def _in_order(self, perm):
        """The training set in an epoch's order: a copy, so that a batch is a slice of it; or,
        past GATHER_BYTES (MNIST: 376 MB), views that gather each batch when it is sliced."""
        if self.X_train.nbytes > GATHER_BYTES:
            return Gathered(self.X_train, perm), Gathered(self.Y_train, perm)
        return self.X_train[perm], self.Y_train[perm]

    # -- training --------------------------------------------------------------------------
    @property
    def n_train(self):
        return len(self.X_train)

    @property
    def steps_per_epoch(self):
        return math.ceil(self.n_train / self.config.batch_size)

    @property
    def epoch_progress(self):
        """Epochs done, with the fraction of the current one: 3.25 is a quarter into the 4th."""
        return self.epoch + (self.position / self.n_train if self.n_train else 0.0)

    def step(self, n=1, max_seconds=None):
        """Run up to n mini-batch updates; stop early after max_seconds or on divergence."""
        n = check.integer("n", n, 0, MAX_STEPS_PER_CALL)
        if self.n_train == 0:
            raise check.ArgumentError("data", 0, "at least one training point",
                                      "the training set is empty: add points before training")
        if max_seconds is not None:
            max_seconds = check.real("max_seconds", max_seconds, 0.0)
        net, opt = self.net, self.optimizer
        theta, grad = [net.theta], [net.grad]
        losses = []  # grows with the steps done: n may be a large "as many as time allows"
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        self.diverged = None  # what the last attempt did: a step that works clears it
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            done = self._run(n, deadline, net, opt, theta, grad, losses)
        return StepReport(done, np.array(losses, np.float64), self.diverged)

    def _run(self, n, deadline, net, opt, theta, grad, losses):
        """The training loop proper; overflow is caught by the finiteness test, not warned."""
        done = 0
        while done < n:
            bs, pos = self.config.batch_size, self.position
            loss = net._backprop(self._Xs[pos:pos + bs], self._Ys[pos:pos + bs], commit=False)
            g2 = float(np.dot(net.grad, net.grad))  # ‖∇‖², also catches a NaN in any gradient
            if not (math.isfinite(loss) and math.isfinite(g2)):
                self.diverged = self._divergence(loss, g2)
                break
            net._commit()
            opt.step(theta, grad)
            losses.append(loss)
            done += 1
            self.step_count += 1
            self.position = pos + bs
            if self.position >= self.n_train:
                self.epoch += 1
                self._start_epoch()
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return done

    @property
    def steps_left_in_epoch(self):
        """The mini-batch updates that finish the current epoch."""
        return math.ceil((self.n_train - self.position) / self.config.batch_size)

    def step_epoch(self):
        """Run the updates left in the current epoch."""
        return self.step(self.steps_left_in_epoch)

    def _divergence(self, loss, g2):
        what = "loss" if not math.isfinite(loss) else "gradient"
        return {
            "step": self.step_count + 1,
            "loss": loss,
            "what": what,
            "message": (f"step {self.step_count + 1} gave a {what} of "
                        f"{loss if what == 'loss' else math.sqrt(g2)}; training stopped and "
                        f"the weights are those of step {self.step_count}, the last finite "
                        f"state. The learning rate ({self.config.learning_rate:g}) is probably "
                        "too high: lower it (or reset) and carry on."),
        }

    # -- changes ---------------------------------------------------------------------------
    def set(self, **changes):
        """Apply config changes; live ones keep the weights, others rebuild the network."""
        new = self.config.replace(**changes)
        old = self.config
        changed = {k: getattr(new, k) for k in changes if getattr(new, k) != getattr(old, k)}
        if not changed:
            return SetReport({}, rebuilt=False, data_changed=False)
        if new.dataset == CUSTOM and old.dataset != CUSTOM:
            raise ValueError("dataset='custom' is set by loading your own points "
                             "(CSV or drawn), not chosen directly")
        data_changed = bool(changed.keys() & DATA_FIELDS)
        if changed.keys() <= LIVE:
            self.config = new
            self._apply_live(old, changed)
            return SetReport(changed, rebuilt=False, data_changed=False)
        if data_changed:
            data = (self._resplit(new) if new.dataset == CUSTOM else self._make_data(new))
        else:
            data = self.data
        adjusted, note = {}, None
        if data_changed and not changes.keys() & {"output_activation", "loss"}:
            new, adjusted, note = self._fit_task(new, data)
        self._rebuild(new, data)
        return SetReport({**changed, **adjusted}, rebuilt=True, data_changed=data_changed,
                         adjusted=adjusted, note=note)

    @staticmethod
    def _fit_task(config, data):
        """(config, adjusted, note): the config with its output and loss moved to the data's
        task when they cannot learn it (a regression set after a classifier, k classes after
        a perceptron); the dataset decides the task."""
        pair = targets.fit_pair(data.task, data.n_classes, config.output_activation, config.loss)
        if pair == (config.output_activation, config.loss):
            return config, {}, None
        adjusted = {"output_activation": pair[0], "loss": pair[1]}
        what = targets.kind(data.task, data.n_classes)
        note = (f"{what} data: output {pair[0]} with loss {pair[1]} "
                f"(was {config.output_activation} with {config.loss})")
        return config.replace(**adjusted), adjusted, note

    def _rebuild(self, config, data):
        """Rebuild with a new config and data; on a bad combination, keep the old state."""
        old_config, old_data = self.config, self.data
        self.config, self.data = config, data
        try:
            self._build()
        except ValueError:
            self.config, self.data = old_config, old_data
            raise

    def _resplit(self, cfg):
        train, test = datasets.split(len(self.data.y), cfg.train_ratio, cfg.data_seed)
        d = self.data
        return Data(d.X, d.y, train, test, d.task, d.n_classes, d.extent)

    def _apply_live(self, old, changed):
        cfg, net = self.config, self.net
        if "optimizer" in changed:
            self.optimizer = OPTIMIZERS[cfg.optimizer](**cfg.optimizer_kwargs())
        else:
            self.optimizer.set(**cfg.optimizer_kwargs())
        net.l1, net.l2 = cfg.l1, cfg.l2
        for layer in net.layers[:-1]:
            layer.dropout = cfg.dropout
        if "batch_size" in changed and self.perm is None and cfg.batch_size < self.n_train:
            self._start_epoch()  # leaving full-batch mode: the epoch needs an order
        self.diverged = None

    def reset(self):
        """Start again from step 0 with the same config: the same initial weights."""
        self._build()

    def replace_data(self, X, y, train=None, keep_task=False):
        """Train on new points, keeping the network when the input width allows.

        The config's dataset becomes "custom". `train` (bool per point) overrides the seeded
        split, for example to put drawn points in the training set. keep_task=True keeps the
        current task and classes (and allows an empty set, to draw on). Returns a SetReport:
        `rebuilt` when the network had to be rebuilt (the input width or the classes changed),
        and `adjusted` when its output and loss moved to fit the new data's task.
        """
        X = np.asarray(X, np.float64)
        plane = X.ndim == 2 and X.shape[1] == 2
        data = data_from_arrays(X, y, self.config.train_ratio, self.config.data_seed,
                                self.data.extent if plane else None,
                                self.data.task if keep_task else None, self.data.n_classes)
        if train is not None:
            train = np.asarray(train, dtype=bool)
            if train.shape != data.y.shape:
                raise ValueError(f"train has {train.size} flags for {data.y.size} points")
            data.train, data.test = np.flatnonzero(train), np.flatnonzero(~train)
        config, adjusted, note = self._fit_task(self.config.replace(dataset=CUSTOM), data)
        n_out = targets.n_outputs(data.task, data.n_classes, config.output_activation)
        compatible = (data.X.shape[1] == self.data.X.shape[1] and data.task == self.data.task
                      and n_out == self.net.sizes[-1] and not adjusted)
        if not compatible:
            self._rebuild(config, data)
            return SetReport(adjusted, rebuilt=True, data_changed=True, adjusted=adjusted,
                             note=note)
        targets.check_task(data.task, data.n_classes, config.output_activation, config.loss)
        self.config, self.data = config, data
        dtype = DTYPES[config.dtype]
        self.inputs = self._inputs(data.X)
        self.Y = targets.encode(data.y, data.task, data.n_classes, config.output_activation, dtype)
        self._split()
        self._start_epoch()
        return SetReport({}, rebuilt=False, data_changed=True)

    # -- editing -----------------------------------------------------------------------------
    def _split_flags(self):
        flags = np.zeros(len(self.data.y), bool)
        flags[self.data.train] = True
        return flags

    def add_point(self, x, label, train=True):
        """Add one point (drawn on the plane); the network is kept. Returns its index."""
        d = self.data
        x = check.array("x", x, 1)
        if x.shape != (d.X.shape[1],):
            raise ValueError(f"x has {x.size} coordinates; this data has {d.X.shape[1]}")
        if d.task == "classification":
            label = check.integer("label", label if not float(label).is_integer() else
                                  int(label), 0, d.n_classes - 1)
        else:
            label = check.real("label", label, -1000.0, 1000.0)
        self.replace_data(np.vstack([d.X, x]), np.append(d.y, label),
                          np.append(self._split_flags(), bool(train)), keep_task=True)
        return len(self.data.y) - 1

    def nearest(self, x, radius):
        """The index of the point nearest to x (2-D) within `radius`, or None."""
        d = self.data
        if len(d.y) == 0:
            return None
        distance = np.hypot(*(d.X[:, :2] - np.asarray(x, np.float64)[:2]).T)  # (N,)
        i = int(distance.argmin())
        return i if distance[i] <= radius else None

    def remove_near(self, x, radius):
        """Remove the point nearest to x within `radius`; its index, or None if none is."""
        d = self.data
        i = self.nearest(x, radius)
        if i is None:
            return None
        keep = np.arange(len(d.y)) != i
        self.replace_data(d.X[keep], d.y[keep], self._split_flags()[keep], keep_task=True)
        return i

    def clear_points(self):
        """Remove every point; the network and the task are kept, training waits for points."""
        d = self.data
        self.replace_data(np.zeros((0, d.X.shape[1])), np.zeros(0, d.y.dtype),
                          np.zeros(0, bool), keep_task=True)

    def sample(self, index):
        """(network input, target row) of point `index`, for a trace."""
        n = len(self.data.y)
        if not 0 <= index < n:
            raise check.ArgumentError("index", index, f"0 to {n - 1}",
                                      f"index={index} is not a point; allowed 0 to {n - 1}")
        return self.inputs[index], self.Y[index]

    def set_weight(self, layer, source, target, value):
        """W[layer][source, target] = value, with layers counted from 1."""
        W = self._layer(layer).W
        check.integer("source", source, 0, W.shape[0] - 1)
        check.integer("target", target, 0, W.shape[1] - 1)
        W[source, target] = check.real("value", value, -1e6, 1e6)

    def set_bias(self, layer, neuron, value):
        """b[layer][neuron] = value (β, the shift, in a batch-norm layer)."""
        L = self._layer(layer)
        b = L.b if L.b is not None else (L.bn.beta if L.bn is not None else None)
        if b is None:
            raise check.ArgumentError("layer", layer, "a layer with biases",
                                      f"layer {layer} has no bias (bias=False)")
        check.integer("neuron", neuron, 0, b.shape[0] - 1)
        b[neuron] = check.real("value", value, -1e6, 1e6)

    def apply_step(self, layers):
        """A gradient-descent step applied by hand (the step-through's, probes.sgd_after):
        every layer's W and b become `layers`' values, and the step counter advances by one.
        The epoch's position and the optimizer's state are left as they are."""
        self.assign(layers)
        self.step_count += 1

    def assign(self, layers):
        """Set every layer's W (and b) to the given arrays (a list of {"W": ..., "b": ...}),
        for example the result of probes.sgd_after. Shapes must match."""
        if len(layers) != len(self.net.layers):
            raise ValueError(f"{len(layers)} layers given; the network has "
                             f"{len(self.net.layers)}")
        for l, (layer, values) in enumerate(zip(self.net.layers, layers), start=1):
            for name, target in (("W", layer.W), ("b", layer.b)):
                if name not in values:
                    continue
                if target is None:
                    raise ValueError(f"layer {l} has no {name}")
                value = np.asarray(values[name], dtype=target.dtype)
                if value.shape != target.shape or not np.isfinite(value).all():
                    raise ValueError(f"layer {l}: {name} must be finite, of shape "
                                     f"{target.shape}; got {value.shape}")
                target[...] = value

    def _layer(self, layer):
        n = len(self.net.layers)
        return self.net.layers[check.integer("layer", layer, 1, n) - 1]

    # -- state -----------------------------------------------------------------------------
    def to_dict(self):
        """The whole run as JSON-safe data (see nncore.state); from_dict restores it exactly."""
        return state.trainer_to_dict(self)

    @classmethod
    def from_dict(cls, d):
        return state.trainer_from_dict(cls, d)


class Gathered:
    """The rows of A in the order `perm`, gathered when sliced: g[a:b] is A[perm][a:b], equal
    to the last bit, without the copy of A that A[perm] makes."""

    def __init__(self, A, perm):
        self.A, self.perm = A, perm

    def __getitem__(self, rows):
        return self.A[self.perm[rows]]

    def __len__(self):
        return len(self.perm)
