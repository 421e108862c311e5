"""MNIST in a session, in process: the offer when its files are missing, the `download`
command against a local HTTP server, saved runs that name their data, and frames that
measure a sample. (tests/e2e/test_downloads.py runs the download through a real nnplay.)

Nothing here downloads from the internet: every download table points at tests/fileserver.py
on loopback, or at a port nothing listens on.
"""

import hashlib
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app import downloads
from app.main import create_app
from app.settings import Settings
from tests import idx
from tests.conftest import REAL_DEFAULT_DATA_DIR
from tests.app.wire import Wire
from tests.fileserver import FileServer, closed_port

SET_MNIST = {"type": "set", "config": {"dataset": "mnist"}}


class Server:
    """An app on its own settings, with as many connections as a test opens."""

    def __init__(self, settings):
        self.settings = settings
        self.client = TestClient(create_app(settings))

    def __enter__(self):
        self.client.__enter__()
        self.sockets = []
        return self

    def wire(self):
        ws = self.client.websocket_connect("/ws")
        self.sockets.append(ws)
        return Wire(ws.__enter__())

    def __exit__(self, *exc):
        for ws in reversed(self.sockets):
            ws.__exit__(None, None, None)
        self.client.__exit__(*exc)


def settings_for(tmp_path, table_files=None, base_url=None, **changes):
    """Settings with an empty data folder and, with files, a download table for them."""
    extra = {}
    if table_files is not None:
        extra["download_table"] = str(idx.write_table(tmp_path / "table.json", table_files,
                                                      base_url, ("mnist", "fashion_mnist")))
    return Settings(open_browser=False, data_dir=str(tmp_path / "data"), **extra, **changes)


def call_seeing(wire, message):
    """(reply, the data and network messages that came before it)."""
    message = {"id": f"s{id(message)}", **message}
    wire.send(message)
    before = []
    while True:
        m = wire.next()
        if m.get("id") == message["id"] and m["type"] in ("applied", "error"):
            return m, {x["type"]: x for x in before}
        if m["type"] in ("data", "network"):
            before.append(m)


def until_download_ends(wire):
    """The `download` events up to the last one (done, failed or cancelled)."""
    events = []
    while True:
        m = wire.expect("download", timeout=30)
        events.append(m)
        if m["state"] != "downloading":
            return events


def no_partial_files(folder):
    return not folder.exists() or not [p for p in folder.iterdir() if p.name.endswith(".part")]


# -- the offer -------------------------------------------------------------------------------
@pytest.mark.command("set")
def test_missing_files_give_an_offer_and_change_nothing(tmp_path, files, fileserver):
    settings = settings_for(tmp_path, files, fileserver.url)
    with Server(settings) as server:
        wire = server.wire()
        reply = wire.call({**SET_MNIST, "id": 1})
        assert reply["type"] == "error" and reply["code"] == "missing_data", reply
        assert (reply["field"], reply["value"], reply["command"]) == ("dataset", "mnist", "set")
        folder = str(tmp_path / "data" / "mnist")
        offer = reply["download"]
        assert offer == {"dataset": "mnist", "title": "MNIST", "folder": folder,
                         "files": list(files), "bytes": sum(map(len, files.values())),
                         "source": fileserver.url, "can_download": True, "why_not": None,
                         "retry": {"type": "set", "config": {"dataset": "mnist"}}}
        assert "MNIST is not on this server yet: download it" in reply["message"]
        assert folder in reply["message"] and "train-images-idx3-ubyte.gz" in reply["message"]
        assert fileserver.count("train-images-idx3-ubyte.gz") == 0  # nothing downloads by itself
        r = wire.call({"type": "step", "n": 1})  # the session is as it was: circle, step 0
        assert r["type"] == "applied" and r["step"] == 0
        assert wire.expect("stepped")["step"] == 1


@pytest.mark.command("preset")
def test_a_preset_on_missing_files_offers_them_with_the_preset_to_retry(tmp_path):
    with Server(settings_for(tmp_path)) as server:
        reply = server.wire().call({"type": "preset", "name": "fashion_mnist", "id": 2})
        assert reply["code"] == "missing_data" and reply["value"] == "fashion_mnist"
        offer = reply["download"]
        assert offer["retry"] == {"type": "preset", "name": "fashion_mnist"}
        assert offer["bytes"] == downloads.TABLE["fashion_mnist"].total == 30_878_645
        assert offer["source"] == "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"


