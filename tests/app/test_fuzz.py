"""Fuzz one websocket session with thousands of malformed and hostile messages.

Hypothesis draws batches of messages: random text and bytes, JSON of random structures with
huge numbers, commands with wrong-typed and unknown fields, NaN and Infinity written as text,
deep nesting, oversize messages, and `set` with random fields and values. All of them go to
ONE session, which must answer every message with exactly one reply (an `error`, or an
`applied`/`state` when a random message happens to be valid), never close the connection, and
still train bit for bit like the engine afterwards.
"""

import json
import time
from collections import Counter

import numpy as np
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from app import protocol, schema
from app.main import create_app
from app.settings import Settings
from nncore import Config, Trainer
from nncore.codec import array_from_json
from tests.app.wire import Wire
from app.protocol import REPLY_TYPES

EXAMPLES = 150
BATCH = (20, 30)  # messages per example: at least 150 * 20 = 3000 in all
MIN_MESSAGES = 3000
FLOOD = {"messages_per_second": 1e6, "message_burst": 10**6,  # the fuzz is a flood by design:
         "inbound_bytes_per_second": 1e12, "inbound_bytes_burst": 10**12}  # let it through
REPLIES = ("error", "applied", "state", "explanation", "code")
SKIPPED = ("frame", "data", "network", "stepped", "diverged", "saved")

FIELDS = {c.model_fields["type"].annotation.__args__[0]:
          [f for f in c.model_fields if f not in ("type", "id")] for c in protocol.COMMANDS}
SMALL_TYPES = [t for t in protocol.COMMAND_TYPES if t not in protocol.UPLOAD_TYPES]

# -- strategies -------------------------------------------------------------------------------
hostile_scalars = st.sampled_from([
    10**100, -10**100, 2**53 + 1, 2**63, -(2**63) - 1, 10**4000, 1e308, -1e308, 5e-324, 0, -1,
    1, 2, 0.5, -0.0, True, False, None, "", "5", "1e3", "NaN", "Infinity", "max", "\x00",
    "\ud800", "<script>", "x" * 200, "../../etc/passwd"])
scalars = (hostile_scalars | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=20) | st.booleans() | st.none())
json_values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)
choices = st.sampled_from([c for f in schema.FIELDS for c in f.choices])
config_values = json_values | choices | st.lists(st.integers(-2, 40), max_size=10) | st.lists(
    choices, max_size=4)


def text(label, strategy):
    return strategy.map(lambda t: (label, t))


def command(label, strategy):
    """A JSON command: (label, dict); the fuzz loop gives it an id."""
    return strategy.map(lambda d: (label, d))


raw_text = text("text", st.text(max_size=300))
raw_bytes = st.binary(max_size=300).map(lambda b: ("bytes", b))
command_bytes = st.sampled_from(protocol.COMMAND_TYPES).map(
    lambda t: ("bytes", json.dumps({"type": t}).encode()))
random_json = text("json", json_values.map(json.dumps))
typed_random = command("typed", st.builds(
    lambda t, extra: {**extra, "type": t}, st.sampled_from(protocol.COMMAND_TYPES),
    st.dictionaries(st.text(max_size=10), json_values, min_size=1, max_size=4)))


@st.composite
def wrong_fields(draw):
    kind = draw(st.sampled_from([t for t in protocol.COMMAND_TYPES if FIELDS[t]]))
    names = draw(st.lists(st.sampled_from(FIELDS[kind]), min_size=1, unique=True))
    return {"type": kind, **{name: draw(json_values) for name in names}}


@st.composite
def random_set(draw):
    names = st.sampled_from([f.name for f in schema.FIELDS]) | st.text(max_size=12)
    return {"type": "set", "config": draw(st.dictionaries(names, config_values, max_size=4))}


NON_JSON_NUMBERS = ["NaN", "Infinity", "-Infinity", "nan", "inf", "+1", ".5", "01", "0x10",
                    "1e999", "-1e999", "1_000"]
