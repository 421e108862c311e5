"""Browser benchmark: the real page in headless Chromium, training at max speed.

    python bench/browser.py [--seconds 20] [--settle 2] [--rounds 3] [--breakdown 3]

A real `nnplay` (uvicorn, in a subprocess) and Debian's /usr/bin/chromium (through
Playwright, viewport 1600×900, the flags of tests/e2e/browser.py) run four configurations, each
in a fresh browser context, opened from a link (the configuration is in the URL hash):

  (a) TensorFlow Playground's default: circle, 2-4-2-1 tanh, learning rate 0.03, batch 10,
      500 points of which half train (`#dataset=circle`; these are nnplay's defaults too);
  (b) spiral with six hidden layers of 8 (`#dataset=spiral&hidden_layers=8,8,8,8,8,8`);

and the same two in presentation mode, (c) and (d) (`&present=1`: larger type, larger
drawings, the same viewport).

For each, the script waits for the network and a drawn frame, prints the server's config as
the page holds it (window.nnplayTest.config()), sets the speed to max (sessions start at a
teaching pace of 100 steps/s), presses play (space), lets it settle (2 s),
then measures for --seconds (20 by default), reading the page at the start, once a second,
and at the end:

  page frame rate     requestAnimationFrame callbacks per second (stats.rafs, from the page's
                      test interface window.nnplayTest.stats(), docs/testing.md);
                      target ≥ 30. The median and minimum of the one-second rates too.
  frames drawn/s      frames the page drew (stats.drawn; at most one per animation frame, the
                      newest pending one). Target ≥ 30, judged on the rate rounded to a whole
                      frame, because the server sends exactly 30 per second.
  frames received/s   binary frames that arrived over the websocket (stats.received).
  draw time           the page's own timer around its draw function: stats.drawMs / drawn over
                      the window (mean; target ≤ 8 ms per drawn frame), and stats.maxDrawMs.
  rAF callback time   measured independently of the page: an init script wraps
                      window.requestAnimationFrame and times every callback with
                      performance.now(); per frame in which the page drew (mean, and max in
                      the window), and per animation frame.
  main thread         Chrome's own counters (CDP Performance.getMetrics, not tracing):
                      TaskDuration, i.e. everything the renderer's main thread did, including
                      the rendering steps after the rAF callbacks (style, layout, paint,
                      commit, canvas uploads) and message handling; in ms per second, per drawn
                      frame and per animation frame, with ScriptDuration, LayoutDuration and
                      RecalcStyleDuration beside it.
  long tasks          a PerformanceObserver on 'longtask' entries (main-thread tasks > 50 ms),
                      injected before load: ms per second and count; rAF gaps > 50 ms.
  epochs/s, steps/s   from the newest drawn frame's header (epoch_progress, step) at the start
                      and end of the window; targets ≥ 230 epochs/s on (a) and ≥ 110 on (b).
  CPU                 CPU time of each process over the window, from /proc: the server, the
                      Chromium renderer, its GPU/viz process, the rest of Chromium, the
                      Playwright driver, this script; and what the rest of the machine used
                      (other processes, time stolen by the host). The 2 cores are shared by
                      all of them, so other work on the machine lowers every figure.

Then, on the same page and server (--rounds, 3 by default, 0 skips): pairs of --round-seconds
blocks (3 s), the order alternating: the page's session training while the page draws it, and
a second session (same config) training while the page sits paused and a client that only
decodes frame headers watches it. The median ratio of adjacent blocks is what drawing the page
costs the training; the speed of these shared cores drifts by tens of percent within seconds,
so only adjacent blocks are compared.

With --breakdown SECONDS, a Chrome trace of that long (while playing, after the window) shows
where the renderer's main thread spends its time (self time by trace event) and which threads
are busy. Off by default: tracing slows the page.

TensorFlow Playground's figures (about 46 epochs/s on (a) and 11 on (b), one epoch per
animation frame in its page, in headless Chromium on this kind of machine) are quoted from the
acceptance text; they are not measured here.

Figures vary by ±20% between runs on a shared 2-core machine: compare within one run. Other
work on the machine (test suites, other servers) takes cores from all of the above, so before
each configuration the script waits up to --wait-quiet seconds (60) for it to drop under a
quarter of a core, prints how much there was during each window, and measures a
configuration again (--attempts, 2 in all) when it took more than half a core; the final table
keeps the quietest attempt. It is a
report, not a test: it exits 0 whatever the figures, 1 if a configuration could not be
measured, 2 if Chromium or Playwright is missing. Never run `playwright install`.
"""