def test_the_built_in_table_has_the_canonical_files_and_sums():
    mnist = downloads.TABLE["mnist"]
    assert [f.name for f in mnist.files] == ["train-images-idx3-ubyte.gz",
                                             "train-labels-idx1-ubyte.gz",
                                             "t10k-images-idx3-ubyte.gz",
                                             "t10k-labels-idx1-ubyte.gz"]
    assert mnist.total == 11_594_722
    assert mnist.files[0].urls == (
        "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz",
        "https://storage.googleapis.com/cvdf-datasets/mnist/train-images-idx3-ubyte.gz")
    assert mnist.files[0].sha256.startswith("440fcabf73cc546f")
    for sources in downloads.TABLE.values():
        assert sources.total <= downloads.MAX_DOWNLOAD_BYTES
        for f in sources.files:
            assert len(f.sha256) == 64 and all(u.endswith("/" + f.name) for u in f.urls)


# -- the download ----------------------------------------------------------------------------
@pytest.mark.command("download")
def test_download_reports_progress_then_the_dataset_loads(tmp_path, files, fileserver):
    with Server(settings_for(tmp_path, files, fileserver.url)) as server:
        wire = server.wire()
        offer = wire.call(SET_MNIST)["download"]
        reply = wire.call({"type": "download", "dataset": "mnist"})
        assert reply["type"] == "applied" and reply["state"] == "downloading", reply
        assert reply["total"] == offer["bytes"] and reply["joined"] is False
        events = until_download_ends(wire)
        assert events[-1]["state"] == "done", events[-1]
        assert "MNIST is ready" in events[-1]["message"]
        progress = [e["bytes"] for e in events]
        assert progress == sorted(progress) and progress[-1] == offer["bytes"]
        assert len(events) >= 2 and all(e["total"] == offer["bytes"] for e in events)
        folder = tmp_path / "data" / "mnist"
        assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # no temporary file
        for name, raw in files.items():
            assert (folder / name).read_bytes() == raw
        r, sent = call_seeing(wire, offer["retry"])
        assert r["type"] == "applied" and r["rebuilt"] is True, r
        data = sent["data"]
        assert (data["dataset"], data["count"], data["n_inputs"]) == ("mnist", 70, 784)
        assert "X" not in data["arrays"]  # 784-input images stay on the server
        assert sent["network"]["image_shape"] == [28, 28]
        # a second request finds the files there: nothing to download
        again = wire.call({"type": "download", "dataset": "mnist"})
        assert again["state"] == "done" and fileserver.count("train-images-idx3-ubyte.gz") == 1


def test_a_file_with_another_sha256_is_refused_and_deleted(tmp_path, files):
    served = dict(files)
    served["train-images-idx3-ubyte.gz"] = files["train-images-idx3-ubyte.gz"][:-1] + b"x"
    with FileServer(served).running() as fs, \
            Server(settings_for(tmp_path, files, fs.url)) as server:
        wire = server.wire()
        assert wire.call({"type": "download", "dataset": "mnist"})["state"] == "downloading"
        last = until_download_ends(wire)[-1]
        assert last["state"] == "failed"
        sha = hashlib.sha256(served["train-images-idx3-ubyte.gz"]).hexdigest()
        assert f"its SHA-256 is {sha}" in last["message"] and "it was deleted" in last["message"]
        folder = tmp_path / "data" / "mnist"
        assert not (folder / "train-images-idx3-ubyte.gz").exists() and no_partial_files(folder)
        assert wire.call(SET_MNIST)["code"] == "missing_data"


def test_offline_the_failure_says_which_files_to_put_where(tmp_path, files):
    with Server(settings_for(tmp_path, files, closed_port())) as server:
        wire = server.wire()
        wire.call({"type": "download", "dataset": "mnist"})
        last = until_download_ends(wire)[-1]
        assert last["state"] == "failed"
        folder = str(tmp_path / "data" / "mnist")
        assert "could not be reached" in last["message"]
        assert "This machine seems to be offline: put its 4 files " in last["message"]
        assert all(name in last["message"] for name in files) and folder in last["message"]
        assert no_partial_files(tmp_path / "data" / "mnist")


