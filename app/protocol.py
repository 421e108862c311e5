"""The wire protocol's commands (client → server), as Pydantic models, and error replies.

Every command is a JSON text message with a `type`; an optional `id` (a number or a short
string) is echoed in the reply so a client can match them. A message that fails any check
becomes one `error` reply naming the field, the value and what is allowed.
"""

import json
import math
import re
from typing import Annotated, Any, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .limits import LIMITS

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Coordinate = Annotated[float, Field(allow_inf_nan=False, ge=-1000.0, le=1000.0)]
MessageId = Union[Annotated[int, Field(ge=-(2**53), le=2**53)],
                  Annotated[str, Field(max_length=64)]]
NeuronDensity = Annotated[int, Field(ge=LIMITS["neuron_density"][0],
                                     le=LIMITS["neuron_density"][1])]
OutputDensity = Annotated[int, Field(ge=LIMITS["output_density"][0],
                                     le=LIMITS["output_density"][1])]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: MessageId | None = None


class Play(Command):
    """Start training at the chosen speed."""
    type: Literal["play"]


class Pause(Command):
    """Stop training; the state is kept."""
    type: Literal["pause"]


class Step(Command):
    """Run n steps (or the rest of the epoch) now, while paused."""
    type: Literal["step"]
    n: Annotated[int, Field(ge=1, le=LIMITS["max_steps_per_command"])] = 1
    epoch: bool = False


class Reset(Command):
    """Back to step 0 with the same config (the same initial weights)."""
    type: Literal["reset"]


class Set(Command):
    """Change hyperparameters: a partial config, checked against the schema."""
    type: Literal["set"]
    config: dict[str, Any]


class Speed(Command):
    """Target training speed: steps per second, or "max"."""
    type: Literal["speed"]
    steps_per_second: Union[Annotated[float, Field(allow_inf_nan=False, ge=0.1,
                                                   le=LIMITS["max_steps_per_second"])],
                            Literal["max"]]


class Fps(Command):
    """Frames per second the client wants."""
    type: Literal["fps"]
    fps: Annotated[int, Field(ge=LIMITS["fps"][0], le=LIMITS["fps"][1])]


class Density(Command):
    """Heatmap resolution: neuron tiles and the output plot, in cells per side."""
    type: Literal["density"]
    neuron: NeuronDensity = 32
    output: OutputDensity = 100


class SelectSample(Command):
    """Whose forward/backward trace frames carry: a point's index, or null for none."""
    type: Literal["select_sample"]
    index: Annotated[int, Field(ge=0, le=LIMITS["max_points"] * 10)] | None


class SetWeight(Command):
    """Set W[layer][source, target] (layers count from 1, neurons from 0)."""
    type: Literal["set_weight"]
    layer: Annotated[int, Field(ge=1)]
    source: Annotated[int, Field(ge=0)]
    target: Annotated[int, Field(ge=0)]
    value: Annotated[float, Field(allow_inf_nan=False, ge=-100.0, le=100.0)]


class SetBias(Command):
    """Set b[layer][neuron]."""
    type: Literal["set_bias"]
    layer: Annotated[int, Field(ge=1)]
    neuron: Annotated[int, Field(ge=0)]
    value: Annotated[float, Field(allow_inf_nan=False, ge=-100.0, le=100.0)]


class AddPoint(Command):
    """Add a point at x = [x1, x2] with a label (a class index, or a value for regression)."""
    type: Literal["add_point"]
    x: Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
    label: Annotated[float, Field(allow_inf_nan=False, ge=-1000.0, le=1000.0)]
    split: Literal["train", "test"] = "train"


class RemovePoint(Command):
    """Remove the point nearest to x, if one lies within radius."""
    type: Literal["remove_point"]
    x: Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
    radius: Annotated[float, Field(allow_inf_nan=False, gt=0.0, le=1000.0)] = 0.5


class ClearPoints(Command):
    """Remove every point, to draw a dataset from scratch."""
    type: Literal["clear_points"]


class LoadCsv(Command):
    """Train on CSV text: one row per point, the label last."""
    type: Literal["load_csv"]
    text: Annotated[str, Field(max_length=LIMITS["max_upload_bytes"])]


class RegenerateData(Command):
    """Draw new points for the current dataset (the next data seed)."""
    type: Literal["regenerate_data"]


class Preset(Command):
    """Load a named preset (GET /api/presets lists them)."""
    type: Literal["preset"]
    name: Annotated[str, Field(max_length=64)]


class Export(Command):
    """Reply with the whole session state as JSON."""
    type: Literal["export"]


class Import(Command):
    """Replace the session with an exported state."""
    type: Literal["import"]
    state: dict[str, Any]