import argparse
import json
import os
import statistics
import struct
import sys
import threading
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.e2e.server import running  # noqa: E402

VIEWPORT = {"width": 1600, "height": 900}
CONFIGS = [
    {"key": "a", "title": "TF Playground default: circle, 2-4-2-1 tanh, lr 0.03, batch 10, "
                          "500 points (half train)",
     "short": "2-4-2-1 circle", "hash": "#dataset=circle",
     "expect": {"dataset": "circle", "hidden_layers": [4, 2], "activation": "tanh",
                "learning_rate": 0.03, "batch_size": 10, "n_samples": 500,
                "train_ratio": 0.5},
     "epochs_target": 230, "tfp": 46},
    {"key": "b", "title": "spiral, six hidden layers of 8 (2-8-8-8-8-8-8-1)",
     "short": "6×8 spiral", "hash": "#dataset=spiral&hidden_layers=8,8,8,8,8,8",
     "expect": {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8, 8, 8]},
     "epochs_target": 110, "tfp": 11},
    # the same two in presentation mode (larger type and drawings: more pixels to paint)
    {"key": "c", "title": "(a) in presentation mode (#present=1)",
     "short": "(a) presenting", "hash": "#dataset=circle&present=1",
     "expect": {"dataset": "circle", "hidden_layers": [4, 2]},
     "epochs_target": 230, "tfp": 46},
    {"key": "d", "title": "(b) in presentation mode (#present=1)",
     "short": "(b) presenting", "hash": "#dataset=spiral&hidden_layers=8,8,8,8,8,8&present=1",
     "expect": {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8, 8, 8]},
     "epochs_target": 110, "tfp": 11},
]
FPS_TARGET = 30
NOISY = 0.5  # cores used by other work during a window, above which it is measured again
DRAW_MS_TARGET = 8.0

# Runs before any of the page's scripts: times every requestAnimationFrame callback, groups
# callbacks by their frame timestamp, notes whether the page drew in that frame, and sums
# long tasks. Everything is cumulative; the script takes differences.
INIT_SCRIPT = r"""
(() => {
  const acc = {
    frames: 0, callbacks: 0, cbMs: 0,
    drawnFrames: 0, drawnMs: 0, maxDrawnMs: 0, maxFrameMs: 0, windowMax: 0, windowDrawnMax: 0,
    gapsOver50: 0, maxGap: 0,
    longTasks: 0, longTaskMs: 0, longTaskError: null,
  };
  window.__bench = acc;
  const raf = window.requestAnimationFrame.bind(window);
  let frameTs = null, frameMs = 0, frameDrew = false;
  function closeFrame() {
    if (frameTs === null) return;
    acc.frames += 1;
    acc.maxFrameMs = Math.max(acc.maxFrameMs, frameMs);
    acc.windowMax = Math.max(acc.windowMax, frameMs);
    if (frameDrew) {
      acc.drawnFrames += 1;
      acc.drawnMs += frameMs;
      acc.maxDrawnMs = Math.max(acc.maxDrawnMs, frameMs);
      acc.windowDrawnMax = Math.max(acc.windowDrawnMax, frameMs);
    }
  }
  window.requestAnimationFrame = function (callback) {
    return raf((ts) => {
      if (ts !== frameTs) {
        closeFrame();
        if (frameTs !== null) {
          const gap = ts - frameTs;
          acc.maxGap = Math.max(acc.maxGap, gap);
          if (gap > 50) acc.gapsOver50 += 1;
        }
        frameTs = ts; frameMs = 0; frameDrew = false;
      }
      const page = window.nnplayTest;
      const before = page ? page.stats().drawn : 0;
      const t0 = performance.now();
      try {
        callback(ts);
      } finally {
        const ms = performance.now() - t0;
        acc.callbacks += 1;
        acc.cbMs += ms;
        frameMs += ms;
        if (page && page.stats().drawn !== before) frameDrew = true;
      }
    });
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        acc.longTasks += 1;
        acc.longTaskMs += e.duration;
      }
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {
    acc.longTaskError = String(e);
  }
})();
"""

