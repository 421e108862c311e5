"""Binary messages: a length-prefixed JSON header, then little-endian arrays.

    bytes 0..3     header length H, uint32 little-endian
    bytes 4..4+H   the header, UTF-8 JSON, padded with spaces so that 4 + H is a multiple of 8
    then           the body: the arrays one after the other, in header.arrays' order, each
                   starting at a multiple of 8 from the body's start

header.arrays lists them as [name, dtype, shape] (raw) or [name, dtype, shape, "planes", n]
(n bytes of a picture stack, packed: see `encode_planes`). The browser reads a raw array as a
typed-array view on the message's ArrayBuffer, without a copy (Float64Array needs 8-byte
alignment, hence 8 rather than 4). Three kinds travel this way: `frame` (every frame),
`network` (after a rebuild) and `data` (after the data changes). The builders only gather
what nncore computes and lay it out.
"""

import json
import math
import struct
import zlib
from dataclasses import dataclass

import numpy as np

from nncore import ACTIVATIONS, FEATURES, probes, targets

from .replies import jsonsafe

FEATURE_NAMES = tuple(FEATURES)
ALIGN = 8
PLANES = "planes"  # the codec of packed 8-bit pictures (encode_planes)
PLANES_MIN_BYTES = 1024  # smaller picture stacks travel raw
DTYPES = {np.dtype(name): name for name in ("float32", "float64", "uint8", "uint16", "int32")}
TILE_BYTES_BUDGET = 46 * 1024  # neuron tiles shrink below the requested density to fit this
LOSS_POINTS_PER_FRAME = 32
GALLERY_SIZE = 24  # test images a frame of image data shows
PREDICTION_ROWS = 16


class Unpacked(bytes):
    """A message whose 8-bit pictures are not packed (a frame for a client on this machine's
    loopback, FrameJob.pack): `packed` packs them, should another client need them."""


def pack(header, arrays, pictures=True):
    """One binary message from a JSON-able header and {name: ndarray}.

    No non-finite number leaves the server: a float array holding NaN or ±inf (a diverged
    step's gradient) travels with those entries as 0, and the header's `non_finite` names it.
    A stack of 8-bit pictures (the maps) travels packed when that is smaller; with
    `pictures=False` it is left raw, and the message is `Unpacked` if it holds one.
    """
    entries, chunks, non_finite, later = [], [], [], False
    for name, A in arrays.items():
        A = np.ascontiguousarray(A)
        if A.dtype.kind == "f" and not np.isfinite(A).all():
            A = np.where(np.isfinite(A), A, 0).astype(A.dtype)
            non_finite.append(name)
        dtype = DTYPES[A.dtype]  # a KeyError here is a bug: this dtype cannot travel
        if A.dtype.byteorder == ">":
            A = A.astype(A.dtype.newbyteorder("<"))
        entry = [name, dtype, list(A.shape)]
        picture = A.dtype == np.uint8 and A.ndim >= 2 and A.size >= PLANES_MIN_BYTES
        later = later or (picture and not pictures)
        raw = encode_planes(A) if picture and pictures else None
        if raw is not None:
            entry += [PLANES, len(raw)]
        else:
            raw = A.tobytes()
        entries.append(entry)
        chunks.append(raw + b"\0" * (-len(raw) % ALIGN))
    if non_finite:
        header = {**header, "non_finite": non_finite}
    text = json.dumps({**header, "arrays": entries}, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")
    text += b" " * (-(4 + len(text)) % ALIGN)
    message = struct.pack("<I", len(text)) + text + b"".join(chunks)
    return Unpacked(message) if later else message


def packed(message):
    """The message with its 8-bit pictures packed (encode_planes), if it is `Unpacked`; any
    other message as it is. The bytes are the same as `pack` would have made at once."""
    if not isinstance(message, Unpacked):
        return message
    header, arrays = unpack(message)
    return pack(header, arrays)


def encode_planes(A):
    """A stack of 8-bit pictures (the last two axes), packed: each value minus its prediction
    from its left, upper and upper-left neighbours (a + b − c, modulo 256, zero outside the
    picture), deflated (raw deflate; runs and Huffman codes only, the fastest kind that finds
    the maps' flat stretches). Smooth maps shrink to a third to two thirds, lossless, in tens
    of microseconds. None when the packed form would not be smaller (noise, tiny pictures)."""
    across = A.copy()
    across[..., 1:] -= A[..., :-1]  # uint8 arithmetic: modulo 256
    residual = across.copy()
    residual[..., 1:, :] -= across[..., :-1, :]
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15, 8, zlib.Z_RLE)
    packed = deflate.compress(residual.tobytes()) + deflate.flush()
    return packed if len(packed) < A.nbytes else None


