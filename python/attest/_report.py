"""The report object: the SPEC §4 document, its views and its signatures."""

from __future__ import annotations

import json
import os
import tempfile
import webbrowser
from dataclasses import dataclass, field
from typing import Any

from . import _attest, _render

#: The metric entry's keys, in the order `metrics()` gives them.
_METRIC_KEYS = ("check", "name", "column", "dataset", "against", "segment", "chunk", "value", "threshold", "status")


@dataclass(frozen=True)
class VerifyResult:
    """What ``Report.verify`` found: ``valid`` as ``attest verify``'s exit
    status 0, its text, and each signature's check."""

    valid: bool
    text: str
    signatures: list = field(default_factory=list)
    problem: str | None = None

    def __bool__(self) -> bool:
        return self.valid


class Report:
    """An Attest report (SPEC §4), from :func:`attest.check` or :func:`attest.load_report`."""

    def __init__(self, text: str, *, seconds: float | None = None, path: str | None = None):
        self._text = text
        self._doc = json.loads(text)
        self._seconds = seconds
        self._path = path

    # The verdict.
    @property
    def status(self) -> str:
        """``"pass"``, ``"warn"``, ``"fail"`` or ``"error"``."""
        return self._doc["summary"]["status"]

    @property
    def passed(self) -> bool:
        """No check failed or errored (warnings allowed): the CLI's exit status 0."""
        return self.status in ("pass", "warn")

    @property
    def checks(self) -> list[dict]:
        return self._doc["checks"]

    def check(self, id: str) -> dict:
        """One check's entry by id (``"feature_drift"``, …)."""
        for c in self.checks:
            if c["id"] == id:
                return c
        raise KeyError(f"no check {id!r} (the checks: {', '.join(c['id'] for c in self.checks)})")

    # The document.
    def to_json(self) -> str:
        """The report document, as the CLI writes it (byte for byte)."""
        return self._text

    def to_dict(self) -> dict:
        return json.loads(self._text)

    def metrics(self):
        """One row per metric entry: a pandas DataFrame when pandas is
        installed, else a pyarrow Table, else a list of dicts."""
        rows = []
        for c in self.checks:
            for m in c.get("metrics", []):
                rows.append({k: (c["id"] if k == "check" else m.get(k)) for k in _METRIC_KEYS})
        try:
            import pandas as pd

            return pd.DataFrame(rows, columns=list(_METRIC_KEYS))
        except ImportError:
            pass
        try:
            import pyarrow as pa

            return pa.Table.from_pylist(rows)
        except ImportError:
            return rows

    def save_json(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self._text)

    def save_html(self, path: str | os.PathLike) -> None:
        """The one-file interactive report (the viewer with the report
        inside; opens from ``file://`` with no network), as ``attest check
        --html`` writes it."""
        html, _interactive = _attest.one_file_html(self._text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)

    def markdown(self) -> str:
        """The Markdown summary (SPEC §8) ``attest check --markdown`` writes:
        for a pull-request comment or a step summary."""
        return _attest.markdown(self._text)

    def save_markdown(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.markdown())

    def save_junit(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(_attest.junit(self._text))

    def summary(self) -> str:
        """The text the CLI prints after a run."""
        return _attest.summary(self._text, self._seconds or 0.0)

    def verify(self, trusted_keys: Any = None) -> VerifyResult:
        """Check the report's signatures as ``attest verify`` does;
        ``trusted_keys`` is a path to a trusted-keys file or its dict."""
        keys = None
        if trusted_keys is not None:
            if isinstance(trusted_keys, (str, os.PathLike)):
                with open(trusted_keys, encoding="utf-8") as f:
                    keys = f.read()
            else:
                keys = json.dumps(trusted_keys)
        valid, text, detail = _attest.verify(self._text, keys, self._path or "report")
        d = json.loads(detail)
        return VerifyResult(valid, text, d.get("signatures", []), d.get("problem"))

    def show(self) -> str:
        """Open the interactive one-file report in a browser; returns its path."""
        fd, path = tempfile.mkstemp(prefix="attest-report-", suffix=".html")
        os.close(fd)
        self.save_html(path)
        webbrowser.open("file://" + path)
        return path

    # Notebooks.
    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {
            "text/plain": self.__repr__(),
            "text/markdown": self.markdown(),
            "text/html": _render.html(self._doc),
        }

    def __repr__(self) -> str:
        counts = self._doc["summary"]["counts"]
        parts = ", ".join(f"{counts[k]} {k}" for k in ("pass", "warn", "fail", "error", "skipped") if counts.get(k))
        return f"<attest.Report {self.status.upper()}: {parts}>"


def load_report(path: str | os.PathLike) -> Report:
    """Open a saved report: its JSON, or a one-file HTML report (signed or not)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise _attest.InputError(f"cannot read the report {os.fspath(path)}: {e}") from e
    return Report(_attest.parse_report(text), path=os.fspath(path))
