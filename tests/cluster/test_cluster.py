"""Sessions on Ray workers, end to end: real nnplay processes, a real local Ray, real kill -9.

`--workers 2` runs sessions in two session hosts (app/cluster); the web process relays. The
page's protocol is the same, the engine's numbers are the same to the bit, a killed worker
costs its sessions at most their last checkpoint, and a second web process on the same Ray
finds the first one's sessions by name, and brings back from the cluster's checkpoint store
those whose host died."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app.cluster.relay import NO_SESSION
from app.runstore import RunStore
from tests.app.test_lean import PATIENT
from tests.app.test_lean import _stop_reading as stop_reading
from tests.cluster.conftest import alive, cluster_running, wait_until
from tests.e2e.client import Client
from tests.e2e.server import ROOT, running

CONFIG = {"dataset": "spiral", "hidden_layers": [8, 8], "seed": 11, "batch_size": 10,
          "learning_rate": 0.03, "optimizer": "adam"}
BAD_COMMANDS = [  # refusals must read the same as in process: the same Session checks them
    {"type": "set", "config": {"hidden_layers": [100000]}},
    {"type": "set", "config": {"activation": "nope"}},
    {"type": "speed", "steps_per_second": -3},
    {"type": "warp"},
]


async def applied(client, message):
    reply = await client.call(message, timeout=30)
    assert reply["type"] == "applied", reply
    return reply


async def trained(client, steps):
    """Set CONFIG, take `steps` steps, and export: the trainer's exact state."""
    await applied(client, {"type": "set", "config": CONFIG})
    await applied(client, {"type": "step", "n": steps})
    await client.expect("stepped", step=steps, timeout=30)
    reply = await client.call({"type": "export"}, timeout=30)
    assert reply["type"] == "state", reply
    return reply["state"]["trainer"]


async def refusals(client):
    replies = []
    for command in BAD_COMMANDS:
        reply = await client.call(command, timeout=30)
        replies.append({k: v for k, v in reply.items() if k != "id"})
    return replies


def where(server):
    """{session id: (host name, host pid)} from the cluster's /api/stats."""
    return {s["id"]: (s["host"], s["pid"]) for s in server.stats()["sessions"]}


def test_a_session_on_a_worker_is_the_in_process_engine_to_the_bit(cluster):
    async def scenario(url):
        client = await Client.open(url)
        try:
            hello = client.hello
            state = await trained(client, 150)
            refused = await refusals(client)
            # full frames, whatever a busy machine makes of this client's link (auto could
            # send lean ones from the first), then lean ones asked for
            await applied(client, {"type": "frames", "mode": "full"})
            await applied(client, {"type": "play"})
            frames = [await client.expect("frame", timeout=30)]
            while frames[0].get("lean"):  # one built before the mode changed
                frames = [await client.expect("frame", timeout=30)]
            while frames[-1]["step"] <= frames[0]["step"]:
                frames.append(await client.expect("frame", timeout=30))
            await applied(client, {"type": "frames", "mode": "lean"})
            frames.append(await client.expect("frame", timeout=30, lean=True))
            return hello, state, refused, frames
        finally:
            await client.close()

    hello, on_worker, refused_there, frames = asyncio.run(scenario(cluster.ws_url))
    with running() as embedded:
        hello_here, in_process, refused_here, _ = asyncio.run(scenario(embedded.ws_url))
    assert on_worker == in_process  # weights, optimizer state, data and RNG, to the bit
    assert refused_there == refused_here and all(r["type"] == "error" for r in refused_there)
    assert set(hello) == set(hello_here) and hello["limits"] == hello_here["limits"]
    assert frames[-2]["step"] > frames[0]["step"] >= 150  # it trains and streams frames
    assert "output" in frames[0]["arrays"] and "output" not in frames[-1]["arrays"]  # lean
    host, pid = where(cluster)[hello["session"]]
    assert host.startswith("nnplay-host-") and pid != cluster.pid  # not in the web process


