"""Attack a real nnplay (uvicorn on loopback) through `import`, as a hostile client would.

- The poisoning sequence of issue 9: a bad import, then export, resume and play. Every
  session keeps working, and none is left holding a slot in a broken state.
- A seeded fuzz that mutates valid exports (fields dropped, types swapped, non-finite and huge
  numbers, huge arrays, wrong shapes, bad values inside arrays) and imports them: every reply
  is `applied` or an `error` naming a field, the connection never closes, and after each
  refusal the session exports byte for byte what it exported before.
- The largest run the limits allow, saved and loaded back over the socket, bit for bit.
- An import too large to parse is answered with its id.

Every wait is for a condition with a timeout; nothing counts events within a sleep.
"""

import asyncio
import copy
import json
import time
from collections import Counter

import httpx
import numpy as np
import pytest

from app.limits import LIMITS
from nncore.codec import array_from_json, array_to_json
from tests.app.saved_runs import csv_at_the_limits, fullest_history, fullest_log
from tests.e2e.client import Client
from tests.e2e.server import running

TIMEOUT = 30.0
BIG = "1" + "0" * 400  # a number of hundreds of digits
# Markers replaced in the JSON text by what Python's json cannot write.
RAW = {'"__BIG__"': BIG, '"__NEG_BIG__"': "-" + BIG, '"__INF__"': "1e999",
       '"__NEG_INF__"': "-1e999"}
# The fuzz floods one session on purpose: the message and byte budgets have tests of their own.
UNTHROTTLED = {"NNPLAY_MESSAGES_PER_SECOND": "1000000", "NNPLAY_MESSAGE_BURST": "1000000",
               "NNPLAY_INBOUND_BYTES_PER_SECOND": "1000000000000",
               "NNPLAY_INBOUND_BYTES_BURST": "1000000000000"}


@pytest.fixture(scope="module")
def server():
    with running("--max-sessions", "8", env=UNTHROTTLED) as s:
        yield s


def run(coro, timeout=120.0):
    return asyncio.run(asyncio.wait_for(coro, timeout))


class Peer(Client):
    """The e2e client, with raw sends and the waits these attacks need."""

    seq = 0

    async def send_raw(self, message, mid):
        """Send a dict whose marker strings become raw JSON numbers; return its reply."""
        text = json.dumps(message)
        for marker, raw in RAW.items():
            text = text.replace(marker, raw)
        await self.ws.send(text)
        return await self.reply(mid)

    async def reply(self, mid):
        while True:
            m = await self.next(TIMEOUT)
            if m.get("id") == mid and m["type"] in ("applied", "error", "state"):
                if m["type"] == "applied":
                    self.seq = m["seq"]
                return m

    async def do(self, message):
        reply = await self.call(message, TIMEOUT)
        if reply["type"] == "applied":
            self.seq = reply["seq"]
        return reply

    async def ok(self, message):
        reply = await self.do(message)
        assert reply["type"] == "applied", reply
        return reply

    async def frame(self):
        """The first frame that reflects every command applied so far."""
        while True:
            m = await self.next(TIMEOUT)
            if m["type"] == "frame" and m["command_seq"] >= self.seq:
                return m

    async def export(self):
        reply = await self.do({"type": "export"})
        assert reply["type"] == "state", reply
        return reply["state"]

    async def settled(self):
        """The export once the chart holds the current step's point (see test_import)."""
        await self.ok({"type": "fps", "fps": self.hello["fps"]})
        await self.frame()
        return await self.export()

    async def steps(self, n):
        reply = await self.ok({"type": "step", "n": n})
        return (await self.expect("stepped", TIMEOUT, id=reply["id"]))["step"]

    async def plays(self):
        """Play until a frame shows a later step, then pause."""
        start = (await self.frame())["step"]
        await self.ok({"type": "play"})
        while True:
            m = await self.next(TIMEOUT)
            assert m["type"] != "diverged", m
            if m["type"] == "frame" and m["step"] > start:
                break
        await self.ok({"type": "pause"})


