"""Sweeps on the server: runs trained in turn as fair work, saved as ordinary runs that open as
sessions, equal to the same configs trained alone; refusals, cancel, and a page that leaves."""

import asyncio
import statistics
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import sweeps
from app.main import create_app
from app.settings import Settings
from nncore import Config, Trainer, probes
from nncore.sweep import Run, run_one
from tests.app.wire import Wire

SPIRAL = {"dataset": "spiral", "hidden_layers": [6], "n_samples": 120, "batch_size": 16}
TOKEN = "page-token-0001"


@pytest.fixture
def saving(tmp_path):
    """An app that saves runs, in a data folder of its own."""
    settings = Settings(open_browser=False, data_dir=str(tmp_path), downloads=False, save=True)
    with TestClient(create_app(settings)) as c:
        yield c


def start(client, vary, epochs=2, config=SPIRAL, token=TOKEN):
    return client.post("/api/sweeps", json={"token": token, "config": config, "vary": vary,
                                            "epochs": epochs})


def status(client, sweep_id):
    r = client.post("/api/sweeps/status", json={"id": sweep_id})
    assert r.status_code == 200, r.text
    return r.json()


def wait_for(client, sweep_id, condition, timeout=60.0):
    """The sweep's status once `condition(status)` holds (polled as the page does)."""
    deadline = time.monotonic() + timeout
    while True:
        s = status(client, sweep_id)
        if condition(s):
            return s
        assert time.monotonic() < deadline, f"condition not met within {timeout} s: {s}"
        time.sleep(0.02)


def alone(config, epochs):
    trainer = Trainer(config)
    for _ in range(epochs):
        trainer.step_epoch()
    return trainer


def test_a_sweeps_runs_are_the_runs_trained_alone_and_open_as_sessions(saving):
    r = start(saving, {"learning_rate": [0.03, 0.3], "activation": ["tanh", "relu"]}, epochs=3)
    assert r.status_code == 200, r.text
    begun = r.json()
    assert begun["total"] == 4 and begun["state"] == "running"
    done = wait_for(saving, begun["id"], lambda s: s["state"] != "running")
    assert done["state"] == "done" and done["finished"] == 4 and done["saved"]
    base = Config(**SPIRAL)
    expected_order = [(0.03, "tanh"), (0.03, "relu"), (0.3, "tanh"), (0.3, "relu")]
    for run, (rate, activation) in zip(done["runs"], expected_order):
        assert run["varied"] == {"learning_rate": rate, "activation": activation}
        assert run["diff"] == {k: v for k, v in run["varied"].items()
                               if getattr(base, k) != v}
        config = base.replace(**run["varied"])
        trainer = alone(config, 3)
        metrics = probes.metrics(trainer)
        assert run["state"] == "done" and run["epoch"] == 3 and run["step"] == trainer.step_count
        assert run["final"]["test_loss"] == metrics["test_loss"]
        assert run["final"]["test_accuracy"] == metrics["test_accuracy"]
        assert len(run["history"]["test_loss"]) == 4
        assert run["plot"]["size"] == 64 and run["plot"]["points"]  # its output plot
        # its token opens it as a normal session: the same weights, its curve on the chart
        with saving.websocket_connect(f"/ws?resume={run['token']}") as ws:
            wire = Wire(ws)
            assert wire.hello["resumed"] and wire.hello["step"] == trainer.step_count
            assert wire.hello["config"]["learning_rate"] == rate
            assert [p["epoch"] for p in wire.hello["history"]] == [0, 1, 2, 3]
            state = wire.call({"type": "export"})["state"]
        opened = Trainer.from_dict(state["trainer"])
        assert np.array_equal(opened.net.theta, trainer.net.theta)
    listed = saving.post("/api/runs", json={"tokens": [r["token"] for r in done["runs"]]})
    assert len(listed.json()["runs"]) == 4
    assert "learning_rate 0.3, activation relu" in {r["title"].split(" · ")[-1]
                                                    for r in listed.json()["runs"]}


def test_the_csv_has_a_row_per_run_with_what_it_varied_and_its_final_measures(client):
    begun = start(client, {"hidden_layers": [[4], [6, 3]]}, epochs=1).json()
    done = wait_for(client, begun["id"], lambda s: s["state"] != "running")
    assert not done["saved"] and all(r["token"] is None for r in done["runs"])  # --no-save
    r = client.post("/api/sweeps/csv", json={"id": begun["id"]})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().split("\n")
    assert lines[0] == ("run,hidden_layers,state,epochs,steps,final_test_accuracy,"
                        "final_test_loss,final_train_accuracy,final_train_loss")
    assert lines[1].startswith("1,4,done,1,4,") and lines[2].startswith("2,6-3,done,1,4,")
    loss = float(lines[2].split(",")[6])
    assert loss == done["runs"][1]["final"]["test_loss"]