def test_kill_9_of_a_worker_brings_its_session_back_from_its_last_checkpoint(cluster):
    async def scenario():
        clients = [await Client.open(cluster.ws_url) for _ in range(2)]
        placed = where(cluster)
        while placed[clients[-1].hello["session"]][0] == placed[clients[0].hello["session"]][0]:
            clients.append(await Client.open(cluster.ws_url))  # one on each host
            placed = where(cluster)
        victim, other = clients[0], clients[-1]
        for client in (victim, other):
            await applied(client, {"type": "set", "config": CONFIG})
            await applied(client, {"type": "speed", "steps_per_second": 300})
            await applied(client, {"type": "play"})
        saved = await victim.expect("saved", timeout=30)
        while saved["step"] < 100:  # well past step 0: its checkpoints follow it
            saved = await victim.expect("saved", timeout=30)
        host, pid = placed[victim.hello["session"]]
        os.kill(pid, signal.SIGKILL)
        killed = asyncio.get_running_loop().time()
        seen = []
        while (m := await victim.next(timeout=10)).get("type") != "hello":
            seen.append(m)
        hello = m
        frames = [await victim.expect("frame", timeout=10)]
        while frames[-1]["step"] <= frames[0]["step"]:
            frames.append(await victim.expect("frame", timeout=10))
        back_in = asyncio.get_running_loop().time() - killed
        # The other session: never told anything, its frames going on, on its own host.
        steps = []
        while len(steps) < 3 or steps[-1] <= steps[0]:
            m = await other.next(timeout=10)
            assert m["type"] not in ("hello", "error"), m
            if m["type"] == "frame":
                steps.append(m["step"])
        for client in clients:
            await client.close()
        return saved, seen, hello, frames, back_in, pid, placed[other.hello["session"]], \
            other.hello["session"], steps

    saved, seen, hello, frames, back_in, pid, other_host, other_id, steps = asyncio.run(
        scenario())
    assert back_in < 10.0
    assert hello["resumed"] is True and hello["resume_error"] is None
    assert hello["restored"]["step"] >= saved["step"] >= 100  # its last checkpoint, never 0
    assert all(f["step"] >= saved["step"] for f in seen + frames if f["type"] == "frame")
    assert frames[-1]["step"] > frames[0]["step"] >= hello["restored"]["step"]  # trains on
    assert hello["state"] == "running"
    now = where(cluster)
    assert now[hello["session"]][1] != pid  # on a live worker
    assert now[other_id] == other_host  # the other session: the same host, the same process
    assert steps == sorted(steps)


def test_two_web_processes_on_one_cluster_resume_each_others_sessions(head):
    """Two nnplay on a `ray start --head` cluster, each with a data folder of its own: a session
    started through one is resumed through the other (found by name on the cluster, not in a
    file), the connection that held it is closed with 4001, and a session outlives the web
    process it was started through."""
    async def both_ways(first, second):
        a = await Client.open(first.ws_url)
        a_state = await trained(a, 40)
        a_there = await Client.open(f"{second.ws_url}?resume={a.hello['resume_token']}")
        with pytest.raises(ConnectionClosed):
            while True:
                await a.next(timeout=10)
        a_exported = await a_there.call({"type": "export"}, timeout=30)
        b = await Client.open(second.ws_url)
        b_state = await trained(b, 25)
        for client in (a_there, b):
            await client.close()
        return (a.hello, a_state, a.ws.close_code, a_there.hello,
                a_exported["state"]["trainer"], b.hello, b_state)

    async def back(server, token):
        client = await Client.open(f"{server.ws_url}?resume={token}")
        exported = await client.call({"type": "export"}, timeout=30)
        await client.close()
        return client.hello, exported["state"]["trainer"]

    with cluster_running("--ray-address", head, "--workers", "2") as first:
        with cluster_running("--ray-address", head, "--workers", "2") as second:
            a, a_state, code, a_there, a_exported, b, b_state = asyncio.run(
                both_ways(first, second))
            hosts = {h["host"] for h in second.stats()["hosts"]}
        b_back, b_exported = asyncio.run(back(first, b["resume_token"]))  # second: stopped

    assert hosts == {"nnplay-host-0", "nnplay-host-1"}  # the same two hosts for both
    assert a_there["resumed"] is True and a_there["session"] == a["session"]
    assert a_there["step"] == 40 and a_exported == a_state
    assert code == 4001
    assert b_back["resumed"] is True and b_back["session"] == b["session"]
    assert b_back["step"] == 25 and b_exported == b_state


@pytest.fixture(scope="module")
def pair(head, tmp_path_factory):
    """Two web processes on the `head` cluster, each with a data folder of its own (`.folder`)."""
    folders = [tmp_path_factory.mktemp(f"web-{n}") for n in ("first", "second")]
    with cluster_running("--ray-address", head, "--workers", "2",
                         "--data-dir", str(folders[0])) as first:
        with cluster_running("--ray-address", head, "--workers", "2",
                             "--data-dir", str(folders[1])) as second:
            first.folder, second.folder = folders
            yield first, second


def listed(server, token):
    """The token's run as the page's list of its saved runs shows it through `server`, or {}."""
    # a listing waits up to relay.LISTING_SECONDS for a busy host
    runs = httpx.post(server.url + "api/runs", json={"tokens": [token]}, timeout=60).json()
    return runs["runs"][0] if runs["runs"] else {}


