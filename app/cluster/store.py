"""The cluster's checkpoint store: the newest checkpoint of every session on the cluster, so that
any web process can bring back a session whose host died, whichever web process it was
started through.

`CheckpointStore` is one detached named Ray actor (`nnplay-checkpoints` in the namespace
`nnplay`, on the head node; cluster.checkpoint_store makes or finds it). It keeps each run as
the run store keeps it (runstore.encode: compressed JSON), under its resume token's SHA-256,
in memory, within `max_bytes`: the run whose newest checkpoint is oldest goes first.

`SharedCheckpoints` is a web process's side of it. The relay puts every checkpoint a host hands
it there, in the background, and looks there before a session is brought back. A store that
is gone or does not answer within STORE_SECONDS costs nothing but that: the web process's own
run store serves alone (a log line says so), and the store is left alone for RETRY_SECONDS
before it is asked again; meanwhile the newest checkpoint of each session waits (within
PENDING_BYTES) to be put then. docs/scaling.md says what is saved where.
"""

import asyncio
import contextlib
import logging
import os
import socket
import time

from ..runstore import decode, token_sha256

log = logging.getLogger("nnplay")

STORE_SECONDS = 3.0  # a call to the store that takes longer: it does not answer
RETRY_SECONDS = 10.0  # after a call that failed, the store is left alone this long
PENDING_BYTES = 64 * 1024 * 1024  # checkpoints waiting to be put, at most: the oldest go


class CheckpointStore:
    """The newest checkpoint of every session, by its token's SHA-256, within `max_bytes` (a
    Ray actor: its calls run one at a time)."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.rows = {}  # key -> row; a dict keeps its order: the oldest put first
        self.bytes = 0
        self.evicted = self.refused = 0

    def put(self, key, row):
        """Keep `row` ({"id", "title", "dataset", "step", "state", "updated", "body"}) as the
        key's newest checkpoint, in place of the one it had; the oldest go while all of them
        pass max_bytes. Whether it was kept: one larger than the whole store is not (and the
        older one it replaces goes too: the store never gives back a run older than one it
        was handed)."""
        old = self.rows.pop(key, None)
        if old is not None:
            self.bytes -= old["size"]
        size = len(row["body"])
        if size > self.max_bytes:
            self.refused += 1
            log.warning("run %s: a checkpoint of %d bytes is larger than the whole store "
                        "(%d bytes); it is not kept", row["id"], size, self.max_bytes)
            return False
        while self.bytes + size > self.max_bytes:
            self.bytes -= self.rows.pop(next(iter(self.rows)))["size"]
            self.evicted += 1
        self.rows[key] = {**row, "size": size,
                          "created": old["created"] if old is not None else time.time()}
        self.bytes += size
        return True

    def get(self, key):
        """The key's newest checkpoint, or None."""
        return self.rows.get(key)

    def summaries(self, keys):
        """{key: its row without the body} of those of `keys` that are here."""
        return {key: {k: v for k, v in self.rows[key].items() if k != "body"}
                for key in keys if key in self.rows}

    def forget(self, key):
        """Drop the key's checkpoint (its run was deleted); whether there was one."""
        row = self.rows.pop(key, None)
        if row is not None:
            self.bytes -= row["size"]
        return row is not None

    def info(self):
        return {"pid": os.getpid(), "node": socket.gethostname(), "runs": len(self.rows),
                "bytes": self.bytes, "max_bytes": self.max_bytes, "evicted": self.evicted,
                "refused": self.refused}


def row_of(session_id, run, body, updated):
    """What the store keeps of a checkpoint: the run store's listing of it, and its body."""
    return {"id": session_id, "title": str(run["title"])[:200],
            "dataset": str(run["dataset"])[:64], "step": int(run["step"]),
            "state": str(run["state"]), "updated": updated or time.time(), "body": body}


class Unavailable(Exception):
    """The store is not there, or did not answer in time."""


