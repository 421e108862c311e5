"""Imports are checked whole, then applied at once or not at all; every run nnplay saves, it
loads; and a number of any size, or a divergence to infinity, gets a reply, never a close.

A refused import must leave the session exactly as it was: the same export, byte for byte,
and a session that trains, plays, exports and resumes. An accepted state must be one the
session can show, export and load again, however unusual (no test points, one class, no
points at all, a recorded divergence, float32, ...).
"""

import copy
import hashlib
import json

import numpy as np
import pytest

from app import protocol, record, replies
from app.commands import saving
from app.limits import LIMITS
from app.protocol import REPLY_TYPES
from nncore import Config, Trainer
from nncore.records import Data
from nncore.codec import array_from_json, array_to_json
from nncore.state import parameter_count
from nncore.trainer import data_from_arrays
from tests.app.saved_runs import csv_at_the_limits, fullest_history, fullest_log
from tests.app.wire import Wire

DIVERGING = {"dataset": "plane", "output_activation": "linear", "loss": "mse",
             "learning_rate": 10, "activation": "relu", "dtype": "float32"}


# -- helpers ----------------------------------------------------------------------------------
class Session:
    """A Wire with the calls these tests make, each waiting for its reply."""

    def __init__(self, ws):
        self.wire = Wire(ws)
        self.hello = self.wire.hello
        self.seq = 0

    def call(self, message):
        reply = self.wire.call(message)
        if reply["type"] == "applied":
            self.seq = reply["seq"]
        return reply

    def applied(self, message):
        reply = self.call(message)
        assert reply["type"] == "applied", reply
        return reply

    def send_text(self, text, mid):
        """A raw text message (numbers JSON cannot write from Python); its reply."""
        self.wire.send(text)
        while True:
            m = self.wire.next()
            if m.get("id") == mid and m["type"] in REPLY_TYPES:
                if m["type"] == "applied":
                    self.seq = m["seq"]
                return m

    def frame(self):
        """The first frame that reflects every command applied so far."""
        while True:
            f = self.wire.frame()
            if f["command_seq"] >= self.seq:
                return f

    def settled(self):
        """The session's export once its chart has the point of its current step (a frame
        reflecting the last command): refusals must leave exactly this."""
        self.applied({"type": "fps", "fps": self.hello["fps"]})  # no change, but a frame
        self.frame()
        return self.export()

    def export(self):
        reply = self.call({"type": "export"})
        assert reply["type"] == "state", reply
        json.dumps(reply["state"], allow_nan=False)  # strict JSON
        return reply["state"]

    def step(self, n):
        reply = self.applied({"type": "step", "n": n})
        return self.wire.expect("stepped", id=reply["id"])["step"]

    def plays(self):
        """Play until a frame shows more steps than before (then pause: "trained"), or until
        training diverges ("diverged")."""
        start = self.frame()["step"]
        self.applied({"type": "play"})
        while True:
            m = self.wire.next()
            if m["type"] == "diverged":
                return "diverged"
            if m["type"] == "frame" and m["step"] > start:
                self.applied({"type": "pause"})
                return "trained"


def theta(state):
    return array_from_json(state["trainer"]["theta"])


def session_export(trainer, history=(), log=()):
    """What `export` would reply for a session holding this trainer."""
    return replies.jsonsafe({"format": "nnplay.session/1", "trainer": trainer.to_dict(),
                              "speed": "max", "fps": 30, "selected": None,
                              "history": list(history), "log": list(log),
                              "log_truncated": False})


def assert_refused(reply, field=None):
    assert reply["type"] == "error", reply
    assert reply["command"] in ("import", "set", None), reply
    assert reply["field"], f"the error names no field: {reply}"
    assert reply["message"] and reply["allowed"], reply
    if field is not None:
        assert reply["field"] == field, reply


def trained_session(ws):
    """A session 50 steps into a run, with its settled export."""
    s = Session(ws)
    assert s.step(50) == 50
    s.before = s.settled()
    return s


@pytest.fixture
def trained(client):
    with client.websocket_connect("/ws") as ws:
        yield trained_session(ws)


def resumed(client, token):
    return client.websocket_connect(f"/ws?resume={token}")


# -- a refused import changes nothing ---------------------------------------------------------
def _data(edit):
    def apply(state):
        edit(state["trainer"]["data"])
    return apply


def _trainer(key, value):
    def apply(state):
        state["trainer"][key] = value
    return apply


def _progress(key, value):
    def apply(state):
        state["trainer"]["progress"][key] = value
    return apply


