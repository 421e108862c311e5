"""A class in a room, through a real nnplay (uvicorn in a subprocess) and real sockets.

A teacher's session opens a room; students join by its code and follow on raw websockets:
their frames are the teacher's, byte for byte; one that stops reading skips frames and slows
no one; one forks the teacher's run bit for bit and trains alone; what would change the
teacher's session is refused; tokens reach their own room only, and a client from another
machine reaches nothing else; the size limit holds; closing the room ends its students. The
teacher's connection (/ws?teacher=) lists the class with its runs and thumbnails, pushes,
locks, resets, removes and spotlights; no student's socket can send those commands.

Every wait is for a condition with a deadline (the server's counters, a frame's step), never
a count of events within a sleep: these hold with both cores busy."""

import asyncio
import json
import socket
import struct
import time

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from app import frames
from tests.e2e.client import Client
from tests.e2e.server import running

CONFIG = {"dataset": "spiral", "hidden_layers": [6, 6], "seed": 4, "optimizer": "adam",
          "learning_rate": 0.03}
ROOM_SIZE = 3
WAIT = 120.0  # seconds a condition may take on a busy machine (it returns when it holds)


@pytest.fixture(scope="module")
def nnplay():
    # A stalled follower's write may wait while a test looks at it: not let go after 20 s.
    with running("--room-size", str(ROOM_SIZE), "--no-save",
                 env={"NNPLAY_WRITE_TIMEOUT": "300"}) as server:
        yield server


def run(coroutine):
    return asyncio.run(coroutine)


def header_of(message):
    """The JSON header of a binary message (app/frames.py's layout), without its arrays."""
    (n,) = struct.unpack("<I", message[:4])
    return json.loads(message[4:4 + n])


class Raw:
    """A websocket read by a task into plain lists: texts decoded, binary messages kept as
    the bytes that came, with their headers."""

    def __init__(self, ws):
        self.ws = ws
        self.texts, self.binary = [], []  # dicts; (header, bytes)
        self.closed = None
        self.reading = asyncio.Event()
        self.reading.set()
        self.task = asyncio.create_task(self._pump())

    @classmethod
    async def open(cls, url, **kwargs):
        ws = await connect(url, proxy=None, max_size=2**24, compression=None, **kwargs)
        return cls(ws)

    async def _pump(self):
        try:
            while True:
                await self.reading.wait()
                m = await self.ws.recv()
                if isinstance(m, str):
                    self.texts.append(json.loads(m))
                else:
                    self.binary.append((header_of(m), m))
        except ConnectionClosed as e:
            self.closed = e.rcvd.code if e.rcvd else None

    @property
    def frames(self):
        return [(h, m) for h, m in self.binary if h["type"] == "frame"]

    async def until(self, condition, what, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while not condition(self):
            assert self.closed is None or condition(self), f"closed ({self.closed}): {what}"
            assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
            await asyncio.sleep(0.02)

    async def text(self, type_, **match):
        found = []

        def seen(r):
            found[:] = [t for t in r.texts if t["type"] == type_
                        and all(t.get(k) == v for k, v in match.items())]
            return bool(found)
        await self.until(seen, f"a {type_} {match}")
        return found[0]

    async def call(self, message):
        message = {"id": f"r{time.monotonic_ns()}", **message}
        await self.ws.send(json.dumps(message))
        return await self.text_by_id(message["id"])

    async def text_by_id(self, mid):
        found = []

        def seen(r):
            found[:] = [t for t in r.texts if t.get("id") == mid]
            return bool(found)
        await self.until(seen, f"the reply to {mid}")
        return found[0]

    async def close(self):
        await self.ws.close()
        self.task.cancel()


async def post(url, body, **kwargs):
    return await asyncio.to_thread(httpx.post, url, json=body, timeout=10, **kwargs)


async def open_room(server, teacher):
    r = await post(server.url + "api/rooms", {"token": teacher.hello["resume_token"]})
    assert r.status_code == 201, r.text
    return r.json()


async def join(server, code, name, student_id=False):
    """A student's token (and id) in the room of `code`."""
    r = await post(server.url + "api/rooms/join", {"code": code, "name": name})
    assert r.status_code == 200, r.text
    body = r.json()
    return (body["student_token"], body["student"]["id"]) if student_id else \
        body["student_token"]


async def room_stats(server, code, condition, what):
    """The room's entry in /api/stats, once it satisfies `condition` (polled)."""
    deadline = time.monotonic() + WAIT
    while True:
        rooms = (await asyncio.to_thread(server.stats))["rooms"]
        room = next(r for r in rooms if r["code"] == code)
        if condition(room):
            return room
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}: {room}"
        await asyncio.sleep(0.1)


