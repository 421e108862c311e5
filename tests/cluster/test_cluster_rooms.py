"""Rooms on `--workers 2` (app/cluster/rooms.py): the class follows the teacher's frames, built
once on the teacher's host and fanned out by the web process; forks land on the least-loaded
hosts and train alone, bit for bit the teacher's run at the fork; the dashboard lists the
class with the forks' rows and thumbnails; push and lock reach every own session on its host
(a lock holds however the session is opened); a reset forks the teacher's run again on a
host; a spotlight shows a student's run to the room, its frames built on the student's host
and fanned out here; a killed host brings a student's fork back. Every wait is for a
condition with a deadline."""

import os
import signal

import httpx

from app import frames
from tests.cluster.conftest import wait_until
from tests.e2e.test_rooms import (Raw, by_name, class_message, class_on_own_runs, dashboard,
                                  open_room, run, student, teacher_on)


def hosts_of(server):
    """{session id: host name} from /api/stats."""
    stats = httpx.get(server.url + "api/stats", timeout=30).json()
    return {s["id"]: s["host"] for s in stats["sessions"]}, stats


def pid_of(server, host):
    stats = httpx.get(server.url + "api/cluster", timeout=30).json()
    return next(h["pid"] for h in stats["hosts"] if h["host"] == host)


def test_a_class_on_the_cluster_follows_forks_onto_both_hosts_and_is_taught(cluster):
    async def scenario():
        teacher = await teacher_on(cluster, speed=200)
        room = await open_room(cluster, teacher)
        code = room["code"]
        ann, ann_id = await student(cluster, code, "Ann")
        bob, bob_id = await student(cluster, code, "Bob")
        cy, cy_id = await student(cluster, code, "Cy")
        for s in (ann, bob, cy):
            assert s.texts[0]["room"]["mode"] == "follow"
        # Followers get the teacher's frames, the same bytes.
        await teacher.call({"type": "play"})
        for s in (ann, bob, cy):
            await s.until(lambda r: len(r.frames) >= 5, "5 frames to a follower")
        await teacher.call({"type": "pause"})
        await teacher.until(lambda r: r.frames and r.frames[-1][0]["state"] == "paused",
                            "a paused frame")
        sent = {h["seq"]: (h, m) for h, m in teacher.frames}
        last = teacher.frames[-1][0]["seq"]
        for s in (ann, bob, cy):
            await s.until(lambda r: r.frames[-1][0]["seq"] == last, "the teacher's last frame")
            for h, m in s.frames:
                assert h["seq"] in sent and m == sent[h["seq"]][1]
                assert h["step"] == sent[h["seq"]][0]["step"]
        # Two forks: bit for bit the teacher's run, each on its own host.
        at_fork = (await teacher.call({"type": "export"}))["state"]["trainer"]
        forks = {}
        for s in (ann, bob):
            reply = await s.call({"type": "fork"})
            assert reply["type"] == "applied" and reply["mode"] == "fork", reply
            hello = await s.text("hello", resume_token=reply["resume_token"])
            assert hello["room"]["mode"] == "fork"
            own = (await s.call({"type": "export"}))["state"]["trainer"]
            assert own == at_fork, "the fork is not the teacher's run bit for bit"
            forks[s] = reply
        placed = wait_until(lambda: all(r["session"] in hosts_of(cluster)[0]
                                        for r in forks.values()), 30)
        assert placed
        where = hosts_of(cluster)[0]
        assert where[forks[ann]["session"]] != where[forks[bob]["session"]], where
        # They train alone while the teacher goes on.
        for s in (ann, bob):
            await s.call({"type": "speed", "steps_per_second": 300})
            await s.call({"type": "play"})
        await teacher.call({"type": "play"})
        await ann.until(lambda r: r.frames and r.frames[-1][0]["step"] >= 150, "Ann trains")
        # The dashboard lists all three, with the forks' rows and thumbnails.
        d = await dashboard(cluster, room)
        message = await class_message(d, lambda h: all(
            (s["session"] or {}).get("step", 0) > 0 and (s["session"] or {}).get("thumb")
            for s in h["students"] if s["name"] in ("Ann", "Bob")), "the forks' rows")
        rows = by_name(message)
        assert set(rows) == {"Ann", "Bob", "Cy"} and rows["Cy"]["session"] is None
        assert rows["Ann"]["session"]["score_name"] == "test_accuracy"
        assert message["arrays"]["thumbs"].shape[1:] == (24, 24)
        assert message["teacher"]["step"] > 0
        # Push reaches every own session; a lock holds on the hosts.
        pushed = await d.call({"type": "room_push", "config": {"learning_rate": 0.1}})
        assert sorted(pushed["applied"]) == sorted([ann_id, bob_id]), pushed
        assert pushed["following"] == [cy_id]
        for s in (ann, bob):
            await s.text("applied", by="teacher")
        locked = await d.call({"type": "room_lock", "controls": ["learning_rate"]})
        assert locked["controls"] == ["learning_rate"]
        refused = await bob.call({"type": "set", "config": {"learning_rate": 0.5}})
        assert refused["code"] == "locked", refused
        # ... also through the fork's resume token, in a page of its own.
        page = await Raw.open(f"{cluster.ws_url}?resume={forks[ann]['resume_token']}")
        await page.until(lambda r: r.texts and r.texts[0]["type"] == "hello", "its hello")
        refused = await page.call({"type": "set", "config": {"learning_rate": 0.5}})
        assert refused["code"] == "locked", refused
        await page.close()
        # A student cannot send the teacher's commands.
        for s in (cy, bob):
            reply = await s.call({"type": "room_lock", "controls": []})
            assert reply["code"] == "not_teacher", reply
        # Remove: the student's connection ends (4003).
        removed = await d.call({"type": "room_remove", "student": cy_id})
        assert removed["student"] == cy_id
        await cy.until(lambda r: r.closed == 4003, "Cy removed")
        # kill -9 of the host holding Bob's fork: it comes back, and Bob keeps his own run.
        seen = len(bob.texts)
        paused = await bob.call({"type": "pause"})
        host = hosts_of(cluster)[0][forks[bob]["session"]]
        trainer = (await bob.call({"type": "export"}))["state"]["trainer"]
        await bob.until(lambda r: any(t["type"] == "saved" and t["step"] == paused["step"]
                                      for t in r.texts[seen:]), "the paused run's checkpoint")
        os.kill(pid_of(cluster, host), signal.SIGKILL)
        back = await bob.text("hello", resumed=True)
        assert back["resume_token"] == forks[bob]["resume_token"], back
        assert back["room"]["mode"] == "fork" and len(bob.texts) > seen
        assert (await bob.call({"type": "export"}))["state"]["trainer"] == trainer
        for r in (teacher, ann, bob, d):
            await r.close()

    run(scenario())


