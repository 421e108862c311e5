"""The session cap on a real server: clients that leave cannot keep a new person out.

A session whose client left waits to be resumed, but when the server is full the one detached
longest makes room for a newcomer (its token then gets a new session, with resume_error saying
it expired). Only a cap full of connected clients refuses the next one, with 1013. The resume
window is an hour here, so no room can come from expiry.
"""

import asyncio
import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.client import Client
from tests.e2e.server import running

AN_HOUR = {"NNPLAY_RESUME_SECONDS": "3600"}


async def sessions_until(server, condition, timeout=60.0):
    """The server's sessions ({id: state}), once they satisfy `condition` (polled)."""
    deadline = time.monotonic() + timeout
    while True:
        stats = await asyncio.to_thread(server.stats)
        sessions = {s["id"]: s["state"] for s in stats["sessions"]}
        if condition(sessions):
            return sessions
        assert time.monotonic() < deadline, f"not reached in {timeout} s: {sessions}"
        await asyncio.sleep(0.05)


async def refused(client):
    """The close code of a connection the server refused (after its `error`)."""
    assert client.hello["type"] == "error", client.hello
    with pytest.raises(ConnectionClosed) as closed:
        await client.next()
    return client.hello["code"], closed.value.rcvd.code


def test_a_full_cap_of_clients_that_left_does_not_keep_a_newcomer_out():
    with running(env=AN_HOUR) as s:  # the default cap: 32
        async def scenario():
            cap = s.stats()["max_sessions"]
            tokens = []
            for _ in range(cap):  # connect and leave, as fast as a script can
                c = await Client.open(s.ws_url)
                tokens.append(c.hello["resume_token"])
                await c.close()
            await sessions_until(s, lambda ss: len(ss) == cap and
                                 all(state == "detached" for state in ss.values()))
            t0 = time.monotonic()
            newcomer = await Client.open(s.ws_url)
            waited = time.monotonic() - t0
            assert newcomer.hello["type"] == "hello", newcomer.hello
            after = await sessions_until(s, lambda ss: newcomer.hello["session"] in ss)
            assert len(after) == cap
            # The first to leave made room: its token finds nothing; the second's still resumes.
            late = await Client.open(s.ws_url + f"?resume={tokens[0]}")
            assert late.hello["resumed"] is False and "expired" in late.hello["resume_error"]
            back = await Client.open(s.ws_url + f"?resume={tokens[2]}")
            assert back.hello["resumed"] is True
            for c in (newcomer, late, back):
                await c.close()
            return waited

        assert asyncio.run(scenario()) < 10, "the newcomer waited for a slot"


def test_a_cap_full_of_connected_clients_refuses_the_next_with_1013():
    with running("--max-sessions", "3", env=AN_HOUR) as s:
        async def scenario():
            a, b, c = [await Client.open(s.ws_url) for _ in range(3)]
            assert await refused(await Client.open(s.ws_url)) == ("too_many_sessions", 1013)
            await c.close()  # one leaves: its place goes to the next newcomer
            await sessions_until(s, lambda ss: ss[c.hello["session"]] == "detached")
            d = await Client.open(s.ws_url)
            assert d.hello["type"] == "hello"
            # a, b and d are connected: nobody can be evicted, not even with c's old token
            e = await Client.open(s.ws_url + f"?resume={c.hello['resume_token']}")
            assert await refused(e) == ("too_many_sessions", 1013)
            assert "all of them connected" in e.hello["message"]
            stats = await sessions_until(s, lambda ss: len(ss) == 3)
            assert set(stats) == {a.hello["session"], b.hello["session"], d.hello["session"]}
            for x in (a, b, d):
                await x.close()

        asyncio.run(scenario())
