"""Durable runs benchmark: what saving runs costs training.

    python bench/durable.py [--rounds 6] [--seconds 4]

Prints, in one run:
  (a) training speed with saves on, beside a server started with --no-save: two real `nnplay`
      servers on loopback, one session each (the 2-8-8-8-8-8-8-1 spiral net at max speed,
      streaming 30 frames a second to a client that decodes headers only). The two take turns
      in adjacent blocks of --seconds (one plays while the other is paused, the order
      alternating), and the median ratio of adjacent blocks is the figure: the speed of these
      shared cores drifts by tens of percent within a minute, so only neighbours are compared.
      Measured at the default interval (a save every 5 s while training) and at 0.5 s.
      Target: saves cost ≤ 3% of training speed at the default.
  (b) one save, in process: the checkpoint taken on the event loop (Session.checkpoint) and
      the write to SQLite that follows in a worker thread (RunStore.save), in ms, and the
      stored size, for the 6×8 spiral net and for MNIST's 784-128-64-10 (on stand-in images:
      the network and its Adam moments are what a checkpoint holds), and the share of one
      core that is at the default interval (a save every 5 s while training): the direct
      cost, free of the noise of (a).
"""

import argparse
import asyncio
import json
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the server does
sys.path.insert(0, ROOT)

from websockets.asyncio.client import connect  # noqa: E402

from tests.e2e.server import running  # noqa: E402

DEEP = {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8, 8, 8]}


class Viewer:
    """A client that keeps the step of every frame (headers only) and answers calls."""

    def __init__(self, ws):
        self.ws, self.steps, self.replies, self.saves = ws, [], {}, 0
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url):
        ws = await connect(url, proxy=None, compression=None, max_size=2**24)
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        return cls(ws)

    async def _read(self):
        async for m in self.ws:
            if isinstance(m, bytes):
                (n,) = struct.unpack_from("<I", m, 0)
                h = json.loads(m[4:4 + n])
                if h["type"] == "frame":
                    self.steps.append((time.monotonic(), h["step"]))
                continue
            m = json.loads(m)
            if m.get("type") == "saved":
                self.saves += 1
            elif "id" in m:
                self.replies[m["id"]] = m

    async def call(self, message):
        mid = f"m{time.monotonic_ns()}"
        await self.ws.send(json.dumps({**message, "id": mid}))
        while mid not in self.replies:
            await asyncio.sleep(0.005)
        return self.replies.pop(mid)

    async def block(self, seconds):
        """Play for `seconds`; steps per second over the block."""
        await self.call({"type": "play"})
        await asyncio.sleep(0.3)  # the first frames after play
        t0, s0 = self.steps[-1]
        await asyncio.sleep(seconds)
        t1, s1 = self.steps[-1]
        await self.call({"type": "pause"})
        return (s1 - s0) / (t1 - t0)

    async def close(self):
        self.reader.cancel()
        await self.ws.close()


async def turns(saving_url, plain_url, rounds, seconds):
    a, b = await Viewer.open(saving_url), await Viewer.open(plain_url)
    for v in (a, b):
        await v.call({"type": "set", "config": DEEP})
        await v.call({"type": "speed", "steps_per_second": "max"})
        await v.call({"type": "fps", "fps": 30})
    await a.block(1.0)  # warm both
    await b.block(1.0)
    ratios, saves0 = [], a.saves
    for r in range(rounds):
        order = (a, b) if r % 2 == 0 else (b, a)
        speeds = {id(v): await v.block(seconds) for v in order}
        ratios.append(speeds[id(a)] / speeds[id(b)])
    saves = a.saves - saves0
    await a.close()
    await b.close()
    return ratios, saves


def in_process():
    from app.runstore import RunStore
    from app.session import Session
    from app.settings import Settings
    from tests import idx

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        idx.write_folder(Path(tmp) / "mnist")
        settings = Settings(open_browser=False, downloads=False, save=False, data_dir=tmp)
        store = RunStore(Path(tmp) / "runs")
        for name, config in (("6×8 spiral", DEEP), ("784-128-64-10 (MNIST)", {
                "dataset": "mnist", "hidden_layers": [128, 64], "activation": "relu",
                "output_activation": "softmax", "loss": "cross_entropy",
                "optimizer": "adam", "learning_rate": 0.001, "batch_size": 128})):
            s = Session(settings)
            s.handle(json.dumps({"type": "set", "config": config}))
            replies = [m for m in s.outbox if isinstance(m, dict) and "command" in m]
            assert replies and replies[-1]["type"] == "applied", replies
            s.trainer.step(20)
            take, write = [], []
            for _ in range(5):
                t0 = time.perf_counter()
                cp = s.checkpoint()
                t1 = time.perf_counter()
                store.save(s.token, s.id, cp)
                t2 = time.perf_counter()
                take.append(t1 - t0)
                write.append(t2 - t1)
            size = store.summary(s.token)["size"]
            rows.append((name, 1000 * statistics.median(take), 1000 * statistics.median(write),
                         size))
            s.close()
        store.close()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--seconds", type=float, default=4.0)
    args = ap.parse_args()
    print("(a) training speed with saves on / with --no-save, adjacent blocks "
          f"({args.rounds} × {args.seconds:g} s each)")
    for interval in ("5", "0.5"):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2, \
                running("--data-dir", d1, env={"NNPLAY_CHECKPOINT_SECONDS": interval}) as on, \
                running("--data-dir", d2, "--no-save") as off:
            ratios, saves = asyncio.run(turns(on.ws_url, off.ws_url, args.rounds,
                                              args.seconds))
        print(f"    save every {interval:>3} s: median ratio {statistics.median(ratios):.3f} "
              f"(cost {100 * (1 - statistics.median(ratios)):+.1f}%; blocks "
              f"{', '.join(f'{r:.2f}' for r in ratios)}; {saves} saves)")
    print("(b) one save, in process: checkpoint on the event loop, write in a worker thread")
    for name, take, write, size in in_process():
        print(f"    {name:<24} checkpoint {take:7.2f} ms   write {write:7.2f} ms   "
              f"stored {size / 1024:8.1f} KiB   = {(take + write) / 50:.2f}% of a core at "
              "one save per 5 s")


if __name__ == "__main__":
    main()
