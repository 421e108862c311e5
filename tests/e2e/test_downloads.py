"""MNIST downloaded on first use, through a real nnplay (a subprocess, real sockets).

Each test starts `nnplay --data-dir TMP --download-table TABLE`, the table pointing at a local
HTTP server on loopback (tests/fileserver.py) that serves tiny IDX files (tests/idx.py), or at
a port nothing listens on: nothing downloads from the internet.
"""

import asyncio

from tests import idx
from tests.e2e.client import Client
from tests.e2e.server import running
from tests.fileserver import FileServer, closed_port

SET_MNIST = {"type": "set", "config": {"dataset": "mnist"}}


def nnplay(tmp_path, files, base_url, *args):
    table = idx.write_table(tmp_path / "table.json", files, base_url)
    return running("--data-dir", str(tmp_path / "data"), "--download-table", str(table), *args)


def run(coro):
    return asyncio.run(coro)


async def download_events(client):
    """The `download` events up to the last one (done, failed or cancelled)."""
    events = []
    while True:
        m = await client.expect("download", timeout=30)
        events.append(m)
        if m["state"] != "downloading":
            return events


async def loads_mnist(client):
    """`set` MNIST; the data message that follows its reply."""
    await client.send({**SET_MNIST, "id": "load"})
    data = None
    while True:
        m = await client.next()
        if m["type"] == "data":
            data = m
        if m.get("id") == "load":
            assert m["type"] == "applied", m
            return data


def test_first_use_downloads_with_progress_checks_and_caches(tmp_path, files, fileserver):
    total = sum(map(len, files.values()))

    async def scenario(url):
        a = await Client.open(url)
        refused = await a.call(SET_MNIST)
        assert refused["code"] == "missing_data" and refused["download"]["bytes"] == total
        assert refused["download"]["folder"] == str(tmp_path / "data" / "mnist")
        started = await a.call({"type": "download", "dataset": "mnist"})
        assert (started["state"], started["total"], started["joined"]) == (
            "downloading", total, False)
        events = await download_events(a)
        assert events[-1]["state"] == "done" and len(events) >= 2
        assert [e["bytes"] for e in events] == sorted(e["bytes"] for e in events)
        assert events[-1]["bytes"] == total
        data = await loads_mnist(a)
        assert (data["dataset"], data["count"]) == ("mnist", 70)
        await a.close()
        # a second session uses the files: no download, no request
        b = await Client.open(url)
        assert (await loads_mnist(b))["count"] == 70
        await b.close()

    with nnplay(tmp_path, files, fileserver.url) as server:
        run(scenario(server.ws_url))
    assert all(fileserver.count(name) == 1 for name in files)
    folder = tmp_path / "data" / "mnist"
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    # ... and so does a server started later on the same data folder
    with nnplay(tmp_path, files, fileserver.url) as server:
        async def later(url):
            c = await Client.open(url)
            assert (await loads_mnist(c))["count"] == 70
            await c.close()
        run(later(server.ws_url))
    assert all(fileserver.count(name) == 1 for name in files)


def test_a_corrupted_file_is_refused_and_removed(tmp_path, files):
    served = dict(files)
    bad = bytearray(files["t10k-images-idx3-ubyte.gz"])
    bad[100] ^= 0xFF
    served["t10k-images-idx3-ubyte.gz"] = bytes(bad)

    async def scenario(url):
        c = await Client.open(url)
        await c.call({"type": "download", "dataset": "mnist"})
        last = (await download_events(c))[-1]
        assert last["state"] == "failed"
        assert "t10k-images-idx3-ubyte.gz from http://127.0.0.1:" in last["message"]
        assert "is not the expected file" in last["message"] and "it was deleted" in \
            last["message"]
        assert (await c.call(SET_MNIST))["code"] == "missing_data"
        await c.close()

    with FileServer(served).running() as fs, nnplay(tmp_path, files, fs.url) as server:
        run(scenario(server.ws_url))
    folder = tmp_path / "data" / "mnist"
    left = sorted(p.name for p in folder.iterdir())
    assert "t10k-images-idx3-ubyte.gz" not in left and not [n for n in left if ".part" in n]


def test_offline_the_page_is_told_which_files_to_put_where(tmp_path, files):
    async def scenario(url):
        c = await Client.open(url)
        await c.call({"type": "download", "dataset": "mnist"})
        last = (await download_events(c))[-1]
        await c.close()
        return last

    with nnplay(tmp_path, files, closed_port()) as server:
        last = run(scenario(server.ws_url))
    message = last["message"]
    assert last["state"] == "failed" and "127.0.0.1" in message
    assert "could not be reached" in message and "This machine seems to be offline" in message
    assert str(tmp_path / "data" / "mnist") in message
    assert all(name in message for name in files)
    assert not list((tmp_path / "data" / "mnist").glob(".*.part"))


def test_a_folder_the_user_names_is_used_as_it_is(tmp_path, files, fileserver):
    mine = idx.write_folder(tmp_path / "my mnist")

    async def scenario(url):
        c = await Client.open(url)
        assert (await loads_mnist(c))["count"] == 70
        refused = await c.call({"type": "download", "dataset": "mnist"})
        assert refused["state"] == "done"  # the files are there: nothing to do
        await c.close()

    with nnplay(tmp_path, files, fileserver.url, "--dataset-dir", f"mnist={mine}") as server:
        run(scenario(server.ws_url))
    assert fileserver.count("train-images-idx3-ubyte.gz") == 0
    assert not (tmp_path / "data" / "mnist").exists()


def test_downloads_off_the_offer_says_where_to_put_the_files(tmp_path, files, fileserver):
    async def scenario(url):
        c = await Client.open(url)
        refused = await c.call(SET_MNIST)
        await c.close()
        return refused

    with nnplay(tmp_path, files, fileserver.url, "--no-downloads") as server:
        refused = run(scenario(server.ws_url))
    assert refused["download"]["can_download"] is False
    assert "downloads are turned off on this server (--no-downloads)" in refused["message"]
    assert str(tmp_path / "data" / "mnist") in refused["message"]


def test_concurrent_requests_share_one_download(tmp_path, files, fileserver):
    gate = fileserver.held("train-images-idx3-ubyte.gz")

    async def scenario(url):
        a, b = await Client.open(url), await Client.open(url)
        assert (await a.call({"type": "download", "dataset": "mnist"}))["joined"] is False
        await asyncio.get_running_loop().run_in_executor(None, fileserver.started.wait, 10)
        assert (await b.call({"type": "download", "dataset": "mnist"}))["joined"] is True
        gate.set()
        done = await asyncio.gather(download_events(a), download_events(b))
        assert [events[-1]["state"] for events in done] == ["done", "done"]
        for client in (a, b):
            assert (await loads_mnist(client))["count"] == 70
            await client.close()

    with nnplay(tmp_path, files, fileserver.url) as server:
        run(scenario(server.ws_url))
    assert all(fileserver.count(name) == 1 for name in files)
