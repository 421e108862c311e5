"""The teacher's view of the class, in process: the dashboard (`class` messages), the room's
commands (push, lock, remove, reset, spotlight) on the teacher's connection, and who may send
them. tests/e2e/test_rooms.py does the same through a real server and raw sockets.

Every wait is for a condition, with a deadline: a class message comes about once a second,
so a test reads them until the one it needs arrives."""

import sqlite3
import time
from contextlib import ExitStack, contextmanager

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import dashboard
from app.main import create_app
from app.rooms import fork_token
from app.roomstore import FORMAT
from app.settings import Settings
from app.spotlight import ANONYMOUS
from nncore import probes
from tests.app.test_rooms import CONFIG, detail, open_room
from tests.app.wire import Wire

WAIT = 60.0  # seconds a condition may take (it returns as soon as it holds)
TEACHER_TYPES = ("room_push", "room_lock", "room_remove", "room_reset", "room_spotlight")


def join(client, code, name, show_name=None):
    """(student token, student id)."""
    body = {"code": code, "name": name}
    if show_name is not None:
        body["show_name"] = show_name
    r = client.post("/api/rooms/join", json=body)
    assert r.status_code == 200, r.text
    return r.json()["student_token"], r.json()["student"]["id"]


class Dash(Wire):
    """A teacher's connection: a class message comes every second, so a wait for anything
    must end at a deadline of its own, not at a silence."""

    def next(self, timeout=None):
        if time.monotonic() > self.deadline:
            raise TimeoutError(f"what this test waited for did not come within {WAIT} s")
        return super().next(timeout)

    def expect(self, type_, timeout=None, **match):
        self.deadline = time.monotonic() + (timeout or WAIT)
        return super().expect(type_, timeout, **match)

    def call(self, message, timeout=None):
        self.deadline = time.monotonic() + (timeout or WAIT)
        return super().call(message, timeout)

    deadline = float("inf")


def event(w, type_):
    """The newest event of a type a connection got (a reply may have come after it)."""
    events = [e for e in w.events if e["type"] == type_]
    assert events, f"no {type_} event"
    return events[-1]


def until_class(dash, condition, what, timeout=WAIT):
    """The first class message (header, with its arrays) for which `condition` holds."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no class message within {timeout} s: {what}"
        m = dash.expect("class", timeout=left)
        if condition(m):
            return m


def rows(message):
    return {row["name"]: row for row in message["students"]}


def own(message, name):
    """What a class message says of a student's own session ({} while they follow)."""
    return rows(message)[name]["session"] or {}


def network(w, **config):
    """The next `network` message whose config has these values (skipping older ones)."""
    deadline = time.monotonic() + WAIT
    while True:
        m = w.expect("network", timeout=max(0.1, deadline - time.monotonic()))
        if all(m["config"][k] == v for k, v in config.items()):
            return m


def stepped(w, n):
    """The student's own session takes n steps (paused), and its frame of them is drawn."""
    reply = w.call({"type": "step", "n": n})
    assert reply["type"] == "applied", reply
    w.expect("stepped", id=reply["id"])
    return w.frame(step=reply["step"] + n)


class Room:
    """A teacher's session, its room, and the teacher's connection (the dashboard)."""

    def __init__(self, client, wire, config=CONFIG):
        assert wire.call({"type": "set", "config": config})["type"] == "applied"
        self.client, self.wire = client, wire
        made = open_room(client, wire)
        self.code, self.teacher_token = made["code"], made["teacher_token"]

    def dashboard(self):
        return self.client.websocket_connect(f"/ws?teacher={self.teacher_token}")

    def student(self, token):
        return self.client.websocket_connect(f"/ws?student={token}")

    def own_session(self, token, forks=1):
        return self.client.app.state.manager.sessions[fork_token(token, forks)]


@contextmanager
def students_and_dashboard(room, *names):
    """These students joined and connected (a Wire each), and the teacher's connection."""
    tokens = [join(room.client, room.code, name)[0] for name in names]
    with ExitStack() as stack:
        wires = [Wire(stack.enter_context(room.student(token))) for token in tokens]
        yield (*wires, Dash(stack.enter_context(room.dashboard())))


