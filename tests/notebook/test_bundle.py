"""The notebook widget's one ES module (static/js/widget.bundle.js) is committed, so that
`pip install` needs no Node.js; this checks it is what its sources build today: package.json's
build script, run into a temporary folder with the esbuild package-lock.json pins, must give
the same bytes. When it fails: `npm ci && npm run build:widget`, and commit the bundle."""

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "js" / "widget.bundle.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


def esbuild():
    """node_modules' esbuild, or a skip (a failure where NNPLAY_REQUIRE_BUNDLER=1, as in CI)."""
    if ESBUILD.exists():
        return ESBUILD
    message = "esbuild is not installed: run `npm ci` at the repository's top (.ci/run does)"
    if os.environ.get("NNPLAY_REQUIRE_BUNDLER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def build_command(outfile):
    """package.json's build:widget script, writing to `outfile` instead."""
    script = json.loads((ROOT / "package.json").read_text())["scripts"]["build:widget"]
    words = shlex.split(script)
    assert words[0] == "esbuild", script
    outs = [w for w in words if w.startswith("--outfile=")]
    assert outs == ["--outfile=static/js/widget.bundle.js"], script
    return [str(esbuild())] + [f"--outfile={outfile}" if w in outs else w for w in words[1:]]


def test_esbuild_is_pinned_to_one_version():
    declared = json.loads((ROOT / "package.json").read_text())["devDependencies"]["esbuild"]
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert declared == lock["node_modules/esbuild"]["version"], "package.json pins esbuild"
    version = subprocess.run([str(esbuild()), "--version"], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert version == declared, f"node_modules has esbuild {version}: run `npm ci`"


def test_the_committed_bundle_is_what_its_sources_build(tmp_path):
    out = tmp_path / "widget.bundle.js"
    subprocess.run(build_command(out), cwd=ROOT, capture_output=True, check=True)
    built, committed = out.read_text(encoding="utf-8"), BUNDLE.read_text(encoding="utf-8")
    assert built == committed, ("static/js/widget.bundle.js is stale: its sources changed. "
                                "Run `npm ci && npm run build:widget` and commit it")
    # the bundle holds the page's own modules, not copies of them
    for module in ("network-view.js", "boundary.js", "charts.js", "socket.js", "widget.js"):
        assert f"// static/js/{module}\n" in committed