async def teacher_on(server, speed=None, config=CONFIG):
    """A teacher's page: a session of its own, read continuously (a Raw), configured."""
    t = await Raw.open(server.ws_url)
    await t.until(lambda r: r.texts, "the hello")
    t.hello = t.texts[0]
    assert (await t.call({"type": "set", "config": config}))["type"] == "applied"
    if speed is not None:
        assert (await t.call({"type": "speed", "steps_per_second": speed}))["type"] == "applied"
    return t


def test_students_join_by_code_and_follow_the_teachers_frames_byte_for_byte(nnplay):
    async def scenario():
        teacher = await teacher_on(nnplay, speed=200)
        room = await open_room(nnplay, teacher)
        code = room["code"]  # ABC-234
        wrong = await post(nnplay.url + "api/rooms/join", {"code": "ZZZ-ZZ9" if code !=
                                                           "ZZZ-ZZ9" else "YYY-YY9",
                                                           "name": "Eve"})
        assert wrong.status_code == 404 and wrong.json()["detail"]["code"] == "no_room"
        forms = [code, code.lower().replace("-", ""), f" {code.lower()} "]
        tokens = [await join(nnplay, form, name) for form, name in zip(forms, "ABC")]
        students = [await Raw.open(f"{nnplay.ws_url}?student={t}") for t in tokens]
        for s, name in zip(students, "ABC"):
            hello = await s.text("hello")
            assert hello["room"]["mode"] == "follow" and hello["room"]["student"]["name"] == name
            assert hello["resume_token"] is None and hello["room"]["code"] == code
        await teacher.call({"type": "play"})
        for s in students:  # each follower gets a run of frames while the teacher trains
            await s.until(lambda r: len(r.frames) >= 12, "12 frames to a follower")
        await teacher.call({"type": "pause"})
        await teacher.until(lambda r: r.frames[-1][0]["state"] == "paused", "a paused frame")
        last = teacher.frames[-1][0]
        for s in students:  # the teacher's last frame reaches everyone
            await s.until(lambda r: r.frames[-1][0]["seq"] == last["seq"], "the last frame")
        sent = {h["seq"]: (h, m) for h, m in teacher.frames}
        for s in students:
            for h, m in s.frames:
                assert h["seq"] in sent, f"a follower got frame {h['seq']} the teacher did not"
                assert m == sent[h["seq"]][1], "a follower's frame differs from the teacher's"
                assert h["step"] == sent[h["seq"]][0]["step"]
        # A follower's commands cannot change the teacher's session.
        before = (await teacher.call({"type": "export"}))["state"]["trainer"]
        for command in ({"type": "set", "config": {"learning_rate": 2.0}}, {"type": "play"},
                        {"type": "reset"}):
            reply = await students[0].call(command)
            assert reply["code"] == "not_yours" and reply["value"] == command["type"], reply
        after = (await teacher.call({"type": "export"}))["state"]["trainer"]
        assert after == before and after["config"]["learning_rate"] == 0.03
        assert teacher.frames[-1][0]["state"] == "paused"
        for r in (teacher, *students):
            await r.close()

    run(scenario())


def test_the_log_never_shows_a_student_token():
    with running("--log-level", "info", "--no-save") as server:
        async def scenario():
            teacher = await teacher_on(server)
            token = await join(server, (await open_room(server, teacher))["code"], "Bo")
            student = await Raw.open(f"{server.ws_url}?student={token}")
            await student.text("hello")
            for c in (teacher, student):
                await c.close()
            return token

        token = run(scenario())
    log = "".join(server.output)
    assert token not in log and "student=<redacted>" in log, log[-2000:]


