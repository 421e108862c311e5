"""Rooms in process: codes, names, limits, the registry, the HTTP routes, a student's
connection (follow, fork, follow again), the checks on who reaches what, and a restart.
tests/e2e/test_rooms.py does the same through a real server and real sockets."""

import asyncio
from types import SimpleNamespace

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.audience import Follower
from app.cli import parser
from app.logs import redact
from app.main import create_app
from app.rooms import (ALPHABET, CODE_LENGTH, NAME_MAX, RoomError, Rooms, check_name,
                       check_room_size, fork_token, new_code, parse_code, shown_code)
from app.security import is_local_client
from app.settings import Settings
from nncore.codec import array_from_json
from tests.app.wire import Wire

CONFIG = {"dataset": "spiral", "hidden_layers": [6, 6], "seed": 3, "optimizer": "adam",
          "learning_rate": 0.03}
LAN = ("192.0.2.7", 50000)  # a client from another machine (TEST-NET-1)


# -- codes and names ----------------------------------------------------------------------------
def test_codes_use_the_unambiguous_alphabet_and_read_in_any_form():
    codes = {new_code() for _ in range(300)}
    assert len(codes) == 300  # 31^6 of them: no repeats in a few hundred
    assert all(len(c) == CODE_LENGTH and set(c) <= set(ALPHABET) for c in codes)
    assert not set("0O1IL") & set(ALPHABET)
    assert new_code(taken={"AAAAAA"}) != "AAAAAA"
    assert shown_code("ABC234") == "ABC-234"
    for typed in ("ABC-234", "abc-234", "abc234", " Abc 234 ", "a-b-c-2-3-4"):
        assert parse_code(typed) == "ABC234", typed
    for bad in ("ABC-23", "ABC-2345", "ABC-23O", "ABC-231", "", "ÄBC-234", 123456, None):
        with pytest.raises(RoomError) as e:
            parse_code(bad)
        assert (e.value.status, e.value.code, e.value.field) == (422, "invalid_value", "code")
        assert "no 0, O, 1, I or L" in e.value.allowed


def test_names_are_trimmed_plain_text_of_limited_length():
    assert check_name("  Ada   Lovelace ") == "Ada Lovelace"
    assert check_name("Cafe\u0301") == "Café"  # NFC
    assert check_name("<b>Bo</b> & 'Cy'") == "<b>Bo</b> & 'Cy'"  # kept as text, never HTML
    assert check_name("👩\u200d🏫 Mrs Ng") == "👩\u200d🏫 Mrs Ng"  # emoji joiners are fine
    assert check_name("x" * NAME_MAX) == "x" * NAME_MAX
    with pytest.raises(RoomError, match=f"has {NAME_MAX + 1} characters; at most {NAME_MAX}"):
        check_name("x" * (NAME_MAX + 1))
    for bad, why in (("", "is empty"), ("   ", "is empty"), ("Bo\x07", "U\\+0007"),
                     ("Bo\nCy", "U\\+000A"), ("Bo\u202eyC", "U\\+202E"), (7, "must be text"),
                     ("x" * 5000, "has 5000 characters")):
        with pytest.raises(RoomError, match=why) as e:
            check_name(bad)
        assert (e.value.status, e.value.field) == (422, "name")


def test_a_students_own_session_token_is_derived_and_never_repeats():
    a, b = fork_token("student-a", 1), fork_token("student-a", 2)
    assert a == fork_token("student-a", 1) and a != b != fork_token("student-b", 2)
    assert "student-a" not in a and len(a) >= 40


def test_room_size_is_checked_in_settings_and_the_flag(capsys, data_dir):
    assert check_room_size(200) == 200 and check_room_size("1") == 1
    for bad in (0, 1001, -5, "many", 2.5, True):
        with pytest.raises(ValueError, match="from 1 to 1000"):
            check_room_size(bad)
    assert parser().parse_args(["--room-size", "30"]).room_size == 30
    with pytest.raises(SystemExit):
        parser().parse_args(["--room-size", "0"])
    assert "max_room_size 0 is not allowed" in capsys.readouterr().err
    with pytest.raises(ValueError, match="max_room_size 5000 is not allowed"):
        create_app(Settings(open_browser=False, save=False, data_dir=str(data_dir),
                            max_room_size=5000))


