"""Durable runs: every session's run is saved to the run store (runstore.py), so that a crash
or a restart loses at most a few seconds of training, and a paused run nothing.

When a run is saved:
  - soon after it stops changing: a pause, a command while paused, a divergence, its client
    leaving (within TICK seconds);
  - while it trains, at most every `checkpoint_seconds` (Settings; 5 s by default);
  - when its session is freed (expired, evicted) and when the server shuts down.
A run nothing was done to (revision 0: a page opened and left) is not saved.

The checkpoint is taken on the event loop, between two units of work, so it is one moment of
the run; encoding, compressing and writing it happen in a worker thread. A save that fails
(a full disk, a locked file) is logged and tried again later: it never stops a session.

After a restart with the same data folder, a client that comes back with its resume token
gets its run back from the store (SessionManager.open), in the state it was saved in.
"""

import asyncio
import logging
import time
from pathlib import Path

from .downloads import library
from .runstore import RunStore

log = logging.getLogger("nnplay")

TICK = 0.25  # seconds between looks at what needs saving
PRUNE_EVERY = 3600.0  # seconds between applications of the retention policy


def data_folder(settings):
    """The server's data folder: --data-dir, NNPLAY_DATA_DIR, else the user's (downloads.py)."""
    return Path(library(settings).data_dir)


class Checkpoints:
    """The saving of one server's runs; `store` is None with --no-save."""

    def __init__(self, settings, clock=time.monotonic):
        self.settings, self.clock = settings, clock
        self.store = None
        if settings.save:
            self.store = RunStore(data_folder(settings), settings.runs_max_age_days,
                                  int(settings.runs_max_mb * 1024 * 1024))
            self.store.prune()
        self.failures = 0
        self.saves = 0

    @property
    def enabled(self):
        return self.store is not None

    # -- saving ------------------------------------------------------------------------------
    async def run(self, manager):
        """Save what needs saving, forever (the app's lifespan runs it)."""
        if self.store is None:
            return
        pruned = self.clock()
        while True:
            await asyncio.sleep(TICK)
            for session in list(manager.sessions.values()):
                if session.kept:
                    await self.keep(session)
                if session.unsaved(self.settings.checkpoint_seconds):
                    await self.save(session)
            if self.clock() - pruned > PRUNE_EVERY:
                pruned = self.clock()
                await asyncio.to_thread(self.store.prune)

    async def save(self, session):
        """Checkpoint `session` here, write it in a worker thread."""
        checkpoint = session.checkpoint()
        try:
            await asyncio.to_thread(self.store.save, session.token, session.id, checkpoint)
        except Exception as e:  # noqa: BLE001 - a failed save is retried; the run goes on
            self._failed(session, e)
            return
        self._saved(session, checkpoint)

    async def keep(self, session):
        """Save the runs a session handed over to be kept beside its own (a branch's original,
        app/timeline.py), each under its own token: one that fails stays to be tried again."""
        while session.kept:
            kept = session.kept[0]
            try:
                await asyncio.to_thread(self.store.save, kept["token"], kept["id"], kept["run"])
            except Exception as e:  # noqa: BLE001 - tried again at the next look
                self.failures += 1
                log.warning("session %s: the original of a branch could not be saved (%s: %s); "
                            "trying again later", session.id, type(e).__name__, e)
                return
            session.kept.popleft()
            self.saves += 1

    def save_now(self, session):
        """Save at once, on this thread (a session being freed, the server stopping)."""
        while self.store is not None and session.kept:
            kept = session.kept.popleft()
            try:
                self.store.save(kept["token"], kept["id"], kept["run"])
            except Exception as e:  # noqa: BLE001
                log.warning("the original of a branch could not be saved (%s: %s)",
                            type(e).__name__, e)
        if self.store is None or not session.unsaved(0.0):
            return
        checkpoint = session.checkpoint()
        try:
            self.store.save(session.token, session.id, checkpoint)
        except Exception as e:  # noqa: BLE001
            self._failed(session, e)
            return
        self._saved(session, checkpoint)

    def _saved(self, session, checkpoint):
        self.saves += 1
        session.was_saved(checkpoint)
        session.tell({"type": "saved", "step": checkpoint["step"]})

    def _failed(self, session, error):
        self.failures += 1
        session.saved = {**(session.saved or {"revision": -1, "step": None}),
                         "at": self.clock(), "failed": True}  # tried again in an interval
        log.warning("session %s: its run could not be saved (%s: %s); trying again later",
                    session.id, type(error).__name__, error)

    # -- loading -----------------------------------------------------------------------------
    def load(self, token):
        """The run saved for this resume token, or None."""
        return None if self.store is None or not token else self.store.load(token)

    def summary(self, token):
        return None if self.store is None or not token else self.store.summary(token)

    def delete(self, token):
        return self.store is not None and bool(token) and self.store.forget(token)

    def close(self):
        if self.store is not None:
            self.store.close()
