"""Arrays and random generators as JSON-safe data, exactly, and checked on the way back.

Arrays travel as {"dtype", "shape", "data": base64 of the little-endian bytes}, so every float
survives exactly; a header is checked (dtype, shape, size) before its bytes are decoded.
Random generator states hold 128-bit integers, which are written as strings because
JavaScript's JSON would round them.
"""

import base64
import math

import numpy as np

from . import validation as check
from .validation import clip

ALLOWED_DTYPES = ("float64", "float32", "int64", "bool")
PCG64_MAX = 2**128


# -- arrays ------------------------------------------------------------------------------------
def array_to_json(A):
    A = np.ascontiguousarray(A)
    le = A.astype(A.dtype.newbyteorder("<"), copy=False)
    return {"dtype": A.dtype.name, "shape": list(A.shape),
            "data": base64.b64encode(le.tobytes()).decode("ascii")}


def array_from_json(d, field="array", dtype=None, shape=None, max_size=None):
    """The array `d` describes. Its header is checked before its bytes are decoded: `dtype`
    (a name) and `shape` (a tuple whose None entries are free) when given, and at most
    `max_size` elements."""
    if not isinstance(d, dict) or set(d) != {"dtype", "shape", "data"}:
        raise check.ArgumentError(field, clip(d), "an object with dtype, shape and data",
                                  f"{field} must be an object with dtype, shape and data")
    allowed = (dtype,) if dtype is not None else ALLOWED_DTYPES
    if not isinstance(d["dtype"], str) or d["dtype"] not in allowed:
        raise check.ArgumentError(f"{field}.dtype", clip(d["dtype"]), ", ".join(allowed),
                                  f"{field}.dtype={clip(d['dtype'])!r} is not allowed; "
                                  f"allowed: {', '.join(allowed)}")
    dims = d["shape"]
    if not is_shape(dims):
        raise check.ArgumentError(f"{field}.shape", clip(dims), "a list of sizes >= 0",
                                  f"{field}.shape={clip(dims)} must be a list of sizes")
    if shape is not None and (len(dims) != len(shape) or any(
            want is not None and n != want for n, want in zip(dims, shape))):
        wanted = "(" + ", ".join("n" if n is None else str(n) for n in shape) + ")"
        raise check.ArgumentError(f"{field}.shape", clip(dims), f"shape {wanted}",
                                  f"{field} has shape {clip(dims)}; expected {wanted}")
    size = math.prod(dims)
    if max_size is not None and size > max_size:
        raise check.ArgumentError(f"{field}.shape", clip(dims), f"at most {max_size} values",
                                  f"{field} has {size} values; at most {max_size} are allowed")
    itemsize = np.dtype(d["dtype"]).itemsize
    data = d["data"]
    if not isinstance(data, str) or len(data) != 4 * math.ceil(size * itemsize / 3):
        held = len(data) if isinstance(data, str) else type(data).__name__
        raise check.ArgumentError(
            f"{field}.data", f"<{held} characters>" if isinstance(data, str) else held,
            f"{4 * math.ceil(size * itemsize / 3)} characters of base64",
            f"{field}.data holds {held} characters; shape {dims} of {d['dtype']} needs "
            f"{size * itemsize} bytes, {4 * math.ceil(size * itemsize / 3)} characters of "
            "base64")
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        raise check.ArgumentError(f"{field}.data", "<not base64>", "base64 text",
                                  f"{field}.data is not valid base64") from None
    if len(raw) != size * itemsize:
        raise check.ArgumentError(f"{field}.data", f"<{len(raw)} bytes>",
                                  f"{size * itemsize} bytes",
                                  f"{field}.data holds {len(raw)} bytes; shape {dims} of "
                                  f"{d['dtype']} needs {size * itemsize}")
    le = np.dtype(d["dtype"]).newbyteorder("<")
    return np.frombuffer(raw, le).astype(le.newbyteorder("="), copy=True).reshape(dims)


def is_shape(dims):
    """Whether `dims` is a shape: a list of whole numbers >= 0."""
    return isinstance(dims, list) and all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in dims)


# -- random generators -------------------------------------------------------------------------
def rng_to_json(rng):
    state = rng.bit_generator.state
    return {"bit_generator": state["bit_generator"],
            "state": {k: str(v) for k, v in state["state"].items()},
            "has_uint32": int(state["has_uint32"]), "uinteger": str(state["uinteger"])}


def rng_from_json(d, field):
    """A PCG64 Generator at the saved state; every part is checked against PCG64's ranges."""
    allowed = ('{"bit_generator": "PCG64", "state": {"state": "<0..2^128-1>", "inc": '
               '"<odd, 0..2^128-1>"}, "has_uint32": 0 or 1, "uinteger": "<0..2^32-1>"}')

    def refuse(part, value, why):
        raise check.ArgumentError(f"{field}{part}", clip(value), allowed,
                                  f"{field}{part}={clip(value)} {why}; {field} must be a "
                                  f"PCG64 generator state {allowed}")

    if not isinstance(d, dict) or set(d) != {"bit_generator", "state", "has_uint32",
                                             "uinteger"}:
        refuse("", d, "is not a generator state")
    if d["bit_generator"] != "PCG64":
        refuse(".bit_generator", d["bit_generator"], "is not allowed")
    inner = d["state"]
    if not isinstance(inner, dict) or set(inner) != {"state", "inc"}:
        refuse(".state", inner, "must hold exactly state and inc")
    values = {}
    for part, value, hi in ((".state.state", inner["state"], PCG64_MAX),
                            (".state.inc", inner["inc"], PCG64_MAX),
                            (".uinteger", d["uinteger"], 2**32)):
        if not (isinstance(value, str) and value.isascii() and value.isdigit()
                and len(value) <= 39 and int(value) < hi):
            refuse(part, value, f"must be a whole number from 0 to {hi - 1}, written as a string")
        values[part] = int(value)
    if values[".state.inc"] % 2 == 0:
        refuse(".state.inc", inner["inc"], "must be odd")
    has = d["has_uint32"]
    if isinstance(has, bool) or has not in (0, 1):
        refuse(".has_uint32", has, "must be 0 or 1")
    rng = np.random.default_rng()
    rng.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": values[".state.state"], "inc": values[".state.inc"]},
        "has_uint32": int(has), "uinteger": values[".uinteger"]}
    return rng
