"""Shared fixtures: the conformance cases of ``../shared/conformance``."""

from __future__ import annotations

import json
import os
import pathlib
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def conformance_dir() -> pathlib.Path:
    d = os.environ.get("ATTEST_CONFORMANCE_DIR")
    return pathlib.Path(d) if d else ROOT.parent / "shared" / "conformance"


@pytest.fixture(scope="session")
def conformance() -> pathlib.Path:
    d = conformance_dir()
    # Conformance is never skipped silently: a missing folder fails.
    assert (d / "expected.json").is_file(), f"no conformance cases at {d}"
    return d


def load_cases() -> dict:
    return json.loads((conformance_dir() / "expected.json").read_text())


def case_arguments(case: dict) -> dict:
    """The keywords of attest.check for a case: its roles, and its
    configuration (TOML text) as a dict."""
    config = tomllib.loads(case.get("config") or "")
    roles = dict(case.get("roles") or {})
    feature_time = roles.pop("feature_time", None)
    if feature_time:
        config.setdefault("roles", {}).setdefault("feature_time", feature_time)
    kwargs = {k: v for k, v in roles.items()}
    if "segments" in kwargs:
        kwargs["segments"] = kwargs.pop("segments")
    return {"config": config or None, **kwargs}


def same_key(metric: dict, expected: dict) -> bool:
    return all(metric.get(k) == expected.get(k) for k in ("name", "column", "dataset", "against", "segment", "chunk"))


def disagreements(report, expected: list[dict], default: dict) -> list[str]:
    """As the Rust conformance tests: every expected entry found once and
    within |got − expected| ≤ abs + rel·|expected|."""
    metrics = [m for c in report.checks for m in c.get("metrics", [])]
    out = []
    for e in expected:
        found = [m for m in metrics if same_key(m, e)]
        tol = e.get("tolerance") or default
        key = {k: e[k] for k in ("name", "column", "dataset", "against", "segment", "chunk") if k in e}
        if len(found) != 1:
            out.append(f"{key}: {len(found)} entries")
            continue
        got, want = found[0]["value"], e["value"]
        if not abs(got - want) <= tol["abs"] + tol["rel"] * abs(want):
            out.append(f"{key}: got {got!r}, expected {want!r}")
    return out
