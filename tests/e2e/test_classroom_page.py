"""A class through the pages (issue 12), in real headless Chromium: a teacher's page starts a
class in its Class tab and shows the code; three students join through the join page (by the
link, and by typing the code), follow the teacher's run with their controls locked, try it
themselves and follow again; closing the class tells them. The Class tab and a student's page
hold at projector sizes in both modes.

Each page has its own browser context (its own sessionStorage, as separate computers would).
As everywhere in tests/e2e, pages are driven by clicks and keys and observed through the DOM
and window.nnplayTest (docs/testing.md); tests wait for conditions, never for time.
"""

import re

import httpx
import pytest

from tests.e2e.conftest import Page
from tests.e2e.test_projector import LAYOUT

TEACHER_LR = 0.1  # the teacher's learning rate, set in the page before the class
FOLLOWING = "following the teacher"


class Pages:
    """Browser contexts of one test (a teacher's and students'), each a Page; closed with a
    screenshot each, failing on console errors other than the ones a test expects."""

    def __init__(self, browser, server, name):
        self.browser, self.server, self.name = browser, server, name
        self.opened = []

    def new(self, who, width=1280, height=720):
        context = self.browser.new_context(viewport={"width": width, "height": height})
        page = Page(context.new_page(), self.server)
        page.who, page.expected_errors = who, []
        self.opened.append((context, page))
        return page

    def close(self):
        errors = []
        for context, page in self.opened:
            try:
                page.shot(f"{self.name}_{page.who}")
            finally:
                context.close()
            errors += [(page.who, e) for e in page.console_errors
                       if not any(re.search(x, e) for x in page.expected_errors)]
        assert not errors, f"console errors: {errors}"


def open_pages(browser, server, request):
    """The `pages` fixture's body, for other modules' fixtures of the same name."""
    opened = Pages(browser, server, re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name))
    yield opened
    opened.close()


@pytest.fixture
def pages(browser, nnplay, request):
    yield from open_pages(browser, nnplay, request)


def start_class(teacher):
    """Open the teacher's page's Class tab and start a class; its code as shown."""
    teacher.open_tab("class")
    teacher.page.click("#class-open")
    teacher.wait("/^[A-Z2-9]{3}-[A-Z2-9]{3}$/.test(document.querySelector('#class-code')"
                 ".textContent)")
    return teacher.text("#class-code")


def teaching(pages, lr=TEACHER_LR):
    """A teacher's page whose run has learning rate `lr`, with a class started: (page, code)."""
    teacher = pages.new("teacher").open()
    teacher.page.select_option('[data-field="learning_rate"]', str(lr))
    teacher.wait(f"window.nnplayTest.config().learning_rate === {lr} && "
                 "window.nnplayTest.ready()")
    return teacher, start_class(teacher)


def joined(student):
    """Wait until a student's page follows the teacher and has drawn the teacher's frame."""
    student.wait("(() => { const t = window.nnplayTest, h = t.hello(); return h && h.room && "
                 "h.room.mode === 'follow' && t.frameHeader() !== null && t.ready(); })()")


def join(student, url, code=None, name="Ada"):
    """Join through the join page at `url` (the code typed in, when given)."""
    student.page.goto(url)
    student.page.locator("#join").wait_for(state="visible")
    if code is not None:
        student.page.fill("#join-code", code)
    student.page.fill("#join-name", name)
    student.page.click("#join-submit")


def one_follower(pages, nnplay):
    """A teacher's page with a class started, and one student's page following it:
    (teacher, code, student)."""
    teacher = pages.new("teacher").open()
    code = start_class(teacher)
    student = pages.new("student")
    join(student, f"{nnplay.url}join/{code}")
    joined(student)
    return teacher, code, student


def banner(page):
    return page.page.get_attribute("#room-banner", "data-state"), page.text("#room-text")


def teacher_paused_at(teacher):
    """Pause the teacher's run (if it runs) and wait for the paused frame: its step."""
    if teacher.js("window.nnplayTest.session()") == "running":
        teacher.page.click("#play")
    return teacher.wait_frame("h.state === 'paused'")["step"]