def decode_planes(packed, shape):
    """The pictures `encode_planes` packed: inflate, then sum down each column and along each
    row, modulo 256 (static/js/socket.js does the same)."""
    residual = np.frombuffer(zlib.decompress(packed, -15), np.uint8).reshape(shape)
    return np.cumsum(np.cumsum(residual, axis=-2, dtype=np.uint8), axis=-1, dtype=np.uint8)


def unpack(message):
    """(header, {name: ndarray}) from a binary message: the decoder, as the browser runs it."""
    (n,) = struct.unpack_from("<I", message, 0)
    header = json.loads(message[4:4 + n])
    offset = 4 + n
    arrays = {}
    for name, dtype, shape, *packed in header.pop("arrays"):
        dtype = np.dtype(dtype).newbyteorder("<")
        if packed:
            codec, size = packed
            assert codec == PLANES, codec
            arrays[name] = decode_planes(message[offset:offset + size], shape)
        else:
            size = math.prod(shape) * dtype.itemsize
            arrays[name] = np.frombuffer(message, dtype, math.prod(shape), offset).reshape(shape)
        offset += size + (-size % ALIGN)
    return header, arrays


def tile_density(requested, n_neurons):
    """The neuron-tile density: as requested, or less, so the tiles fit TILE_BYTES_BUDGET."""
    if n_neurons == 0:
        return requested
    return max(4, min(requested, math.isqrt(TILE_BYTES_BUDGET // n_neurons)))


def network_message(trainer, version, probe):
    """The network's shape and the (fixed) input-feature tiles; sent after each rebuild."""
    net = trainer.net
    header = {
        "type": "network", "version": version,
        "sizes": net.sizes, "param_names": net.param_names,
        "activation": net.activation, "output_activation": net.output_activation,
        "loss": net.loss_name, "task": trainer.data.task, "n_classes": trainer.data.n_classes,
        "input_names": trainer.input_names, "plane": probe is not None,
        "extent": list(trainer.data.extent), "config": trainer.config.to_dict(),
        "batch_norm": [layer.bn is not None for layer in net.layers],
        "image_shape": (None if trainer.data.image_shape is None
                        else list(trainer.data.image_shape)),
    }
    arrays = {}
    if probe is not None:
        D = probe.neuron_density
        # Every feature the page offers, not only the inputs in use: the feature toggles
        # show them all. The network's inputs are the ones named in input_names.
        maps = probes.feature_maps(FEATURE_NAMES, trainer.data.extent, D)  # (D², n_features)
        linear = ACTIVATIONS["linear"]
        ranges = [probes.activation_range(linear, maps[:, j]) for j in range(maps.shape[1])]
        header["neuron_density"] = D
        header["threshold"] = targets.threshold(net.output_activation)  # output maps' middle
        header["feature_names"] = list(FEATURE_NAMES)
        header["feature_ranges"] = [list(r) for r in ranges]
        arrays["features"] = np.stack([probes.quantize(maps[:, j], *r)
                                       for j, r in enumerate(ranges)]).reshape(
            len(ranges), D, D)
    return pack(header, arrays)


def data_message(trainer, version):
    """The points, their labels and the train/test split; sent after the data changes."""
    data = trainer.data
    is_train = np.zeros(len(data.y), np.uint8)
    is_train[data.train] = 1
    header = {"type": "data", "version": version, "dataset": trainer.config.dataset,
              "task": data.task, "n_classes": data.n_classes, "extent": list(data.extent),
              "kind": targets.kind(data.task, data.n_classes),  # which pairs fit (schema.tasks)
              "count": len(data.y), "n_inputs": data.X.shape[1],
              "input_names": trainer.input_names}
    arrays = {"y": _floats(data.y), "train": is_train}
    if data.is_plane or len(data.y) <= PREDICTION_ROWS:  # larger sets stay on the server
        arrays["X"] = _floats(data.X)
    return pack(header, arrays)


@dataclass
class FrameJob:
    """Everything one frame shows, captured between two training slices. It refers to the
    live network, so it is rendered at once, before training goes on."""
    net: object  # the network
    points: object  # every point as the network sees it (Trainer.eval_points)
    order: np.ndarray  # the points' indices in that order (training points first)
    probe: object  # the session's PlaneProbe, or None for data that is not 2-D
    sample: tuple | None  # (index, input, target) of the selected point
    losses: np.ndarray  # the mini-batch losses since the last frame
    first_loss_step: int  # the step of losses[0]
    header: dict
    compare: object = None  # a Comparison run side by side, or None
    data: object = None  # the trainer's Data (image data: the gallery's pixels)
    tried: np.ndarray | None = None  # an input of the user's own (a drawn digit), or None
    # Large data (MNIST), whose `points` are a sample: (probes.FullTest, every point), which
    # measures the whole test set a chunk a frame; None when `points` are every point.
    full_test: tuple | None = None
    lean: bool = False  # the page computes the maps from the weights (no tiles, no output map)
    pack: bool = True  # the maps travel packed (encode_planes); else raw, the message Unpacked


def render(job):
    """(frame bytes, chart point): weights, neuron tiles, the output map, diagnostics, trace."""
    with np.errstate(all="ignore"):  # a diverging network overflows; frames show it as is
        return _render(job)


def _render(job):
    net, header = job.net, dict(job.header)
    evaluation = probes.evaluate(net, job.points, np.float32)
    # measured in float32: 7 significant digits are all there is (and the chart point too)
    metrics = {k: _seven(v) for k, v in evaluation.metrics.items()}
    if len(job.losses):
        steps, values = probes.thin(job.losses, LOSS_POINTS_PER_FRAME)
        # 7 significant digits, as float32 arrays carry: half the bytes of a float64's repr
        losses = {"steps": (steps + job.first_loss_step).tolist(),
                  "values": [_seven(v) for v in values]}
    else:
        losses = {"steps": [], "values": []}
    header["metrics"] = metrics
    header["losses"] = losses
    if job.full_test is not None:  # the metrics are a sample's: say which, and measure all
        full_test, every = job.full_test
        n_train, n = job.points.n_train, len(job.points.y)
        header["metrics_sample"] = {"train": n_train, "test": n - n_train,
                                    "of_train": every.n_train,
                                    "of_test": len(every.y) - every.n_train}
        header["full_test"] = full_test.advance(net, every, header["step"])
    arrays = {name: _floats(P) for name, P in zip(net.param_names, net.params)}
    arrays["grad_norms"] = probes.gradient_norms(net).astype(np.float32)
    arrays["dead"] = evaluation.dead.astype(np.float32)
    edges, counts = probes.weight_histograms(net)
    arrays["histograms"] = np.minimum(counts, 65535).astype(np.uint16)
    header["histogram_range"] = [float(edges[0]), float(edges[-1])]
    if job.probe is not None and job.lean:
        _lean(job, header, arrays)
    elif job.probe is not None:
        _plane(job, header, arrays)
    if evaluation.confusion is not None:
        arrays["confusion"] = evaluation.confusion.astype(np.int32)
    if job.data is not None and job.data.image_shape is not None:
        _gallery(job, evaluation, header, arrays)
    if job.tried is not None:  # the user's own input: what the network makes of it
        arrays["tried_output"] = net.forward(job.tried[None, :])[0].astype(np.float32)
    if len(job.order) <= PREDICTION_ROWS:  # small tables: every point's prediction
        arrays["predictions"] = evaluation.outputs[np.argsort(job.order, kind="stable")].astype(
            np.float64)
    if job.sample is not None:
        index, x, Y = job.sample
        t = probes.trace(net, x, Y)
        header["trace"] = {"index": index, "loss": t["loss"], "y_hat": t["y_hat"].tolist(),
                           "y": t["y"].tolist(), "x": np.asarray(x, np.float64).tolist()}
        for l, layer in enumerate(t["layers"], start=1):
            for key in ("z", "a", "delta", "dW"):
                arrays[f"trace_{key}{l}"] = layer[key]
    point = {"step": header["step"], "epoch": round(header["epoch_progress"], 4),
             **{k: v for k, v in metrics.items() if k != "penalty" and math.isfinite(v)}}
    if job.compare is not None:
        header["compare"] = job.compare.header()
        point.update({f"cmp_{k}": v for k, v in header["compare"]["metrics"].items()
                      if k != "penalty" and math.isfinite(v)})
    header["point"] = point  # the chart point the server keeps in its history, as it is
    try:  # most headers are JSON as they are; jsonsafe walks them only when one is not
        return pack(header, arrays, pictures=job.pack), point
    except (TypeError, ValueError):  # a NumPy scalar, a non-finite float
        return pack(jsonsafe(header), arrays, pictures=job.pack), point


def _seven(v):
    """A float to 7 significant digits, as float32 carries (NaN and infinity as they are)."""
    return float(f"{v:.7g}")


def _gallery(job, evaluation, header, arrays):
    """Test points as images, mistakes first, with what the network predicts for each."""
    if job.points.task != "classification":
        return
    index, label, predicted, confidence = probes.gallery(job.net, job.points, evaluation,
                                                         job.order, GALLERY_SIZE)
    lo, hi = job.data.value_range
    arrays["gallery_index"] = index.astype(np.int32)
    arrays["gallery_pixels"] = probes.quantize(job.data.X[index], lo, hi).reshape(
        len(index), *job.data.image_shape)
    arrays["gallery_label"] = label.astype(np.uint8)
    arrays["gallery_predicted"] = predicted.astype(np.uint8)
    arrays["gallery_confidence"] = probes.quantize(confidence, 0.0, 1.0)
    header["gallery_range"] = [lo, hi]


def _plane(job, header, arrays):
    """Every neuron's map over the input plane, and the output map (one output: its value;
    several: the predicted class and its confidence)."""
    net, probe = job.net, job.probe
    output, layers = probe.run(net)
    D, Do = probe.neuron_density, probe.output_density
    ranges = []
    for l, (layer, A) in enumerate(zip(net.layers, layers), start=1):
        lo, hi = probes.activation_range(layer.activation, A)
        ranges.append([lo, hi])
        arrays[f"tiles{l}"] = _even(probes.quantize(A.T, lo, hi)).reshape(A.shape[1], D, D)
    header["tile_ranges"] = ranges
    if output.shape[1] == 1:
        lo, hi = probes.output_range(net.layers[-1].activation, job.points.task, output)
        header["output_range"] = [lo, hi]
        arrays["output"] = probes.quantize(output[:, 0], lo, hi).reshape(Do, Do)
    else:
        predicted = targets.predict(output, net.output_activation)
        arrays["output_class"] = predicted.astype(np.uint8).reshape(Do, Do)
        arrays["output_confidence"] = probes.quantize(output.max(axis=1), 0.0, 1.0).reshape(
            Do, Do)
    _compare_plane(job, header, arrays)


def _lean(job, header, arrays):
    """A lean frame: what the page needs to compute every map itself, besides the weights
    (static/js/lean.js): each batch-norm layer's evaluation-mode shift and scale, μ and
    γ/√(σ² + ε), in float32 (the engine folds them into one matrix a layer:
    layers.Dense.eval_affine)."""
    header["lean"] = True
    _batch_norm_eval(job.net, arrays)
    _compare_plane(job, header, arrays)


def _batch_norm_eval(net, arrays, prefix=""):
    """`bn_mean{l}`, `bn_scale{l}` (after `prefix`) of each layer of `net` with batch norm."""
    for l, layer in enumerate(net.layers, start=1):
        if layer.bn is not None:
            arrays[f"{prefix}bn_mean{l}"] = layer.bn.running_mean.astype(np.float32)
            arrays[f"{prefix}bn_scale{l}"] = layer.bn.eval_scale().astype(np.float32)


def _compare_plane(job, header, arrays):
    """The output map of the run side by side, over the same plane (none when its inputs are
    other features). A full frame carries the engine's map; a lean frame what the page computes
    it from, as it does the session's: the run's parameters (`compare_W1`, `compare_b1`, …),
    its batch norm's `compare_bn_mean*`, `compare_bn_scale*`, and `compare_network`, what of
    its network differs from the session's (absent when only, say, the loss differs)."""
    probe = job.probe
    Do = probe.output_density
    other = job.compare.trainer if job.compare is not None else None
    if other is None or other.config.features != probe.features:
        return
    if job.lean:
        for name, P in zip(other.net.param_names, other.net.params):
            arrays[f"compare_{name}"] = _floats(P)
        _batch_norm_eval(other.net, arrays, "compare_")
        mine, theirs = _plane_network(job.net), _plane_network(other.net)
        differs = {k: v for k, v in theirs.items() if v != mine[k]}
        if differs:
            header["compare_network"] = differs
        return
    output, _ = probe.run(other.net)  # the run side by side, over the same plane
    if output.shape[1] == 1:
        lo, hi = probes.output_range(other.net.layers[-1].activation, job.points.task, output)
        header["compare_output_range"] = [lo, hi]
        arrays["compare_output"] = probes.quantize(output[:, 0], lo, hi).reshape(Do, Do)
    else:
        predicted = targets.predict(output, other.net.output_activation)
        arrays["compare_output_class"] = predicted.astype(np.uint8).reshape(Do, Do)
        arrays["compare_output_confidence"] = probes.quantize(
            output.max(axis=1), 0.0, 1.0).reshape(Do, Do)


def _plane_network(net):
    """What the page's evaluator needs of a network besides its parameters, under the `network`
    message's names."""
    return {"sizes": list(net.sizes), "activation": net.activation,
            "output_activation": net.output_activation,
            "batch_norm": [layer.bn is not None for layer in net.layers],
            "threshold": targets.threshold(net.output_activation)}


def _even(codes):
    """8-bit codes to the nearest even one (254 at most): 7 bits, within one code of the
    engine's quantisation. The page draws tiles in 16 bands (static/js/colors.js), where that
    does not show; the packed tiles (encode_planes) shrink by a fifth."""
    return (np.minimum(codes, 254) + 1) & 0xFE


def _floats(A):
    """float32 for the page, unless a value would overflow it (a diverging network's last
    finite weights, a CSV of huge numbers): then float64, so nothing is rounded to infinity."""
    with np.errstate(over="ignore"):
        A32 = A.astype(np.float32)
    return A32 if np.isfinite(A32).all() or not np.isfinite(A).all() else A.astype(np.float64)
