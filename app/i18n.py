"""The page's languages on the server: the catalogues the page reads (static/i18n, see
static/js/i18n.js), for the HTML the server renders, and the English of what the server names.

The page is rendered in the language its browser last chose (the `nnplay_lang` cookie, which
static/js/i18n.js sets), so a returning Vietnamese or Russian reader sees no English first;
`#lang=` in a link, which only the browser sees, switches the page once it has loaded.

`python -m app.i18n` writes static/i18n/en/server.json: the English of what the server names
(settings, presets, datasets, activations and losses; app/server_strings.py), extracted from the
code that defines them, for translators to translate like any other catalogue.
tests/test_catalogues.py fails when it is stale.
"""

import json
import re
import sys
from functools import cache

from .paths import STATIC_DIR

LANGUAGES = {"en": "English", "vi": "Tiếng Việt", "ru": "Русский"}
NAMESPACES = ("page", "messages", "views", "explain", "classroom", "experiments", "server",
              "files")
COOKIE = "nnplay_lang"
CATALOGUES = STATIC_DIR / "i18n"
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")


def language(request):
    """The language to render `request`'s page in: its cookie's, when nnplay speaks it."""
    lang = request.cookies.get(COOKIE)
    return lang if lang in LANGUAGES else "en"


@cache
def catalogue(lang, namespace):
    """One catalogue as nested dicts (read once)."""
    with open(CATALOGUES / lang / f"{namespace}.json", encoding="utf-8") as f:
        return json.load(f)


def lookup(lang, key):
    """The text of "namespace:dotted.key" (or a key of `page`) in `lang`, else English, else
    None."""
    namespace, _, path = key.rpartition(":")
    for each in (lang, "en") if lang != "en" else ("en",):
        node = catalogue(each, namespace or "page")
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str):
            return node
    return None


def translate(lang, key, **values):
    """`key`'s text in `lang` with its {{values}} put in. A key no catalogue has is an error
    (a test renders every page in every language)."""
    text = lookup(lang, key)
    if text is None:
        raise KeyError(f"no catalogue has the key {key!r} (static/i18n/*/)")
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), text)


def translator(lang):
    """translate() bound to one language, as the templates' `t`."""
    return lambda key, **values: translate(lang, key, **values)


def write_server_catalogue():
    """static/i18n/en/server.json from the code (app/server_strings.py)."""
    from .server_strings import server_strings
    text = json.dumps(server_strings(), ensure_ascii=False, indent=2) + "\n"
    (CATALOGUES / "en" / "server.json").write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    write_server_catalogue()
    sys.stdout.write("wrote static/i18n/en/server.json\n")
