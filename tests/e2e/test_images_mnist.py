"""MNIST's size in the page: 784 inputs as one 28×28 picture, 784-128-64-10 drawn readably,
a drawn digit sent as 784 values. The server reads a stand-in of MNIST (scikit-learn's real
handwritten digits scaled to 28×28, tests/idx.py) from a local folder: nothing downloads."""

import pytest

from tests.e2e.server import running
from tests.e2e.test_images import SHOWN, TRIED, draw_a_one, play, quantize, sent_commands

idx = pytest.importorskip("tests.idx", reason="the MNIST stand-in files (tests/idx.py)")

PIXELS = 784


@pytest.fixture(scope="module")
def nnplay(tmp_path_factory):
    data = tmp_path_factory.mktemp("mnist-data")
    idx.write_folder(data / "mnist", idx.digits_stand_in(n_train=1200))
    with running("--max-sessions", "50", "--data-dir", str(data), "--no-downloads") as server:
        yield server


def open_mnist(page):
    page.open("#preset=mnist")
    page.wait("window.nnplayTest.network().sizes[0] === 784", timeout=60000)
    page.wait_frame(f"h.trace && h.trace.x.length === {PIXELS} && "
                    "document.querySelector('#network .input-image')?.dataset.sample === "
                    "String(h.trace.index)", timeout=60000)


def test_mnist_is_drawn_as_images_with_a_bounded_number_of_links(page):
    open_mnist(page)
    assert page.js("window.nnplayTest.network().sizes") == [784, 128, 64, 10]
    assert page.js("window.nnplayTest.network().image_shape") == [28, 28]
    shown = page.js(SHOWN)
    assert shown["size"] == [28, 28]
    lo, hi = shown["range"]
    codes = [quantize(v, lo, hi) for v in shown["trace"]["x"]]
    assert all(abs(g - (255 - q)) <= 1 for g, q in zip(shown["grey"], codes))
    assert shown["bars"] == pytest.approx(shown["trace"]["y_hat"], abs=1e-3)
    page.wait("Number(document.getElementById('network').dataset.links) > 0")
    assert int(page.js("document.getElementById('network').dataset.links")) <= 3 * (128 + 64 + 10)
    tiles = page.page.locator('#network .neuron[data-layer="1"]').all()
    assert len(tiles) == 128
    assert min(t.bounding_box()["width"] for t in tiles) >= 16
    gallery = page.js("window.nnplayTest.frameArray('gallery_pixels').shape")
    assert gallery == [24, 28, 28]
    assert page.count("#iv-gallery .iv-card") == 24


def test_a_digit_drawn_for_mnist_is_sent_as_784_values(page):
    with sent_commands(page) as sent:
        open_mnist(page)
        draw_a_one(page)
        page.wait_frame("f.arrays.tried_output !== undefined", timeout=30000)
        tries = [c for c in sent if c.get("type") == "try_input"]
        for _ in range(100):  # the websocket's events reach Python as the page is polled
            if tries:
                break
            page.js("1")
            tries = [c for c in sent if c.get("type") == "try_input"]
        x = tries[-1]["x"]
        assert len(x) == PIXELS
        rows = [sum(x[r * 28:(r + 1) * 28]) for r in range(28)]
        # MNIST keeps a digit in the middle 20×20: the ink stays off the 4-pixel border
        assert sum(rows[:3]) + sum(rows[-3:]) == 0 and sum(rows[4:24]) > 0
        play(page)
        page.wait_frame("f.arrays.tried_output && h.step > 0", timeout=30000)
        shown = page.js(TRIED)
        assert shown["bars"] == pytest.approx(shown["out"], abs=1e-3)
        page.shot("images_mnist_drawn")