async def later(r, seen, type_, **match):
    """The first text of `type_` with these values among those after the first `seen`."""
    found = []

    def came(raw):
        found[:] = [t for t in raw.texts[seen:] if t["type"] == type_
                    and all(t.get(k) == v for k, v in match.items())]
        return bool(found)
    await r.until(came, f"a {type_} {match} after message {seen}")
    return found[0]


def w1(message):
    return frames.unpack(message)[1]["W1"].tobytes()


def test_on_the_cluster_the_teacher_spotlights_and_resets_a_students_run(cluster):
    async def scenario():
        teacher, (ada, ada_id), (bo, bo_id), cy, d = await class_on_own_runs(cluster)
        # Spotlight: the follower is told, then gets Ada's hello, network and frames, made on
        # Ada's host (her run went on there since she forked: its network is sent anew).
        seen = len(cy.texts)
        shown = await d.call({"type": "room_spotlight", "student": ada_id, "show_name": True})
        assert shown["name"] == "Ada", shown
        assert (await later(cy, seen, "spotlight", student=ada_id))["name"] == "Ada"
        hello = await later(cy, seen, "hello", step=11)
        assert hello["room"]["spotlight"] == {"student": ada_id, "name": "Ada"}
        await cy.until(lambda r: r.frames and r.frames[-1][0]["step"] == 11, "Ada's frame")
        assert any(h["type"] == "network" and h["config"]["hidden_layers"] == [3]
                   for h, _ in cy.binary), "Ada's network, to Cy"
        assert (await d.text("spotlight_run", student=ada_id))["run"]["step"] == 11
        await d.until(lambda r: r.frames and r.frames[-1][0]["step"] == 11, "on the projector")
        await ada.call({"type": "step", "n": 4})
        await ada.until(lambda r: r.frames and r.frames[-1][0]["step"] == 15, "Ada's own")
        for r in (cy, d):
            await r.until(lambda r: r.frames[-1][0]["step"] == 15, "Ada's new frame, shown")
        mine = next(m for h, m in ada.frames if h["step"] == 15)
        for r in (cy, d):
            assert w1(next(m for h, m in r.frames if h["step"] == 15)) == w1(mine)
        # Bo did not allow his name: "a student", whatever the teacher asks.
        seen = len(cy.texts)
        hidden = await d.call({"type": "room_spotlight", "student": bo_id, "show_name": True})
        assert hidden["name"] == "a student" and hidden["name_allowed"] is False
        assert (await later(cy, seen, "spotlight", student=bo_id))["name"] == "a student"
        await later(cy, seen, "hello", step=20)  # Bo's run, as he forked it
        # Ended: back to the teacher's run.
        seen = len(cy.texts)
        await d.call({"type": "room_spotlight", "student": None})
        await later(cy, seen, "spotlight", student=None)
        await later(cy, seen, "hello", step=20)
        back = len(cy.frames)
        await teacher.call({"type": "step", "n": 5})
        await cy.until(lambda r: any(h["step"] == 25 for h, _ in r.frames[back:]),
                       "the teacher's frame again")
        # Reset while Ada's run is shown: her own session is a new fork of the teacher's run,
        # bit for bit, on a host; the room is shown the new run.
        await d.call({"type": "room_spotlight", "student": ada_id, "show_name": False})
        await cy.until(lambda r: r.frames and r.frames[-1][0]["step"] == 15, "Ada's, again")
        at = (await teacher.call({"type": "export"}))["state"]["trainer"]
        seen, cy_seen = len(ada.texts), len(cy.texts)
        reset = await d.call({"type": "room_reset", "student": ada_id})
        assert reset["step"] == 25, reset
        told = await later(ada, seen, "reset_by_teacher")
        assert told["step"] == 25
        hello = await later(ada, seen, "hello", step=25)
        assert ada.texts.index(told) < ada.texts.index(hello)
        assert hello["room"]["mode"] == "fork" and hello["resume_token"]
        assert (await ada.call({"type": "export"}))["state"]["trainer"] == at
        assert wait_until(lambda: hello["session"] in hosts_of(cluster)[0], 30)
        await later(cy, cy_seen, "hello", step=25)
        await cy.until(lambda r: r.frames[-1][0]["step"] == 25, "Ada's new run, shown")
        await ada.call({"type": "step", "n": 2})
        for r in (cy, d):
            await r.until(lambda r: r.frames[-1][0]["step"] == 27, "Ada's new run goes on")
        # Ada's page leaves while her run is shown, and comes back: it is shown again.
        await ada.close()
        ada = await Raw.open(f"{cluster.ws_url}?student={ada.token}")
        again = await ada.text("hello")
        assert again["room"]["mode"] == "fork" and again["step"] == 27, again
        await ada.call({"type": "step", "n": 3})
        for r in (cy, d):
            await r.until(lambda r: r.frames[-1][0]["step"] == 30, "Ada's run, back, shown")
        # Ada goes back to following: the spotlight ends, the room sees the teacher's run.
        seen, d_seen = len(cy.texts), len(d.texts)
        await ada.call({"type": "follow"})
        assert "following" in (await later(cy, seen, "spotlight", student=None))["message"]
        await later(cy, seen, "hello", step=25)
        await later(d, d_seen, "spotlight", student=None)
        refused = await d.call({"type": "room_reset", "student": ada_id})
        assert refused["code"] == "illegal_state", refused
        refused = await d.call({"type": "room_spotlight", "student": ada_id})
        assert refused["code"] == "no_own_session", refused
        for r in (teacher, ada, bo, cy, d):
            await r.close()

    run(scenario())
