"""Server benchmark: a real `nnplay` (uvicorn) on loopback, driven by websocket clients.

    python bench/server.py [--seconds 8] [--sessions 20] [--pack always|auto|never]

Prints, in one run:
  (a) steps/s of the 2-8-8-8-8-8-8-1 net at max speed while streaming 30 fps, beside the bare
      Trainer's steps/s measured at the same time in another process
      (target: streaming costs ≤ 10% of training speed, a frame built in ≤ 1 ms);
  (b) frames per second delivered (target ≥ 29 of 30);
  (c) bytes per frame (target ≤ 32 KB for the 6×8 net at default densities: the maps travel
      packed, app/frames.py encode_planes);
  (c′) the same 6×8 run on lean frames (`frames` command, mode lean: the page computes the
      maps): streaming cost, ms to build a frame, frames delivered and bytes per frame
      (target ≤ 4 KB);
  (d) p50/p99 latency from sending `set` to receiving the first frame that reflects it
      (target p99 ≤ 50 ms);
  (e) 20 concurrent sessions at max speed: frames per second each, and the p99 of control
      replies (target: every session ≥ 20 fps, p99 ≤ 150 ms);
  (f) a flood: 3 quiet sessions at max speed while 3 clients send 16 KiB messages as fast as
      they can and one uploads 1 MiB CSVs in a loop; the quiet sessions' training speed beside
      the same sessions without the flood (target ≥ 0.65) and their command p99 (≤ 150 ms);
  (g) 32 sessions at the largest configuration the limits allow (8 layers of 32, 7 features,
      2,000 points, batch 2,000, maps 64/200, 60 fps requested): the fewest steps any session
      made in any second (target ≥ 1) and the command p99 (target ≤ 1 s).
The server runs in its own process; the clients only decode frame headers, so that they do
not become the bottleneck. Figures vary ±20% between runs on a shared 2-core machine.
"""

import argparse
import asyncio
import json
import os
import statistics
import struct
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the server does
sys.path.insert(0, ROOT)

from websockets.asyncio.client import connect  # noqa: E402

from tests.e2e.server import running  # noqa: E402

DEEP = {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8, 8, 8]}


def header_of(message):
    """The JSON header of a binary message (the arrays are not decoded)."""
    (n,) = struct.unpack_from("<I", message, 0)
    return json.loads(message[4:4 + n])


class Conn:
    """A client whose reader task timestamps every message as it arrives."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []  # (time received, header, size)
        self.inbox = asyncio.Queue()  # (time received, decoded message)
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url):
        ws = await connect(url, proxy=None, compression=None, max_size=2**24, max_queue=64)
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        return cls(ws)

    async def _read(self):
        async for m in self.ws:
            now = time.monotonic()
            if isinstance(m, bytes):
                h = header_of(m)
                if h["type"] == "frame":
                    self.frames.append((now, h, len(m)))
                m = h
            else:
                m = json.loads(m)
            self.inbox.put_nowait((now, m))

    async def close(self):
        self.reader.cancel()
        await self.ws.close()

    async def send(self, message):
        await self.ws.send(json.dumps(message))

    async def until(self, predicate, timeout=10.0):
        """(arrival time, message) of the next message for which predicate holds."""
        deadline = time.monotonic() + timeout
        while True:
            now, m = await asyncio.wait_for(self.inbox.get(),
                                            max(0.01, deadline - time.monotonic()))
            if predicate(m):
                return now, m

    async def call(self, message):
        message = {**message, "id": message.get("id", f"m{time.monotonic_ns()}")}
        await self.send(message)
        return await self.until(lambda m: m.get("id") == message["id"])

    async def read_for(self, seconds):
        """Let messages arrive for a while, and forget them (frames stay recorded)."""
        await asyncio.sleep(seconds)
        while not self.inbox.empty():
            self.inbox.get_nowait()


BARE_SCRIPT = """
import sys, time
sys.path.insert(0, %r)
from nncore import Config, Trainer
t = Trainer(Config(dataset="spiral", hidden_layers=(8, 8, 8, 8, 8, 8)))
t.step(200)
print("ready", flush=True)
sys.stdin.readline()
t0, n = time.perf_counter(), 0
while time.perf_counter() - t0 < %r:
    n += t.step(200).steps
print(n / (time.perf_counter() - t0), flush=True)
"""


def session_stats(http_url):
    """The server's own accounting: {session id: stats}, from GET /api/stats."""
    with urllib.request.urlopen(http_url + "api/stats", timeout=10) as r:
        return {s["id"]: s for s in json.load(r)["sessions"]}


