"""Rooms: a teacher's session that a class joins by a short code, follows, and forks.

A Room binds one session, the teacher's, by its resume token. It has
  - a join code: CODE_LENGTH characters of ALPHABET (no 0/O, 1/I/L), shown as ABC-123 and
    read case-insensitively, with or without the dash or spaces;
  - a teacher token (`secrets.token_urlsafe`): the key to the room's roster and to closing it;
  - members: each student's id, display name, token, whether they follow the teacher or drive
    a session of their own (a fork of the teacher's), and that session's resume token;
  - its audience (audience.py): the students following, who get the teacher's frames;
  - what the teacher set for the class (teacher.py): the locked controls (locks.py), the
    student whose run is spotlighted, and the dashboard its teacher's connections watch.

Tokens are kept as their SHA-256 (runstore.token_sha256), in memory and in the database,
except the teacher's session token, which the room learns when that session is open here. A
student's own session token is derived from the student's token (`fork_token`), so it needs
no storing either: the database alone opens nothing.

Every limit is a RoomError naming the field, the value and what is allowed; `status` is its
HTTP status (rooms_api.py) and `code` its error code (docs/protocol.md, Rooms).
"""

import asyncio
import base64
import hashlib
import hmac
import logging
import secrets
import time
import unicodedata
from dataclasses import dataclass, field

from .audience import Audience
from .locks import Locks
from .pacing import TokenBucket
from .runstore import token_sha256

log = logging.getLogger("nnplay")

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed by a class
CODE_LENGTH = 6
CODE_ALLOWED = (f"{CODE_LENGTH} letters and digits like ABC-123 (no 0, O, 1, I or L), with or "
                "without the dash, in any case")
NAME_MAX = 40  # characters of a display name, after trimming
ROOM_SIZE_LIMIT = 1000  # the largest --room-size
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
CLOSED_KEPT = 10_000  # tokens of closed rooms' students remembered, to say "closed"
JOIN_FAILURES_PER_MINUTE, JOIN_FAILURE_BURST = 10, 20  # per client address: codes are guessable
JOIN_CLIENTS_KEPT = 4096


class RoomError(Exception):
    """A refused room request: HTTP `status`, error `code`, and the field, value, allowed."""

    def __init__(self, status, code, message, field=None, value=None, allowed=None):
        super().__init__(message)
        self.status, self.code = status, code
        self.field, self.value, self.allowed = field, value, allowed


