"""The exported script in Vietnamese and Russian: its comments and docstrings change, its code
does not. It trains to the very weights the English one does, every text of the catalogues
(nncore/locale/script.<language>.json) is in every language with the same {format} fields, and
an unknown language is refused by name."""

import ast
import io
import json
import shutil
import string
import subprocess
import sys
import tokenize

import numpy as np
import pytest

from nncore import Trainer, export
from nncore.validation import ArgumentError

from .test_export import CONFIGS, ROOT, assert_same_parameters, run_with_changes
from tests.languages import flatten

LOCALE = ROOT / "nncore" / "locale"
OTHERS = ("vi", "ru")


def catalogue(language):
    return json.loads((LOCALE / f"script.{language}.json").read_text(encoding="utf-8"))


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def without_docstrings(code):
    """The script's syntax tree with its docstrings taken out (comments are not in it)."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                node.body[0] = ast.Pass()
    return ast.dump(tree)


def docstring_lines(code):
    lines = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                lines.update(range(first.lineno, first.end_lineno + 1))
    return lines


def code_lines(code):
    """Each line's code without its comment, the comment-only and docstring lines left out."""
    skip = docstring_lines(code)
    lines = code.split("\n")
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            lines[row - 1] = lines[row - 1][:col].rstrip()
    return [line for n, line in enumerate(lines, start=1) if line.strip() and n not in skip]


SOME = ["default", "spiral-adam-dropout-bn", "blobs-rmsprop-l1-l2", "regression-nesterov",
        "tutorial-full-batch", "perceptron"]


def test_english_is_the_default_and_the_catalogue_is_its_text():
    t, schedule = run_with_changes(CONFIGS["spiral-adam-dropout-bn"], steps=(3, 2))
    code = export.script(t, schedule)
    assert export.script(t, schedule, language="en") == code
    assert code.startswith('#!/usr/bin/env python3\n"""A 3-8-6-1 network on the spiral dataset, '
                           "as nnplay trained it.\n\nStandalone: it needs NumPy only.")
    assert "# -- settings: what nnplay ran ---" in code
    assert "SCHEDULE = [" in code and "# (step, what, values)\n" in code


@pytest.mark.parametrize("language", ["xx", "EN", "", None, "english"])
def test_an_unknown_language_is_refused_naming_field_value_and_allowed(language):
    with pytest.raises(ArgumentError) as caught:
        export.script(Trainer(), language=language)
    e = caught.value
    assert e.field == "language" and e.value == language
    assert e.allowed == "one of: en, ru, vi"
    assert "language=" in str(e) and "en, ru, vi" in str(e)


@pytest.mark.parametrize("config", SOME)
@pytest.mark.parametrize("language", OTHERS)
def test_only_comments_and_docstrings_change(config, language):
    t, schedule = run_with_changes(CONFIGS[config], steps=(3, 2))
    english = export.script(t, schedule)
    other = export.script(t, schedule, language=language)
    assert other != english
    assert without_docstrings(other) == without_docstrings(english)
    assert code_lines(other) == code_lines(english)  # line for line, the code is the same
    english_comments = comments(english)
    translated = comments(other)
    assert len(translated) >= len(english_comments)  # a long one may move above its line
    # what the catalogue translates is translated (a formula the same in both may stay)
    en, own = catalogue("en")["code"], catalogue(language)["code"]
    for key, text in en["comments"].items():
        if text in english_comments and own["comments"][key] != text:
            assert text not in translated, (language, key)
    docs = docstrings(other)
    for key, text in en["docstrings"].items():
        if text in docstrings(english) and own["docstrings"][key] != text:
            assert text not in docs and own["docstrings"][key] in docs, (language, key)


def comments(code):
    return [t.string[1:].strip() for t in tokenize.generate_tokens(io.StringIO(code).readline)
            if t.type == tokenize.COMMENT]


def docstrings(code):
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)):
            doc = ast.get_docstring(node)
            if doc is not None:
                found.append(doc)
    return found