# -- the registry, with stand-ins for sessions ----------------------------------------------------
class FakeSession:
    def __init__(self, token):
        self.token, self.id, self.audience = token, token[:8], None


def registry(**settings):
    s = Settings(open_browser=False, save=False, **settings)
    return Rooms(s, SimpleNamespace(sessions={}))


def test_one_room_per_session_a_new_teacher_token_each_time_and_a_cap():
    async def scenario():
        rooms = registry(max_rooms=2)
        room, token, existing = await rooms.create(FakeSession("teacher-session-1"), "Ada")
        assert not existing and room.teacher_token_is(token) and room.teacher == "Ada"
        again, token2, existing = await rooms.create(FakeSession("teacher-session-1"))
        assert again is room and existing and token2 != token
        assert room.teacher_token_is(token2) and not room.teacher_token_is(token)
        await rooms.create(FakeSession("teacher-session-2"))
        with pytest.raises(RoomError) as e:
            await rooms.create(FakeSession("teacher-session-3"))
        assert (e.value.status, e.value.code, e.value.value) == (409, "too_many_rooms", 2)
        with pytest.raises(RoomError, match="teacher holds a control character"):
            await rooms.create(FakeSession("teacher-session-1"), "\x00")
    asyncio.run(scenario())


def test_join_checks_the_code_the_name_the_size_and_wrong_guesses():
    async def scenario():
        rooms = registry(max_room_size=2)
        room, teacher_token, _ = await rooms.create(FakeSession("teacher-session-1"))
        r, alex, alex_token = await rooms.join(room.shown.lower(), "Alex", "10.0.0.5")
        assert r is room and rooms.student(alex_token) == (room, alex)
        with pytest.raises(RoomError) as e:
            await rooms.join(room.code, " ALEX ")
        assert (e.value.status, e.value.code, e.value.field) == (409, "name_taken", "name")
        await rooms.join(room.code, "Bea")
        with pytest.raises(RoomError) as e:
            await rooms.join(room.code, "Cy")
        assert (e.value.status, e.value.code, e.value.value) == (409, "room_full", 2)
        assert e.value.allowed == "at most 2 students (--room-size)"
        with pytest.raises(RoomError) as e:
            rooms.student("not-a-token")
        assert e.value.code == "unknown_student"
        assert rooms.teacher_room(room.code, teacher_token) is room
        for token, status in ((alex_token, 403), ("", 401)):
            with pytest.raises(RoomError) as e:
                rooms.teacher_room(room.code, token)
            assert (e.value.status, e.value.code) == (status, "not_teacher")
        wrong = "ZZZ-ZZZ" if room.code != "ZZZZZZ" else "YYY-YYY"
        for _ in range(20):  # wrong codes from one address: then it waits
            with pytest.raises(RoomError, match="no room"):
                await rooms.join(wrong, "Dee", "10.0.0.9")
        with pytest.raises(RoomError) as e:
            await rooms.join(room.code, "Dee", "10.0.0.9")
        assert (e.value.status, e.value.code) == (429, "too_many_attempts")
        with pytest.raises(RoomError, match="is full"):  # another address is not held back
            await rooms.join(room.code, "Dee", "10.0.0.10")
        assert await rooms.close(room) == 2
        with pytest.raises(RoomError) as e:
            rooms.student(alex_token)
        assert e.value.code == "room_closed"
        with pytest.raises(RoomError) as e:
            await rooms.join(room.code, "Eve")
        assert (e.value.status, e.value.code) == (404, "no_room")
    asyncio.run(scenario())


class FakeConnection:
    def __init__(self):
        self.frame, self.failed = None, None
        self.wake_sender = asyncio.Event()

    def fail(self, error):
        self.failed = error