class SharedCheckpoints:
    """A web process's side of the store. `handle` is the actor's; `make` finds or makes it
    again (in a worker thread) after a call said it died; `dead` are the errors that say so.
    Without a handle and a way to make one (no Ray), every lookup finds nothing."""

    def __init__(self, handle=None, make=None, dead=()):
        self.handle, self.make, self.dead = handle, make, tuple(dead)
        self.answering = True
        self.quiet_until = 0.0  # after a failed call, the store is not asked until then
        self.pending = {}  # key -> row not yet put: the newest of each session, oldest first
        self.pending_bytes = 0
        self.dropped = 0  # checkpoints never put: PENDING_BYTES were waiting
        self.writer = None

    @property
    def present(self):
        return self.handle is not None or self.make is not None

    async def call(self, method, *args):
        """store.<method>(*args) within STORE_SECONDS; Unavailable if it does not answer."""
        if not self.present or time.monotonic() < self.quiet_until:
            raise Unavailable(method)
        try:
            result = await asyncio.wait_for(self._ask(method, args), STORE_SECONDS)
        except Exception as e:  # noqa: BLE001 - whatever befell it, the run store serves alone
            self._failed(e)
            raise Unavailable(method) from None
        if not self.answering:
            self.answering = True
            log.warning("the cluster's checkpoint store answers again")
        return result

    async def _ask(self, method, args):
        if self.handle is None:
            self.handle = await asyncio.to_thread(self.make)
        return await getattr(self.handle, method).remote(*args)

    def _failed(self, error):
        self.quiet_until = time.monotonic() + RETRY_SECONDS
        if isinstance(error, self.dead):
            self.handle = None  # found again, or made anew if it is gone for good
        if self.answering:
            self.answering = False
            log.warning("the cluster's checkpoint store does not answer (%s); sessions come "
                        "back from this web process's run store alone until it does",
                        type(error).__name__ if isinstance(error, asyncio.TimeoutError)
                        else f"{type(error).__name__}: {str(error)[:200]}")

    # -- putting -----------------------------------------------------------------------------
    def put(self, token, row):
        """Put `row` (row_of) as the newest checkpoint of `token`'s run, in the background,
        one call at a time. Of each run only the newest waits; while the store does not
        answer, they wait for it, the oldest dropped past PENDING_BYTES."""
        if not self.present:
            return
        key = token_sha256(token)
        self._unpend(key)
        self.pending[key] = row
        self.pending_bytes += len(row["body"])
        while self.pending_bytes > PENDING_BYTES and len(self.pending) > 1:
            self._unpend(next(iter(self.pending)))
            self.dropped += 1
        if self.writer is None or self.writer.done():
            self.writer = asyncio.get_running_loop().create_task(self._write())

    def _unpend(self, key):
        row = self.pending.pop(key, None)
        if row is not None:
            self.pending_bytes -= len(row["body"])

    async def _write(self):
        while self.pending:
            if (wait := self.quiet_until - time.monotonic()) > 0:
                await asyncio.sleep(wait)  # the store is left alone until then
                continue
            key = next(iter(self.pending))
            row = self.pending[key]  # it stays there while it is put: a lookup finds it
            try:
                await self.call("put", key, row)
            except Unavailable:
                continue  # it waits for the next try
            if self.pending.get(key) is row:  # else a newer one came meanwhile, to put next
                self._unpend(key)

    async def close(self, timeout):
        """Wait up to `timeout` for the checkpoints still to be put, then stop putting."""
        if self.writer is not None and not self.writer.done():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.writer), timeout)
            self.writer.cancel()

    # -- looking -----------------------------------------------------------------------------
    async def load(self, token):
        """The newest checkpoint of `token`'s run, as RunStore.load gives one, or None (not
        there, or the store does not answer)."""
        key = token_sha256(token)
        row = self.pending.get(key)  # not put yet, or being put: newer than the store's
        if row is None:
            try:
                row = await self.call("get", key)
            except Unavailable:
                return None
        if row is None:
            return None
        return await asyncio.to_thread(decode, row["id"], row["updated"], row["body"])

    async def summaries(self, tokens):
        """{token: its run's listing, as RunStore.summary gives one} of those of `tokens` whose
        run is in the store ({} when it does not answer)."""
        keys = {token_sha256(token): token for token in tokens}
        try:
            rows = await self.call("summaries", list(keys))
        except Unavailable:
            return {}
        return {keys[key]: row for key, row in rows.items()}

    async def forget(self, token):
        """Drop `token`'s run (it was deleted): whether the store had it; None if it does not
        answer."""
        self._unpend(token_sha256(token))
        try:
            return await self.call("forget", token_sha256(token))
        except Unavailable:
            return None

    async def info(self):
        """The store's pid, node, runs and bytes, or None if it does not answer."""
        try:
            return await self.call("info")
        except Unavailable:
            return None

