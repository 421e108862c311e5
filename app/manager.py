"""The sessions of one server: creation under a cap, resume by token, and expiry.

A resume token is the session's key: a client that resumes while another connection still
holds the session (a network drop the server has not noticed yet, a duplicated tab) takes it
over, and the older connection is closed with 4001.

A session whose client left waits `resume_seconds` for it. It never keeps a new person out: when
the server holds `max_sessions` sessions and someone new connects, the session detached longest
is freed to make room (its token then finds nothing, like an expired one). Only when every
session has its client connected is the newcomer refused.
"""

import asyncio
import logging
import time

from .session import Session, State

log = logging.getLogger("nnplay")


class SessionManager:
    def __init__(self, settings):
        self.settings = settings
        self.sessions = {}  # resume token -> Session
        self.holders = {}  # session id -> the connection that holds it now

    def open(self, token=None):
        """(session, resumed, resume_error): the token's session if it can be resumed, else
        a new one; (None, False, reason) when the server is at its session cap."""
        self.reap()
        resume_error = None
        if token:
            session = self.sessions.get(token)
            if session is not None and session.state is State.DETACHED:
                session.attach()
                return session, True, None
            resume_error = "no session with that token (it expired or the server restarted)"
        if len(self.sessions) >= self.settings.max_sessions and not self.evict():
            return None, False, (f"the server is at its limit of {self.settings.max_sessions} "
                                 "sessions, all of them connected; close another tab or try "
                                 "again later")
        session = Session(self.settings)
        self.sessions[session.token] = session
        log.info("session %s opened (%d live)", session.id, len(self.sessions))
        return session, False, resume_error

    def hold(self, session, connection):
        self.holders[session.id] = connection

    def release(self, session, connection):
        """`connection` ended: its session waits to be resumed, unless a newer connection
        took it over meanwhile."""
        if self.holders.get(session.id) is connection:
            del self.holders[session.id]
            session.detach()

    async def take_over(self, token):
        """A client resumes with its token while a connection still holds the session (a
        dropped network the server has not noticed yet, or a second tab): the newest one wins.
        The old connection is closed with 4001 and the session detached, ready to attach."""
        session = self.sessions.get(token) if token else None
        if session is None or session.state is State.DETACHED:
            return
        holder = self.holders.get(session.id)
        if holder is not None:
            log.info("session %s: resumed by a newer connection", session.id)
            await holder.replace()
        if session.state is not State.DETACHED and session.state is not State.CLOSED:
            session.detach()  # the old connection did not finish in time: let it go anyway

    def reap(self, now=None):
        """Free sessions whose client has been gone longer than resume_seconds."""
        now = time.monotonic() if now is None else now
        for token, s in list(self.sessions.items()):
            if s.state is State.DETACHED and now - s.detached_at > self.settings.resume_seconds:
                self.free(token, "expired")

    def evict(self, now=None):
        """Free the session detached longest, to make room; False when every session has its
        client connected."""
        detached = [(s.detached_at, token) for token, s in self.sessions.items()
                    if s.state is State.DETACHED]
        if not detached:
            return False
        since, token = min(detached)
        now = time.monotonic() if now is None else now
        self.free(token, f"evicted after {now - since:.0f} s detached: the server was full")
        return True

    def free(self, token, why):
        session = self.sessions.pop(token)
        session.close()
        log.info("session %s %s", session.id, why)

    async def reap_forever(self, interval=1.0):
        while True:
            await asyncio.sleep(interval)
            self.reap()

    def close_all(self):
        for s in self.sessions.values():
            s.close()
        self.sessions.clear()

    def stats(self):
        return {"sessions": [s.stats() for s in self.sessions.values()],
                "max_sessions": self.settings.max_sessions}
