"""Take the README's screenshots from the real app: a server, headless Chromium, real training.

    python docs/make_screenshots.py        # writes docs/images/*.png

Each shot drives the page as a person would (URL, keyboard, clicks) and waits for training to
reach a given step, so the pictures show real states of real runs. The page is observed
through its test interface, window.nnplayTest (docs/testing.md).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.e2e.browser import launch  # noqa: E402
from tests.e2e.server import running  # noqa: E402

OUT = ROOT / "docs" / "images"


def open_page(browser, url, size=(1600, 900)):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.goto(url)
    page.wait_for_function("window.nnplayTest && window.nnplayTest.ready()")
    return page


def wait_step(page, step, timeout=120_000):
    page.wait_for_function(f"window.nnplayTest.frame().header.step >= {step}", timeout=timeout)


def shot(page, name):
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


def trained(browser, url, steps):
    """A page on `url`, trained for `steps` steps and paused."""
    page = open_page(browser, url)
    page.keyboard.press(" ")
    wait_step(page, steps)
    page.keyboard.press(" ")
    page.wait_for_function("window.nnplayTest.session() === 'paused' && "
                           "window.nnplayTest.frame().header.state === 'paused'")
    return page


def main():
    with running("--max-sessions", "20") as server, sync_playwright() as p:
        browser = launch(p)
        # The default page: TensorFlow Playground's default, trained for a moment.
        page = trained(browser, server.url, 3000)
        shot(page, "default")
        page.close()
        # A 6×8 network on the spiral, mid-training.
        page = trained(browser, server.url + "#dataset=spiral&hidden_layers=8,8,8,8,8,8"
                       "&features=x1,x2,sinx1,sinx2&learning_rate=0.01", 15000)
        shot(page, "spiral-6x8")
        page.close()
        # The step-through on the XOR preset, at the backward pass.
        page = trained(browser, server.url + "#preset=xor_two_hidden", 2000)
        page.evaluate("window.nnplayTest.select(1)")
        page.keyboard.press("e")
        page.wait_for_function("document.querySelector('.explain-counter').textContent"
                               ".startsWith('1 /')")
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('.explain-counter').textContent"
                               ".startsWith('5 /')")
        shot(page, "step-through")
        page.close()
        # Two presets: the loss comparison, and the digits.
        page = trained(browser, server.url + "#preset=mse_vs_cross_entropy", 1500)
        page.select_option("#chart-metric", "score")  # the chart redraws at once
        shot(page, "preset-mse-vs-cross-entropy")
        page.close()
        page = trained(browser, server.url + "#preset=digits", 3000)
        shot(page, "preset-digits")
        page.close()
        browser.close()


if __name__ == "__main__":
    main()