def _array(path, fn):
    def apply(state):
        d = state["trainer"]
        for key in path[:-1]:
            d = d[key]
        A = array_from_json(d[path[-1]])
        d[path[-1]] = array_to_json(fn(A.copy()))
    return apply


def _put(index, value):
    def fn(A):
        A[index] = value
        return A
    return fn


def _classes(k):
    """n_classes=k with a theta and momentum buffer that fit the network k classes give: only
    the class limit itself can refuse it."""
    def apply(state):
        t = state["trainer"]
        t["data"]["n_classes"] = k
        config = Config(**t["config"])
        data = Data(np.zeros((1, 2)), np.zeros(1, np.int64), np.zeros(1, np.int64),
                    np.zeros(0, np.int64), "classification", k, (-6.0, 6.0))
        n = parameter_count(config, data)
        t["theta"] = array_to_json(np.zeros(n))
        t["optimizer"]["state"] = {"momentum_buffer": [array_to_json(np.zeros(n))]}
    return apply


# Each of these was refused, accepted or half-applied in the report of issue 9 (item 1), or is
# of the same class. (edit of the export, the field the error must name)
HOSTILE = {
    "extent NaN (as text)": (_data(lambda d: d.update(extent=["nan", 1])), "data.extent"),
    "extent empty": (_data(lambda d: d.update(extent=[])), "data.extent"),
    "extent of three": (_data(lambda d: d.update(extent=[-6, 0, 6])), "data.extent"),
    "extent ±1e308": (_data(lambda d: d.update(extent=[-1e308, 1e308])), "data.extent"),
    "NaN weights": (_array(("theta",), _put(3, np.nan)), "theta"),
    "infinite weights": (_array(("theta",), _put(0, np.inf)), "theta"),
    "diverged of the wrong type": (_trainer("diverged", ["step", 3]), "diverged"),
    "diverged without its fields": (_trainer("diverged", {"step": 3}), "diverged"),
    "a step of 1e30": (_progress("step", 1e30), "progress.step"),
    "a negative step": (_progress("step", -1), "progress.step"),
    "300 classes": (_classes(300), "data.n_classes"),
    "2000 classes": (_classes(2000), "data.n_classes"),
    "an unknown task": (_data(lambda d: d.update(task="ranking")), "data.task"),
    "labels beyond the classes": (_array(("data", "y"), _put(7, 5)), "data.y"),
    "train and test overlapping": (_array(("data", "test"), _put(0, 0)), "data.train"),
    "a duplicated training point": (_array(("data", "train"), _put(1, 0)), "data.train"),
    "an optimizer buffer of NaN": (_array(("optimizer", "state", "momentum_buffer", 0),
                                          _put(0, np.nan)), "optimizer.momentum_buffer"),
    "a shuffle state out of range": (
        lambda s: s["trainer"]["rng"]["shuffle"]["state"].update(state=str(2**130)),
        "rng.shuffle.state.state"),
    "too many points": (_data(lambda d: d["X"].update(shape=[2001, 2])), "data.X"),
    "a config beyond the schema": (lambda s: s["trainer"]["config"].update(hidden_layers=[129]),
                                   "hidden_layers"),
    "a config field missing": (lambda s: s["trainer"]["config"].pop("seed"), "config.seed"),
    "no trainer": (lambda s: s.pop("trainer"), "state.format"),
}


