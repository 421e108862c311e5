"""A class on `--workers 2` survives a restart of nnplay (its own Ray included), as on the
embedded default: the room, its code and tokens, a student's place and mode, the locked
controls, and the student's own run, back from its save on a host of the new cluster."""

from tests.cluster.conftest import cluster_running
from tests.e2e.test_rooms import Raw, dashboard, open_room, run, student, teacher_on


def test_a_class_on_the_cluster_survives_a_restart_of_nnplay(tmp_path):
    folder = str(tmp_path / "data")

    async def before(server):
        teacher = await teacher_on(server)
        room = await open_room(server, teacher)
        ann, _ = await student(server, room["code"], "Ann")
        fork = await ann.call({"type": "fork"})
        assert fork["type"] == "applied", fork
        await ann.text("hello", resume_token=fork["resume_token"])
        assert (await ann.call({"type": "step", "n": 9}))["type"] == "applied"
        await ann.text("saved", step=9)  # the fork's run is saved: a restart finds it
        d = await dashboard(server, room)
        assert (await d.call({"type": "room_lock", "controls": ["learning_rate"]}))[
            "controls"] == ["learning_rate"]
        await ann.text("locks", controls=["learning_rate"])
        for c in (teacher, ann, d):
            await c.close()
        return ann.token, fork["resume_token"]

    async def after(server, token, own):
        ann = await Raw.open(f"{server.ws_url}?student={token}")
        hello = await ann.text("hello")
        assert hello["room"]["mode"] == "fork" and hello["room"]["student"]["name"] == "Ann"
        assert hello["resume_token"] == own and hello["step"] == 9, hello
        assert hello["room"]["locked"] == ["learning_rate"]
        refused = await ann.call({"type": "set", "config": {"learning_rate": 2}})
        assert refused["code"] == "locked" and refused["field"] == "learning_rate", refused
        assert (await ann.call({"type": "set", "config": {"l2": 0.001}}))["type"] == "applied"
        await ann.close()

    with cluster_running("--workers", "2", "--data-dir", folder) as server:
        token, own = run(before(server))
    with cluster_running("--workers", "2", "--data-dir", folder) as server:
        run(after(server, token, own))