def locked(page):
    """Whether every control of the session is disabled and says why."""
    return page.js("""(why) => [...document.querySelectorAll(
        '#play, #step, #reset, #speed-range, [data-field="learning_rate"], [data-dataset="spiral"],'
        + ' #layer-add, .layer-controls button, #task, #regenerate, #draw-toggle')]
        .map((el) => el.disabled && el.title.includes(why))""", FOLLOWING)


# -- joining, following, trying it yourself ------------------------------------------------------
def test_students_join_follow_the_teacher_and_try_it_themselves(pages, nnplay):
    teacher, code = teaching(pages)
    assert teacher.wait("(() => { const i = document.querySelector('#class-qr'); "
                        "return !i.hidden && i.complete && i.naturalWidth > 0; })()")
    assert teacher.text("#class-url") == f"{nnplay.url}join"

    # by the link, by typing the code in lower case without its dash, and a wrong code first
    ada, grace, alan = pages.new("ada"), pages.new("grace"), pages.new("alan")
    join(ada, f"{nnplay.url}join/{code}", name="Ada")
    join(grace, f"{nnplay.url}join", code=code.replace("-", "").lower(), name="Grace")
    wrong = "ZZZ-ZZZ" if code != "ZZZ-ZZZ" else "YYY-YYY"
    alan.expected_errors = [r"Failed to load resource.*(404|409)"]
    join(alan, f"{nnplay.url}join", code=wrong, name="Alan")
    said = httpx.post(f"{nnplay.url}api/rooms/join", json={"code": wrong, "name": "Alan"}).json()
    assert alan.wait("document.querySelector('#join-code-error').textContent") == \
        said["detail"]["message"]
    field, error = alan.box("#join-code"), alan.box("#join-code-error")
    assert 0 <= error["y"] - (field["y"] + field["height"]) < 40  # beside (under) its field
    for student in (ada, grace):
        joined(student)
    # a name taken (in any case) is refused beside the name field
    alan.page.fill("#join-code", code)
    alan.page.fill("#join-name", "ada")
    alan.page.click("#join-submit")
    assert "already called 'ada'" in alan.wait(
        "document.querySelector('#join-name-error').textContent")
    assert alan.text("#join-code-error") == ""
    alan.page.fill("#join-name", "Alan")
    alan.page.click("#join-submit")
    joined(alan)
    students = (ada, grace, alan)
    teacher.wait("document.querySelector('#class-count').textContent === "
                 "'3 students joined · 3 following'")
    for student, name in zip(students, ("Ada", "Grace", "Alan")):
        assert banner(student) == ("follow", f"Following {code} · teacher here")
        assert student.text("#room-who") == f"as {name}"
        assert student.js("window.nnplayTest.config().learning_rate") == TEACHER_LR

    # following: the teacher's frames, up to the teacher's step
    teacher.page.keyboard.press(" ")
    teacher.wait_frame("h.step >= 200")
    step = teacher_paused_at(teacher)
    for student in students:
        assert student.wait_frame(f"h.step === {step} && h.state === 'paused'")["step"] == step
        assert all(locked(student)), locked(student)
    # nothing a student does reaches the teacher's session: keys, and a raw command
    ada.page.keyboard.press(" ")
    assert ada.wait("[...document.querySelectorAll('.toast')].some((t) => "
                    f"t.textContent.includes('{FOLLOWING}'))")
    reply = ada.js("window.nnplayTest.act({type: 'set', config: {learning_rate: 3}})")
    assert reply["type"] == "error" and reply["code"] == "not_yours", reply
    assert teacher.export()["trainer"]["config"]["learning_rate"] == TEACHER_LR
    assert teacher.js("window.nnplayTest.session()") == "paused"

    # Try it yourself: a run of one's own from the teacher's step; the teacher's is untouched
    ada.page.click("#room-fork")
    ada.wait("window.nnplayTest.hello().room.mode === 'fork' && window.nnplayTest.ready()")
    assert ada.wait("document.querySelector('#room-text').textContent.startsWith('Your own')")
    assert banner(ada) == ("fork", f"Your own run (forked at step {step:,})")
    assert not any(locked(ada)) and ada.page.is_visible("#room-follow")
    ada.page.select_option('[data-field="learning_rate"]', "0.3")
    ada.wait("window.nnplayTest.config().learning_rate === 0.3 && window.nnplayTest.ready()")
    ada.page.click("#play")
    ada.wait_frame(f"h.step >= {step + 100}")
    assert teacher.export()["trainer"]["config"]["learning_rate"] == TEACHER_LR
    assert teacher.wait_frame()["step"] == step
    assert grace.wait_frame()["step"] == step  # the others still follow the teacher
    assert grace.js("window.nnplayTest.config().learning_rate") == TEACHER_LR

    # Follow the teacher: the teacher's frames again, and the controls locked again
    ada.page.click("#room-follow")
    ada.wait("window.nnplayTest.hello().room.mode === 'follow' && window.nnplayTest.ready()")
    assert ada.wait_frame(f"h.step === {step}")["step"] == step
    assert banner(ada) == ("follow", f"Following {code} · teacher here")
    assert ada.js("window.nnplayTest.config().learning_rate") == TEACHER_LR
    assert all(locked(ada))

    # the teacher goes on; the shortcuts: y tries it, f follows again
    teacher.page.keyboard.press(" ")
    later = teacher.wait_frame(f"h.step >= {step + 100}")["step"]
    for student in students:
        student.wait_frame(f"h.step >= {later}")
    grace.page.keyboard.press("y")
    grace.wait("window.nnplayTest.hello().room.mode === 'fork' && window.nnplayTest.ready()")
    grace.page.keyboard.press("f")
    grace.wait("window.nnplayTest.hello().room.mode === 'follow' && window.nnplayTest.ready()")
    grace.wait_frame(f"h.step >= {later + 50}")
    teacher.page.click("#class-close")


