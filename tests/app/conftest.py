"""Fixtures for the server tests: a fresh app per test, and a websocket wrapper with timeouts."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.app.wire import Wire


@pytest.fixture
def settings():
    return Settings(open_browser=False)


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def wire(client):
    with client.websocket_connect("/ws") as ws:
        yield Wire(ws)