def stored_step(server, token):
    """The step of the token's run in `server`'s own run store (read-only), or None."""
    import sqlite3

    from app.runstore import FILENAME, token_sha256

    db = sqlite3.connect(f"file:{server.folder / FILENAME}?mode=ro", uri=True, timeout=5)
    try:
        row = db.execute("SELECT step FROM runs WHERE token_sha256=?",
                         (token_sha256(token),)).fetchone()
    except sqlite3.OperationalError:  # not created yet, or busy: asked again
        return None
    finally:
        db.close()
    return row and row[0]


def store_pid(server):
    """The pid of the cluster's checkpoint store, as `server` sees it (None: no answer)."""
    store = httpx.get(server.url + "api/cluster", timeout=30).json()["checkpoints"]
    return store and store["pid"]


def trained_and_left(server, steps):
    """A session trained `steps` steps through `server`, its client gone: its hello, once its
    run is in the cluster's store and it waits, detached, on its host (whose pid is given)."""
    async def scenario():
        client = await Client.open(server.ws_url)
        try:
            await trained(client, steps)
        finally:
            await client.close()
        return client.hello

    hello = asyncio.run(scenario())
    token = hello["resume_token"]
    seen = {}

    def detached():
        seen["listing"] = listed(server, token)
        return seen["listing"].get("connected") is False

    assert wait_until(detached, 120.0, interval=0.5), (
        f"120 s after its client left, the run is listed as {seen.get('listing')!r}")
    assert wait_until(lambda: where(server).get(hello["session"]), 120.0, interval=0.5), (
        f"120 s after its client left, no host says it holds session {hello['session']}")
    return hello, where(server)[hello["session"]][1]


def kill_9(pid):
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not alive(pid), 60.0)


async def resumed(server, token, play=True):
    """Resume `token` through `server`: its hello, and (with `play`) two frames, the second
    one steps further than the first. A `no_workers` refusal (no host answered the survey in
    time: a loaded machine, a host just killed) is asked again, as the page does after 1013."""
    deadline = time.monotonic() + 120
    while True:
        client = Client(await connect(f"{server.ws_url}?resume={token}", proxy=None,
                                      max_size=2**24, compression=None))
        client.hello = await client.next(timeout=60)
        if client.hello.get("code") != "no_workers" or time.monotonic() > deadline:
            break
        await client.close()
        await asyncio.sleep(1.0)
    try:
        frames = []
        if play:
            await applied(client, {"type": "play"})
            frames.append(await client.expect("frame", timeout=60))
            while frames[-1]["step"] <= frames[0]["step"]:
                frames.append(await client.expect("frame", timeout=60))
        return client.hello, frames
    finally:
        await client.close()


def test_a_detached_session_whose_host_died_comes_back_through_another_web_process(pair):
    """Started and trained through the first web process, its client gone, its host killed:
    the second web process, whose own run store never held it, brings it back from the
    cluster's checkpoint store."""
    first, second = pair
    hello, host_pid = trained_and_left(first, 40)
    token = hello["resume_token"]
    assert wait_until(lambda: listed(second, token).get("step") == 40, 120.0,
                      interval=0.5)  # from the store (a busy machine took over 60 s)
    assert RunStore(second.folder).load(token) is None
    kill_9(host_pid)
    back, frames = asyncio.run(resumed(second, token))
    assert back["resumed"] is True and back["resume_error"] is None
    assert back["session"] == hello["session"]
    assert back["restored"]["step"] == 40  # a paused run's checkpoint: nothing lost
    assert frames[-1]["step"] > frames[0]["step"] >= 40  # and it trains on
    assert wait_until(lambda: where(second).get(hello["session"], (0, host_pid))[1] != host_pid,
                      120.0, interval=0.5)  # on a live host


def test_without_the_checkpoint_store_a_run_comes_back_from_the_run_store_that_saved_it(pair):
    """The store stopped (SIGSTOP: it does not answer) and the session's host killed: the
    second web process cannot bring the session back (it is in no run store of its own) and
    starts a new one after the store's timeout, never hanging; the first brings it back from
    its own run store. Killed, the store comes back (empty) and answers again."""
    first, second = pair
    hello, host_pid = trained_and_left(first, 30)
    token = hello["resume_token"]
    assert wait_until(lambda: listed(second, token).get("step") == 30, 120.0,
                      interval=0.5)  # in the store (a busy machine took over 60 s once)
    # and in the first's run store, which its relay writes just after (a thread behind, under
    # load: once the store was stopped before it had)
    assert wait_until(lambda: stored_step(first, token) == 30, 120.0, interval=0.5)
    store = store_pid(first)
    assert store
    os.kill(store, signal.SIGSTOP)
    try:
        kill_9(host_pid)
        lost, _ = asyncio.run(resumed(second, token, play=False))
        back, frames = asyncio.run(resumed(first, token))
    finally:
        kill_9(store)
    assert lost["resumed"] is False and lost["resume_error"] == NO_SESSION
    assert back["resumed"] is True and back["session"] == hello["session"]
    assert back["restored"]["step"] == 30
    assert frames[-1]["step"] > frames[0]["step"] >= 30
    assert wait_until(lambda: store_pid(first) not in (None, store), 120.0, interval=1.0)


