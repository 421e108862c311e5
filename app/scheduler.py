"""One scheduler shares the event loop between every connection's training and frames.

Each turn it does one unit of work for one connection, round-robin: build its frame if one is
due (and the previous one has gone out), else train it for one short slice. Then it yields to
the event loop. So each loop iteration holds at most one unit (a few ms) of CPU work whatever
the number of sessions, and a message, which needs a few iterations to pass through the
websocket layer to the session and back, is answered within a few units.
"""

import asyncio
import time

import anyio

SLICE = 0.003  # seconds of training in one unit
MIN_SLICE = 0.0005


class Scheduler:
    def __init__(self):
        self.connections = []
        self.turn = 0
        self.wake = None
        self.task = None

    def add(self, conn):
        self.connections.append(conn)
        if self.task is None or self.task.done():
            self.wake = asyncio.Event()
            self.task = asyncio.get_running_loop().create_task(self.run())
        self.poke()

    def remove(self, conn):
        if conn in self.connections:
            self.connections.remove(conn)

    def poke(self):
        if self.wake is not None:
            self.wake.set()

    def stop(self):
        if self.task is not None:
            self.task.cancel()

    async def run(self):
        while True:
            now = time.monotonic()
            conn, wait = self._pick(now)
            if conn is None:
                self.wake.clear()
                with anyio.move_on_after(wait):
                    await self.wake.wait()
                continue
            try:
                conn.unit(now)
            except Exception as e:  # a failing session must not stop the others
                conn.fail(e)
            await asyncio.sleep(0)

    def _pick(self, now):
        """(connection with work to do now, None) or (None, seconds until one may have)."""
        n = len(self.connections)
        wait = None
        for i in range(n):
            conn = self.connections[(self.turn + i) % n]
            w = conn.wait(now)
            if w == 0.0:
                self.turn = (self.turn + i + 1) % n
                return conn, None
            if w is not None:
                wait = w if wait is None else min(wait, w)
        return None, wait
