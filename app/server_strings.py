"""The English of everything the server names for the page, as one nested dict: the source of
static/i18n/en/server.json (`python -m app.i18n` writes it; translators translate it like any
other catalogue, and the page and templates read it as the `server` namespace).

Read from the code that defines each text, so the catalogue cannot drift from it. The groups,
each keyed as the page asks for it (`server:<group>.…`):

- `fields.<field>.label`, `fields.<field>.help`: every hyperparameter of app/schema.py FIELDS
  (GET /api/schema `fields[].label`/`help`; the settings panel, sweeps, the classroom view).
- `choices.<field>.<value>`: the display text of every value of every choice and choice-list
  field, as the page shows it (the value with "_" as a space: "leaky_relu" → "leaky relu"),
  including the values nncore allows beyond the schema's narrowing (the dataset "custom").
- `presets.<id>.title`, `presets.<id>.text`, `presets.<id>.sweeps.<index>.title`:
  app/presets.py (GET /api/presets; the preset menus, the lesson card, the Sweep tab's
  suggestions). A preset's other entries are configuration, not text.
- `datasets.<name>.description`: each dataset's description (GET /api/schema `datasets`; the
  dataset buttons' tips). Its `title` (MNIST, Fashion-MNIST) is a proper name and stays out.
- `features.<name>`: each input feature's label (GET /api/schema `features`: "x₁", "sin x₁").
- `activations.<name>.<fact>`, `losses.<name>.<fact>`: the facts of nncore.activations.facts()
  and nncore.losses.facts() (GET /api/schema `activations`/`losses`, GET /api/activations
  `note`; the Explain view and the activation explorer) that hold words: every `note`, and a
  symbol or formula only when it has words in it ("φ′(z) = 1 if z > 0, else 0", the symbol
  "step"). Formulas that are pure math (`φ(z) = tanh z`, `L = −Σⱼ yⱼ·log ŷⱼ`), the engine's
  expressions and the `name` (an identifier; its display text is under `choices`) stay out, so
  the page shows those as the server sends them (static/js looks a fact up with `has()`).

Not here: what the server builds at run time (error messages: the `messages` namespace from the
reply's code, field and value; a task note, a compared run's label), which the page words
itself from the reply's data.
"""

import re

from nncore import ACTIVATIONS, DATASETS, FEATURES, LOSSES, activations, losses
from nncore.config import SETTINGS

from .presets import PRESETS
from .schema import FIELDS

# Names a formula may use that are math, not words to translate.
MATH_NAMES = {"tanh", "max", "min", "log", "exp", "sin", "cos", "relu", "leaky", "softmax",
              "sigmoid"}
WORD = re.compile(r"[A-Za-z]{2,}")


def has_words(text):
    """Whether a fact holds words a reader must read in their language (not only symbols)."""
    return any(w.lower() not in MATH_NAMES for w in WORD.findall(text))


def choice_text(value):
    """A choice value as the page shows it in English."""
    return str(value).replace("_", " ")


def _facts(facts):
    """The text-valued facts that hold words, in the order the engine lists them."""
    return {fact: value for fact, value in facts.items()
            if fact != "name" and isinstance(value, str) and has_words(value)}


def server_strings():
    """{group: …}: the English of what the server names, as static/i18n/en/server.json."""
    choices = {}
    for f in FIELDS:
        if f.type in ("choice", "choice_list"):
            values = dict.fromkeys((*SETTINGS[f.name].choices, *f.choices))
            choices[f.name] = {str(v): choice_text(v) for v in values}
    presets = {}
    for name, p in PRESETS.items():
        preset = {"title": p["title"], "text": p["text"]}
        if p.get("sweeps"):
            preset["sweeps"] = {str(i): {"title": s["title"]} for i, s in enumerate(p["sweeps"])}
        presets[name] = preset
    return {
        "fields": {f.name: {"label": f.label, "help": f.help} for f in FIELDS},
        "choices": choices,
        "presets": presets,
        "datasets": {name: {"description": s.description} for name, s in DATASETS.items()},
        "features": {name: f.label for name, f in FEATURES.items()},
        "activations": {name: facts for name, a in ACTIVATIONS.items()
                        if (facts := _facts(activations.facts(a)))},
        "losses": {name: facts for name, loss in LOSSES.items()
                   if (facts := _facts(losses.facts(loss)))},
    }
