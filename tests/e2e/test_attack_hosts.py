"""DNS rebinding against a real nnplay: requests that name a foreign Host, as a page at
evil.example whose name now resolves to 127.0.0.1 would send them, over real sockets.

The attacker's requests connect to 127.0.0.1 but carry `Host: evil.example` (and, on the
websocket, `Origin: http://evil.example:PORT`, which equals that Host: the old origin check
compared the two and let it in). The server's state is read through an allowed host.
"""

import asyncio
import re
import subprocess
import sys

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.client import Client
from tests.e2e.server import ROOT, running

ROUTES = ["/", "/healthz", "/api/schema", "/api/stats", "/api/presets", "/api/activations",
          "/api/datasets/moons/preview", "/static/js/main.js", "/static/css/app.css",
          "/openapi.json"]


@pytest.fixture(scope="module")
def server():
    with running("--allow-host", "nnplay.test", "--allow-origin", "http://teacher.example") as s:
        yield s


def port_of(server):
    return int(re.search(r":(\d+)/$", server.url).group(1))


def get(server, path, host, **kwargs):
    """GET on the real server's socket with this Host header."""
    return httpx.get(server.url.rstrip("/") + path, headers={"host": host}, timeout=10, **kwargs)


async def open_as(server, host, origin=None):
    """A websocket to the real server (127.0.0.1) that names `host` in its Host header: its
    first message (hello or error), and its close code (None while it stays open)."""
    port = port_of(server)
    c = await Client.open(f"ws://{host}:{port}/ws", host="127.0.0.1", port=port, origin=origin)
    if c.hello["type"] == "hello":
        await c.close()
        return c.hello, None
    with pytest.raises(ConnectionClosed) as closed:
        await c.next()
    return c.hello, closed.value.rcvd.code


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_refuses_a_foreign_host(server, path):
    port = port_of(server)
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                 f"localhost.evil.example:{port}", f"0.0.0.0:{port}"):
        r = get(server, path, host)
        assert r.status_code == 400, (host, r.status_code)
        assert "--allow-host" in r.text and r.headers["content-type"].startswith("text/plain")
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "localhost",
                 f"nnplay.test:{port}"):
        assert get(server, path, host).status_code == 200, host


def test_interactive_docs_are_gone(server):
    port = port_of(server)
    assert get(server, "/docs", f"127.0.0.1:{port}").status_code == 404
    assert get(server, "/redoc", f"127.0.0.1:{port}").status_code == 404
    assert get(server, "/docs", "evil.example").status_code == 400


def test_a_rebinding_websocket_is_refused_before_any_session(server):
    port = port_of(server)
    before = server.stats()["sessions"]
    for origin in (f"http://evil.example:{port}", None):
        error, code = asyncio.run(open_as(server, "evil.example", origin))
        assert error["type"] == "error" and error["code"] == "forbidden_host", error
        assert code == 1008
    assert server.stats()["sessions"] == before, "a refused connection made a session"


def test_the_origin_check_is_built_from_the_allowed_names_and_the_served_port(server):
    port = port_of(server)
    accepted = [("127.0.0.1", f"http://127.0.0.1:{port}"), ("localhost", f"http://localhost:{port}"),
                ("nnplay.test", f"http://nnplay.test:{port}"),  # --allow-host
                ("127.0.0.1", "http://teacher.example")]  # --allow-origin
    for host, origin in accepted:
        hello, code = asyncio.run(open_as(server, host, origin))
        assert hello["type"] == "hello" and code is None, (host, origin, hello)
    refused = [("127.0.0.1", f"http://localhost:{port + 1}"),  # another page on this machine
               ("127.0.0.1", f"http://evil.example:{port}"),
               ("nnplay.test", f"http://nnplay.test:{port + 1}"),
               ("localhost", "null")]
    for host, origin in refused:
        error, code = asyncio.run(open_as(server, host, origin))
        assert error["code"] == "forbidden_origin" and code == 1008, (host, origin, error)


def test_without_allow_host_the_name_is_refused():
    with running() as s:
        port = port_of(s)
        assert get(s, "/", f"nnplay.test:{port}").status_code == 400
        error, code = asyncio.run(open_as(s, "nnplay.test", f"http://nnplay.test:{port}"))
        assert error["code"] == "forbidden_host" and code == 1008
        assert s.stats()["sessions"] == []


def test_bad_allow_host_and_origin_values_are_named():
    for args, message in [(["--allow-host", "http://x.lan"], "'http://x.lan' is not a host name"),
                          (["--allow-origin", "x.lan"], "'x.lan' is not a page origin")]:
        done = subprocess.run([sys.executable, "-m", "app", "--no-browser", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 2 and message in done.stderr, done.stderr