def sessions(server):
    return {s["id"]: s for s in httpx.get(server.url + "api/stats", timeout=10).json()[
        "sessions"]}


async def detached(server, session_id):
    """Wait until the server has seen the client leave."""
    deadline = time.monotonic() + TIMEOUT
    while sessions(server).get(session_id, {}).get("state") != "detached":
        assert time.monotonic() < deadline, sessions(server).get(session_id)
        await asyncio.sleep(0.02)


# -- the poisoning sequence ---------------------------------------------------------------------
def _poison(name):
    """The report's poisonous imports, each an edit of a valid export."""
    def trainer(s):
        return s["trainer"]

    edits = {
        "non-finite extent": lambda s: trainer(s)["data"].update(extent=["__NEG_INF__", 6]),
        "empty extent": lambda s: trainer(s)["data"].update(extent=[]),
        "extent of ±1e308": lambda s: trainer(s)["data"].update(extent=[-1e308, 1e308]),
        "NaN weights": lambda s: trainer(s).update(theta=array_to_json(
            array_from_json(trainer(s)["theta"]) * np.nan)),
        "diverged of the wrong type": lambda s: trainer(s).update(diverged="yes"),
        "a step of 1e30": lambda s: trainer(s)["progress"].update(step=1e30),
        "2000 classes": lambda s: trainer(s)["data"].update(n_classes=2000),
        "unknown task": lambda s: trainer(s)["data"].update(task="?"),
        "negative step": lambda s: trainer(s)["progress"].update(step=-4),
        "a learning rate of 400 digits": lambda s: trainer(s)["config"].update(
            learning_rate="__BIG__"),
        "a divergence loss of 400 digits": lambda s: trainer(s).update(diverged={
            "step": 41, "loss": "__BIG__", "what": "loss", "message": "m"}),
    }
    return edits[name]


POISONS = ["non-finite extent", "empty extent", "extent of ±1e308", "NaN weights",
           "diverged of the wrong type", "a step of 1e30", "2000 classes", "unknown task",
           "negative step", "a learning rate of 400 digits", "a divergence loss of 400 digits"]


def test_the_poisoning_sequence_leaves_every_session_working(server):
    """Bad import, export, leave, resume, play: for every poison, in turn on one server with
    room for 8 sessions. None of them breaks its session or holds a slot broken."""
    async def victim(poison, i):
        c = await Peer.open(server.ws_url)
        sid, token = c.hello["session"], c.hello["resume_token"]
        assert await c.steps(40) == 40
        before = await c.settled()
        state = copy.deepcopy(before)
        _poison(poison)(state)
        reply = await c.send_raw({"type": "import", "id": i, "state": state}, i)
        assert reply["type"] == "error" and reply["field"], (poison, reply)
        assert json.dumps(await c.export()) == json.dumps(before), poison
        await c.close()
        await detached(server, sid)
        d = await Peer.open(server.ws_url + f"?resume={token}")
        assert d.hello["resumed"] is True and d.hello["step"] == 40, (poison, d.hello)
        await d.plays()
        assert (await d.export())["trainer"]["progress"]["step"] > 40
        await d.steps(1)
        await d.close()
        await detached(server, sid)
        return sid

    async def scenario():
        ids = [await victim(poison, i) for i, poison in enumerate(POISONS)]
        # Every victim is detached and resumable, in a state that can go on; the server took
        # no session it did not give out, and gives a new one to the next client.
        held = sessions(server)
        for sid in ids:
            if sid in held:  # a full server may have made room by closing the oldest
                assert held[sid]["state"] == "detached", held[sid]
        c = await Peer.open(server.ws_url)
        await c.plays()
        await c.close()

    run(scenario())