def test_the_dashboard_lists_every_student_with_their_run_and_thumbnail(client, wire):
    room = Room(client, wire)
    (a, a_id), (b, b_id), (c, c_id) = (join(client, room.code, n) for n in ("Ada", "Bo", "Cy"))
    with room.student(a) as wa, room.student(b) as wb, room.student(c) as wc, \
            room.dashboard() as wd, room.dashboard() as wd2:
        ada, bo, cy = (Wire(w) for w in (wa, wb, wc))
        dash, second = Dash(wd), Dash(wd2)
        assert dash.hello["room"]["role"] == "teacher" and dash.hello["session"] is None
        assert dash.hello["dashboard"]["thumb_size"] == dashboard.THUMB
        assert ada.call({"type": "fork"})["type"] == "applied"
        assert ada.call({"type": "set", "config": {"learning_rate": 0.3}})["type"] == "applied"
        ada_frame = stepped(ada, 30)
        assert bo.call({"type": "fork"})["type"] == "applied"
        assert bo.call({"type": "set", "config": {"hidden_layers": [5]}})["rebuilt"] is True
        bo_frame = stepped(bo, 12)

        def complete(m):
            return all(own(m, n).get("step") == s and own(m, n).get("thumb")
                       for n, s in (("Ada", 30), ("Bo", 12)))
        m = until_class(dash, complete, "Ada at step 30 and Bo at 12, with thumbnails")
        r = rows(m)
        assert [s["name"] for s in m["students"]] == ["Ada", "Bo", "Cy"]  # in joining order
        assert r["Cy"]["mode"] == "follow" and r["Cy"]["session"] is None
        assert r["Cy"]["connected"] and r["Cy"]["joined"] <= r["Cy"]["active"] <= m["now"]
        assert r["Ada"]["id"] == a_id and r["Bo"]["id"] == b_id and r["Cy"]["id"] == c_id
        ada_row, bo_row = r["Ada"]["session"], r["Bo"]["session"]
        assert r["Ada"]["mode"] == "fork" and ada_row["state"] == "paused"
        # The metrics are those of the student's own newest frame (the engine's, not redone).
        assert ada_row["score_name"] == "test_accuracy"
        assert ada_row["score"] == ada_frame["metrics"]["test_accuracy"]
        assert ada_row["train_loss"] == ada_frame["metrics"]["train_loss"]
        assert bo_row["score"] == bo_frame["metrics"]["test_accuracy"]
        # Only the keys that differ from the teacher's config, teacher's value first.
        assert ada_row["diff"] == {"learning_rate": [0.03, 0.3]}
        assert bo_row["diff"] == {"hidden_layers": [[6, 6], [5]]}
        assert m["teacher"] == {"step": 0, "state": "paused", "here": True}
        # The thumbnails: one 24×24 picture per own session, each that student's output.
        thumbs = m["arrays"]["thumbs"]
        assert thumbs.shape == (2, 24, 24) and thumbs.dtype == np.uint8
        assert {ada_row["thumb"]["index"], bo_row["thumb"]["index"]} == {0, 1}
        for row, token in ((ada_row, a), (bo_row, b)):
            tr = room.own_session(token).trainer
            probe = probes.PlaneProbe(tr.config.features, tr.data.extent, 24, 24)
            output, _ = probe.run(tr.net)
            assert row["thumb"]["range"] == [0.0, 1.0]  # sigmoid: its middle is the boundary
            expected = probes.quantize(output[:, 0], 0.0, 1.0).reshape(24, 24)
            assert np.array_equal(thumbs[row["thumb"]["index"]], expected)
        assert not np.array_equal(thumbs[0], thumbs[1])
        # One message a second, built once: both teacher's connections get the same ones.
        one, two = same_message(dash, second)
        assert one["students"] == two["students"]
        assert np.array_equal(one["arrays"]["thumbs"], two["arrays"]["thumbs"])
        assert client.get("/api/stats").json()["rooms"][0]["dashboard"]["viewers"] == 2


