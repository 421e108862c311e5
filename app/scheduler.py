"""One scheduler shares the event loop, fairly, between every connection's work.

Each turn it does one unit of work for one connection: build its frame if one is due (and
the previous one has gone out), else train it for one short slice. Then it yields to the event
loop. So each loop iteration holds at most one unit of CPU work whatever the number of
sessions, and a message, which needs a few iterations to pass through the websocket layer to
the session and back, is answered within a few units.

Fairness is by CPU time, not by turns (a fair-share scheduler, as Linux's CFS): every
connection has a virtual time, the CPU seconds charged to it (its training slices, its frames
and the commands it sent), and the turn goes to the ready connection with the least. What is
charged is the CPU time of the loop's thread (`cpu_clock`), not wall time: on a busy machine
the process is preempted now and then, and wall time would charge the pause to whichever
unit it fell in (one unlucky session could then wait minutes for the others to catch up). A
session with costly frames or a client that floods commands spends its own share, not the
others'. A connection that was idle comes back at most GRACE behind the others, so time spent
paused is not banked for a burst later; one whose frame is due may go up to FRAME_LEAD ahead,
so that frames come at their cadence.
"""

import asyncio
import time

import anyio

SLICE = 0.003  # seconds of training in one unit
MIN_SLICE = 0.0005
GRACE = 0.05  # how far behind the others an idle connection may come back, in CPU seconds
FRAME_LEAD = 0.02  # how far ahead of the others a connection may go to build a due frame
cpu_clock = time.thread_time  # what a unit or a command is charged: this thread's CPU time


class Scheduler:
    def __init__(self):
        self.connections = []
        self.vtime = {}  # connection -> CPU seconds charged to it
        self.wake = None
        self.task = None

    def add(self, conn):
        self.connections.append(conn)
        self.vtime[conn] = min(self.vtime.values(), default=0.0)  # no debt, no credit
        if self.task is None or self.task.done():
            self.wake = asyncio.Event()
            self.task = asyncio.get_running_loop().create_task(self.run())
        self.poke()

    def remove(self, conn):
        if conn in self.connections:
            self.connections.remove(conn)
            del self.vtime[conn]

    def charge(self, conn, seconds):
        """CPU time spent for `conn` outside its units (a command it sent)."""
        if conn in self.vtime:
            self.vtime[conn] += seconds

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
            started = cpu_clock()
            try:
                conn.unit(now)
            except Exception as e:  # a failing session must not stop the others
                conn.fail(e)
            self.charge(conn, cpu_clock() - started)
            await asyncio.sleep(0)

    def _pick(self, now):
        """(the ready connection with the least CPU charged, None), or (None, seconds until
        one may have work)."""
        ready, wait = [], None
        for conn in self.connections:
            w = conn.wait(now)
            if w == 0.0:
                ready.append(conn)
            elif w is not None:
                wait = w if wait is None else min(wait, w)
        if not ready:
            return None, wait
        floor = min(self.vtime[c] for c in ready)
        for c in self.connections:  # an idle connection rejoins just behind the ready ones
            if self.vtime[c] < floor - GRACE:
                self.vtime[c] = floor - GRACE
        # A due frame goes first, within FRAME_LEAD of the others' share: frames are paid for
        # from the connection's own share all the same, but come when they are due instead of
        # waiting for a turn (with many sessions a turn comes round only every few dozen ms).
        frames = [c for c in ready if getattr(c, "frame_due", False)
                  and self.vtime[c] <= floor + FRAME_LEAD]
        return min(frames or ready, key=self.vtime.__getitem__), None
