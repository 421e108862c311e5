"""Settings: what a value may be, declared once and checked by one piece of code.

A `Setting` is a kind (int, real, bool, choice, int_list, choice_list) with its bounds. Each
module declares the settings it owns (optimizers their hyperparameters, the model its layer
options, the config its data fields), and everything that takes such a value checks it with
`setting.check(field, value)`, which returns the value in its Python type or raises an
ArgumentError naming the field, the value and what is allowed.

A product may allow less than the engine, never more: `narrow(...)` gives a stricter copy and
refuses to widen, and `within(other)` says whether one setting allows only what another does.

    rate = Setting.number(0.0, lo_open=True)
    rate.check("learning_rate", 0.1)        # 0.1
    rate.narrow(lo=1e-5, hi=10.0).allowed   # 'a number from 1e-05 to 10'
"""

from dataclasses import dataclass, replace

from . import validation as check

KINDS = ("int", "float", "bool", "choice", "int_list", "choice_list")


@dataclass(frozen=True)
class Setting:
    kind: str  # one of KINDS
    lo: float | None = None  # numbers and list items: the least allowed value
    hi: float | None = None  # ... and the greatest (None: no bound)
    lo_open: bool = False  # lo itself is not allowed (a learning rate > 0)
    choices: tuple = ()  # choice and choice_list: the allowed names
    max_length: int | None = None  # lists: at most this many entries
    item: str = "value"  # lists: what one entry is, for messages ("layer width")

    # -- constructors --------------------------------------------------------------------------
    @classmethod
    def integer(cls, lo, hi=None):
        return cls("int", lo, hi)

    @classmethod
    def number(cls, lo, hi=None, lo_open=False):
        return cls("float", float(lo), None if hi is None else float(hi), lo_open)

    @classmethod
    def boolean(cls):
        return cls("bool")

    @classmethod
    def choice(cls, choices):
        return cls("choice", choices=tuple(choices))

    @classmethod
    def int_list(cls, lo, hi, max_length, item):
        return cls("int_list", lo, hi, max_length=max_length, item=item)

    @classmethod
    def choice_list(cls, choices, item):
        return cls("choice_list", choices=tuple(choices), item=item)

    # -- checking ------------------------------------------------------------------------------
    @property
    def allowed(self):
        """What the setting allows, as a phrase: 'a number from 0 to 1', 'one of: a, b'."""
        if self.kind == "int":
            return f"a whole number{check.describe_range(self.lo, self.hi)}"
        if self.kind == "float":
            return f"a number{check.describe_range(self.lo, self.hi, self.lo_open)}"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.kind == "choice_list":
            return "a non-empty list of distinct names from: " + ", ".join(self.choices)
        return (f"a list of at most {self.max_length} whole numbers, each"
                f"{check.describe_range(self.lo, self.hi)}")

    def check(self, field, value):
        """The value in its Python type, or ArgumentError naming field, value and allowed."""
        if self.kind == "int":
            return check.integer(field, value, self.lo, self.hi)
        if self.kind == "float":
            return check.real(field, value, self.lo, self.hi, self.lo_open)
        if self.kind == "bool":
            return check.boolean(field, value)
        if self.kind == "choice":
            return check.choice(field, value, self.choices)
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise check.ArgumentError(field, value, self.allowed,
                                      f"{field}={value!r} must be a list of {self.item}s; "
                                      f"allowed: {self.allowed}")
        if self.max_length is not None and len(value) > self.max_length:
            raise check.ArgumentError(field, value, self.allowed,
                                      f"{field} has {len(value)} entries; at most "
                                      f"{self.max_length} ({self.allowed})")
        if self.kind == "choice_list":
            return self._check_names(field, value)
        out = []
        for i, v in enumerate(value):
            try:
                out.append(check.integer(f"{field}[{i}]", v, self.lo, self.hi))
            except check.ArgumentError as e:
                raise check.ArgumentError(field, value, self.allowed, str(e)) from None
        return tuple(out)

    def _check_names(self, field, value):
        if not value:
            raise check.ArgumentError(field, value, self.allowed,
                                      f"{field}=[] selects no {self.item}; choose at least one "
                                      f"of: {', '.join(self.choices)}")
        for v in value:
            if not isinstance(v, str) or v not in self.choices:
                raise check.ArgumentError(field, value, self.allowed,
                                          f"{field} contains {v!r}; allowed: "
                                          f"{', '.join(self.choices)}")
        if len(set(value)) != len(value):
            raise check.ArgumentError(field, value, self.allowed,
                                      f"{field}={list(value)!r} names a {self.item} twice")
        return tuple(value)

    # -- narrowing -----------------------------------------------------------------------------
    def narrow(self, **bounds):
        """A stricter copy (lo, hi, choices, max_length); ValueError if it would allow more."""
        narrower = replace(self, **bounds)
        if not narrower.within(self):
            raise ValueError(f"{narrower.allowed!r} allows more than the engine's "
                             f"{self.allowed!r}")
        return narrower

    def within(self, other):
        """Whether every value this setting allows, `other` allows too."""
        if self.kind != other.kind:
            return False
        if not set(self.choices) <= set(other.choices):
            return False
        if other.max_length is not None and (self.max_length is None
                                             or self.max_length > other.max_length):
            return False
        if other.lo is not None:
            if self.lo is None or self.lo < other.lo:
                return False
            if other.lo_open and self.lo == other.lo and not self.lo_open:
                return False
        if other.hi is not None and (self.hi is None or self.hi > other.hi):
            return False
        return True

    def as_dict(self):
        """The setting as JSON-safe data, for an API."""
        out = {"kind": self.kind}
        for name in ("lo", "hi", "max_length"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.lo_open:
            out["lo_open"] = True
        if self.choices:
            out["choices"] = list(self.choices)
        out["allowed"] = self.allowed
        return out

