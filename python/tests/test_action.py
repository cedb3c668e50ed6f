"""The composite GitHub Action (action.yml), run without GitHub: each step
as the runner would run it — inputs and expressions substituted, a fresh
GITHUB_OUTPUT and GITHUB_STEP_SUMMARY file per step, GITHUB_ACTIONS=true,
`if: always()` honoured, the upload step recorded — for a passing, a
failing and a bad-input case (SPEC §8, issue 31)."""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

yaml = pytest.importorskip("yaml")

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Run:
    def __init__(self, code, outputs, summary, stdout, uploads):
        self.code, self.outputs, self.summary, self.stdout, self.uploads = code, outputs, summary, stdout, uploads


def run_action(inputs: dict, work: pathlib.Path) -> Run:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"not inputs of the action: {unknown}"
    values.update(inputs)
    for k, v in action["inputs"].items():
        if v.get("required"):
            assert values.get(k), f"input {k} is required"
    steps: dict[str, dict] = {}

    def evaluate(expr: str) -> str:
        for alternative in expr.split("||"):
            a = alternative.strip()
            if a.startswith("inputs."):
                v = values[a[len("inputs."):]]
            elif a == "github.action_path":
                v = str(ROOT)
            elif a.startswith("steps."):
                _, sid, _, key = a.split(".", 3)
                v = steps.get(sid, {}).get(key, "")
            elif re.fullmatch(r"-?\d+", a):
                v = a
            else:
                raise AssertionError(f"expression not understood by the harness: {a}")
            if v:
                return v
        return ""

    def sub(text: str) -> str:
        return EXPR.sub(lambda m: evaluate(m.group(1)), text)

    failed = False
    summary = ""
    stdout = ""
    uploads = []
    env_base = {
        "PATH": f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(work),
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "LANG": "C.UTF-8",
    }
    code = None
    for i, step in enumerate(action["runs"]["steps"]):
        condition = step.get("if", "success()")
        if condition == "success()" and failed:
            continue
        assert condition in ("success()", "always()"), condition
        if "uses" in step:
            assert step["uses"].startswith("actions/upload-artifact@")
            with_ = {k: sub(str(v)) for k, v in step["with"].items()}
            path = work / with_["path"]
            uploads.append((with_["name"], sorted(p.name for p in path.glob("*")) if path.exists() else []))
            continue
        out, summ = work / f"output-{i}", work / f"summary-{i}"
        out.touch()
        summ.touch()
        env = dict(env_base, GITHUB_OUTPUT=str(out), GITHUB_STEP_SUMMARY=str(summ))
        env.update({k: sub(str(v)) for k, v in step.get("env", {}).items()})
        p = subprocess.run(["bash", "-e", "-c", sub(step["run"])], cwd=work, env=env, capture_output=True,
                           text=True, timeout=600)
        stdout += p.stdout
        summary += summ.read_text()
        if "id" in step:
            steps[step["id"]] = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
        if p.returncode != 0:
            failed = True
            code = p.returncode
    outputs = {k: evaluate(EXPR.fullmatch(str(v["value"]).strip()).group(1)) for k, v in action["outputs"].items()}
    return Run(code if code is not None else 0, outputs, summary, stdout, uploads)


@pytest.fixture()
def work(tmp_path):
    return tmp_path


def conformance_pair(conformance, case):
    return str(conformance / case / "reference.parquet"), str(conformance / case / "current.parquet")


def test_a_passing_run(conformance, work):
    ref, cur = conformance_pair(conformance, "skew_join")
    r = run_action({"reference": ref, "current": cur, "version": "none"}, work)
    assert r.code == 0
    assert r.outputs["verdict"] == "pass"
    assert r.outputs["exit-code"] == "0"
    assert r.outputs["failed-checks"] == ""
    assert r.outputs["report-json"] == "attest-report/report.json"
    assert r.outputs["markdown"] == "attest-report/summary.md"
    assert r.summary.startswith("<!-- attest:report model=unnamed -->")
    assert r.uploads == [("attest-report", ["junit.xml", "report.html", "report.json", "summary.md"])]
    assert "::error" not in r.stdout


def test_a_failing_run_and_fail_on_warn(conformance, work):
    ref, cur = conformance_pair(conformance, "binary_0")
    r = run_action({"reference": ref, "current": cur, "version": "none", "args": "--sensitive gender"}, work)
    assert r.code == 1
    assert r.outputs["verdict"] == "fail"
    assert set(r.outputs["failed-checks"].split(",")) == {"feature_drift", "fairness"}
    assert "::error title=attest feature_drift::" in r.stdout
    assert "Attest: FAIL" in r.summary
    assert r.uploads[0][1] == ["junit.xml", "report.html", "report.json", "summary.md"]
    ref, cur = conformance_pair(conformance, "importance_proxy")
    warn = run_action({"reference": ref, "current": cur, "version": "none", "fail-on": "warn",
                       "output-dir": "out2"}, work)
    assert (warn.code, warn.outputs["verdict"], warn.outputs["exit-code"]) == (1, "warn", "1")


def test_a_bad_input(conformance, work):
    _, cur = conformance_pair(conformance, "binary_0")
    r = run_action({"reference": "no/such/file.parquet", "current": cur, "version": "none"}, work)
    assert r.code == 2
    assert r.outputs["verdict"] == "error"
    assert r.outputs["exit-code"] == "2"
    assert r.outputs["markdown"] == ""
    # The upload still ran (if: always()), with nothing to upload.
    assert r.uploads == [("attest-report", [])]


def test_held_to_a_baseline_through_the_action(conformance, work):
    import json

    ref, cur = conformance_pair(conformance, "importance_proxy")
    first = run_action({"reference": ref, "current": cur, "version": "none", "output-dir": "base"}, work)
    assert first.code == 0
    r = run_action({"reference": ref, "current": cur, "version": "none", "baseline": "base/report.json"}, work)
    assert r.code == 0
    assert "**Against the baseline** report.json" in r.summary
    report = json.loads((work / "attest-report/report.json").read_text())
    held = [c for c in report["checks"] if c["id"] == "baseline_comparison"]
    assert held and held[0]["status"] == "pass" and len(held[0]["metrics"]) >= 4


def test_an_input_cannot_inject_a_command(conformance, work):
    _, cur = conformance_pair(conformance, "binary_0")
    r = run_action({"reference": "$(touch injected)", "current": cur, "version": "none"}, work)
    assert r.code == 2
    assert not (work / "injected").exists()
