"""The real server: `nnplay` in a subprocess, real sockets, the `websockets` client.

Pacing is checked as properties (never more frames than asked for, never faster than the
target speed), not as speed: timings belong to bench/server.py.
"""

import asyncio
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from app.session import LATEST_ONLY
from tests.e2e.client import Client
from tests.e2e.server import ROOT, running


@pytest.fixture(scope="module")
def server():
    with running() as s:
        yield s


def run(coro):
    return asyncio.run(coro)


def test_cli_serves_the_page_and_health(server):
    import httpx

    assert httpx.get(server.url + "healthz").json() == {"status": "ok"}
    page = httpx.get(server.url)
    assert page.status_code == 200 and "nnplay" in page.text
    assert any("serving on" in line for line in server.output)


def test_taken_port_moves_to_the_next_free_one():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with running("--port", str(port)) as s:
            assert f"port {port} is taken; using" in "".join(s.output)
            assert s.url != f"http://127.0.0.1:{port}/"


def test_non_loopback_host_warns():
    with running("--host", "0.0.0.0") as s:
        assert "WARNING" in "".join(s.output) and "anyone" in "".join(s.output)


def test_classroom_listens_on_the_network_address_and_on_loopback_and_says_so():
    import re

    import httpx

    from app.cli import network_address

    address = network_address()
    if address is None:
        pytest.skip("this machine has no network address for --classroom to listen on")
    with running("--classroom") as s:
        said = [line for line in s.output if "classroom:" in line]
        port = int(re.search(r":(\d+)/$", s.url).group(1))
        assert said == [f"nnplay: classroom: listening on the network at {address} (port "
                        f"{port}); students open http://{address}:{port}/join and type the "
                        f"class's code, or http://{address}:{port}/join/CODE\n"], s.output
        assert s.url == f"http://127.0.0.1:{port}/"  # the teacher's page: this machine
        page = httpx.get(s.url).text
        assert 'data-classroom="start"' in page
        assert f'data-join-origin="http://{address}:{port}"' in page
        join = httpx.get(f"http://{address}:{port}/join/abc234")  # as a student's computer
        assert join.status_code == 200 and 'value="ABC-234"' in join.text
        # a client arriving by the network address is not this machine: no class of its own
        r = httpx.post(f"http://{address}:{port}/api/rooms", json={"token": "x"})
        assert r.status_code == 403 and r.json()["detail"]["code"] == "local_only"


