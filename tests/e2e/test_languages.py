"""The page in Vietnamese and Russian: no English left in any main state, the language chosen
by a link, by the picker (live, the run going on) or remembered, numbers written the
language's way, and axe-core finding no serious or critical violation in either language.

English is found by its words (tests/languages.py): every text node a reader can see, every
aria-label, title, placeholder, alt and aria-valuetext, the document's title, and every text
drawn on a canvas (recorded by wrapping fillText before the page loads). The page also records
every key it asked for and no catalogue had (static/js/i18n.js `missingKeys`): none may be.
"""

import re

import pytest

from tests.e2e.test_accessibility import audit
from tests.languages import english_in, english_vocabulary

VOCABULARY = english_vocabulary()

# Before the page's own scripts: keep every text drawn on a canvas (cleared by the test).
RECORD_CANVAS = """
window.__canvasText = new Set();
for (const proto of [CanvasRenderingContext2D.prototype,
                     typeof OffscreenCanvasRenderingContext2D !== 'undefined'
                       ? OffscreenCanvasRenderingContext2D.prototype : null]) {
  if (!proto) continue;
  for (const name of ['fillText', 'strokeText']) {
    const original = proto[name];
    proto[name] = function (text, ...rest) {
      window.__canvasText.add(String(text));
      return original.call(this, text, ...rest);
    };
  }
}
"""

