"""The teacher's view of the class in the page (issue 12), in real headless Chromium: a
teacher's page and students' pages in one browser; the teacher opens the class view (c), sees
a card per student (names as text, thumbnails of their own runs drawn, steps moving), sorts
them, shows a student's run to the room (the spotlight) and ends it, pushes their settings to
every own run, locks a control, resets a run and removes a student. And the view's layout with
about twenty students at projector sizes.

As everywhere in tests/e2e, pages are driven by clicks and keys and observed through the DOM
and window.nnplayTest (docs/testing.md: `classView()`); tests wait for conditions, never for
time.
"""

import asyncio
import threading

import httpx
import pytest

from tests.e2e.client import Client
from tests.e2e.test_classroom_page import join, joined, open_pages, start_class, teaching

TEACHER_LR = 0.1
NAME = "<b>x</b>"  # a name that would be markup if it were ever written as HTML


@pytest.fixture
def pages(browser, nnplay, request):
    yield from open_pages(browser, nnplay, request)


def view(page):
    return page.js("window.nnplayTest.classView()")


def card_of(page, name):
    """The card of the student called `name`, as classView() gives it."""
    return next(c for c in view(page)["cards"] if c["name"] == name)


def card(name):
    """A selector of the card of the student called `name` (names here are distinct)."""
    return f".cv-card:has(.cv-name:text-is({name!r}))"


PAINTED = """(id) => {
  const canvas = document.querySelector(`.cv-card[data-student="${id}"] canvas.cv-thumb`);
  if (!canvas || canvas.hidden || canvas.getBoundingClientRect().width < 20) return 0;
  const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const colours = new Set();
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] !== 255) return 0;
    colours.add(`${px[i]},${px[i + 1]},${px[i + 2]}`);
  }
  return colours.size;
}"""


def fork(student, key=False):
    """Try it yourself (the button, or the key y) and wait for one's own run."""
    if key:
        student.page.keyboard.press("y")
    else:
        student.page.click("#room-fork")
    student.wait("window.nnplayTest.hello().room.mode === 'fork' && window.nnplayTest.ready()")


