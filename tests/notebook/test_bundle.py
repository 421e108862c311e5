"""The built front-end files are committed, so that `pip install` needs no Node.js: the
notebook widget's one ES module (static/js/widget.bundle.js) and the page's one library,
i18next (static/js/vendor/i18next.js). This checks each is what its sources build today:
package.json's build script, run into a temporary folder with package-lock.json's pins, must
give the same bytes. When it fails: `npm ci && npm run build`, and commit what it wrote."""

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "static" / "js" / "widget.bundle.js"
VENDOR = ROOT / "static" / "js" / "vendor" / "i18next.js"
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"


def esbuild():
    """node_modules' esbuild, or a skip (a failure where NNPLAY_REQUIRE_BUNDLER=1, as in CI)."""
    if ESBUILD.exists():
        return ESBUILD
    message = "esbuild is not installed: run `npm ci` at the repository's top (.ci/run does)"
    if os.environ.get("NNPLAY_REQUIRE_BUNDLER") == "1":
        pytest.fail(message)
    pytest.skip(message)


def build_command(outfile, script="build:widget", committed="static/js/widget.bundle.js"):
    """package.json's `script`, writing to `outfile` instead of `committed`."""
    script = json.loads((ROOT / "package.json").read_text())["scripts"][script]
    words = shlex.split(script)
    assert words[0] == "esbuild", script
    outs = [w for w in words if w.startswith("--outfile=")]
    assert outs == [f"--outfile={committed}"], script
    return [str(esbuild())] + [f"--outfile={outfile}" if w in outs else w for w in words[1:]]


def test_esbuild_and_i18next_are_pinned_to_one_version():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    declared = package["devDependencies"]["esbuild"]
    assert declared == lock["node_modules/esbuild"]["version"], "package.json pins esbuild"
    i18next = package["dependencies"]["i18next"]
    assert i18next == lock["node_modules/i18next"]["version"], "package.json pins i18next"
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


def test_the_committed_i18next_is_what_its_pinned_package_builds(tmp_path):
    out = tmp_path / "i18next.js"
    subprocess.run(build_command(out, "build:vendor", "static/js/vendor/i18next.js"), cwd=ROOT,
                   capture_output=True, check=True)
    built, committed = out.read_text(encoding="utf-8"), VENDOR.read_text(encoding="utf-8")
    assert built == committed, ("static/js/vendor/i18next.js is not what package-lock.json's "
                                "i18next builds: `npm ci && npm run build:vendor`, and commit it")
    assert "// node_modules/i18next/dist/esm/i18next.js\n" in committed
