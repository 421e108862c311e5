"""Fixtures shared by the engine, server and end-to-end tests."""

import pytest

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
