"""Lean frames on the server: the `frames` command, what a lean frame carries, and frames that
follow how fast each client reads (app/linkrate.py), on a moved clock and over a real socket."""

import asyncio
import json
import socket
import time

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import connect

from app import frames
from app.linkrate import LinkRate
from app.settings import Settings
from tests.app.test_commands import applied, frame_after, send
from tests.e2e.server import running

SPIRAL_6x8 = {"dataset": "spiral", "hidden_layers": [8, 8, 8, 8, 8, 8]}


@pytest.mark.command("frames")
def test_frames_chooses_what_frames_carry(wire):
    applied(wire, {"type": "set", "config": SPIRAL_6x8})
    reply, _ = applied(wire, {"type": "frames", "mode": "lean"})
    assert reply["mode"] == "lean" and reply["lean"] is True
    lean = frame_after(wire, reply)
    assert lean["lean"] is True
    assert not [k for k in lean["arrays"] if k.startswith(("tiles", "output"))]
    assert {"W1", "b1", "W7", "b7", "histograms", "grad_norms"} <= set(lean["arrays"])
    reply, _ = applied(wire, {"type": "frames", "mode": "full"})
    full = frame_after(wire, reply)
    assert "lean" not in full and full["arrays"]["tiles1"].shape[0] == 8
    assert full["arrays"]["output"].shape == (100, 100)
    reply, _ = applied(wire, {"type": "frames", "mode": "auto"})
    assert reply["lean"] is False  # a fast link: the engine's own maps
    assert "lean" not in frame_after(wire, reply)


def test_lean_frames_carry_batch_norms_evaluation_statistics(wire):
    applied(wire, {"type": "set", "config": {"batch_norm": True, "hidden_layers": [3]}})
    reply, _ = applied(wire, {"type": "frames", "mode": "lean"})
    f = frame_after(wire, reply)
    assert f["arrays"]["bn_mean1"].shape == (3,) and f["arrays"]["bn_scale1"].shape == (3,)
    assert "bn_mean2" not in f["arrays"]  # the output layer has none


@pytest.mark.parametrize("message, field, value", [
    ({"type": "frames", "mode": "thin"}, "mode", "thin"),
    ({"type": "frames", "mode": 1}, "mode", 1),
    ({"type": "frames"}, "mode", None),
    ({"type": "frames", "mode": "lean", "fps": 3}, "fps", 3),
])
def test_a_bad_frames_command_names_field_value_and_allowed(wire, message, field, value):
    reply, _ = send(wire, message)
    assert reply["type"] == "error" and reply["code"] == "invalid_value", reply
    assert reply["field"] == field and reply["value"] == value, reply
    if field == "mode" and value is not None:
        assert all(m in reply["allowed"] for m in ("'full'", "'lean'", "'auto'")), reply
    applied(wire, {"type": "frames", "mode": "lean"})  # the session goes on


def test_a_lean_6x8_frame_is_small():
    from nncore import Config, Trainer, probes

    tr = Trainer(Config(**SPIRAL_6x8))
    probe = probes.PlaneProbe(tr.config.features, tr.data.extent,
                              frames.tile_density(32, 49), 100)
    sizes = {}
    for lean in (False, True):
        job = frames.FrameJob(
            net=tr.net, points=tr.eval_points, order=tr.eval_order, probe=probe, sample=None,
            losses=tr.step(100).losses, first_loss_step=1, lean=lean,
            header={"type": "frame", "step": tr.step_count, "epoch_progress": 0.5})
        sizes[lean] = len(frames.packed(frames.render(job)[0]))
    # the targets, with a full frame's 32 loss points: bench/server.py prints the figures
    assert sizes[True] <= 4 * 1024 and sizes[False] <= 32 * 1024, sizes


def test_a_lean_frame_with_a_comparison_carries_its_weights_not_its_map(wire):
    applied(wire, {"type": "preset", "name": "mse_vs_cross_entropy"})
    reply, _ = applied(wire, {"type": "step", "n": 5})
    full = frame_after(wire, reply)
    assert "compare_output" in full["arrays"] and "compare_W1" not in full["arrays"]
    reply, _ = applied(wire, {"type": "frames", "mode": "lean"})
    lean = frame_after(wire, reply)
    assert lean["compare"]["label"] == "loss mse"
    names = set(lean["arrays"])
    assert not [k for k in names if k.startswith("compare_output")], names
    assert "compare_output_range" not in lean
    own = {k for k in names if k[:1] in "Wb" and k[1:].isdigit()}
    assert own and {f"compare_{k}" for k in own} == {k for k in names if k.startswith("compare_")}
    for k in own:  # another run: its own weights, of the same shapes
        assert lean["arrays"][f"compare_{k}"].shape == lean["arrays"][k].shape
    assert not np.array_equal(lean["arrays"]["compare_W2"], lean["arrays"]["W2"])
    assert "compare_network" not in lean  # only the loss differs: nothing else is sent


