"""The cluster's checkpoint store (app/cluster/store.py) and the relay's use of it, against an
in-process store behind a fake actor handle: no Ray here (test_cluster.py runs the real one)."""

import asyncio
import logging

import pytest

from app.checkpoints import Checkpoints
from app.cluster import store as store_module
from app.cluster.relay import Relay
from app.cluster.store import CheckpointStore, SharedCheckpoints, row_of
from app.runstore import encode, token_sha256
from app.settings import Settings

RUN = {"export": {"config": {}}, "state": "paused", "title": "spiral · 2-8-1 tanh",
       "dataset": "spiral", "step": 7, "revision": 3, "record": {"schedule": [], "note": None}}


class Dead(Exception):
    """Stands for RayActorError."""


class Handle:
    """An actor handle on an in-process CheckpointStore: handle.<method>.remote(...) is a
    coroutine, as awaiting an ObjectRef is. `hang` makes every call wait for ever, `dead`
    raise Dead."""

    def __init__(self, store):
        self.store, self.hang, self.dead, self.calls = store, False, False, []

    def __getattr__(self, method):
        handle = self

        class Method:
            @staticmethod
            def remote(*args):
                async def call():
                    handle.calls.append(method)
                    if handle.dead:
                        raise Dead(method)
                    if handle.hang:
                        await asyncio.Event().wait()
                    return getattr(handle.store, method)(*args)
                return call()
        return Method


def row(step, size=10, session_id="s1", updated=1000.0):
    return {"id": session_id, "title": "t", "dataset": "spiral", "step": step,
            "state": "paused", "updated": updated, "body": b"x" * size}


@pytest.fixture
def quick(monkeypatch):
    """Timeouts of a tenth of what they are, so that a store that hangs is a short test."""
    monkeypatch.setattr(store_module, "STORE_SECONDS", 0.3)
    monkeypatch.setattr(store_module, "RETRY_SECONDS", 1.0)


def test_the_store_keeps_the_newest_of_each_run_and_the_oldest_go_past_its_bound():
    store = CheckpointStore(max_bytes=100)
    assert store.put("a", row(1, 40)) and store.put("b", row(1, 40))
    assert store.put("a", row(2, 40))  # a is now the newest put, b the oldest
    assert store.put("c", row(1, 40))  # 120 bytes would not fit: b goes
    assert store.get("b") is None and store.get("a")["step"] == 2 and store.get("c")
    assert (store.bytes, store.evicted) == (80, 1)
    assert store.put("d", row(1, 101)) is False  # larger than the whole store: not kept ...
    assert store.get("d") is None and store.get("a") and store.get("c")  # ... and no one evicted
    assert store.put("a", row(3, 101)) is False and store.get("a") is None  # never an older a
    assert store.summaries(["c", "zz"]) == {"c": {**{k: v for k, v in row(1).items()
                                                      if k != "body"},
                                                  "size": 40, "created": store.get("c")["created"]}}
    assert store.forget("c") and not store.forget("c") and store.bytes == 0
    info = store.info()
    assert (info["runs"], info["bytes"], info["evicted"], info["refused"]) == (0, 0, 1, 2)


def test_a_checkpoint_put_is_found_by_its_token_as_the_run_store_gives_it():
    async def scenario():
        shared = SharedCheckpoints(Handle(CheckpointStore(10**6)))
        body = encode(RUN)
        shared.put("tok", row_of("s1", RUN, body, 1234.5))
        waiting = await shared.load("tok")  # not put yet: found all the same
        await shared.close(5.0)
        return shared, waiting, await shared.load("tok"), await shared.summaries(["tok", "x"])

    shared, waiting, loaded, listed = asyncio.run(scenario())
    assert waiting == loaded == {"id": "s1", "updated": 1234.5, **RUN}
    assert list(listed) == ["tok"] and listed["tok"]["step"] == 7
    assert token_sha256("tok") in shared.handle.store.rows  # the token itself is not kept


def test_only_the_newest_checkpoint_of_a_run_waits_to_be_put():
    async def scenario():
        handle = Handle(CheckpointStore(10**6))
        handle.hang = True
        shared = SharedCheckpoints(handle)
        for step in range(1, 6):
            shared.put("tok", row(step))
        shared.put("other", row(1))
        await asyncio.sleep(0)  # the writer takes the first
        waiting = {key: r["step"] for key, r in shared.pending.items()}
        handle.hang = False
        shared.writer.cancel()
        shared.writer = None
        shared.put("tok", row(9))
        await shared.close(5.0)
        return waiting, handle.store

    waiting, store = asyncio.run(scenario())
    assert waiting == {token_sha256("tok"): 5, token_sha256("other"): 1}
    assert store.get(token_sha256("tok"))["step"] == 9 and store.get(token_sha256("other"))


