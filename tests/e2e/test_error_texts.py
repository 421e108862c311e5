"""The server's refusals in the page's language: toasts.js `errorText`, run in the browser.

The replies are the server's own: made here by the code that makes them on the wire (the
schema's checks, the protocol's parser), then handed to the module in a page on the server's
origin, in English, Vietnamese and Russian. In English a refusal reads as it always has (the
server's sentence, with what is allowed when the sentence does not say it); in another language
it names the field by its label, the value as that language writes numbers, and what is
allowed as the schema says it.
"""

import json
from pathlib import Path

import pytest

from app import protocol, schema
from app.limits import LIMITS
from app.replies import ProtocolError, error_reply
from nncore.validation import ArgumentError
from tests.e2e.conftest import Page


CATALOGUES = Path(__file__).resolve().parents[2] / "static" / "i18n"


def label(lang, field):
    """A setting's label in `lang` (the server namespace's, which another part writes)."""
    server = json.loads((CATALOGUES / lang / "server.json").read_text(encoding="utf-8"))
    return server["fields"][field]["label"]


def refusal(call, command="set"):
    """The error reply the server sends for what `call` refuses (session.py's shape)."""
    try:
        call()
    except ProtocolError as e:
        return e.reply
    except ArgumentError as e:
        return error_reply("invalid_value", str(e), e.field, e.value, e.allowed, command, "p1")
    raise AssertionError("nothing was refused")


def too_large():
    """A `play` message larger than the upload limit: refused before it is parsed."""
    padding = "x" * (LIMITS["max_upload_bytes"] + 10)
    return refusal(lambda: protocol.parse('{"type": "play", "pad": "' + padding + '"}'))


REPLIES = {
    "learning_rate": refusal(lambda: schema.validate_changes({"learning_rate": 50})),
    "activation": refusal(lambda: schema.validate_changes({"activation": "bogus"})),
    "hidden_layers": refusal(lambda: schema.validate_changes({"hidden_layers": [3, 500]})),
    "too_large": too_large(),
    "unknown_type": refusal(lambda: protocol.parse('{"type": "dance"}')),
    "steps": refusal(lambda: protocol.parse('{"type": "step", "n": 0}')),
    "locked": error_reply("locked", "learning_rate is locked: the teacher locked it for this "
                          "exercise (locked: Learning rate), so set cannot change it; it opens "
                          "again when the teacher unlocks it", "learning_rate", 0.3,
                          "a setting the teacher has not locked", "set", "p2"),
    "unheard_of": error_reply("no_such_code", "something new went wrong", "type", "play"),
}


def describe(reply):
    """What the page has always shown for a reply (English): the server's sentence, and what
    is allowed when the sentence does not say it."""
    text = reply["message"] or "rejected"
    if reply["allowed"] and reply["allowed"] not in text:
        text += f" (allowed: {reply['allowed']})"
    return text


@pytest.fixture(scope="module")
def units(browser, nnplay):
    """A page on the server's origin, with the page's schema in toasts.js."""
    context = browser.new_context()
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    p = Page(context.new_page(), nnplay)
    p.page.goto(nnplay.url + "healthz")
    p.js("""async () => {
        const toasts = await import('/static/js/toasts.js');
        toasts.useSchema(await (await fetch('/api/schema')).json());
    }""")
    yield p
    context.close()
    assert not p.console_errors, f"console errors: {p.console_errors}"


def texts(units, lang):
    """errorText of every reply in `lang`, and the keys no catalogue had."""
    return units.js("""async ([lang, replies]) => {
        const i18n = await import('/static/js/i18n.js');
        const toasts = await import('/static/js/toasts.js');
        await i18n.setLanguage(lang, {remember: false});
        const out = {};
        for (const [name, reply] of Object.entries(replies)) out[name] = toasts.errorText(reply);
        await i18n.setLanguage('en', {remember: false});
        return {texts: out, missing: [...i18n.missingKeys]};
    }""", [lang, REPLIES])


def test_english_is_the_servers_sentence_as_before(units):
    shown = texts(units, "en")
    assert shown["texts"] == {name: describe(reply) for name, reply in REPLIES.items()}
    assert shown["texts"]["learning_rate"] == (
        "learning_rate=50.0 is out of range; allowed from 1e-05 to 10 "
        "(allowed: a number from 1e-05 to 10)")


