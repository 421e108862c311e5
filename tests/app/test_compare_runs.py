"""POST /api/runs/compare (app/pins.py): pinned runs side by side, a saved one and one open
now: what differs between them (only the fields that do, with the schema's labels), their
histories, finals and first reach of a target as the runs' own histories say, their output
plots as a probe of their weights; at most six pins; unknown tokens and another machine's
client refused, each with a clear error."""

import base64

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import pins
from app.dashboard import Thumbnailer
from nncore import Trainer
from tests.app.test_commands import applied, step
from tests.app.test_durable import server, wait_saved
from tests.app.wire import Wire

LAN = ("192.168.1.23", 50123)  # a client on another machine (a student's laptop)
BASE = {"dataset": "moons", "noise": 0.1, "hidden_layers": [6], "seed": 4, "batch_size": 10,
        "optimizer": "sgd"}


def train(wire, config, chunks=8, n=15):
    """Set `config`, then train `chunks` × `n` steps, a frame (a chart point) after each."""
    applied(wire, {"type": "set", "config": config})
    for k in range(1, chunks + 1):
        step(wire, n)
        wire.frame(step=k * n)




def compare(client, tokens, target=0.9):
    r = client.post("/api/runs/compare", json={"tokens": tokens, "target": target})
    assert r.status_code == 200, r.text
    return r.json()


def first_reach_by_hand(points, target):
    for p in points:
        if p.get("test_accuracy", -1) >= target:
            return p["step"]
    return None


@pytest.mark.parametrize("field, value, said", [
    ("activation", "relu", "relu"), ("optimizer", "adam", "adam"),
    ("output_activation", "sigmoid", "output sigmoid"), ("l2", 0.01, "L2 0.01"),
    ("hidden_layers", [8, 4], "hidden layers 8-4"), ("hidden_layers", [], "hidden layers none"),
    ("batch_norm", True, "batch norm on"), ("features", ["x1", "x1x2"], "features x₁ + x₁x₂"),
    ("learning_rate", 1e-05, "learning rate 1e-05"), ("dataset", "two_spirals", "two spirals"),
])
def test_a_difference_is_said_as_a_legend_says_it(field, value, said):
    from app import schema

    text = pins.shown(field, value)
    assert pins.phrase({"field": field, "label": schema.BY_NAME[field].label,
                        "text": text}) == said


def plot_of(state):
    tr = Trainer.from_dict(state["trainer"])
    codes, meta = Thumbnailer(pins.PLOT).of_trainer(tr)
    return codes, meta


def test_a_saved_run_and_the_run_open_now_compared(tmp_path):
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:  # an earlier run: saved, its page gone
            wire = Wire(ws)
            train(wire, {**BASE, "learning_rate": 0.3, "activation": "relu"})
            wait_saved(wire, 120)
            saved_state = wire.exported()
            saved_token = wire.hello["resume_token"]
    with server(tmp_path) as client:  # a restart: the earlier run is in the store only
        with client.websocket_connect("/ws") as ws:  # this run, open now (never saved yet)
            live = Wire(ws)
            train(live, {**BASE, "learning_rate": 0.03, "activation": "tanh"}, chunks=5)
            live_state = live.exported()
            body = compare(client, [saved_token, live.hello["resume_token"]], target=0.8)

    assert body["target"] == 0.8
    assert body["fields"] == ["activation", "learning_rate"]  # only what differs, schema order
    assert body["labels"] == {"activation": "Activation", "learning_rate": "Learning rate"}
    first, now = body["runs"]
    assert first["label"] == "relu, learning rate 0.3"  # a choice names itself
    assert now["label"] == "tanh, learning rate 0.03"
    assert [d["field"] for d in first["diff"]] == ["activation", "learning_rate"]
    assert first["diff"][1] == {"field": "learning_rate", "label": "Learning rate",
                                "value": 0.3, "text": "0.3", "phrase": "learning rate 0.3"}
    assert (first["live"], now["live"]) == (False, True)
    assert (first["step"], now["step"]) == (120, 75)
    for run, state in ((first, saved_state), (now, live_state)):
        points = state["history"]
        assert len(points) >= 5
        assert run["config"] == state["trainer"]["config"]
        assert run["history"]["steps"] == [p["step"] for p in points]
        for key in ("train_loss", "test_loss", "test_accuracy"):
            assert run["history"][key] == [p[key] for p in points]
        assert run["final"]["step"] == points[-1]["step"]
        assert run["final"]["test_accuracy"] == points[-1]["test_accuracy"]
        assert run["final"]["test_loss"] == points[-1]["test_loss"]
        assert run["final"]["score_name"] == "test_accuracy"
        assert run["reached"] == first_reach_by_hand(points, 0.8)
        # the plot: the engine's probe of the run's weights, 64 × 64 quantised codes
        codes, meta = plot_of(state)
        plot = run["plot"]
        assert plot["size"] == pins.PLOT and plot["range"] == meta["range"]
        got = np.frombuffer(base64.b64decode(plot["codes"]), np.uint8).reshape(pins.PLOT, -1)
        assert np.array_equal(got, codes)
        assert 0 < len(plot["points"]) <= pins.PLOT_POINTS
        assert {p[2] for p in plot["points"]} == {0.0, 1.0}
    assert first["reached"] is not None  # a learning rate of 0.3 gets to 80% in 120 steps