# -- codes and names ---------------------------------------------------------------------------
def new_code(taken=()):
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def shown_code(code):
    """A code as people read it: ABC-123."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def parse_code(text):
    """The code a person typed, as the registry keys it (ABC123); RoomError (422) naming it."""
    if not isinstance(text, str) or len(text) > 3 * CODE_LENGTH:
        raise RoomError(422, "invalid_value", f"code {_short(text)} is not a room code; a room "
                        f"code is {CODE_ALLOWED}", "code", text, CODE_ALLOWED)
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        raise RoomError(422, "invalid_value", f"code {text!r} is not a room code; a room code "
                        f"is {CODE_ALLOWED}", "code", text, CODE_ALLOWED)
    return code


def check_name(text, field="name"):
    """A display name: Unicode NFC, runs of spaces as one, trimmed, 1 to NAME_MAX characters,
    no control or bidirectional-override characters. Plain text: never HTML, shown as it is."""
    allowed = f"1 to {NAME_MAX} characters of plain text (no control characters)"
    if not isinstance(text, str):
        raise RoomError(422, "invalid_value", f"{field} must be text: {allowed}", field, text,
                        allowed)
    if len(text) > 10 * NAME_MAX:
        raise RoomError(422, "invalid_value", f"{field} has {len(text)} characters; at most "
                        f"{NAME_MAX} are allowed", field, text, allowed)
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Zl", "Zp") or char in BIDI_CONTROLS:
            raise RoomError(422, "invalid_value", f"{field} holds a control character "
                            f"(U+{ord(char):04X}) at character {position}; names are plain "
                            "text", field, text, allowed)
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise RoomError(422, "invalid_value", f"{field} is empty; give {allowed}", field, text,
                        allowed)
    if len(name) > NAME_MAX:
        raise RoomError(422, "invalid_value", f"{field} has {len(name)} characters; at most "
                        f"{NAME_MAX} are allowed", field, text, allowed)
    return name


def fork_token(student_token, forks):
    """The resume token of a student's `forks`-th own session: derived from the student's
    token, so the database keeps neither (only their SHA-256)."""
    digest = hmac.new(student_token.encode(), f"nnplay fork {forks}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def check_room_size(value):
    """--room-size / NNPLAY_MAX_ROOM_SIZE: a whole number from 1 to ROOM_SIZE_LIMIT."""
    if isinstance(value, str):
        try:
            value = int(value)
        except ValueError:
            value = None
    if not isinstance(value, int) or isinstance(value, bool) or not (
            1 <= value <= ROOM_SIZE_LIMIT):
        raise ValueError(f"max_room_size {value!r} is not allowed: give a whole number of "
                         f"students from 1 to {ROOM_SIZE_LIMIT} (--room-size)")
    return value


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- the room ----------------------------------------------------------------------------------
@dataclass
class Member:
    id: str  # the student's id in the room (shown to the teacher, never a key)
    name: str  # display name, plain text
    token_sha256: str  # the student's token, hashed
    joined: float  # Unix time
    mode: str = "follow"  # "follow": watching the teacher; "fork": on their own session
    forks: int = 0  # own sessions made so far (the newest is theirs: fork_token)
    show_name: bool = False  # the student allows their name on the projector (a spotlight)
    session_token: str | None = None  # the own session's resume token, once known here
    connection: object = field(default=None, repr=False)  # the student's live connection
    active: float | None = None  # Unix time of their last command or connection, this run

    def describe(self, sessions):
        """What the teacher's roster says of this student (never a token)."""
        own = sessions.get(self.session_token) if self.session_token else None
        return {"id": self.id, "name": self.name, "mode": self.mode, "joined": self.joined,
                "connected": self.connection is not None, "show_name": self.show_name,
                "session": None if own is None else {"id": own.id, "state": own.state.value,
                                                     "step": own.trainer.step_count}}


class Room:
    def __init__(self, code, teacher_sha256, session_sha256, teacher, max_size, created=None,
                 session_token=None):
        self.code = code
        self.teacher_sha256 = teacher_sha256  # the teacher token, hashed
        self.session_sha256 = session_sha256  # the teacher's session's resume token, hashed
        self.session_token = session_token  # ... itself, once that session is open here
        self.teacher = teacher  # the teacher's display name
        self.max_size = max_size
        self.created = time.time() if created is None else created
        self.members = {}  # student id -> Member
        self.audience = Audience(self)
        self.locks = Locks()  # config keys students' own sessions may not change
        self.teacher_told = None  # whether the students were last told the teacher is here
        self.spotlight = None  # spotlight.Spotlight: a student's run shown instead
        self.dashboard = None  # dashboard.Dashboard, once a teacher's connection opened
        self.closed = False

    @property
    def shown(self):
        return shown_code(self.code)

    def summary(self):
        """What anyone in the room may know of it."""
        return {"code": self.shown, "teacher": self.teacher, "size": len(self.members),
                "max_size": self.max_size}

    @property
    def showing(self):
        """The audience followers are in: the spotlighted student's, or the teacher's."""
        return self.audience if self.spotlight is None else self.spotlight.audience

    def for_teacher(self):
        """The `room` of the teacher's own hello (its session is the room's)."""
        return {**self.summary(), "role": "teacher",
                "following": len(self.audience.followers)}

    def teacher_token_is(self, token):
        return isinstance(token, str) and hmac.compare_digest(token_sha256(token),
                                                              self.teacher_sha256)