# One reading of the page: cumulative counters and the newest drawn frame's position.
SNAPSHOT = """() => {
  const n = window.nnplayTest, b = window.__bench;
  const f = n.frame(), h = f ? f.header : null;
  const out = { t: performance.now(), stats: n.stats(), bench: { ...b },
                epoch: h ? h.epoch_progress : null, step: h ? h.step : null,
                session: n.session() };
  b.windowMax = 0; b.windowDrawnMax = 0;
  return out;
}"""

READY = """([expect, layers]) => {
  const n = window.nnplayTest;
  if (!n || !n.ready()) return false;
  const c = n.config();
  for (const [k, v] of Object.entries(expect)) {
    if (JSON.stringify(c[k]) !== JSON.stringify(v)) return false;
  }
  return n.network().sizes.length === layers + 2 && n.stats().drawn > 0;
}"""


# -- process CPU, from /proc ------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def _proc_table():
    """{pid: (ppid, cpu seconds, cmdline)} for every readable process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        # fields after "pid (comm) ": state ppid ... utime(14) stime(15), i.e. rest[11], rest[12]
        table[int(name)] = (int(rest[1]), (int(rest[11]) + int(rest[12])) / TICK, cmd)
    return table


def machine_cpu():
    """Cumulative (busy, steal, total) CPU seconds of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    steal = v[7] if len(v) > 7 else 0
    total = sum(v[:8])
    return (total - idle - steal) / TICK, steal / TICK, total / TICK


def cpu_by_role(server_pid):
    """CPU seconds used so far by this script's process tree, by role."""
    table = _proc_table()
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)

    def tree(root):
        out, todo = [], [root]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    roles = {}
    server = set(tree(server_pid)) if server_pid in table else set()
    for pid in tree(os.getpid()):
        if pid not in table:
            continue
        _, cpu, cmd = table[pid]
        if pid == os.getpid():
            role = "this script"
        elif pid in server:
            role = "server"
        elif "chrom" in cmd:
            if "--type=renderer" in cmd and "--top-chrome-webui" not in cmd:
                role = "chromium renderer"
            elif "--type=gpu-process" in cmd:
                role = "chromium gpu/viz"
            else:
                role = "chromium other"
        elif "node" in cmd or "playwright" in cmd:
            role = "playwright driver"
        else:
            role = "other"
        roles[role] = roles.get(role, 0.0) + cpu
    busy, steal, _ = machine_cpu()
    roles["(machine busy)"] = busy
    roles["(machine steal)"] = steal
    return roles


def other_load(server_pid, seconds=2.0):
    """Cores used over `seconds` by everything outside this benchmark's processes."""
    a = cpu_by_role(server_pid)
    time.sleep(seconds)
    b = cpu_by_role(server_pid)
    d = {k: b[k] - a.get(k, 0.0) for k in b}
    busy = d.pop("(machine busy)") + d.pop("(machine steal)")
    return max(0.0, busy - sum(d.values())) / seconds


def wait_for_quiet(server_pid, limit, threshold=0.25):
    """Wait up to `limit` seconds for other work on the machine to drop under `threshold`
    cores (over 2 s); returns (seconds waited, the last reading)."""
    t0 = time.monotonic()
    while True:
        load = other_load(server_pid)
        if load < threshold or time.monotonic() - t0 >= limit:
            return time.monotonic() - t0, load


