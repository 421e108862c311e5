"""Take the README's screenshots from the real app: a server, headless Chromium, real training.

    python docs/make_screenshots.py [--mnist-dir DIR]   # writes docs/images/*.png

The MNIST shot needs MNIST's four files (from DIR, NNPLAY_MNIST_DIR, or nnplay's data folder
where the page's download puts them); without them it is left out, and the script says so.

Each shot drives the page as a person would (URL, keyboard, clicks) and waits for training to
reach a given step, so the pictures show real states of real runs. The page is observed
through its test interface, window.nnplayTest (docs/testing.md).
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.cli import network_address  # noqa: E402
from tests.e2e.browser import launch  # noqa: E402
from tests.e2e.server import running  # noqa: E402
from tests.e2e.test_dashboard_page import NAMES, RemoteClass  # noqa: E402

OUT = ROOT / "docs" / "images"


def mnist_folder(given):
    """A folder with MNIST's four files, or None."""
    from app.downloads import default_data_dir
    from nncore.datasets import DATASETS

    for folder in (given, os.environ.get("NNPLAY_MNIST_DIR"), default_data_dir() / "mnist"):
        if folder and all(any(Path(folder, stem + ext).exists() for ext in ("", ".gz"))
                          for stem in DATASETS["mnist"].files):
            return Path(folder)
    return None


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


def trained(browser, url, steps, size=(1600, 900), fast=True):
    """A page on `url`, trained for `steps` steps and paused (at max speed when `fast`; a
    session starts at a teaching pace of 100 steps a second)."""
    page = open_page(browser, url, size)
    if fast:
        page.keyboard.press("m")
        page.wait_for_function("document.getElementById('speed-value').textContent === 'max'")
    page.keyboard.press(" ")
    wait_step(page, steps)
    page.keyboard.press(" ")
    page.wait_for_function("window.nnplayTest.session() === 'paused' && "
                           "window.nnplayTest.frame().header.state === 'paused'")
    return page


def classroom(browser, url):
    """A class: the teacher's page on a 1280×720 projector (presentation mode, the Class tab
    with the code and its QR code, three students joined), and a student's page following it."""
    teacher = trained(browser, url + "#dataset=spiral&hidden_layers=8,8,8&features=x1,x2,"
                      "sinx1,sinx2&learning_rate=0.01&present=1", 3000, size=(1280, 720))
    if teacher.evaluate("document.body.dataset.classroom") != "start":  # else it has begun
        teacher.click('[data-tab="class"]')
        teacher.click("#class-open")
    teacher.wait_for_function("document.querySelector('#class-code').textContent.length === 7"
                              " && !document.querySelector('#class-qr').hidden")
    code = teacher.inner_text("#class-code")
    students = []
    for name in ("Ada", "Grace", "Alan"):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        student = context.new_page()
        student.goto(f"{url}join/{code}")
        student.fill("#join-name", name)
        student.click("#join-submit")
        student.wait_for_function("window.nnplayTest.ready() && "
                                  "window.nnplayTest.hello().room.mode === 'follow'")
        students.append((context, student))
    teacher.wait_for_function("document.querySelector('#class-count').textContent"
                              ".startsWith('3 students')")
    teacher.keyboard.press(" ")  # the class watches it learn
    wait_step(teacher, 4500)
    teacher.keyboard.press(" ")
    teacher.keyboard.press("m")  # back to the teaching pace
    teacher.wait_for_function("window.nnplayTest.frame().header.state === 'paused' && "
                              "window.nnplayTest.speed() !== 'max'")
    shot(teacher, "classroom-teacher")
    student = students[0][1]
    step = teacher.evaluate("window.nnplayTest.frame().header.step")
    student.wait_for_function(f"window.nnplayTest.frame().header.step === {step}")
    student.mouse.move(0, 0)
    shot(student, "classroom-student")
    for context, _ in students:
        context.close()
    teacher.click("#class-close")
    teacher.close()


def class_dashboard(browser, url):
    """The teacher's class view on a 1280×720 projector: fourteen students, ten of them on runs
    of their own (some with another learning rate or activation), one away, sorted by
    accuracy."""
    teacher = trained(browser, url + "#dataset=spiral&hidden_layers=8,8&features=x1,x2,sinx1,"
                      "sinx2&learning_rate=0.03", 1500, size=(1280, 720))
    if teacher.evaluate("document.body.dataset.classroom") != "start":
        teacher.click('[data-tab="class"]')
        teacher.click("#class-open")
    teacher.wait_for_function("document.querySelector('#class-code').textContent.length === 7")
    code = teacher.inner_text("#class-code")
    changes = [None, {"learning_rate": 0.3}, None, {"activation": "relu"}, {"learning_rate": 3},
               None, {"learning_rate": 0.003}, {"activation": "relu", "learning_rate": 0.1},
               None, {"batch_size": 1}]
    with RemoteClass(url, code, NAMES[:14], own=10, speed=150, away=1,
                     changes=lambda i: changes[i]):
        teacher.click("#class-show")
        teacher.wait_for_function(
            "(() => { const v = window.nnplayTest.classView(); return v.cards.length === 14 && "
            "v.cards.filter((c) => c.drawn && c.step >= 3000).length === 10; })()",
            timeout=180_000)
        teacher.select_option("#cv-sort", "score")
        teacher.mouse.move(0, 0)
        shot(teacher, "classroom-dashboard")
    teacher.keyboard.press("c")  # back to the Class tab
    teacher.click("#class-close")
    teacher.close()


