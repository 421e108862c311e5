"""The sessions of one server: creation under a cap, resume by token, and expiry.

A resume token is the session's key: a client that resumes while another connection still
holds the session (a network drop the server has not noticed yet, a duplicated tab) takes it
over, and the older connection is closed with 4001.

A session whose client left waits `resume_seconds` for it. It never keeps a new person out: when
the server holds `max_sessions` sessions and someone new connects, the session detached longest
is freed to make room. Only when every session has its client connected is the newcomer
refused.

With saved runs on (checkpoints.py), a freed session's run stays in the run store: its token
brings it back, after an expiry, an eviction, a restart or a crash, from its last save.
"""

import asyncio
import logging
import time
from dataclasses import replace

from .checkpoints import Checkpoints
from .session import Session, State

log = logging.getLogger("nnplay")


class SessionManager:
    def __init__(self, settings, checkpoints=None):
        self.settings = settings
        self.checkpoints = checkpoints or Checkpoints(replace(settings, save=False))
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
            saved = self.checkpoints.load(token) if session is None else None
            resume_error = "no session with that token (it expired or the server restarted)"
            if saved is not None:
                if not self._room():
                    return None, False, self._full()
                session, resume_error = self._restore(token, saved)
                if session is not None:
                    return session, True, None
        if not self._room():
            return None, False, self._full()
        session = Session(self.settings)
        self.sessions[session.token] = session
        log.info("session %s opened (%d live)", session.id, len(self.sessions))
        return session, False, resume_error

    def known(self, token):
        """Whether `token` opens a session here: a live one, or a saved run."""
        return bool(token) and (token in self.sessions
                                or self.checkpoints.summary(token) is not None)

    def has_room(self):
        """Whether one more session may be held now (the one detached longest is freed to
        make room if need be)."""
        self.reap()
        return self._room()

    def adopt(self, session):
        """Hold a session made elsewhere (a student's fork of a teacher's run, students.py)
        under the cap; False when every session held has its client connected."""
        if not self.has_room():
            return False
        self.sessions[session.token] = session
        log.info("session %s opened as a fork (%d live)", session.id, len(self.sessions))
        return True

    def _room(self):
        return len(self.sessions) < self.settings.max_sessions or self.evict()

    def _full(self):
        return (f"the server is at its limit of {self.settings.max_sessions} sessions, all of "
                "them connected; close another tab or try again later")

    def _restore(self, token, saved):
        """(the session of a saved run, None), or (None, why it could not be restored)."""
        try:
            session = Session.restore(self.settings, token, saved)
        except Exception as e:  # noqa: BLE001 - a saved run from another version, say
            log.warning("saved run %s could not be restored: %s: %s", saved.get("id"),
                        type(e).__name__, e)
            return None, (f"the saved run could not be restored ({str(e)[:200]}); "
                          "a new session was started")
        self.sessions[token] = session
        log.info("session %s restored from its save at step %d", session.id,
                 session.trainer.step_count)
        return session, None

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

    def free(self, token, why, save=True):
        session = self.sessions.pop(token)
        if save:
            self.checkpoints.save_now(session)  # its token brings it back from the store
        session.close()
        log.info("session %s %s", session.id, why)

    async def reap_forever(self, interval=1.0):
        while True:
            await asyncio.sleep(interval)
            self.reap()

    def close_all(self):
        for s in self.sessions.values():
            self.checkpoints.save_now(s)
            s.close()
        self.sessions.clear()

    def runs(self, tokens):
        """The saved runs of these resume tokens (a page's own), newest first: each as the
        store lists it, with its token and whether its session is live here."""
        listed = []
        for token in dict.fromkeys(tokens):
            row = self.checkpoints.summary(token)
            if row is not None:
                live = self.sessions.get(token)
                row = {k: v for k, v in row.items() if k != "token_sha256"}
                listed.append({**row, "token": token,
                               "connected": live is not None and live.state is not State.DETACHED})
        return sorted(listed, key=lambda r: -r["updated"])

    def delete(self, token):
        """Delete a saved run (and its session, if it waits here for its client). Refused
        (ValueError) while a client is connected to it; False if there was none."""
        live = self.sessions.get(token)
        if live is not None and live.state is not State.DETACHED:
            raise ValueError("that run is open in a page; open another run there first")
        if live is not None:
            self.free(token, "deleted", save=False)
        return self.checkpoints.delete(token) or live is not None

    def stats(self):
        return {"sessions": [s.stats() for s in self.sessions.values()],
                "max_sessions": self.settings.max_sessions}
