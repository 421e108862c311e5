"""The Code tab's script in the page's language (headless Chromium): its comments are
Russian on a Russian page, Vietnamese once the picker says so (fetched again while the tab is
open), English again after; the note under it is in the language too."""

from tests.languages import english_in, english_vocabulary


def code_text(page):
    return page.js("document.getElementById('code-text').textContent")


def test_the_code_tabs_comments_follow_the_language(page):
    page.open("#lang=ru")
    page.page.keyboard.press(" ")
    page.wait_frame("h.step > 0")
    page.page.keyboard.press(" ")
    page.wait("window.nnplayTest.frame().header.state === 'paused'")
    page.open_tab("code")
    page.page.locator("#code-refresh").click()
    page.wait("document.getElementById('code-text').textContent.includes('собственный код ядра')")
    code = code_text(page)
    assert "import numpy as np" in code and "# -- настройки: что запускал nnplay" in code
    note = page.text("#code-note")
    assert "веса совпадут с весами сеанса" in note
    assert not english_in(note, "ru", english_vocabulary()), note
    steps = code.split("'steps': ")[1].split(",")[0]
    # the code is the same in every language: the Vietnamese script differs only in comments
    page.page.select_option("#language", "vi")
    page.wait("document.getElementById('code-text').textContent.includes('mã lõi của nnplay')")
    assert f"'steps': {steps}," in code_text(page)
    assert "trọng số sẽ khớp đúng" in page.text("#code-note")
    page.page.select_option("#language", "en")
    page.wait("document.getElementById('code-text').textContent"
              ".includes(\"nnplay's own engine code\")")
    assert "run it and its weights equal the session's" in page.text("#code-note")
    assert not page.console_errors, page.console_errors


def test_every_reason_an_export_may_not_replay_is_said_in_each_language(page):
    """Each of the server's notes (app/record.py NOTES) is known to the page by its name
    (code-panel.js noteText) and said in Vietnamese and Russian with its step."""
    from app.record import NOTES

    page.open()
    notes = {name: text.format(step=1234) for name, text in NOTES.items()}
    for lang in ("vi", "ru", "en"):
        shown = page.js("""async ([lang, notes]) => {
            const i18n = await import('/static/js/i18n.js');
            const code = await import('/static/js/code-panel.js');
            await i18n.setLanguage(lang, {remember: false});
            const out = {};
            for (const [name, note] of Object.entries(notes)) {
                out[name] = [code.noteText(note),
                             i18n.t(`files:code.notes.${name}`, {step: '1234'})];
            }
            return out;
        }""", [lang, notes])
        for name, (text, expected) in shown.items():
            digits = text.replace("\u00a0", "").replace("\u202f", "").replace(".", "")
            assert ("1234" in digits.replace(",", "").replace(" ", "")) == (
                "{step}" in NOTES[name]), (lang, name, text)
            if lang == "en":
                continue
            assert text != notes[name], f"{lang}: the note {name!r} is shown in English"
            assert not english_in(text, lang, english_vocabulary()), (lang, name, text)
            assert expected.split("1234")[0] in text, (lang, name, text)