@pytest.mark.parametrize("args,message", [
    (["--port", "abc"], "argument --port: 'abc' is not a port number"),
    (["--port", "70000"], "argument --port: 70000 is not a port number (0 to 65535)"),
    (["--log-level", "loud"], "argument --log-level: invalid choice: 'loud'"),
    (["--max-sessions", "0"], "argument --max-sessions: '0' is not a whole number >= 1"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
])
def test_bad_cli_flags_are_named(args, message):
    done = subprocess.run([sys.executable, "-m", "app", "--no-browser", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert message in done.stderr


def test_frames_never_exceed_the_requested_rate(server):
    """Counted over however long 10 frames take: a loaded machine only makes them later."""
    async def scenario():
        c = await Client.open(server.ws_url)
        await c.call({"type": "fps", "fps": 5})
        await c.call({"type": "play"})
        await c.expect("frame")  # the frame `play` asked for, at once
        t0 = time.monotonic()
        for _ in range(10):
            await c.expect("frame")
        elapsed = time.monotonic() - t0
        await c.close()
        return elapsed

    elapsed = run(scenario())
    assert 10 <= 5 * elapsed + 1, f"10 frames at 5 fps came in {elapsed:.2f} s"


def test_training_never_exceeds_the_target_speed(server):
    async def scenario():
        c = await Client.open(server.ws_url)
        await c.call({"type": "speed", "steps_per_second": 40})
        await c.call({"type": "play"})
        first = await c.expect("frame")
        t0 = time.monotonic()
        while time.monotonic() - t0 < 2.0:
            last = await c.expect("frame")
        elapsed = time.monotonic() - t0
        await c.close()
        return last["step"] - first["step"], elapsed

    steps, elapsed = run(scenario())
    assert 0 < steps <= 40 * (elapsed + 0.5) + 10  # the token bucket holds at most 10 steps


def test_a_dropped_connection_resumes_exactly(server):
    async def scenario():
        c = await Client.open(server.ws_url)
        token = c.hello["resume_token"]
        await c.call({"type": "step", "n": 123})
        await c.expect("stepped")
        before = await c.call({"type": "export"})
        c.ws.transport.abort()  # no close frame: the network just went away
        await asyncio.sleep(0.3)
        d = await Client.open(server.ws_url + f"?resume={token}")
        assert d.hello["resumed"] is True and d.hello["step"] == 123
        after = await d.call({"type": "export"})
        await d.close()
        return before["state"]["trainer"], after["state"]["trainer"]

    before, after = run(scenario())
    assert before["theta"] == after["theta"] and before["progress"] == after["progress"]


def test_a_running_session_keeps_running_after_resume(server):
    async def scenario():
        c = await Client.open(server.ws_url)
        await c.call({"type": "play"})
        token = c.hello["resume_token"]
        await c.expect("frame")
        await c.close()
        d = await Client.open(server.ws_url + f"?resume={token}")
        assert d.hello["resumed"] and d.hello["state"] == "running"
        a = await d.expect("frame")
        b = await d.expect("frame", timeout=5)
        while b["step"] == a["step"]:
            b = await d.expect("frame", timeout=5)
        await d.close()
        return a["step"], b["step"]

    a, b = run(scenario())
    assert b > a


def test_foreign_origin_is_refused_with_1008(server):
    async def scenario():
        c = await Client.open(server.ws_url, origin="http://evil.example")
        assert c.hello["type"] == "error" and c.hello["code"] == "forbidden_origin"
        assert "evil.example" in c.hello["message"]
        with pytest.raises(ConnectionClosed) as closed:
            await c.next()
        return closed.value.rcvd.code

    assert run(scenario()) == 1008


def test_own_and_allowed_origins_are_accepted():
    with running("--allow-origin", "http://teacher.example") as s:
        async def scenario(origin):
            c = await Client.open(s.ws_url, origin=origin)
            kind = c.hello["type"]
            await c.close()
            return kind

        assert run(scenario(s.url.rstrip("/"))) == "hello"
        assert run(scenario("http://teacher.example")) == "hello"


def test_session_cap_refuses_the_next_with_a_reason():
    with running("--max-sessions", "2") as s:
        async def scenario():
            a = await Client.open(s.ws_url)
            b = await Client.open(s.ws_url)
            c = await Client.open(s.ws_url)
            assert c.hello["type"] == "error" and c.hello["code"] == "too_many_sessions"
            assert "limit of 2 sessions" in c.hello["message"]
            with pytest.raises(ConnectionClosed) as closed:
                await c.next()
            await a.close()
            await b.close()
            return closed.value.rcvd.code

        assert run(scenario()) == 1013


def test_a_client_that_stops_reading_does_not_grow_server_memory():
    """Frames are skipped, not queued: the server's memory stays flat while the client sleeps.

    The client stops reading until the server has skipped 100 more frames (a condition on the
    server's own counters, however long the machine takes to get there)."""
    with running() as s:
        async def scenario():
            c = await Client.open(s.ws_url, max_queue=2)
            await c.call({"type": "set", "config": {"dataset": "spiral",
                                                    "hidden_layers": [8, 8, 8, 8, 8, 8]}})
            await c.call({"type": "fps", "fps": 60})
            await c.call({"type": "play"})
            await c.expect("frame")
            start = await until(s, lambda m: m["frames_skipped"] >= 30)  # buffers are full
            rss_start = s.rss_kib()
            end = await until(s, lambda m: m["frames_skipped"] >= start["frames_skipped"] + 100)
            rss_end = s.rss_kib()
            # The client wakes up: the session is alive and still training.
            while True:
                m = await c.next()
                if m["type"] == "frame" and m["step"] > end["step"]:
                    break
            await c.close()
            return rss_start, rss_end, start, end

        rss_start, rss_end, a, b = run(scenario())
        assert b["step"] > a["step"], "training went on while the client slept"
        assert b["frames_built"] - a["frames_built"] < 20, "frames were built for nobody"
        # nothing but the newest status events waits for it (the frame rate, the last save)
        assert b["outbox"] <= len(LATEST_ONLY), b
        assert rss_end - rss_start < 8 * 1024, f"server grew by {rss_end - rss_start} KiB"


async def until(server, condition, timeout=120.0):
    """The server's one session's stats, once they satisfy `condition` (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        stats = (await asyncio.to_thread(server.stats))["sessions"][0]
        if condition(stats):
            return stats
        assert time.monotonic() < deadline, f"not reached in {timeout} s: {stats}"
        await asyncio.sleep(0.1)


def test_socket_training_is_bit_identical_to_the_trainer(server):
    from nncore import Config, Trainer
    from nncore.codec import array_from_json

    async def scenario():
        c = await Client.open(server.ws_url)
        await c.call({"type": "set", "config": {"dataset": "moons", "hidden_layers": [6, 3],
                                                "seed": 7, "optimizer": "adam",
                                                "learning_rate": 0.01}})
        await c.call({"type": "step", "n": 57})
        await c.expect("stepped")
        await c.call({"type": "set", "config": {"learning_rate": 0.003, "batch_size": 7}})
        await c.call({"type": "step", "epoch": True})
        await c.expect("stepped")
        state = await c.call({"type": "export"})
        await c.close()
        return state["state"]["trainer"]

    exported = run(scenario())
    t = Trainer(Config(dataset="moons", hidden_layers=(6, 3), seed=7, optimizer="adam",
                       learning_rate=0.01))
    t.step(57)
    t.set(learning_rate=0.003, batch_size=7)
    t.step_epoch()
    assert exported["progress"]["step"] == t.step_count
    assert np.array_equal(array_from_json(exported["theta"]), t.net.theta)


def test_oversized_message_is_an_error_not_a_disconnect(server):
    async def scenario():
        c = await Client.open(server.ws_url)
        big = await c.call({"type": "set", "config": {"noise": 0.1}, "pad": "x" * 20000})
        csv = await c.call({"type": "load_csv", "text": "0,0,0\n" * 200_000})
        ok = await c.call({"type": "step", "n": 3})
        await c.close()
        return big, csv, ok

    big, csv, ok = run(scenario())
    assert big["code"] == "too_large" and "16384" in big["message"]
    assert csv["code"] == "too_large" and "1048576" in csv["message"]
    assert ok["type"] == "applied"


def test_websocket_needs_no_http_upgrade_tricks(server):
    """A plain HTTP GET on /ws is not a websocket: it is refused, and the server lives on."""
    import httpx

    r = httpx.get(server.url + "ws")
    assert r.status_code in (400, 404, 426)
    assert httpx.get(server.url + "healthz").status_code == 200


def test_refused_handshake_is_not_a_crash(server):
    async def scenario():
        with pytest.raises(InvalidStatus):
            await Client.open(server.ws_url.replace("/ws", "/nope"))

    run(scenario())
