"""What a real nnplay prints: never a resume token, one line (not a traceback) for a client's
text message that is not UTF-8, and a clean stop on Ctrl+C (SIGINT), with exit status 0.

The servers run at the default log level (info), where uvicorn logs every request."""

import asyncio
import json
import signal
import socket

import httpx
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.uri import parse_uri

from tests.e2e.client import Client
from tests.e2e.server import running


def printed(server):
    return "".join(server.output)


def test_the_log_never_shows_a_resume_token():
    with running("--log-level", "info") as s:
        async def scenario():
            c = await Client.open(s.ws_url)
            token = c.hello["resume_token"]
            await c.close()
            d = await Client.open(s.ws_url + f"?resume={token}")
            assert d.hello["resumed"] is True
            await d.close()
            # The same token in plain HTTP requests, which uvicorn's access log prints.
            for path in (f"ws?resume={token}", f"?resume={token}", f"?x=1&resume={token}&y=2"):
                await asyncio.to_thread(httpx.get, s.url + path)
            return token

        token = asyncio.run(scenario())
    log = printed(s)
    assert token not in log
    assert log.count("resume=<redacted>") >= 4, log  # the lines were printed, token removed


class RawClient:
    """A websocket on a plain socket, driven by websockets' sans-I/O protocol, which sends
    the bytes it is given: a text frame that is not UTF-8 is possible here."""

    def __init__(self, url):
        uri = parse_uri(url)
        self.sock = socket.create_connection((uri.host, uri.port), timeout=15)
        self.proto = ClientProtocol(uri, max_size=None)
        self.proto.send_request(self.proto.connect())
        self.flush()

    def flush(self):
        for data in self.proto.data_to_send():
            try:
                if data:
                    self.sock.sendall(data)
                else:
                    self.sock.shutdown(socket.SHUT_WR)
            except OSError:  # the server has gone first
                return

    def read(self):
        """The protocol's events from the next bytes the server sent."""
        data = self.sock.recv(1 << 16)
        if data:
            self.proto.receive_data(data)
        else:
            self.proto.receive_eof()
        self.flush()  # answers to pings and to the close
        return self.proto.events_received()

    def text(self):
        """The next text message, decoded."""
        while True:
            for event in self.read():
                if getattr(event, "opcode", None) is Opcode.TEXT:
                    return json.loads(event.data)

    def send_text(self, payload: bytes):
        self.proto.send_text(payload)
        self.flush()

    def close_code(self):
        while self.proto.close_rcvd is None:
            self.read()
        self.sock.close()
        return self.proto.close_rcvd.code


def test_a_text_frame_that_is_not_utf8_closes_1007_with_one_short_line():
    with running("--log-level", "info") as s:
        for payload in (b"\xff", b'{"type": "play"}\xc3', b"\xed\xa0\x80", b"\x80" * 5000):
            raw = RawClient(s.ws_url)
            assert raw.text()["type"] == "hello"
            raw.send_text(b'{"type": "play"}')  # training: frames are on their way out
            raw.send_text(payload)
            assert raw.close_code() == 1007
        # The server still serves, and trains.
        async def still_serving():
            c = await Client.open(s.ws_url)
            reply = await c.call({"type": "step", "n": 5})
            stepped = await c.expect("stepped")
            await c.close()
            return reply["type"], stepped["step"]

        assert asyncio.run(still_serving()) == ("applied", 5)
        assert httpx.get(s.url + "healthz").status_code == 200
    log = printed(s)
    assert "Traceback" not in log and "ERROR" not in log, log
    lines = [line for line in log.splitlines() if "UTF-8" in line]
    assert len(lines) == 4 and all("closed with 1007" in line for line in lines), lines


def test_ctrl_c_stops_the_server_cleanly_with_status_0():
    with running("--log-level", "info") as s:
        async def scenario():
            c = await Client.open(s.ws_url)  # a client is training when Ctrl+C comes
            await c.call({"type": "play"})
            await c.expect("frame")
            s.proc.send_signal(signal.SIGINT)
            code = await asyncio.to_thread(s.proc.wait, 30)
            await c.close()
            return code

        assert asyncio.run(scenario()) == 0
    log = printed(s)
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log
    assert log.rstrip().endswith("nnplay: stopped"), log
