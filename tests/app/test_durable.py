"""Durable runs (app/checkpoints.py, app/runstore.py): a run is saved, and after a restart of
the server with the same data folder its resume token brings it back, exactly.

The crash itself (kill -9 of a real server mid-run) is in tests/e2e/test_durable.py; here the
app runs in process, and a "restart" is a second app on the same folder.
"""

import json
import sqlite3
import time
import zlib

import pytest
from fastapi.testclient import TestClient

from app import cli
from app.main import create_app
from app.runstore import FILENAME
from app.settings import Settings
from tests.app.test_commands import applied, step
from tests.app.wire import Wire

CONFIG = {"dataset": "moons", "noise": 0.2, "hidden_layers": [5, 3], "seed": 3,
          "batch_size": 16, "learning_rate": 0.05, "optimizer": "adam"}


def settings_for(folder, **overrides):
    return Settings(open_browser=False, data_dir=str(folder), downloads=False,
                    **{"checkpoint_seconds": 0.2, **overrides})


def server(folder, **overrides):
    return TestClient(create_app(settings_for(folder, **overrides)))




def configured(wire):
    applied(wire, {"type": "set", "config": CONFIG})


def wait_saved(wire, step_):
    """The `saved` event of a save at `step_` (a paused run is saved within a fraction of a
    second of its last change)."""
    return wire.expect("saved", step=step_)


def test_a_paused_run_comes_back_after_a_restart_exactly(tmp_path):
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        assert wire.hello["saves"] is True
        configured(wire)
        step(wire, 40)
        wait_saved(wire, 40)
        before = wire.exported()["trainer"]
        token = wire.hello["resume_token"]
        session_id = wire.hello["session"]
    # A new server on the same folder: the token brings the run back, as it was.
    with server(tmp_path) as client, client.websocket_connect(f"/ws?resume={token}") as ws:
        wire = Wire(ws)
        hello = wire.hello
        assert hello["resumed"] is True and hello["resume_error"] is None
        assert hello["session"] == session_id and hello["resume_token"] == token
        assert hello["step"] == 40 and hello["state"] == "paused"
        assert hello["restored"]["step"] == 40 and hello["restored"]["saved"] > 0
        assert hello["config"]["hidden_layers"] == [5, 3]
        assert wire.exported()["trainer"] == before  # bit-identical: floats travel as their repr
        step(wire, 25)
        after_restart = wire.exported()["trainer"]
    # The same steps without a restart give the same weights, to the bit.
    with server(tmp_path, save=False) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        assert wire.hello["saves"] is False
        configured(wire)
        step(wire, 40)
        step(wire, 25)
        assert wire.exported()["trainer"] == after_restart


def test_restored_is_said_once(tmp_path):
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        step(wire, 3)
        wait_saved(wire, 3)
        token = wire.hello["resume_token"]
    with server(tmp_path) as client:
        with client.websocket_connect(f"/ws?resume={token}") as ws:
            assert Wire(ws).hello["restored"]["step"] == 3
        with client.websocket_connect(f"/ws?resume={token}") as ws:  # a plain resume now
            hello = Wire(ws).hello
            assert hello["resumed"] is True and hello["restored"] is None


def test_a_training_run_is_saved_while_it_trains_and_comes_back_running(tmp_path):
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        configured(wire)
        applied(wire, {"type": "speed", "steps_per_second": 50})
        applied(wire, {"type": "play"})
        first = wire.expect("saved")
        second = wire.expect("saved")
        assert second["step"] > first["step"]  # saved again as it goes on
        token = wire.hello["resume_token"]
        # the app stops: every run is saved as it is at that moment
    with server(tmp_path) as client, client.websocket_connect(f"/ws?resume={token}") as ws:
        wire = Wire(ws)
        assert wire.hello["resumed"] is True and wire.hello["state"] == "running"
        restored = wire.hello["restored"]["step"]
        assert restored >= second["step"]
        assert wire.frame()["step"] >= restored
        later = wire.frame(timeout=20)
        deadline = time.monotonic() + 30
        while later["step"] <= restored:  # it trains on from where it was
            assert time.monotonic() < deadline
            later = wire.frame()


def test_a_run_nothing_was_done_to_is_not_saved(tmp_path):
    with server(tmp_path) as client:
        with client.websocket_connect("/ws") as ws:
            token = Wire(ws).hello["resume_token"]
        assert client.post("/api/runs", json={"tokens": [token]}).json()["runs"] == []


def test_an_expired_session_comes_back_from_the_store(tmp_path):
    with server(tmp_path, resume_seconds=0.2) as client:
        with client.websocket_connect("/ws") as ws:
            wire = Wire(ws)
            step(wire, 7)
            before = wire.exported()["trainer"]
            token = wire.hello["resume_token"]
        deadline = time.monotonic() + 10
        while client.get("/api/stats").json()["sessions"]:  # the reaper frees it
            assert time.monotonic() < deadline, "the session was never freed"
            time.sleep(0.05)
        with client.websocket_connect(f"/ws?resume={token}") as ws:
            wire = Wire(ws)
            assert wire.hello["resumed"] is True and wire.hello["step"] == 7
            assert wire.exported()["trainer"] == before


