"""Cluster benchmark: the same classroom in process and on `--workers 2`, in one run.

    python bench/cluster.py [--sessions 20] [--seconds 10] [--workers 2]

Each of `--sessions` clients opens a session of the 6×8 spiral network (2-8-8-8-8-8-8-1) at
max speed and 30 frames a second, and sends a control command (`set` learning_rate) every
200 ms. Prints, for an in-process nnplay and one with `--workers N`, one after the other:
  - total training steps per second over every session (from the servers' own step counts,
    GET /api/stats), and its ratio to the in-process figure (target ≥ 1.5× on 2 cores);
  - frames per second delivered to each client (median, lowest), and the share of lean frames
    (frames are "auto", as a page's: each client's link decides, app/linkrate.py);
  - command round trip p50/p99 (target p99 ≤ 100 ms through the relay), and at rest: one
    paused session on an otherwise idle server, which is the relay's own cost.
The clients decode frame headers only, so that they do not become the bottleneck. They share
the machine with the server(s): on 2 cores, figures vary ±20% between runs.
"""

import argparse
import asyncio
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from bench.server import DEEP, Conn, session_stats  # noqa: E402
from tests.e2e.server import running  # noqa: E402


async def classroom(url, http_url, sessions, seconds):
    conns = [await Conn.open(url) for _ in range(sessions)]
    for c in conns:
        await c.call({"type": "set", "config": DEEP})
        await c.call({"type": "fps", "fps": 30})
        await c.call({"type": "speed", "steps_per_second": "max"})
        await c.call({"type": "play"})
    await asyncio.sleep(1.0)  # past the start: every session training
    latencies = []

    async def student(i, c):
        end = time.monotonic() + seconds
        k = 0
        while time.monotonic() < end:
            sent = time.monotonic()
            received, _ = await c.call({"type": "set", "config": {
                "learning_rate": 0.03 if k % 2 else 0.01}, "id": f"{i}-{k}"})
            latencies.append(received - sent)
            k += 1
            await c.read_for(0.2)

    for c in conns:
        c.frames.clear()
    before, started = session_stats(http_url), time.monotonic()
    await asyncio.gather(*(student(i, c) for i, c in enumerate(conns)))
    after, elapsed = session_stats(http_url), time.monotonic() - started
    steps = sum(after[k]["step"] - before[k]["step"] for k in after if k in before)
    fps, lean = [], 0
    for c in conns:
        f = c.frames
        fps.append((len(f) - 1) / (f[-1][0] - f[0][0]) if len(f) > 1 else 0.0)
        lean += sum(1 for _, header, _ in f if header.get("lean"))
        await c.close()
    return steps / elapsed, fps, latencies, lean / max(1, sum(len(c.frames) for c in conns))


async def at_rest(url, count=200):
    """Command round trips of one paused session on an idle server: the relay's own cost."""
    c = await Conn.open(url)
    latencies = []
    for k in range(count):
        sent = time.monotonic()
        received, _ = await c.call({"type": "set", "config": {
            "learning_rate": 0.03 if k % 2 else 0.01}})
        latencies.append(received - sent)
    await c.close()
    return latencies


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    print(f"{args.sessions} sessions of 2-8-8-8-8-8-8-1 spiral at max speed, 30 fps, "
          f"{args.seconds:g} s each; {os.cpu_count()} cores")
    results = {}
    for label, flags in (("in process", ()), (f"--workers {args.workers}",
                                                ("--workers", str(args.workers)))):
        with running("--max-sessions", str(args.sessions + 5), "--no-save", *flags,
                     timeout=120) as server:
            rest = asyncio.run(at_rest(server.ws_url))
            rate, fps, lat, lean = asyncio.run(classroom(server.ws_url, server.url,
                                                         args.sessions, args.seconds))
        results[label] = rate
        ratio = rate / results["in process"]
        print(f"{label:>12}: {rate:9,.0f} steps/s total ({ratio:.2f}× in process); fps "
              f"median {statistics.median(fps):.1f}, lowest {min(fps):.1f} ({lean:.0%} "
              f"lean: the link decides, as for a page); command p50 "
              f"{1000 * pct(lat, 0.5):.1f} ms, p99 {1000 * pct(lat, 0.99):.1f} ms "
              f"({len(lat)} commands); at rest (one paused session) p50 "
              f"{1000 * pct(rest, 0.5):.2f} ms, p99 {1000 * pct(rest, 0.99):.2f} ms", flush=True)


if __name__ == "__main__":
    main()
