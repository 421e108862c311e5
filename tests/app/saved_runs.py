"""Saved runs at the limits: the largest state the protocol lets a session build and carry,
for the tests that save and load it (tests/app/test_import.py, tests/e2e/test_attack_import.py).
"""

import json

import numpy as np

from app import record
from app.limits import LIMITS


def csv_at_the_limits():
    """2,000 rows of the most columns, within the upload limit, 10 classes."""
    rng = np.random.default_rng(5)
    cols = LIMITS["max_csv_columns"] - 1
    X = rng.integers(0, 100, (LIMITS["max_csv_rows"], cols)) / 10
    y = np.arange(LIMITS["max_csv_rows"]) % 10
    text = "\n".join(",".join(f"{v:g}" for v in row) + f",{c}" for row, c in zip(X, y))
    assert len(text) <= LIMITS["max_upload_bytes"]
    return text


def fullest_history():
    """As many points as the history keeps once the next frame has added its own (a full
    history is thinned), each as large as an imported point may be."""
    point = {"step": 2**53, **{f"m{i:02d}" + "_" * 21: -1.2345678901234567e-100
                               for i in range(record.POINT_KEYS - 1)}}
    assert record._valid_point(point)
    return [dict(point, step=i + 10**15) for i in range(LIMITS["max_history_points"] - 1)]


def fullest_log():
    """Log entries up to the log's byte limit (the entry count limit comes first if small)."""
    entry = [2**53, {"type": "set", "config": {"hidden_layers": [32] * 8, "noise": 0.123456}}]
    size = len(json.dumps(entry)) + 2
    n = min(LIMITS["max_replay_log"], (record.LOG_BYTES - 2) // size)
    return [entry] * n