def test_a_folder_the_user_names_is_read_and_never_downloaded_into(tmp_path, files,
                                                                     fileserver):
    mine = idx.write_folder(tmp_path / "mine")
    empty = tmp_path / "empty"
    table = settings_for(tmp_path, files, fileserver.url).download_table
    with Server(Settings(open_browser=False, data_dir=str(tmp_path / "data"),
                         download_table=table, dataset_dirs=(f"mnist={mine}",
                                                             f"fashion_mnist={empty}"))) as s:
        wire = s.wire()
        reply, sent = call_seeing(wire, SET_MNIST)
        assert reply["type"] == "applied" and sent["data"]["count"] == 70
        refused = wire.call({"type": "set", "config": {"dataset": "fashion_mnist"}})
        assert refused["code"] == "missing_data"
        assert refused["download"]["can_download"] is False
        assert "--dataset-dir" in refused["download"]["why_not"] and str(empty) in \
            refused["message"]
        r = wire.call({"type": "download", "dataset": "fashion_mnist"})
        assert r["type"] == "error" and r["field"] == "dataset" and "cannot be downloaded" in \
            r["message"]
        assert not empty.exists() and fileserver.count("train-images-idx3-ubyte.gz") == 0


def test_downloads_can_be_turned_off(tmp_path, files, fileserver):
    with Server(settings_for(tmp_path, files, fileserver.url, downloads=False)) as server:
        wire = server.wire()
        offer = wire.call(SET_MNIST)
        assert offer["download"]["can_download"] is False
        assert "downloads are turned off on this server (--no-downloads)" in offer["message"]
        r = wire.call({"type": "download", "dataset": "mnist"})
        assert r["type"] == "error" and fileserver.count("train-images-idx3-ubyte.gz") == 0


def test_two_sessions_share_one_download(tmp_path, files, fileserver):
    gate = fileserver.held("train-images-idx3-ubyte.gz")
    with Server(settings_for(tmp_path, files, fileserver.url)) as server:
        a, b = server.wire(), server.wire()
        assert a.call({"type": "download", "dataset": "mnist"})["joined"] is False
        assert fileserver.started.wait(10)  # the first file is under way
        joined = b.call({"type": "download", "dataset": "mnist"})
        assert joined["state"] == "downloading" and joined["joined"] is True
        gate.set()
        for wire in (a, b):
            assert until_download_ends(wire)[-1]["state"] == "done"
        assert all(fileserver.count(name) == 1 for name in files)


def test_the_last_session_to_cancel_stops_the_download_and_leaves_nothing(tmp_path, files,
                                                                          fileserver):
    gate = fileserver.held("train-images-idx3-ubyte.gz")
    with Server(settings_for(tmp_path, files, fileserver.url)) as server:
        wire = server.wire()
        wire.call({"type": "download", "dataset": "mnist"})
        assert fileserver.started.wait(10)
        job = downloads._JOBS[str(tmp_path / "data" / "mnist")]
        r = wire.call({"type": "download", "dataset": "mnist", "cancel": True})
        assert r["type"] == "applied" and r["state"] == "cancelled", r
        assert str(tmp_path / "data" / "mnist") not in downloads._JOBS  # a new one may start
        gate.set()  # the thread reads on, sees the cancellation and cleans up
        job.thread.join(timeout=30)
        assert not job.thread.is_alive() and job.state == "cancelled"
        folder = tmp_path / "data" / "mnist"
        assert no_partial_files(folder) and not (folder / "train-images-idx3-ubyte.gz").exists()
        again = wire.call({"type": "download", "dataset": "mnist", "cancel": True})
        assert again["code"] == "illegal_state"


def test_a_bad_download_table_is_refused_with_its_entry_named(tmp_path, files):
    path = idx.write_table(tmp_path / "t.json", {**files, "extra.gz": b"x"}, "http://h/")
    with pytest.raises(ValueError, match=r"download table: mnist: files must be exactly "):
        downloads.read_table(path)
    path.write_text('{"circle": {}}')
    with pytest.raises(ValueError, match=r"download table: circle: not a dataset read from "
                                         r"files; allowed: mnist, fashion_mnist"):
        downloads.read_table(path)
    with pytest.raises(ValueError, match=r"--dataset-dir 'digits=/x' must be NAME=DIR"):
        downloads.parse_dataset_dir("digits=/x")