@pytest.mark.parametrize("body, field, words", [
    ({"vary": {"seed": [1, 2]}}, "vary", "one of: learning_rate"),
    ({"vary": {}}, "vary", "one or two fields"),
    ({"vary": {"learning_rate": [0.1], "activation": ["relu"], "optimizer": ["sgd"]}},
     "vary", "2"),
    ({"vary": {"learning_rate": [0.01, 0.02, 0.03, 0.04, 0.05], "batch_size": [1, 2, 4, 8, 16]}},
     "vary", "at most 24 runs"),
    ({"vary": {"learning_rate": [0.1, -1]}}, "learning_rate", "from"),
    ({"vary": {"hidden_layers": [[8], [129]]}}, "hidden_layers", "128"),
    ({"vary": {"activation": ["relu", "relu"]}}, "activation", "each value once"),
    ({"epochs": 0}, "epochs", ">= 1"),
    ({"epochs": 101}, "epochs", "<= 100"),
    ({"config": {**SPIRAL, "dataset": "custom"}}, "config.dataset", "generated or bundled"),
    ({"config": {**SPIRAL, "hidden_layers": [500]}}, "hidden_layers", "128"),
    ({"token": "x"}, "token", "at least 8"),
    ({"surprise": 1}, "surprise", "Extra inputs"),
])
def test_a_bad_sweep_is_refused_naming_the_field_value_and_what_is_allowed(client, body, field,
                                                                          words):
    request = {"token": TOKEN, "config": SPIRAL, "vary": {"learning_rate": [0.1]}, "epochs": 1,
               **body}
    r = client.post("/api/sweeps", json=request)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["field"] == field
    assert words in detail["allowed"] + " " + detail["message"]
    assert not client.app.state.sweeps.sweeps  # nothing started


def test_a_body_that_is_not_json_and_an_unknown_sweep_are_refused_plainly(client):
    r = client.post("/api/sweeps", content=b"{nope")
    assert r.status_code == 422 and r.json()["detail"]["code"] == "bad_json"
    for route in ("status", "cancel", "csv"):
        r = client.post(f"/api/sweeps/{route}", json={"id": "no-such-sweep-id"})
        assert r.status_code == 404 and r.json()["detail"]["code"] == "no_sweep"


LONG = {"dataset": "digits", "hidden_layers": [64, 32], "output_activation": "softmax",
        "loss": "cross_entropy", "batch_size": 10, "train_ratio": 0.7, "activation": "relu"}


def test_one_sweep_per_page_and_at_most_the_servers_limit_at_once(client):
    first = start(client, {"learning_rate": [0.01, 0.1]}, epochs=100, config=LONG)
    assert first.status_code == 200
    again = start(client, {"learning_rate": [0.01]}, epochs=1)
    assert again.status_code == 409 and again.json()["detail"]["code"] == "sweep_running"
    second = start(client, {"learning_rate": [0.01]}, epochs=100, config=LONG,
                   token="another-page-1")
    assert second.status_code == 200
    third = start(client, {"learning_rate": [0.01]}, epochs=1, token="another-page-2")
    assert third.status_code == 429 and third.json()["detail"]["field"] == "sweeps"
    for s in (first, second):
        client.post("/api/sweeps/cancel", json={"id": s.json()["id"]})
    assert start(client, {"learning_rate": [0.01]}, epochs=1).status_code == 200


HEAVY = {**LONG, "hidden_layers": [128, 128]}  # the widest layers the schema allows


def running_work(client):
    return [c for c in client.app.state.scheduler.connections if isinstance(c, sweeps.RunWork)]


def test_cancel_stops_at_once_keeps_the_finished_runs_and_saves_no_half_run(saving):
    begun = start(saving, {"learning_rate": [0.03, 0.1, 0.3]}, epochs=100,
                  config={**SPIRAL, "n_samples": 40, "batch_size": 40}).json()
    # the first run (40 points, one step an epoch) is done long before the second ends
    wait_for(saving, begun["id"], lambda s: s["finished"] >= 1)
    cancelled = saving.post("/api/sweeps/cancel", json={"id": begun["id"]}).json()
    assert cancelled["state"] == "cancelled"
    assert {r["state"] for r in cancelled["runs"][1:]} <= {"cancelled", "done"}
    again = saving.post("/api/sweeps/cancel", json={"id": begun["id"]})
    assert again.status_code == 200 and again.json()["state"] == "cancelled"
    deadline = time.monotonic() + 10
    sweep = saving.app.state.sweeps.sweeps[begun["id"]]
    while running_work(saving) or sweep.keeping:  # the run that was training leaves the
        assert time.monotonic() < deadline        # scheduler; a finished one is saved whole
        time.sleep(0.01)
    final = status(saving, begun["id"])
    done = [r for r in final["runs"] if r["state"] == "done"]
    assert done and all(r["token"] for r in done)
    store = saving.app.state.manager.checkpoints.store
    assert len(store.runs()) == len(done)  # nothing of the cancelled runs was saved


