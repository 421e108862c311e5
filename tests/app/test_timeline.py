"""The run's timeline through a session (app/timeline.py, app/commands/timeline.py): viewing an
earlier step shows its checkpoint and leaves the run alone; a branch goes on from the
checkpoint bit for bit as nncore does it, and keeps the original as a saved run; the
checkpoints stay within their bound over a long run; every refusal names the field and
changes nothing."""

import json
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import frames
from app.limits import LIMITS
from app.main import create_app
from app.session import Session
from app.settings import Settings
from nncore import Config, Trainer, probes
from nncore.timeline import capture
from tests.app.test_commands import applied, assert_error, send, still_works
from tests.app.wire import Wire, theta

CONFIG = {"dataset": "moons", "noise": 0.2, "hidden_layers": [5, 3], "seed": 3,
          "batch_size": 16, "learning_rate": 0.05, "optimizer": "adam"}


def saving(folder, **overrides):
    """An app that saves runs (a branch keeps its original as one) in `folder`."""
    return TestClient(create_app(Settings(open_browser=False, data_dir=str(folder),
                                          downloads=False, **overrides)))


def opened(ws):
    """A Wire on a new session with CONFIG, full frames, past the frame of its step 0."""
    w = Wire(ws)
    applied(w, {"type": "frames", "mode": "full"})
    reply, _ = applied(w, {"type": "set", "config": CONFIG})
    at(w, 0, reply)
    return w


def at(wire, step, reply=None):
    """Wait for a live frame at `step` (after `reply`'s command): the session recorded it."""
    while True:
        f = wire.frame()
        if f["step"] == step and "view" not in f and (reply is None
                                                       or f["command_seq"] >= reply["seq"]):
            return f


def stepped(wire, n):
    """Step n more while paused, and wait for the frame that shows it (a checkpoint)."""
    reply, _ = applied(wire, {"type": "step", "n": n})
    done = wire.expect("stepped", id=reply["id"])["step"]
    return at(wire, done)






def trained(steps, **changes):
    """nncore alone: CONFIG trained `steps` steps."""
    tr = Trainer(Config(**CONFIG))
    tr.step(steps)
    return tr


def view_frame(wire, reply):
    """The first frame after `reply` (a view_step's) that shows the viewed step."""
    while True:
        f = wire.frame()
        if f["command_seq"] >= reply["seq"] and "view" in f:
            return f


def output_map(tr, frame):
    """The output map a frame shows, computed by nncore's PlaneProbe on `tr` as the session
    does (its densities: neuron tiles to the frame budget, the output plot 100²)."""
    n_neurons = sum(tr.net.sizes[1:])
    probe = probes.PlaneProbe(tr.config.features, tr.data.extent,
                              frames.tile_density(32, n_neurons), frame["output_density"])
    output, _ = probe.run(tr.net)
    lo, hi = probes.output_range(tr.net.layers[-1].activation, tr.data.task, output)
    D = probe.output_density
    return probes.quantize(output[:, 0], lo, hi).reshape(D, D)


# -- viewing ------------------------------------------------------------------------------------
@pytest.mark.command("view_step", "view_end")
def test_viewing_a_step_shows_its_checkpoint_and_leaves_the_run_alone(tmp_path):
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        stepped(w, 100)
        stepped(w, 150)
        before = w.exported()
        reply, _ = applied(w, {"type": "view_step", "step": 180})  # between two checkpoints
        assert reply["view"] == {"step": 100, "live_step": 250}
        f = view_frame(w, reply)
        assert f["view"] == {"step": 100, "live_step": 250} and f["step"] == 100
        then = trained(100)
        for name, P in zip(then.net.param_names, then.net.params):
            assert np.array_equal(f["arrays"][name], P.astype(np.float32)), name
        assert np.array_equal(f["arrays"]["output"], output_map(then, f))
        now = trained(250)
        assert not np.array_equal(f["arrays"]["output"], output_map(now, f))
        # the run is as it was, and viewing the newest checkpoint is the live run's weights
        assert w.exported() == before
        reply, _ = applied(w, {"type": "view_step", "step": 250})
        assert view_frame(w, reply)["step"] == 250
        reply, _ = applied(w, {"type": "view_end"})
        assert reply["view"] is None and reply["was_viewing"] is True
        live = at(w, 250, reply)
        assert "view" not in live
        # the run goes on as a run never viewed does
        stepped(w, 50)
        assert np.array_equal(theta(w.exported()), trained(300).net.theta)


