"""The sessions of one server: creation under a cap, resume by token, and expiry."""

import asyncio
import logging
import time

from .session import Session, State

log = logging.getLogger("nnplay")


class SessionManager:
    def __init__(self, settings):
        self.settings = settings
        self.sessions = {}  # resume token -> Session

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
            resume_error = ("that session is still connected elsewhere"
                            if session is not None else
                            "no session with that token (it expired or the server restarted)")
        if len(self.sessions) >= self.settings.max_sessions:
            return None, False, (f"the server is at its limit of {self.settings.max_sessions} "
                                 "sessions; close another tab or try again in a minute")
        session = Session(self.settings)
        self.sessions[session.token] = session
        log.info("session %s opened (%d live)", session.id, len(self.sessions))
        return session, False, resume_error

    def detach(self, session):
        session.detach()

    def reap(self, now=None):
        """Free sessions whose client has been gone longer than resume_seconds."""
        now = time.monotonic() if now is None else now
        for token, s in list(self.sessions.items()):
            if s.state is State.DETACHED and now - s.detached_at > self.settings.resume_seconds:
                s.close()
                del self.sessions[token]
                log.info("session %s expired", s.id)

    async def reap_forever(self, interval=1.0):
        while True:
            await asyncio.sleep(interval)
            self.reap()

    def close_all(self):
        for s in self.sessions.values():
            s.close()
        self.sessions.clear()

    def stats(self):
        return {"sessions": [{"id": s.id, "state": s.state.value, "step": s.trainer.step_count,
                              "frames_built": s.frames_built, "frames_skipped": s.cadence.skipped,
                              "outbox": len(s.outbox), "train_seconds": s.train_seconds,
                              "frame_seconds": s.frame_seconds}
                             for s in self.sessions.values()],
                "max_sessions": self.settings.max_sessions}
