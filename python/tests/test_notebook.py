"""docs/notebook.ipynb executed headlessly (nbclient): the report's output
carries text/plain, text/markdown and static text/html within the limits
that untrusted JupyterLab, VS Code, GitHub and nbviewer show (SPEC §7)."""

from __future__ import annotations

import pathlib

import pytest

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "docs" / "notebook.ipynb"


def report_output(nb):
    for cell in nb.cells:
        if cell.cell_type == "code" and "attest.check(" in cell.source:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "execute_result":
                    return out["data"]
    raise AssertionError("no report output in the notebook")


def assert_static(data):
    assert {"text/plain", "text/markdown", "text/html"} <= set(data)
    html = data["text/html"]
    assert len(html.encode()) <= 200_000
    lower = html.lower()
    for banned in ("<script", "<style", "<iframe", "<svg", "wasm"):
        assert banned not in lower, banned
    assert lower.count('src="data:image/svg+xml;base64,') >= 2
    assert "| status | check | finding | deciding number |" in data["text/markdown"]
    assert data["text/markdown"].startswith("<!-- attest:report model=")
    assert data["text/plain"].startswith("<attest.Report ")


def test_committed_notebook_has_its_outputs():
    nbformat = pytest.importorskip("nbformat")
    assert NOTEBOOK.stat().st_size <= 1_000_000
    assert_static(report_output(nbformat.read(NOTEBOOK, as_version=4)))


def test_notebook_executes_headlessly(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("sklearn")
    import sys

    sys.path.insert(0, str(NOTEBOOK.parents[1] / "scripts"))
    from make_notebook import build, execute

    nb = execute(build(), str(tmp_path))
    assert_static(report_output(nb))
    # The other cells ran too: the metrics table and the verdict.
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"]
    assert any(("pass" in t or "warn" in t or "fail" in t) for t in texts)