def test_a_follower_that_stops_reading_slows_no_one_and_skips_frames(nnplay):
    async def scenario():
        # Frames of about 19 KB: the server's socket buffers (MBs) fill in a few hundred.
        teacher = await teacher_on(nnplay, config={**CONFIG, "hidden_layers": [8] * 6})
        code = (await open_room(nnplay, teacher))["code"]
        quick_token = await join(nnplay, code, "Quick")
        slow_token, slow_id = await join(nnplay, code, "Slow", student_id=True)
        quick = await Raw.open(f"{nnplay.ws_url}?student={quick_token}")
        # A follower with a small receive buffer that stops reading after its hello.
        url = httpx.URL(nnplay.url)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: the window
        sock.connect((url.host, url.port))
        slow = await Raw.open(f"{nnplay.ws_url}?student={slow_token}", sock=sock, max_queue=1)
        await slow.text("hello")
        slow.reading.clear()
        await teacher.call({"type": "fps", "fps": 60})
        await teacher.call({"type": "play"})

        def slow_one(room):
            mine = [f for f in room["followers"] if f["student"] == slow_id]
            assert mine, f"the stalled follower was let go: {room}"
            return mine[0]

        # The slow one's socket fills (a write waits on it); the teacher and the quick one go
        # on, and the slow one's frames are skipped.
        start = await room_stats(nnplay, code, lambda r: slow_one(r)["write_waiting"] >= 1.0,
                                 "a write waiting on the stalled follower's full socket")
        await teacher.until(lambda r: r.frames, "a frame to the teacher")
        seq = teacher.frames[-1][0]["seq"]
        quick_seen = len(quick.frames)
        await teacher.until(lambda r: r.frames[-1][0]["seq"] >= seq + 90,
                            "90 more frames to the teacher while a follower is stalled")
        await quick.until(lambda r: len(r.frames) >= quick_seen + 45,
                          "the quick follower keeps getting frames")
        end = await room_stats(nnplay, code, lambda r: True, "")
        stalled, first = slow_one(end), slow_one(start)
        assert stalled["frames_sent"] - first["frames_sent"] <= 1, "frames went to a full socket"
        assert stalled["frames_skipped"] >= first["frames_skipped"] + 45
        assert stalled["outbox"] <= 2  # nothing queues for it
        # It reads again: it gets what its socket held, then the newest, never the backlog.
        slow.reading.set()
        newest = teacher.frames[-1][0]["seq"]
        await slow.until(lambda r: r.frames and r.frames[-1][0]["seq"] >= newest,
                         "the slow follower catching up")
        seqs = [h["seq"] for h, _ in slow.frames]
        assert len(seqs) < newest - seqs[0], "it got every frame: nothing was skipped"
        for r in (teacher, quick, slow):
            await r.close()

    run(scenario())


def test_a_student_forks_bit_for_bit_and_trains_alone_while_the_teacher_goes_on(nnplay):
    async def scenario():
        teacher = await teacher_on(nnplay, speed=300)
        code = (await open_room(nnplay, teacher))["code"]
        forker = await Raw.open(f"{nnplay.ws_url}?student={await join(nnplay, code, 'Fay')}")
        watcher = await Raw.open(f"{nnplay.ws_url}?student={await join(nnplay, code, 'Wes')}")
        await teacher.call({"type": "step", "n": 40})
        await teacher.text("stepped", step=40)
        at_fork = (await teacher.call({"type": "export"}))["state"]["trainer"]
        fork = await forker.call({"type": "fork"})
        assert fork["type"] == "applied" and fork["step"] == 40, fork
        assert (await forker.text("hello", resume_token=fork["resume_token"]))["room"][
            "mode"] == "fork"
        own = (await forker.call({"type": "export"}))["state"]["trainer"]
        assert own == at_fork, "the fork is not the teacher's run bit for bit"
        # Both train; the student's session is its own, the watcher still sees the teacher's.
        await forker.call({"type": "set", "config": {"learning_rate": 0.3}})
        await forker.call({"type": "speed", "steps_per_second": 300})
        await forker.call({"type": "play"})
        await teacher.call({"type": "play"})
        await forker.until(lambda r: r.frames and r.frames[-1][0]["step"] >= 400,
                           "the student's own run at step 400")
        await teacher.until(lambda r: r.frames[-1][0]["step"] >= 400, "the teacher's at 400")
        await forker.call({"type": "pause"})
        mine = (await forker.call({"type": "export"}))["state"]["trainer"]
        theirs = (await teacher.call({"type": "export"}))["state"]["trainer"]
        assert mine["config"]["learning_rate"] == 0.3 and theirs["config"]["learning_rate"] == 0.03
        assert mine["theta"] != theirs["theta"]
        step = theirs["progress"]["step"]
        await watcher.until(lambda r: r.frames and r.frames[-1][0]["step"] >= step,
                            "the watcher following the teacher")
        # Back to following: the teacher's frames again.
        assert (await forker.call({"type": "follow"}))["mode"] == "follow"
        await forker.text("hello", resume_token=None)
        later = teacher.frames[-1][0]["seq"]
        await forker.until(lambda r: r.frames and r.frames[-1][0]["seq"] > later,
                           "the teacher's frames")
        for r in (teacher, forker, watcher):
            await r.close()

    run(scenario())