async def streaming_rounds(url, rounds, seconds, mode="full"):
    """Each round: the server streams while the bare Trainer runs in another process at the
    same moment, on the other core, so both see the same machine. (On these shared machines
    the speed of a core drifts by tens of percent within a minute, which swamps any
    comparison made at different times.)"""
    c = await Conn.open(url)
    http = url.replace("ws://", "http://")[:-len("ws")]
    await c.call({"type": "set", "config": DEEP})
    await c.call({"type": "fps", "fps": 30})
    await c.call({"type": "frames", "mode": mode})
    await c.call({"type": "speed", "steps_per_second": "max"})  # the default is a teaching pace
    await c.call({"type": "play"})
    await c.read_for(1.0)
    out = []
    for _ in range(rounds):
        bare = await asyncio.create_subprocess_exec(
            sys.executable, "-c", BARE_SCRIPT % (ROOT, seconds), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE)
        assert (await bare.stdout.readline()).strip() == b"ready"
        c.frames.clear()
        before = session_stats(http)
        t0 = time.monotonic()
        bare.stdin.write(b"go\n")
        await bare.stdin.drain()
        await c.read_for(seconds)
        f = list(c.frames)
        after, elapsed = session_stats(http), time.monotonic() - t0
        bare_sps = float((await bare.stdout.readline()).strip())
        sid = next(k for k in after if after[k]["state"] == "running")
        train = after[sid]["train_seconds"] - before[sid]["train_seconds"]
        frame = after[sid]["frame_seconds"] - before[sid]["frame_seconds"]
        await bare.wait()
        span = f[-1][0] - f[0][0]
        out.append({"train_share": train / elapsed, "frame_share": frame / elapsed,
                    "frame_ms": 1000 * frame / max(1, len(f)),
                    "bare": bare_sps, "sps": (f[-1][1]["step"] - f[0][1]["step"]) / span,
                    "fps": (len(f) - 1) / span, "bytes_max": max(n for _, _, n in f),
                    "bytes_mean": statistics.mean(n for _, _, n in f)})
    await c.close()
    return out


async def latency_round(url, count):
    c = await Conn.open(url)
    await c.call({"type": "set", "config": DEEP})
    await c.call({"type": "play"})
    await c.read_for(0.5)
    latencies = []
    for i in range(count):
        sent = time.monotonic()
        await c.send({"type": "set", "config": {"learning_rate": 0.03 if i % 2 else 0.01},
                      "id": i})
        _, reply = await c.until(lambda m, i=i: m.get("id") == i)
        seq = reply["seq"]
        received, _ = await c.until(
            lambda m, seq=seq: m["type"] == "frame" and m["command_seq"] >= seq)
        latencies.append(received - sent)
        await c.read_for(0.02 + 0.03 * (i % 3) / 2)
    await c.close()
    return latencies


async def classroom(url, sessions, seconds, config):
    conns = [await Conn.open(url) for _ in range(sessions)]
    for c in conns:
        if config:
            await c.call({"type": "set", "config": config})
        await c.call({"type": "play"})
    control = []

    async def student(i, c):
        c.frames.clear()
        end = time.monotonic() + seconds
        k = 0
        while time.monotonic() < end:
            sent = time.monotonic()
            received, _ = await c.call({"type": "set",
                                        "config": {"learning_rate": 0.03 if k % 2 else 0.01},
                                        "id": f"{i}-{k}"})
            control.append(received - sent)
            k += 1
            await c.read_for(0.2)

    await asyncio.gather(*(student(i, c) for i, c in enumerate(conns)))
    fps = []
    for c in conns:
        f = c.frames
        fps.append((len(f) - 1) / (f[-1][0] - f[0][0]) if len(f) > 1 else 0.0)
        await c.close()
    return fps, control


