"""Start a real `nnplay` (uvicorn) in a subprocess on a free port, for end-to-end tests."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


class Server:
    def __init__(self, proc, url, output):
        self.proc, self.url, self.output = proc, url, output

    @property
    def ws_url(self):
        return self.url.replace("http://", "ws://") + "ws"

    @property
    def pid(self):
        return self.proc.pid

    def rss_kib(self):
        """Resident memory of the server process, from /proc."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def stats(self):
        return httpx.get(self.url + "api/stats", timeout=10).json()


@contextmanager
def running(*args, env=None, timeout=30.0):
    """A started server; its printed lines are in server.output."""
    cmd = [sys.executable, "-m", "app", "--no-browser", "--port", "0", "--log-level",
           "warning", *args]
    scratch = None
    if "--data-dir" not in args and "NNPLAY_DATA_DIR" not in (env or {}):
        # Never the user's own data folder (saved runs, datasets): a scratch one, removed after.
        scratch = tempfile.TemporaryDirectory(prefix="nnplay-e2e-")
        cmd += ["--data-dir", scratch.name]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, **(env or {})})
    output = []
    deadline = time.monotonic() + timeout
    url = None
    try:
        while url is None:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"nnplay exited ({proc.wait()}): {''.join(output)}")
            output.append(line)
            m = re.search(r"serving on (http://\S+/)", line)
            if m:
                url = m.group(1)
            if time.monotonic() > deadline:
                raise RuntimeError(f"nnplay did not start: {''.join(output)}")
        while httpx.get(url + "healthz", timeout=5).status_code != 200:
            time.sleep(0.05)
        yield Server(proc, url, output)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
        output.append(rest or "")
        if scratch is not None:
            scratch.cleanup()
