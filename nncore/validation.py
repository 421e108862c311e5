"""Argument checks whose errors name the argument, the value, and what is allowed."""

import math
import numbers

import numpy as np


class ArgumentError(ValueError):
    """A ValueError that also carries its parts, so a server can answer with them."""

    def __init__(self, field, value, allowed, message):
        super().__init__(message)
        self.field, self.value, self.allowed = field, value, allowed


def choice(field, value, choices):
    if not isinstance(value, str) or value not in choices:
        allowed = f"one of: {', '.join(choices)}"
        raise ArgumentError(field, value, allowed,
                            f"{field}={value!r} is not allowed; choose {allowed}")
    return value


def integer(field, value, lo, hi=None):
    allowed = f"a whole number{describe_range(lo, hi)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ArgumentError(field, value, allowed, f"{field}={value!r} must be {allowed}")
    if value < lo or (hi is not None and value > hi):
        raise ArgumentError(field, value, allowed,
                            f"{field}={_short(value)} is out of range; allowed"
                            f"{describe_range(lo, hi)}")
    return int(value)


def real(field, value, lo, hi=None, lo_open=False):
    allowed = f"a number{describe_range(lo, hi, lo_open)}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentError(field, value, allowed, f"{field}={value!r} must be {allowed}")
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float (hundreds of digits)
        raise ArgumentError(field, value, allowed, f"{field}={_short(value)} is out of range; "
                            f"allowed{describe_range(lo, hi, lo_open)}") from None
    if not math.isfinite(value):
        raise ArgumentError(field, value, allowed,
                            f"{field}={value!r} must be finite{describe_range(lo, hi, lo_open)}")
    if value < lo or (lo_open and value == lo) or (hi is not None and value > hi):
        raise ArgumentError(field, value, allowed, f"{field}={value!r} is out of range; "
                            f"allowed{describe_range(lo, hi, lo_open)}")
    return value


def boolean(field, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentError(field, value, "true or false",
                            f"{field}={value!r} must be true or false")
    return bool(value)


def array(field, value, ndim, dtype=None, finite=True):
    """A NumPy array of `ndim` dimensions (of `dtype` when given), with finite values."""
    try:
        A = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{field} must be a {ndim}-D array of numbers: {e}") from None
    if A.ndim != ndim:
        raise ValueError(f"{field} must be {ndim}-D; got shape {A.shape}")
    if A.dtype.kind not in "biuf":
        raise ValueError(f"{field} must hold numbers; got dtype {A.dtype}")
    if finite and A.dtype.kind == "f" and not np.isfinite(A).all():
        bad = np.argwhere(~np.isfinite(A))[0]
        raise ValueError(f"{field} holds a non-finite value {A[tuple(bad)]!r} at index "
                         f"{tuple(int(i) for i in bad)}; every value must be a finite number")
    return A


def describe_range(lo, hi, lo_open=False):
    """' >= 0', ' > 0', ' from 0 to 1' or ' from 0 (exclusive) to 1'."""
    if hi is None:
        return f" {'>' if lo_open else '>='} {_number(lo)}"
    return f" from {_number(lo)}{' (exclusive)' if lo_open else ''} to {_number(hi)}"


def _number(v):
    return str(v) if isinstance(v, numbers.Integral) else f"{v:g}"


def _short(value):
    """repr of a value, cut to 80 characters (a number can have hundreds of digits)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def clip(value):
    """A value to show in an error: itself when short, else its repr cut to 80 characters."""
    if value is None or isinstance(value, (bool, int, float)) and len(repr(value)) <= 80:
        return value
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