LARGEST = {"dataset": "spiral", "hidden_layers": [32] * 8, "n_samples": 2000,
           "train_ratio": 1.0, "batch_size": 2000,
           "features": ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"]}


async def quiet_sessions(url, http_url, seconds, flood):
    """Steps/s of 3 quiet sessions and their command latencies, with or without a flood."""
    quiet = [await Conn.open(url) for _ in range(3)]
    for c in quiet:
        await c.call({"type": "play"})
    stop = asyncio.Event()
    attackers = []
    if flood:
        junk = json.dumps({"type": "pause", "pad": "x" * (16 * 1024)})
        rows = "\n".join(f"{i % 97 / 10},{i % 89 / 10},{i % 2}" for i in range(60_000))
        upload = json.dumps({"type": "load_csv", "text": rows[:1_000_000]})

        async def hammer(message):
            async with connect(url, proxy=None, max_size=2**24, max_queue=None) as ws:
                while not stop.is_set():
                    await ws.send(message)

        attackers = [asyncio.create_task(hammer(m)) for m in (junk, junk, junk, upload)]
        await asyncio.sleep(1.0)
    before = session_stats(http_url)
    control, t0 = [], time.monotonic()
    k = 0
    while time.monotonic() - t0 < seconds:
        for i, c in enumerate(quiet):
            sent = time.monotonic()
            received, _ = await c.call({"type": "set", "id": f"q{i}-{k}",
                                        "config": {"learning_rate": 0.03 if k % 2 else 0.01}})
            control.append(received - sent)
        k += 1
        await asyncio.sleep(0.2)
    elapsed = time.monotonic() - t0
    after = session_stats(http_url)
    stop.set()
    for a in attackers:
        a.cancel()
    await asyncio.gather(*attackers, return_exceptions=True)
    ids = [sid for sid in after if sid in before and after[sid]["state"] == "running"
           and before[sid]["state"] == "running"][:3]
    sps = [(after[sid]["step"] - before[sid]["step"]) / elapsed for sid in ids]
    for c in quiet:
        await c.close()
    return sps, control


async def largest(url, http_url, sessions, seconds):
    conns = [await Conn.open(url) for _ in range(sessions)]
    for c in conns:
        await c.call({"type": "set", "config": LARGEST})
        await c.call({"type": "density", "neuron": 64, "output": 200})
        await c.call({"type": "fps", "fps": 60})
        await c.call({"type": "play"})
    await asyncio.sleep(1.0)
    samples, control = [session_stats(http_url)], []
    for k in range(int(seconds)):
        t0 = time.monotonic()
        for i, c in enumerate(conns):
            sent = time.monotonic()
            received, _ = await c.call({"type": "fps", "fps": 60, "id": f"g{i}-{k}"})
            control.append(received - sent)
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
        samples.append(session_stats(http_url))
    fewest = min(b[sid]["step"] - a[sid]["step"] for a, b in zip(samples, samples[1:])
                 for sid in a if sid in b)
    fps = [len(c.frames) / (seconds + 1) for c in conns]
    limited = sum(s["frame_limited"] for s in samples[-1].values())
    for c in conns:
        await c.close()
    return fewest, control, fps, limited


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each round")
    ap.add_argument("--rounds", type=int, default=6, help="rounds of (a)")
    ap.add_argument("--sessions", type=int, default=20, help="sessions in (e)")
    ap.add_argument("--parts", default="abcdefg", help="which figures, e.g. fg (default all)")
    ap.add_argument("--pack", choices=("always", "auto", "never"), default="always",
                    help="NNPLAY_PACK_FRAMES: the frames' maps packed as for clients on other "
                    "machines (always, the default here), or raw as on loopback (auto, never)")
    args = ap.parse_args()
    os.environ["NNPLAY_PACK_FRAMES"] = args.pack  # the server subprocesses inherit it
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; server: real uvicorn "
          f"in a subprocess, loopback, no websocket compression, maps packed: {args.pack}")
    # Closed sessions wait resume_seconds for their client and count against the cap.
    if set("abcde") & set(args.parts):
        first_parts(args)
    if "f" in args.parts:
        flood(args)
    if "g" in args.parts:
        heavy(args)


