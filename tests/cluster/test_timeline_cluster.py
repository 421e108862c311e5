"""The timeline on Ray workers (`--workers 2`): viewing a past step and branching work through
the relay as in process, and the branch's original reaches the run store through the relay
(the host hands it over with a pull; app/cluster/host.py, relay.py)."""

import asyncio

import httpx
import numpy as np

from nncore import Config, Trainer
from nncore.codec import array_from_json
from nncore.timeline import capture
from tests.cluster.conftest import wait_until
from tests.cluster.test_cluster import CONFIG, applied
from tests.e2e.client import Client


async def frame_at(client, step, view=False):
    """The next frame showing `step` (a view of it, or live): the session recorded it."""
    while True:
        f = await client.expect("frame", timeout=30)
        if f["step"] == step and ("view" in f) == view:
            return f


async def stepped(client, n, to):
    await applied(client, {"type": "step", "n": n})
    await client.expect("stepped", step=to, timeout=30)
    await frame_at(client, to)


def test_view_and_branch_through_the_relay_keep_the_original_in_the_run_store(cluster):
    async def scenario():
        client = await Client.open(cluster.ws_url)
        try:
            await applied(client, {"type": "frames", "mode": "full"})
            await applied(client, {"type": "set", "config": CONFIG})
            await stepped(client, 40, 40)
            await stepped(client, 30, 70)
            viewed = await applied(client, {"type": "view_step", "step": 50})
            frame = await frame_at(client, 40, view=True)
            await applied(client, {"type": "view_end"})
            branched = await applied(client, {"type": "branch", "step": 40,
                                              "config": {"learning_rate": 0.3}})
            await stepped(client, 20, 60)
            state = (await client.call({"type": "export"}, timeout=30))["state"]
            return viewed, frame, branched, state
        finally:
            await client.close()

    viewed, frame, branched, state = asyncio.run(scenario())
    assert viewed["view"] == {"step": 40, "live_step": 70}
    then = Trainer(Config(**CONFIG))
    then.step(40)
    assert np.array_equal(frame["arrays"]["W1"], then.net.params[0].astype(np.float32))
    again = capture(then).restore()
    again.set(learning_rate=0.3)
    again.step(20)
    assert np.array_equal(array_from_json(state["trainer"]["theta"]), again.net.theta)
    token = branched["original"]["token"]

    def listed():
        return httpx.post(cluster.url + "api/runs", json={"tokens": [token]},
                          timeout=60).json()["runs"]

    runs = wait_until(listed, 60.0, interval=0.5)
    assert runs and runs[0]["step"] == 70 and "before a branch at step 40" in runs[0]["title"]