def same_message(first, second):
    """A class message both dashboards got (the same `seq`: the same build), from each."""
    a, b = first.expect("class"), second.expect("class")
    deadline = time.monotonic() + WAIT
    while a["seq"] != b["seq"]:
        assert time.monotonic() < deadline, "the dashboards never got the same message"
        if a["seq"] < b["seq"]:
            a = first.expect("class")
        else:
            b = second.expect("class")
    return a, b


def test_a_thumbnail_is_made_only_when_the_run_changed(client, wire):
    room = Room(client, wire)
    a, _ = join(client, room.code, "Ada")
    with room.student(a) as wa, room.dashboard() as wd:
        ada, dash = Wire(wa), Dash(wd)
        ada.call({"type": "fork"})
        stepped(ada, 5)
        first = until_class(dash, lambda m: own(m, "Ada").get("thumb"), "a thumbnail")

        def made():
            return client.get("/api/stats").json()["rooms"][0]["dashboard"]["thumbs_made"]
        before = made()
        until_class(dash, lambda m: m["seq"] >= first["seq"] + 3, "three more messages")
        assert made() == before, "a paused run's thumbnail was made again"
        stepped(ada, 5)
        until_class(dash, lambda m: own(m, "Ada").get("step") == 10 and made() > before,
                    "a new thumbnail once the run moved")
        assert made() == before + 1


@pytest.mark.command("room_push")
def test_a_push_reaches_every_own_session_and_a_refusal_is_listed(client, wire):
    room = Room(client, wire)
    (a, a_id), (b, b_id), (c, c_id) = (join(client, room.code, n) for n in ("Ada", "Bo", "Cy"))
    with room.student(a) as wa, room.student(b) as wb, room.student(c) as wc, \
            room.dashboard() as wd:
        ada, bo, cy, dash = (*(Wire(w) for w in (wa, wb, wc)), Dash(wd))
        for w in (ada, bo):
            assert w.call({"type": "fork"})["type"] == "applied"
        # Bo's run is a regression-style output: bce cannot pair with it; Ada's can.
        assert bo.call({"type": "set", "config": {"output_activation": "linear",
                                                   "loss": "mse"}})["type"] == "applied"
        reply = dash.call({"type": "room_push", "config": {"loss": "bce",
                                                           "hidden_layers": [4]}})
        assert reply["type"] == "applied" and reply["command"] == "room_push", reply
        assert reply["applied"] == [a_id] and reply["following"] == [c_id]
        [refusal] = reply["refused"]
        assert refusal["student"] == b_id and refusal["name"] == "Bo"
        assert refusal["code"] == "invalid_value" and refusal["field"] == "loss"
        assert "bce" in refusal["message"] and refusal["command"] == "set"
        # Each session's own page says what it is now: Ada's is rebuilt with the new config.
        network(ada, hidden_layers=[4])  # then the reply
        told = ada.expect("applied", by="teacher", command="set")
        assert told["id"] is None and told["changed"] == {"hidden_layers": [4]}
        bo_config = bo.call({"type": "export"})["state"]["trainer"]["config"]
        assert bo_config["loss"] == "mse" and bo_config["hidden_layers"] == [6, 6]
        # A live change reaches both; their hellos (after a follow and back) carry it.
        reply = dash.call({"type": "room_push", "config": {"learning_rate": 0.2},
                           "speed": 40})
        assert sorted(reply["applied"]) == sorted([a_id, b_id]) and not reply["refused"]
        for w in (ada, bo):
            assert w.expect("applied", by="teacher", command="speed")["speed"] == 40
            w.call({"type": "follow"})
            hello = w.expect("hello", resume_token=None)
            assert hello["config"]["learning_rate"] == 0.03  # the teacher's, unchanged
            w.call({"type": "fork", "resume": True})
            hello = w.expect("hello", resumed=True)
            assert hello["config"]["learning_rate"] == 0.2 and hello["speed"] == 40
        # A preset: each rebuilt, as the preset's own command would.
        reply = dash.call({"type": "room_push", "preset": "dead_relus"})
        assert len(reply["applied"]) == 2
        for w in (ada, bo):
            network(w, activation="relu", learning_rate=1.0)
        # A value no session would take refuses the whole push, before any is touched.
        for push, field in (({"config": {"learning_rate": -1}}, "learning_rate"),
                            ({"config": {"colour": 1}}, "colour"),
                            ({"preset": "no_such"}, "preset"), ({}, "config")):
            refused = dash.call({"type": "room_push", **push})
            assert refused["code"] == "invalid_value" and refused["field"] == field, refused
        assert bo.call({"type": "export"})["state"]["trainer"]["config"]["learning_rate"] == 1.0
        assert cy.call({"type": "export"})["state"]["trainer"]["config"]["learning_rate"] == 0.03


