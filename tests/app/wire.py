"""A websocket wrapper for the server tests: JSON in, decoded messages out, with timeouts."""

import json

import anyio

from app import frames
from app.protocol import REPLY_TYPES


class Wire:
    """A TestClient websocket that speaks the protocol: JSON in, decoded messages out.

    Every receive has a timeout, so a missing reply fails the test instead of hanging it.
    """

    def __init__(self, ws, timeout=10.0):
        self.ws, self.timeout = ws, timeout
        self.frames, self.events = [], []
        self.hello = self.next()
        assert self.hello["type"] == "hello"

    def send(self, message):
        self.ws.send_text(json.dumps(message) if not isinstance(message, str) else message)

    def raw(self, timeout=None):
        async def receive(rx, limit):
            with anyio.fail_after(limit):
                return await rx.receive()

        message = self.ws.portal.call(receive, self.ws._send_rx, timeout or self.timeout)
        if message["type"] == "websocket.close":
            raise ConnectionError(f"closed: {message.get('code')} {message.get('reason')}")
        return message

    def next(self, timeout=None):
        """The next message, decoded: a dict for text, (header, arrays) for binary."""
        m = self.raw(timeout)
        if m.get("text") is not None:
            return json.loads(m["text"])
        header, arrays = frames.unpack(m["bytes"])
        header["arrays"] = arrays
        return header

    def expect(self, type_, timeout=None, **match):
        """Skip messages until one of `type_` whose fields equal `match`; return it."""
        while True:
            m = self.next(timeout)
            if m["type"] == "frame":
                self.frames.append(m)
            if m["type"] == type_ and all(m.get(k) == v for k, v in match.items()):
                return m
            if m["type"] not in ("frame", "data", "network"):
                self.events.append(m)

    def call(self, message, timeout=None):
        """Send a command (with an id) and return its reply: applied, error or state."""
        message = dict(message)
        message.setdefault("id", f"c{id(message)}")
        self.send(message)
        while True:
            m = self.next(timeout)
            if m.get("id") == message["id"] and m["type"] in REPLY_TYPES:
                return m
            if m["type"] == "frame":
                self.frames.append(m)
            elif m["type"] not in ("data", "network"):
                self.events.append(m)

    def frame(self, timeout=None, **match):
        return self.expect("frame", timeout, **match)
