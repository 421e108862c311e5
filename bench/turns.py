"""The scheduler's turns: what paced training costs in units of work, in one process.

N sessions of the 6×8 spiral (2-8-8-8-8-8-8-1), each training at 100 steps a second and
asking for 10 frames a second, run on the real Scheduler and ws.Connection (the frames are
taken as soon as they are built, as by a client that reads at once: no sockets). Each
session trains in units of work, one per scheduler turn, and each turn costs the loop a
look at every connection (`Scheduler._pick`) and an event-loop iteration, on top of the
training itself. At a set speed a unit trains the steps that are due: one at a time, or
(session.TRAIN_GRAIN) half a frame interval's worth at a time, 5 at 100 steps/s and 10 fps.

Printed for each grain, alternating, in one run (the machine is shared: compare within a
run): the least and median frames a second a session got, its steps a second, and the
process's CPU as a share of a core for that same work.

    python bench/turns.py [--sessions 20] [--seconds 6] [--rounds 3]

Measured on this 2-core machine (20 sessions, 5 s windows, 4 rounds, other work running
beside it): grain 0 (a step per turn) used 59–64% of a core, grain 0.5 44–50%, both at 10.0
fps and 100 steps/s for every session (one earlier window of grain 0.5 had a session at 6.7
fps, another of grain 0 one at 9.7, on the shared machine).
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import app.session as session_module  # noqa: E402
from app.scheduler import Scheduler  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.ws import Connection  # noqa: E402
from nncore import Config  # noqa: E402


async def window(sessions, seconds, grain):
    """(fps of each session, steps/s of each, CPU share of a core) over `seconds`, after 2 s
    to settle."""
    session_module.TRAIN_GRAIN = grain
    scheduler = Scheduler()
    settings = Settings(open_browser=False, save=False, downloads=False)
    conns, frames = [], [0] * sessions
    for i in range(sessions):
        s = session_module.Session(settings, config=Config(dataset="spiral",
                                                            hidden_layers=[8] * 6, seed=i))
        s.pack_maps = False  # as for a page on this machine
        for command in ({"type": "speed", "steps_per_second": 100}, {"type": "fps", "fps": 10},
                        {"type": "play"}):
            s.handle(json.dumps(command))
        conns.append(Connection(None, s, None, scheduler))

    async def take(i, conn):  # the client: takes each frame as it comes
        while True:
            await conn.wake_sender.wait()
            conn.wake_sender.clear()
            conn.session.outbox.clear()
            if conn.frame is not None:
                conn.frame, conn.frame_in_flight = None, False
                frames[i] += 1
                scheduler.poke()

    takers = [asyncio.create_task(take(i, c)) for i, c in enumerate(conns)]
    for c in conns:
        scheduler.add(c)
    try:
        await asyncio.sleep(2.0)
        f0, s0 = list(frames), [c.session.trainer.step_count for c in conns]
        t0, c0 = time.monotonic(), time.process_time()
        await asyncio.sleep(seconds)
        elapsed, cpu = time.monotonic() - t0, time.process_time() - c0
    finally:
        scheduler.stop()
        for t in takers:
            t.cancel()
    fps = sorted((frames[i] - f0[i]) / elapsed for i in range(sessions))
    sps = sorted((c.session.trainer.step_count - s0[i]) / elapsed for i, c in enumerate(conns))
    return fps, sps, cpu / elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    chosen = session_module.TRAIN_GRAIN
    print(f"{args.sessions} sessions of the 6×8 spiral at 100 steps/s, 10 fps asked; "
          f"{args.seconds:g} s windows (TRAIN_GRAIN is {chosen})")
    print("  grain   fps min  median   steps/s min  median   CPU (% of a core)")
    for _ in range(args.rounds):
        for grain in (0.0, chosen):
            fps, sps, cpu = asyncio.run(window(args.sessions, args.seconds, grain))
            n = len(fps)
            print(f"  {grain:5.2f}   {fps[0]:7.1f} {fps[n // 2]:7.1f}   {sps[0]:11.0f} "
                  f"{sps[n // 2]:7.0f}   {100 * cpu:5.0f}")


if __name__ == "__main__":
    main()
