"""The page downloads MNIST on first use: the offer, the progress bar, the data loaded; and
offline, the server's message saying where to put the files (headless Chromium).

nnplay runs with an empty --data-dir and a --download-table whose MNIST is served by a local
HTTP server (tests/fileserver.py) and whose Fashion-MNIST points at a port nothing listens
on: nothing downloads from the internet.
"""

import json

import pytest

from tests import idx
from tests.e2e.server import running
from tests.fileserver import FileServer, closed_port

@pytest.fixture(scope="module")
def fileserver():
    with FileServer(idx.gz_files(idx.tiny_arrays())).running() as server:
        yield server


@pytest.fixture(scope="module")
def nnplay(tmp_path_factory, fileserver):
    root = tmp_path_factory.mktemp("downloads-page")
    table = idx.file_table(fileserver.files, fileserver.url)
    offline = closed_port()
    table["fashion_mnist"] = {**table["mnist"], "source": offline, "files": [
        {**f, "urls": [offline + f["name"]]} for f in table["mnist"]["files"]]}
    (root / "table.json").write_text(json.dumps(table))
    with running("--data-dir", str(root / "data"), "--download-table",
                 str(root / "table.json")) as server:
        server.data_dir = root / "data"
        yield server


def test_picking_mnist_offers_it_shows_progress_then_loads_it(page, fileserver):
    gate = fileserver.held("train-images-idx3-ubyte.gz")
    page.open()
    page.page.locator('[data-dataset="mnist"]').click()
    card = page.page.locator("#download-card")
    card.wait_for(state="visible")
    assert page.text("#download-title") == "MNIST is not on this server yet"
    offer = page.text("#download-text")
    assert "4 files" in offer and "127.0.0.1" in offer
    assert str(page.server.data_dir / "mnist") in offer
    assert page.js("window.nnplayTest.config().dataset") == "circle"  # nothing changed yet
    assert page.toasts("error") == []  # an offer, not a refusal
    page.page.locator("#download-start").click()
    page.page.locator("#download-bar").wait_for(state="visible")
    page.wait("(() => { const b = document.getElementById('download-bar'); "
              "return b.value > 0 && b.value < b.max; })()")
    assert "of" in page.text("#download-amount")
    page.shot("download-progress")
    gate.set()
    page.wait("window.nnplayTest.dataHeader()?.dataset === 'mnist'", timeout=30000)
    page.wait("window.nnplayTest.ready()")
    assert page.js("window.nnplayTest.network().sizes[0]") == 784
    assert page.js("window.nnplayTest.config().dataset") == "mnist"
    card.wait_for(state="hidden")
    assert page.toasts("error") == []
    files = sorted(p.name for p in (page.server.data_dir / "mnist").iterdir())
    assert files == sorted(fileserver.files)


def test_offline_the_card_says_which_files_to_put_where(page):
    page.open()
    page.page.locator('[data-dataset="fashion_mnist"]').click()
    page.page.locator("#download-card").wait_for(state="visible")
    page.page.locator("#download-start").click()
    page.wait("document.getElementById('download-card').dataset.state === 'failed'",
              timeout=30000)
    message = page.text("#download-message")
    assert "This machine seems to be offline" in message
    assert str(page.server.data_dir / "fashion_mnist") in message
    assert "train-images-idx3-ubyte.gz" in message
    assert page.text("#download-start") == "Try again"
    page.shot("download-offline")
    page.page.locator("#download-close").click()
    page.page.locator("#download-card").wait_for(state="hidden")
    assert page.js("window.nnplayTest.config().dataset") == "circle"
