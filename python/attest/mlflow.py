"""Attest reports in MLflow (SPEC §8, issue 31): ``pip install "attest-ml[mlflow]"``.

    import attest, attest.mlflow
    report = attest.check(reference, current, model=model)
    run_id = attest.mlflow.log(report)                  # the active run, else a new one
    ...
    baseline = attest.mlflow.load_report(run_id)        # later: the logged report back
    attest.check(reference, this_week, baseline=baseline)

Metrics are flattened as ``attest.<check>.<metric>[.<column>][.<dataset>]
[.vs_<against>][.<segment column>_<value>][.<chunk>]`` within MLflow's
key rules (letters, digits, ``_ - . / `` and space; at most 250
characters — a longer key ends in a hash of the whole); the report JSON,
the one-file HTML, the JUnit XML and the Markdown summary are artifacts
under ``attest/``; the tags ``attest.verdict`` and ``attest.report_sha256``
(of the JSON as logged) identify the report.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from typing import Any

from ._report import Report, load_report as _load_report

__all__ = ["log", "load_report", "metric_key"]

ARTIFACT_PATH = "attest"
_ALLOWED = re.compile(r"[^A-Za-z0-9_\-. /]")
_MAX_KEY = 250
_BATCH = 1000  # MLflow's limit of metrics in one log_batch call


def _mlflow():
    try:
        import mlflow
    except ImportError as e:
        raise ImportError('attest.mlflow needs MLflow: pip install "attest-ml[mlflow]"') from e
    return mlflow


def _part(text: Any) -> str:
    return _ALLOWED.sub("_", str(text))


def metric_key(check: str, metric: dict) -> str:
    """The MLflow key of a report's metric entry."""
    parts = ["attest", check, metric["name"]]
    if metric.get("column") is not None:
        parts.append(metric["column"])
    if metric.get("dataset") is not None:
        parts.append(metric["dataset"])
    if metric.get("against") is not None:
        parts.append(f"vs_{metric['against']}")
    if metric.get("segment") is not None:
        parts.append(f"{metric['segment']['column']}_{metric['segment']['value']}")
    if metric.get("chunk") is not None:
        parts.append(metric["chunk"])
    key = ".".join(_part(p) for p in parts)
    if len(key) > _MAX_KEY:
        digest = hashlib.sha256(key.encode()).hexdigest()[:16]
        key = key[: _MAX_KEY - 17] + "." + digest
    return key


def log(report: Report, run_id: str | None = None, *, artifact_path: str = ARTIFACT_PATH,
        html: bool = True) -> str:
    """Log ``report`` to an MLflow run — ``run_id``, else the active run,
    else a new run — and return the run's id."""
    mlflow = _mlflow()
    from mlflow.entities import Metric
    from mlflow.tracking import MlflowClient

    if not isinstance(report, Report):
        raise TypeError(f"log: a {type(report).__name__} is not an attest.Report")
    started = None
    if run_id is None:
        active = mlflow.active_run()
        if active is None:
            started = mlflow.start_run(run_name=report.to_dict().get("config", {}).get("model", {}).get("name"))
            run_id = started.info.run_id
        else:
            run_id = active.info.run_id
    client = MlflowClient()
    try:
        text = report.to_json()
        metrics: dict[str, float] = {}
        for c in report.checks:
            for m in c.get("metrics", []):
                metrics.setdefault(metric_key(c["id"], m), float(m["value"]))
        import time

        now = int(time.time() * 1000)
        items = [Metric(k, v, now, 0) for k, v in metrics.items()]
        for i in range(0, len(items), _BATCH):
            client.log_batch(run_id, metrics=items[i:i + _BATCH])
        client.set_tag(run_id, "attest.verdict", report.status)
        client.set_tag(run_id, "attest.report_sha256", hashlib.sha256(text.encode("utf-8")).hexdigest())
        with tempfile.TemporaryDirectory() as d:
            report.save_json(os.path.join(d, "report.json"))
            report.save_junit(os.path.join(d, "junit.xml"))
            report.save_markdown(os.path.join(d, "summary.md"))
            if html:
                report.save_html(os.path.join(d, "report.html"))
            client.log_artifacts(run_id, d, artifact_path=artifact_path)
    finally:
        if started is not None:
            mlflow.end_run()
    return run_id


def load_report(run_id: str, *, artifact_path: str = ARTIFACT_PATH) -> Report:
    """The report logged to ``run_id`` (its JSON, as logged: signatures
    still verify), e.g. as the baseline of a later run."""
    mlflow = _mlflow()
    with tempfile.TemporaryDirectory() as d:
        path = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path=f"{artifact_path}/report.json",
                                                   dst_path=d)
        return _load_report(path)
