"""A class in a room, through a real nnplay (uvicorn in a subprocess) and real sockets.

A teacher's session opens a room; students join by its code and follow on raw websockets:
their frames are the teacher's, byte for byte; one that stops reading skips frames and slows
no one; one forks the teacher's run bit for bit and trains alone; what would change the
teacher's session is refused; tokens reach their own room only, and a client from another
machine reaches nothing else; the size limit holds; closing the room ends its students.

Every wait is for a condition with a deadline (the server's counters, a frame's step), never
a count of events within a sleep: these hold with both cores busy."""

import asyncio
import json
import socket
import struct
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

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
