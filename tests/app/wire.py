"""A websocket wrapper for the server tests: JSON in, decoded messages out, with timeouts."""

import json
import queue
import threading

from app import frames
from app.protocol import REPLY_TYPES
from nncore.codec import array_from_json


class Wire:
    """A TestClient websocket that speaks the protocol: JSON in, decoded messages out.

    A thread reads the socket through its public `receive()` into a queue, so every receive
    here has a timeout: a missing reply fails the test instead of hanging it.
    """

    def __init__(self, ws, timeout=10.0, hello=True):
        """hello=False: a connection the server refuses (an error, then the close)."""
        self.ws, self.timeout = ws, timeout
        self.frames, self.events = [], []
        self.inbox = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        if hello:
            self.hello = self.next()
            assert self.hello["type"] == "hello"

    def _pump(self):
        try:
            while True:
                message = self.ws.receive()
                self.inbox.put(message)
                if message["type"] == "websocket.close":
                    return
        except Exception as e:  # the session ended (the test closed the socket)
            self.inbox.put({"type": "websocket.close", "code": None, "reason": repr(e)})

    def send(self, message):
        self.ws.send_text(json.dumps(message) if not isinstance(message, str) else message)

    def raw(self, timeout=None):
        try:
            message = self.inbox.get(timeout=timeout or self.timeout)
        except queue.Empty:
            raise TimeoutError(f"no message within {timeout or self.timeout} s") from None
        if message["type"] == "websocket.close":
            self.inbox.put(message)  # every later read sees the close too
            raise ConnectionError(f"closed: {message.get('code')} {message.get('reason')}")
        return message

    def next(self, timeout=None):
        """The next message, decoded: a dict for text, (header, arrays) for binary."""
        m = self.raw(timeout)
        if m.get("text") is not None:
            return json.loads(m["text"])
        header, arrays = frames.unpack(m["bytes"])
        header["arrays"] = arrays
        header["wire_bytes"] = m["bytes"]  # the message as it came
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

    def exported(self):
        """The session's whole state, as an `export` reply carries it."""
        reply = self.call({"type": "export"})
        assert reply["type"] == "state", reply
        return reply["state"]

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


def theta(state):
    """The weights of an exported session's run, as an array."""
    return array_from_json(state["trainer"]["theta"])