def test_the_teacher_sees_the_class_spotlights_pushes_locks_and_removes(pages, nnplay):
    teacher, code = teaching(pages, TEACHER_LR)
    # Alan joins first and follows; then two students who try it themselves
    alan, x, grace = pages.new("alan"), pages.new("x"), pages.new("grace")
    join(alan, f"{nnplay.url}join/{code}", name="Alan")
    joined(alan)
    join(x, f"{nnplay.url}join/{code}", name=NAME)
    joined(x)
    grace.page.goto(f"{nnplay.url}join/{code}")
    grace.page.locator("#join").wait_for(state="visible")
    grace.page.fill("#join-name", "Grace")
    grace.page.check("#join-show-name")  # she allows her name on the projector
    grace.page.click("#join-submit")
    joined(grace)
    fork(x)
    fork(grace, key=True)
    x.page.select_option('[data-field="learning_rate"]', "0.3")
    x.wait("window.nnplayTest.config().learning_rate === 0.3 && window.nnplayTest.ready()")
    for student in (x, grace):
        student.page.keyboard.press(" ")
        student.wait_frame("h.step >= 20")

    # the class view: a card each, names as text, the own runs' thumbnails drawn
    teacher.page.keyboard.press("c")
    teacher.page.locator("#class-view").wait_for(state="visible")
    teacher.wait("(() => { const v = window.nnplayTest.classView(); return v.open && "
                 "v.cards.length === 3 && v.cards.filter((c) => c.drawn).length === 2; })()")
    shown = view(teacher)
    assert [c["name"] for c in shown["cards"]] == ["Alan", NAME, "Grace"]  # by time joined
    assert [c["mode"] for c in shown["cards"]] == ["follow", "own", "own"]
    assert teacher.count("#cv-grid b") == 0
    assert teacher.page.locator(card(NAME)).locator(".cv-name").inner_text() == NAME
    assert "following" in teacher.page.locator(card("Alan")).inner_text()
    ids = {c["name"]: c["id"] for c in shown["cards"]}
    for name in (NAME, "Grace"):
        assert teacher.wait(PAINTED, ids[name]) >= 2, name  # a map, not a blank square
    assert card_of(teacher, NAME)["diff"] == "lr 0.1 → 0.3"
    assert card_of(teacher, "Grace")["diff"] == ""
    # steps move, once a second
    before = card_of(teacher, "Grace")["step"]
    teacher.wait(f"window.nnplayTest.classView().cards.find((c) => c.name === 'Grace').step "
                 f"> {before}")

    # sorted by accuracy: the follower (no accuracy) goes last; the order is remembered
    teacher.page.select_option("#cv-sort", "score")
    teacher.wait("window.nnplayTest.classView().sort === 'score'")
    order = [c["name"] for c in view(teacher)["cards"]]
    assert order[-1] == "Alan" and set(order[:2]) == {NAME, "Grace"}, order
    boxes = {n: teacher.box(card(n)) for n in (NAME, "Grace", "Alan")}
    assert (boxes["Alan"]["y"], boxes["Alan"]["x"]) > max((b["y"], b["x"]) for n, b in
                                                          boxes.items() if n != "Alan")
    scores = [c["score"] for c in view(teacher)["cards"][:2]]
    assert scores == sorted(scores, reverse=True) or scores[0] == scores[1]

    # the spotlight: a click on Grace's card shows her run to the room, her name with it
    teacher.page.check("#cv-show-names")
    teacher.page.click(card("Grace"))
    spot = teacher.wait("(() => { const s = window.nnplayTest.classView().spotlight; "
                        "return s && s.frame && s.frame.step > 0 && s; })()")
    assert spot["student"] == ids["Grace"] and spot["name"] == "Grace"
    assert teacher.text("#cv-spot-name") == "On the projector: Grace's run"
    assert teacher.page.is_visible("#cv-spot-end")
    grace_step = grace.frame_header()["step"]
    teacher.wait(f"window.nnplayTest.classView().spotlight.frame.step >= {grace_step}")
    alan.wait(f"(() => {{ const h = window.nnplayTest.hello(); return h.room.spotlight && "
              f"h.room.spotlight.student === '{ids['Grace']}'; }})()")
    alan.wait_frame(f"h.step >= {grace_step}")  # Grace's run, not the teacher's (at step 0)
    assert alan.text("#room-text") == f"Showing Grace's run · {code}"
    assert teacher.frame_header()["step"] == 0  # the teacher's own run is untouched
    # Enter on a card (without names this time): a student who did not allow it is anonymous
    teacher.page.uncheck("#cv-show-names")
    teacher.page.focus(card(NAME))
    teacher.page.keyboard.press("Enter")
    teacher.wait(f"window.nnplayTest.classView().spotlight.student === '{ids[NAME]}'")
    assert view(teacher)["spotlight"]["name"] == "a student"
    alan.wait("window.nnplayTest.config().learning_rate === 0.3")  # x's run: lr 0.3
    # End spotlight, from the Class tab with the view closed: everyone sees the teacher's run
    teacher.page.keyboard.press("c")
    teacher.page.locator("#class-spot-end").wait_for(state="visible")
    assert "a student's run" in teacher.page.get_attribute("#class-spot-end", "title")
    teacher.page.click("#class-spot-end")
    teacher.wait("window.nnplayTest.classView().spotlight === null")
    assert not teacher.page.is_visible("#class-spot-end")
    teacher.page.keyboard.press("c")
    teacher.wait("window.nnplayTest.classView().open")
    assert not teacher.page.is_visible("#cv-spotlight")
    alan.wait("window.nnplayTest.hello().room.spotlight === null && "
              f"window.nnplayTest.config().learning_rate === {TEACHER_LR}")
    alan.wait(f"document.querySelector('#room-text').textContent === "
              f"'Following {code} · teacher here'")

    # Push my settings: the teacher sets learning rate 3 in their own toolbar, and pushes
    teacher.page.select_option('[data-field="learning_rate"]', "3.0")
    teacher.wait("window.nnplayTest.config().learning_rate === 3")
    teacher.page.click("#cv-push")
    for student in (x, grace):
        student.wait("window.nnplayTest.config().learning_rate === 3")
        assert student.page.input_value('[data-field="learning_rate"]') == "3.0"
    teacher.wait("document.querySelector('#cv-result').textContent.includes('2 took it')")
    notes = {c["name"]: c["note"] for c in view(teacher)["cards"]}
    assert notes == {NAME: "took it", "Grace": "took it", "Alan": "following you: not pushed"}
    assert alan.js("window.nnplayTest.config().learning_rate") == 3  # the teacher's own run

    # Lock: learning rate, from the view; the students' control is disabled and says why
    teacher.page.click("#cv-lock summary")
    teacher.page.check('#cv-lock-keys input[value="learning_rate"]')
    teacher.page.click("#cv-lock-apply")
    teacher.wait("document.querySelector('#cv-locked').textContent === 'Locked: Learning rate'")
    assert view(teacher)["locked"] == ["learning_rate"]
    for student in (x, grace):
        student.wait("document.querySelector('[data-field=\"learning_rate\"]').disabled")
        assert "teacher locked" in student.page.get_attribute('[data-field="learning_rate"]',
                                                               "title")
        assert not student.js("document.querySelector('[data-field=\"activation\"]').disabled")
    reply = x.js("window.nnplayTest.act({type: 'set', config: {learning_rate: 1}})")
    assert reply["code"] == "locked", reply
    teacher.page.click("#cv-lock summary")
    teacher.page.click("#cv-unlock")
    teacher.wait("document.querySelector('#cv-locked').textContent === ''")
    x.wait("!document.querySelector('[data-field=\"learning_rate\"]').disabled")

    # Reset: Grace's run starts again from the teacher's
    teacher.page.hover(card("Grace"))
    teacher.page.locator(card("Grace")).locator(".cv-reset").click()
    teacher.wait("window.nnplayTest.classView().cards.find((c) => c.name === 'Grace').note"
                 ".startsWith('reset to step')")
    grace.wait_frame("h.step === 0")

    # Remove, after a confirmation: Alan's page is closed with the server's word
    teacher.page.hover(card("Alan"))
    teacher.page.locator(card("Alan")).locator(".cv-remove").click()
    assert "Remove Alan from the class?" in teacher.text("#cv-confirm-text")
    teacher.page.click("#cv-confirm-yes")
    alan.wait("document.querySelector('#room-banner').dataset.state === 'closed'")
    assert alan.text("#room-text") == f"The teacher removed you from room {code}"
    alan.wait("document.querySelector('#status-text').textContent === 'closed'")
    teacher.wait("window.nnplayTest.classView().cards.length === 2")

    # Esc: back to the teacher's own run
    teacher.page.keyboard.press("Escape")
    teacher.wait("!window.nnplayTest.classView().open")
    assert not teacher.page.is_visible("#class-view")
    teacher.page.click("#class-close")