def first_parts(args):
    with running("--max-sessions", str(3 * args.sessions + 10)) as server:
        url = server.ws_url
        streams = asyncio.run(streaming_rounds(url, args.rounds, args.seconds))
        ratios = sorted(r["sps"] / r["bare"] for r in streams)
        cost = 1 - statistics.median(ratios)
        print("\n(a) 2-8-8-8-8-8-8-1 at max speed, streaming 30 fps; the bare Trainer runs "
              f"at the same time in another process ({args.rounds} rounds of {args.seconds:g} s)")
        print("    streaming server   " + ", ".join(f"{r['sps']:.0f}" for r in streams)
              + " steps/s")
        print("    bare Trainer       " + ", ".join(f"{r['bare']:.0f}" for r in streams)
              + " steps/s")
        print(f"    wall clock         {100 * cost:.1f} % slower than the bare Trainer (median of "
              f"rounds; range {100 * (1 - ratios[-1]):.1f} to {100 * (1 - ratios[0]):.1f} %: "
              "the two processes share 2 noisy cores with the client)")
        train_share = statistics.median(r["train_share"] for r in streams)
        frame_share = statistics.median(r["frame_share"] for r in streams)
        frame_ms = statistics.median(r["frame_ms"] for r in streams)
        server_cost = 1 - train_share
        print(f"    server's own time  training {100 * train_share:.1f} %, building frames "
              f"{100 * frame_share:.1f} % ({frame_ms:.1f} ms a frame), the rest (sending, "
              f"scheduling) {100 * (1 - train_share - frame_share):.1f} %")
        print(f"    streaming costs    {100 * server_cost:.1f} % of the server's time, so of its "
              f"training speed (server accounting, median of rounds)   target ≤ 10%  "
              f"{'ok' if server_cost <= 0.10 else 'OVER'}; a frame in ≤ 1 ms  "
              f"{'ok' if frame_ms <= 1.0 else 'OVER'}")
        fps = statistics.median(r["fps"] for r in streams)
        print(f"(b) frames delivered {fps:9.1f} per second of 30 requested   target ≥ 29  "
              f"{'ok' if fps >= 29 else 'UNDER'}")
        size = max(r["bytes_max"] for r in streams)
        mean = statistics.mean(r["bytes_mean"] for r in streams)
        print(f"(c) bytes per frame  {size:9d} max, {mean:.0f} mean   target ≤ 32768  "
              f"{'ok' if size <= 32768 else 'OVER'}")
        lean = asyncio.run(streaming_rounds(url, max(2, args.rounds // 2), args.seconds,
                                            "lean"))
        lean_cost = 1 - statistics.median(r["train_share"] for r in lean)
        size = max(r["bytes_max"] for r in lean)
        print(f"(c′) lean frames     streaming costs {100 * lean_cost:.1f} % of the server's time "
              f"({statistics.median(r['frame_ms'] for r in lean):.2f} ms a frame, full "
              f"{frame_ms:.2f} ms); {statistics.median(r['fps'] for r in lean):.1f} fps; "
              f"bytes per frame {size} max, {statistics.mean(r['bytes_mean'] for r in lean):.0f} "
              f"mean   target ≤ 4096  {'ok' if size <= 4096 else 'OVER'}")
        lat = asyncio.run(latency_round(url, 200))
        p50, p99 = 1000 * pct(lat, 50), 1000 * pct(lat, 99)
        print(f"(d) set → first frame reflecting it: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
              f"(200 sets, playing at max)   target p99 ≤ 50 ms  {'ok' if p99 <= 50 else 'OVER'}")
        for label, config in (("default 2-4-2-1 net", None), ("6×8 net", DEEP)):
            fps_each, control = asyncio.run(classroom(url, args.sessions, 4 * args.seconds,
                                                      config))
            worst, p99 = min(fps_each), 1000 * pct(control, 99)
            ok = worst >= 20 and p99 <= 150
            print(f"(e) {args.sessions} sessions at max speed, {label}: fps each min "
                  f"{worst:.1f} / median {statistics.median(fps_each):.1f}; control p50 "
                  f"{1000 * pct(control, 50):.1f} ms, p99 {p99:.1f} ms "
                  f"({len(control)} replies)   target ≥ 20 fps, p99 ≤ 150 ms  "
                  f"{'ok' if ok else 'MISSED'}")


def flood(args):
    with running("--max-sessions", "100") as server:
        http = server.url
        calm, calm_control = asyncio.run(quiet_sessions(server.ws_url, http, 4 * args.seconds,
                                                        flood=False))
        hit, hit_control = asyncio.run(quiet_sessions(server.ws_url, http, 4 * args.seconds,
                                                      flood=True))
        ratio = min(h / c for h, c in zip(hit, calm)) if hit and calm else 0.0
        p99 = 1000 * pct(hit_control, 99)
        print(f"(f) flood: quiet sessions train at {', '.join(f'{h:.0f}' for h in hit)} steps/s "
              f"beside {', '.join(f'{c:.0f}' for c in calm)} without it: worst ratio "
              f"{ratio:.2f} (target ≥ 0.65); their command p50 "
              f"{1000 * pct(hit_control, 50):.1f} ms, p99 {p99:.1f} ms (target ≤ 150; "
              f"{1000 * pct(calm_control, 99):.1f} ms without the flood)  "
              f"{'ok' if ratio >= 0.65 and p99 <= 150 else 'MISSED'}")


def heavy(args):
    with running("--max-sessions", "40") as server:
        fewest, control, fps, limited = asyncio.run(largest(server.ws_url, server.url, 32,
                                                            4 * args.seconds))
        p99 = pct(control, 99)
        print(f"(g) 32 sessions at the largest configuration: fewest steps any session made in a "
              f"second {fewest} (target ≥ 1); command p50 {1000 * pct(control, 50):.0f} ms, "
              f"p99 {1000 * p99:.0f} ms (target ≤ 1000); frames/s each min {min(fps):.1f} / "
              f"median {statistics.median(fps):.1f} ({limited} sessions told their frames are "
              f"limited)  {'ok' if fewest >= 1 and p99 <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    main()
