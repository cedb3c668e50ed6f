"""attest.mlflow: a report logged to MLflow (metrics, artifacts, tags) in a
local SQLite tracking store comes back as the baseline of a later run."""

from __future__ import annotations

import hashlib
import json

import pytest

import attest

mlflow = pytest.importorskip("mlflow")
import attest.mlflow as attest_mlflow  # noqa: E402


@pytest.fixture()
def tracking(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment("attest", artifact_location=(tmp_path / "artifacts").as_uri())
    mlflow.set_experiment(experiment_id=experiment)
    yield tmp_path
    mlflow.set_tracking_uri(None)


def test_keys_follow_mlflow_rules():
    key = attest_mlflow.metric_key("performance", {"name": "accuracy", "dataset": "current",
                                                  "segment": {"column": "region", "value": "north/é=1"}})
    assert key == "attest.performance.accuracy.current.region_north/__1"
    long = attest_mlflow.metric_key("feature_drift", {"name": "psi", "column": "x" * 400})
    assert len(long) == 250
    assert long != attest_mlflow.metric_key("feature_drift", {"name": "psi", "column": "x" * 401})


def test_round_trip_and_baseline(conformance, tracking):
    case = conformance / "importance_proxy"
    ref, cur = str(case / "reference.parquet"), str(case / "current.parquet")
    report = attest.check(ref, cur, progress=False, config={"model": {"name": "churn", "version": "3"}})
    run_id = attest_mlflow.log(report)
    run = mlflow.get_run(run_id)
    assert run.info.run_name == "churn"
    assert run.data.tags["attest.verdict"] == report.status
    assert run.data.tags["attest.report_sha256"] == hashlib.sha256(report.to_json().encode()).hexdigest()
    n = sum(len(c.get("metrics", [])) for c in report.checks)
    assert len(run.data.metrics) > 0.9 * n
    perf = report.check("performance")
    auc = next(m for m in perf["metrics"] if m["name"] == "roc_auc" and m.get("dataset") == "current"
               and "segment" not in m)
    assert run.data.metrics["attest.performance.roc_auc.current"] == pytest.approx(auc["value"], rel=0, abs=0)
    artifacts = {f.path for f in mlflow.MlflowClient().list_artifacts(run_id, "attest")}
    assert artifacts == {"attest/report.json", "attest/report.html", "attest/junit.xml", "attest/summary.md"}
    # Back from MLflow: the same document, usable as a baseline.
    back = attest_mlflow.load_report(run_id)
    assert back.to_json() == report.to_json()
    held = attest.check(ref, cur, baseline=back, progress=False)
    check = held.check("baseline_comparison")
    assert check["status"] == "pass"
    assert all(m["value"] == 0 for m in check["metrics"])
    # Logging into an active run.
    with mlflow.start_run() as active:
        assert attest_mlflow.log(held) == active.info.run_id
    assert mlflow.get_run(active.info.run_id).data.metrics["attest.baseline_comparison.baseline_delta.current.metric_roc_auc"] == 0


def test_baseline_keyword_from_python(conformance, tmp_path):
    case = conformance / "importance_proxy"
    ref, cur = str(case / "reference.parquet"), str(case / "current.parquet")
    base = attest.check(ref, cur, progress=False)
    doc = base.to_dict()
    for c in doc["checks"]:
        if c["id"] == "performance":
            for m in c["metrics"]:
                if m["name"] == "roc_auc" and m.get("dataset") == "current" and "segment" not in m:
                    m["value"] += 0.05
    path = tmp_path / "better.json"
    path.write_text(json.dumps(doc))
    held = attest.check(ref, cur, baseline=path, progress=False)
    assert held.check("baseline_comparison")["status"] == "fail"
    assert not held.passed
    with pytest.raises(attest.InputError, match="is not approved: it is not signed"):
        attest.check(ref, cur, baseline=path, trusted_keys={"keys": [{"name": "x", "public_key": "00" * 32}]},
                     progress=False)
    with pytest.raises(attest.InputError, match="baseline"):
        attest.check(ref, cur, baseline=42, progress=False)