def test_a_follower_keeps_one_frame_the_newest_and_a_reader_that_stops_is_cut_off():
    async def scenario():
        conn = FakeConnection()
        now = [100.0]
        f = Follower(conn, "s1", clock=lambda: now[0])
        f.offer(b"frame 1")
        assert conn.frame == b"frame 1" and f.frame_wait() == 0.0
        f.offer(b"frame 2")  # the first had not gone out: skipped, never queued
        assert conn.frame == b"frame 2" and f.frames_skipped == 1
        conn.frame = None
        f.frame_sent()
        assert f.frame_wait() == pytest.approx(0.75 / 30)
        f.fps = 2
        assert f.frame_wait() == pytest.approx(0.75 / 2)
        now[0] += 1.0
        assert f.frame_wait() == 0.0
        f.replace("network", b"n1")
        f.push("event")
        f.replace("network", b"n2")  # only the newest network waits
        assert list(f.outbox) == ["event", b"n2"]
        for i in range(300):
            f.push(f"e{i}")
        assert isinstance(conn.failed, OverflowError)
    asyncio.run(scenario())


# -- through the app ---------------------------------------------------------------------------
def open_room(client, wire, teacher="Ada"):
    r = client.post("/api/rooms", json={"token": wire.hello["resume_token"],
                                        "teacher": teacher})
    assert r.status_code == 201, r.text
    return r.json()