# -- the layout with a class of twenty ----------------------------------------------------------
class RemoteClass:
    """Students who join a class from this process (the protocol's client, no page), for as
    long as the `with` lasts: each follows, the first `own` of them try it themselves, make
    `changes(i)` (a config, or None) and train at `speed`; the last `away` only join (no
    connection). Their messages are read and dropped in a thread of their own."""

    def __init__(self, url, code, names, own, speed=20, changes=None, away=0):
        self.url, self.code, self.names, self.own, self.speed = url, code, names, own, speed
        self.changes, self.away = changes or (lambda i: None), away
        self.ready = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.join(), self.loop).result(timeout=120)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.leave(), self.loop).result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()

    async def join(self):
        self.clients, self.readers = [], []
        async with httpx.AsyncClient() as http:
            for i, name in enumerate(self.names):
                body = (await http.post(f"{self.url}api/rooms/join", json={
                    "code": self.code, "name": name, "show_name": i % 2 == 0})).json()
                if i >= len(self.names) - self.away:
                    continue
                ws = self.url.replace("http://", "ws://") + "ws"
                client = await Client.open(f"{ws}?student={body['student_token']}")
                await client.call({"type": "fps", "fps": 2})
                if i < self.own:
                    await client.call({"type": "fork"})
                    await client.call({"type": "fps", "fps": 2})
                    if self.changes(i):
                        await client.call({"type": "set", "config": self.changes(i)})
                    await client.call({"type": "speed", "steps_per_second": self.speed})
                    await client.call({"type": "play"})
                self.clients.append(client)
                self.readers.append(asyncio.ensure_future(self.drain(client)))

    async def drain(self, client):
        try:
            while True:
                await client.ws.recv()
        except Exception:  # the connection ended: nothing more to read
            return

    async def leave(self):
        for reader in self.readers:
            reader.cancel()
        for client in self.clients:
            await client.close()


NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Claude", "Radia",
         "Ken", "Frances", "John", "Shafi", "Tim", "Katherine", "Dennis", "Annie", "Niklaus",
         "Sophie", "Linus, whose name is too long for a card"]

VIEW_CHECK = """(smallest) => {
  const problems = [];
  const box = (el) => el.getBoundingClientRect();
  const view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const inside = (b, c) => b.left >= c.left - 0.5 && b.top >= c.top - 0.5 &&
    b.right <= c.right + 0.5 && b.bottom <= c.bottom + 0.5;
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const se = document.scrollingElement;
  if (se.scrollHeight > innerHeight + 0.5 || se.scrollWidth > innerWidth + 0.5) {
    problems.push('the document scrolls');
  }
  const cv = document.querySelector('#class-view');
  if (!inside(box(cv), view)) problems.push('the view is off screen');
  const bar = [...document.querySelectorAll('.cv-bar > *')].filter((el) => box(el).width > 0);
  const name = (el) => el.id || el.className;
  for (const el of bar) if (!inside(box(el), view)) problems.push(`${name(el)} is off screen`);
  for (let i = 0; i < bar.length; i++) for (let j = i + 1; j < bar.length; j++) {
    const [a, b] = [bar[i], bar[j]];
    if (overlap(box(a), box(b))) problems.push(`${name(a)} overlaps ${name(b)}`);
  }
  const grid = document.querySelector('#cv-grid');
  const cards = [...grid.querySelectorAll('.cv-card')];
  for (const c of cards) {
    if (!inside(box(c), box(grid))) problems.push(`a card is outside the grid: ${c.title}`);
    for (const part of c.querySelectorAll('.cv-name, .cv-score, .cv-thumb, .cv-placeholder')) {
      if (box(part).width > 0 && !inside(box(part), box(c))) {
        problems.push(`${part.className} spills out of ${c.title}`);
      }
    }
  }
  for (let i = 0; i < cards.length; i++) for (let j = i + 1; j < cards.length; j++) {
    if (overlap(box(cards[i]), box(cards[j]))) problems.push('two cards overlap');
  }
  if (grid.scrollHeight > grid.clientHeight + 0.5) problems.push('the grid scrolls');
  const type = parseFloat(getComputedStyle(cards[0].querySelector('.cv-name')).fontSize);
  if (type < smallest) problems.push(`names in ${type}px type`);
  return problems;
}"""


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_the_class_view_holds_twenty_students_at_projector_sizes(pages, nnplay, width, height):
    teacher = pages.new("teacher", width, height).open()
    code = start_class(teacher)
    with RemoteClass(nnplay.url, code, NAMES, own=12):
        teacher.page.click("#class-show")
        teacher.wait("(() => { const v = window.nnplayTest.classView(); return v.cards.length "
                     "=== 20 && v.cards.filter((c) => c.drawn).length === 12; })()")
        assert teacher.js(VIEW_CHECK, 14) == []
        # nothing moves as messages come: each card's box stays as it was
        boxes = teacher.js("[...document.querySelectorAll('.cv-card')].map((c) => "
                           "JSON.stringify(c.getBoundingClientRect()))")
        seq = teacher.js("window.nnplayTest.classView().cards.map((c) => c.step).join()")
        teacher.wait(f"window.nnplayTest.classView().cards.map((c) => c.step).join() !== "
                     f"'{seq}'")
        assert teacher.js("[...document.querySelectorAll('.cv-card')].map((c) => "
                          "JSON.stringify(c.getBoundingClientRect()))") == boxes
        # the sort is remembered across a reload
        teacher.page.select_option("#cv-sort", "score")
        teacher.page.reload()
        teacher.wait("window.nnplayTest && window.nnplayTest.ready()")
        teacher.wait("document.body.dataset.mode === 'teacher' && "
                     "window.nnplayTest.classView() !== null")
        teacher.wait("document.querySelector('[data-tab=\"class\"]').classList.contains('live')")
        teacher.page.keyboard.press("c")
        teacher.wait("window.nnplayTest.classView().cards.length === 20")
        assert teacher.page.input_value("#cv-sort") == "score"
        assert teacher.js(VIEW_CHECK, 14) == []
        teacher.page.keyboard.press("c")
        teacher.page.click('[role=tab][data-tab="class"]')
        teacher.page.click("#class-close")


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080)])
def test_a_class_of_sixty_fits_the_screen(pages, nnplay, width, height):
    """Sixty students (joined, not connected: their cards are the class's all the same) fit
    without scrolling, in type that stays readable."""
    teacher = pages.new("teacher", width, height).open()
    code = start_class(teacher)
    with httpx.Client() as http:
        for i in range(60):
            assert http.post(f"{nnplay.url}api/rooms/join",
                             json={"code": code, "name": f"Student {i}"}).status_code == 200
    teacher.page.click("#class-show")
    teacher.wait("window.nnplayTest.classView().cards.length === 60")
    assert teacher.js(VIEW_CHECK, 11 if height < 1000 else 13) == []
    teacher.page.keyboard.press("Escape")
    teacher.page.click("#class-close")


