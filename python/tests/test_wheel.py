"""The built wheel installs into a fresh venv with no Rust on the PATH and
needs nothing else: `import attest`, the `attest` command (every
subcommand) and the interactive one-file HTML."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    wheel = os.environ.get("ATTEST_WHEEL")
    if not wheel:
        pytest.skip("ATTEST_WHEEL is not set (scripts/test.sh builds the wheel and sets it)")
    d = tmp_path_factory.mktemp("fresh") / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(d)], check=True)
    # --no-index: nothing is fetched, nothing built; the wheel alone.
    subprocess.run([str(d / "bin" / "pip"), "install", "--quiet", "--no-index", wheel], check=True)
    return d


def run(venv, *args, **kw):
    # A PATH without cargo or rustc: the wheel must not need them.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(venv.parent), "LANG": "C.UTF-8"}
    # From the venv's folder, never the source folder (whose attest/ has no
    # compiled extension).
    kw.setdefault("cwd", str(venv.parent))
    return subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=300, **kw)


def test_import_and_version(venv):
    assert run(venv, "sh", "-c", "command -v cargo || command -v rustc").stdout == ""
    r = run(venv, str(venv / "bin" / "python"), "-c", "import attest; print(attest.__version__)")
    assert r.returncode == 0, r.stderr
    v = run(venv, str(venv / "bin" / "attest"), "--version")
    assert v.returncode == 0, v.stderr
    assert v.stdout.strip() == f"attest {r.stdout.strip()}"


def test_the_command_checks_and_writes_the_interactive_html(venv, conformance, tmp_path):
    case = conformance / "binary_0"
    r = run(venv, str(venv / "bin" / "attest"), "check", "--reference", str(case / "reference.parquet"),
            "--current", str(case / "current.parquet"), "--json", str(tmp_path / "r.json"),
            "--html", str(tmp_path / "r.html"))
    assert r.returncode in (0, 1), r.stderr
    assert "no web viewer" not in r.stderr
    assert 'id="attest-css"' in (tmp_path / "r.html").read_text()
    bad = run(venv, str(venv / "bin" / "attest"), "check", "--reference", "nope.parquet", "--current", "x")
    assert bad.returncode == 2 and "cannot open the reference dataset" in bad.stderr
    verify = run(venv, str(venv / "bin" / "attest"), "verify", str(tmp_path / "r.json"))
    assert verify.returncode == 1 and "no signatures" in verify.stdout
    assert pathlib.Path(tmp_path / "r.json").stat().st_size > 1000