TEMPLATES = ['{"type": "set", "config": {"learning_rate": %s}}',
             '{"type": "speed", "steps_per_second": %s}', '{"type": "step", "n": %s}',
             '{"type": "set_weight", "layer": 1, "source": 0, "target": 0, "value": %s}',
             '{"type": "add_point", "x": [%s, 0], "label": 1}',
             '{"type": "fps", "fps": %s, "id": %s}', '{"type": "pause", "id": %s}', '%s']
non_json_numbers = st.builds(lambda t, v: ("non_json", t.replace("%s", v)),
                             st.sampled_from(TEMPLATES), st.sampled_from(NON_JSON_NUMBERS))


@st.composite
def deep(draw):
    depth = draw(st.integers(1, 3000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    nested = opener * depth + "0" + closer * depth
    where = draw(st.sampled_from(['%s', '{"type": "set", "config": {"hidden_layers": %s}}',
                                  '{"type": "step", "n": %s}', '{"type": "import", "state": %s}']))
    return "deep", where.replace("%s", nested)


oversize = st.builds(lambda t, n: ("oversize", {"type": t, "padding": "x" * n}),
                     st.sampled_from(SMALL_TYPES), st.integers(16 * 1024 + 1, 40 * 1024))
oversize_text = st.integers(16 * 1024 + 1, 40 * 1024).map(lambda n: ("text", "{" * n))
hostile_ids = command("hostile_id", st.builds(lambda i: {"type": "pause", "id": i}, json_values))
# Over the upload (load_csv) and import limits: some batches end with one (not all: they are
# slow to send).
HUGE_UPLOADS = ['{"type": "load_csv", "text": "%s"}' % ("1,2,0\\n" * 200_000),
                '{"type": "import", "state": {"format": "%s"}}'
                % ("x" * protocol.LIMITS["max_import_bytes"])]

message = st.one_of(raw_text, raw_bytes, command_bytes, random_json, typed_random,
                    command("wrong", wrong_fields()), command("set", random_set()),
                    non_json_numbers, deep(), oversize, oversize_text, hostile_ids)
batches = st.tuples(st.lists(message, min_size=BATCH[0], max_size=BATCH[1]),
                    st.integers(0, 19))

# Codes that a message of a label must get, when there is only one right answer.
EXPECTED_CODE = {"bytes": "binary_not_allowed", "oversize": "too_large", "huge": "too_large"}


# -- the fuzz ---------------------------------------------------------------------------------
class Fuzzer:
    def __init__(self, wire):
        self.wire = wire
        self.next_id = 0
        self.sent = 0
        self.codes = Counter()  # reply code (or applied/state) per label
        self.applied = []  # messages that happened to be valid

    def send(self, label, payload):
        """Send one message; what its reply must carry: (label, id or None, payload)."""
        if label == "bytes":
            self.wire.ws.send_bytes(payload)
            return label, None, payload
        if isinstance(payload, dict):
            if label != "hostile_id":
                self.next_id += 1
                payload = {**payload, "id": self.next_id}
            self.wire.send(json.dumps(payload))
            return label, payload.get("id") if label != "hostile_id" else None, payload
        self.wire.send(payload)
        return label, None, payload

    def reply(self):
        """The next reply, skipping frames, data and network messages and step events."""
        while True:
            m = self.wire.next()
            assert m["type"] != "hello"
            if m["type"] in REPLIES:
                return m
            assert m["type"] in SKIPPED, m

    def batch(self, messages):
        expected = [self.send(label, payload) for label, payload in messages]
        self.sent += len(expected)
        valid_before = len(self.applied)
        for label, mid, payload in expected:
            r = self.reply()
            shown = repr(payload)[:300]
            if r["type"] == "error":
                assert r["code"] != "internal_error", (r, shown)
                assert r["code"] != "rate_limited", r
                assert isinstance(r["message"], str) and r["message"], (r, shown)
                assert EXPECTED_CODE.get(label, r["code"]) == r["code"], (r, shown)
                if label == "non_json" and any(w in payload for w in ("NaN", "Infinity")):
                    assert r["code"] == "bad_json", (r, shown)
                self.codes[label, r["code"]] += 1
            else:
                assert label not in EXPECTED_CODE and label != "non_json", (r, shown)
                assert isinstance(payload, dict), (r, shown)
                assert r["type"] == ("state" if payload["type"] == "export" else "applied")
                if r["type"] == "applied":
                    assert r["command"] == payload["type"], (r, shown)
                self.codes[label, r["type"]] += 1
                self.applied.append(payload)
            if mid is not None and r.get("code") != "bad_json":
                assert r["id"] == mid, (r, shown)
        if any(m["type"] == "play" for m in self.applied[valid_before:]):
            self.pause()  # a session training flat out would slow the fuzz down tenfold

    def pause(self):
        self.next_id += 1
        self.wire.send({"type": "pause", "id": self.next_id})
        r = self.reply()
        assert r["type"] == "applied" and r["id"] == self.next_id, r


KNOWN = {**Config().to_dict(), "dataset": "moons", "noise": 0.1, "hidden_layers": [6, 3],
         "seed": 11, "batch_size": 8, "optimizer": "adam", "learning_rate": 0.01}


def test_fuzz_one_session_with_hostile_messages(capsys, caplog):
    """In process, through Starlette's TestClient (tests/e2e/test_attack_fuzz.py runs the same
    fuzz against a real nnplay over a real socket)."""
    app = create_app(Settings(open_browser=False, **FLOOD))
    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        fuzzer = run_fuzz(Wire(ws), capsys)
        assert len(client.get("/api/stats").json()["sessions"]) == 1  # the same session
        still_trains_like_the_engine(fuzzer)
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text[:2000]


def run_fuzz(wire, capsys):
    """Send every drawn batch to the session behind `wire`; the Fuzzer, with its counts."""
    start = time.monotonic()
    fuzzer = Fuzzer(wire)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
              suppress_health_check=list(HealthCheck))
    @given(batches)
    def fuzz(drawn):
        messages, k = drawn
        if k < len(HUGE_UPLOADS):
            messages = [*messages, ("huge", HUGE_UPLOADS[k])]
        fuzzer.batch(messages)

    fuzz()  # a ConnectionError here means the server closed the session: a crash
    elapsed = time.monotonic() - start
    assert fuzzer.sent >= MIN_MESSAGES, fuzzer.sent
    errors = sum(n for (_, code), n in fuzzer.codes.items() if code not in REPLIES)
    assert errors + len(fuzzer.applied) == fuzzer.sent
    assert errors >= 0.9 * fuzzer.sent
    types = sorted(Counter(m["type"] for m in fuzzer.applied).items())
    with capsys.disabled():
        print(f"\nfuzz: {fuzzer.sent} messages in {elapsed:.1f} s, {errors} errors, "
              f"{len(fuzzer.applied)} valid by chance: {types}\n"
              f"replies by message kind: {sorted(fuzzer.codes.items())}")
    return fuzzer


def still_trains_like_the_engine(fuzzer):
    """After the fuzz: a known config trains exactly as nncore does it directly."""
    wire = fuzzer.wire

    def call(message):
        fuzzer.next_id += 1
        wire.send({**message, "id": fuzzer.next_id})
        r = fuzzer.reply()
        assert r["id"] == fuzzer.next_id and r["type"] in REPLY_TYPES, r
        return r

    for message in ({"type": "pause"}, {"type": "fps", "fps": 30},
                    {"type": "speed", "steps_per_second": "max"},
                    {"type": "select_sample", "index": None}, {"type": "set", "config": KNOWN},
                    {"type": "reset"}):
        call(message)
    for done in (100, 200):
        r = call({"type": "step", "n": 100})
        assert r["step"] == done - 100
        assert wire.expect("stepped", id=r["id"])["step"] == done
        f = wire.frame(step=done)
        assert f["state"] == "paused"
        assert all(np.isfinite(v) for k, v in f["metrics"].items()), f["metrics"]
    state = call({"type": "export"})["state"]["trainer"]
    tr = Trainer(Config(**KNOWN))
    tr.step(100)
    tr.step(100)
    assert state["progress"]["step"] == 200
    assert np.array_equal(array_from_json(state["theta"]), tr.net.theta)