def test_viewing_is_no_change_to_the_run_and_no_point_of_its_chart(tmp_path):
    s = Session(Settings(open_browser=False, data_dir=str(tmp_path), save=False),
                Config(**CONFIG))
    s.trainer.step(40)
    s.frame()
    s.trainer.step(40)
    s.frame()
    points, revision = list(s.record.history.points), s.revision
    for text in ({"type": "view_step", "step": 40}, {"type": "view_step", "step": 0},
                 {"type": "view_end"}):
        s.handle(json.dumps(text))
        assert s.outbox.pop()["type"] == "applied"
        if text["type"] == "view_step":
            header, _ = frames.unpack(s.frame())
            assert header["view"]["step"] == text["step"]
    assert s.record.history.points == points  # a view's point is of the past
    assert s.revision == revision  # nothing to save: the run did not change


def test_viewing_while_training_pauses_the_display_not_the_run(tmp_path):
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        stepped(w, 60)
        applied(w, {"type": "speed", "steps_per_second": 2000})
        reply, _ = applied(w, {"type": "view_step", "step": 0})
        applied(w, {"type": "play"})
        first = view_frame(w, reply)
        while (f := w.frame())["view"]["live_step"] < first["view"]["live_step"] + 200:
            assert f["view"]["step"] == 0 and f["step"] == 0  # the display stays at step 0
        assert sum(len(fr["losses"]["steps"]) for fr in w.frames) > 0  # the live run's losses
        timeline = w.expect("timeline")  # the checkpoints of the run training meanwhile
        assert timeline["steps"][0] == 0 and timeline["steps"][-1] > 60


# -- branching ----------------------------------------------------------------------------------
@pytest.mark.command("branch")
def test_a_branch_goes_on_bit_for_bit_as_nncore_restores_and_keeps_the_original(tmp_path):
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        for _ in range(3):
            stepped(w, 100)
        original = theta(w.exported())
        changes = {"learning_rate": 0.3, "batch_size": 5}
        reply, _ = applied(w, {"type": "branch", "step": 250, "config": changes})
        assert reply["branched_from"] == 200 and reply["step"] == 200
        assert reply["changed"] == changes and reply["original"]["step"] == 300
        state = w.exported()
        assert state["trainer"]["config"]["learning_rate"] == 0.3
        assert [p["step"] for p in state["history"]][-1] == 200  # the chart's past up to 200
        stepped(w, 150)
        branched = theta(w.exported())
        # nncore alone: the run to step 200, restored from its checkpoint, set, trained on
        again = capture(trained(200)).restore()
        again.set(**changes)
        again.step(150)
        assert np.array_equal(branched, again.net.theta)
        assert not np.array_equal(branched, trained(350).net.theta)
        # the same branch again: the same weights, bit for bit
        applied(w, {"type": "branch", "step": 200, "config": changes})
        stepped(w, 150)
        assert np.array_equal(theta(w.exported()), branched)

        # the original stays: a saved run of its own, which opens as it was at step 300
        token = reply["original"]["token"]
        runs = wait_for(lambda: client.post("/api/runs", json={"tokens": [token]}).json()["runs"])
        assert runs[0]["step"] == 300 and "before a branch at step 200" in runs[0]["title"]
    with saving(tmp_path) as client, client.websocket_connect(f"/ws?resume={token}") as ws:
        w = Wire(ws)
        assert w.hello["resumed"] and w.hello["step"] == 300
        assert np.array_equal(theta(w.exported()), original)
        assert w.hello["timeline"] == [300]  # a resumed run's timeline starts at its step


