"""The `server` catalogues: en/server.json is what the code names today (app/server_strings.py,
written by `python -m app.i18n`), and Vietnamese and Russian have every key of it with the
same {{values}}."""

import json
import re
from pathlib import Path

import pytest

from app import schema
from app.presets import PRESETS
from app.server_strings import has_words, server_strings
from tests.languages import flatten

CATALOGUES = Path(__file__).resolve().parents[2] / "static" / "i18n"
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)[^}]*\}\}")


def load(lang):
    return json.loads((CATALOGUES / lang / "server.json").read_text(encoding="utf-8"))


def test_english_is_what_the_code_names():
    assert load("en") == server_strings(), (
        "static/i18n/en/server.json is stale: run `python -m app.i18n`")


def test_every_group_and_key_the_page_asks_for():
    english = flatten(server_strings())
    assert set(server_strings()) == {"fields", "choices", "presets", "datasets", "features",
                                     "activations", "losses"}
    body = schema.as_json()
    for f in body["fields"]:
        assert english[f"fields.{f['name']}.label"] == f["label"]
        assert english[f"fields.{f['name']}.help"] == f["help"]
        for c in f["choices"]:
            assert english[f"choices.{f['name']}.{c}"] == c.replace("_", " ")
    assert english["choices.dataset.custom"] == "custom"
    for name, p in PRESETS.items():
        assert english[f"presets.{name}.title"] == p["title"]
        assert english[f"presets.{name}.text"] == p["text"]
        for i, sweep in enumerate(p.get("sweeps") or ()):
            assert english[f"presets.{name}.sweeps.{i}.title"] == sweep["title"]
    for name, d in body["datasets"].items():
        assert english[f"datasets.{name}.description"] == d["description"]
    for name, label in body["features"].items():
        assert english[f"features.{name}"] == label
    for group in ("activations", "losses"):
        for name, facts in body[group].items():
            assert english[f"{group}.{name}.note"] == facts["note"]
            for fact, value in facts.items():
                key = f"{group}.{name}.{fact}"
                worded = fact != "name" and isinstance(value, str) and has_words(value)
                assert (key in english) == worded, key
    # a formula with words is in, pure math is out
    assert "activations.relu.derivative_formula" in english
    assert "activations.tanh.formula" not in english


@pytest.mark.parametrize("lang", ["vi", "ru"])
def test_every_key_is_translated_with_the_same_values(lang):
    english, other = flatten(load("en")), flatten(load(lang))
    assert set(other) == set(english), (
        f"{lang}/server.json lacks {sorted(set(english) - set(other))}, "
        f"has extra {sorted(set(other) - set(english))}")
    for key, text in other.items():
        assert isinstance(text, str) and text.strip(), f"{lang}:{key} is empty"
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), key