def test_the_teacher_changes_a_setting_and_followers_see_it(pages, nnplay):
    teacher, code, student = one_follower(pages, nnplay)
    teacher.page.select_option('[data-field="activation"]', "relu")
    teacher.wait("window.nnplayTest.config().activation === 'relu' && window.nnplayTest.ready()")
    student.wait("window.nnplayTest.config().activation === 'relu' && "
                 "window.nnplayTest.network().config.activation === 'relu'")
    assert student.page.input_value('[data-field="activation"]') == "relu"
    teacher.page.click("#class-close")


def test_a_followers_banner_says_when_the_teachers_page_leaves_and_comes_back(pages, nnplay):
    teacher, code, student = one_follower(pages, nnplay)
    assert banner(student) == ("follow", f"Following {code} · teacher here")
    teacher.page.goto("about:blank")  # the teacher's page leaves (its tab keeps its token)
    student.wait(f"document.querySelector('#room-text').textContent === "
                 f"'Following {code} · teacher away'")
    teacher.page.goto(nnplay.url)  # ... and comes back to its run and its class
    student.wait(f"document.querySelector('#room-text').textContent === "
                 f"'Following {code} · teacher here'")
    teacher.wait("window.nnplayTest && window.nnplayTest.ready()")
    teacher.open_tab("class")
    teacher.wait(f"document.querySelector('#class-code').textContent === '{code}'")


def test_followers_walk_the_step_through_with_the_teacher(pages, nnplay):
    teacher, code, student = one_follower(pages, nnplay)
    counter = "document.querySelector('.explain-counter').textContent"
    teacher.page.keyboard.press("e")  # explain a step on the selected point
    teacher.wait(f"{counter}.startsWith('1 /')")
    stages = teacher.text(".explain-counter").split("/")[1].strip()
    student.wait(f"{counter} === '1 / {stages}'")  # the follower's Explain tab opens on it
    assert student.page.is_visible('[data-panel="explain"]')
    assert student.text(".explain-body") == teacher.text(".explain-body")
    for k in (2, 3):
        teacher.page.click(".explain-next")
        student.wait(f"{counter} === '{k} / {stages}'")
    assert student.text(".explain-body") == teacher.text(".explain-body")