def test_tokens_reach_their_own_room_only(nnplay):
    async def scenario():
        a, b = await teacher_on(nnplay), await teacher_on(nnplay)
        await b.call({"type": "set", "config": {"hidden_layers": [3]}})
        room_a, room_b = await open_room(nnplay, a), await open_room(nnplay, b)
        token = await join(nnplay, room_a["code"], "Ann")
        # A student token takes no resume=, and opens no roster.
        refused = await Client.open(f"{nnplay.ws_url}?student={token}&resume="
                                    f"{b.hello['resume_token']}")
        assert refused.hello["code"] == "invalid_value" and refused.hello["field"] == "resume"
        with pytest.raises(ConnectionClosed) as closed:
            await refused.next()
        assert closed.value.rcvd.code == 1008
        bad = await Client.open(f"{nnplay.ws_url}?student=not-a-token")
        assert bad.hello["code"] == "unknown_student"
        for room in (room_a, room_b):
            r = await asyncio.to_thread(httpx.get, nnplay.url + f"api/rooms/{room['code']}",
                                        headers={"authorization": f"Bearer {token}"})
            assert r.status_code == 403 and r.json()["detail"]["code"] == "not_teacher"
        # Ann follows room A: nothing of room B reaches her while B trains.
        ann = await Raw.open(f"{nnplay.ws_url}?student={token}")
        await b.call({"type": "play"})
        await a.call({"type": "step", "n": 5})
        await ann.until(lambda r: r.frames and r.frames[-1][0]["step"] == 5, "A's frame")
        await b.until(lambda r: r.frames and r.frames[-1][0]["step"] >= 50, "B training")
        networks = [h for h, _ in ann.binary if h["type"] == "network"]
        assert networks and all(h["sizes"] == [2, 6, 6, 1] for h in networks), networks
        assert all(h["step"] <= 5 for h, _ in ann.frames)
        for r in (a, b, ann):
            await r.close()

    run(scenario())


def test_the_room_size_limit_and_closing_the_room(nnplay):
    async def scenario():
        teacher = await teacher_on(nnplay)
        room = await open_room(nnplay, teacher)
        tokens = [await join(nnplay, room["code"], f"S{i}") for i in range(ROOM_SIZE)]
        full = await post(nnplay.url + "api/rooms/join", {"code": room["code"], "name": "Late"})
        assert full.status_code == 409
        assert full.json()["detail"]["code"] == "room_full"
        assert full.json()["detail"]["allowed"] == f"at most {ROOM_SIZE} students (--room-size)"
        students = [await Raw.open(f"{nnplay.ws_url}?student={t}") for t in tokens]
        for s in students:
            await s.text("hello")
        r = await asyncio.to_thread(httpx.delete, nnplay.url + f"api/rooms/{room['code']}",
                                    headers={"authorization": f"Bearer "
                                             f"{room['teacher_token']}"})
        assert r.json() == {"closed": room["code"], "students": ROOM_SIZE}
        for s in students:
            closed = await s.text("room_closed")
            assert closed["code"] == room["code"]
            await s.until(lambda r: r.closed is not None, "the close")
            assert s.closed == 4002
        again = await Client.open(f"{nnplay.ws_url}?student={tokens[0]}")
        assert again.hello["code"] == "room_closed"
        assert (await teacher.call({"type": "step", "n": 3}))["type"] == "applied"
        await teacher.close()

    run(scenario())