def test_the_same_config_twice_is_told_apart_and_nothing_differs(tmp_path):
    with server(tmp_path) as client:
        tokens = []
        for chunks in (2, 3):
            with client.websocket_connect("/ws") as ws:
                wire = Wire(ws)
                train(wire, {**BASE, "learning_rate": 0.1}, chunks=chunks, n=10)
                wait_saved(wire, chunks * 10)
                tokens.append(wire.hello["resume_token"])
        body = compare(client, tokens + tokens[:1])  # a token twice counts once
    assert body["fields"] == []
    assert [r["label"] for r in body["runs"]] == ["moons · 2-6-1 tanh (step 20)",
                                                   "moons · 2-6-1 tanh (step 30)"]
    assert all(r["diff"] == [] for r in body["runs"])


def test_a_run_without_a_plane_has_no_plot(tmp_path):
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            train(wire, {"dataset": "digits", "hidden_layers": [8]}, chunks=1, n=5)
            run = compare(client, [wire.hello["resume_token"]])["runs"][0]
    assert run["plot"] is None and run["final"]["step"] == 5


def test_a_plot_shows_test_points_of_every_class(tmp_path):
    """Blobs lays its points out class by class (0, 1, 2, 3, 0, …): the plot's points are
    taken from the test split, so every class is there, and each is a test point."""
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            train(wire, {"dataset": "blobs", "n_classes": 4, "n_samples": 500}, chunks=1, n=5)
            state = wire.exported()
            plot = compare(client, [wire.hello["resume_token"]])["runs"][0]["plot"]
    tr = Trainer.from_dict(state["trainer"])
    assert plot["classes"] == 4 and "range" not in plot
    assert {p[2] for p in plot["points"]} == {0.0, 1.0, 2.0, 3.0}
    test = {(round(float(a), 3), round(float(b), 3)) for a, b in tr.data.X[tr.data.test]}
    assert 0 < len(plot["points"]) <= min(pins.PLOT_POINTS, len(test))
    assert all((a, b) in test for a, b, _ in plot["points"])


def test_seven_pins_are_refused_naming_the_limit(tmp_path):
    with server(tmp_path) as client:
        r = client.post("/api/runs/compare", json={"tokens": [f"{'a' * 31}{i}" for i in range(7)]})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail["code"] == "too_many_pins" and detail["field"] == "tokens"
    assert detail["value"] == 7 and detail["allowed"] == "at most 6 runs"
    assert "unpin one" in detail["message"]


@pytest.mark.parametrize("body, field", [
    ({"tokens": []}, "tokens"),
    ({"tokens": ["a" * 32], "target": 0}, "target"),
    ({"tokens": ["a" * 32], "target": 1.5}, "target"),
])
def test_no_pins_and_a_target_outside_0_1_are_refused(tmp_path, body, field):
    with server(tmp_path) as client:
        r = client.post("/api/runs/compare", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["field"] == field
    assert str(body.get("target", "")) in r.json()["detail"]["message"]


@pytest.mark.parametrize("body", [{"tokens": ["short"]}, {"tokens": ["a/b" * 10]},
                                  {"tokens": "abc"}, {"tokens": ["a" * 32], "x": 1},
                                  {"tokens": ["a" * 32], "target": "0.9"}, {}])
def test_what_is_not_a_list_of_tokens_is_refused(tmp_path, body):
    with server(tmp_path) as client:
        assert client.post("/api/runs/compare", json=body).status_code == 422


def test_an_unknown_token_is_refused_naming_which_pin(tmp_path):
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            step(wire, 3)
            wait_saved(wire, 3)
            token = wire.hello["resume_token"]
        r = client.post("/api/runs/compare", json={"tokens": [token, "x" * 32]})
        assert r.status_code == 404
        detail = r.json()["detail"]
        assert detail["code"] == "unknown_run" and detail["field"] == "tokens[1]"
        assert "pin 2" in detail["message"] and "x" * 32 not in r.text  # never echoed
        # a deleted run is gone from comparisons too
        assert client.post("/api/runs/delete", json={"token": token}).status_code == 200
        assert client.post("/api/runs/compare", json={"tokens": [token]}).status_code == 404


def test_another_machine_cannot_compare_even_with_a_token(tmp_path):
    """As POST /api/runs: a client from another machine (a student's laptop in a classroom)
    is refused before any run is read, whatever it sends."""
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            step(wire, 3)
            token = wire.hello["resume_token"]
            assert compare(client, [token])["runs"][0]["step"] == 3  # this machine: answered
            with TestClient(client.app, client=LAN) as lan:
                r = lan.post("/api/runs/compare", json={"tokens": [token]})
    assert r.status_code == 403
    assert r.json()["detail"]["code"] == "local_only"
    assert r.json()["detail"]["value"] == LAN[0] and "step" not in r.text
