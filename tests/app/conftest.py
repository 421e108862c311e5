"""Fixtures for the server tests: a fresh app per test, and a websocket wrapper with timeouts."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests import idx
from tests.app.wire import Wire


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """A data folder with tiny MNIST and Fashion-MNIST files (tests/idx.py): the tests never
    read the user's own folder, and never download."""
    root = tmp_path_factory.mktemp("data")
    for name in ("mnist", "fashion_mnist"):
        idx.write_folder(root / name)
    return root


@pytest.fixture
def settings(data_dir):
    """Runs are not saved here (each test of saved runs has a data folder of its own)."""
    return Settings(open_browser=False, data_dir=str(data_dir), downloads=False, save=False)


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def wire(client):
    with client.websocket_connect("/ws") as ws:
        yield Wire(ws)