def test_a_reload_keeps_the_class_and_closing_it_tells_the_students(pages, nnplay):
    teacher = pages.new("teacher").open()
    code = start_class(teacher)
    students = [pages.new(f"student{i}") for i in range(2)]
    for i, student in enumerate(students):
        join(student, f"{nnplay.url}join/{code}", name=f"S{i}")
        joined(student)
    # a reload: the teacher's page keeps its class, a student's page its place in it
    teacher.page.reload()
    teacher.wait("window.nnplayTest && window.nnplayTest.ready()")
    teacher.open_tab("class")
    teacher.wait(f"document.querySelector('#class-code').textContent === '{code}'")
    teacher.wait("document.querySelector('#class-count').textContent === "
                 "'2 students joined · 2 following'")
    students[0].page.reload()
    joined(students[0])
    assert not students[0].page.is_visible("#join")

    teacher.page.click("#class-close")
    teacher.page.locator("#class-open").wait_for(state="visible")
    for student in students:
        student.wait("document.querySelector('#room-banner').dataset.state === 'closed'")
        state, text = banner(student)
        assert text == f"The teacher closed room {code}: the class is over", text
        student.wait("document.querySelector('#status-text').textContent === 'closed'")
        assert student.js("document.querySelector('#play').disabled")
        assert not student.page.is_visible("#room-fork")
    # a reload of a closed class's page offers to join another
    students[1].page.reload()
    students[1].page.locator("#join").wait_for(state="visible")


# -- the layout at projector sizes --------------------------------------------------------------
CLASS_PARTS = ["#class-qr", "#class-code", "#class-url", "#class-count", "#class-close"]
PARTS_CHECK = """(parts) => {
  const problems = [];
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const panel = box('#class-panel');
  const inside = (b, c) => b.left >= c.left - 0.5 && b.top >= c.top - 0.5 &&
    b.right <= c.right + 0.5 && b.bottom <= c.bottom + 0.5;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  for (const s of parts) {
    const b = box(s);
    if (b.width < 1 || b.height < 1) problems.push(`${s} is not shown`);
    if (!inside(b, panel)) problems.push(`${s} is cut off: ${JSON.stringify(b)}`);
  }
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
    if (overlap(box(parts[i]), box(parts[j]))) problems.push(`${parts[i]} overlaps ${parts[j]}`);
  }
  return problems;
}"""


@pytest.mark.parametrize("mode", ["normal", "present"])
@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_the_class_panel_and_a_students_page_hold_at_projector_sizes(pages, nnplay, width,
                                                                      height, mode):
    teacher = pages.new("teacher", width, height).open("#present=1" if mode == "present" else "")
    code = start_class(teacher)
    teacher.wait("(() => { const i = document.querySelector('#class-qr'); "
                 "return !i.hidden && i.complete && i.naturalWidth > 0; })()")
    assert teacher.page.evaluate(LAYOUT) == []
    assert teacher.js(PARTS_CHECK, CLASS_PARTS) == []
    # the code is the largest text on the page: readable from the back of a room
    sizes = teacher.js("""() => [...document.querySelectorAll('body *')]
        .filter((el) => el.childElementCount === 0 && el.textContent.trim() && el.offsetParent)
        .map((el) => [el.id, parseFloat(getComputedStyle(el).fontSize)])""")
    largest = max(sizes, key=lambda s: s[1])
    assert largest[0] == "class-code" and largest[1] >= height / 12, largest
    student = pages.new("student", width, height)
    join(student, f"{nnplay.url}join/{code}" + ("#present=1" if mode == "present" else ""))
    joined(student)
    assert student.page.evaluate(LAYOUT) == []
    banner_box, view = student.box("#room-banner"), {"width": width, "height": height}
    assert banner_box["x"] >= 0 and banner_box["x"] + banner_box["width"] <= view["width"]
    fork = student.box("#room-fork")
    assert fork["x"] + fork["width"] <= banner_box["x"] + banner_box["width"] + 0.5
    teacher.page.click("#class-close")