def join(client, code, name):
    r = client.post("/api/rooms/join", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return r.json()["student_token"]


def detail(response):
    return response.json()["detail"]


def test_the_http_routes_and_their_refusals(client, wire):
    room = open_room(client, wire)
    code, teacher_token = room["code"], room["teacher_token"]
    assert room["join_path"] == f"/join/{code}" and room["room"]["size"] == 0
    assert len(code) == 7 and code[3] == "-"
    assert client.post("/api/rooms", json={"token": "x" * 32}).status_code == 404
    r = client.post("/api/rooms", json={"token": wire.hello["resume_token"], "extra": 1})
    assert r.status_code == 422 and detail(r)["field"] == "extra"
    r = client.post("/api/rooms/join", json={"code": code, "name": "\u202eevil"})
    assert r.status_code == 422 and detail(r)["field"] == "name" and "U+202E" in \
        detail(r)["message"]
    r = client.post("/api/rooms/join", json={"code": "ZZZ-ZZ9" if code != "ZZZ-ZZ9" else
                                             "YYY-YY9", "name": "Bo"})
    assert r.status_code == 404 and detail(r)["code"] == "no_room"
    r = client.post("/api/rooms/join", content=b"[1, 2]")
    assert r.status_code == 422 and detail(r)["field"] == "body"
    r = client.post("/api/rooms/join", content=b"{" + b" " * 5000 + b"}")
    assert r.status_code == 413 and detail(r)["code"] == "too_large"
    join(client, code.replace("-", "").lower(), "Bo")
    roster = client.get(f"/api/rooms/{code}", headers={"authorization": f"Bearer "
                                                       f"{teacher_token}"}).json()
    assert roster["size"] == 1 and roster["members"][0]["name"] == "Bo"
    assert roster["members"][0]["mode"] == "follow" and "token" not in str(roster["members"])
    assert roster["teacher_session"]["id"] == wire.hello["session"]
    assert client.get(f"/api/rooms/{code}").status_code == 401
    assert client.delete(f"/api/rooms/{code}", headers={"authorization": "Bearer nope"}
                         ).status_code == 403
    assert client.delete(f"/api/rooms/{code}", headers={
        "authorization": f"Bearer {teacher_token}"}).json() == {"closed": code, "students": 1}
    assert client.get(f"/api/rooms/{code}", headers={
        "authorization": f"Bearer {teacher_token}"}).status_code == 404


def test_a_client_from_another_machine_reaches_only_its_room(settings, client, wire):
    """The routes for this machine refuse another machine's client (a fake scope: the
    TestClient's address is chosen); joining a room and the page stay open to it."""
    room = open_room(client, wire)
    assert is_local_client(("127.0.0.1", 1)) and is_local_client(("::1", 1))
    assert is_local_client(("::ffff:127.0.0.1", 1)) and is_local_client(None)
    assert not is_local_client(LAN) and not is_local_client(("fd00::2", 1))
    with TestClient(client.app, client=LAN) as lan:
        for method, path, body in (("GET", "/api/stats", None), ("POST", "/api/runs",
                                                                  {"tokens": []}),
                                   ("POST", "/api/runs/delete", {"token": "x" * 32}),
                                   ("POST", "/api/rooms", {"token": wire.hello["resume_token"]}),
                                   ("GET", "/api/cluster", None)):
            r = lan.request(method, path, json=body)
            assert r.status_code == 403, path
            assert detail(r)["code"] == "local_only" and detail(r)["value"] == LAN[0]
            assert "answers only the machine nnplay runs on" in detail(r)["message"]
        assert lan.get("/").status_code == 200 and lan.get("/api/schema").status_code == 200
        r = lan.post("/api/rooms/join", json={"code": room["code"], "name": "Remote"})
        assert r.status_code == 200
    assert client.get("/api/stats").status_code == 200  # this machine: as before


def test_in_classroom_mode_another_machine_is_a_student_and_opens_no_session_of_its_own(
        settings):
    """nnplay --classroom: a client from another machine gets the join page for `/`, and its
    plain /ws is refused unless it brings a token of a session here (a fork's, kept after the
    class); this machine's pages are as before."""
    from dataclasses import replace

    from starlette.websockets import WebSocketDisconnect

    app = create_app(replace(settings, classroom=True))
    with TestClient(app) as local, TestClient(app, client=LAN) as lan:
        r = lan.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/join"
        assert local.get("/", follow_redirects=False).status_code == 200
        for path in ("/ws", "/ws?resume=" + "x" * 32):
            with lan.websocket_connect(path) as ws:
                refusal = ws.receive_json()
                assert refusal["code"] == "local_only" and refusal["field"] == "client"
                assert refusal["value"] == LAN[0] and "join it at /join" in refusal["message"]
                with pytest.raises(WebSocketDisconnect) as closed:
                    ws.receive_json()
                assert closed.value.code == 1008
        with local.websocket_connect("/ws") as ws:
            teacher = Wire(ws)
            code = open_room(local, teacher)["code"]
            token = join(lan, code, "Remote")
            with lan.websocket_connect(f"/ws?student={token}") as ws2:
                s = Wire(ws2)
                assert s.hello["room"]["mode"] == "follow"
                fork = s.call({"type": "fork"})
                assert fork["type"] == "applied"
                own = fork["resume_token"]
            with lan.websocket_connect(f"/ws?resume={own}") as ws3:  # the fork, by its token
                assert Wire(ws3).hello["resume_token"] == own
        assert app.state.manager.known(own) and not app.state.manager.known("x" * 32)


@pytest.mark.command("fork", "follow")
def test_a_student_follows_forks_bit_for_bit_and_follows_again(client, wire):
    assert wire.call({"type": "set", "config": CONFIG})["type"] == "applied"
    wire.call({"type": "step", "n": 30})
    wire.expect("stepped", step=30)
    code = open_room(client, wire)["code"]
    assert wire.call({"type": "fork"})["code"] == "not_in_room"  # not a student's connection
    token = join(client, code, "Bo")
    with client.websocket_connect(f"/ws?student={token}") as ws:
        s = Wire(ws)
        assert s.hello["session"] is None and s.hello["resume_token"] is None
        assert s.hello["room"]["mode"] == "follow" and s.hello["room"]["student"]["name"] == "Bo"
        assert s.hello["step"] == 30 and s.hello["config"]["hidden_layers"] == [6, 6]
        assert [s.next()["type"], s.next()["type"]] == ["data", "network"]
        first = s.frame()
        assert first["step"] == 30
        # What would change the teacher's session is refused, and changes nothing.
        for command in ({"type": "set", "config": {"learning_rate": 1.0}}, {"type": "play"},
                        {"type": "step"}, {"type": "select_sample", "index": 1},
                        {"type": "reset"}, {"type": "import", "state": {}}):
            reply = s.call(command)
            assert reply["code"] == "not_yours" and reply["value"] == command["type"], reply
        assert s.call({"type": "follow"})["code"] == "illegal_state"
        assert s.call({"type": "export"})["state"]["trainer"]["config"]["learning_rate"] == 0.03
        assert s.call({"type": "fps", "fps": 10})["fps"] == 10
        # The teacher's steps reach the follower, events with id null.
        wire.call({"type": "step", "n": 7})
        stepped = s.expect("stepped", step=37)
        assert stepped["id"] is None
        s.frame(step=37)
        # ... and the step-through the teacher walks (an `explanation`, id null too).
        assert wire.call({"type": "explain", "index": 2})["type"] == "explanation"
        shown = s.expect("explanation", index=2)
        assert shown["id"] is None and shown["loss_name"] == "bce"
        # ... stage by stage, as the teacher's page walks it (3 layers: 11 stages)
        walked = wire.call({"type": "explain_stage", "stage": 3})
        assert walked["type"] == "applied" and (walked["stage"], walked["stages"]) == (3, 11)
        assert s.expect("applied", command="explain_stage")["stage"] == 3
        past = wire.call({"type": "explain_stage", "stage": 11})
        assert past["code"] == "invalid_value" and past["field"] == "stage"
        assert past["allowed"] == "0 to 10"
        assert s.call({"type": "explain_stage", "stage": 1})["code"] == "not_yours"
        teacher = wire.call({"type": "export"})["state"]["trainer"]
        fork = s.call({"type": "fork"})
        assert fork["type"] == "applied" and fork["mode"] == "fork" and fork["step"] == 37
        hello = s.expect("hello")
        assert hello["resume_token"] == fork["resume_token"] and hello["room"]["mode"] == "fork"
        own = s.call({"type": "export"})["state"]["trainer"]
        assert own == teacher  # weights, optimizer, generators, data: bit for bit
        assert array_from_json(own["theta"]).tobytes() == \
            array_from_json(teacher["theta"]).tobytes()
        # Both take the same 25 steps: still equal (the optimizer's state came along too).
        for w in (s, wire):
            w.call({"type": "step", "n": 25})
            w.expect("stepped", step=62)
        assert s.call({"type": "export"})["state"]["trainer"]["theta"] == \
            wire.call({"type": "export"})["state"]["trainer"]["theta"]
        # The student's session is theirs alone: the teacher's does not change.
        assert s.call({"type": "set", "config": {"learning_rate": 0.5}})["type"] == "applied"
        assert s.call({"type": "step", "n": 5})["type"] == "applied"
        s.expect("stepped", step=67)
        teacher = wire.call({"type": "export"})["state"]["trainer"]
        assert teacher["progress"]["step"] == 62 and teacher["config"]["learning_rate"] == 0.03
        back = s.call({"type": "follow"})
        assert back["mode"] == "follow" and back["step"] == 62
        assert s.expect("hello")["room"]["own_session"] is True
        resumed = s.call({"type": "fork", "resume": True})
        assert resumed["resumed"] is True and resumed["step"] == 67
        assert resumed["resume_token"] == fork["resume_token"]


def test_a_full_server_refuses_a_fork_and_the_student_follows_on(data_dir):
    settings = Settings(open_browser=False, data_dir=str(data_dir), save=False, max_sessions=1)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        teacher = Wire(t)
        token = join(client, open_room(client, teacher)["code"], "Bo")
        with client.websocket_connect(f"/ws?student={token}") as ws:
            s = Wire(ws)
            refused = s.call({"type": "fork"})
            assert refused["code"] == "too_many_sessions" and "go on following" in \
                refused["message"]
            assert s.call({"type": "fork", "resume": True})["code"] == "no_own_session"
            teacher.call({"type": "step", "n": 3})
            s.frame(step=3)  # still following


def test_a_student_token_reaches_its_room_only(client, wire):
    code = open_room(client, wire)["code"]
    token = join(client, code, "Bo")
    with client.websocket_connect(f"/ws?student={token}&resume="
                                  f"{wire.hello['resume_token']}") as ws:
        w = Wire(ws, hello=False)
        error = w.next()
        assert error["code"] == "invalid_value" and error["field"] == "resume"
        with pytest.raises(ConnectionError, match="closed: 1008"):
            w.raw()
    with client.websocket_connect("/ws?student=wrong-token") as ws:
        w = Wire(ws, hello=False)
        assert w.next()["code"] == "unknown_student"
        with pytest.raises(ConnectionError, match="closed: 1008"):
            w.raw()
    with client.websocket_connect(f"/ws?student={token}") as ws:
        w = Wire(ws)
        assert w.hello["room"]["code"] == code
        with client.websocket_connect(f"/ws?student={token}") as ws2:  # another tab
            Wire(ws2)
            with pytest.raises(ConnectionError, match="closed: 4001"):
                while True:
                    w.next()


def test_closing_the_room_ends_its_students(client, wire):
    room = open_room(client, wire)
    token = join(client, room["code"], "Bo")
    with client.websocket_connect(f"/ws?student={token}") as ws:
        s = Wire(ws)
        assert client.delete(f"/api/rooms/{room['code']}", headers={
            "authorization": f"Bearer {room['teacher_token']}"}).status_code == 200
        closed = s.expect("room_closed")
        assert closed["code"] == room["code"] and "closed" in closed["message"]
        with pytest.raises(ConnectionError, match="closed: 4002"):
            s.raw()
    with client.websocket_connect(f"/ws?student={token}") as ws:
        w = Wire(ws, hello=False)
        assert w.next()["code"] == "room_closed"
        with pytest.raises(ConnectionError, match="closed: 4002"):
            w.raw()
    assert wire.call({"type": "step", "n": 2})["type"] == "applied"  # the teacher goes on


def test_rooms_and_forks_survive_a_restart(tmp_path):
    settings = Settings(open_browser=False, data_dir=str(tmp_path), save=True, downloads=False)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        teacher = Wire(t)
        teacher.call({"type": "set", "config": CONFIG})
        room = open_room(client, teacher)
        bo, cy = join(client, room["code"], "Bo"), join(client, room["code"], "Cy")
        teacher_token = teacher.hello["resume_token"]
        with client.websocket_connect(f"/ws?student={bo}") as ws:
            s = Wire(ws)
            fork = s.call({"type": "fork"})
            s.call({"type": "step", "n": 11})
            s.expect("stepped", step=11)
            s.expect("saved", step=11, timeout=30)
    with TestClient(create_app(settings)) as client:
        roster = client.get(f"/api/rooms/{room['code']}", headers={
            "authorization": f"Bearer {room['teacher_token']}"}).json()
        assert [(m["name"], m["mode"]) for m in roster["members"]] == [("Bo", "fork"),
                                                                       ("Cy", "follow")]
        with client.websocket_connect(f"/ws?student={bo}") as ws:
            s = Wire(ws)  # back on their own session, from its save
            assert s.hello["room"]["mode"] == "fork" and s.hello["step"] == 11
            assert s.hello["resume_token"] == fork["resume_token"]
        with client.websocket_connect(f"/ws?student={cy}") as ws:
            s = Wire(ws)  # the teacher's session is not open yet: nothing to show
            assert s.hello["room"]["teacher_here"] is False and s.hello["config"] is None
            with client.websocket_connect(f"/ws?resume={teacher_token}") as t:
                teacher = Wire(t)
                assert teacher.hello["room"]["role"] == "teacher"
                hello = s.expect("hello")  # it is now: a new hello, then its frames
                assert hello["config"]["dataset"] == "spiral" and hello["room"]["teacher_here"]
                assert s.next()["type"] == "data" and s.next()["type"] == "network"
                teacher.call({"type": "step", "n": 4})
                s.frame(step=4)


def test_students_are_told_when_the_teachers_page_leaves_and_comes_back(client):
    """Not only in a hello: each connected student, following or on their own run, is told
    once for each change (`teacher`)."""
    with client.websocket_connect("/ws") as t:
        teacher = Wire(t)
        teacher.call({"type": "set", "config": CONFIG})
        room = open_room(client, teacher)
        token = teacher.hello["resume_token"]
    bo, cy = join(client, room["code"], "Bo"), join(client, room["code"], "Cy")
    with client.websocket_connect(f"/ws?student={bo}") as b, \
            client.websocket_connect(f"/ws?student={cy}") as c:
        follower, forker = Wire(b), Wire(c)
        assert follower.hello["room"]["teacher_here"] is False
        assert forker.call({"type": "fork"})["type"] == "applied"
        for _ in range(2):
            with client.websocket_connect(f"/ws?resume={token}") as t:
                Wire(t)
                for s in (follower, forker):
                    back = s.expect("teacher")
                    assert back["here"] is True and back["message"] == "the teacher is here"
            for s in (follower, forker):
                gone = s.expect("teacher")
                assert gone["here"] is False and "left" in gone["message"]
        follower.call({"type": "fps", "fps": 5})  # nothing else came between: told once each
        assert [e["type"] for e in follower.events].count("teacher") == 0


def test_the_log_hides_student_tokens():
    assert redact("GET /ws?student=abc_DEF-123&x=1") == "GET /ws?student=<redacted>&x=1"
    assert redact("/ws?resume=abc") == "/ws?resume=<redacted>"


def test_the_lean_variant_is_built_once_for_the_followers_that_need_it(client, wire):
    wire.call({"type": "set", "config": CONFIG})
    code = open_room(client, wire)["code"]
    tokens = [join(client, code, name) for name in ("A", "B", "C")]
    with client.websocket_connect(f"/ws?student={tokens[0]}") as a, \
            client.websocket_connect(f"/ws?student={tokens[1]}") as b, \
            client.websocket_connect(f"/ws?student={tokens[2]}") as c:
        wires = [Wire(x) for x in (a, b, c)]
        for w in wires[:2]:
            assert w.call({"type": "frames", "mode": "lean"})["lean"] is True
        wire.call({"type": "step", "n": 9})
        got = [w.frame(step=9) for w in wires]
        assert [bool(f.get("lean")) for f in got] == [True, True, False]
        assert np.array_equal(got[0]["arrays"]["W1"], got[2]["arrays"]["W1"])
        stats = client.get("/api/stats").json()["rooms"][0]
        assert stats["following"] == 3 and stats["variants_built"] >= 1
        assert stats["variants_built"] <= stats["frames_shared"]  # one per frame at most


def test_fuzz_a_follower_and_the_teachers_session_stays_as_it_was(capsys, data_dir):
    """The hostile-message fuzz (test_fuzz.py) at a student following the teacher: every
    message gets one reply, the connection stays open, and the teacher's session is exactly as
    it was. (The server holds one session, so a `fork` drawn by chance is refused.)"""
    from tests.app.test_fuzz import FLOOD, run_fuzz

    settings = Settings(open_browser=False, data_dir=str(data_dir), downloads=False,
                        save=False, max_sessions=1, **FLOOD)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws") as t:
        teacher = Wire(t)
        teacher.call({"type": "set", "config": CONFIG})
        teacher.call({"type": "step", "n": 10})
        teacher.expect("stepped", step=10)
        teacher.frame(step=10)  # its chart point is in the history
        before = teacher.call({"type": "export"})["state"]
        token = join(client, open_room(client, teacher)["code"], "Fuzz")
        with client.websocket_connect(f"/ws?student={token}") as ws:
            student = Wire(ws)
            fuzzer = run_fuzz(student, capsys)
            refused = [n for (label, code), n in fuzzer.codes.items()
                       if label in ("typed", "wrong") and code in ("not_yours", "not_teacher")]
            assert sum(refused) > 0  # commands a follower may not send were drawn, and refused
        assert teacher.call({"type": "export"})["state"] == before