def test_vietnamese(units):
    shown = texts(units, "vi")
    t = shown["texts"]
    assert not shown["missing"], shown["missing"]
    # the label, the value and the range as Vietnamese writes them (decimal comma)
    assert t["learning_rate"] == (f"{label('vi', 'learning_rate')} không thể là 50: giá trị "
                                  "cho phép là một số từ 0,00001 đến 10")
    assert t["activation"] == (f"{label('vi', 'activation')} không thể là “bogus”: giá trị cho "
                               "phép là một trong: tuyến tính, sigmoid, tanh, relu hoặc leaky relu")
    assert t["hidden_layers"].startswith(label("vi", "hidden_layers")) and "[3, 500]" in t[
        "hidden_layers"]
    assert "tối đa 8 số nguyên, mỗi số từ 1 đến 128" in t["hidden_layers"]
    assert t["too_large"].startswith("Tin nhắn quá lớn (") and t["too_large"].endswith(
        "tối đa 16 KiB"), t["too_large"]
    assert t["unknown_type"] == "“dance” không phải là lệnh mà máy chủ biết"
    assert t["steps"] == "Số bước không thể là 0: giá trị cho phép là một số ≥ 1"
    assert t["locked"].startswith(f"{label('vi', 'learning_rate')} đã bị khóa: giáo viên khóa "
                                  "nó"), t["locked"]
    # a code no catalogue knows: the server's own sentence, said to be the server's
    assert t["unheard_of"] == "Máy chủ từ chối: something new went wrong"


def test_russian(units):
    shown = texts(units, "ru")
    t = shown["texts"]
    assert not shown["missing"], shown["missing"]
    assert t["learning_rate"] == (f"{label('ru', 'learning_rate')}: недопустимое значение 50. "
                                  "Допустимо: число от 0,00001 до 10")
    assert t["activation"] == (f"{label('ru', 'activation')}: недопустимое значение «bogus». "
                               "Допустимо: одно из: линейная, sigmoid, tanh, relu или leaky relu")
    assert "не длиннее 8 целых чисел, каждое от 1 до 128" in t["hidden_layers"]
    assert t["too_large"].startswith("Сообщение слишком большое (") and t["too_large"].endswith(
        "допустимо не больше 16 КиБ"), t["too_large"]
    assert t["unknown_type"] == "«dance»\u00a0— не команда, известная серверу"
    assert t["steps"] == "Число шагов: недопустимое значение 0. Допустимо: число ≥ 1"
    assert t["locked"].startswith(f"{label('ru', 'learning_rate')}: заблокировано учителем"), t[
        "locked"]
    assert t["unheard_of"] == "Сервер отказал: something new went wrong"


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_a_setting_says_what_the_schema_allows_even_without_the_servers_phrase(units, lang):
    """What is allowed of a setting comes from the page's schema, not the server's English."""
    reply = {**REPLIES["learning_rate"], "allowed": "gibberish the page cannot read"}
    shown = units.js("""async ([lang, reply]) => {
        const i18n = await import('/static/js/i18n.js');
        const toasts = await import('/static/js/toasts.js');
        await i18n.setLanguage(lang, {remember: false});
        const text = toasts.errorText(reply);
        await i18n.setLanguage('en', {remember: false});
        return text;
    }""", [lang, reply])
    assert "0,00001" in shown and "10" in shown and "gibberish" not in shown, shown