def test_the_page_lists_and_deletes_its_runs_as_on_the_default(cluster):
    """/api/runs says whether a run is open in a page from the hosts (the web process holds no
    session), and a run open in a page is not deleted."""
    def runs(token):
        return httpx.post(cluster.url + "api/runs", json={"tokens": [token]}, timeout=60).json()

    def delete(token):
        return httpx.post(cluster.url + "api/runs/delete", json={"token": token}, timeout=60)

    async def scenario():
        client = await Client.open(cluster.ws_url)
        token = client.hello["resume_token"]
        await applied(client, {"type": "step", "n": 7})
        await client.expect("saved", step=7, timeout=30)
        loop = asyncio.get_running_loop()
        listed, refused = await loop.run_in_executor(None, lambda: (runs(token), delete(token)))
        await client.close()
        return token, listed, refused

    token, listed, refused = asyncio.run(scenario())
    assert listed["saves"] is True and [r["step"] for r in listed["runs"]] == [7]
    assert listed["runs"][0]["connected"] is True and refused.status_code == 409
    assert wait_until(lambda: runs(token)["runs"][0]["connected"] is False, 10.0)
    assert delete(token).json() == {"deleted": True}
    assert runs(token)["runs"] == [] and delete(token).status_code == 404
    hello = asyncio.run(_hello(f"{cluster.ws_url}?resume={token}"))
    assert hello["resumed"] is False  # the session waiting on its host went with its run


async def _hello(url):
    client = await Client.open(url)
    await client.close()
    return client.hello


def test_a_client_that_stops_reading_gets_lean_frames_through_the_relay_too():
    """The relay measures its writes to the client and the host judges the link from them,
    as in process: the same scenario as tests/app/test_lean.py's, on a worker."""
    with cluster_running("--workers", "1", "--max-sessions", "4", env=PATIENT) as server:
        asyncio.run(stop_reading(server))


def test_the_relay_refuses_a_foreign_origin_as_the_default_does(cluster):
    async def scenario():
        client = await Client.open(cluster.ws_url, origin="http://evil.example")
        with pytest.raises(ConnectionClosed):
            await client.next()
        return client.hello, client.ws.close_code

    hello, code = asyncio.run(scenario())
    assert hello["type"] == "error" and hello["code"] == "forbidden_origin", hello
    assert code == 1008


@pytest.mark.parametrize("value", ["0", "65", "two"])
def test_workers_out_of_range_is_refused_naming_the_flag(value):
    done = subprocess.run([sys.executable, "-m", "app", "--no-browser", "--workers", value],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"argument --workers: {value!r} is not allowed" in done.stderr
    assert "from 1 to 64" in done.stderr


def test_a_ray_address_where_nothing_answers_is_said_at_once():
    with socket.socket() as probe:  # a port nothing listens on once this closes
        probe.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{probe.getsockname()[1]}"
    for value, says in ((address, f"--ray-address {address}: nothing answers there"),
                        ("head-without-port", "is not an address: give HOST:PORT")):
        done = subprocess.run([sys.executable, "-m", "app", "--no-browser", "--port", "0",
                               "--no-save", "--ray-address", value], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1 and says in done.stderr, done.stderr


def test_without_ray_installed_the_flags_say_how_to_get_it(tmp_path):
    fake = tmp_path / "ray"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError(\"No module named 'ray'\")\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "app", "--no-browser", "--port", "0",
                           "--no-save", "--workers", "2"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 1, done.stderr
    assert "pip install 'nnplay[cluster]'" in done.stderr
    assert "--workers and --ray-address run sessions on Ray" in done.stderr


def test_the_embedded_default_never_imports_ray():
    script = textwrap.dedent("""
        import sys
        from fastapi.testclient import TestClient
        from app.cli import parser
        from app.main import create_app
        from app.settings import Settings

        args = parser().parse_args(["--no-browser"])
        assert args.workers is None and args.ray_address is None
        with TestClient(create_app(Settings(save=False))) as client:
            with client.websocket_connect("/ws") as ws:
                ws.receive_json()  # hello
                ws.send_json({"type": "step", "n": 3, "id": "s"})
                while ws.receive().get("text", "").find('"stepped"') < 0:
                    pass
            assert client.get("/api/stats").json()["sessions"]
            assert client.get("/api/cluster").status_code == 404
        print("ray" in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
