"""The generated parts of docs/protocol.md: the hyperparameter and limit tables.

    python -m app.docs        rewrites them in place between their BEGIN/END markers

A test fails when the document and the code disagree.
"""

import re
import sys

from . import schema
from .limits import LIMITS, TRANSPORT_MAX_BYTES
from .paths import ROOT

PROTOCOL = ROOT / "docs" / "protocol.md"


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, str):
        return f'"{v}"'
    return str(v)


def schema_table():
    rows = ["| field | type | default | allowed | applies | meaning |",
            "|---|---|---|---|---|---|"]
    for f in schema.FIELDS:
        rows.append(f"| `{f.name}` | {f.type} | `{_value(f.default)}` | {f.allowed} | "
                    f"{f.apply} | {f.help} |")
    return "\n".join(rows)


def limits_table():
    rows = ["| limit | value |", "|---|---|"]
    rows += [f"| `{name}` | {_value(value)} |" for name, value in LIMITS.items()]
    rows.append(f"| transport (closes with 1009) | {TRANSPORT_MAX_BYTES} bytes |")
    return "\n".join(rows)


SECTIONS = {"SCHEMA": schema_table, "LIMITS": limits_table}


def render(text):
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n)(?:.*?\n)?(<!-- END {name} -->)", re.S)
        body = make()
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    new = render(PROTOCOL.read_text(encoding="utf-8"))
    PROTOCOL.write_text(new, encoding="utf-8")
    sys.exit(0)
