"""How students reach a class (app/joining.py, app/pages.py, the CLI's --classroom): the join
pages, the join address and its QR code, and which page opens a class by itself."""

import re
from dataclasses import replace

import pytest
import segno
from fastapi.testclient import TestClient

from app import cli, joining
from app.main import create_app

LAN = ("192.0.2.7", 50000)  # a client on another machine (TEST-NET-1)


def open_room(client, wire):
    r = client.post("/api/rooms", json={"token": wire.hello["resume_token"]})
    assert r.status_code == 201, r.text
    return r.json()


def body_tag(text):
    return re.search(r"<body[^>]*>", text).group(0)


def test_the_join_pages_are_the_page_in_student_mode_with_the_code_as_people_read_it(client):
    for path, shown in (("/join", ""), ("/join/k7mp2q", "K7M-P2Q"), ("/join/K7M-P2Q", "K7M-P2Q"),
                        ("/join/k7m%20p2q", "K7M-P2Q"), ("/join/%3Cb%3Ex", "&lt;b&gt;x")):
        r = client.get(path)
        assert r.status_code == 200, path
        assert 'data-mode="student"' in body_tag(r.text)
        assert f'id="join-code" name="code" value="{shown}"' in r.text, path
        assert 'data-tab="class"' not in r.text  # a student starts no class
    page = client.get("/").text
    assert 'data-mode="teacher"' in body_tag(page) and 'id="join"' not in page


def test_the_qr_code_holds_the_join_address_and_needs_the_teacher_token(client, wire):
    room = open_room(client, wire)
    code, token = room["code"], room["teacher_token"]
    r = client.get(f"/api/rooms/{code}/qr.svg", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.content == joining.qr_svg(f"http://testserver/join/{code}")
    assert r.content.startswith(b"<svg") and b'viewBox="0 0 ' in r.content
    # the same symbol segno makes of that address: the QR code holds exactly it
    modules = segno.make(f"http://testserver/join/{code}", error="m", micro=False)
    assert f'viewBox="0 0 {modules.symbol_size(border=4)[0]} '.encode() in r.content
    assert client.get(f"/api/rooms/{code}/qr.svg").status_code == 401
    r = client.get(f"/api/rooms/{code}/qr.svg", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403 and r.json()["detail"]["code"] == "not_teacher"
    other = "ZZZ-ZZ9" if code != "ZZZ-ZZ9" else "YYY-YY9"
    r = client.get(f"/api/rooms/{other}/qr.svg", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404


def test_without_segno_the_qr_route_says_how_to_add_it(client, wire, monkeypatch):
    room = open_room(client, wire)
    monkeypatch.setattr(joining, "qr_available", lambda: False)
    r = client.get(f"/api/rooms/{room['code']}/qr.svg",
                   headers={"Authorization": f"Bearer {room['teacher_token']}"})
    assert r.status_code == 501 and r.json()["detail"]["code"] == "qr_unavailable"
    assert "pip install 'nnplay[classroom]'" in r.json()["detail"]["message"]


def test_the_join_address_is_the_network_one_in_a_classroom(settings, wire):
    with TestClient(create_app(replace(settings, classroom=True, join_host="192.0.2.9"))) as c:
        assert 'data-join-origin="http://192.0.2.9:80"' in body_tag(c.get("/").text)
    # otherwise the page's own origin (its Host, which the server has checked)
    with TestClient(create_app(settings)) as c:
        assert 'data-join-origin="http://testserver"' in body_tag(c.get("/").text)


def test_in_a_classroom_the_first_page_on_this_machine_opens_the_class(settings):
    with TestClient(create_app(replace(settings, classroom=True, join_host="192.0.2.9"))) as c:
        assert 'data-classroom="start"' in body_tag(c.get("/").text)
        with c.websocket_connect("/ws") as ws:
            from tests.app.wire import Wire
            open_room(c, Wire(ws))
            # a second page: its Class tab open, no second class of its own
            assert 'data-classroom="open"' in body_tag(c.get("/").text)
            with TestClient(c.app, client=LAN) as lan:  # another machine: the join page
                page = lan.get("/")
                assert page.history[0].status_code == 303 and page.url.path == "/join"
                assert 'data-mode="student"' in body_tag(page.text)
                assert "data-classroom" not in body_tag(page.text)
    with TestClient(create_app(settings)) as c:  # without --classroom: neither
        assert 'data-classroom=""' in body_tag(c.get("/").text)


@pytest.mark.parametrize("argv,message", [
    (["--classroom", "--host", "127.0.0.1"], "--classroom listens on the network, and --host "
     "127.0.0.1 is this machine only"),
    (["--classroom", "--host", "::1"], "--host ::1 is this machine only"),
])
def test_classroom_flags_that_cannot_teach_a_class_are_named(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--no-browser", *argv])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_the_network_address_is_found_without_sending_anything(monkeypatch):
    """A UDP socket's "connect" picks a route and sends nothing; no route and a host name
    that resolves to loopback leave no address (then --classroom asks for --host)."""
    address = cli.network_address()
    assert address is None or not cli.is_loopback_address(address)

    class NoRoute:
        def __init__(self, *args):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def connect(self, target):
            raise OSError("Network is unreachable")

    monkeypatch.setattr(cli.socket, "socket", NoRoute)
    monkeypatch.setattr(cli.socket, "gethostbyname", lambda name: "127.0.1.1")
    assert cli.network_address() is None
    monkeypatch.setattr(cli.socket, "gethostbyname", lambda name: "10.1.2.3")
    assert cli.network_address() == "10.1.2.3"