# -- the page ---------------------------------------------------------------------------------
def measure_page(browser, server, cfg, args):
    """Open the page with cfg's hash, play, and measure for args.seconds; then, on the same
    page, the optional trace breakdown and the page-vs-no-page rounds."""
    context = browser.new_context(viewport=VIEWPORT)
    errors = []
    try:
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(
            f"{m.text} [{m.location.get('url', '')}]"))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.goto(server.url + cfg["hash"])
        page.wait_for_function(READY, arg=[cfg["expect"], len(cfg["expect"].get(
            "hidden_layers", [4, 2]))], timeout=30000)
        config = page.evaluate("() => window.nnplayTest.config()")
        # Sessions start at a teaching pace (100 steps/s); the benchmark trains at max.
        speed = page.evaluate(MAX_SPEED)
        if speed != "applied":
            raise RuntimeError(f"speed max was not applied: {speed}")
        page.keyboard.press(" ")
        page.wait_for_function(RUNNING, timeout=15000)
        time.sleep(args.settle)

        def reading():
            snap = page.evaluate(SNAPSHOT)
            metrics = {m["name"]: m["value"]
                       for m in cdp.send("Performance.getMetrics")["metrics"]}
            return snap, metrics, cpu_by_role(server.pid)

        first = reading()
        seconds = []  # one-second readings, for per-second rates
        prev = first[0]
        end = time.monotonic() + args.seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(1.0, left))
            snap = page.evaluate(SNAPSHOT)
            dt = (snap["t"] - prev["t"]) / 1000
            if dt > 0.5:
                seconds.append({
                    "rafs": (snap["stats"]["rafs"] - prev["stats"]["rafs"]) / dt,
                    "drawn": (snap["stats"]["drawn"] - prev["stats"]["drawn"]) / dt,
                    "epochs": (snap["epoch"] - prev["epoch"]) / dt,
                    "max_frame_ms": snap["bench"]["windowMax"],
                })
            prev = snap
        last = reading()
        out = {"config": config, "first": first, "last": last, "seconds": seconds,
               "errors": errors, "session_after": last[0]["session"], "breakdown": None,
               "rounds": None}
        if args.breakdown > 0:
            out["breakdown"] = trace_breakdown(browser, args.breakdown)
        if args.rounds > 0:
            out["rounds"] = page_vs_no_page(page, server, cfg, args.rounds, args.round_seconds)
        else:
            page.evaluate(ACT, "pause")
        return out
    finally:
        context.close()


MAX_SPEED = ("async () => (await window.nnplayTest.act({type: 'speed', "
             "steps_per_second: 'max'})).type")
RUNNING = ("() => window.nnplayTest.session() === 'running' && "
           "window.nnplayTest.frame().header.state === 'running'")
ACT = "async (type) => (await window.nnplayTest.act({ type })).type"
EPOCH = "() => [performance.now(), window.nnplayTest.frame().header.epoch_progress]"


def figures(m):
    (s0, c0, p0), (s1, c1, p1) = m["first"], m["last"]
    T = (s1["t"] - s0["t"]) / 1000
    d = lambda k: s1["stats"][k] - s0["stats"][k]  # noqa: E731
    b = lambda k: s1["bench"][k] - s0["bench"][k]  # noqa: E731
    c = lambda k: (c1.get(k, 0) - c0.get(k, 0)) * 1000  # noqa: E731  CDP seconds → ms
    drawn, rafs = d("drawn"), d("rafs")
    frames = b("frames") or 1
    drawn_frames = b("drawnFrames") or 1
    roles = sorted(set(p0) | set(p1))
    cpu = {r: (p1.get(r, 0) - p0.get(r, 0)) / T for r in roles}
    other = (cpu.get("(machine busy)", 0.0) + cpu.get("(machine steal)", 0.0)
             - sum(v for r, v in cpu.items() if not r.startswith("(")))
    per_sec = m["seconds"]
    return {
        "T": T, "rafs": rafs / T, "drawn": drawn / T, "received": d("received") / T,
        "bytes": d("bytes") / max(1, d("received")),
        "draw_mean": d("drawMs") / max(1, drawn), "draw_max_since_load": s1["stats"]["maxDrawMs"],
        "cb_per_frame": b("cbMs") / frames, "cb_per_drawn": b("drawnMs") / drawn_frames,
        "cb_max_drawn": max([x["max_frame_ms"] for x in per_sec] + [s1["bench"]["windowMax"]]),
        "callbacks_per_frame": b("callbacks") / frames,
        "gaps50": b("gapsOver50") / T, "max_gap": s1["bench"]["maxGap"],
        "longtasks": b("longTasks"), "longtask_ms_s": b("longTaskMs") / T,
        "longtask_error": s1["bench"]["longTaskError"],
        "task_ms_s": c("TaskDuration") / T, "script_ms_s": c("ScriptDuration") / T,
        "layout_ms_s": c("LayoutDuration") / T, "style_ms_s": c("RecalcStyleDuration") / T,
        "task_per_frame": c("TaskDuration") / frames,
        "epochs": (s1["epoch"] - s0["epoch"]) / T, "steps": (s1["step"] - s0["step"]) / T,
        "raf_median": statistics.median(x["rafs"] for x in per_sec) if per_sec else float("nan"),
        "raf_min": min((x["rafs"] for x in per_sec), default=float("nan")),
        "drawn_min": min((x["drawn"] for x in per_sec), default=float("nan")),
        "epochs_median": statistics.median(x["epochs"] for x in per_sec) if per_sec
        else float("nan"),
        "cpu": cpu, "other": other, "errors": m["errors"], "session_after": m["session_after"],
    }