# Every text a reader meets: visible text nodes, the attributes read aloud or shown on hover.
READABLE = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style, template, code, pre, .code, [translate=no]')) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (node.textContent.trim()) out.push(node.textContent.trim());
  }
  const attributes = ['aria-label', 'title', 'placeholder', 'alt', 'aria-valuetext',
                      'aria-roledescription'];
  for (const el of document.querySelectorAll(attributes.map((a) => `[${a}]`).join(','))) {
    if (el.closest('[translate=no]')) continue;
    for (const a of attributes) {
      const v = el.getAttribute(a);
      if (v) out.push(v);
    }
  }
  for (const text of window.__canvasText || []) out.push(text);
  return out;
}"""

MISSING = "import('/static/js/i18n.js').then((m) => [...m.missingKeys])"


@pytest.fixture
def at(browser, nnplay):
    """A page at 1280×720 that records canvas text; call with a language."""
    from tests.e2e.conftest import Page

    contexts = []

    def make(lang, hash_=""):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.add_init_script(RECORD_CANVAS)
        contexts.append(context)
        p = Page(context.new_page(), nnplay)
        p.lang = lang
        return p

    yield make
    for context in contexts:
        context.close()


def english_on(p, what):
    """Fail naming every English word the page shows in its state `what`."""
    found = {}
    for text in p.js(READABLE):
        words = english_in(text, p.lang, VOCABULARY)
        if words:
            found[text[:80]] = words
    assert not found, f"{p.lang}, {what}: English on the page: {found}"
    assert p.js(MISSING) == [], f"{p.lang}, {what}: keys no catalogue has"
    assert not p.console_errors, p.console_errors


def settle(p):
    p.wait_frame("h.step > 0")
    p.page.keyboard.press(" ")
    p.wait("window.nnplayTest.frame().header.state === 'paused'")


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_no_english_in_the_pages_main_states(at, lang):
    p = at(lang)
    p.open(f"#lang={lang}")
    assert p.js("document.documentElement.lang") == lang
    english_on(p, "at rest")
    p.page.keyboard.press(" ")
    settle(p)
    english_on(p, "trained and paused")
    tabs = p.js("[...document.querySelectorAll('[role=tab][data-tab]')].map((t) => t.dataset.tab)")
    assert len(tabs) >= 10, tabs
    for tab in tabs:
        p.js("window.__canvasText.clear()")
        p.open_tab(tab)
        english_on(p, f"the {tab} tab")
    p.page.keyboard.press("Escape")
    p.page.keyboard.press("?")
    p.wait("document.querySelector('#shortcuts')?.open")
    english_on(p, "the help")
    p.page.keyboard.press("Escape")
    p.page.keyboard.press("p")
    p.wait("document.body.classList.contains('present')")
    english_on(p, "presentation mode")


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_no_english_in_other_datasets_and_presets(at, lang):
    p = at(lang)
    p.open(f"#lang={lang}&dataset=blobs&n_classes=5&output_activation=softmax&loss=cross_entropy")
    p.page.keyboard.press(" ")
    settle(p)
    english_on(p, "five classes")
    p.js("window.nnplayTest.act({type: 'preset', name: 'digits'})")
    p.wait("document.querySelector('table.confusion td')")
    english_on(p, "the digits")


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_no_english_in_the_class_view_and_a_students_page(at, lang):
    teacher = at(lang)
    teacher.open(f"#lang={lang}")
    teacher.open_tab("class")
    teacher.page.click("#class-open")
    code = teacher.wait("document.querySelector('#class-code')?.textContent.trim() || null")
    english_on(teacher, "the class tab with a room open")
    student = at(lang)
    student.page.goto(f"{student.server.url}join/{code}#lang={lang}")
    student.page.locator("#join-name").wait_for()
    english_on(student, "the join page")
    student.page.fill("#join-name", "Ada")
    student.page.click("#join-submit")
    student.wait("window.nnplayTest && window.nnplayTest.frame() && "
                 "document.querySelector('#room-banner').dataset.state === 'follow'")
    english_on(student, "a student following")
    teacher.page.keyboard.press("c")
    teacher.wait("window.nnplayTest.classView() && "
                 "window.nnplayTest.classView().cards.length === 1")
    english_on(teacher, "the class view")


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_axe_finds_nothing_serious_in_either_language(at, lang):
    p = at(lang)
    p.open(f"#lang={lang}")
    p.page.keyboard.press(" ")
    settle(p)
    audit(p, f"{lang}: trained and paused")
    for tab in ("settings", "explain", "sweep", "class"):
        p.open_tab(tab)
        audit(p, f"{lang}: the {tab} tab")


def test_a_link_chooses_the_language_and_the_page_remembers_it(at):
    p = at("ru")
    p.open("#lang=ru&learning_rate=0.03")
    assert p.js("document.documentElement.lang") == "ru"
    assert "lang=ru" in p.js("location.hash")
    # numbers the Russian way: a decimal comma ("0,693")
    p.page.keyboard.press(" ")
    p.wait_frame("h.step > 0")
    loss = p.wait("(() => { const t = document.querySelector('#train-loss').textContent; "
                  "return t !== '–' && t; })()")
    assert re.fullmatch(r"\d+,\d{3}", loss), loss
    # the next page on this browser opens in Russian, rendered so by the server
    p.page.goto(p.server.url)
    assert 'lang="ru"' in p.page.content()[:200]
    p.page.wait_for_function("window.nnplayTest && window.nnplayTest.ready()")
    assert p.js("document.documentElement.lang") == "ru"


def test_the_picker_switches_live_and_the_run_goes_on(at):
    p = at("en")
    p.open()
    p.page.keyboard.press(" ")
    before = p.wait_frame("h.step > 0")
    p.js("window.__sameDocument = true")  # gone if the page were loaded again
    p.page.select_option("#language", "vi")
    p.wait("document.documentElement.lang === 'vi'")
    p.lang = "vi"
    assert "lang=vi" in p.js("location.hash")
    p.js("window.__canvasText.clear()")  # what was drawn in English before
    p.wait_frame(f"h.step > {before['step'] + 5}")
    assert p.js("window.__sameDocument === true")
    settle(p)
    english_on(p, "switched live")
    p.page.select_option("#language", "en")
    p.wait("document.documentElement.lang === 'en'")
    tabs = "[...document.querySelectorAll('[role=tab][data-tab]')].map((t) => t.textContent)"
    assert p.js(tabs)[0].strip() == "Settings"
