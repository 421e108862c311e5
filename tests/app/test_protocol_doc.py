"""docs/protocol.md is true: its examples run, and its tables are the code's."""

import json
import re

import pytest

from app import docs
from app.limits import LIMITS
from app.protocol import COMMAND_TYPES

from tests.app.wire import Wire

TEXT = docs.PROTOCOL.read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```example\n(.*?)```", TEXT, re.S)
ANY = "…"


def test_generated_tables_are_up_to_date():
    assert docs.render(TEXT) == TEXT, "run: python -m app.docs"
    assert docs.schema_table() in TEXT and docs.limits_table() in TEXT


def test_every_command_and_limit_is_documented():
    for kind in COMMAND_TYPES:
        assert f"| `{kind}` |" in TEXT, kind
    for name in LIMITS:
        assert f"`{name}`" in TEXT, name


def test_every_error_code_and_message_type_is_documented():
    """Each error code the server sends (error replies, refused connections, refused room
    requests) and each text message type it sends is named in the document."""
    codes, types = set(), set()
    for path in (docs.ROOT / "app").rglob("*.py"):
        if path.name == "notebook.py":  # the notebook widget's own channel (docs/notebook.md)
            continue
        source = path.read_text(encoding="utf-8")
        codes.update(re.findall(r'(?:error_reply|ProtocolError)\(\s*"(\w+)"', source))
        codes.update(re.findall(r'RoomError\(\s*\d+,\s*"(\w+)"', source))
        codes.update(re.findall(r'_refuse\(\s*\w+,\s*"(\w+)"', source))
        codes.update(re.findall(r'"code": "(\w+)"', source))
        types.update(re.findall(r'\{"type": "(\w+)"', source))
    assert {"not_yours", "no_room", "invalid_value", "local_only"} <= codes  # the scan works
    for code in codes:
        assert f"`{code}`" in TEXT, f"error code {code} is not documented"
    binary = {"data", "network", "frame"}  # documented under Binary messages
    for kind in types - binary - set(COMMAND_TYPES):
        assert f"| `{kind}` |" in TEXT, f"message type {kind} is not in a table"


def test_there_are_examples():
    assert len(EXAMPLES) >= 6


def matches(expected, actual):
    if expected == ANY:
        return True
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and matches(v, actual[k]) for k, v in expected.items())
    return expected == actual


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example{i}" for i in range(len(EXAMPLES))])
def test_documented_example_runs(client, example):
    with client.websocket_connect("/ws") as ws:
        w = Wire(ws)
        for line in example.strip().splitlines():
            arrow, body = line[:1], json.loads(line[2:])
            if arrow == "→":
                w.send(body)
                continue
            assert arrow == "←", line
            while True:
                m = w.next()
                if m["type"] in ("frame", "data", "network"):
                    continue
                if m["type"] == body["type"] and (m["type"] != "applied" or
                                                  m.get("id") == body.get("id")):
                    break
            assert matches(body, m), f"documented {body}\n     actual {m}"