def test_a_push_lists_a_follower_whose_page_left_as_away(client, wire):
    room = Room(client, wire)
    (a, a_id), (b, b_id) = (join(client, room.code, n) for n in ("Ada", "Bo"))
    with room.student(b), room.dashboard() as wd:
        dash = Dash(wd)
        with room.student(a):
            until_class(dash, lambda m: rows(m)["Ada"]["connected"], "Ada here")
        until_class(dash, lambda m: not rows(m)["Ada"]["connected"], "Ada's page left")
        reply = dash.call({"type": "room_push", "config": {"learning_rate": 0.2}})
        assert reply["following"] == [b_id] and reply["away"] == [a_id], reply
        assert not reply["applied"] and not reply["refused"]


@pytest.mark.command("room_lock")
def test_locked_controls_are_refused_everywhere_and_open_again(client, wire):
    room = Room(client, wire)
    with students_and_dashboard(room, "Ada", "Bo") as (ada, bo, dash):
        ada.call({"type": "fork"})
        bad = dash.call({"type": "room_lock", "controls": ["learning_rate", "colour"]})
        assert bad["code"] == "invalid_value" and bad["value"] == "colour"
        assert "learning_rate" in bad["allowed"]
        locked = dash.call({"type": "room_lock", "controls": ["learning_rate", "n_samples"]})
        assert locked["controls"] == ["learning_rate", "n_samples"]
        locks = ada.expect("locks")
        assert locks["controls"] == ["learning_rate", "n_samples"]
        assert locks["message"] == "the teacher locked Learning rate, Points for this exercise"
        assert bo.expect("locks")["controls"] == ["learning_rate", "n_samples"]
        assert event(dash, "locks")["controls"] == ["learning_rate", "n_samples"]
        refused = ada.call({"type": "set", "config": {"learning_rate": 0.5, "l2": 0.01}})
        assert refused["code"] == "locked" and refused["field"] == "learning_rate"
        assert refused["value"] == 0.5 and refused["message"].startswith(
            "Learning rate is locked: the teacher locked it for this exercise (locked: "
            "Learning rate, Points)")
        # The same value is no change; other keys are free; what would change a locked key
        # (a preset, new points' data) is refused too; the session is as it was.
        assert ada.call({"type": "set", "config": {"learning_rate": 0.03}})["type"] == \
            "applied"
        assert ada.call({"type": "set", "config": {"l2": 0.01}})["type"] == "applied"
        assert ada.call({"type": "preset", "name": "dead_relus"})["field"] == "learning_rate"
        changed = ada.call({"type": "set", "config": {"dataset": "moons"}})
        assert changed["type"] == "applied"  # the data, but not a locked key of it
        assert ada.call({"type": "set", "config": {"n_samples": 300}})["code"] == "locked"
        assert ada.call({"type": "export"})["state"]["trainer"]["config"]["learning_rate"] == \
            0.03
        # A student who forks later, or opens their run by its token elsewhere, is held too;
        # their hello names the locked keys.
        fork = bo.call({"type": "fork"})
        assert bo.expect("hello")["room"]["locked"] == ["learning_rate", "n_samples"]
        assert bo.call({"type": "set", "config": {"learning_rate": 2}})["code"] == "locked"
        with client.websocket_connect(f"/ws?resume={fork['resume_token']}") as other:
            page = Wire(other)
            assert page.call({"type": "set", "config": {"learning_rate": 2}})["code"] == \
                "locked"
        # The class message says what is locked; [] unlocks.
        until_class(dash, lambda m: m["locked"] == ["learning_rate", "n_samples"], "locked")
        assert dash.call({"type": "room_lock", "controls": []})["controls"] == []
        assert "unlocked" in ada.expect("locks", controls=[])["message"]
        assert ada.call({"type": "set", "config": {"learning_rate": 0.5}})["type"] == "applied"


