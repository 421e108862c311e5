"""Attacks on a real nnplay's fairness: dead readers, heavy sessions, floods.

Each test waits for conditions on the server's own counters (GET /api/stats), with generous
deadlines, so a loaded machine makes them slower, never wrong. The speed figures (how much of
their training quiet sessions keep under a flood, command latency percentiles) are measured
in bench/server.py."""

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from tests.e2e.client import Client
from tests.e2e.server import running

LARGEST = {"dataset": "spiral", "hidden_layers": [32] * 8, "n_samples": 2000,
           "train_ratio": 1.0, "batch_size": 2000,
           "features": ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]}


def run(coro):
    return asyncio.run(coro)


async def stats(server):
    return await asyncio.to_thread(server.stats)


async def until(server, condition, timeout=120.0, what="the condition"):
    """The server's stats once `condition(stats)` holds (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        s = await stats(server)
        if condition(s):
            return s
        assert time.monotonic() < deadline, f"{what} not reached in {timeout} s: {s}"
        await asyncio.sleep(0.1)


def by_id(s):
    return {x["id"]: x for x in s["sessions"]}


def test_a_dead_reader_is_detached_and_its_token_takes_the_session_back():
    """A client that stops taking data (here: its socket is never read again, so the server's
    writes stall as with a dead TCP peer) is detached within the write timeout, and its resume
    token gets the session back, training where it was."""
    with running(env={"NNPLAY_WRITE_TIMEOUT": "2"}) as server:
        async def scenario():
            c = await Client.open(server.ws_url, max_queue=1)
            token, sid = c.hello["resume_token"], c.hello["session"]
            await c.call({"type": "set", "config": {"dataset": "spiral",
                                                    "hidden_layers": [8] * 6}})
            await c.call({"type": "fps", "fps": 60})
            await c.call({"type": "play"})
            # From here the client reads nothing: its library stops reading the socket.
            s = await until(server, lambda s: by_id(s)[sid]["state"] == "detached",
                            what="the dead reader's session detached")
            step = by_id(s)[sid]["step"]
            d = await Client.open(server.ws_url + f"?resume={token}")
            assert d.hello["resumed"] is True and d.hello["session"] == sid
            assert d.hello["step"] >= step and d.hello["state"] == "running"
            await d.close()
            c.ws.transport.abort()

        run(scenario())


@pytest.mark.slow
def test_thirty_two_sessions_at_the_largest_configuration_all_progress_and_answer():
    """Every session makes progress and answers commands while all of them train the largest
    network the limits allow with the finest maps at 60 frames a second: frames slow down
    (and the page is told), training goes on, nobody is starved."""
    n = 32
    with running("--max-sessions", str(n)) as server:
        async def scenario():
            clients = [await Client.open(server.ws_url) for _ in range(n)]
            for c in clients:
                assert (await c.call({"type": "set", "config": LARGEST}))["type"] == "applied"
                await c.call({"type": "density", "neuron": 64, "output": 200})
                await c.call({"type": "fps", "fps": 60})
            readers = [asyncio.create_task(drain(c)) for c in clients]
            for c in clients:
                await c.send({"type": "play", "id": "go"})
            start = {x["id"]: x["step"] for x in (await stats(server))["sessions"]}
            await until(server, lambda s: all(x["step"] > start[x["id"]] + 2
                                              for x in s["sessions"]),
                        what="every session training")
            for c in clients:
                c.draining = False
            for r in readers:
                r.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
            for c in clients:  # each still answers a command
                reply = await c.call({"type": "fps", "fps": 30}, timeout=30.0)
                assert reply["type"] == "applied"
            limited = [c for c in clients if c.saw_limit]
            for c in clients:
                await c.close()
            return len(limited)

        assert run(scenario()) > 0, "no session was told its frames were limited"


async def drain(client):
    """Read everything (as a page does), remembering whether frames were limited, until the
    test says stop. (Cancelling is not enough on Python 3.11: asyncio.wait_for, inside
    client.next, can swallow a cancellation that comes as a message arrives, and this loop
    would then read on for ever.)"""
    client.saw_limit = False
    client.draining = True
    try:
        while client.draining:
            m = await client.next(timeout=60.0)
            if m["type"] == "frame_rate" and m["limited"]:
                client.saw_limit = True
    except asyncio.CancelledError:
        pass


def test_a_flood_is_held_to_the_byte_budget():
    """A client sending 16 KiB messages as fast as it can is read no faster than its byte
    budget: the rest waits in its own socket. Checked as an upper bound on what the server
    has read, so a slow machine only reads less."""
    env = {"NNPLAY_INBOUND_BYTES_PER_SECOND": "65536", "NNPLAY_INBOUND_BYTES_BURST": "262144"}
    with running(env=env) as server:
        async def scenario():
            async with connect(server.ws_url, proxy=None, max_size=2**24) as ws:
                hello = json.loads(await ws.recv())
                padding = "x" * (16 * 1024)
                message = json.dumps({"type": "pause", "pad": padding})
                t0 = time.monotonic()
                for _ in range(32):  # 512 KiB
                    await ws.send(message)
                s = await until(server, lambda s: by_id(s)[hello["session"]]["bytes_in"] > 0)
                elapsed = time.monotonic() - t0
                read = by_id(s)[hello["session"]]["bytes_in"]
                assert read <= 262144 + 65536 * (elapsed + 1) + 17 * 1024, (read, elapsed)
                # and every message is answered in the end
                answered = 0
                while answered < 32:
                    m = await asyncio.wait_for(ws.recv(), 60)
                    answered += isinstance(m, str) and json.loads(m)["type"] == "error"
                s = await stats(server)
                assert by_id(s)[hello["session"]]["bytes_in"] >= 32 * 16 * 1024

        run(scenario())


def test_a_resume_while_still_connected_takes_the_session_over():
    """The token is the session's key: a second connection with it (a network drop the server
    has not noticed, a duplicated tab) takes the session over at once, the older connection is
    closed with 4001, and no retry ever makes another session."""
    from websockets.exceptions import ConnectionClosed

    with running() as server:
        async def scenario():
            a = await Client.open(server.ws_url)
            token, sid = a.hello["resume_token"], a.hello["session"]
            await a.call({"type": "step", "n": 7})
            await a.expect("stepped")
            for _ in range(3):
                b = await Client.open(server.ws_url + f"?resume={token}")
                assert b.hello["resumed"] is True and b.hello["session"] == sid, b.hello
                assert b.hello["step"] == 7
                try:
                    while True:
                        await a.next(timeout=10)
                except ConnectionClosed as e:
                    assert e.rcvd is not None and e.rcvd.code == 4001, e
                a = b
            s = await stats(server)
            assert [x["id"] for x in s["sessions"]] == [sid]
            assert (await a.call({"type": "step", "n": 1}))["type"] == "applied"
            await a.close()

        run(scenario())


def test_no_message_from_a_real_server_carries_nan_or_infinity():
    """A run driven to divergence, and a CSV of numbers near float32's limit: every text
    message parses as strict JSON and every float array is finite; the page is told what was
    not finite (`non_finite`) instead."""
    import numpy as np

    def strict(text):
        def refuse(name):
            raise AssertionError(f"{name} on the wire: {text[:200]}")
        return json.loads(text, parse_constant=refuse)

    with running() as server:
        async def scenario():
            seen, flagged = 0, set()
            async with connect(server.ws_url, proxy=None, max_size=2**24) as ws:
                async def until(kind):
                    nonlocal seen
                    while True:
                        m = await asyncio.wait_for(ws.recv(), 60)
                        seen += 1
                        if isinstance(m, str):
                            message = strict(m)
                        else:
                            from app import frames
                            message, arrays = frames.unpack(m)
                            for name, A in arrays.items():
                                assert A.dtype.kind != "f" or np.isfinite(A).all(), name
                            flagged.update(message.get("non_finite", []))
                        if message["type"] == kind:
                            return message

                await until("hello")
                await ws.send(json.dumps({"type": "set", "config": {
                    "learning_rate": 10.0, "hidden_layers": [32, 32], "activation": "relu",
                    "output_activation": "linear", "loss": "mse", "dataset": "plane"}}))
                await ws.send(json.dumps({"type": "play"}))
                diverged = await until("diverged")
                assert diverged["loss"] in ("nan", "inf", "-inf") or isinstance(
                    diverged["loss"], float)
                await until("frame")
                await ws.send(json.dumps({"type": "export", "id": "e"}))
                await until("state")
                await ws.send(json.dumps({"type": "load_csv", "id": "c", "text":
                                          "a,b,label\n1e38,2,0\n3.4e38,-1e300,1\n1,1,0\n"}))
                await until("applied")
                await ws.send(json.dumps({"type": "play"}))
                await until("frame")
            return seen, flagged

        seen, flagged = run(scenario())
        assert seen > 5 and "grad_norms" in flagged, (seen, flagged)