@pytest.mark.parametrize("edit, field", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_refused_import_leaves_the_session_exactly_as_it_was(client, edit, field):
    with client.websocket_connect("/ws") as ws:
        trained = trained_session(ws)
        state = copy.deepcopy(trained.before)
        edit(state)
        reply = trained.call({"type": "import", "state": state})
        assert_refused(reply, field)
        assert trained.export() == trained.before  # the same step, weights, state, history
        # ... and it is not poisoned: it steps, plays, exports and resumes.
        assert trained.step(1) == 51
        assert trained.plays() == "trained"
        trained.export()
        token = trained.hello["resume_token"]
    with resumed(client, token) as ws:
        again = Session(ws)
        assert again.hello["resumed"] is True, again.hello
        again.wire.expect("data")
        again.wire.expect("network")
        assert again.plays() == "trained"
        assert np.array_equal(theta(again.export()), theta(again.export()))


def test_non_finite_values_written_as_json_numbers_are_refused(trained):
    """1e999 is valid JSON that Python reads as infinity: in the extent, the theta it cannot
    reach, the diverged loss (where only "inf" is allowed) and a history point."""
    text = json.dumps({"type": "import", "id": "inf", "state": trained.before})
    extent = json.dumps(trained.before["trainer"]["data"]["extent"])
    reply = trained.send_text(text.replace(extent, "[-1e999, 1e999]"), "inf")
    assert_refused(reply, "data.extent")
    assert trained.export() == trained.before


# -- item 4: numbers of any size get a reply ----------------------------------------------------
BIG = "1" + "0" * 400
HUGE_NUMBERS = [
    ('{"type": "set", "id": "h", "config": {"learning_rate": %s}}' % BIG, "learning_rate"),
    ('{"type": "set", "id": "h", "config": {"l2": -%s.5}}' % BIG, "l2"),
    ('{"type": "set", "id": "h", "config": {"noise": 1e999}}', "noise"),
    ('{"type": "set", "id": "h", "config": {"n_samples": %s}}' % BIG, "n_samples"),
    ('{"type": "set", "id": "h", "config": {"hidden_layers": [%s]}}' % BIG, "hidden_layers"),
    ('{"type": "speed", "id": "h", "steps_per_second": %s}' % BIG, "steps_per_second"),
    ('{"type": "set_weight", "id": "h", "layer": 1, "source": 0, "target": 0, "value": %s}'
     % BIG, "value"),
    ('{"type": "set_weight", "id": "h", "layer": %s, "source": 0, "target": 0, "value": 1}'
     % BIG, "layer"),
    ('{"type": "add_point", "id": "h", "x": [%s, 0], "label": 1}' % BIG, "x.0"),
    ('{"type": "remove_point", "id": "h", "x": [0, 0], "radius": %s}' % BIG, "radius"),
]


@pytest.mark.parametrize("text, field", HUGE_NUMBERS, ids=[f for _, f in HUGE_NUMBERS])
def test_a_number_of_hundreds_of_digits_gets_an_error_reply(trained, text, field):
    reply = trained.send_text(text, "h")
    assert reply["type"] == "error" and reply["field"] == field, reply
    assert trained.export() == trained.before
    assert trained.step(1) == 51


IMPORTED_HUGE = {
    "config float": (lambda t: t["trainer"]["config"].__setitem__("learning_rate", "__BIG__"),
                     "learning_rate"),
    "config int": (lambda t: t["trainer"]["config"].__setitem__("seed", "__BIG__"), "seed"),
    "diverged loss": (lambda t: t["trainer"].__setitem__("diverged", {
        "step": 50, "loss": "__BIG__", "what": "loss", "message": "m"}), "diverged.loss"),
    "diverged step": (lambda t: t["trainer"].__setitem__("diverged", {
        "step": "__BIG__", "loss": "inf", "what": "loss", "message": "m"}), "diverged.step"),
    "extent": (lambda t: t["trainer"]["data"].__setitem__("extent", ["__BIG__", 1]),
               "data.extent"),
    "progress": (lambda t: t["trainer"]["progress"].__setitem__("epoch", "__BIG__"),
                 "progress.epoch"),
    "optimizer t": (lambda t: t["trainer"]["optimizer"].__setitem__("t", "__BIG__"),
                    "optimizer.t"),
}


@pytest.mark.parametrize("edit, field", IMPORTED_HUGE.values(), ids=IMPORTED_HUGE.keys())
def test_an_imported_number_of_hundreds_of_digits_gets_an_error_reply(trained, edit, field):
    state = copy.deepcopy(trained.before)
    edit(state)
    text = json.dumps({"type": "import", "id": "h", "state": state}).replace('"__BIG__"', BIG)
    reply = trained.send_text(text, "h")
    assert_refused(reply, field)
    assert trained.export() == trained.before


def test_an_imported_history_of_huge_numbers_is_dropped_and_said(trained):
    state = copy.deepcopy(trained.before)
    state["history"] = [{"step": 1, "train_loss": "__BIG__"}, {"step": 2, "train_loss": 0.5}]
    text = json.dumps({"type": "import", "id": "h", "state": state}).replace('"__BIG__"', BIG)
    reply = trained.send_text(text, "h")
    assert reply["type"] == "applied", reply
    assert reply["dropped"] and "1 chart point" in reply["dropped"][0], reply
    trained.frame()
    assert trained.export()["history"][0] == {"step": 2, "train_loss": 0.5}


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_a_real_divergence_exports_and_imports_back(client):
    """The ordinary path of item 4: train until the loss is infinite, then save the run and
    load it again; the loaded run is diverged too, and recovers like the original."""
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        s.applied({"type": "set", "config": DIVERGING})
        reply = s.applied({"type": "step", "n": 1000})
        s.wire.expect("stepped", id=reply["id"])
        diverged = s.wire.expect("diverged")
        assert diverged["loss"] in ("inf", "-inf", "nan"), diverged
        state = s.export()
        assert state["trainer"]["diverged"]["loss"] == diverged["loss"]
        with client.websocket_connect("/ws") as ws2:
            other = Session(ws2)
            reply = other.applied({"type": "import", "state": state})
            assert reply["state"] == "diverged" and reply["step"] == state["trainer"][
                "progress"]["step"]
            assert other.export()["trainer"] == state["trainer"]
            refused = other.call({"type": "play"})
            assert refused["type"] == "error" and refused["code"] == "illegal_state"
            recovered = other.applied({"type": "set", "config": {"learning_rate": 0.001}})
            assert recovered["state"] == "paused"
            other.applied({"type": "reset"})  # the last finite weights are still huge
            assert other.plays() == "trained"


# -- valid but unusual states work everywhere -------------------------------------------------
def _points(n, d=2, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, d))
    return X, rng.integers(0, classes, n)