def wait_for(condition, timeout=10.0):
    """Poll `condition` (the run store is written by the saving loop, every 0.25 s) until it
    is truthy; its value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.05)
    return value


def test_a_branch_from_a_diverged_run_recovers_and_a_rebuild_starts_a_new_timeline(tmp_path):
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = Wire(ws)
        reply, _ = applied(w, {"type": "set", "config": {
            "learning_rate": 0.001, "hidden_layers": [32, 32], "activation": "relu",
            "output_activation": "linear", "loss": "mse", "dataset": "plane"}})
        at(w, 0, reply)
        stepped(w, 50)
        applied(w, {"type": "set", "config": {"learning_rate": 10.0}})
        applied(w, {"type": "play"})
        assert w.expect("diverged", timeout=30)
        reply, _ = applied(w, {"type": "branch", "step": 50,
                               "config": {"learning_rate": 0.001}})
        assert reply["state"] == "paused" and reply["step"] == 50
        stepped(w, 10)  # it trains again
        reply, before = applied(w, {"type": "set", "config": {"hidden_layers": [4]}})
        told = [m for m in before if m["type"] == "timeline"]
        assert told[-1]["steps"] == [0] and told[-1]["step"] == 0


# -- the bound ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_over_a_long_run_the_sessions_checkpoints_stay_within_their_bound(tmp_path):
    settings = Settings(open_browser=False, data_dir=str(tmp_path), save=False)
    s = Session(settings, Config(dataset="spiral", hidden_layers=[8] * 6))
    s.neuron_density, s.output_density = 8, 16
    s.refresh_probe()
    for _ in range(3000):  # a frame's worth of steps at a time, 99,000 steps in all
        s.trainer.step(33)
        s.frame()
        assert len(s.timeline.steps) <= LIMITS["max_timeline_checkpoints"]
    steps = np.array(s.timeline.steps)
    assert steps[0] == 0 and steps[-1] == s.trainer.step_count == 99_000
    gaps, ages = np.diff(steps), steps[-1] - steps[:-1]
    assert gaps[ages <= 1000].max() < gaps[ages > 50_000].min()  # dense near the present

    # the largest network within the limits, with Adam's moments: bounded in bytes
    s = Session(settings, Config(dataset="circle", hidden_layers=[128] * 8, optimizer="adam"))
    s.neuron_density, s.output_density = 8, 16
    s.refresh_probe()
    for _ in range(60):
        s.trainer.step(1)
        s.frame()
        assert s.timeline.nbytes <= LIMITS["max_timeline_bytes"]
        assert s.timeline.steps[0] == 0 and s.timeline.steps[-1] == s.trainer.step_count
    assert len(s.timeline.steps) < 60  # the bytes, not the count, bounded it


# -- refusals -----------------------------------------------------------------------------------
@pytest.mark.command("view_step", "branch")
def test_every_refusal_names_the_field_and_changes_nothing(tmp_path):
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        stepped(w, 100)
        before = w.exported()
        cases = [
            ({"type": "view_step", "step": 101}, "invalid_value", "step", 101, "0 to 100"),
            ({"type": "view_step", "step": -1}, "invalid_value", "step", -1, ">= 0"),
            ({"type": "branch", "step": 500}, "invalid_value", "step", 500, "0 to 100"),
            ({"type": "branch", "step": 50, "config": {"hidden_layers": [3]}},
             "invalid_value", "config.hidden_layers", "[3]", "live settings only"),
            ({"type": "branch", "step": 50, "config": {"learning_rate": -1}},
             "invalid_value", "learning_rate", -1, None),
            ({"type": "branch", "step": 50, "config": {"lr": 0.1}},
             "invalid_value", "lr", 0.1, "learning_rate"),
            ({"type": "branch", "step": 50, "colour": 1}, "invalid_value", "colour", 1, None),
        ]
        for command, code, field, value, allowed in cases:
            reply, _ = send(w, command)
            assert_error(reply, code, field, value, allowed=allowed)
            assert w.exported() == before, command
        # a step command under way: the branch waits for it
        reply, _ = applied(w, {"type": "step", "n": 100_000})
        refused, _ = send(w, {"type": "branch", "step": 0})
        assert_error(refused, "illegal_state", "type", "branch", message="under way")
        applied(w, {"type": "pause"})
        still_works(w, w.exported()["trainer"]["progress"]["step"])

    # a run loaded at step 100 starts its timeline there: step 0 is not in it
    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = Wire(ws)
        applied(w, {"type": "import", "state": before})
        reply, _ = send(w, {"type": "view_step", "step": 0})
        assert_error(reply, "invalid_value", "step", 0, allowed="100 to 100",
                     message="earliest kept is step 100")


def test_a_server_that_saves_no_runs_refuses_to_branch(settings, client):
    assert not settings.save
    with client.websocket_connect("/ws") as ws:
        w = Wire(ws)
        step0 = w.exported()
        reply, _ = send(w, {"type": "branch", "step": 0})
        assert_error(reply, "illegal_state", "type", "branch", message="--no-save")
        assert w.exported() == step0


# -- rooms --------------------------------------------------------------------------------------
@pytest.mark.command("view_step", "branch")
def test_a_rooms_followers_see_the_teachers_view_and_never_its_originals_token(tmp_path):
    from tests.app.test_rooms import join, open_room

    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        stepped(w, 60)
        stepped(w, 40)
        code = open_room(client, w)["code"]
        with client.websocket_connect(f"/ws?student={join(client, code, 'Bo')}") as ws2:
            s = Wire(ws2)
            assert s.hello["timeline"] == [0, 60, 100]
            s.frame(step=100)
            reply = s.call({"type": "view_step", "step": 0})  # the teacher's run: not theirs
            assert reply["code"] == "not_yours" and reply["value"] == "view_step", reply
            applied(w, {"type": "view_step", "step": 60})
            while "view" not in (f := s.frame()):
                pass
            assert f["view"] == {"step": 60, "live_step": 100} and f["step"] == 60
            reply, _ = applied(w, {"type": "branch", "step": 60,
                                   "config": {"learning_rate": 0.1}})
            s.frame(step=60)  # the branch, live
            stepped(w, 5)
            s.expect("stepped", step=65)
            seen = json.dumps([m for m in s.events])
            assert reply["original"]["token"] not in seen  # the teacher's run stays the teacher's


@pytest.mark.command("branch", "export_code")
def test_a_branchs_exported_script_replays_it_bit_for_bit(tmp_path):
    """The branch's script is the original's changes before the checkpoint, then the branch's
    own: what the original changed after the checkpoint is not the branch's."""
    from tests.app.test_teaching import run_script

    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        w = opened(ws)
        stepped(w, 60)
        applied(w, {"type": "set", "config": {"learning_rate": 0.01}})
        stepped(w, 40)  # a checkpoint at 100, with the change at 60
        stepped(w, 10)
        applied(w, {"type": "set", "config": {"batch_size": 4}})  # after it: the original's
        stepped(w, 20)
        reply, _ = applied(w, {"type": "branch", "step": 105, "config": {"momentum": 0.5}})
        assert reply["branched_from"] == 100
        stepped(w, 50)
        reply, _ = send(w, {"type": "export_code"})
        assert reply["type"] == "code" and reply["exact"], reply
        saved = run_script(reply["code"], tmp_path)
        state = w.exported()
        tr = Trainer(Config(**CONFIG))
        tr.step(60)
        tr.set(learning_rate=0.01)
        tr.step(40)
        tr.set(momentum=0.5)
        tr.step(50)
        assert np.array_equal(theta(state), tr.net.theta)  # the branch, as nncore does it
        for name, P in zip(tr.net.param_names, tr.net.params):
            assert np.array_equal(saved[name], P), name  # ... and as its script does it