def test_only_the_teacher_sends_the_rooms_commands(client, wire):
    room = Room(client, wire)
    a, a_id = join(client, room.code, "Ada")
    b, _ = join(client, room.code, "Bo")
    commands = [{"type": "room_push", "config": {"learning_rate": 3}},
                {"type": "room_lock", "controls": ["learning_rate"]},
                {"type": "room_remove", "student": a_id}, {"type": "room_reset", "student": a_id},
                {"type": "room_spotlight", "student": a_id, "show_name": True}]
    assert {c["type"] for c in commands} == set(TEACHER_TYPES)
    with room.student(a) as wa, room.student(b) as wb:
        ada, bo = Wire(wa), Wire(wb)
        ada.call({"type": "fork"})
        for who in (ada, bo, wire):  # on their own session, following, the teacher's session
            for command in commands:
                refused = who.call(command)
                assert refused["code"] == "not_teacher", refused
                assert "/ws?teacher=" in refused["message"]
        assert ada.call({"type": "export"})["state"]["trainer"]["config"]["learning_rate"] == \
            0.03
        assert client.get("/api/stats").json()["rooms"][0]["locked"] == []
    # A student's token (or none, or an old one) opens no teacher's connection.
    for token in (a, "", "not-a-token"):
        with client.websocket_connect(f"/ws?teacher={token}") as ws:
            w = Wire(ws, hello=False)
            assert w.next()["code"] == "not_teacher"
            with pytest.raises(ConnectionError, match="closed: 1008"):
                w.raw()
    with client.websocket_connect(f"/ws?teacher={room.teacher_token}&resume=x") as ws:
        w = Wire(ws, hello=False)
        assert w.next()["field"] == "teacher"
    with room.dashboard() as wd:
        dash = Dash(wd)
        wrong = dash.call({"type": "play"})  # the teacher's run takes that on its own socket
        assert wrong["code"] == "invalid_value" and "room_push" in wrong["allowed"]
        # A new teacher token (the page asked again) ends the old one's connections.
        renewed = open_room(client, wire)
        assert renewed["existing"] and renewed["teacher_token"] != room.teacher_token
        ended = dash.expect("error")
        assert ended["code"] == "not_teacher" and "new teacher token" in ended["message"]
        with pytest.raises(ConnectionError, match="closed: 1008"):
            dash.raw()


@pytest.mark.command("room_remove", "room_reset")
def test_the_teacher_resets_and_removes_a_student(client, wire):
    room = Room(client, wire)
    a, a_id = join(client, room.code, "Ada")
    b, b_id = join(client, room.code, "Bo")
    c, c_id = join(client, room.code, "Cy")
    wire.call({"type": "step", "n": 40})
    wire.expect("stepped", step=40)
    with room.student(a) as wa, room.student(b) as wb, room.dashboard() as wd:
        ada, bo, dash = Wire(wa), Wire(wb), Dash(wd)
        ada.call({"type": "fork"})
        ada.call({"type": "set", "config": {"learning_rate": 0.5}})
        stepped(ada, 25)
        wire.call({"type": "step", "n": 10})
        wire.expect("stepped", step=50)
        teacher = wire.call({"type": "export"})["state"]["trainer"]
        reset = dash.call({"type": "room_reset", "student": a_id})
        assert reset["type"] == "applied" and reset["step"] == 50, reset
        told = ada.expect("reset_by_teacher")
        assert told["step"] == 50 and "reset your run" in told["message"]
        hello = ada.expect("hello")
        assert hello["room"]["mode"] == "fork" and hello["step"] == 50
        assert hello["resume_token"] == fork_token(a, 2)  # a new fork: their second
        assert ada.call({"type": "export"})["state"]["trainer"] == teacher  # bit for bit
        # A follower has nothing to reset; an absent student is reset when back; no such id.
        assert dash.call({"type": "room_reset", "student": b_id})["code"] == "illegal_state"
        with room.student(c) as wc:
            Wire(wc).call({"type": "fork"})
        assert dash.call({"type": "room_reset", "student": c_id})["code"] == "student_away"
        missing = dash.call({"type": "room_reset", "student": "nobody"})
        assert missing["code"] == "no_student" and missing["field"] == "student"
        # Removing: the student is told, the connection ends (4003), the token is dead.
        removed = dash.call({"type": "room_remove", "student": b_id})
        assert removed["type"] == "applied" and removed["name"] == "Bo"
        event = bo.expect("removed")
        assert event["code"] == room.code and "removed you" in event["message"]
        with pytest.raises(ConnectionError, match="closed: 4003"):
            bo.raw()
        until_class(dash, lambda m: "Bo" not in rows(m), "Bo gone from the class")
    with room.student(b) as wb:
        w = Wire(wb, hello=False)
        refused = w.next()
        assert refused["code"] == "removed" and room.code in refused["message"]
        with pytest.raises(ConnectionError, match="closed: 4003"):
            w.raw()
    roster = client.get(f"/api/rooms/{room.code}", headers={
        "authorization": f"Bearer {room.teacher_token}"}).json()
    assert [m["name"] for m in roster["members"]] == ["Ada", "Cy"]


