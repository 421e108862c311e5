"""A crash loses at most a few seconds of a run: `kill -9` of a real nnplay mid-run, a restart
on the same data folder, and the resume token brings the run back (tests/app/test_durable.py
tests the rest in process)."""

import asyncio
import contextlib
import signal

from tests.e2e.client import Client
from tests.e2e.server import running

CONFIG = {"dataset": "spiral", "hidden_layers": [8, 8], "seed": 5, "batch_size": 10,
          "learning_rate": 0.03, "optimizer": "adam"}
FAST_SAVES = {"NNPLAY_CHECKPOINT_SECONDS": "0.5"}  # while training; 5 s by default


async def crash(server, client):
    """kill -9 of the server (no shutdown, no last save), then the client's end closed."""
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    with contextlib.suppress(Exception):
        await client.close()


async def export(client):
    reply = await client.call({"type": "export"})
    assert reply["type"] == "state", reply
    return reply["state"]["trainer"]


async def call(client, message):
    reply = await client.call(message)
    assert reply["type"] == "applied", reply
    return reply


async def reopen(folder, token, *args):
    """A restarted server on the same folder, and a client back with its token: its hello,
    its export and a frame (and a later one when it trains)."""
    with running("--data-dir", str(folder), *args, env=FAST_SAVES) as server:
        client = await Client.open(f"{server.ws_url}?resume={token}")
        try:
            hello = client.hello
            frames = [await client.expect("frame", timeout=30)]
            if hello["state"] == "running":
                while frames[-1]["step"] <= frames[0]["step"]:  # it trains on
                    frames.append(await client.expect("frame", timeout=30))
            return hello, await export(client), frames
        finally:
            await client.close()


def test_kill_9_of_a_paused_run_loses_nothing(tmp_path):
    async def scenario():
        with running("--data-dir", str(tmp_path), env=FAST_SAVES) as server:
            client = await Client.open(server.ws_url)
            await call(client, {"type": "set", "config": CONFIG})
            await call(client, {"type": "step", "n": 120})
            await client.expect("stepped", step=120, timeout=30)
            await client.expect("saved", step=120, timeout=30)
            before = await export(client)
            await crash(server, client)
        return before, await reopen(tmp_path, client.hello["resume_token"])

    before, (hello, after, frames) = asyncio.run(scenario())
    assert hello["resumed"] is True and hello["state"] == "paused"
    assert hello["step"] == 120 and hello["restored"]["step"] == 120
    assert after == before  # the same weights and optimizer state, to the bit
    assert frames[0]["step"] == 120


def test_kill_9_mid_training_resumes_from_the_last_save(tmp_path):
    async def scenario():
        with running("--data-dir", str(tmp_path), env=FAST_SAVES) as server:
            client = await Client.open(server.ws_url)
            await call(client, {"type": "set", "config": CONFIG})
            await call(client, {"type": "speed", "steps_per_second": 200})
            await call(client, {"type": "play"})
            saves = [await client.expect("saved", timeout=30) for _ in range(2)]
            await crash(server, client)
        return saves, await reopen(tmp_path, client.hello["resume_token"])

    saves, (hello, _, frames) = asyncio.run(scenario())
    assert saves[1]["step"] > saves[0]["step"]  # saved again and again as it trains
    assert hello["resumed"] is True and hello["state"] == "running"
    assert hello["restored"]["step"] >= saves[1]["step"]  # the last save (one may follow)
    assert frames[0]["step"] >= hello["restored"]["step"]
    assert frames[-1]["step"] > frames[0]["step"]


def test_with_no_save_a_crash_loses_the_run(tmp_path):
    async def scenario():
        with running("--data-dir", str(tmp_path), "--no-save") as server:
            client = await Client.open(server.ws_url)
            assert client.hello["saves"] is False
            await call(client, {"type": "step", "n": 5})
            await client.expect("stepped", step=5)
            await crash(server, client)
        return await reopen(tmp_path, client.hello["resume_token"])

    hello, _, _ = asyncio.run(scenario())
    assert hello["resumed"] is False and "no session with that token" in hello["resume_error"]
