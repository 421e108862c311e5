"""The wire protocol's commands (client → server), as Pydantic models, and error replies.

Every command is a JSON text message with a `type`; an optional `id` (a number or a short
string) is echoed in the reply so a client can match them. A message that fails any check
becomes one `error` reply naming the field, the value and what is allowed.
"""

import json
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from nncore import DATASETS, export

from .limits import LIMITS
from .replies import ProtocolError, shown

FROM_FILES = tuple(name for name, spec in DATASETS.items() if spec.files)  # MNIST, ...
SCRIPT_LANGUAGES = export.LANGUAGES  # the exported script's comments: en, ru, vi
MAX_INDEX = 100_000  # a point's index: MNIST's test images are 60,000 to 69,999
# A step-through's stages: each layer forward, the loss, the output's error, each hidden layer's
# error back, each layer's gradient, the update (3 L + 2; the handler checks the network's own)
MAX_EXPLAIN_STAGE = 255

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


StepsPerSecond = Union[Annotated[float, Field(allow_inf_nan=False, ge=0.1,
                                              le=LIMITS["max_steps_per_second"])],
                       Literal["max"]]
StudentId = Annotated[str, Field(max_length=32)]  # a student's id in a room (rooms.Member.id)


class Speed(Command):
    """Target training speed: steps per second, or "max"."""
    type: Literal["speed"]
    steps_per_second: StepsPerSecond


class Fps(Command):
    """Frames per second the client wants."""
    type: Literal["fps"]
    fps: Annotated[int, Field(ge=LIMITS["fps"][0], le=LIMITS["fps"][1])]


class Frames(Command):
    """What frames carry: "full" (every neuron's map and the output map, as the engine computes
    them), "lean" (the weights and metrics: the page computes the maps) or "auto" (full while
    the client's link carries them at its frame rate, else lean)."""
    type: Literal["frames"]
    mode: Literal["full", "lean", "auto"]


class Density(Command):
    """Heatmap resolution: neuron tiles and the output plot, in cells per side."""
    type: Literal["density"]
    neuron: NeuronDensity = 32
    output: OutputDensity = 100


class SelectSample(Command):
    """Whose forward/backward trace frames carry: a point's index, or null for none."""
    type: Literal["select_sample"]
    index: Annotated[int, Field(ge=0, le=MAX_INDEX)] | None


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


class TryInput(Command):
    """An input of your own for data that is not 2-D (a drawn digit): frames then carry the
    network's output for it as `tried_output`; null stops."""
    type: Literal["try_input"]
    x: Annotated[list[Annotated[float, Field(allow_inf_nan=False, ge=-1e6, le=1e6)]],
                 Field(min_length=1, max_length=4096)] | None


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
    index: Annotated[int, Field(ge=0, le=MAX_INDEX)]


class ExplainApply(Command):
    """Apply the explained step exactly: the weights become the explanation's "after" values."""
    type: Literal["explain_apply"]


class ExplainStage(Command):
    """Say which stage of the explained step the page shows (0: the first), so that a room's
    followers' pages show the same one as the teacher walks it."""
    type: Literal["explain_stage"]
    stage: Annotated[int, Field(ge=0, le=MAX_EXPLAIN_STAGE)]


class ExportCode(Command):
    """Reply `code`: the run so far as a standalone NumPy script, its comments and docstrings
    in `lang` (the page's language; the code is the same in every language)."""
    type: Literal["export_code"]
    lang: Literal[SCRIPT_LANGUAGES] = "en"


class Download(Command):
    """Fetch a dataset's missing files (MNIST) into the server's data folder, in the
    background: `download` events report the progress. cancel=true stops waiting for it."""
    type: Literal["download"]
    dataset: Literal[FROM_FILES]
    cancel: bool = False


class Fork(Command):
    """A student in a room (/ws?student=): a session of their own holding the teacher's run
    as it is now; resume=true: back to the one they had (students.py)."""
    type: Literal["fork"]
    resume: bool = False


class Follow(Command):
    """A student in a room: follow the teacher's session again (students.py)."""
    type: Literal["follow"]


class ViewStep(Command):
    """Show the run as it was at `step` (the timeline's checkpoint at or before it): frames
    carry `view` until `view_end`; the run itself goes on unchanged (app/timeline.py)."""
    type: Literal["view_step"]
    step: Annotated[int, Field(ge=0, le=2**53)]


class ViewEnd(Command):
    """Frames show the live run again."""
    type: Literal["view_end"]


class Branch(Command):
    """Continue from the timeline's checkpoint at or before `step`, with `config` (live
    settings, checked as `set` checks them); the run as it was is kept as a saved run."""
    type: Literal["branch"]
    step: Annotated[int, Field(ge=0, le=2**53)]
    config: dict[str, Any] = {}


# The room's teacher's commands: sent on the teacher's connection, /ws?teacher=TOKEN
# (teacher.py; docs/classroom.md). Any other connection is refused them (`not_teacher`).
class RoomPush(Command):
    """Apply a preset, a config and/or a speed to every student's own session, each checked
    by that session as its own command would be."""
    type: Literal["room_push"]
    preset: Annotated[str, Field(max_length=64)] | None = None
    config: dict[str, Any] | None = None
    speed: StepsPerSecond | None = None


class RoomLock(Command):
    """Lock these config keys in every student's own session ([]: unlock them all)."""
    type: Literal["room_lock"]
    controls: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=64)]


class RoomRemove(Command):
    """Remove a student from the room: their connection ends, their token stops working."""
    type: Literal["room_remove"]
    student: StudentId


class RoomReset(Command):
    """Reset a student's own session to the teacher's run as it is now (a new fork)."""
    type: Literal["room_reset"]
    student: StudentId