def render_with_comparison(config, changes, lean):
    """(header, arrays, the Comparison) of a frame of a briefly trained run and one beside it."""
    from app.compare import Comparison
    from nncore import Config, Trainer, probes

    config = Config(**config)
    tr, compare = Trainer(config), Comparison(config, changes)
    compare.step(tr.step(30).steps)
    probe = probes.PlaneProbe(config.features, tr.data.extent, 10, 20)
    job = frames.FrameJob(
        net=tr.net, points=tr.eval_points, order=tr.eval_order, probe=probe, sample=None,
        losses=np.zeros(0), first_loss_step=0, lean=lean, compare=compare,
        header={"type": "frame", "step": tr.step_count, "epoch_progress": 0.0})
    return *frames.unpack(frames.render(job)[0]), compare


def test_a_lean_frame_says_what_of_the_compared_network_differs():
    config = {"dataset": "blobs", "n_classes": 3, "hidden_layers": [5, 4],
              "output_activation": "softmax", "loss": "cross_entropy"}
    changes = {"hidden_layers": (3,), "activation": "relu", "batch_norm": True,
               "output_activation": "tanh", "loss": "mse"}
    header, arrays, compare = render_with_comparison(config, changes, lean=True)
    net = compare.trainer.net
    assert header["compare_network"] == {"sizes": [2, 3, 3], "activation": "relu",
                                         "output_activation": "tanh",
                                         "batch_norm": [True, False], "threshold": 0.0}
    for name, P in zip(net.param_names, net.params):
        np.testing.assert_array_equal(arrays[f"compare_{name}"], P.astype(np.float32))
    bn = net.layers[0].bn
    np.testing.assert_allclose(arrays["compare_bn_scale1"], bn.eval_scale(), rtol=1e-6)
    np.testing.assert_array_equal(arrays["compare_bn_mean1"], bn.running_mean.astype(np.float32))
    assert not [k for k in arrays if k.startswith("compare_output")]
    header, arrays, _ = render_with_comparison(config, changes, lean=False)
    assert "compare_network" not in header and "compare_W1" not in arrays
    assert arrays["compare_output_class"].shape == (20, 20)


def test_a_compared_run_on_other_features_has_no_map_lean_or_full():
    config = {"dataset": "circle", "hidden_layers": [3]}
    for lean in (True, False):
        header, arrays, _ = render_with_comparison(config, {"features": ("x1sq", "x2sq")}, lean)
        assert header["compare"]["label"].startswith("features")
        assert not [k for k in arrays if k.startswith("compare_")], lean
        assert "compare_network" not in header


# -- the link's judgement, on a clock the test moves -------------------------------------------
class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def window(link, clock, waited, frames_sent, nbytes=60_000, fps=30, auto=True):
    """One second in which `frames_sent` frames went out, the writes waiting `waited` s (none
    went out: one write waits, still going on)."""
    if frames_sent == 0:
        link.sending()
        clock.t += waited
    for _ in range(frames_sent):
        link.sending()
        clock.t += waited / frames_sent
        link.sent(nbytes)
    clock.t += 1.0 - waited + 1e-9  # a whole window, whatever the rounding
    return link.judge(fps, auto)


def test_a_congested_link_gets_lean_frames_then_fewer():
    clock = Clock()
    link = LinkRate(clock)
    assert not window(link, clock, 0.0, 30) and not link.lean and link.fps(30) == 30
    assert window(link, clock, 0.8, 10) and link.lean  # auto: lean first
    assert link.fps(30) == 30
    assert window(link, clock, 0.9, 10, nbytes=4000) and link.cap == 8  # 80% of 10 a second
    assert link.fps(30) == 8 and link.fps(5) == 5
    assert window(link, clock, 1.0, 0) and link.cap == 4  # nothing went out: halved