def lan_address():
    """This machine's address on a network (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: it only picks a route
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_client_from_another_machine_reaches_its_room_and_nothing_else():
    address = lan_address()
    if address is None:
        pytest.skip("no network address here (tests/app/test_rooms.py checks it in process)")
    with running("--host", "0.0.0.0", "--no-save") as server:
        local = server.url
        remote = local.replace("127.0.0.1", address)
        assert httpx.get(local + "api/stats", timeout=10).status_code == 200

        async def scenario():
            teacher = await teacher_on(server)
            room = await open_room(server, teacher)
            for method, path, body in (("GET", "api/stats", None),
                                       ("POST", "api/runs", {"tokens": []}),
                                       ("POST", "api/rooms",
                                        {"token": teacher.hello["resume_token"]})):
                r = await asyncio.to_thread(httpx.request, method, remote + path, json=body,
                                            timeout=10)
                assert r.status_code == 403, (path, r.text)
                assert r.json()["detail"] == {**r.json()["detail"], "code": "local_only",
                                              "value": address}
            r = await post(remote + "api/rooms/join", {"code": room["code"], "name": "Lan"})
            assert r.status_code == 200, r.text
            ws_url = remote.replace("http://", "ws://") + "ws"
            student = await Raw.open(f"{ws_url}?student={r.json()['student_token']}")
            assert (await student.text("hello"))["room"]["code"] == room["code"]
            await teacher.call({"type": "step", "n": 2})
            await student.until(lambda s: s.frames and s.frames[-1][0]["step"] == 2, "a frame")
            for c in (teacher, student):
                await c.close()

        run(scenario())


# -- the teacher's connection: the dashboard and the room's commands ------------------------------
async def dashboard(server, room):
    """The teacher's connection (a Raw), once its hello came."""
    d = await Raw.open(f"{server.ws_url}?teacher={room['teacher_token']}")
    await d.until(lambda r: r.texts, "the teacher's hello")
    assert d.texts[0]["type"] == "hello" and d.texts[0]["room"]["role"] == "teacher"
    return d


async def class_message(d, condition, what):
    """The newest class message (header, arrays) once one satisfies `condition`."""
    found = []

    def seen(r):
        found[:] = [m for h, m in r.binary[-3:] if h["type"] == "class" and condition(h)]
        return bool(found)
    await d.until(seen, what)
    header, arrays = frames.unpack(found[-1])
    return {**header, "arrays": arrays}


def by_name(message):
    return {s["name"]: s for s in message["students"]}


def own(message, name):
    return by_name(message)[name]["session"] or {}


async def student(server, code, name, show_name=None):
    """(Raw, student id) of a student who joined and connected."""
    body = {"code": code, "name": name}
    if show_name is not None:
        body["show_name"] = show_name
    r = await post(server.url + "api/rooms/join", body)
    assert r.status_code == 200, r.text
    s = await Raw.open(f"{server.ws_url}?student={r.json()['student_token']}")
    await s.text("hello")
    s.token = r.json()["student_token"]
    return s, r.json()["student"]["id"]


async def forked(s):
    """The student forks; their own session's hello (with its resume token)."""
    fork = await s.call({"type": "fork"})
    assert fork["type"] == "applied", fork
    return await s.text("hello", resume_token=fork["resume_token"])


async def networks(r, what, **config):
    """The newest `network` message whose config has these values."""
    found = []

    def seen(raw):
        found[:] = [h for h, _ in raw.binary if h["type"] == "network"
                    and all(h["config"][k] == v for k, v in config.items())]
        return bool(found)
    await r.until(seen, what)
    return found[-1]