def _no_test_points():
    X, y = _points(40)
    return Trainer(Config(train_ratio=1.0, batch_size=8), data=(X, y))


def _no_points():
    tr = Trainer()
    tr.step(5)
    tr.clear_points()
    return tr


def _one_class():
    X, _ = _points(30)
    data = data_from_arrays(X, np.ones(30, np.int64), 0.5, 0, task="classification")
    return Trainer(Config(dataset="custom"), data=data)


def _regression():
    tr = Trainer(dataset="plane", output_activation="linear", loss="mse", optimizer="adam",
                 learning_rate=0.01)
    tr.step(20)
    return tr


def _five_inputs():
    X, y = _points(60, d=5)
    tr = Trainer(Config(hidden_layers=(6,)), data=(X, y))
    tr.step(9)
    return tr


def _diverged():
    config = Config(**{**DIVERGING, "learning_rate": 10.0})
    tr = Trainer(config)
    with np.errstate(all="ignore"):
        tr.step(1000)
    assert tr.diverged is not None
    return tr


def _diverged_on_the_gradient():
    tr = Trainer()
    tr.step(3)
    tr.diverged = {"step": 4, "loss": float("nan"), "what": "gradient", "message": "recorded"}
    return tr


def _float32_batch_norm():
    tr = Trainer(dtype="float32", batch_norm=True, hidden_layers=(5, 4), dropout=0.2,
                 optimizer="adam", learning_rate=0.01)
    tr.step(17)
    return tr


def _ten_classes():
    X, y = _points(100, classes=10)
    tr = Trainer(Config(output_activation="softmax", loss="cross_entropy", hidden_layers=(8,)),
                 data=(X, y))
    tr.step(4)
    return tr


def _no_training_points():
    tr = Trainer()
    d = tr.data
    data = Data(d.X, d.y, np.zeros(0, np.int64), np.arange(len(d.y)), d.task, d.n_classes,
                d.extent)
    return Trainer(tr.config, data=data)


def _widest_extent():
    X, y = _points(50)
    data = data_from_arrays(X * 1e5, y, 0.5, 0, extent=(-1e6, 1e6))
    return Trainer(Config(dataset="custom"), data=data)


def _unshuffled_below_full_batch():
    tr = Trainer(n_samples=100, batch_size=1000)
    tr.step(3)
    tr.config = tr.config.replace(batch_size=10)  # perm stays None, as saved files may have
    return tr


def _large_weights():
    tr = Trainer(activation="relu")
    tr.net.theta *= 1e100
    return tr


UNUSUAL = {"no test points": _no_test_points, "no points at all": _no_points,
           "one class present": _one_class, "regression": _regression,
           "five inputs (not a plane)": _five_inputs, "a divergence to infinity": _diverged,
           "a divergence on the gradient": _diverged_on_the_gradient,
           "float32 with batch norm": _float32_batch_norm, "ten classes": _ten_classes,
           "no training points": _no_training_points, "the widest extent": _widest_extent,
           "unshuffled below full batch": _unshuffled_below_full_batch,
           "weights of 1e100": _large_weights}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # a huge or diverged network overflows
