"""The hostile-message fuzz (tests/app/test_fuzz.py) against a real nnplay: uvicorn on
loopback, the `websockets` client on a real socket. Thousands of malformed messages over every
command and field to one session: each gets exactly one reply, the connection never closes,
the server logs no error, and afterwards the session trains bit for bit like the engine."""

import json
import queue
import threading

from websockets.sync.client import connect

from app import frames
from tests.app.test_fuzz import FLOOD, run_fuzz, still_trains_like_the_engine
from tests.e2e.server import running


class SocketWire:
    """tests/app/wire.Wire's interface over a real socket: a thread reads into a queue, so
    every receive has a timeout."""

    def __init__(self, url, timeout=20.0):
        self.connection = connect(url, proxy=None, max_size=2**24, compression=None)
        self.conn = self.connection.__enter__()
        self.ws, self.timeout = self, timeout
        self.frames, self.events, self.inbox = [], [], queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.hello = self.next()
        assert self.hello["type"] == "hello"

    def _pump(self):
        try:
            for message in self.conn:
                self.inbox.put(message)
        except Exception as e:  # the connection closed
            self.inbox.put(ConnectionError(f"closed: {e!r}"))
        else:
            self.inbox.put(ConnectionError("closed"))

    def send_bytes(self, payload):
        self.conn.send(payload)

    def send(self, message):
        self.conn.send(message if isinstance(message, str) else json.dumps(message))

    def next(self, timeout=None):
        m = self.inbox.get(timeout=timeout or self.timeout)
        if isinstance(m, Exception):
            self.inbox.put(m)
            raise m
        if isinstance(m, str):
            return json.loads(m)
        header, arrays = frames.unpack(m)
        header["arrays"] = arrays
        return header

    def expect(self, type_, timeout=None, **match):
        while True:
            m = self.next(timeout)
            if m["type"] == type_ and all(m.get(k) == v for k, v in match.items()):
                return m

    def frame(self, timeout=None, **match):
        return self.expect("frame", timeout, **match)


def test_fuzz_a_real_server_with_hostile_messages(capsys):
    env = {f"NNPLAY_{name.upper()}": str(value) for name, value in FLOOD.items()}
    with running("--log-level", "info", env=env) as server:
        wire = SocketWire(server.ws_url)
        fuzzer = run_fuzz(wire, capsys)
        assert len(server.stats()["sessions"]) == 1  # the same session, never closed
        still_trains_like_the_engine(fuzzer)
        wire.connection.__exit__(None, None, None)
    output = "".join(server.output)
    assert "Traceback" not in output and " ERROR " not in output, output[-3000:]