@pytest.mark.command("room_spotlight")
def test_a_spotlight_shows_a_students_run_to_the_room_and_back(client, wire):
    room = Room(client, wire)
    a, a_id = join(client, room.code, "Ada", show_name=True)
    b, b_id = join(client, room.code, "Bo")  # did not allow their name to be shown
    c, _ = join(client, room.code, "Cy")
    with room.student(a) as wa, room.student(b) as wb, room.student(c) as wc, \
            room.dashboard() as wd:
        ada, bo, cy, dash = (*(Wire(w) for w in (wa, wb, wc)), Dash(wd))
        for w in (ada, bo):
            w.call({"type": "fork"})
        ada.call({"type": "set", "config": {"hidden_layers": [3]}})
        ada_frame = stepped(ada, 17)
        assert dash.call({"type": "room_spotlight", "student": c}).get("code") == "no_student"
        shown = dash.call({"type": "room_spotlight", "student": a_id, "show_name": True})
        assert shown["name"] == "Ada" and shown["name_allowed"] is True
        assert event(dash, "spotlight")["name"] == "Ada"  # told before the reply
        # The follower is told, then starts over with Ada's run: its hello, network, frames.
        switched = cy.expect("spotlight")
        assert switched["student"] == a_id and switched["name"] == "Ada"
        hello = cy.expect("hello")
        assert hello["room"]["spotlight"] == {"student": a_id, "name": "Ada"}
        assert hello["step"] == 17 and hello["config"]["hidden_layers"] == [3]
        assert cy.expect("network")["sizes"] == [2, 3, 1]
        seen = cy.frame(step=17)
        assert np.array_equal(seen["arrays"]["W1"], ada_frame["arrays"]["W1"])
        # ... and so does the teacher's connection (the projector); Ada's own page is told.
        run = dash.expect("spotlight_run")
        assert run["run"]["step"] == 17 and run["student"] == a_id
        assert dash.expect("network")["sizes"] == [2, 3, 1]
        dash.frame(step=17)
        assert ada.expect("spotlight")["student"] == a_id
        # Ada trains on: her new frames reach the room, built once (the same weights).
        mine = stepped(ada, 8)
        theirs = cy.frame(step=25)
        assert np.array_equal(theirs["arrays"]["W2"], mine["arrays"]["W2"])
        assert np.array_equal(dash.frame(step=25)["arrays"]["W2"], mine["arrays"]["W2"])
        until_class(dash, lambda m: m["spotlight"] == {"student": a_id, "name": "Ada"},
                    "the class message names the spotlight")
        # A student who did not allow it is shown as "a student", whatever the teacher asks.
        hidden = dash.call({"type": "room_spotlight", "student": b_id, "show_name": True})
        assert hidden["name"] == ANONYMOUS and hidden["name_allowed"] is False
        assert cy.expect("spotlight")["name"] == ANONYMOUS
        assert cy.expect("hello")["room"]["spotlight"]["name"] == ANONYMOUS
        shown = event(dash, "spotlight")
        assert (shown["student"], shown["name"]) == (b_id, ANONYMOUS)
        assert "Bo" not in shown["message"]
        # The teacher ends it: the room sees the teacher's run again.
        assert dash.call({"type": "room_spotlight", "student": None})["student"] is None
        assert cy.expect("spotlight")["student"] is None
        back = cy.expect("hello")
        assert back["room"]["spotlight"] is None and back["config"]["hidden_layers"] == [6, 6]
        wire.call({"type": "step", "n": 3})
        assert cy.frame(step=3)["arrays"]["W1"].shape == (2, 6)
        assert event(dash, "spotlight")["student"] is None
        # A spotlighted student who goes back to following ends it too.
        dash.call({"type": "room_spotlight", "student": a_id})
        cy.expect("hello")
        ada.call({"type": "follow"})
        assert "following" in cy.expect("spotlight", student=None)["message"]