# -- saved runs name their data --------------------------------------------------------------
@pytest.mark.command("export", "import")
def test_an_mnist_run_saves_a_reference_and_loads_back(tmp_path):
    idx.write_folder(tmp_path / "data" / "mnist")
    with Server(settings_for(tmp_path)) as server:
        wire = server.wire()
        assert wire.call({"type": "preset", "name": "mnist"})["type"] == "applied"
        wire.call({"type": "step", "n": 7})
        wire.expect("stepped")
        state = wire.call({"type": "export"})["state"]
        data = state["trainer"]["data"]
        assert set(data) == {"source"} and data["source"]["dataset"] == "mnist"
        assert (data["source"]["points"], data["source"]["train"]) == (70, 50)
        other = server.wire()
        r = other.call({"type": "import", "state": state})
        assert r["type"] == "applied" and r["step"] == 7, r
        assert other.call({"type": "export"})["state"]["trainer"] == state["trainer"]
    # Another machine: without the files, it offers them; with other files, it says so.
    elsewhere = tmp_path / "elsewhere"
    with Server(settings_for(elsewhere)) as server:
        r = server.wire().call({"type": "import", "state": state})
        assert r["code"] == "missing_data" and r["download"]["retry"] is None
    idx.write_folder(elsewhere / "data" / "mnist", idx.tiny_arrays(seed=1))
    with Server(settings_for(elsewhere)) as server:
        r = server.wire().call({"type": "import", "state": state})
        assert r["code"] == "invalid_value" and r["field"] == "data.source.sha256", r
        assert "this run was saved with other MNIST files than those here" in r["message"]


# -- frames on large data --------------------------------------------------------------------
def test_frames_measure_a_sample_and_the_whole_test_set_apart(tmp_path):
    arrays = idx.tiny_arrays(3000, 1500)
    idx.write_folder(tmp_path / "data" / "mnist", arrays)
    with Server(settings_for(tmp_path)) as server:
        wire = server.wire()
        wire.call({"type": "preset", "name": "mnist"})
        f = wire.frame()
        assert f["metrics_sample"] == {"train": 1000, "test": 1000, "of_train": 3000,
                                       "of_test": 1500}
        assert f["arrays"]["confusion"].sum() == 1000
        full = None
        while full is None:  # each frame measures a chunk of the test set
            wire.call({"type": "step", "n": 1})
            full = wire.frame()["full_test"]
        assert full["count"] == 1500 and 0.0 <= full["test_accuracy"] <= 1.0
        assert full["step"] <= wire.frames[-1]["step"]


def test_small_data_is_measured_whole(wire):
    f = wire.frame()
    assert "metrics_sample" not in f and "full_test" not in f



# -- settings --------------------------------------------------------------------------------
def test_the_settings_come_from_the_environment_too():
    s = Settings.from_env({"NNPLAY_DATA_DIR": "/d", "NNPLAY_DATASET_DIRS": "mnist=/m",
                           "NNPLAY_DOWNLOADS": "0"}, open_browser=False)
    assert (s.data_dir, s.dataset_dirs, s.downloads) == ("/d", ("mnist=/m",), False)
    lib = downloads.library(s)
    assert lib.folders == {"mnist": Path("/m"), "fashion_mnist": Path("/d/fashion_mnist")}
    assert lib.named == {"mnist"} and lib.allowed is False and lib.table is downloads.TABLE


def test_without_platformdirs_the_data_folder_is_dot_nnplay(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "platformdirs", None)  # as if not installed
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(downloads, "default_data_dir", REAL_DEFAULT_DATA_DIR)
    assert downloads.default_data_dir() == tmp_path / ".nnplay"


def test_mnist_is_read_in_a_worker_thread_not_on_the_event_loop(tmp_path, monkeypatch):
    """The first read of MNIST takes about a second: done on the event loop, it would stall
    every session. The server reads it in a worker thread before applying the command."""
    import asyncio

    from nncore import datasets

    def on_a_loop():
        try:
            asyncio.get_running_loop()
            return True
        except RuntimeError:
            return False

    idx.write_folder(tmp_path / "mnist")
    seen = []
    real = datasets.read_files

    def watched(name, folder):
        seen.append((name, on_a_loop()))
        return real(name, folder)

    monkeypatch.setattr(datasets, "read_files", watched)
    settings = Settings(open_browser=False, data_dir=str(tmp_path), downloads=False, save=False)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        reply = wire.call({"type": "preset", "name": "mnist"})
        assert reply["type"] == "applied", reply
    assert seen and seen[0] == ("mnist", False), seen  # the first read: not on the event loop


@pytest.mark.parametrize("text, name", [
    ('{"type": "set", "config": {"dataset": "mnist"}}', "mnist"),
    ('{"type": "preset", "name": "fashion_mnist"}', "fashion_mnist"),
    ('{"type": "set", "config": {"dataset": "moons"}}', None),
    ('{"type": "set", "config": {"dataset": ["mnist"]}}', None),
    ('{"type": "preset", "name": {"mnist": 1}}', None),
    ('["mnist"]', None), ('{"type": "set", "config": "mnist"', None),
    ('{"type": "pause", "note": "mnist"}', None)])
def test_which_messages_are_read_ahead(text, name):
    assert downloads.file_dataset_asked(text) == name