# -- a fuzz of mutated exports ------------------------------------------------------------------
SWAPS = [None, True, False, 0, -1, 7, 2.5, -0.0, "", "x", "nan", "inf", [], {}, [1, 2],
         {"a": 1}, "__BIG__", "__NEG_BIG__", "__INF__", "__NEG_INF__", 1e308, -1e308, 2**64,
         10**30, [[]], "A" * 300]


def _nodes(tree, path=()):
    """(path, node) of every node of a JSON tree."""
    yield path, tree
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _nodes(v, (*path, i))


def _arrays(tree):
    return [p for p, node in _nodes(tree) if isinstance(node, dict)
            and set(node) == {"dtype", "shape", "data"}]


def _set(tree, path, value):
    node = tree
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _get(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def mutate(state, rng):
    """A copy of a session export with one to three seeded mutations, and what they were."""
    state = copy.deepcopy(state)
    done = []
    for _ in range(int(rng.integers(1, 4))):
        if not isinstance(state.get("trainer"), dict):
            break  # a mutation took the trainer away: nothing more to mutate in it
        kind = rng.choice(["drop", "swap", "swap", "array_value", "array_shape", "array_dtype",
                           "huge_array", "number", "diverged"])
        nodes = [(p, n) for p, n in _nodes(state["trainer"]) if p]
        if kind == "drop":
            dicts = [(p, n) for p, n in _nodes(state) if isinstance(n, dict) and n]
            path, node = dicts[rng.integers(len(dicts))]
            key = list(node)[rng.integers(len(node))]
            del node[key]
            done.append(f"drop {(*path, key)}")
        elif kind == "swap":
            path, _ = nodes[rng.integers(len(nodes))]
            value = SWAPS[rng.integers(len(SWAPS))]
            _set(state["trainer"], path, copy.deepcopy(value))
            done.append(f"swap {path} -> {str(value)[:20]}")
        elif kind == "number":
            numbers = [p for p, n in nodes if isinstance(n, (int, float))
                       and not isinstance(n, bool)]
            if numbers:
                path = numbers[rng.integers(len(numbers))]
                value = [-1, 10**6, 2**53 + 1, "__BIG__", "__INF__", 0.5, -1e-300][
                    rng.integers(7)]
                _set(state["trainer"], path, value)
                done.append(f"number {path} -> {value}")
        elif kind == "diverged":
            value = {"step": int(rng.integers(-2, 100)),
                     "loss": ["inf", "nan", "-inf", 1.5, "__BIG__", "Infinity"][rng.integers(6)],
                     "what": ["loss", "gradient", "weights"][rng.integers(3)],
                     "message": "m" * int(rng.choice([1, 3000]))}
            state["trainer"]["diverged"] = value
            done.append(f"diverged {value['step']} {value['loss']} {value['what']}")
        else:
            arrays = _arrays(state["trainer"])
            if not arrays:
                continue
            path = arrays[rng.integers(len(arrays))]
            try:
                A = array_from_json(_get(state["trainer"], path))
            except ValueError:  # already mutated beyond decoding
                continue
            if kind == "array_value" and A.size:
                flat = A.reshape(-1).copy()
                value = [np.nan, np.inf, -np.inf, 1e300, -1, 10**6, 3, 0][rng.integers(8)]
                with np.errstate(invalid="ignore", over="ignore"):
                    try:
                        flat[rng.integers(flat.size)] = value
                    except (OverflowError, ValueError):
                        continue
                A = flat.reshape(A.shape)
                done.append(f"value {path} -> {value}")
            elif kind == "array_shape":
                A = [A.reshape(-1)[:-1], A.reshape(1, -1), A.T.copy() if A.ndim == 2 else
                     np.concatenate([A.reshape(-1), A.reshape(-1)[:1]])][rng.integers(3)]
                done.append(f"shape {path} -> {A.shape}")
            elif kind == "array_dtype":
                dtype = ["float32", "int64", "bool", "float64"][rng.integers(4)]
                with np.errstate(invalid="ignore", over="ignore"):
                    A = np.nan_to_num(A).astype(dtype)
                done.append(f"dtype {path} -> {dtype}")
            else:  # huge: a header that claims a vast array, or a real one beyond the limits
                if rng.integers(2):
                    node = _get(state["trainer"], path)
                    node["shape"] = [[10**9], [2**62, 2**62], [2**31, 0], [3000, 65]][
                        rng.integers(4)]
                    done.append(f"huge header {path} -> {node['shape']}")
                    continue
                A = np.ones((2100, 2) if A.ndim == 2 else (70_000,), A.dtype)
                done.append(f"huge array {path} -> {A.shape}")
            _set(state["trainer"], path, array_to_json(A))
    return state, done


async def baseline_of(c, setup):
    """A session trained by the `setup` commands, and its settled export."""
    for message in setup:
        await c.ok(message)
    await c.steps(30)
    return await c.settled()


BASES = [
    [{"type": "set", "config": {"n_samples": 120, "optimizer": "adam", "batch_size": 8}}],
    [{"type": "set", "config": {"dataset": "plane", "output_activation": "linear",
                                "loss": "mse", "n_samples": 80, "batch_norm": True,
                                "hidden_layers": [5, 3], "momentum": 0.5}}],
    [{"type": "load_csv", "text": "a,b,c,label\n" + "\n".join(
        f"{i % 7},{i % 3},{i % 5 / 4},{i % 3}" for i in range(60))},
     {"type": "set", "config": {"output_activation": "softmax", "loss": "cross_entropy",
                                "dtype": "float32", "optimizer": "rmsprop"}}],
]
MUTATIONS = 800
DEADLINE = 30.0  # seconds: the fuzz stops early on a slow machine, after MIN_MUTATIONS
MIN_MUTATIONS = 60


def test_mutated_exports_are_refused_or_taken_and_never_break_the_session(server):
    rng = np.random.default_rng(20240917)

    async def scenario():
        c = await Peer.open(server.ws_url)
        bases = []
        for setup in BASES:
            state = await baseline_of(c, setup)
            bases.append(state)
        current = bases[-1]
        counts = {"applied": 0, "error": 0}
        fields = Counter()
        started = time.monotonic()
        done = 0
        while done < MUTATIONS and (time.monotonic() - started < DEADLINE
                                    or done < MIN_MUTATIONS):
            base = bases[rng.integers(len(bases))]
            if base is not current:  # the session holds `base`, settled
                await c.ok({"type": "import", "state": base})
                assert json.dumps(await c.settled()) == json.dumps(base)
                current = base
            mutated, what = mutate(base, rng)
            done += 1
            mid = f"m{done}"
            reply = await c.send_raw({"type": "import", "id": mid, "state": mutated}, mid)
            counts[reply["type"]] += 1
            fields[reply.get("field") if reply["type"] == "error" else "(applied)"] += 1
            if reply["type"] == "error":
                assert isinstance(reply["field"], str) and reply["field"], (what, reply)
                assert reply["message"] and reply["code"] in (
                    "invalid_value", "too_large", "bad_json"), (what, reply)
                after = await c.export()
                assert json.dumps(after) == json.dumps(base), what  # byte for byte
            else:
                assert reply["type"] == "applied", (what, reply)
                await c.frame()  # the session shows what it took, and saves it
                taken = await c.export()
                assert json.dumps(taken, allow_nan=False)
                current = None
        # The session ends training bit for bit like a fresh one given the same run.
        await c.ok({"type": "import", "state": bases[0]})
        await c.steps(25)
        mine = await c.export()
        d = await Peer.open(server.ws_url)
        await d.ok({"type": "import", "state": bases[0]})
        await d.steps(25)
        theirs = await d.export()
        assert mine["trainer"] == theirs["trainer"]
        await c.close()
        await d.close()
        return done, counts, fields

    done, counts, fields = run(scenario(), timeout=180.0)
    print(f"import fuzz: {done} mutated exports, {counts}; fields named: "
          f"{fields.most_common()}")
    assert done >= MIN_MUTATIONS and counts["error"] > done // 2


# -- every run nnplay saves, it loads, over a real socket -------------------------------------
def test_the_largest_run_saves_and_loads_back_over_the_socket(server):
    async def scenario():
        a = await Peer.open(server.ws_url)
        await a.ok({"type": "load_csv", "text": csv_at_the_limits()})
        await a.ok({"type": "set", "config": {
            "hidden_layers": [LIMITS["max_neurons_per_layer"]] * LIMITS["max_hidden_layers"],
            "batch_norm": True, "optimizer": "rmsprop", "momentum": 0.5, "batch_size": 7,
            "output_activation": "softmax", "loss": "cross_entropy"}})
        await a.steps(4)
        state = await a.export()
        await a.close()
        state["history"], state["log"] = fullest_history(), fullest_log()
        b = await Peer.open(server.ws_url)
        reply = await b.ok({"type": "import", "state": state})
        assert reply["dropped"] == [] and reply["step"] == 4
        await b.frame()
        saved = await b.export()  # as the page saves it: the whole state, then loads it
        await b.close()
        size = len(json.dumps({"type": "import", "state": saved, "id": 12}))
        assert 4 * 2**20 < size <= LIMITS["max_import_bytes"], size
        c = await Peer.open(server.ws_url)
        reply = await c.ok({"type": "import", "state": saved})
        assert reply["dropped"] == [] and reply["step"] == 4
        loaded = await c.export()
        await c.close()
        assert np.array_equal(array_from_json(loaded["trainer"]["theta"]),
                              array_from_json(saved["trainer"]["theta"]))
        assert loaded["trainer"]["progress"] == saved["trainer"]["progress"]
        assert loaded["trainer"] == saved["trainer"] and loaded["log"] == saved["log"]

    run(scenario())


def test_an_import_over_the_limit_is_answered_with_its_id(server):
    """Sent as the page sends it (id last), and larger than the import limit but not than
    the transport's: an error that names the limit, with the id, and the session goes on."""
    async def scenario():
        c = await Peer.open(server.ws_url)
        padding = "x" * (LIMITS["max_import_bytes"] + 1)
        await c.ws.send(json.dumps({"type": "import", "state": {"format": padding},
                                    "id": "big-1"}, separators=(",", ":")))
        reply = await c.reply("big-1")
        assert reply["type"] == "error" and reply["code"] == "too_large", reply
        assert reply["command"] == "import"
        assert await c.steps(2) == 2
        await c.close()

    run(scenario())


# -- item 10 (server side): after a restart, a token finds nothing, and the hello says so ------
def test_after_a_restart_an_old_token_is_told_its_session_is_gone():
    """What the page needs to keep its link's settings after a restart: a hello that did not
    resume and says why, and a new session that takes the link's settings."""
    async def first(url):
        c = await Peer.open(url)
        await c.steps(12)
        await c.close()
        return c.hello["resume_token"]

    async def second(url, token):
        c = await Peer.open(url + f"?resume={token}")
        hello = c.hello
        link = {"dataset": "xor", "hidden_layers": [6, 3], "learning_rate": 0.1}
        reply = await c.ok({"type": "set", "config": link})
        await c.close()
        return hello, reply

    with running() as before:
        url = before.ws_url
        token = run(first(url))
    port = url.rsplit(":", 1)[1].split("/")[0]
    with running("--port", port) as after:
        assert after.ws_url == url, "the port was taken in between"
        hello, reply = run(second(url, token))
    assert hello["resumed"] is False and hello["step"] == 0
    assert "no session with that token" in hello["resume_error"], hello
    assert reply["changed"]["dataset"] == "xor" and reply["rebuilt"] is True