class Explain(Command):
    """Pause and explain one training step on a point: reply `explanation` with every number."""
    type: Literal["explain"]
    index: Annotated[int, Field(ge=0, le=LIMITS["max_points"] * 10)]


class ExplainApply(Command):
    """Apply the explained step exactly: the weights become the explanation's "after" values."""
    type: Literal["explain_apply"]


class ExportCode(Command):
    """Reply `code`: the run so far as a standalone NumPy script."""
    type: Literal["export_code"]


COMMANDS = (Play, Pause, Step, Reset, Set, Speed, Fps, Density, SelectSample, SetWeight, SetBias,
            AddPoint, RemovePoint, ClearPoints, LoadCsv, RegenerateData, Preset, Export, Import,
            Explain, ExplainApply, ExportCode)
COMMAND_TYPES = tuple(c.model_fields["type"].annotation.__args__[0] for c in COMMANDS)
UPLOAD_TYPES = ("load_csv", "import")
REPLY_TYPES = ("applied", "error", "state", "explanation", "code")  # answers to a command
_ADAPTER = TypeAdapter(Annotated[Union[COMMANDS], Field(discriminator="type")])


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
    except (TypeError, ValueError):
        return repr(value)[:200]


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


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


_SNIFF_TYPE = re.compile(r'"type"\s*:\s*"([a-z_]{1,32})"')
_SNIFF_ID = re.compile(r'"id"\s*:\s*(?:"([^"\\]{0,64})"|(-?\d{1,16})\b)')


def _sniff(text):
    """(type, id) read from the start of a message too large to parse, when they are there."""
    head = text[:512]
    kind, mid = _SNIFF_TYPE.search(head), _SNIFF_ID.search(head)
    return (kind.group(1) if kind else None,
            None if mid is None else (mid.group(1) if mid.group(1) is not None
                                      else int(mid.group(2))))


def parse(text):
    """A command model from a JSON text message, or ProtocolError."""
    size = len(text.encode("utf-8"))
    if size > LIMITS["max_upload_bytes"]:
        kind, mid = _sniff(text)
        raise ProtocolError("too_large", f"message of {size} bytes exceeds the upload limit of "
                            f"{LIMITS['max_upload_bytes']} bytes", "message", size,
                            f"at most {LIMITS['max_upload_bytes']} bytes",
                            kind if kind in COMMAND_TYPES else None, mid)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise ProtocolError("bad_json", f"message is not valid JSON: {str(e)[:200]}", "message",
                            text[:100], "a JSON object like {\"type\": \"play\"}") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "message must be a JSON object with a type", "message",
                            data, "a JSON object like {\"type\": \"play\"}")
    kind, mid = data.get("type"), data.get("id")
    valid_id = (isinstance(mid, int) and not isinstance(mid, bool) and abs(mid) <= 2**53) or (
        isinstance(mid, str) and len(mid) <= 64)
    mid = mid if valid_id else None  # an id that is not an id is not echoed
    if kind not in COMMAND_TYPES:
        raise ProtocolError("unknown_type", f"type={shown(kind)!r} is not a command; allowed: "
                            + ", ".join(COMMAND_TYPES), "type", kind,
                            "one of: " + ", ".join(COMMAND_TYPES), id=mid)
    if size > LIMITS["max_message_bytes"] and kind not in UPLOAD_TYPES:
        raise ProtocolError("too_large", f"a {kind} message of {size} bytes exceeds the limit of "
                            f"{LIMITS['max_message_bytes']} bytes", "message", size,
                            f"at most {LIMITS['max_message_bytes']} bytes", kind, mid)
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as e:
        errors = e.errors()
        err = errors[0]
        field = _field(err)
        # A union (e.g. a number or "max") fails once per alternative: name them all.
        allowed = " or ".join(dict.fromkeys(_allowed(x) for x in errors if _field(x) == field))
        value = None if err["type"] == "missing" else err.get("input")
        raise ProtocolError("invalid_value", f"{kind}: {field}: {err['msg']}", field, value,
                            allowed, kind, mid) from None


def _field(err):
    """The field path of a Pydantic error, without the union tags Pydantic inserts."""
    parts = [str(p) for p in err["loc"][1:]
             if isinstance(p, int) or ("-" not in str(p) and "[" not in str(p))]
    return ".".join(parts) or "message"


def _allowed(err):
    ctx = err.get("ctx") or {}
    kind = err["type"]
    if kind == "extra_forbidden":
        return "no such field (see docs/protocol.md)"
    if kind == "missing":
        return "this field is required"
    if "expected" in ctx:
        return f"one of: {ctx['expected']}"
    bounds = [f"{op} {ctx[k]}" for k, op in (("ge", ">="), ("gt", ">"), ("le", "<="),
                                             ("lt", "<")) if k in ctx]

    return err["msg"] + (" (" + ", ".join(bounds) + ")" if bounds else "")
