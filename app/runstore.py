"""Saved runs: one SQLite database (WAL) in the data folder, one row per session's run.

A session's run is saved on pause, when its client leaves, and at most every
`checkpoint_seconds` while it trains (session.py decides when; the saving happens in a worker
thread, off the event loop). After a crash and a restart with the same data folder, a client
that comes back with its resume token gets the run from its last save.

- A row holds the session's export (the same JSON `export` replies with, zlib-compressed), its
  state, pace and frame rate, a title, the step and the times. The resume token itself is not
  stored, only its SHA-256: the database alone opens no session.
- Retention: rows not updated for `max_age_days` are deleted, then the oldest ones until the
  rows fit `max_bytes`. Hitting either is never an error for the user: a pruned run is gone, as
  an expired session is.
- A database file that is corrupt or not nnplay's is moved aside (renamed with `.corrupt-` or
  `.foreign-` and the time), the log says so, and a fresh database is started.
"""

import hashlib
import json
import logging
import sqlite3
import threading
import time
import zlib
from pathlib import Path

log = logging.getLogger("nnplay")

FORMAT = "nnplay.runs/1"
FILENAME = "runs.sqlite3"
COLUMNS = ("id", "token_sha256", "title", "dataset", "step", "state", "created", "updated",
           "size")


class RunStore:
    def __init__(self, folder, max_age_days=30.0, max_bytes=512 * 1024 * 1024,
                 clock=time.time):
        self.path = Path(folder) / FILENAME
        self.max_age, self.max_bytes, self.clock = max_age_days * 86400.0, max_bytes, clock
        self.lock = threading.Lock()  # one connection, used from the saving thread and others
        self.db = self._open()

    # -- opening -----------------------------------------------------------------------------
    def _open(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as e:  # not a database, truncated, or not ours
            kind = "foreign" if isinstance(e, ForeignDatabase) else "corrupt"
            aside = self.path.with_name(f"{self.path.name}.{kind}-{int(self.clock())}")
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self.path) + suffix)
                if part.exists():
                    part.rename(str(aside) + suffix)
            log.warning("the saved runs at %s could not be read (%s); it was moved to %s and "
                        "a fresh database started", self.path, e, aside)
            return self._connect()

    def _connect(self):
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses no committed save
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE "
                                                "type='table'")}
            if not tables:
                db.executescript(f"""
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    INSERT INTO meta VALUES ('format', '{FORMAT}');
                    CREATE TABLE runs (
                        id TEXT PRIMARY KEY, token_sha256 TEXT UNIQUE NOT NULL,
                        title TEXT NOT NULL, dataset TEXT NOT NULL, step INTEGER NOT NULL,
                        state TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
                        size INTEGER NOT NULL, body BLOB NOT NULL);
                    CREATE INDEX runs_updated ON runs (updated);""")
            else:
                row = (db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
                       if "meta" in tables else None)
                if row is None or row[0] != FORMAT or "runs" not in tables:
                    raise ForeignDatabase(f"it is not an nnplay runs database ({FORMAT})")
            return db
        except BaseException:
            db.close()
            raise

    def close(self):
        with self.lock:
            self.db.close()

    # -- runs --------------------------------------------------------------------------------
    def save(self, token, session_id, run, body=None):
        """Save a session's run: `run` is {"export", "state", "speed", "fps", "title",
        "dataset", "step"} (Session.checkpoint); `body` is encode(run) when it is at hand."""
        body = encode(run) if body is None else body
        now = self.clock()
        with self.lock:
            self.db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                "SET title=excluded.title, dataset=excluded.dataset, step=excluded.step, "
                "state=excluded.state, updated=excluded.updated, size=excluded.size, "
                "body=excluded.body",
                (session_id, token_sha256(token), str(run["title"])[:200],
                 str(run["dataset"])[:64], int(run["step"]), str(run["state"]), now, now,
                 len(body), body))

    def load(self, token):
        """The run saved for this resume token, or None."""
        with self.lock:
            row = self.db.execute("SELECT id, updated, body FROM runs WHERE token_sha256=?",
                                  (token_sha256(token),)).fetchone()
        return None if row is None else decode(*row)

    def load_id(self, run_id):
        with self.lock:
            row = self.db.execute("SELECT id, updated, body FROM runs WHERE id=?",
                                  (run_id,)).fetchone()
        return None if row is None else decode(*row)

    def summary(self, token):
        """The listing of the run saved for this token (no body), or None."""
        with self.lock:
            row = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM runs WHERE token_sha256=?",
                                  (token_sha256(token),)).fetchone()
        return None if row is None else dict(zip(COLUMNS, row))

    def runs(self, limit=100):
        """The saved runs, newest first (without their bodies)."""
        with self.lock:
            rows = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM runs ORDER BY updated DESC "
                                   "LIMIT ?", (limit,)).fetchall()
        return [dict(zip(COLUMNS, row)) for row in rows]

    def delete(self, run_id):
        """Delete a saved run; whether there was one."""
        with self.lock:
            return self.db.execute("DELETE FROM runs WHERE id=?", (run_id,)).rowcount > 0

    def forget(self, token):
        """Delete the run saved for this token; whether there was one."""
        with self.lock:
            return self.db.execute("DELETE FROM runs WHERE token_sha256=?",
                                   (token_sha256(token),)).rowcount > 0

    def prune(self):
        """Apply the retention policy; how many runs were deleted."""
        with self.lock:
            gone = self.db.execute("DELETE FROM runs WHERE updated < ?",
                                   (self.clock() - self.max_age,)).rowcount
            total = self.db.execute("SELECT COALESCE(SUM(size), 0) FROM runs").fetchone()[0]
            while total > self.max_bytes:
                oldest = self.db.execute("SELECT id, size FROM runs ORDER BY updated "
                                         "LIMIT 1").fetchone()
                if oldest is None:
                    break
                self.db.execute("DELETE FROM runs WHERE id=?", (oldest[0],))
                total -= oldest[1]
                gone += 1
        return gone


class ForeignDatabase(sqlite3.DatabaseError):
    """A SQLite file that is not nnplay's runs database."""


def token_sha256(token):
    """What stands for a resume token in a store of runs: the token itself opens a session."""
    return hashlib.sha256(token.encode()).hexdigest()


def encode(run):
    """A run as a store keeps it: its JSON, zlib-compressed."""
    return zlib.compress(json.dumps(run, allow_nan=False).encode(), 1)


def decode(run_id, updated, body):
    """The run `body` holds (encode's), with its id and the time it was saved; None (and a
    log line) when it cannot be read."""
    try:
        return {"id": run_id, "updated": updated, **json.loads(zlib.decompress(body))}
    except (zlib.error, ValueError) as e:
        log.warning("saved run %s could not be read (%s): it is skipped", run_id, e)
        return None
