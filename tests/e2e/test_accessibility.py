"""axe-core against the page in each of its main states: no serious or critical violation.

axe-core is pinned (4.12.1, carried by the axe-playwright-python wheel of the test extra: no
npm, no download at run time). Each test brings the page to one state through what a user does
(keys, clicks, a preset), lets it settle, and runs every rule of axe's WCAG 2.1 A/AA set and
its best practices on the whole document. Moderate and minor findings are printed, not failed.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
FAILING = ("serious", "critical")


def audit(p, what):
    """Run axe on the page as it is; fail naming every serious or critical violation."""
    results = AXE.run(p.page, options={"resultTypes": ["violations"]})
    violations = results.response["violations"]
    for v in violations:
        if v["impact"] not in FAILING:
            print(f"{what}: {v['impact']} {v['id']} ({len(v['nodes'])})")
    bad = [(v["impact"], v["id"], v["help"], [n["target"] for n in v["nodes"][:5]])
           for v in violations if v["impact"] in FAILING]
    assert not bad, f"{what}: {bad}"


def settle(p):
    """Pause (so the page stops changing under axe) after at least one frame is drawn."""
    p.wait_frame("h.step > 0")
    p.page.keyboard.press(" ")
    p.wait("window.nnplayTest.frame().header.state === 'paused'")


@pytest.fixture
def small(browser, nnplay):
    """A page at 1280×720, the smallest projector the page is made for."""
    from tests.e2e.conftest import Page

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield Page(context.new_page(), nnplay)
    context.close()


def test_the_page_at_rest_and_training(small):
    small.open()
    audit(small, "at rest")
    small.page.keyboard.press(" ")
    settle(small)
    audit(small, "after training")


def test_presentation_mode_and_the_help(small):
    small.open("#dataset=spiral&hidden_layers=8,8")
    small.page.keyboard.press("p")
    small.wait("document.body.classList.contains('present')")
    audit(small, "presentation mode")
    small.page.keyboard.press("?")
    small.wait("document.querySelector('#shortcuts')?.open")
    audit(small, "the help")


@pytest.mark.parametrize("tab", ["settings", "explain", "neuron", "shapes", "activations",
                                 "diagnostics", "code", "lesson", "class"])
def test_every_drawer_tab(small, tab):
    small.open()
    small.page.keyboard.press(" ")
    settle(small)
    small.open_tab(tab)
    audit(small, f"the {tab} tab")


def test_many_classes_and_the_digits(small):
    small.open("#dataset=blobs&n_classes=5&output_activation=softmax&loss=cross_entropy")
    small.wait("document.querySelectorAll('#legend svg.marker').length === 5")
    audit(small, "five classes")
    small.js("window.nnplayTest.act({type: 'preset', name: 'digits'})")
    small.wait("document.querySelector('table.confusion td')")
    audit(small, "the digits")


def test_a_teachers_class_view_and_a_students_pages(small, browser, nnplay):
    from tests.e2e.conftest import Page

    small.open()
    small.open_tab("class")
    small.page.click("#class-open")
    code = small.wait("document.querySelector('#class-code')?.textContent.trim() || null")
    audit(small, "the class tab with a room open")
    student = Page(browser.new_context(viewport={"width": 1280, "height": 720}).new_page(),
                   nnplay)
    try:
        student.page.goto(f"{nnplay.url}join/{code}")
        student.page.locator("#join-name").wait_for()
        audit(student, "the join page")
        student.page.fill("#join-name", "Ada")
        student.page.click("#join-submit")
        student.wait("window.nnplayTest && window.nnplayTest.frame() && "
                     "document.querySelector('#room-banner').dataset.state === 'follow'")
        audit(student, "a student following")
        small.page.keyboard.press("c")
        small.wait("window.nnplayTest.classView() && "
                   "window.nnplayTest.classView().cards.length === 1")
        audit(small, "the class view")
    finally:
        student.page.context.close()


def test_the_pictures_say_what_they_show(small):
    """The network, the output plot and the chart carry text alternatives: the network's
    size, and the step, the loss and the accuracy the read-outs show."""
    small.open()
    assert small.js("document.getElementById('network').getAttribute('aria-label')") == (
        "The network 2-4-2-1: 2 hidden layers, 7 neurons")
    small.page.keyboard.press(" ")
    settle(small)
    step, score = small.text("#step-count"), small.text("#test-score")
    plot = small.js("document.getElementById('output-canvas').getAttribute('aria-label')")
    chart = small.js("document.getElementById('chart').getAttribute('aria-label')")
    assert plot.startswith(f"Output plot at step {step}: Test accuracy {score}, loss "), plot
    assert chart.startswith(f"Loss chart up to step {step}: loss "), chart
    assert small.js("document.getElementById('chart').getAttribute('role')") == "img"


def test_less_motion_when_the_reader_asks_for_it(browser, nnplay):
    """prefers-reduced-motion: training's pictures change at most 4 times a second (each
    drawn in an animation frame at least 250 ms after the one before, however fast frames
    come). The times are the animation frames' own (document.timeline), as the page counts."""
    from tests.e2e.conftest import Page

    context = browser.new_context(viewport={"width": 1280, "height": 720},
                                  reduced_motion="reduce")
    try:
        p = Page(context.new_page(), nnplay)
        p.open()
        p.js("""() => {
            window.__draws = [];
            const el = document.getElementById('step-count');
            new MutationObserver(() => window.__draws.push(document.timeline.currentTime))
                .observe(el, {childList: true, characterData: true, subtree: true});
        }""")
        p.page.keyboard.press(" ")
        draws = p.wait("window.__draws.length >= 8 && window.__draws")
        gaps = [b - a for a, b in zip(draws, draws[1:])]
        assert min(gaps) >= 249.9, gaps
        assert not p.console_errors, p.console_errors
    finally:
        context.close()