class RoomSpotlight(Command):
    """Show a student's run to the room (followers, and the teacher's connection) instead of
    the teacher's; null: back to the teacher's. show_name: their name, if they allowed it."""
    type: Literal["room_spotlight"]
    student: StudentId | None
    show_name: bool = False


COMMANDS = (Play, Pause, Step, Reset, Set, Speed, Fps, Density, SelectSample, SetWeight, SetBias,
            AddPoint, RemovePoint, ClearPoints, LoadCsv, RegenerateData, Preset, TryInput, Export,
            Import, Explain, ExplainApply, ExplainStage, ExportCode, Download, Frames, Fork,
            Follow, RoomPush, RoomLock, RoomRemove, RoomReset, RoomSpotlight, ViewStep, ViewEnd,
            Branch)
TEACHER_TYPES = ("room_push", "room_lock", "room_remove", "room_reset", "room_spotlight")
COMMAND_TYPES = tuple(c.model_fields["type"].annotation.__args__[0] for c in COMMANDS)
UPLOAD_TYPES = ("load_csv", "import")
REPLY_TYPES = ("applied", "error", "state", "explanation", "code")  # answers to a command
_ADAPTER = TypeAdapter(Annotated[Union[COMMANDS], Field(discriminator="type")])


def _reject_constant(name):
    raise ValueError(f"{name} is not valid JSON")


# A JSON scalar, and one key of an object with a scalar value: what _sniff reads.
_SCALAR = r'"(?:[^"\\]|\\.){0,200}"|-?\d{1,20}(?:\.\d{1,20})?(?:[eE][+-]?\d{1,4})?|true|false|null'
_HEAD_KEY = re.compile(r'\s*"(\w{1,32})"\s*:\s*(' + _SCALAR + r')\s*([,}])')
_TAIL_KEY = re.compile(r'([{,])\s*"(\w{1,32})"\s*:\s*(' + _SCALAR + r')\s*$')
SNIFF_WINDOW = 512  # characters read at each end of a message too large to parse
SNIFF_KEYS = 4  # top-level keys read at each end


def _sniff(text):
    """(type, id) of a message too large to parse, read from the top-level keys with scalar
    values at its start and at its end (clients put `id` first or last), when they are there.

    Only keys of the outermost object are read: at the start, the keys right after its `{`;
    at the end, the keys right before its final `}`. A key nested in the message never
    counts."""
    found = {}
    head = text[:SNIFF_WINDOW]
    start = re.match(r"\s*\{", head)
    pos = start.end() if start else None
    for _ in range(SNIFF_KEYS if start else 0):
        m = _HEAD_KEY.match(head, pos)
        if m is None:
            break
        found.setdefault(m.group(1), m.group(2))
        if m.group(3) == "}":
            break
        pos = m.end()
    tail = text[-SNIFF_WINDOW:].rstrip()
    if tail.endswith("}"):
        tail = tail[:-1]
        for _ in range(SNIFF_KEYS):
            m = _TAIL_KEY.search(tail)
            if m is None:
                break
            found.setdefault(m.group(2), m.group(3))
            if m.group(1) == "{":
                break
            tail = tail[:m.start()]
    kind, mid = (_json_scalar(found.get(k)) for k in ("type", "id"))
    return (kind if isinstance(kind, str) else None), (mid if _valid_id(mid) else None)


def _json_scalar(raw):
    try:
        return None if raw is None else json.loads(raw)
    except ValueError:
        return None


def _valid_id(mid):
    return (isinstance(mid, int) and not isinstance(mid, bool) and abs(mid) <= 2**53) or (
        isinstance(mid, str) and len(mid) <= 64)


def size_limit(kind):
    """The largest message of a command type, in bytes (UTF-8)."""
    if kind == "import":
        return LIMITS["max_import_bytes"]
    if kind == "load_csv":
        return LIMITS["max_upload_bytes"]
    return LIMITS["max_message_bytes"]


def _too_large(kind, size, mid):
    known = kind in COMMAND_TYPES
    limit = size_limit(kind) if known else LIMITS["max_import_bytes"]
    what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} message" if known else "a message"
    return ProtocolError("too_large", f"{what} of {size} bytes exceeds the limit of {limit} "
                         "bytes", "message", size, f"at most {limit} bytes",
                         kind if known else None, mid)


def parse(text):
    """A command model from a JSON text message, or ProtocolError.

    Each type has its size limit (size_limit). A message over the upload limit is refused
    before it is parsed when _sniff reads a type it is too large for, or when it is larger
    than any type allows (an import); the refusal carries the id _sniff reads, if any."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > LIMITS["max_upload_bytes"]:
        kind, mid = _sniff(text)
        if size > LIMITS["max_import_bytes"] or (kind in COMMAND_TYPES
                                                 and size > size_limit(kind)):
            raise _too_large(kind, size, mid)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as e:
        raise ProtocolError("bad_json", f"message is not valid JSON: {str(e)[:200]}", "message",
                            text[:100], "a JSON object like {\"type\": \"play\"}") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "message must be a JSON object with a type", "message",
                            data, "a JSON object like {\"type\": \"play\"}")
    kind, mid = data.get("type"), data.get("id")
    mid = mid if _valid_id(mid) else None  # an id that is not an id is not echoed
    if kind not in COMMAND_TYPES:
        raise ProtocolError("unknown_type", f"type={shown(kind)!r} is not a command; allowed: "
                            + ", ".join(COMMAND_TYPES), "type", kind,
                            "one of: " + ", ".join(COMMAND_TYPES), id=mid)
    if size > size_limit(kind):
        raise _too_large(kind, size, mid)
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