# -- the page open or idle: what drawing costs the training -------------------------------------
class HeaderClient:
    """A websocket session of its own, watched by a thread that only decodes frame headers."""

    def __init__(self, ws_url, config):
        from websockets.sync.client import connect

        self._connection = connect(ws_url, proxy=None, compression=None, max_size=2**24)
        self.ws = self._connection.__enter__()
        json.loads(self.ws.recv())  # hello
        self.frames = []  # (monotonic time, epoch_progress, step)
        self.replies = {}
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.call({"type": "set", "config": config})
        self.call({"type": "speed", "steps_per_second": "max"})  # sessions start at 100/s

    def _read(self):
        try:
            for m in self.ws:
                if isinstance(m, bytes):
                    (n,) = struct.unpack_from("<I", m, 0)
                    h = json.loads(m[4:4 + n])
                    if h["type"] == "frame":
                        self.frames.append((time.monotonic(), h["epoch_progress"], h["step"]))
                else:
                    m = json.loads(m)
                    if m.get("id") is not None:
                        with self.cond:
                            self.replies[m["id"]] = m
                            self.cond.notify_all()
        except Exception:  # closed
            pass

    def call(self, command, timeout=10.0):
        cid = f"bench{time.monotonic_ns()}"
        self.ws.send(json.dumps({**command, "id": cid}))
        with self.cond:
            if not self.cond.wait_for(lambda: cid in self.replies, timeout):
                raise TimeoutError(f"no reply to {command}")
            return self.replies.pop(cid)

    def rate(self, t0, t1):
        f = [x for x in self.frames if t0 <= x[0] <= t1]
        span = f[-1][0] - f[0][0]
        return (f[-1][1] - f[0][1]) / span, (f[-1][2] - f[0][2]) / span

    def close(self):
        self._connection.__exit__(None, None, None)
        self.thread.join(5)


def page_vs_no_page(page, server, cfg, rounds, seconds):
    """Alternate blocks on the same server: the page's session training while the page draws
    it, and a header-only client's session training (same config) while the page sits idle
    (paused). Adjacent blocks are paired, the order alternating, because the speed of these
    shared cores drifts by tens of percent within seconds."""
    client = HeaderClient(server.ws_url, {k: cfg["expect"][k]
                                          for k in ("dataset", "hidden_layers")})
    try:
        page.evaluate(ACT, "pause")
        out = []
        for i in range(rounds):
            pair = {}
            for which in (("page", "none") if i % 2 == 0 else ("none", "page")):
                if which == "page":
                    page.evaluate(ACT, "play")
                    page.wait_for_function(RUNNING, timeout=15000)
                    time.sleep(0.5)
                    t0, e0 = page.evaluate(EPOCH)
                    time.sleep(seconds)
                    t1, e1 = page.evaluate(EPOCH)
                    page.evaluate(ACT, "pause")
                    pair["page"] = (e1 - e0) / ((t1 - t0) / 1000)
                else:
                    client.call({"type": "play"})
                    time.sleep(0.5)
                    t0 = time.monotonic()
                    time.sleep(seconds)
                    pair["none"] = client.rate(t0, time.monotonic())[0]
                    client.call({"type": "pause"})
                time.sleep(0.2)
            out.append(pair)
        return out
    finally:
        client.close()


# -- where the main thread's time goes (opt-in: a Chrome trace) ---------------------------------
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline",
                    "disabled-by-default-devtools.timeline.frame", "toplevel", "v8", "blink",
                    "cc", "gpu", "viz", "benchmark"]


def _busy_and_self(spans):
    """(time covered by top-level events, {name: self time}) of one thread's complete events
    [(start, end, name)], in µs; children are clipped to their parent."""
    spans = sorted(spans, key=lambda s: (s[0], -s[1]))
    busy, stack, selfs = 0.0, [], {}  # stack entries: [end, name, child time, start]

    def pop():
        end, n, child, start = stack.pop()
        selfs[n] = selfs.get(n, 0.0) + (end - start) - child
        if stack:
            stack[-1][2] += end - start

    for start, end, n in spans:
        while stack and stack[-1][0] <= start:
            pop()
        if stack:
            end = min(end, stack[-1][0])
        else:
            busy += end - start
        stack.append([end, n, 0.0, start])
    while stack:
        pop()
    return busy, selfs