def test_a_link_that_drains_again_gets_its_frames_back():
    clock = Clock()
    link = LinkRate(clock)
    window(link, clock, 0.8, 10)
    window(link, clock, 0.9, 5, nbytes=4000)
    assert link.lean and link.cap == 4
    caps = []
    while link.cap is not None:
        window(link, clock, 0.0, link.fps(30), nbytes=4000)
        caps.append(link.cap)
    assert caps == sorted(caps[:-1]) + [None] and len(caps) < 10, caps
    while link.lean:  # full frames are tried again once lean ones held HOLD seconds
        window(link, clock, 0.0, 30, nbytes=4000)
    assert clock.t - 100.0 >= LinkRate.HOLD
    assert window(link, clock, 0.8, 10) and link.lean  # full frames congest again at once ...
    assert link.hold == 2 * LinkRate.HOLD  # ... so lean ones hold twice as long


def test_a_report_from_the_relay_is_judged_as_the_writes_themselves():
    """On Ray the relay measures the writes and reports them (LinkRate.report): the same
    second, reported, gives the same judgement as measured here."""
    measured, reported = LinkRate(clock := Clock()), LinkRate(clock)
    for _ in range(20):
        measured.sending()
        clock.t += 0.04
        measured.sent(60_000)
    reported.sending()  # what the host handed out counts as waiting until the report
    reported.report(20 * 60_000, 0.8, 20)
    clock.t += 0.2 + 1e-9
    assert measured.judge(30, True) and reported.judge(30, True)
    assert measured.lean and reported.lean and not reported.waiting
    assert reported.bytes_per_second == measured.bytes_per_second


def test_a_client_that_asked_for_full_frames_gets_fewer_not_lean():
    clock = Clock()
    link = LinkRate(clock)
    assert window(link, clock, 0.8, 10, auto=False)
    assert not link.lean and link.cap == 8


# -- over a real socket ------------------------------------------------------------------------
def session_stats(server, timeout=120):
    """The one session's stats. On Ray a host busy past the survey's timeout leaves its
    sessions out of /api/stats for that call, so an empty list is asked again."""
    deadline = time.monotonic() + timeout
    while not (sessions := httpx.get(server.url + "api/stats", timeout=60).json()["sessions"]):
        if time.monotonic() > deadline:
            raise AssertionError(f"no session listed within {timeout} s")
        time.sleep(0.05)
    (s,) = sessions
    return s


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)
    return value


# The client below stops reading for as long as the server takes to adapt, which on a loaded
# machine can pass the 20 s after which a client that takes nothing is let go as dead.
PATIENT = {"NNPLAY_WRITE_TIMEOUT": "600"}


def test_a_client_that_stops_reading_gets_lean_frames_fewer_of_them_and_training_goes_on():
    """A client stops reading: its frames go lean and then fewer, while its session trains at
    its pace; it reads again: its frames come back. Waits for conditions, never for time."""
    with running("--max-sessions", "4", env=PATIENT) as server:
        asyncio.run(_stop_reading(server))


