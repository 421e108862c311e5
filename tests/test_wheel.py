"""The wheel runs: `.ci/wheel-smoke` builds the sdist and wheel, installs the wheel in a fresh
venv and serves the page from an empty folder. One script does it for CI and for pytest; .ci/run
runs it first and sets NNPLAY_WHEEL_SMOKE=passed, so the suite it runs next does not build twice.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SMOKE = Path(__file__).resolve().parents[1] / ".ci" / "wheel-smoke"


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NNPLAY_WHEEL_SMOKE") == "passed",
                    reason=".ci/run already ran .ci/wheel-smoke on this checkout")
def test_the_wheel_serves_the_page_from_a_fresh_venv():
    done = subprocess.run([sys.executable, str(SMOKE)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wheel-smoke: passed" in done.stdout
