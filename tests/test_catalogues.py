"""The catalogues (static/i18n/<language>/<namespace>.json) are whole: every language has every
namespace and every key, with the same {{values}} and the plural forms its language has; no
text is empty or left in English; every key the code asks for by name exists; and the page is
rendered in the language its browser chose. (That server.json's English is what the code
names today is tests/app/test_server_strings.py's to check.)"""

import re
from pathlib import Path

import pytest

from app import i18n
from tests.languages import (CATALOGUES, LANGUAGES, PLURALS, base_keys, catalogue,
                             english_in, english_vocabulary, flatten, namespaces, placeholders)

ROOT = Path(__file__).resolve().parents[1]
NAMESPACES = namespaces()


def test_every_language_has_every_namespace_the_page_loads():
    js = (ROOT / "static" / "js" / "i18n.js").read_text(encoding="utf-8")
    loaded = re.search(r"export const NAMESPACES = \[([^\]]*)\]", js).group(1)
    assert sorted(re.findall(r'"(\w+)"', loaded)) == NAMESPACES == sorted(i18n.NAMESPACES)
    assert set(i18n.LANGUAGES) == set(LANGUAGES)
    for lang in LANGUAGES:
        assert sorted(p.stem for p in (CATALOGUES / lang).glob("*.json")) == NAMESPACES, lang


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_every_key_is_in_every_language_with_its_values_and_plural_forms(lang, namespace):
    english, other = flatten(catalogue("en", namespace)), flatten(catalogue(lang, namespace))
    en_keys, keys = base_keys(english), base_keys(other)
    where = f"{lang}/{namespace}.json"
    assert not set(en_keys) - set(keys), f"{where} lacks {sorted(set(en_keys) - set(keys))}"
    assert not set(keys) - set(en_keys), (
        f"{where} has keys English has not: {sorted(set(keys) - set(en_keys))}")
    for key, forms in keys.items():
        if en_keys[key]:  # a plural: every form its language has, and no other
            assert forms == PLURALS[lang], (
                f"{where}:{key} has plural forms {sorted(forms)}; {lang} has "
                f"{sorted(PLURALS[lang])}")
        else:
            assert not forms, f"{where}:{key} is plural in {lang} but not in English"
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), f"{where}:{key} is empty"
        base = re.sub(r"_(one|few|many|other)$", "", key)
        english_text = english.get(key) or english.get(f"{base}_other") or english.get(base)
        # {{count}} may be left out of a singular form ("один шаг"); no other value may
        assert placeholders(text) - {"count"} == placeholders(english_text) - {"count"}, (
            f"{where}:{key}: values {sorted(placeholders(text))} where English has "
            f"{sorted(placeholders(english_text))}")


def test_english_plurals_have_one_and_other():
    for ns in NAMESPACES:
        for key, forms in base_keys(flatten(catalogue("en", ns))).items():
            assert not forms or forms == PLURALS["en"], f"en/{ns}:{key} has {sorted(forms)}"


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_no_text_is_left_in_english(lang):
    vocabulary = english_vocabulary()
    left = {}
    for ns in NAMESPACES:
        for key, text in flatten(catalogue(lang, ns)).items():
            words = english_in(re.sub(r"\{\{[^}]*\}\}", " ", text), lang, vocabulary)
            if words:
                left[f"{ns}:{key}"] = words
    assert not left, f"{lang}: English in {len(left)} texts: {dict(list(left.items())[:20])}"


def test_every_key_the_code_names_exists_in_english():
    """Keys written out in full in the modules and templates (built ones are checked in the
    browser, which records every key it could not find)."""
    english = {ns: flatten(catalogue("en", ns)) for ns in NAMESPACES}

    def exists(key):
        ns, _, path = key.rpartition(":")
        flat = english.get(ns or "page", {})
        return path in flat or any(f"{path}_{form}" in flat for form in ("one", "other"))

    sources = [*(ROOT / "static" / "js").glob("*.js"), *(ROOT / "templates").glob("*.html")]
    key = r"(?:\[[\w-]+\])?[\w-]+:[\w.-]+"  # [attribute]namespace:dotted.key
    named = re.compile(rf"""(?:\bt\(|data-i18n=")\s*["']?({key}(?:;{key})*)["']""")
    missing = []
    for source in sources:
        if source.name == "widget.bundle.js":
            continue
        for match in named.finditer(source.read_text(encoding="utf-8")):
            for part in match.group(1).split(";"):
                key = re.sub(r"^\[[\w-]+\]", "", part)
                if not key.endswith(".") and not exists(key):
                    missing.append(f"{source.name}: {key}")
    assert not missing, f"keys no English catalogue has: {missing}"


def test_the_page_renders_in_the_cookies_language(tmp_path):
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    settings = Settings(open_browser=False, data_dir=str(tmp_path), downloads=False, save=False)
    with TestClient(create_app(settings)) as client:
        english = client.get("/").text
        assert '<html lang="en">' in english
        for lang in ("vi", "ru"):
            client.cookies.set("nnplay_lang", lang)
            page = client.get("/").text
            assert f'<html lang="{lang}">' in page
            assert page != english
        client.cookies.set("nnplay_lang", "xx")  # not offered: English, no error
        assert '<html lang="en">' in client.get("/").text