@pytest.mark.parametrize("make", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_valid_but_unusual_states_import_show_export_play_and_resume(client, make):
    tr = make()
    history = [{"step": tr.step_count + 1000, "epoch": 0.0, "train_loss": 0.5}]  # kept as is
    state = session_export(tr, history, [[0, {"type": "play"}]])
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        reply = s.applied({"type": "import", "state": state})
        assert reply["step"] == tr.step_count and reply["dropped"] == []
        assert reply["state"] == ("diverged" if tr.diverged else "paused")
        s.frame()
        exported = s.export()
        assert exported["trainer"] == state["trainer"]  # what was loaded is what is saved
        assert exported["log"] == state["log"] and exported["history"][0] == history[0]
        again = s.applied({"type": "import", "state": exported})  # ... and it loads again
        assert again["dropped"] == []
        s.frame()
        assert s.export()["trainer"] == state["trainer"]
        trainable = tr.n_train > 0
        if tr.diverged:
            assert s.call({"type": "play"})["code"] == "illegal_state"
            assert s.applied({"type": "set", "config": {"learning_rate": 0.001}})[
                "state"] == "paused"
            s.applied({"type": "reset"})  # the last finite weights may diverge again at once
        if trainable:
            if s.plays() == "diverged":  # weights of 1e100 overflow at once: said, and kept
                assert s.export()["trainer"]["theta"] == state["trainer"]["theta"]
                s.applied({"type": "reset"})
                assert s.plays() == "trained"
            before = s.export()["trainer"]["progress"]["step"]
            assert s.step(2) == before + 2
        else:
            assert s.call({"type": "play"})["code"] == "illegal_state"
        token = s.hello["resume_token"]
        step = s.export()["trainer"]["progress"]["step"]
    with resumed(client, token) as ws:
        back = Session(ws)
        assert back.hello["resumed"] is True and back.hello["step"] == step
        back.wire.expect("data")
        back.wire.expect("network")
        back.wire.frame()
        if trainable:
            assert back.step(1) == step + 1
        assert back.export()["format"] == "nnplay.session/1"


# -- item 9: every run nnplay saves, it loads ----------------------------------------------------
def largest_run(s):
    """The largest run the limits allow, built through the protocol: the most points and
    columns (load_csv), the largest network with the most optimizer state, then the fullest
    history and log a state may carry."""
    s.applied({"type": "load_csv", "text": csv_at_the_limits()})
    s.applied({"type": "set", "config": {
        "hidden_layers": [LIMITS["max_neurons_per_layer"]] * LIMITS["max_hidden_layers"],
        "batch_norm": True, "optimizer": "rmsprop", "momentum": 0.5, "batch_size": 7,
        "output_activation": "softmax", "loss": "cross_entropy"}})
    s.step(3)
    state = s.export()
    state["history"], state["log"] = fullest_history(), fullest_log()
    return state


def test_the_largest_run_saves_and_loads_back(client):
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        state = largest_run(s)
        reply = s.applied({"type": "import", "state": state})  # takes the full history, log
        assert reply["dropped"] == [], reply
        s.frame()
        saved = s.export()
        size = len(json.dumps({"type": "import", "id": 10**15, "state": saved}))
        assert 4 * 2**20 < size <= LIMITS["max_import_bytes"], size  # more than 4 MiB
        with client.websocket_connect("/ws") as ws2:
            other = Session(ws2)
            reply = other.applied({"type": "import", "state": saved})
            assert reply["dropped"] == [] and reply["step"] == 3
            loaded = other.export()
            assert np.array_equal(theta(loaded), theta(saved))
            assert loaded["trainer"] == saved["trainer"]  # progress, optimizer, rng: all
            assert loaded["log"] == saved["log"]
            assert loaded["history"][:-1] == saved["history"][:-1]


def test_the_chart_points_frames_make_load_back(client):
    """A history as frames write it, with a comparison run's metrics beside the run's own
    (the most names a point has), is kept whole by an import."""
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        s.applied({"type": "preset", "name": "mse_vs_cross_entropy"})
        for _ in range(3):
            s.step(5)
            s.frame()
        state = s.export()
        assert len(state["history"]) >= 3 and any(
            k.startswith("cmp_") for k in state["history"][-1]), state["history"]
        reply = s.applied({"type": "import", "state": state})
        assert reply["dropped"] == [], reply
        s.frame()  # its point replaces the last one, now without a comparison (not imported)
        assert s.export()["history"][:-1] == state["history"][:-1]


def test_load_csv_is_logged_by_its_size_and_hash_not_its_text(client):
    text = "x1,x2,label\n0.5,1,0\n-1,2,1\n3,0.25,1\n"
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        s.applied({"type": "load_csv", "text": text})
        log = s.export()["log"]
        assert log[-1] == [0, {"type": "load_csv", "bytes": len(text),
                               "sha256": hashlib.sha256(text.encode()).hexdigest()}]


def test_a_run_that_would_not_load_back_is_refused(client, monkeypatch):
    """The rehearsal measures the export: a state whose export would exceed the import limit
    (here: with the limit lowered below this run's size) is refused, never half-applied."""
    with client.websocket_connect("/ws") as ws:
        s = Session(ws)
        before = s.settled()
        monkeypatch.setattr(saving, "ENVELOPE_BYTES", LIMITS["max_import_bytes"])
        reply = s.call({"type": "import", "state": before})
        assert reply["type"] == "error" and reply["code"] == "too_large", reply
        assert reply["field"] == "state"
        monkeypatch.undo()
        assert s.export() == before


# -- a message too large to parse still gets its id back ------------------------------------------
def _oversize(id_first, mid):
    state = {"format": "nnplay.session/1", "padding": "x" * (LIMITS["max_import_bytes"] + 10),
             "log": [{"id": "nested", "type": "set"}]}
    message = {"id": mid, "type": "import", "state": state} if id_first else {
        "type": "import", "state": state, "id": mid}
    return json.dumps(message, separators=(",", ":") if id_first else (", ", ": "))


@pytest.mark.parametrize("id_first, mid", [(False, 7), (True, "abc"), (False, "x\"y"),
                                           (True, -3), (False, None)],
                         ids=["last (the page)", "first", "escaped string", "negative", "none"])
def test_an_import_too_large_to_parse_is_answered_with_its_id(client, id_first, mid):
    with client.websocket_connect("/ws") as ws:
        wire = Wire(ws)
        wire.send(_oversize(id_first, mid))
        while True:
            m = wire.next()
            if m["type"] == "error":
                break
        assert m["code"] == "too_large" and m["command"] == "import", m
        assert m["id"] == mid, m
        assert str(LIMITS["max_import_bytes"]) in m["message"]


SNIFF_CASES = [
    ('{"type": "import", "state": {"id": 5, "x": [1]}, "id": 9}', ("import", 9)),
    ('{"id": "a", "type": "load_csv", "text": "..."}', ("load_csv", "a")),
    ('{"state": {"type": "set", "id": 3}, "x": 1}', (None, None)),  # only nested keys
    ('{"state": {"a": {"id": 4}}}', (None, None)),
    ('  {"type":"play","id":12}  ', ("play", 12)),
    ('{"type": "import", "id": 1e3}', ("import", None)),  # not a whole number
    ('{"type": "import", "id": 9007199254740993}', ("import", None)),  # beyond 2^53
    ('{"type": "import", "id": "' + "z" * 65 + '"}', ("import", None)),  # too long
    ('{"type": "import", "id": true}', ("import", None)),
    ('[1, 2, {"id": 3}]', (None, None)),
    ('{"type": "import", "note": "a \\"id\\": 8", "id": 2}', ("import", 2)),
]


@pytest.mark.parametrize("text, expected", SNIFF_CASES)
def test_sniff_reads_top_level_type_and_id_at_either_end(text, expected):
    big = text.replace('"x": 1', '"x": "' + "y" * 5000 + '"')
    assert protocol._sniff(text) == expected
    assert protocol._sniff(big) == expected


def test_an_imported_log_keeps_uploads_by_their_size_and_hash():
    text = "1,2,0\n" * 1000
    log, _, dropped, _ = record.checked_log([[3, {"type": "load_csv", "text": text}]], False)
    assert log == [[3, {"type": "load_csv", "bytes": len(text),
                        "sha256": hashlib.sha256(text.encode()).hexdigest()}]]
    assert not dropped


def test_checked_log_keeps_what_fits_and_drops_what_is_not_json():
    entry = [1, {"type": "play"}]
    log, truncated, dropped, size = record.checked_log([entry] * 3, False)
    assert log == [entry] * 3 and not truncated and not dropped
    assert size == len(json.dumps(log))
    assert record.checked_log([[1, float("inf")]], False)[:3] == ([], True, True)
    assert record.checked_log("log", False)[:3] == ([], True, True)
    many = [[i, {"type": "set", "config": {"noise": 0.5}}]
            for i in range(LIMITS["max_replay_log"] + 5)]
    log, truncated, dropped, size = record.checked_log(many, False)
    assert truncated and dropped and size <= record.LOG_BYTES and len(log) < len(many)
    assert log == many[:len(log)]
