"""The report object: the document, its table of metrics, files, notebook
views within their limits, and signatures (SPEC §7)."""

from __future__ import annotations

import base64
import json
import re

import pytest

import attest
from attest import _attest


@pytest.fixture(scope="module")
def report(conformance):
    case = conformance / "validation_binary"
    config = {"backtest": {"chunk": "month"}, "roles": {"feature_time": {"income": "income_known_at"}},
              "model": {"name": "credit-risk", "version": "2.1"}}
    return attest.check(str(case / "reference.parquet"), str(case / "current.parquet"), str(case / "train.parquet"),
                        config=config, id="id", timestamp="timestamp", challenger_score="challenger_score",
                        challenger_prediction="challenger_prediction", progress=False)


def test_status_and_document(report):
    doc = report.to_dict()
    assert doc["format"] == "attest-report"
    assert report.status == doc["summary"]["status"]
    assert report.passed == (report.status in ("pass", "warn"))
    assert json.loads(report.to_json()) == doc
    assert report.check("feature_drift")["id"] == "feature_drift"
    with pytest.raises(KeyError):
        report.check("nope")


def test_metrics_table(report):
    table = report.metrics()
    n = sum(len(c.get("metrics", [])) for c in report.checks)
    assert len(table) == n
    assert list(table.columns[:3]) == ["check", "name", "column"]
    drift = table[(table["check"] == "feature_drift") & (table["name"] == "ks_statistic")]
    assert set(drift["column"]) >= {"age", "income"}


def test_mimebundle_is_static_complete_and_small(report):
    bundle = report._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/markdown", "text/html"}
    html = bundle["text/html"]
    assert len(html.encode()) <= 200_000
    for banned in ("<script", "<style", "<iframe", "<svg"):
        assert banned not in html.lower(), banned
    # Every check is in the table, with its verdict.
    for c in report.checks:
        assert c["title"] in html or c["id"] in html
    images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(images) >= 3, "drift, performance and backtest charts"
    for data in images:
        svg = base64.b64decode(data).decode()
        assert svg.startswith("<svg") and "<script" not in svg
    md = bundle["text/markdown"]
    assert md == report.markdown()
    assert md.startswith("<!-- attest:report model=credit-risk -->")
    assert md.count("\n|") >= len(report.checks)
    assert "credit-risk 2.1" in md
    assert report.status.upper() in bundle["text/plain"]


def test_files_round_trip(report, tmp_path):
    report.save_json(tmp_path / "r.json")
    again = attest.load_report(tmp_path / "r.json")
    assert again.to_json() == report.to_json()
    # The interactive one-file report: the viewer is built into the package.
    assert _attest.one_file_html(report.to_json())[1], "this build has no viewer (ATTEST_VIEWER_DIR)"
    report.save_html(tmp_path / "r.html")
    from_html = attest.load_report(tmp_path / "r.html")
    assert from_html.to_dict() == report.to_dict()
    report.save_junit(tmp_path / "j.xml")
    assert "<testsuite" in (tmp_path / "j.xml").read_text()
    assert "feature_drift" in report.summary() or "drift" in report.summary()


def test_load_report_refuses_what_is_not_a_report(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}')
    with pytest.raises(attest.InputError):
        attest.load_report(tmp_path / "x.json")
    with pytest.raises(attest.InputError):
        attest.load_report(tmp_path / "missing.json")


def test_signatures_verify_as_the_cli(report, tmp_path, capfd):
    path = tmp_path / "r.json"
    report.save_json(path)
    unsigned = attest.load_report(path).verify()
    assert not unsigned.valid and "no signatures" in unsigned.text
    key = tmp_path / "key"
    assert _attest.run_cli(["attest", "keygen", "--out", str(key)]) == 0
    assert _attest.run_cli(["attest", "sign", str(path), "--key", str(key), "--signer", "Ada", "--role", "validator",
                            "--decision", "approved_with_conditions"]) == 0
    signed = attest.load_report(path)
    result = signed.verify()
    assert result.valid and bool(result)
    assert result.signatures[0]["signer"] == "Ada"
    # Trusted keys: the signer's key verifies, another's does not.
    capfd.readouterr()
    _attest.run_cli(["attest", "keygen", "--out", str(tmp_path / "other")])
    other = re.findall(r"[0-9a-f]{64}", capfd.readouterr().out)[0]
    assert not signed.verify(trusted_keys={"keys": [{"name": "Bob", "public_key": other}]}).valid
    mine = signed.to_dict()["signatures"][0]["public_key"]
    trusted = tmp_path / "trusted-keys.json"
    trusted.write_text(json.dumps({"keys": [{"name": "Ada", "public_key": mine}]}))
    assert signed.verify(trusted_keys=trusted).valid
    # One changed byte breaks the signature.
    text = path.read_text().replace('"format": "attest-report"', '"format":  "attest-report"', 1)
    path.write_text(text)
    assert not attest.load_report(path).verify().valid


def test_show_opens_the_interactive_report(report, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    path = report.show()
    assert opened == ["file://" + path]
    assert 'id="attest-css"' in open(path, encoding="utf-8").read()
