"""What the server answers with when a message is refused, and how values go out as JSON.

An `error` reply names the code, the field, the value (shown safely: see `shown`) and what is
allowed; `ProtocolError` carries one. `jsonsafe` makes any value JSON-safe: NumPy scalars
become Python numbers and no NaN or infinity leaves as a number.
"""

import json
import math

import numpy as np


class ProtocolError(Exception):
    """A rejected message; `reply` is the error message to send back."""

    def __init__(self, code, message, field=None, value=None, allowed=None, command=None,
                 id=None):
        super().__init__(message)
        self.reply = error_reply(code, message, field, value, allowed, command, id)


def error_reply(code, message, field=None, value=None, allowed=None, command=None, id=None):
    return {"type": "error", "id": id, "command": command, "code": code, "field": field,
            "value": shown(value), "allowed": allowed, "message": message}


def shown(value):
    """A value safe to echo: JSON scalars as they are, anything else as a short string."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**53:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    text = value if isinstance(value, str) else _compact(value)
    return text if len(text) <= 100 else text[:97] + "..."


def _compact(value):
    try:
        return json.dumps(value, allow_nan=True)[:200]
    except (TypeError, ValueError, RecursionError):  # not JSON, or nested beyond the stack
        try:
            return repr(value)[:200]
        except RecursionError:
            return f"<a {type(value).__name__} nested too deeply to show>"


def jsonsafe(value):
    """JSON-safe numbers: NumPy scalars become Python ones, a non-finite float a string
    ('nan', 'inf')."""
    if isinstance(value, dict):
        return {k: jsonsafe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonsafe(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value
