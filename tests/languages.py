"""What the language tests share: the catalogues, their keys, and how English is found in a
Vietnamese or Russian text.

English is found by its words: a word of three or more Latin letters that the English
catalogues use (so a word the page shows only because a string was left untranslated is one
of them) and that is not one of the names every language writes the same (nnplay, NumPy, ReLU,
MNIST, …). A few words the Vietnamese catalogues take into Vietnamese as they are
(gradient, epoch, mini-batch, dropout: the tutorials write them so) are allowed there. Syllables
Vietnamese writes without marks that are also English words (con, ban, tin) are allowed in
Vietnamese only.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = ROOT / "static" / "i18n"
LANGUAGES = ("en", "vi", "ru")
# The plural forms each language has (CLDR), as i18next's JSON v4 suffixes them.
PLURALS = {"en": {"one", "other"}, "vi": {"other"}, "ru": {"one", "few", "many", "other"}}
PLURAL = re.compile(r"_(zero|one|two|few|many|other)$")
PLACEHOLDER = re.compile(r"\{\{\s*([\w.]+)(?:\s*,[^}]*)?\s*\}\}")

# Names and symbols written the same in every language.
NAMES = {
    "nnplay", "numpy", "python", "tensorflow", "playground", "mnist", "xor", "relu", "tanh",
    "sigmoid", "softmax", "adam", "sgd", "rmsprop", "nesterov", "xavier", "glorot", "ray",
    "png", "csv", "json", "svg", "url", "float32", "float64", "rosenblatt", "jupyter",
    "jupyterlab", "marimo", "leaky", "elu", "gelu", "swish", "selu", "softplus", "mse", "sse",
    "mae", "huber", "fps", "api", "http", "https", "localhost", "sin", "cos", "exp", "log",
    "max", "min", "abs", "sign", "argmax", "esc", "ctrl", "alt", "shift", "tab", "pgup",
    "pgdn", "html", "kib", "mib", "lecun", "kaiming", "heaviside", "github", "iris", "sklearn",
    "scikit", "learn", "digits", "fashion",
}
# Words the Vietnamese tutorials keep in English, and syllables Vietnamese writes bare.
VIETNAMESE = {"gradient", "gradients", "epoch", "epochs", "mini", "batch", "dropout", "byte", "con",
              "ban", "tin", "hay", "cho", "sau", "bias", "softmax", "logit", "logits"}


def catalogue(lang, namespace):
    with open(CATALOGUES / lang / f"{namespace}.json", encoding="utf-8") as f:
        return json.load(f)


def namespaces():
    return sorted(p.stem for p in (CATALOGUES / "en").glob("*.json"))


def flatten(node, prefix=""):
    """{"a": {"b": "x"}} → {"a.b": "x"}."""
    out = {}
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def base_keys(flat):
    """{key without its plural suffix: set of plural forms present (empty when not plural)}."""
    keys = {}
    for key in flat:
        m = PLURAL.search(key)
        base = key[:m.start()] if m else key
        keys.setdefault(base, set())
        if m:
            keys[base].add(m.group(1))
    return keys


def placeholders(text):
    return set(PLACEHOLDER.findall(text))


def english_vocabulary():
    """Every word of three or more Latin letters in the English catalogues, lowercased, less the
    names every language shares."""
    words = set()
    for ns in namespaces():
        for text in flatten(catalogue("en", ns)).values():
            words |= set(words_of(PLACEHOLDER.sub(" ", text)))
    return words - NAMES


def words_of(text):
    return [w.lower() for w in re.findall(r"(?<![\w{])[A-Za-z]{3,}(?![\w}])", text)]


def english_in(text, lang, vocabulary):
    """The English words in a text that should be in `lang`."""
    allowed = NAMES | (VIETNAMESE if lang == "vi" else set())
    return sorted({w for w in words_of(text) if w in vocabulary and w not in allowed})