def test_the_dashboard_lists_the_class_and_a_push_and_a_lock_reach_every_student(nnplay):
    async def scenario():
        teacher = await teacher_on(nnplay)
        room = await open_room(nnplay, teacher)
        (ada, ada_id), (bo, bo_id), (cy, cy_id) = [
            await student(nnplay, room["code"], n) for n in ("Ada", "Bo", "Cy")]
        d = await dashboard(nnplay, room)
        for s in (ada, bo):
            await forked(s)
        await ada.call({"type": "set", "config": {"learning_rate": 0.3}})
        await bo.call({"type": "set", "config": {"output_activation": "linear", "loss": "mse"}})
        for s, n in ((ada, 30), (bo, 12)):
            await s.call({"type": "step", "n": n})
            await s.text("stepped", step=n)
            await s.until(lambda r, n=n: r.frames and r.frames[-1][0]["step"] == n, "a frame")

        def complete(h):
            return all(own(h, name).get("step") == step and own(h, name).get("thumb") and
                       own(h, name).get("score") is not None
                       for name, step in (("Ada", 30), ("Bo", 12)))
        m = await class_message(d, complete, "Ada at 30, Bo at 12, with thumbnails")
        assert [s["name"] for s in m["students"]] == ["Ada", "Bo", "Cy"]
        assert by_name(m)["Cy"]["mode"] == "follow" and by_name(m)["Cy"]["session"] is None
        ada_row, bo_row = own(m, "Ada"), own(m, "Bo")
        assert ada_row["diff"] == {"learning_rate": [0.03, 0.3]}
        assert bo_row["diff"] == {"output_activation": ["sigmoid", "linear"],
                                  "loss": ["bce", "mse"]}
        ada_frame = ada.frames[-1][0]
        assert ada_row["score"] == ada_frame["metrics"]["test_accuracy"]
        assert ada_row["train_loss"] == ada_frame["metrics"]["train_loss"]
        thumbs = m["arrays"]["thumbs"]
        assert thumbs.shape == (2, 24, 24) and thumbs.dtype == np.uint8
        assert sorted([ada_row["thumb"]["index"], bo_row["thumb"]["index"]]) == [0, 1]
        assert bo_row["thumb"]["range"][0] < bo_row["thumb"]["range"][1]
        # A push reaches every own session; Bo's refuses bce (its output is linear).
        pushed = await d.call({"type": "room_push", "config": {"loss": "bce",
                                                               "hidden_layers": [5]}})
        assert pushed["type"] == "applied" and pushed["applied"] == [ada_id], pushed
        assert pushed["following"] == [cy_id]
        assert [(x["student"], x["code"], x["field"]) for x in pushed["refused"]] == [
            (bo_id, "invalid_value", "loss")]
        await networks(ada, "Ada's rebuilt network", hidden_layers=[5])
        pushed = await d.call({"type": "room_push", "config": {"learning_rate": 0.2}})
        assert sorted(pushed["applied"]) == sorted([ada_id, bo_id]), pushed
        for s in (ada, bo):  # each session's own hello says so, after a follow and back
            await s.call({"type": "follow"})
            await s.call({"type": "fork", "resume": True})
            hello = await s.text("hello", resumed=True)
            assert hello["config"]["learning_rate"] == 0.2
        assert (await cy.call({"type": "export"}))["state"]["trainer"]["config"][
            "learning_rate"] == 0.03  # a follower's view is the teacher's run
        # Locked: refused with `locked`, told to every student; open again after.
        locked = await d.call({"type": "room_lock", "controls": ["learning_rate"]})
        assert locked["controls"] == ["learning_rate"]
        for s in (ada, bo, cy):
            assert (await s.text("locks", controls=["learning_rate"]))["message"]
        refused = await ada.call({"type": "set", "config": {"learning_rate": 1.0}})
        assert refused["code"] == "locked" and refused["field"] == "learning_rate"
        await class_message(d, lambda h: h["locked"] == ["learning_rate"], "locked, listed")
        await d.call({"type": "room_lock", "controls": []})
        await ada.text("locks", controls=[])
        assert (await ada.call({"type": "set", "config": {"learning_rate": 1.0}}))[
            "type"] == "applied"
        for r in (teacher, ada, bo, cy, d):
            await r.close()

    run(scenario())


def test_a_student_cannot_send_the_teachers_commands_over_a_raw_socket(nnplay):
    async def scenario():
        teacher = await teacher_on(nnplay)
        room = await open_room(nnplay, teacher)
        (ada, ada_id), (bo, _) = [await student(nnplay, room["code"], n) for n in ("A", "B")]
        await forked(bo)
        for s in (ada, bo):  # following, and on their own session
            for command in ({"type": "room_push", "config": {"learning_rate": 3}},
                            {"type": "room_lock", "controls": ["learning_rate"]},
                            {"type": "room_remove", "student": ada_id},
                            {"type": "room_reset", "student": ada_id},
                            {"type": "room_spotlight", "student": ada_id}):
                refused = await s.call(command)
                assert refused["code"] == "not_teacher", refused
        assert (await bo.call({"type": "export"}))["state"]["trainer"]["config"][
            "learning_rate"] == 0.03
        # A student's token opens no teacher's connection.
        impostor = await Raw.open(f"{nnplay.ws_url}?teacher={ada.token}")
        await impostor.until(lambda r: r.closed is not None, "the refusal")
        assert impostor.texts[0]["code"] == "not_teacher" and impostor.closed == 1008
        stats = (await asyncio.to_thread(nnplay.stats))["rooms"]
        mine = next(r for r in stats if r["code"] == room["code"])
        assert mine["locked"] == [] and mine["dashboard"] is None
        for r in (teacher, ada, bo):
            await r.close()

    run(scenario())