def test_a_store_that_does_not_answer_costs_one_timeout_then_is_left_alone(quick, caplog):
    async def scenario():
        handle = Handle(CheckpointStore(10**6))
        handle.store.put(token_sha256("other"), row_of("s0", RUN, encode(RUN), 5.0))
        handle.hang = True
        shared = SharedCheckpoints(handle)
        loop = asyncio.get_running_loop()
        started = loop.time()
        first = await shared.load("other")
        took = loop.time() - started
        newer = {**RUN, "step": 8}
        shared.put("tok", row_of("s1", newer, encode(newer), 6.0))  # waits for the store
        then = (await shared.load("other"), await shared.summaries(["other"]),
                await shared.info(), await shared.load("tok"))
        calls = list(handle.calls)
        handle.hang = False  # it answers again: what waited is put at the next try
        await shared.close(5.0)
        return first, took, then, calls, await shared.load("other"), handle.store

    with caplog.at_level(logging.WARNING, logger="nnplay"):
        first, took, then, calls, back, store = asyncio.run(scenario())
    assert first is None and 0.3 <= took < 3.0
    assert then[:3] == (None, {}, None) and calls == ["get"]  # asked once, not four times
    assert then[3]["step"] == 8  # what waits to be put is found all the same
    says = [r.getMessage() for r in caplog.records]
    assert sum("does not answer (TimeoutError)" in m for m in says) == 1
    assert "the cluster's checkpoint store answers again" in says
    assert back == {"id": "s0", "updated": 5.0, **RUN}
    assert store.get(token_sha256("tok"))["step"] == 8


def test_past_their_bound_the_oldest_checkpoints_waiting_for_the_store_are_dropped(monkeypatch):
    monkeypatch.setattr(store_module, "PENDING_BYTES", 25)

    async def scenario():
        handle = Handle(CheckpointStore(10**6))
        handle.hang = True  # the writer waits on its first put: the others wait their turn
        shared = SharedCheckpoints(handle)
        for token in ("a", "b", "c"):
            shared.put(token, row(1, size=10))
        shared.put("b", row(2, size=10))  # b's newest: now the newest waiting
        shared.writer.cancel()
        return shared

    shared = asyncio.run(scenario())
    assert [r["step"] for r in shared.pending.values()] == [1, 2]
    assert shared.pending_bytes == 20 and shared.dropped == 1
    assert token_sha256("a") not in shared.pending  # the oldest went


def test_a_dead_store_is_found_or_made_again_when_next_asked(quick):
    async def scenario():
        old, new = Handle(CheckpointStore(10**6)), Handle(CheckpointStore(10**6))
        old.dead = True
        new.store.put(token_sha256("tok"), row_of("s1", RUN, encode(RUN), 99.0))
        shared = SharedCheckpoints(old, make=lambda: new, dead=[Dead])
        first = await shared.load("tok")
        dropped = shared.handle is None
        shared.quiet_until = 0.0
        return first, dropped, await shared.load("tok"), shared.handle is new

    first, dropped, second, remade = asyncio.run(scenario())
    assert first is None and dropped and remade
    assert second == {"id": "s1", "updated": 99.0, **RUN}


def test_without_ray_the_relay_finds_its_saved_runs_in_its_run_store_alone():
    shared = SharedCheckpoints()
    assert asyncio.run(shared.load("tok")) is None and not shared.present
    shared.put("tok", row(1))  # no loop needed: nothing is put
    assert shared.pending == {}


@pytest.mark.parametrize("newer", ["cluster", "local"])
def test_the_relay_restores_the_newer_of_the_clusters_store_and_its_run_store(newer):
    settings = Settings(workers=1, save=False)
    checkpoints = Checkpoints(settings)
    local = {"id": "s1", "updated": 2000.0 if newer == "local" else 1000.0, **RUN, "step": 5}
    checkpoints.load = lambda token: local if token == "tok" else None
    relay = Relay(settings, checkpoints)
    handle = Handle(CheckpointStore(10**6))
    cluster_run = {**RUN, "step": 9}
    handle.store.put(token_sha256("tok"), row_of(
        "s1", cluster_run, encode(cluster_run), 2000.0 if newer == "cluster" else 1000.0))
    relay.shared = SharedCheckpoints(handle)
    run = asyncio.run(relay.saved_run("tok"))
    assert run["step"] == (9 if newer == "cluster" else 5)
    assert asyncio.run(relay.saved_run("nope")) is None
