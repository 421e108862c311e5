"""Allowed hosts, origins and security headers (app/security.py), through the app and as rules.

The real server is attacked in tests/e2e/test_attack_hosts.py; here the rules are pinned case by
case, and the app is checked through Starlette's TestClient (whose requests arrive at the
address `testserver`, port 80, so that name is the server's own address here).
"""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.security import AllowedHosts, content_security_policy, host_name, origin_key, split_host
from app.settings import Settings
from tests.app.wire import Wire

SERVER = ("127.0.0.1", 8000)  # the ASGI scope's `server`: where a connection arrived


@pytest.mark.parametrize("header,expected", [
    ("localhost", ("localhost", None)),
    ("LocalHost:8000", ("localhost", 8000)),
    ("localhost.:8000", ("localhost", 8000)),
    ("127.0.0.1:65535", ("127.0.0.1", 65535)),
    ("[::1]:8000", ("[::1]", 8000)),
    ("[0:0:0:0:0:0:0:1]", ("[::1]", None)),
    ("evil.example", ("evil.example", None)),
    (None, None), ("", None), (":8000", None), ("localhost:99999", None), ("::1", None),
    ("[::1", None), ("[evil]", None), ("a b", None), ("evil@localhost", None),
    ("localhost:80:80", None), ("localhost/x", None), (".", None),
])
def test_split_host(header, expected):
    assert split_host(header) == expected


@pytest.mark.parametrize("header", [
    "localhost", "localhost:1", "127.0.0.1:8000", "127.5.6.7", "[::1]:8000", "LOCALHOST",
    "127.0.0.1:9999",  # any port: a page on another port is the Origin check's business
])
def test_loopback_names_are_allowed_on_any_port(header):
    assert AllowedHosts().allows_host(header, SERVER)


@pytest.mark.parametrize("header", [
    "evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.evil.example",
    "0.0.0.0:8000", "[::]:8000", "10.0.0.5", None, "", "localhost:8000 ", "[::1]x",
])
def test_foreign_hosts_are_refused(header):
    assert not AllowedHosts().allows_host(header, SERVER)


def test_the_address_a_connection_arrived_on_is_allowed():
    hosts = AllowedHosts(names=["0.0.0.0"])  # listening everywhere names no one
    assert hosts.names == set()
    assert hosts.allows_host("192.168.1.10:8000", ("192.168.1.10", 8000))
    assert not hosts.allows_host("192.168.1.11:8000", ("192.168.1.10", 8000))
    assert hosts.allows_host("[fe80::1]:8000", ("fe80::1%eth0", 8000))
    assert hosts.allows_host("192.168.1.10:8000", ("::ffff:192.168.1.10", 8000))  # dual stack
    assert hosts.allows_origin("http://192.168.1.10:8000", ("::ffff:192.168.1.10", 8000))
    assert not hosts.allows_host("192.168.1.10", None)


def test_configured_names_and_the_runtime_hook():
    hosts = AllowedHosts(names=["Nnplay.LAN", "::1", "[2001:db8::7]"])
    assert hosts.names == {"nnplay.lan", "[::1]", "[2001:db8::7]"}
    assert hosts.allows_host("nnplay.lan:8000", SERVER)
    assert not hosts.allows_host("teacher.local", SERVER)
    assert hosts.add("teacher.local") == "teacher.local"  # e.g. the classroom's LAN name
    assert hosts.allows_host("teacher.local:8000", SERVER)
    assert hosts.allows_origin("http://teacher.local:8000", SERVER)
    assert hosts.add("") is None and hosts.add("::") is None  # every interface: no name


@pytest.mark.parametrize("value", ["http://x", "x:8000", "a b", "x/y", "", "[::1"])
def test_a_bad_host_name_is_named(value):
    with pytest.raises(ValueError, match="is not a host name"):
        host_name(value)


@pytest.mark.parametrize("origin,allowed", [
    ("http://127.0.0.1:8000", True),
    ("http://localhost:8000", True),
    ("http://[::1]:8000", True),
    ("https://localhost:8000", True),
    ("http://localhost:8000/", True),
    ("http://localhost:9999", False),  # another local page, on another port
    ("http://localhost", False),  # port 80
    ("http://evil.example:8000", False),  # a rebinding page, whatever Host it sent
    ("http://evil.example", False),
    ("null", False), ("file://", False), ("chrome-extension://abc", False),
    ("http://localhost:8000/page", False), ("http://user@localhost:8000", False), ("", False),
])
def test_origins_follow_the_allowed_names_and_the_served_port(origin, allowed):
    assert AllowedHosts().allows_origin(origin, SERVER) is allowed


