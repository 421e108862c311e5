"""Fixtures shared by the engine, server and end-to-end tests."""

import pytest

from app import downloads

from tests import idx
from tests.fileserver import FileServer


@pytest.fixture
def files():
    """Tiny MNIST-shaped IDX files, gzipped: {file name: bytes} (tests/idx.py)."""
    return idx.gz_files(idx.tiny_arrays())


@pytest.fixture
def fileserver(files):
    """A local HTTP server on loopback serving `files` (tests/fileserver.py)."""
    with FileServer(files).running() as server:
        yield server


REAL_DEFAULT_DATA_DIR = downloads.default_data_dir  # for the test of the real one


@pytest.fixture(autouse=True, scope="session")
def no_user_data_folder(tmp_path_factory):
    """No test reads or writes the user's own data folder (saved runs, datasets): the default
    one is a temporary folder here. Servers started by tests/e2e/server.py get one too."""
    folder = tmp_path_factory.mktemp("user-data")
    mp = pytest.MonkeyPatch()
    mp.setattr(downloads, "default_data_dir", lambda: folder)
    yield folder
    mp.undo()
