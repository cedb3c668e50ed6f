"""Report.save_html writes the interactive one-file report: opened in
headless Chromium with no network, it draws the report (the e2e helpers of
tests/e2e)."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import pytest

import attest
from attest import _attest

E2E = pathlib.Path(__file__).resolve().parents[2] / "tests" / "e2e"


def chromium_ready() -> str | None:
    if shutil.which("node") is None:
        return "no node"
    if not (E2E / "node_modules" / "playwright-core").is_dir():
        return "no playwright-core (npm ci in tests/e2e)"
    if not pathlib.Path("/usr/bin/chromium").exists():
        return "no /usr/bin/chromium"
    return None


def test_save_html_draws_in_chromium(conformance, tmp_path):
    why = chromium_ready()
    if why:
        pytest.skip(why)
    case = conformance / "binary_0"
    import pyarrow.parquet as pq

    report = attest.check(pq.read_table(case / "reference.parquet"), pq.read_table(case / "current.parquet"),
                          id="id", sensitive=["gender"], segments=["region"], progress=False)
    assert _attest.one_file_html(report.to_json())[1], "this build has no viewer (ATTEST_VIEWER_DIR)"
    out = tmp_path / "report.html"
    report.save_html(out)
    run = subprocess.run(["node", str(E2E / "open_report.mjs"), str(out), str(tmp_path / "report.png")],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown["charts"] > 0
    assert (tmp_path / "report.png").stat().st_size > 10_000