def test_the_class_view_runs_under_the_pages_policy(browser, nnplay):
    """The class view under the page's real Content-Security-Policy (the other tests bypass it,
    tests/e2e/browser.py): cards, thumbnails, the card size and order set in code (through the
    CSSOM), the spotlight: nothing is blocked. Waits poll with `evaluate`, which the policy
    does not govern."""
    from tests.e2e.test_csp import RECORD_VIOLATIONS, wait

    context = browser._browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(nnplay.url)
        wait(page, "window.nnplayTest && window.nnplayTest.ready()")
        page.click('[role=tab][data-tab="class"]')
        page.click("#class-open")
        wait(page, "document.querySelector('#class-code').textContent.length === 7")
        with RemoteClass(nnplay.url, page.inner_text("#class-code"), ["Ada", "Grace"], own=1):
            page.keyboard.press("c")
            wait(page, "window.nnplayTest.classView().cards.filter((c) => c.drawn).length === 1",
                 timeout=60)
            page.click(".cv-card[data-mode='own']")
            wait(page, "window.nnplayTest.classView().spotlight?.frame", timeout=60)
            page.select_option("#cv-sort", "score")
            page.click("#cv-spot-end")
            wait(page, "window.nnplayTest.classView().spotlight === null", timeout=60)
        assert page.evaluate("() => window.__violations") == [] and errors == []
        page.keyboard.press("c")
        page.click("#class-close")
    finally:
        context.close()
