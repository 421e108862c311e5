"""Sweeps on `--workers 2`: the runs train on the session hosts and come out bit for bit as on
the embedded default; each opens as a session (on a host) with the same weights."""

import asyncio
import time

import httpx
import numpy as np

from nncore import Trainer
from tests.e2e.client import Client
from tests.e2e.server import running

CONFIG = {"dataset": "digits", "hidden_layers": [16], "activation": "relu",
          "output_activation": "softmax", "loss": "cross_entropy", "batch_size": 32,
          "train_ratio": 0.7}
VARY = {"learning_rate": [0.03, 0.3], "hidden_layers": [[16], [24, 12]]}


def swept(url, token="cluster-page-01"):
    """The finished sweep's status, as a page follows it."""
    started = httpx.post(url + "api/sweeps", json={"token": token, "config": CONFIG,
                                                   "vary": VARY, "epochs": 3}, timeout=30)
    assert started.status_code == 200, started.text
    deadline = time.monotonic() + 300
    while True:
        status = httpx.post(url + "api/sweeps/status", json={"id": started.json()["id"]},
                            timeout=30).json()
        if status["state"] != "running":
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.1)


def theta_of(ws_url, token):
    async def scenario():
        client = await Client.open(ws_url + f"?resume={token}")
        try:
            assert client.hello["resumed"]
            return (await client.call({"type": "export"}, timeout=60))["state"]
        finally:
            await client.close()

    return Trainer.from_dict(asyncio.run(scenario())["trainer"]).net.theta


def test_a_sweep_on_the_workers_is_the_embedded_sweep_to_the_bit(cluster):
    there = swept(cluster.url)
    with running() as embedded:
        here = swept(embedded.url)
        theta_here = theta_of(embedded.ws_url, here["runs"][3]["token"])
    assert there["state"] == here["state"] == "done"
    for a, b in zip(there["runs"], here["runs"]):
        assert a["varied"] == b["varied"] and a["step"] == b["step"]
        assert a["history"] == b["history"] and a["final"] == b["final"]
    theta_there = theta_of(cluster.ws_url, there["runs"][3]["token"])
    assert np.array_equal(theta_there, theta_here)


def test_a_host_trains_its_sweep_runs_one_at_a_time_each_as_trained_alone(tmp_path,
                                                                            monkeypatch):
    """Two runs a host holds (cluster/sweeps.PER_HOST): the next is built while one trains,
    and waits for it (the host's `sweep_turn`), so they never share the host's core. Here the
    SessionHost is the class itself, in this process: what Ray would call, without Ray."""
    import sys

    from app import sweeps
    from app.cluster import sweeps as cluster_sweeps
    from app.cluster.host import SessionHost
    from app.settings import Settings
    from nncore import Config
    from nncore.sweep import run_one

    training = []  # how many sweep runs the host's scheduler held at each unit
    unit = sweeps.RunWork.unit

    def counted(self, now):
        training.append(sum(isinstance(c, sweeps.RunWork)
                            for c in self.scheduler.connections))
        unit(self, now)

    monkeypatch.setattr(sweeps.RunWork, "unit", counted)
    monkeypatch.setattr(sys, "setswitchinterval", lambda seconds: None)  # the host's own

    async def scenario():
        host = SessionHost("here", Settings(open_browser=False, data_dir=str(tmp_path),
                                            downloads=False))
        await host._started()
        try:
            return await asyncio.gather(*(
                cluster_sweeps.train_here(host, f"run-{i}", config, 2, {"learning_rate": lr})
                for i, (config, lr) in enumerate(cells)))
        finally:
            host.scheduler.stop()
            for task in host.tasks:
                task.cancel()

    cells = [({**CONFIG, "learning_rate": lr}, lr) for lr in (0.03, 0.1, 0.3)]
    outcomes = asyncio.run(scenario())
    assert training and max(training) == 1
    for (config, _), outcome in zip(cells, outcomes):
        alone = run_one(Config(**config), 2)
        assert outcome["history"] == sweeps.plain(alone.history)
        assert outcome["step"] == alone.trainer.step_count


def test_a_run_training_on_a_host_shows_its_curve_as_it_grows(cluster):
    """Its host says the run's measures so far with its epoch (every POLL_SECONDS): the page
    draws the curve while the run trains, as on the embedded default."""
    heavy = {**CONFIG, "hidden_layers": [128, 128], "batch_size": 10}  # seconds a run
    started = httpx.post(cluster.url + "api/sweeps", json={
        "token": "cluster-page-02", "config": heavy, "vary": {"learning_rate": [0.01, 0.03]},
        "epochs": 100}, timeout=30).json()
    deadline = time.monotonic() + 300
    try:
        while True:
            status = httpx.post(cluster.url + "api/sweeps/status", json={"id": started["id"]},
                                timeout=30).json()
            growing = [r for r in status["runs"] if r["state"] == "running" and r["history"]
                       and sum(v is not None for v in r["history"]["test_loss"]) >= 3]
            if growing:
                break
            assert status["state"] == "running", status
            assert time.monotonic() < deadline, status
            time.sleep(0.1)
    finally:
        httpx.post(cluster.url + "api/sweeps/cancel", json={"id": started["id"]}, timeout=30)
    run = growing[0]
    measured = sum(v is not None for v in run["history"]["test_loss"])
    assert run["epoch"] == measured - 1 and run["history"]["test_loss"][-1] is None
    assert run["final"]["test_loss"] == run["history"]["test_loss"][measured - 1]


def test_a_host_says_a_runs_measures_only_once_an_epoch_is_measured_whole(monkeypatch):
    """What sweep_progress hands the web process: the epoch, and the measures so far only
    when they are whole (an epoch measured in a worker thread is written measure by measure)
    and the caller does not have them yet."""
    from types import SimpleNamespace

    from app.cluster import sweeps as cluster_sweeps
    from app.sweeps import plain
    from nncore import Config
    from nncore.sweep import Run

    run = Run(Config(**CONFIG), 2)
    work = SimpleNamespace(run=run, epoch=0, measuring=None)
    monkeypatch.setattr(cluster_sweeps, "_TRAINING", {"k": work})
    progress = cluster_sweeps.progress_here
    assert progress(["k", "gone"], {}) == {"k": (0, plain(run.history))}
    assert progress(["k"], {"k": 0}) == {"k": (0, None)}  # nothing new
    run.advance(measure=False)
    work.epoch = 1
    assert progress(["k"], {"k": 0}) == {"k": (1, None)}  # trained, not measured yet
    work.measuring = object()  # measuring in a thread: the epoch's row may be half written
    run.history["epoch"][1] = 1
    assert progress(["k"], {"k": 0}) == {"k": (1, None)}
    run.measure()
    work.measuring = None
    said = progress(["k"], {"k": 0})["k"]
    assert said == (1, plain(run.history)) and said[1]["test_loss"][1] is not None