def test_allowed_origins_are_compared_normalised():
    hosts = AllowedHosts(origins=["HTTP://Teacher.Example", "https://x.example:8443/"])
    assert hosts.allows_origin("http://teacher.example:80", SERVER)
    assert hosts.allows_origin("https://x.example:8443", SERVER)
    assert not hosts.allows_origin("http://x.example:8443", SERVER)
    assert AllowedHosts(origins=["*"]).allows_origin("http://evil.example", SERVER)
    with pytest.raises(ValueError, match="is not a page origin"):
        origin_key("teacher.example")


def test_the_policy_names_the_sockets_only_where_csp_can_spell_them():
    assert "ws://localhost:8000 wss://localhost:8000;" in content_security_policy(
        "localhost:8000")
    for host in ("[::1]:8000", "my_box:8000", None, "a;b"):
        assert "connect-src 'self';" in content_security_policy(host), host


# -- through the app -----------------------------------------------------------------------------
ROUTES = ["/", "/healthz", "/api/schema", "/api/stats", "/api/presets", "/api/activations",
          "/api/datasets/moons/preview", "/static/js/main.js", "/static/css/app.css",
          "/openapi.json"]


@pytest.mark.parametrize("path", ROUTES)
def test_every_route_refuses_a_foreign_host_and_serves_its_own(client, path):
    refused = client.get(path, headers={"host": "evil.example"})
    assert refused.status_code == 400
    assert "'evil.example'" in refused.text and "--allow-host evil.example" in refused.text
    assert refused.headers["content-type"].startswith("text/plain")
    for host in ("testserver", "localhost:8000", "127.0.0.1", "[::1]:1234"):
        assert client.get(path, headers={"host": host}).status_code == 200, host


def test_a_post_and_an_unknown_path_are_refused_too(client):
    body = {"x": [1.0], "w": [2.0]}
    assert client.post("/api/neuron", json=body, headers={"host": "evil.example"}
                       ).status_code == 400
    assert client.post("/api/neuron", json=body).status_code == 200
    assert client.get("/nope", headers={"host": "evil.example"}).status_code == 400


def test_interactive_docs_are_gone(client):
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path
    assert client.get("/openapi.json").json()["info"]["title"] == "nnplay"


@pytest.mark.parametrize("path", ["/", "/static/js/main.js", "/api/stats", "/nope"])
def test_every_response_carries_the_security_headers(client, path):
    for host in ("testserver", "evil.example"):
        r = client.get(path, headers={"host": host})
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"
    assert "ws://evil.example" not in csp  # the page's sockets are named for its own host only


def test_a_websocket_for_a_foreign_host_is_closed_before_a_session_exists(client):
    with client.websocket_connect("/ws", headers={"host": "evil.example:80",
                                                  "origin": "http://evil.example"}) as ws:
        w = Wire(ws, hello=False)
        error = w.next()
        assert error["code"] == "forbidden_host" and error["value"] == "evil.example"
        assert "--allow-host evil.example" in error["message"]
        with pytest.raises(ConnectionError, match="closed: 1008"):
            w.raw()
    assert client.get("/api/stats").json()["sessions"] == []


def test_allowed_hosts_and_origins_from_settings():
    settings = Settings(open_browser=False, allowed_hosts=("nnplay.lan",),
                        allowed_origins=("http://teacher.example",))
    with TestClient(create_app(settings)) as client:
        assert client.get("/", headers={"host": "nnplay.lan:80"}).status_code == 200
        for headers in ({"host": "nnplay.lan", "origin": "http://nnplay.lan"},
                        {"origin": "http://teacher.example"}):
            with client.websocket_connect("/ws", headers=headers) as ws:
                assert Wire(ws).hello["type"] == "hello"
        client.app.state.hosts.add("late.lan")  # the hook, while serving
        assert client.get("/", headers={"host": "late.lan"}).status_code == 200


def test_bad_allowed_hosts_in_settings_are_named():
    with pytest.raises(ValueError, match="'http://nnplay.lan' is not a host name"):
        create_app(Settings(allowed_hosts=("http://nnplay.lan",)))
    with pytest.raises(ValueError, match="'nnplay.lan' is not a page origin"):
        create_app(Settings(allowed_origins=("nnplay.lan",)))
