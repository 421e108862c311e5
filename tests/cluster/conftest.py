"""A real nnplay on `--workers 2` (a local Ray with two session hosts), shared by the tests of
this folder. When it stops, every process its Ray started must be gone: they are all
descendants of the nnplay process (the GCS and the raylet its children, the workers the
raylet's), listed just before it stops."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import httpx
import pytest

from tests.e2e.server import running

FAST_SAVES = {"NNPLAY_CHECKPOINT_SECONDS": "0.5"}  # checkpoints while training; 5 s by default
START_SECONDS = 120.0  # Ray and two worker processes starting, with both cores busy


def descendants(pid):
    """The pids of every process below `pid` (from /proc)."""
    children = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except OSError:
        return False


def wait_until(condition, timeout, interval=0.05):
    """Poll `condition` until it is true or `timeout` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while not (result := condition()) and time.monotonic() < deadline:
        time.sleep(interval)
    return result


@contextmanager
def cluster_running(*args, env=None):
    """A started `nnplay *args` on Ray (give --workers or --ray-address), its Ray's address in
    `server.ray_address`; once it stops, no process its Ray started may be left."""
    with running(*args, env={**FAST_SAVES, **(env or {})}, timeout=START_SECONDS) as server:
        server.ray_address = httpx.get(server.url + "api/cluster", timeout=10).json()[
            "ray_address"]
        yield server
        ray_pids = descendants(server.pid)
    if "--ray-address" in args:
        return  # it joined a Ray it did not start, which goes on
    assert len(ray_pids) >= 4, f"nnplay's Ray processes were not found: {ray_pids}"
    wait_until(lambda: not any(alive(pid) for pid in ray_pids), 20.0)
    leaked = [pid for pid in ray_pids if alive(pid)]
    for pid in leaked:
        os.kill(pid, signal.SIGKILL)
    assert not leaked, f"processes of nnplay's Ray left running after it stopped: {leaked}"


@pytest.fixture(scope="package")
def cluster(tmp_path_factory):
    """nnplay --workers 2, with its data folder in `cluster.folder`."""
    folder = tmp_path_factory.mktemp("cluster-data")
    with cluster_running("--workers", "2", "--data-dir", str(folder)) as server:
        server.folder = folder
        yield server


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="package")
def head():
    """A Ray cluster as docs/scaling.md starts one (`ray start --head`), in a temporary folder
    of its own; its address. Stopped after: every process that names the folder, and what they
    started (`ray stop` would stop every Ray of this user on the machine)."""
    folder = tempfile.mkdtemp(prefix="nnplay-ray-")  # short: Ray's socket paths must fit
    address = f"127.0.0.1:{free_port()}"
    started = subprocess.run(
        ["ray", "start", "--head", f"--port={address.split(':')[1]}",
         "--node-ip-address=127.0.0.1", f"--temp-dir={folder}", "--num-cpus=2",
         "--include-dashboard=false", "--disable-usage-stats"],
        capture_output=True, text=True, timeout=START_SECONDS,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield address
    finally:
        ray_pids = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
                    if folder.encode() in _cmdline(pid)]
        ray_pids += [child for pid in ray_pids for child in descendants(pid)]
        for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 10.0)):  # as `ray stop`
            for pid in ray_pids:
                if alive(pid):
                    os.kill(pid, sig)
            wait_until(lambda: not any(alive(pid) for pid in ray_pids), grace)
        leaked = [pid for pid in ray_pids if alive(pid)]
        shutil.rmtree(folder, ignore_errors=True)
        assert ray_pids and not leaked, f"the cluster's processes: {ray_pids}, left: {leaked}"


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""