def test_joining_with_a_name_that_may_be_shown(client, wire):
    room = Room(client, wire)
    r = client.post("/api/rooms/join", json={"code": room.code, "name": "Ada",
                                             "show_name": "yes"})
    assert r.status_code == 422 and detail(r)["field"] == "show_name"
    assert detail(r)["allowed"] == "true or false"
    _, ada = join(client, room.code, "Ada", show_name=True)
    join(client, room.code, "Bo")
    roster = client.get(f"/api/rooms/{room.code}", headers={
        "authorization": f"Bearer {room.teacher_token}"}).json()
    assert [(m["name"], m["show_name"]) for m in roster["members"]] == [("Ada", True),
                                                                        ("Bo", False)]


def test_show_name_survives_a_restart_and_an_older_database_gains_it(tmp_path):
    settings = Settings(open_browser=False, data_dir=str(tmp_path), save=True, downloads=False)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        room = Room(client, Wire(t))
        join(client, room.code, "Ada", show_name=True)
    database = next(tmp_path.rglob("runs.sqlite3"))
    with sqlite3.connect(database) as db:  # as nnplay.rooms/1 left it: no show_name column
        db.execute("ALTER TABLE members DROP COLUMN show_name")
        db.execute("UPDATE meta SET value='nnplay.rooms/1' WHERE key='rooms_format'")
    with TestClient(create_app(settings)) as client:
        roster = client.get(f"/api/rooms/{room.code}", headers={
            "authorization": f"Bearer {room.teacher_token}"}).json()
        assert [(m["name"], m["show_name"]) for m in roster["members"]] == [("Ada", False)]
        join(client, room.code, "Bo", show_name=True)
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT value FROM meta WHERE key='rooms_format'").fetchone() == \
            (FORMAT,)
    with TestClient(create_app(settings)) as client:
        roster = client.get(f"/api/rooms/{room.code}", headers={
            "authorization": f"Bearer {room.teacher_token}"}).json()
        assert [(m["name"], m["show_name"]) for m in roster["members"]] == [("Ada", False),
                                                                            ("Bo", True)]


def test_locked_controls_survive_a_restart_and_an_older_database_gains_them(tmp_path, caplog):
    settings = Settings(open_browser=False, data_dir=str(tmp_path), save=True, downloads=False)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        teacher = Wire(t)
        room = Room(client, teacher)
        ada, _ = join(client, room.code, "Ada")
        with room.student(ada) as s, room.dashboard() as d:
            assert Wire(s).call({"type": "fork"})["type"] == "applied"
            assert Dash(d).call({"type": "room_lock", "controls": ["learning_rate"]})[
                "controls"] == ["learning_rate"]
        token = teacher.hello["resume_token"]
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect(f"/ws?resume={token}") as t:  # the teacher comes back
            Wire(t)
            with client.websocket_connect(f"/ws?student={ada}") as s:
                student = Wire(s)
                assert student.hello["room"]["mode"] == "fork"
                assert student.hello["room"]["locked"] == ["learning_rate"]
                refused = student.call({"type": "set", "config": {"learning_rate": 2}})
                assert refused["code"] == "locked" and refused["field"] == "learning_rate"
    database = next(tmp_path.rglob("runs.sqlite3"))
    with sqlite3.connect(database) as db:  # as nnplay.rooms/2 left it: no locks column
        db.execute("ALTER TABLE rooms DROP COLUMN locks")
        db.execute("UPDATE meta SET value='nnplay.rooms/2' WHERE key='rooms_format'")
    with TestClient(create_app(settings)) as client:
        with client.websocket_connect(f"/ws?student={ada}") as s:
            assert Wire(s).hello["room"]["locked"] == []  # the older database locked nothing
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT value FROM meta WHERE key='rooms_format'").fetchone() == \
            (FORMAT,)
        # a key this version does not have (a newer one's, say) is left out, and said
        db.execute("""UPDATE rooms SET locks='["learning_rate", "warp_drive"]'""")
    with caplog.at_level("WARNING", logger="nnplay"), TestClient(create_app(settings)) as client:
        with client.websocket_connect(f"/ws?student={ada}") as s:
            assert Wire(s).hello["room"]["locked"] == ["learning_rate"]
    assert "warp_drive" in caplog.text and "could not all be restored" in caplog.text