def test_a_corrupt_database_is_moved_aside_and_the_server_starts_fresh(tmp_path, caplog):
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        assert wire.hello["saves"] is True
        step(wire, 2)
        wait_saved(wire, 2)  # the fresh database works
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert aside and (tmp_path / aside[0]).read_bytes().startswith(b"this is not")
    assert "could not be read" in caplog.text and aside[0] in caplog.text


def test_a_saved_run_that_cannot_be_loaded_gives_a_new_session_that_says_so(tmp_path):
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        step(wire, 4)
        wait_saved(wire, 4)
        token = wire.hello["resume_token"]
    # Tamper with the saved run: a weight of the wrong shape, as a run of another version.
    db = sqlite3.connect(tmp_path / FILENAME)
    body = json.loads(zlib.decompress(db.execute("SELECT body FROM runs").fetchone()[0]))
    body["export"]["trainer"]["config"]["hidden_layers"] = [3]
    db.execute("UPDATE runs SET body=?", (zlib.compress(json.dumps(body).encode()),))
    db.commit()
    db.close()
    with server(tmp_path) as client, client.websocket_connect(f"/ws?resume={token}") as ws:
        hello = Wire(ws).hello
        assert hello["resumed"] is False and hello["step"] == 0
        assert "could not be restored" in hello["resume_error"]


def test_no_save_writes_nothing(tmp_path):
    with server(tmp_path, save=False) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        step(wire, 3)
        assert client.post("/api/runs", json={"tokens": ["a" * 32]}).json() == \
            {"saves": False, "runs": []}
    assert not (tmp_path / FILENAME).exists()


# -- the page's list of its runs ------------------------------------------------------------
def test_the_runs_api_shows_only_the_tokens_given_and_deletes_what_is_not_open(tmp_path):
    with server(tmp_path) as client:
        tokens = []
        for n in (2, 3):
            with client.websocket_connect("/ws") as ws:
                wire = Wire(ws)
                step(wire, n)
                wait_saved(wire, n)
                tokens.append(wire.hello["resume_token"])
        listed = client.post("/api/runs", json={"tokens": tokens}).json()
        assert listed["saves"] is True
        assert [r["step"] for r in listed["runs"]] == [3, 2]  # newest first
        assert [r["token"] for r in listed["runs"]] == tokens[::-1]
        assert all(r["title"] == "circle · 2-4-2-1 tanh" for r in listed["runs"]), listed
        assert all("token_sha256" not in r and "body" not in r for r in listed["runs"])
        one = client.post("/api/runs", json={"tokens": tokens[:1]}).json()["runs"]
        assert [r["token"] for r in one] == tokens[:1]  # no other page's runs
        assert client.post("/api/runs", json={"tokens": ["x" * 32]}).json()["runs"] == []
        # open in a page: not deleted
        with client.websocket_connect(f"/ws?resume={tokens[0]}") as ws:
            Wire(ws)
            r = client.post("/api/runs/delete", json={"token": tokens[0]})
            assert r.status_code == 409 and "open in a page" in r.json()["detail"]
        assert client.post("/api/runs/delete", json={"token": tokens[0]}).json() == \
            {"deleted": True}
        assert client.post("/api/runs/delete", json={"token": tokens[0]}).status_code == 404
        with client.websocket_connect(f"/ws?resume={tokens[0]}") as ws:
            assert Wire(ws).hello["resumed"] is False  # gone, from memory and from the store


@pytest.mark.parametrize("body", [{"tokens": ["a" * 32] * 51}, {"tokens": "abc"},
                                  {"tokens": ["short"]}, {"tokens": ["a/b" * 10]},
                                  {"tokens": [], "extra": 1}, {}])
def test_the_runs_api_refuses_what_is_not_a_list_of_tokens(tmp_path, body):
    with server(tmp_path) as client:
        r = client.post("/api/runs", json=body)
        assert r.status_code == 422, r.text


# -- nnplay runs ----------------------------------------------------------------------------
def test_nnplay_runs_lists_exports_and_deletes(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NNPLAY_DATA_DIR", str(tmp_path))
    assert cli.main(["runs", "list"]) == 0
    assert "no saved runs" in capsys.readouterr().out
    with server(tmp_path) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        configured(wire)
        step(wire, 12)
        wait_saved(wire, 12)
        session_id = wire.hello["session"]
        state = wire.call({"type": "export"})["state"]
    assert cli.main(["runs", "list"]) == 0
    out = capsys.readouterr().out
    assert session_id in out and "step" in out and "12" in out and "2-5-3-1" in out
    target = tmp_path / "run.json"
    assert cli.main(["runs", "export", session_id, "-o", str(target)]) == 0
    saved = json.loads(target.read_text())
    assert saved["trainer"] == state["trainer"]  # the file the page's Load opens
    assert cli.main(["runs", "export", "nope"]) == 1
    assert "no saved run with ID 'nope'" in capsys.readouterr().err
    assert cli.main(["runs", "--data-dir", str(tmp_path), "delete", session_id]) == 0
    assert cli.main(["runs", "list"]) == 0
    assert "no saved runs" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["runs", "frobnicate"])
    assert "nnplay runs list" in cli.parser().format_help()  # the server's --help names them
