"""Saved runs in SQLite: a round trip, the retention policy, and files that are not ours."""

import sqlite3
import threading

import pytest

from app.runstore import FILENAME, RunStore


class Clock:
    def __init__(self, t=1_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


def run(step, title="circle 2-4-2-1", size=0):
    return {"export": {"format": "nnplay.session/1", "pad": "x" * size}, "state": "paused",
            "speed": 100.0, "fps": 30, "title": title, "dataset": "circle", "step": step}


def test_a_saved_run_comes_back_by_its_token_and_the_token_is_not_stored(tmp_path):
    store = RunStore(tmp_path)
    store.save("secret-token", "s1", run(42))
    store.save("secret-token", "s1", run(43))  # the same run, later: one row
    back = store.load("secret-token")
    assert back["id"] == "s1" and back["step"] == 43 and back["export"]["format"]
    assert store.load("another-token") is None
    assert [r["id"] for r in store.runs()] == ["s1"]
    store.close()
    raw = (tmp_path / FILENAME).read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob(FILENAME + "-*"))
    assert b"secret-token" not in raw
    db = sqlite3.connect(tmp_path / FILENAME)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_runs_expire_by_age_then_the_oldest_go_to_fit_the_size(tmp_path):
    clock = Clock()
    store = RunStore(tmp_path, max_age_days=1, max_bytes=3000, clock=clock)
    store.save("old", "s-old", run(1))
    clock.t += 2 * 86400  # two days later
    for i in range(5):
        store.save(f"t{i}", f"s{i}", run(i, size=20_000))  # ~900 bytes each, compressed
        clock.t += 10
    assert store.prune() >= 1
    left = [r["id"] for r in store.runs()]
    assert "s-old" not in left  # too old
    assert sum(r["size"] for r in store.runs()) <= 3000
    assert left[0] == "s4"  # the newest stay


@pytest.mark.parametrize("content, kind", [
    (b"this is not a database at all " * 100, "corrupt"),
    (None, "foreign"),
], ids=["garbage", "another-apps-sqlite"])
def test_a_file_that_is_not_ours_is_moved_aside_and_a_fresh_one_started(tmp_path, caplog,
                                                                        content, kind):
    path = tmp_path / FILENAME
    if content is None:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE notes (x TEXT)")
        db.commit()
        db.close()
    else:
        path.write_bytes(content)
    store = RunStore(tmp_path, clock=Clock(5.0))
    store.save("t", "s", run(1))
    assert store.load("t")["step"] == 1
    assert (tmp_path / f"{FILENAME}.{kind}-5").exists()
    assert "moved to" in caplog.text


def test_saves_from_several_threads_are_serialised(tmp_path):
    store = RunStore(tmp_path)

    def saver(k):
        for i in range(20):
            store.save(f"t{k}", f"s{k}", run(i))

    threads = [threading.Thread(target=saver, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r["id"] for r in store.runs()) == ["s0", "s1", "s2", "s3"]
    assert all(r["step"] == 19 for r in store.runs())


def test_delete_and_a_damaged_row(tmp_path):
    store = RunStore(tmp_path)
    store.save("t", "s", run(1))
    with store.lock:
        store.db.execute("UPDATE runs SET body=? WHERE id='s'", (b"not zlib",))
    assert store.load("t") is None  # skipped with a warning, never an exception
    assert store.delete("s") is True and store.delete("s") is False