def at_backward_pass(page):
    """The step-through of the second point, at its fifth stage: the backward pass."""
    page.evaluate("window.nnplayTest.select(1)")
    page.keyboard.press("e")
    page.wait_for_function("document.querySelector('.explain-counter').textContent"
                           ".startsWith('1 /')")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.explain-counter').textContent"
                           ".startsWith('5 /')")


def languages(browser, url):
    """The page in Vietnamese (the step-through, its narration in Vietnamese) and in Russian
    (the spiral, the settings open), each opened by a `#lang=` link."""
    page = trained(browser, url + "#lang=vi&preset=xor_two_hidden", 2000, fast=False)
    at_backward_pass(page)
    shot(page, "page-vi")
    page.close()
    page = trained(browser, url + "#lang=ru&dataset=spiral&hidden_layers=8,8,8"
                   "&features=x1,x2,sinx1,sinx2&learning_rate=0.01", 3000, fast=False)
    page.locator('[role=tab][data-tab="settings"]').click()
    shot(page, "page-ru")
    page.close()


def sweep_view(browser, url):
    """The A–Z exercise's sweep on the digits (learning rate × activation, 4 × 3, 15 epochs),
    in the sweep's full view, as a projector at 1600×900 shows it."""
    page = open_page(browser, url + "#preset=digits")
    page.wait_for_function("window.nnplayTest.config().dataset === 'digits'")
    page.locator('[role=tab][data-tab="sweep"]').click()
    page.select_option("#sweep-field1", "learning_rate")
    page.fill("#sweep-values1", "0.01, 0.03, 0.1, 0.3")
    page.select_option("#sweep-field2", "activation")
    page.fill("#sweep-values2", "relu, tanh, sigmoid")
    page.fill("#sweep-epochs", "15")
    page.click("#sweep-start")
    page.wait_for_function("document.getElementById('sweep-progress').dataset.state === "
                           "'done'", timeout=300_000)
    page.click("#sweep-expand")
    page.locator("#sweep-view").wait_for(state="visible")  # drawn at its size as it opens
    shot(page, "sweep-view")
    page.close()


def main():
    parser = argparse.ArgumentParser(description="Take the README's screenshots.")
    parser.add_argument("--mnist-dir", help="a folder with MNIST's four files")
    parser.add_argument("--only-languages", action="store_true",
                        help="take only the pages in Vietnamese and Russian")
    parser.add_argument("--only-sweep", action="store_true",
                        help="take only the sweep's full view")
    args = parser.parse_args()
    mnist = mnist_folder(args.mnist_dir)
    extra = ("--dataset-dir", f"mnist={mnist}") if mnist else ()
    with running("--max-sessions", "20", *extra) as server, sync_playwright() as p:
        browser = launch(p)
        if not args.only_languages:
            sweep_view(browser, server.url)
        if args.only_sweep:
            return
        languages(browser, server.url)
        if args.only_languages:
            return
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
        at_backward_pass(page)
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
        # Presentation mode on a 1280×720 projector.
        page = trained(browser, server.url + "#present=1", 1500, size=(1280, 720))
        shot(page, "present-1280x720")
        page.close()
        page = trained(browser, server.url + "#dataset=spiral&hidden_layers=8,8,8&present=1",
                       4000, size=(1920, 1080))
        shot(page, "present-1920x1080")
        page.close()
        # A class: the teacher's projector with the join code, and a student's page, on a
        # server that listens on this machine's network address (as `nnplay --classroom`)
        with running("--classroom", "--port", "8000") if network_address() else \
                running("--port", "8000") as class_server:
            classroom(browser, class_server.url)
            class_dashboard(browser, class_server.url)
        # MNIST mid-training: the input image, weights as images, the gallery.
        if mnist is None:
            print("MNIST's files are not here: no mnist.png (--mnist-dir DIR)")
        else:
            page = trained(browser, server.url + "#preset=mnist", 300, fast=False)
            shot(page, "mnist")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