@pytest.mark.parametrize("config", ["default", "spiral-adam-dropout-bn"])
def test_every_language_runs_to_the_same_weights(config, tmp_path):
    t, schedule = run_with_changes(CONFIGS[config])
    outputs = {}
    for language in ("en", *OTHERS):
        path = tmp_path / f"run_{language}.py"
        path.write_text(export.script(t, schedule, language=language), encoding="utf-8")
        weights = tmp_path / f"w_{language}.npz"
        done = subprocess.run([sys.executable, "-I", str(path), str(weights)],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path,
                              encoding="utf-8")
        assert done.returncode == 0, (language, done.stderr)
        outputs[language] = done.stdout.replace(str(weights), "WEIGHTS")
        with np.load(weights) as saved:
            assert_same_parameters(t, {name: saved[name] for name in saved.files})
    assert outputs["vi"] == outputs["ru"] == outputs["en"]  # what it prints is code: the same


def test_the_translated_scripts_pass_the_projects_linter(tmp_path):
    ruff = shutil.which("ruff")
    assert ruff, "ruff is part of the test extra: pip install -e '.[test]'"
    for language in OTHERS:
        for name in SOME:
            t, schedule = run_with_changes(CONFIGS[name], steps=(3, 2))
            path = tmp_path / f"{name}_{language}.py"
            path.write_text(export.script(t, schedule, language=language), encoding="utf-8")
    done = subprocess.run([ruff, "check", "--no-cache", "--config",
                           str(ROOT / "pyproject.toml"), str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_text_is_in_every_language_with_the_same_format_fields():
    english = flatten(catalogue("en"))
    assert sorted(export.LANGUAGES) == sorted(
        p.name.split(".")[1] for p in LOCALE.glob("script.*.json"))
    for language in OTHERS:
        other = flatten(catalogue(language))
        assert set(other) == set(english), (
            language, sorted(set(english) ^ set(other)))
        for key, text in other.items():
            assert isinstance(text, str) and text.strip(), (language, key)
            assert fields(text) == fields(english[key]), (
                f"script.{language}.json:{key} has fields {sorted(fields(text))}; English "
                f"has {sorted(fields(english[key]))}")
            if key.startswith("code."):  # put into the source as it is
                assert '"""' not in text and "\\" not in text, (language, key)
                assert not text.startswith(" ") and not text.endswith(" "), (language, key)


def test_the_engine_texts_the_catalogue_matches_are_the_engines():
    """A docstring or comment the engine no longer has would never be matched: the catalogue
    is kept to the engine's source."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "nncore").glob("*.py"))
    code = catalogue("en")["code"]
    for key, text in {**code["docstrings"], **code["comments"]}.items():
        for line in text.split("\n"):
            assert line.strip() in source, (key, line)


def test_the_locale_files_ship_with_nncore():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"nncore" = ["locale/*.json"]' in pyproject


def test_the_script_is_built_in_the_page_language_when_read_as_text():
    """Non-ASCII comments are UTF-8: Python reads its source as UTF-8 by default."""
    code = export.script(Trainer(), language="ru")
    assert "обучение" in code
    compile(code.encode("utf-8"), "run.py", "exec")



@pytest.mark.parametrize("language", OTHERS)
def test_a_script_that_reads_mnist_from_files_is_translated_too(language, tmp_path):
    from tests import idx

    from .test_mnist import MNIST_PRESET

    folder = idx.write_folder(tmp_path / "mnist")
    tr = Trainer(folders={"mnist": folder}, **{**MNIST_PRESET, "hidden_layers": (4,),
                                               "batch_size": 16})
    tr.step(5)
    english, other = export.script(tr), export.script(tr, language=language)
    assert without_docstrings(other) == without_docstrings(english)
    assert code_lines(other) == code_lines(english)
    assert "read from its four IDX" in english and "read from its four IDX" not in other
    path = tmp_path / "run.py"
    path.write_text(other, encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(path), str(tmp_path / "w.npz")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with np.load(tmp_path / "w.npz") as saved:
        assert_same_parameters(tr, {name: saved[name] for name in saved.files})
