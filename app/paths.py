"""Where nnplay finds its own files and its version, installed or run from a checkout.

The page's files live in the repository's top-level static/ and templates/ folders. A wheel ships
them inside the package as app/static and app/templates (pyproject.toml maps them there), so they
are looked for beside this module first, then at the top of the checkout, which is where an
editable install and `python -m app` find them. StaticFiles and Jinja2 need real directories, and
pip always unpacks a wheel into one, so plain paths are enough.
"""

import re
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent  # the repository, in a source checkout; site-packages, once installed


def page_folder(name):
    """The folder of the page's files called `name`: the installed copy, else the checkout's."""
    places = (PACKAGE / name, ROOT / name)
    for folder in places:
        if folder.is_dir():
            return folder
    raise RuntimeError(f"nnplay's {name}/ folder is missing: looked in "
                       f"{places[0]} (installed) and {places[1]} (source checkout)")


def installed_version():
    """The version pip recorded for nnplay, else the one in the checkout's pyproject.toml."""
    try:
        return metadata.version("nnplay")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        pass
    try:
        text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return "0+unknown"
    found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.M)
    return found.group(1) if found else "0+unknown"


STATIC_DIR = page_folder("static")
TEMPLATES_DIR = page_folder("templates")
VERSION = installed_version()