def trace_breakdown(browser, seconds):
    """Trace `seconds` of the playing page; self time by event name on the renderer's main
    thread, and busy time (top-level events) of every busy thread, in ms per second."""
    browser.start_tracing(categories=TRACE_CATEGORIES)
    time.sleep(seconds)
    events = json.loads(browser.stop_tracing())
    events = events["traceEvents"] if isinstance(events, dict) else events
    names, processes = {}, {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[(e["pid"], e["tid"])] = e["args"]["name"]
        elif e.get("ph") == "M" and e.get("name") == "process_name":
            processes[e["pid"]] = e["args"]["name"]
    spans = {}
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            spans.setdefault((e["pid"], e["tid"]), []).append(
                (e["ts"], e["ts"] + e["dur"], e["name"]))
    lo = min(s[0] for v in spans.values() for s in v)
    hi = max(s[1] for v in spans.values() for s in v)
    T = max(1e-9, (hi - lo) / 1e6)
    threads, main_self = {}, {}
    for key, v in spans.items():
        name = names.get(key, f"thread {key[1]}")
        busy, selfs = _busy_and_self(v)
        label = f"{processes.get(key[0], key[0])}/{name}"
        threads[label] = threads.get(label, 0.0) + busy / 1000 / T
        if name == "CrRendererMain":
            for n, us in selfs.items():
                main_self[n] = main_self.get(n, 0.0) + us / 1000 / T
    return {"seconds": T, "threads": threads, "main_self": main_self}


# -- report ------------------------------------------------------------------------------------
def verdict(ok, low=True):
    return "ok" if ok else ("UNDER" if low else "OVER")


def report(cfg, m, f):
    k = cfg["key"]
    print(f"\n({k}) {cfg['title']}   link {cfg['hash']}")
    c = m["config"]
    print("    server config (window.nnplayTest.config()): " + json.dumps(c, sort_keys=True))
    print(f"    measured {f['T']:.1f} s after {ARGS.settle:g} s of settling; session "
          f"{f['session_after']} at the end; {len(f['errors'])} console errors"
          + (f" (first: {f['errors'][0]})" if f["errors"] else ""))
    rows = []
    fps_ok = f["rafs"] >= FPS_TARGET
    drawn_ok = round(f["drawn"]) >= FPS_TARGET
    draw_ok = f["draw_mean"] <= DRAW_MS_TARGET
    ep_ok = f["epochs"] >= cfg["epochs_target"]
    rows.append(("page frame rate (rAF/s)", f"{f['rafs']:.1f}",
                 f"median {f['raf_median']:.0f}, min {f['raf_min']:.0f} per 1-s reading",
                 f"≥ {FPS_TARGET}", verdict(fps_ok)))
    rows.append(("frames drawn/s", f"{f['drawn']:.1f}",
                 f"min {f['drawn_min']:.0f} per 1-s reading",
                 f"≥ {FPS_TARGET}", verdict(drawn_ok)))
    rows.append(("frames received/s", f"{f['received']:.1f}",
                 f"{f['bytes'] / 1024:.1f} KiB per frame", "", ""))
    rows.append(("draw time per drawn frame", f"{f['draw_mean']:.2f} ms",
                 f"page's timer; max since load {f['draw_max_since_load']:.1f} ms",
                 f"≤ {DRAW_MS_TARGET:g} ms", verdict(draw_ok, low=False)))
    rows.append(("rAF callback time / drawn fr.", f"{f['cb_per_drawn']:.2f} ms",
                 f"wrapper; max {f['cb_max_drawn']:.1f} ms; "
                 f"{f['cb_per_frame']:.2f} ms per animation frame", "", ""))
    rows.append(("main thread, all tasks (CDP)", f"{f['task_ms_s']:.0f} ms/s",
                 f"{f['task_ms_s'] / max(f['drawn'], 1e-9):.1f} ms per drawn frame, "
                 f"{f['task_per_frame']:.2f} ms per animation frame; script "
                 f"{f['script_ms_s']:.0f}, layout {f['layout_ms_s']:.0f}, style "
                 f"{f['style_ms_s']:.0f} ms/s", "", ""))
    lt = (f"unsupported: {f['longtask_error']}" if f["longtask_error"] else
          f"{f['longtasks']} tasks > 50 ms; frame gaps > 50 ms {f['gaps50']:.2f}/s, "
          f"longest {f['max_gap']:.0f} ms since load")
    rows.append(("long tasks", f"{f['longtask_ms_s']:.1f} ms/s", lt, "", ""))
    rows.append(("training epochs/s", f"{f['epochs']:.1f}",
                 f"median {f['epochs_median']:.0f} per 1-s reading; TF Playground "
                 f"≈{cfg['tfp']} (quoted)", f"≥ {cfg['epochs_target']}", verdict(ep_ok)))
    rows.append(("training steps/s", f"{f['steps']:.0f}", "", "", ""))
    rounds = m["rounds"]
    if rounds:
        with_page = [r["page"] for r in rounds]
        without = [r["none"] for r in rounds]
        ratio = statistics.median(r["page"] / r["none"] for r in rounds)
        rows.append(("epochs/s: page drawing", f"{statistics.median(with_page):.0f}",
                     f"median of {len(rounds)} blocks of {ARGS.round_seconds:g} s: "
                     + ", ".join(f"{x:.0f}" for x in with_page), "", ""))
        rows.append(("epochs/s: page idle", f"{statistics.median(without):.0f}",
                     "a header-only client's session, blocks alternating with the above: "
                     + ", ".join(f"{x:.0f}" for x in without), "", ""))
        rows.append(("  drawing/idle", f"{ratio:.2f}",
                     "median of adjacent pairs: what the page's drawing costs the training",
                     "", ""))
    for name, value, note, target, v in rows:
        print(f"    {name:30s} {value:>10s}   {target:9s} {v:5s}  {note}")
    cpu = dict(f["cpu"])
    busy, steal = cpu.pop("(machine busy)", 0.0), cpu.pop("(machine steal)", 0.0)
    other = busy - sum(cpu.values())
    cores = ", ".join(f"{r} {100 * x:.0f}%" for r, x in
                      sorted(cpu.items(), key=lambda kv: -kv[1]) if x >= 0.005)
    print(f"    CPU over the window (% of one core; {os.cpu_count()} cores = "
          f"{100 * os.cpu_count()}%): {cores}; outside this benchmark {100 * other:.0f}%; "
          f"machine busy {100 * busy:.0f}%, stolen by the host {100 * steal:.0f}%")
    if other > 0.2 or steal > 0.1:
        print(f"    NOTE: other work took {100 * (other + steal):.0f}% of a core during this "
              "window; the figures above are lower than on a quiet machine")
    if m["breakdown"]:
        bd = m["breakdown"]
        top = sorted(bd["main_self"].items(), key=lambda kv: -kv[1])[:14]
        print(f"    trace of {bd['seconds']:.1f} s while playing (self time on the renderer "
              "main thread, ms/s): " + ", ".join(f"{n} {v:.0f}" for n, v in top if v >= 1))
        busy = sorted(bd["threads"].items(), key=lambda kv: -kv[1])
        print("    busy threads (ms/s): " + ", ".join(f"{n} {v:.0f}" for n, v in busy
                                                     if v >= 5))
    missed = [name for name, ok in (("fps", fps_ok), ("drawn/s", drawn_ok),
                                    ("draw ms", draw_ok), ("epochs/s", ep_ok)) if not ok]
    return missed


ARGS = None


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0, help="measuring window per config")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds after play before it")
    ap.add_argument("--rounds", type=int, default=3,
                    help="pairs of blocks, page drawing vs page idle, per config (0 skips)")
    ap.add_argument("--round-seconds", type=float, default=3.0, help="length of each block")
    ap.add_argument("--breakdown", type=float, default=0.0, metavar="SECONDS",
                    help="also record a Chrome trace this long and print where the main "
                    "thread's time goes (off by default: tracing slows the page)")
    ap.add_argument("--wait-quiet", type=float, default=60.0, metavar="SECONDS",
                    help="before each configuration, wait up to this long for other work on "
                    "the (shared) machine to drop under a quarter of a core (0: don't wait)")
    ap.add_argument("--attempts", type=int, default=2,
                    help="measure a configuration again (up to this many times in all) when "
                    "other work took more than half a core during its window; the table "
                    "keeps the quietest attempt")
    ap.add_argument("--only", choices=[c["key"] for c in CONFIGS],
                    help="run one configuration")
    ARGS = args = ap.parse_args()

    try:
        from playwright.sync_api import sync_playwright
        import pytest
        from tests.e2e.browser import launch
    except ImportError as e:
        print(f"cannot run: {e} (pip install playwright; never `playwright install`)")
        return 2

    configs = [c for c in CONFIGS if args.only in (None, c["key"])]
    results = {}
    failed = []
    with running("--max-sessions", "16") as server, sync_playwright() as p:
        try:
            browser = launch(p)
        except pytest.skip.Exception as e:
            print(f"cannot run: {e}")
            return 2
        try:
            load = open("/proc/loadavg").read().split()[:3]
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
                  f"{' '.join(load)}; Chromium {browser.version} headless, software "
                  f"rendering, viewport {VIEWPORT['width']}×{VIEWPORT['height']}; server: real "
                  "uvicorn in a subprocess, speed max, 30 fps")
            for cfg in configs:
                try:
                    for attempt in range(1, args.attempts + 1):
                        if args.wait_quiet > 0:
                            waited, load = wait_for_quiet(server.pid, args.wait_quiet)
                            print(f"\n[({cfg['key']}) attempt {attempt}: other work on the "
                                  f"machine {100 * load:.0f}% of a core after waiting "
                                  f"{waited:.0f} s"
                                  + ("; going ahead anyway]" if load >= 0.25 else "]"))
                        m = measure_page(browser, server, cfg, args)
                        f = figures(m)
                        this = (f, report(cfg, m, f), m["rounds"])
                        best = results.get(cfg["key"])
                        if best is None or f["other"] < best[0]["other"]:
                            results[cfg["key"]] = this
                        if f["other"] <= NOISY:
                            break
                        if attempt < args.attempts:
                            print(f"    other work took {100 * f['other']:.0f}% of a core "
                                  f"(> {100 * NOISY:.0f}%): measuring ({cfg['key']}) again")
                except Exception as e:  # one configuration failing still reports the other
                    failed.append(cfg["key"])
                    print(f"\n({cfg['key']}) {cfg['title']}: FAILED: {e!r}")
                    traceback.print_exc(limit=3)
        finally:
            browser.close()

    print("\nThe quietest attempt of each configuration (other work on the machine: "
          + ", ".join(f"({k}) {100 * results[k][0]['other']:.0f}% of a core"
                      for k in sorted(results)) + ")")
    print("Targets (acceptance): ≥ 30 frames per second drawn, ≤ 8 ms drawing per frame, "
          "≥ 230 epochs/s on (a) and ≥ 110 on (b), i.e. 5× and 10× TensorFlow Playground's "
          "≈46 and ≈11 (quoted from the acceptance text, not measured here).")
    print(f"    {'':18s} {'rAF/s':>6s} {'drawn/s':>8s} {'recv/s':>7s} {'draw ms':>8s} "
          f"{'rAF cb ms':>9s} {'epochs/s':>9s} {'target':>7s} {'draw/idl':>8s} {'TFP':>5s} "
          f"{'× TFP':>6s}")
    for cfg in configs:
        if cfg["key"] not in results:
            print(f"    ({cfg['key']}) {cfg['short']:14s} FAILED")
            continue
        f, missed, rounds = results[cfg["key"]]
        noref = (f"{statistics.median(r['page'] / r['none'] for r in rounds):8.2f}" if rounds
                 else f"{'–':>8s}")
        print(f"    ({cfg['key']}) {cfg['short']:14s} {f['rafs']:6.1f} {f['drawn']:8.1f} "
              f"{f['received']:7.1f} {f['draw_mean']:8.2f} {f['cb_per_drawn']:9.2f} "
              f"{f['epochs']:9.1f} {'≥ ' + str(cfg['epochs_target']):>7s} "
              f"{noref} {cfg['tfp']:5d} {f['epochs'] / cfg['tfp']:6.1f}"
              + ("   ok" if not missed else "   missed: " + ", ".join(missed)))
    parts = []
    for cfg in configs:
        if cfg["key"] not in results:
            parts.append(f"({cfg['key']}) FAILED")
            continue
        f, missed, _ = results[cfg["key"]]
        parts.append(f"({cfg['key']}) {f['rafs']:.0f} rAF/s, {f['drawn']:.1f} drawn/s, "
                     f"{f['draw_mean']:.1f} ms/draw, {f['epochs']:.1f} epochs/s "
                     + ("ok" if not missed else "MISSED " + ",".join(missed)))
    print("summary: " + "; ".join(parts))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
