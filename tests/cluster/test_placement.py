"""Where the relay puts sessions (app/cluster/relay.py), against fake hosts: no Ray here."""

import asyncio
from dataclasses import replace

import pytest

from app.checkpoints import Checkpoints
from app.cluster.relay import NO_SESSION, NoWorkers, Relay
from app.manager import SessionManager
from app.settings import Settings


class Dead(Exception):
    """Stands for RayActorError."""


class Method:
    def __init__(self, host, name):
        self.host, self.name = host, name

    def remote(self, *args):
        async def call():
            if self.host.dead:
                raise Dead(self.host.name)
            return getattr(self.host, self.name)(*args)
        return call()


class FakeHost:
    def __init__(self, name, sessions=0, connected=0, detached=None, tokens=(), dead=False):
        self.name, self.sessions, self.connected = name, sessions, connected
        self.detached, self.tokens, self.dead = detached, set(tokens), dead
        self.opened, self.evicted = [], 0

    def __getattr__(self, name):  # handle.<method>.remote(...)
        if name in ("load", "open", "evict"):
            return Method(self, "_" + name)
        raise AttributeError(name)

    def _load(self, token=None):
        return {"host": self.name, "pid": 1, "node": "n", "sessions": self.sessions,
                "connected": self.connected, "longest_detached": self.detached,
                "has": token in self.tokens}

    def _open(self, conn_id, token=None, run=None, resume_error=None, fork=False, locks=None):
        self.opened.append((token, run, resume_error))
        self.sessions += 1
        return {"hello": {"resumed": token is not None, "resume_error": resume_error}}

    def _evict(self):
        if self.detached is None:
            return False
        self.evicted += 1
        self.sessions -= 1
        self.detached = None
        return True


def relay_of(*hosts, max_sessions=32, saved=None):
    settings = Settings(workers=len(hosts), max_sessions=max_sessions, save=False)
    checkpoints = Checkpoints(settings)
    if saved is not None:
        checkpoints.store = True  # enabled: `load` is replaced below
        checkpoints.load = lambda token: saved.get(token)
    relay = Relay(settings, checkpoints)
    relay.hosts, relay.dead = [(h.name, h) for h in hosts], Dead
    return relay


def opened(relay, token=None, run=None):
    return asyncio.run(relay.open("c1", token, run))


def test_a_new_session_goes_to_the_least_loaded_host():
    busy, idle = FakeHost("h0", sessions=5, connected=5), FakeHost("h1", sessions=2)
    host, _ = opened(relay_of(busy, idle))
    assert host["host"] == "h1" and idle.opened == [(None, None, None)] and not busy.opened


def test_a_token_is_resumed_on_the_host_that_holds_it_however_loaded():
    holder = FakeHost("h0", sessions=9, connected=9, tokens={"tok"})
    host, _ = opened(relay_of(holder, FakeHost("h1")), "tok")
    assert host["host"] == "h0" and holder.opened == [("tok", None, None)]


def test_an_unknown_token_restores_its_saved_run_else_starts_anew():
    a, b = FakeHost("h0", sessions=1), FakeHost("h1")
    relay = relay_of(a, b, saved={"tok": {"id": "r1"}})
    host, _ = opened(relay, "tok")
    assert host["host"] == "h1" and b.opened == [("tok", {"id": "r1"}, None)]
    host, reply = opened(relay, "gone")
    assert reply["hello"]["resume_error"] == NO_SESSION and not reply["hello"]["resumed"]


def test_at_the_cap_the_longest_detached_session_makes_room():
    a = FakeHost("h0", sessions=2, connected=1, detached=30.0)
    b = FakeHost("h1", sessions=2, connected=1, detached=90.0)
    host, _ = opened(relay_of(a, b, max_sessions=4))
    assert (a.evicted, b.evicted) == (0, 1) and host["host"] == "h1"


def test_at_the_cap_with_every_client_connected_a_newcomer_is_refused_as_in_process():
    hosts = [FakeHost("h0", sessions=2, connected=2), FakeHost("h1", sessions=2, connected=2)]
    host, reason = opened(relay_of(*hosts, max_sessions=4))
    in_process = SessionManager(replace(Settings(), max_sessions=4, save=False))._full()
    assert host is None and reason == in_process


def test_a_dead_host_is_passed_over_and_no_live_host_is_an_error():
    dead, live = FakeHost("h0", dead=True), FakeHost("h1", sessions=3)
    host, _ = opened(relay_of(dead, live))
    assert host["host"] == "h1"
    with pytest.raises(NoWorkers):
        opened(relay_of(FakeHost("h0", dead=True)))


@pytest.mark.parametrize("workers", [-1, 65])
def test_workers_outside_1_to_64_are_refused_naming_the_field(workers):
    with pytest.raises(ValueError, match=r"workers=.* is not allowed: .* from 1 to 64"):
        Relay(Settings(workers=workers, save=False), None)