# Every code the server refuses with (app/, `ProtocolError(`, `error_reply(`, RoomError,
# SweepError, PinError), with the field and what is allowed as the server sends them.
CODES = [
    ("bad_json", "message", "{", 'a JSON object like {"type": "play"}'),
    ("bad_message", "message", [1], 'a JSON object like {"type": "play"}'),
    ("binary_not_allowed", "message", "<12 bytes>", "a JSON text message"),
    ("rate_limited", "message", None, "at most 50 messages per second"),
    ("illegal_state", "type", "step", "a command legal in state diverged"),
    ("illegal_state", "type", "fork", "fork while following"),
    ("illegal_state", "type", "follow", "follow while on a session of your own"),
    ("illegal_state", "student", "ab12", "a student on a session of their own"),
    ("illegal_state", "dataset", "mnist", "a dataset this session is downloading"),
    ("limit", "x", [0.5, 0.5], "at most 2000 points"),
    ("missing_data", "dataset", "mnist", "a dataset whose files are on this server"),
    ("not_yours", "type", "set", "while following: follow, fork, explain"),
    ("teacher_away", "type", "fork", "once the teacher's session is open"),
    ("student_away", "student", "ab12", "a connected student"),
    ("no_student", "student", "ab12", "the id of a student in the room"),
    ("no_own_session", "resume", True, "resume: true once you have forked"),
    ("too_many_sessions", "session", None, "at most 20 sessions on this server"),
    ("too_many_sessions", "session", None, None),
    ("no_workers", "session", None, "a cluster with a worker that answers"),
    ("not_in_room", "type", "fork", "a connection opened with ?student="),
    ("not_teacher", "teacher", "<a token>", "the newest teacher_token POST /api/rooms gave"),
    ("forbidden_host", "host", "evil.example", None),
    ("forbidden_origin", "origin", "http://evil.example", None),
    ("local_only", "client", "10.0.0.2", None),
    ("room_closed", "student", "<a token>", "the token of a student in an open room"),
    ("removed", "student", "<a token>", "a student in the room"),
    ("unknown_student", "student", "<a token>", "the token of a student in an open room"),
    ("no_room", "code", "ABC-123", "a code of an open room"),
    ("room_full", "room", 30, "at most 30 students (--room-size)"),
    ("name_taken", "name", "An", "a name no one in the room has"),
    ("too_many_rooms", "rooms", 10, "at most 10 rooms (NNPLAY_MAX_ROOMS)"),
    ("too_many_attempts", "code", None, "at most 10 wrong codes a minute"),
    ("no_session", "token", "<a token>", "the resume token of an open session"),
    ("qr_unavailable", "server", "segno", "segno installed"),
    ("sweep_running", "token", None, "one running sweep per page"),
    ("too_many_sweeps", "sweeps", 2, "at most 2 sweeps running at once"),
    ("no_sweep", "id", None, "the id a started sweep gave"),
    ("no_pins", "tokens", [], "1 to 6 runs"),
    ("too_many_pins", "tokens", 7, "at most 6 runs"),
    ("unknown_run", "tokens[0]", "<a token>", "the token of a run this page made"),
    ("invalid_value", "target", 1.5, "a number in (0, 1]"),
    ("invalid_value", "stage", 9, "0 to 4"),
    ("invalid_value", "x", "<3 values>", "a list of 2 numbers"),
    ("invalid_value", "nesterov", "yes", "true or false"),
    ("invalid_value", "n_classes", 20, "a whole number from 2 to 8"),
    ("invalid_value", "config.learning_rate", 20, "live settings only: learning_rate"),
    ("invalid_value", "steps_per_second", None, "this field is required"),
    ("invalid_value", "bogus", 1, "no such field (see docs/protocol.md)"),
    ("locked", "features", ["x1"], "a setting the teacher has not locked"),
    ("too_large", "state", 20_000_000, "a run that saves to at most 14000000 bytes"),
    ("too_large", "body", 70_000, "at most 65536 bytes"),
]


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_every_code_the_server_sends_has_its_sentence(units, lang):
    replies = [error_reply(code, f"the server's English for {code}", field, value, allowed,
                           "set", "p3") for code, field, value, allowed in CODES]
    shown = units.js("""async ([lang, replies]) => {
        const i18n = await import('/static/js/i18n.js');
        const toasts = await import('/static/js/toasts.js');
        await i18n.setLanguage(lang, {remember: false});
        const texts = replies.map((reply) => toasts.errorText(reply));
        await i18n.setLanguage('en', {remember: false});
        return {texts, missing: [...i18n.missingKeys]};
    }""", [lang, replies])
    assert not shown["missing"], shown["missing"]
    for (code, *_), text in zip(CODES, shown["texts"]):
        assert text and "the server's English" not in text and "{{" not in text, (code, text)
        assert not any(word in text for word in ("allowed", "undefined", "null", "NaN")), (
            code, text)