# -- the registry ------------------------------------------------------------------------------
class Rooms:
    """Every room of one server (`app.state.rooms`): create, join, find, close; and the
    persistence of each change (roomstore.py), when runs are saved."""

    def __init__(self, settings, manager, store=None, clock=time.time, place=None):
        self.settings, self.manager, self.store, self.clock = settings, manager, store, clock
        if place is None:
            from .places import LocalPlace

            place = LocalPlace(manager, None)
        self.place = place  # where the sessions live: this process, or a cluster's hosts
        self.max_room_size = check_room_size(settings.max_room_size)
        if not isinstance(settings.max_rooms, int) or settings.max_rooms < 1:
            raise ValueError(f"max_rooms {settings.max_rooms!r} is not allowed: give a whole "
                             "number of rooms >= 1 (NNPLAY_MAX_ROOMS)")
        self.rooms = {}  # code -> Room
        self.by_session = {}  # teacher's session token SHA-256 -> Room
        self.by_student = {}  # student token SHA-256 -> (Room, Member)
        self.closed = {}  # student token SHA-256 -> code of a room closed since the start
        self.removed = {}  # student token SHA-256 -> code of the room that removed them
        self.by_fork = {}  # a student's own session's token SHA-256 -> Room (its locks)
        self.join_failures = {}  # client address -> TokenBucket of failed joins
        if store is not None:
            for room in store.load(self.max_room_size):
                self._add(room)
                for member in room.members.values():
                    self.by_student[member.token_sha256] = (room, member)

    def _add(self, room):
        room.audience = self.place.audience(room)
        self.rooms[room.code] = room
        self.by_session[room.session_sha256] = room

    # -- the teacher -------------------------------------------------------------------------
    async def create(self, session, teacher="Teacher"):
        """(room, teacher token, existing) for the teacher's `session`. A session has one room:
        asking again gives that room a new teacher token (the old one stops working): only
        the session's own client, which holds its resume token, can ask."""
        teacher = check_name(teacher, "teacher")
        room = self.by_session.get(token_sha256(session.token))
        existing = room is not None
        if room is None:
            if len(self.rooms) >= self.settings.max_rooms:
                raise RoomError(409, "too_many_rooms", f"this server holds its limit of "
                                f"{self.settings.max_rooms} rooms; close one first",
                                "rooms", len(self.rooms),
                                f"at most {self.settings.max_rooms} rooms (NNPLAY_MAX_ROOMS)")
            room = Room(new_code(self.rooms), None, token_sha256(session.token), teacher,
                        self.max_room_size, self.clock(), session.token)
            self._add(room)
        token = secrets.token_urlsafe(24)
        room.teacher_sha256, room.teacher = token_sha256(token), teacher
        if existing and room.dashboard is not None:
            room.dashboard.token_renewed()  # the old token's connections end
        self.follow(session)
        await self._write("save_room", room)
        log.info("room %s %s", room.shown, "given a new teacher token" if existing else "opened")
        return room, token, existing

    def teacher_room(self, code_text, token):
        """The room whose teacher holds `token`; RoomError 404 or 403."""
        room = self.find(code_text)
        if not token:
            raise RoomError(401, "not_teacher", "this needs the room's teacher token, sent as "
                            "'Authorization: Bearer TOKEN'", "authorization", None,
                            "the teacher token POST /api/rooms gave")
        if not room.teacher_token_is(token):
            raise RoomError(403, "not_teacher", f"that is not the teacher token of room "
                            f"{room.shown}", "authorization", "<a token>",
                            "the teacher token POST /api/rooms gave")
        return room

    def bind(self, session):
        """A session is open here: if it is a room's teacher's, that room's students follow
        it (again: it may be a new Session object, restored after a restart); if it is a
        student's own, its room's locks hold in it, however it was opened."""
        own = self.by_fork.get(token_sha256(session.token))
        if own is not None and not own.closed:
            session.locks = own.locks
        return self.follow(session)

    def follow(self, session):
        """If `session` is a room's teacher's (a Session here, or on a cluster the relay
        connection of one: anything with its `token`), that room's students follow it."""
        room = self.by_session.get(token_sha256(session.token))
        if room is not None and not room.closed:
            room.session_token = session.token
            room.audience.bind(session)
        return room

    def fork_locks(self, token):
        """The locked keys (sorted) of the room whose student's own session `token` opens, or
        None when it opens none: a cluster's host holds them in that session."""
        room = self.by_fork.get(token_sha256(token))
        return None if room is None or room.closed else sorted(room.locks.keys)

    def teaching(self, token):
        """The open room whose teacher's session the token opens, or None."""
        room = self.by_session.get(token_sha256(token))
        return None if room is None or room.closed else room

    def presence(self, room):
        """The teacher's page connected to, or left, the session the room follows: its
        students are told (`teacher`), once for each change."""
        if room is None or room.closed:
            return
        here = room.audience.teacher_here
        if here == room.teacher_told:
            return
        room.teacher_told = here
        event = {"type": "teacher", "here": here,
                 "message": "the teacher is here" if here else
                 "the teacher's page left: the teacher's run stands still until it comes back"}
        for member in list(room.members.values()):
            if member.connection is not None:
                member.connection.tell(event)

    def forked(self, room, session, member=None):
        """`session` is a student's own in `room` (`member`'s newest): the room's locks hold
        in it. A session of theirs it replaces is theirs no longer."""
        session.locks = room.locks
        self.claim_fork(room, session.token, member)

    def claim_fork(self, room, token, member=None):
        """The session `token` opens is `member`'s own in `room` (their newest: one it
        replaces is theirs no longer)."""
        if member is not None and member.session_token not in (None, token):
            self.by_fork.pop(token_sha256(member.session_token), None)
        self.by_fork[token_sha256(token)] = room

    def teacher_of(self, token):
        """The room whose teacher token is `token` (its teacher's connection, /ws?teacher=);
        RoomError (403) when it is none's."""
        for room in self.rooms.values():
            if room.teacher_token_is(token):
                return room
        raise RoomError(403, "not_teacher", "that is not the teacher token of an open room on "
                        "this server", "teacher", "<a token>",
                        "the teacher_token POST /api/rooms gave (the newest, for its room)")

    def teacher_session(self, room):
        """The teacher's session if it is open here now, else None."""
        if room.session_token is None:
            return None
        return self.manager.sessions.get(room.session_token)

    async def close(self, room):
        """Close a room: its students' and its teacher's connections get `room_closed` and
        end; students' own sessions stay (their resume tokens still open them)."""
        room.closed = True
        self.rooms.pop(room.code, None)
        self.by_session.pop(room.session_sha256, None)
        self.by_fork = {k: r for k, r in self.by_fork.items() if r is not room}
        event = {"type": "room_closed", "code": room.shown,
                 "message": f"the teacher closed room {room.shown}"}
        for member in room.members.values():
            self.by_student.pop(member.token_sha256, None)
            _remember(self.closed, member.token_sha256, room.shown)
            if member.connection is not None:
                member.connection.room_closed(event)
        if room.spotlight is not None:
            room.spotlight.audience.unbind()
        if room.dashboard is not None:
            room.dashboard.room_closed(event)
        room.audience.unbind()
        await self._write("delete_room", room.code)
        log.info("room %s closed (%d students)", room.shown, len(room.members))
        return len(room.members)

    # -- students ----------------------------------------------------------------------------
    def find(self, code_text):
        code = parse_code(code_text)
        room = self.rooms.get(code)
        if room is None:
            raise RoomError(404, "no_room", f"there is no room {shown_code(code)} on this "
                            "server (check the code on the projector)", "code", code_text,
                            "the code of an open room")
        return room

    async def join(self, code_text, name, client=None, show_name=False):
        """(room, member, student token): a new student in the room by its code; `show_name`:
        they allow their name on the projector when their run is spotlighted."""
        if not isinstance(show_name, bool):
            raise RoomError(422, "invalid_value", f"show_name must be true or false, not "
                            f"{_short(show_name)}", "show_name", show_name, "true or false")
        self._check_attempts(client)
        try:
            room = self.find(code_text)
        except RoomError:
            self._failed(client)
            raise
        name = check_name(name)
        if len(room.members) >= room.max_size:
            raise RoomError(409, "room_full", f"room {room.shown} is full: it holds "
                            f"{room.max_size} students", "room", len(room.members),
                            f"at most {room.max_size} students (--room-size)")
        folded = name.casefold()
        if any(m.name.casefold() == folded for m in room.members.values()):
            raise RoomError(409, "name_taken", f"someone in room {room.shown} is already "
                            f"called {name!r}; add an initial or a number", "name", name,
                            "a name no one in the room has")
        token = secrets.token_urlsafe(24)
        student_id = secrets.token_hex(4)
        while student_id in room.members:
            student_id = secrets.token_hex(4)
        member = Member(student_id, name, token_sha256(token), self.clock(),
                        show_name=show_name)
        room.members[student_id] = member
        self.by_student[member.token_sha256] = (room, member)
        await self._write("save_member", room.code, member)
        log.info("room %s: a student joined (%d of %d)", room.shown, len(room.members),
                 room.max_size)
        return room, member, token

    def student(self, token):
        """(room, member) of a student token; RoomError when it opens no room."""
        digest = token_sha256(token) if isinstance(token, str) and token else ""
        found = self.by_student.get(digest)
        if found is not None:
            return found
        closed = self.closed.get(digest)
        if closed is not None:
            raise RoomError(410, "room_closed", f"room {closed} was closed by its teacher",
                            "student", "<a token>", "the token of a student in an open room")
        removed = self.removed.get(digest)
        if removed is not None:
            raise RoomError(410, "removed", f"the teacher removed you from room {removed}; "
                            "this token no longer opens it (join again with the code if the "
                            "teacher asks you to)", "student", "<a token>",
                            "the token of a student in the room")
        raise RoomError(403, "unknown_student", "that student token is not one of a room on "
                        "this server (join again with the room's code)", "student",
                        "<a token>", "the student_token POST /api/rooms/join gave")

    async def remove(self, room, member):
        """Take a student out of the room: their token stops working, their connection gets
        `removed` and ends (4003). Their own session stays theirs, as when a room closes."""
        room.members.pop(member.id, None)
        self.by_student.pop(member.token_sha256, None)
        _remember(self.removed, member.token_sha256, room.shown)
        if member.session_token is not None:
            self.by_fork.pop(token_sha256(member.session_token), None)
        if member.connection is not None:
            member.connection.removed(
                {"type": "removed", "code": room.shown,
                 "message": f"the teacher removed you from room {room.shown}"})
        await self._write("delete_member", room.code, member.id)
        log.info("room %s: a student was removed (%d left)", room.shown, len(room.members))

    async def member_changed(self, room, member):
        """A member's mode or fork count changed: saved."""
        if not room.closed:
            await self._write("save_member", room.code, member)

    async def locks_changed(self, room):
        """The teacher locked or unlocked controls: saved, so a restart keeps them."""
        if not room.closed:
            await self._write("save_locks", room)

    async def _write(self, method, *args):
        """A change saved in a worker thread: the store's lock may be held by a run's save."""
        if self.store is not None:
            await asyncio.to_thread(getattr(self.store, method), *args)

    # -- guessing codes ----------------------------------------------------------------------
    def _bucket(self, client):
        bucket = self.join_failures.get(client)
        if bucket is None:
            if len(self.join_failures) >= JOIN_CLIENTS_KEPT:
                self.join_failures.pop(next(iter(self.join_failures)))
            bucket = self.join_failures[client] = TokenBucket(
                JOIN_FAILURES_PER_MINUTE / 60.0, JOIN_FAILURE_BURST, time.monotonic)
        return bucket

    def _check_attempts(self, client):
        if client is None:
            return
        bucket = self._bucket(client)
        if bucket.seconds_until(1.0) > 0:
            wait = bucket.seconds_until(1.0)
            raise RoomError(429, "too_many_attempts", f"too many wrong codes from this "
                            f"address; try again in {wait:.0f} s", "code", None,
                            f"at most {JOIN_FAILURES_PER_MINUTE} wrong codes a minute")

    def _failed(self, client):
        if client is not None:
            self._bucket(client).take()

    # -- what the server says of them ---------------------------------------------------------
    def roster(self, room):
        sessions = self.manager.sessions
        teacher = self.teacher_session(room)
        return {**room.summary(), "created": room.created,
                "teacher_session": None if teacher is None else {
                    "id": teacher.id, "state": teacher.state.value,
                    "step": teacher.trainer.step_count},
                "following": len(room.audience.followers),
                "members": [m.describe(sessions) for m in room.members.values()]}

    def stats(self):
        return [{"code": room.shown, "size": len(room.members),
                 "teacher_here": room.audience.teacher_here,
                 **room.audience.stats(),
                 "locked": sorted(room.locks.keys),
                 "spotlight": None if room.spotlight is None else room.spotlight.stats(),
                 "dashboard": None if room.dashboard is None else room.dashboard.stats()}
                for room in self.rooms.values()]


def _remember(kept, digest, code):
    """Keep what a token of a room no longer opens (bounded: the oldest go first)."""
    if len(kept) >= CLOSED_KEPT:
        kept.pop(next(iter(kept)))
    kept[digest] = code