async def class_on_own_runs(server):
    """A class for the teacher's commands: the teacher's run 20 steps in; Ada (who allows her
    name) and Bo on forks of it, Ada's changed to one hidden layer of 3 and 11 steps; Cy
    following; the teacher's connection. (teacher, (ada, id), (bo, id), cy, dashboard)"""
    teacher = await teacher_on(server)
    room = await open_room(server, teacher)
    ada, ada_id = await student(server, room["code"], "Ada", show_name=True)
    bo, bo_id = await student(server, room["code"], "Bo")
    cy, _ = await student(server, room["code"], "Cy")
    d = await dashboard(server, room)
    await teacher.call({"type": "step", "n": 20})
    await teacher.text("stepped", step=20)
    for s in (ada, bo):
        await forked(s)
    await ada.call({"type": "set", "config": {"hidden_layers": [3]}})
    await ada.call({"type": "step", "n": 11})
    await ada.text("stepped", step=11)
    return teacher, (ada, ada_id), (bo, bo_id), cy, d


def test_the_teacher_resets_removes_and_spotlights_a_student(nnplay):
    async def scenario():
        teacher, (ada, ada_id), (bo, bo_id), cy, d = await class_on_own_runs(nnplay)
        # Spotlight: the follower is told, then gets Ada's hello, network and frames.
        shown = await d.call({"type": "room_spotlight", "student": ada_id, "show_name": True})
        assert shown["name"] == "Ada", shown
        assert (await cy.text("spotlight", student=ada_id))["name"] == "Ada"
        hello = await cy.text("hello", step=11)
        assert hello["room"]["spotlight"] == {"student": ada_id, "name": "Ada"}
        await cy.until(lambda r: r.frames and r.frames[-1][0]["step"] == 11, "Ada's frame")
        assert (await d.text("spotlight_run", student=ada_id))["run"]["step"] == 11
        await d.until(lambda r: r.frames and r.frames[-1][0]["step"] == 11, "on the projector")
        await ada.call({"type": "step", "n": 4})
        await ada.until(lambda r: r.frames and r.frames[-1][0]["step"] == 15, "Ada's own")
        await cy.until(lambda r: r.frames[-1][0]["step"] == 15, "Ada's new frame, to Cy")
        mine = next(m for h, m in ada.frames if h["step"] == 15)
        theirs = next(m for h, m in cy.frames if h["step"] == 15)
        assert frames.unpack(mine)[1]["W1"].tobytes() == frames.unpack(theirs)[1]["W1"].tobytes()
        # Bo did not allow his name: "a student", whatever the teacher asks.
        hidden = await d.call({"type": "room_spotlight", "student": bo_id, "show_name": True})
        assert hidden["name"] == "a student" and hidden["name_allowed"] is False
        assert (await cy.text("spotlight", student=bo_id))["name"] == "a student"
        # Back to the teacher's run.
        await d.call({"type": "room_spotlight", "student": None})
        await cy.text("spotlight", student=None)
        back = len(cy.frames)
        await teacher.call({"type": "step", "n": 5})
        await cy.until(lambda r: any(h["step"] == 25 for h, _ in r.frames[back:]),
                       "the teacher's frame again")
        # Reset: Ada's own session becomes the teacher's run, bit for bit.
        at = (await teacher.call({"type": "export"}))["state"]["trainer"]
        reset = await d.call({"type": "room_reset", "student": ada_id})
        assert reset["step"] == 25, reset
        assert (await ada.text("reset_by_teacher"))["step"] == 25
        await ada.text("hello", step=25)
        assert (await ada.call({"type": "export"}))["state"]["trainer"] == at
        # Remove: told, closed with 4003, the token opens nothing.
        removed = await d.call({"type": "room_remove", "student": bo_id})
        assert removed["name"] == "Bo"
        assert "removed you" in (await bo.text("removed"))["message"]
        await bo.until(lambda r: r.closed is not None, "the close")
        assert bo.closed == 4003
        again = await Client.open(f"{nnplay.ws_url}?student={bo.token}")
        assert again.hello["code"] == "removed"
        await class_message(d, lambda h: [s["name"] for s in h["students"]] == ["Ada", "Cy"],
                            "Bo gone from the class")
        for r in (teacher, ada, cy, d):
            await r.close()

    run(scenario())
