"""No NaN or infinity leaves the server: not in frames, not in messages."""

import json

import numpy as np

from app import frames
from tests.app.test_commands import applied, frame_after


def all_finite(message):
    for name, A in message.get("arrays", {}).items():
        if A.dtype.kind == "f":
            assert np.isfinite(A).all(), name
    text = json.dumps({k: v for k, v in message.items() if k not in ("arrays", "wire_bytes")},
                      allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text


def test_a_diverged_session_sends_only_finite_numbers(wire):
    applied(wire, {"type": "set", "config": {"learning_rate": 10.0, "hidden_layers": [32, 32],
                                             "activation": "relu", "output_activation": "linear",
                                             "loss": "mse", "dataset": "plane"}})
    applied(wire, {"type": "play"})
    diverged = wire.expect("diverged", timeout=30)
    frame = wire.frame(state="diverged")
    all_finite(frame)
    assert "grad_norms" in frame.get("non_finite", []), frame.get("non_finite")
    assert isinstance(diverged["loss"], (str, float))
    state = wire.call({"type": "export"})
    assert state["type"] == "state"  # the saved run of a diverged session goes out


def test_huge_csv_values_travel_as_float64_not_infinity(wire):
    text = "x1,x2,label\n1e38,2,0\n3.5e38,-1e300,1\n1,1,0\n2,2,1\n"
    reply, before = applied(wire, {"type": "load_csv", "text": text})
    data = [m for m in before if m["type"] == "data"][-1]  # after the opening one
    all_finite(data)
    assert data["arrays"]["X"].dtype == np.float64
    assert data["arrays"]["X"][1, 1] == -1e300
    all_finite(frame_after(wire, reply))


def test_pack_names_what_it_zeroed():
    header, arrays = frames.unpack(frames.pack({"type": "x"}, {
        "a": np.array([1.0, np.nan, np.inf], np.float32), "b": np.ones(2)}))
    assert header["non_finite"] == ["a"] and arrays["a"].tolist() == [1.0, 0.0, 0.0]