def test_fuzz_the_teachers_connection(capsys, data_dir, monkeypatch):
    """The hostile-message fuzz (test_fuzz.py) at the teacher's connection: every message gets
    one reply (an error naming what is wrong, or the room command it happened to be), the
    connection stays open, and the class goes on."""
    from tests.app import test_fuzz

    monkeypatch.setattr(test_fuzz, "SKIPPED", (*test_fuzz.SKIPPED, "class", "locks",
                                                "spotlight", "spotlight_run"))
    settings = Settings(open_browser=False, data_dir=str(data_dir), downloads=False,
                        save=False, **test_fuzz.FLOOD)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        room = Room(client, Wire(t))
        a, _ = join(client, room.code, "Ada")
        with room.student(a) as wa, room.dashboard() as wd:
            ada = Wire(wa)
            ada.call({"type": "fork"})
            fuzzer = test_fuzz.run_fuzz(Dash(wd), capsys)
            assert fuzzer.codes["typed", "invalid_value"] > 0
            assert ada.call({"type": "export"})["type"] == "state"  # still served
        with room.dashboard() as wd:
            assert rows(Dash(wd).expect("class"))["Ada"]["mode"] == "fork"


def test_closing_the_room_ends_the_teachers_connections(client, wire):
    room = Room(client, wire)
    with room.dashboard() as wd:
        dash = Dash(wd)
        dash.expect("class")
        assert client.delete(f"/api/rooms/{room.code}", headers={
            "authorization": f"Bearer {room.teacher_token}"}).status_code == 200
        assert dash.expect("room_closed")["code"] == room.code
        with pytest.raises(ConnectionError, match="closed: 4002"):
            dash.raw()
    with room.dashboard() as wd:  # its token opens nothing now
        w = Wire(wd, hello=False)
        assert w.next()["code"] == "not_teacher"


def test_the_class_message_scores_regression_by_r2_and_multiclass_by_class(client, wire):
    room = Room(client, wire)
    with students_and_dashboard(room, "Ada", "Bo") as (ada, bo, dash):
        for w, config in ((ada, {"dataset": "plane"}), (bo, {"n_classes": 3})):
            w.call({"type": "fork"})
            assert w.call({"type": "set", "config": config})["type"] == "applied"
            stepped(w, 4)
        m = until_class(dash, lambda m: own(m, "Ada").get("step") == 4 and own(
            m, "Bo").get("step") == 4 and own(m, "Ada").get("thumb") and own(
            m, "Bo").get("thumb"), "both scored, with thumbnails")
        ada_row, bo_row = own(m, "Ada"), own(m, "Bo")
        assert ada_row["score_name"] == "test_r2" and ada_row["score"] <= 1.0
        assert "range" in ada_row["thumb"] and ada_row["diff"]["dataset"] == ["spiral", "plane"]
        assert bo_row["score_name"] == "test_accuracy" and bo_row["thumb"]["classes"] == 3
        codes = m["arrays"]["thumbs"][bo_row["thumb"]["index"]]
        assert set(np.unique(codes)) <= {0, 1, 2}  # predicted classes