@pytest.mark.command("branch")
def test_a_students_branch_may_not_move_a_key_the_teacher_locked(tmp_path):
    from tests.app.test_classroom import Room, students_and_dashboard

    with saving(tmp_path) as client, client.websocket_connect("/ws") as ws:
        room = Room(client, Wire(ws), config=CONFIG)
        with students_and_dashboard(room, "Ada") as (ada, dash):
            assert ada.call({"type": "fork"})["type"] == "applied"
            start = ada.expect("hello")["step"]
            stepped(ada, 10)  # a checkpoint with the learning rate 0.05
            applied(ada, {"type": "set", "config": {"learning_rate": 0.1}})
            stepped(ada, 10)  # ... and one with 0.1
            dash.call({"type": "room_lock", "controls": ["learning_rate"]})
            ada.expect("locks")
            before = ada.exported()
            for command in ({"type": "branch", "step": start + 20,
                             "config": {"learning_rate": 0.5}},
                            {"type": "branch", "step": start + 10}):  # the checkpoint's 0.05
                reply, _ = send(ada, command)
                assert_error(reply, "locked", "learning_rate", command.get("config", {}).get(
                    "learning_rate", 0.05), message="Learning rate is locked")
                assert ada.exported() == before
            reply, _ = applied(ada, {"type": "branch", "step": start + 10,
                                     "config": {"learning_rate": 0.1, "momentum": 0.5}})
            assert reply["branched_from"] == start + 10


def test_a_page_that_comes_back_sees_the_live_run_and_the_steps_in_its_hello(tmp_path):
    with saving(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            w = opened(ws)
            stepped(w, 30)
            reply, _ = applied(w, {"type": "view_step", "step": 0})
            view_frame(w, reply)
            token = w.hello["resume_token"]
        with client.websocket_connect(f"/ws?resume={token}") as ws:
            w = Wire(ws)
            assert w.hello["resumed"] and w.hello["timeline"] == [0, 30]
            f = w.frame()
            assert "view" not in f and f["step"] == 30