async def _slow_reader(server, timeout=120):
    """A websocket with a small receive window, and its session's hello. A server that says
    `no_workers` (on Ray, no host answered in time: a loaded machine) is asked again, as the
    page does after a 1013."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window fills
        host, port = server.url.split("//")[1].rstrip("/").split(":")
        sock.connect((host, int(port)))
        sock.setblocking(False)
        # No keepalive pings: a client that stops reading cannot read their pongs either, and
        # would close itself (1011) once a phase of the test outlasted the ping timeout.
        ws = await connect(server.ws_url, sock=sock, proxy=None, max_size=2**24, max_queue=1,
                           compression=None, ping_interval=None)
        first = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if first["type"] == "hello":
            return ws
        await ws.close()
        assert first.get("code") == "no_workers", first
        if time.monotonic() > deadline:
            raise AssertionError(f"no session within {timeout} s: {first}")
        await asyncio.sleep(1.0)


async def _stop_reading(server):
    ws = await _slow_reader(server)
    stats = lambda: session_stats(server)  # noqa: E731
    loop = asyncio.get_running_loop()

    # The client reads all the time while `reading` is set, whatever the test waits for (a
    # stats call can take a second on a busy machine: reading only between two would make
    # a slow reader of it), and not at all while it is clear.
    reading_now = asyncio.Event()

    async def reader():
        while True:
            await reading_now.wait()
            await ws.recv()

    async def until(condition, timeout, what, reading=False):
        if reading:
            reading_now.set()
        else:
            reading_now.clear()
        deadline = time.monotonic() + timeout
        while not (value := await loop.run_in_executor(None, condition)):
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {what}: {stats()}")
            await asyncio.sleep(0.05)
        return value

    async def steps_per_second(steps, reading):
        first = await loop.run_in_executor(None, stats)
        t0 = time.monotonic()
        last = await until(lambda: (s := stats())["step"] >= first["step"] + steps and s,
                           120, f"{steps} steps", reading)
        return (last["step"] - first["step"]) / (time.monotonic() - t0)

    reading_task = asyncio.create_task(reader())
    try:  # deadlines only guard against a hang: each wait is for a condition
        for command in ({"type": "set", "config": SPIRAL_6x8},
                        {"type": "speed", "steps_per_second": 200}, {"type": "play"}):
            await ws.send(json.dumps(command))
        await until(lambda: stats()["state"] == "running", 120, "running", reading=True)
        reading_rate = await steps_per_second(200, reading=True)
        await until(lambda: (s := stats())["frames"] == "auto" and not s["lean"]
                    and s["fps"] == 30, 120, "full frames at 30 fps while it reads", True)

        # stop reading: lean frames first, then fewer of them
        await until(lambda: stats()["lean"], 120, "lean frames")
        await until(lambda: stats()["fps"] < 30, 120, "a lower frame rate")
        blocked_rate = await steps_per_second(200, reading=False)
        # Training goes on at its pace (200 steps/s asked). Both rates are read through
        # /api/stats on a machine that may be busy, which blurs each by a fraction (one
        # reading phase measured 266 steps/s): half of the pace tells "goes on" from "held
        # back by the client" (a session held back by its client would stand at 0).
        assert blocked_rate >= 0.5 * min(reading_rate, 200), (blocked_rate, reading_rate)

        # read again: the frame rate comes back, then full frames
        await until(lambda: stats()["fps"] == 30, 120, "the frame rate back", reading=True)
        await until(lambda: not stats()["lean"], 120, "full frames back", reading=True)
    finally:
        reading_task.cancel()
        await ws.close()


def test_status_events_for_a_slow_reader_are_only_the_newest():
    """A client slow to read gets the newest frame rate and save once, not a backlog."""
    from app.session import Session

    s = Session(Settings(open_browser=False, downloads=False, save=False))
    s.outbox.clear()
    for fps in (30, 20, 10):
        s.tell({"type": "frame_rate", "limited": True, "fps": fps})
        s.tell({"type": "saved", "step": fps})
    s.tell({"type": "download", "dataset": "mnist", "state": "downloading", "bytes": 1})
    s.tell({"type": "download", "dataset": "mnist", "state": "downloading", "bytes": 2})
    kinds = [(m["type"], m.get("fps", m.get("step", m.get("bytes")))) for m in s.outbox]
    assert kinds == [("frame_rate", 10), ("saved", 10), ("download", 1), ("download", 2)]


def test_a_host_counts_a_handed_over_checkpoint_as_a_write_to_wait_for():
    """On Ray the relay writes a `saved` event for each checkpoint a pull hands it: a client
    that stops reading can block the relay in that write as in a frame's, so until the next
    pull reports, the host counts it as a write waiting (as it does for frames), else a
    session whose last pull held only a checkpoint never saw its client stop reading."""
    from app.cluster.host import SessionHost

    async def scenario():
        host = SessionHost("test-host", Settings(open_browser=False, downloads=False,
                                                 save=False))
        opened = await host.open("c1")
        assert "hello" in opened
        slot = host.slots["c1"]
        try:
            host.scheduler.stop()  # no frames from here on: only what the test hands over
            await asyncio.sleep(0)
            out = await host.pull("c1", None, False, timeout=0)  # what opening queued
            while out["messages"] or out["frame"] is not None:
                taken = out["messages"] + [out["frame"] or b""]
                wrote = (sum(len(m) for m in taken), 0.0, len(taken))
                out = await host.pull("c1", wrote, False, timeout=0)
            assert slot.session.link.waiting == 0.0  # all reported: nothing is out
            slot.checkpoint = {"step": 0}
            out = await host.pull("c1", None, False, timeout=0)
            assert out["checkpoint"] == {"step": 0} and not out["messages"]
            assert out["frame"] is None
            await asyncio.sleep(0.01)
            assert slot.session.link.waiting > 0.0  # the `saved` write is out
        finally:
            for task in host.tasks:
                task.cancel()
            host.scheduler.stop()

    asyncio.run(scenario())