def test_a_sweep_whose_page_left_is_cancelled(client):
    now = [1000.0]
    client.app.state.sweeps.clock = lambda: now[0]
    begun = start(client, {"learning_rate": [0.01, 0.1]}, epochs=100, config=LONG).json()
    now[0] += sweeps.LEASE_SECONDS + 1  # no status asked for since
    deadline = time.monotonic() + 10
    while client.app.state.sweeps.sweeps[begun["id"]].state == "running":
        assert time.monotonic() < deadline, "the sweep was not cancelled"
        time.sleep(0.02)
    assert client.app.state.sweeps.sweeps[begun["id"]].state == "cancelled"
    while running_work(client):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def latencies(wire, n=30):
    """Round trips of n commands that change a live setting."""
    out = []
    for i in range(n):
        sent = time.perf_counter()
        reply = wire.call({"type": "set", "config": {"learning_rate": 0.01 + i / 1000}})
        out.append(time.perf_counter() - sent)
        assert reply["type"] == "applied"
    return out


def test_a_session_is_answered_as_promptly_during_a_sweep_as_next_to_a_training_session(
        client, monkeypatch):
    """The reference is another session training the same network at full speed: a sweep is
    fair work like it, so a command waits no longer (TestClient's thread hops, a few GIL
    switch intervals each, make most of either figure). A sweep that trained a run in one go
    would hold the loop for a minute (100 epochs); each of its units holds it for one slice
    of CPU time (a whole epoch of HEAVY, tens of ms, would be too long)."""
    units = []
    unit = sweeps.RunWork.unit

    def timed(self, now):
        started = time.thread_time()  # CPU time, as the scheduler charges it
        unit(self, now)
        units.append(time.thread_time() - started)

    monkeypatch.setattr(sweeps.RunWork, "unit", timed)
    with client.websocket_connect("/ws") as ws, client.websocket_connect("/ws") as other_ws:
        wire, other = Wire(ws), Wire(other_ws)
        other.call({"type": "set", "config": HEAVY})
        other.call({"type": "speed", "steps_per_second": "max"})
        other.call({"type": "play"})
        other.expect("frame", timeout=10)
        reference = latencies(wire)
        other.call({"type": "pause"})
        begun = start(client, {"learning_rate": [0.01, 0.1]}, epochs=100, config=HEAVY).json()
        first = wait_for(client, begun["id"], lambda s: s["runs"][0]["epoch"] >= 1)
        during, deadline = latencies(wire, 5), time.monotonic() + 60
        while status(client, begun["id"])["runs"][0]["epoch"] < first["runs"][0]["epoch"] + 2:
            during += latencies(wire, 5)  # commands while it trains two epochs, at least
            assert time.monotonic() < deadline
        assert status(client, begun["id"])["state"] == "running"
        client.post("/api/sweeps/cancel", json={"id": begun["id"]})
    # nine in ten units within a few slices (a garbage collection may land in any unit)
    p90 = sorted(units)[len(units) * 9 // 10]
    assert len(units) >= 10 and p90 < 5 * sweeps.SLICE and max(units) < 0.5, (p90, units)
    # medians: a busy machine's preemptions fall on single commands, in either measure
    assert statistics.median(during) < max(0.25, 3 * statistics.median(reference)), (
        during, reference)


def test_a_run_that_diverges_is_reported_and_saved_and_the_sweep_goes_on(saving):
    config = {"dataset": "plane", "hidden_layers": [32, 32], "activation": "relu",
              "output_activation": "linear", "loss": "mse", "n_samples": 100, "batch_size": 4}
    begun = start(saving, {"learning_rate": [10.0, 0.01]}, epochs=3, config=config).json()
    done = wait_for(saving, begun["id"], lambda s: s["state"] != "running")
    wild, calm = done["runs"]
    assert done["state"] == "done"
    assert wild["state"] == "diverged" and "learning rate" in wild["diverged"]
    assert wild["epoch"] == 0 and wild["history"]["train_loss"][1:] == [None, None, None]
    assert calm["state"] == "done" and calm["epoch"] == 3 and calm["final"]["test_rmse"] > 0
    with saving.websocket_connect(f"/ws?resume={wild['token']}") as ws:
        assert Wire(ws).hello["state"] == "diverged"  # opens as the diverged run it is


def test_another_machine_can_neither_start_nor_follow_a_sweep(client):
    """A sweep's id leads to runs that open as sessions: a client from another machine (a
    student's laptop in a classroom) is refused every route, even with a real id."""
    begun = start(client, {"learning_rate": [0.1]}, epochs=1).json()
    with TestClient(client.app, client=("192.168.1.23", 50000)) as lan:
        refused = [lan.post("/api/sweeps", json={"token": TOKEN, "config": SPIRAL,
                                                 "vary": {"learning_rate": [0.1]},
                                                 "epochs": 1})]
        refused += [lan.post(f"/api/sweeps/{route}", json={"id": begun["id"]})
                    for route in ("status", "cancel", "csv")]
    for r in refused:
        assert r.status_code == 403 and r.json()["detail"]["code"] == "local_only"
        assert begun["id"] not in r.text


def test_a_running_runs_curve_grows_as_it_trains(client):
    begun = start(client, {"learning_rate": [0.01]}, epochs=100, config=LONG).json()
    s = wait_for(client, begun["id"], lambda s: s["runs"][0]["epoch"] >= 2)
    run = s["runs"][0]
    assert run["state"] == "running" and run["token"] is None
    measured = [v for v in run["history"]["test_loss"] if v is not None]
    assert len(measured) >= 2 and run["history"]["test_loss"][-1] is None
    client.post("/api/sweeps/cancel", json={"id": begun["id"]})


DIGITS = Config(dataset="digits", hidden_layers=(16,), activation="relu",
                output_activation="softmax", loss="cross_entropy", batch_size=32)


def trained_in_a_scheduler(monkeypatch, config, epochs, inline):
    """A Run trained by sweeps.train in a Scheduler of its own, and the epochs whose measures
    went to a worker thread."""
    from app.scheduler import Scheduler

    threaded = []
    measure = sweeps.RunWork._measure

    async def counted(self):
        threaded.append(self.run.epoch)
        await measure(self)

    monkeypatch.setattr(sweeps.RunWork, "_measure", counted)
    run = asyncio.run(sweeps.train(Scheduler(), lambda: Run(config, epochs), inline=inline))
    return run, threaded


@pytest.mark.parametrize("measure_seconds, inline, expected", [
    (0.001, False, [1, 2, 3, 4]),  # the embedded default: every epoch in the thread
    (0.001, True, [1]),  # a host: the first (its cost unknown), then on the loop
    (1.0, True, [1, 2, 3, 4]),  # a measure that costs more than a slice stays off the loop
])
def test_a_runs_measures_go_to_a_thread_or_the_loop_and_give_the_run_trained_alone(
        monkeypatch, measure_seconds, inline, expected):
    ticks = iter(range(10**6))  # what a measure costs, as its clock says it: not this machine
    monkeypatch.setattr(sweeps, "cpu_clock", lambda: next(ticks) * measure_seconds)
    run, threaded = trained_in_a_scheduler(monkeypatch, DIGITS, 4, inline)
    assert threaded == expected
    reference = run_one(DIGITS, 4)
    assert np.array_equal(run.trainer.net.theta, reference.trainer.net.theta)
    for name, values in reference.history.items():
        assert np.array_equal(run.history[name], values, equal_nan=True), name


def test_a_run_handed_to_a_host_that_has_not_begun_it_is_reported_queued():
    """On Ray a host holds a second run while it trains one (cluster/sweeps.PER_HOST): until
    the host says it began, its cell says queued, and the sweep counts it so."""
    from types import SimpleNamespace

    base = Config(dataset="spiral", hidden_layers=(6,))
    cells = [sweeps.Cell(i, base.replace(learning_rate=lr), {"learning_rate": lr}, 2)
             for i, lr in enumerate((0.01, 0.1))]
    sweep = sweeps.Sweep("sweep-id-0001", TOKEN, base, {"learning_rate": [0.01, 0.1]}, cells,
                         2, looked=0.0)
    for cell in cells:
        cell.state = "running"
        cell.follow(SimpleNamespace(started=False, epoch=0, history=None))
    cells[0].work.started = True
    status = sweep.status()
    assert [r["state"] for r in status["runs"]] == ["running", "queued"]
    assert status["running"] == 1 and status["queued"] == 1
    cells[1].follow(sweeps.RunWork(None, Run(cells[1].config, 2)))  # the embedded default's
    assert sweep.status()["runs"][1]["state"] == "running"
