"""The code export in the page's language: `export_code` with `lang` writes the script's
comments in it, and refuses a language it does not have, naming the field, the value and the
languages it has."""

import pytest

from nncore import export


@pytest.mark.command("export_code")
@pytest.mark.parametrize("lang, words", [("en", "as nnplay trained it"),
                                         ("vi", "đúng như nnplay đã huấn luyện"),
                                         ("ru", "так, как её обучил nnplay")])
def test_export_code_writes_the_comments_in_the_language_asked(wire, lang, words):
    wire.call({"type": "step", "n": 5})
    wire.expect("stepped")
    reply = wire.call({"type": "export_code", "lang": lang})
    assert reply["type"] == "code" and reply["steps"] == 5 and reply["exact"] is True
    assert words in reply["code"]
    t = exported = wire.call({"type": "export"})["state"]["trainer"]
    assert exported and t["progress"]["step"] == 5


@pytest.mark.command("export_code")
def test_english_is_the_default(wire):
    assert wire.call({"type": "export_code"})["code"] == \
        wire.call({"type": "export_code", "lang": "en"})["code"]


@pytest.mark.command("export_code")
@pytest.mark.parametrize("lang", ["xx", "EN", "", 3, None])
def test_an_unknown_language_is_refused_clearly(wire, lang):
    reply = wire.call({"type": "export_code", "lang": lang})
    assert reply["type"] == "error" and reply["code"] == "invalid_value"
    assert reply["field"] == "lang" and reply["value"] == lang
    for name in export.LANGUAGES:
        assert name in reply["allowed"]
    assert "lang" in reply["message"]
