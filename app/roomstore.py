"""Rooms that survive a restart: two tables in the run store's SQLite database (runstore.py).

    rooms    code, the teacher token's SHA-256, the teacher's session token's SHA-256, the
             teacher's name, the size limit, created, updated, the locked controls (JSON)
    members  room, id, name, the student token's SHA-256, joined, mode, forks, show_name

No token is stored, only SHA-256s: a student's own session token is derived from the
student's token (rooms.fork_token) and `forks`. The tables are versioned apart from the runs,
by the meta key `rooms_format`: a database of another rooms format keeps its tables as they
are, rooms are then not saved, and the log says so. The older formats gain what they lack:
nnplay.rooms/1 `members.show_name` (every student's name then stays hidden, as it is by
default), nnplay.rooms/1 and /2 `rooms.locks` (nothing locked). Rooms not changed for the
runs' `max_age_days` are deleted when the server starts.

A spotlight is not saved: it shows a run that is live now, and after a restart the room starts
on the teacher's run.
"""

import json
import logging

from . import schema

log = logging.getLogger("nnplay")

FORMAT = "nnplay.rooms/3"
# What an older format lacks, added when the server opens its database.
UPGRADES = {"nnplay.rooms/1": ("members", "show_name", "INTEGER NOT NULL DEFAULT 0",
                               "nnplay.rooms/2"),
            "nnplay.rooms/2": ("rooms", "locks", "TEXT NOT NULL DEFAULT '[]'", FORMAT)}
SCHEMA = f"""
    CREATE TABLE IF NOT EXISTS rooms (
        code TEXT PRIMARY KEY, teacher_sha256 TEXT NOT NULL, session_sha256 TEXT NOT NULL,
        teacher TEXT NOT NULL, max_size INTEGER NOT NULL, created REAL NOT NULL,
        updated REAL NOT NULL, locks TEXT NOT NULL DEFAULT '[]');
    CREATE TABLE IF NOT EXISTS members (
        room TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE, id TEXT NOT NULL,
        name TEXT NOT NULL, token_sha256 TEXT UNIQUE NOT NULL, joined REAL NOT NULL,
        mode TEXT NOT NULL, forks INTEGER NOT NULL, show_name INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, id));
    INSERT OR IGNORE INTO meta VALUES ('rooms_format', '{FORMAT}');"""


class RoomStore:
    def __init__(self, runs):
        """`runs`: the server's RunStore, whose database and lock the rooms share."""
        self.runs = runs
        self.db, self.lock, self.clock = runs.db, runs.lock, runs.clock
        self.enabled = True
        with self.lock:
            self.db.executescript(SCHEMA)
            found = self.db.execute("SELECT value FROM meta WHERE key='rooms_format'").fetchone()
            while found is not None and found[0] in UPGRADES:
                table, column, definition, newer = UPGRADES[found[0]]
                if column not in {row[1] for row in self.db.execute(
                        f"PRAGMA table_info({table})")}:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
                self.db.execute("UPDATE meta SET value=? WHERE key='rooms_format'", (newer,))
                found = (newer,)
        if found is None or found[0] != FORMAT:
            self.enabled = False
            log.warning("the rooms in %s are of another format (%s, not %s): rooms are not "
                        "saved this time", runs.path, found and found[0], FORMAT)

    def load(self, max_size):
        """The saved rooms, with their members, after deleting those too old to keep."""
        from .rooms import Member, Room

        if not self.enabled:
            return []
        with self.lock:
            self.db.execute("DELETE FROM rooms WHERE updated < ?",
                            (self.clock() - self.runs.max_age,))
            self.db.execute("DELETE FROM members WHERE room NOT IN (SELECT code FROM rooms)")
            rooms = self.db.execute("SELECT code, teacher_sha256, session_sha256, teacher, "
                                    "max_size, created, locks FROM rooms").fetchall()
            members = self.db.execute("SELECT room, id, name, token_sha256, joined, mode, "
                                      "forks, show_name FROM members ORDER BY joined"
                                      ).fetchall()
        loaded = {}
        for code, teacher_sha256, session_sha256, teacher, size, created, locks in rooms:
            # a room keeps the size it was made with, within this server's limit
            room = loaded[code] = Room(code, teacher_sha256, session_sha256, teacher,
                                       min(size, max_size), created)
            room.locks.set(_lockable(code, locks))
        for code, member_id, name, token_sha256, joined, mode, forks, show_name in members:
            room = loaded.get(code)
            if room is not None:
                room.members[member_id] = Member(member_id, name, token_sha256, joined,
                                                 mode if mode in ("follow", "fork") else
                                                 "follow", int(forks), bool(show_name))
        if loaded:
            log.info("%d room(s) reopened from the saved runs", len(loaded))
        return list(loaded.values())

    def save_room(self, room):
        if not self.enabled:
            return
        now = self.clock()
        with self.lock:
            self.db.execute(
                "INSERT INTO rooms VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE "
                "SET teacher_sha256=excluded.teacher_sha256, teacher=excluded.teacher, "
                "updated=excluded.updated",
                (room.code, room.teacher_sha256, room.session_sha256, room.teacher,
                 room.max_size, room.created, now, json.dumps(sorted(room.locks.keys))))

    def save_locks(self, room):
        if not self.enabled:
            return
        with self.lock:
            self.db.execute("UPDATE rooms SET locks=?, updated=? WHERE code=?",
                            (json.dumps(sorted(room.locks.keys)), self.clock(), room.code))

    def save_member(self, code, member):
        if not self.enabled:
            return
        row = (code, member.id, member.name, member.token_sha256, member.joined, member.mode,
               member.forks, int(member.show_name))
        with self.lock:
            self.db.execute(
                "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(room, id) DO "
                "UPDATE SET mode=excluded.mode, forks=excluded.forks", row)
            self.db.execute("UPDATE rooms SET updated=? WHERE code=?", (self.clock(), code))

    def delete_member(self, code, member_id):
        if not self.enabled:
            return
        with self.lock:
            self.db.execute("DELETE FROM members WHERE room=? AND id=?", (code, member_id))
            self.db.execute("UPDATE rooms SET updated=? WHERE code=?", (self.clock(), code))

    def delete_room(self, code):
        if not self.enabled:
            return
        with self.lock:
            self.db.execute("DELETE FROM members WHERE room=?", (code,))
            self.db.execute("DELETE FROM rooms WHERE code=?", (code,))



def _lockable(code, text):
    """The config keys of a room's saved locks that this version has (a key it does not know,
    or a row that is not a list of keys, is left out and logged)."""
    try:
        saved = json.loads(text)
    except ValueError:
        saved = None
    keys = [k for k in saved if isinstance(k, str) and k in schema.BY_NAME] if isinstance(
        saved, list) else []
    if not isinstance(saved, list) or len(keys) != len(saved):
        log.warning("room %s: locked controls %r could not all be restored; locked: %s", code,
                    text, ", ".join(keys) or "nothing")
    return keys
