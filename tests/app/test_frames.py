"""The binary layout (app/frames.py): every array comes back as packed, and the 8-bit
pictures that travel packed (the maps) come back code for code."""

import json
import struct
from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from app import frames

DTYPES = [np.float32, np.float64, np.uint8, np.uint16, np.int32]


def directory(message):
    (n,) = struct.unpack_from("<I", message, 0)
    return {e[0]: e for e in json.loads(message[4:4 + n])["arrays"]}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(DTYPES).flatmap(lambda dt: hnp.arrays(
    dt, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=40),
    elements={"allow_nan": False, "allow_infinity": False} if np.dtype(dt).kind == "f"
    else None)), max_size=5))
def test_every_array_comes_back_as_it_was_packed(arrays):
    named = {f"a{i}": A for i, A in enumerate(arrays)}
    message = frames.pack({"type": "frame"}, named)
    assert len(message) % 8 == 0
    header, back = frames.unpack(message)
    assert header == {"type": "frame"} and list(back) == list(named)
    for name, A in named.items():
        assert back[name].dtype == A.dtype and back[name].shape == A.shape
        assert np.array_equal(back[name], A), name


def maps(shape, seed):
    rng = np.random.default_rng(seed)
    *stack, h, w = shape
    y, x = np.mgrid[0:h, 0:w] / max(h, w)
    a, b = (rng.normal(size=(*stack, 1, 1)) * 6 for _ in range(2))
    return np.clip(128 + 160 * np.tanh(a * x + b * y), 0, 255).astype(np.uint8)


def test_smooth_maps_travel_packed_at_under_half_their_size_and_come_back_exactly():
    arrays = {"tiles1": maps((8, 31, 31), 0), "output": maps((100, 100), 1)}
    message = frames.pack({"type": "frame"}, arrays)
    entries = directory(message)
    assert entries["tiles1"][3] == entries["output"][3] == frames.PLANES
    assert len(message) < 0.5 * sum(A.nbytes for A in arrays.values())
    _, back = frames.unpack(message)
    for name, A in arrays.items():
        assert np.array_equal(back[name], A)


def test_what_would_not_shrink_travels_raw():
    noise = np.random.default_rng(2).integers(0, 256, (4, 40, 40), dtype=np.uint8)
    small = maps((4, 8, 8), 3)  # 256 bytes: below PLANES_MIN_BYTES
    vector = np.zeros(5000, np.uint8)  # one axis: not a picture
    entries = directory(frames.pack({}, {"noise": noise, "small": small, "vector": vector}))
    assert all(len(e) == 3 for e in entries.values())



def test_a_full_frame_carries_the_engines_maps_tiles_within_one_code():
    """The output map is the engine's codes exactly; the tiles (drawn in 16 bands) are its
    codes to the nearest even one; both travel packed and the frame is under 32 KiB."""
    from nncore import Config, Trainer, probes

    tr = Trainer(Config(dataset="spiral", hidden_layers=[8] * 6))
    tr.step(3000)
    probe = probes.PlaneProbe(tr.config.features, tr.data.extent,
                              frames.tile_density(32, 49), 100)
    job = frames.FrameJob(net=tr.net, points=tr.eval_points, order=tr.eval_order, probe=probe,
                          sample=None, losses=tr.step(64).losses, first_loss_step=3001,
                          header={"type": "frame", "step": tr.step_count, "epoch_progress": 1.0})
    message, _ = frames.render(job)
    raw, _ = frames.render(replace(job, pack=False))  # for a client on this machine
    assert isinstance(raw, frames.Unpacked) and not isinstance(message, frames.Unpacked)
    assert frames.packed(raw) == message and frames.packed(message) is message
    assert len(message) <= 32 * 1024 < len(raw), (len(message), len(raw))
    assert {e[0] for e in directory(message).values() if len(e) == 5} >= {
        f"tiles{l}" for l in range(1, 7)} | {"output"}
    header, arrays = frames.unpack(message)
    output, layers = probe.run(tr.net)
    lo, hi = header["output_range"]
    assert np.array_equal(arrays["output"].ravel(), probes.quantize(output[:, 0], lo, hi))
    for l, A in enumerate(layers, start=1):
        lo, hi = header["tile_ranges"][l - 1]
        codes = probes.quantize(A.T, lo, hi).reshape(arrays[f"tiles{l}"].shape).astype(int)
        got = arrays[f"tiles{l}"].astype(int)
        assert (got % 2 == 0).all() and np.abs(got - codes).max() <= 1, l


def test_the_frames_a_client_on_another_machine_gets_have_their_maps_packed(wire):
    """The test client is not on loopback: its frames' maps come packed (ws.packs_maps)."""
    wire.call({"type": "set", "config": {"dataset": "spiral", "hidden_layers": [8] * 6}})
    reply = wire.call({"type": "step", "n": 50})
    assert reply["type"] == "applied", reply
    frame = wire.expect("frame")
    while frame["step"] < 50:
        frame = wire.expect("frame")
    packed = {e[0] for e in directory(frame["wire_bytes"]).values() if len(e) == 5}
    assert {f"tiles{l}" for l in range(1, 7)} | {"output"} <= packed
    assert len(frame["wire_bytes"]) <= 32 * 1024
