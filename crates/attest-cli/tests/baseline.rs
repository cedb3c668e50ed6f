//! Held to the signed-off validation (SPEC §8): `attest check --baseline`
//! and `attest compare` with a better and a worse candidate, and a
//! trusted, an untrusted and a rejected baseline.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn conformance_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
}

fn attest() -> Command {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("CI");
    c
}

fn case(name: &str) -> (PathBuf, PathBuf) {
    let d = conformance_dir().join(name);
    (d.join("reference.parquet"), d.join("current.parquet"))
}

/// `attest check` on binary_0 (with `extra`), its exit code and report.
fn run(extra: &[&str], out: &Path) -> (i32, Value, String) {
    let (r, c) = case("binary_0");
    let o = attest()
        .arg("check")
        .arg("--reference")
        .arg(r)
        .arg("--current")
        .arg(c)
        .arg("--json")
        .arg(out)
        .args(extra)
        .output()
        .expect("runs");
    let report = std::fs::read_to_string(out)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    (
        o.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The baseline: this run's own report with its current roc_auc moved by `shift`.
fn baseline(dir: &Path, shift: f64, name: &str) -> PathBuf {
    let plain = dir.join("plain.json");
    let (_, mut report, _) = run(&[], &plain);
    for c in report["checks"].as_array_mut().expect("checks") {
        if c["id"] == "performance" {
            for m in c["metrics"].as_array_mut().expect("metrics") {
                if m["name"] == "roc_auc" && m["dataset"] == "current" && m.get("segment").is_none()
                {
                    m["value"] = Value::from(m["value"].as_f64().expect("number") + shift);
                }
            }
        }
    }
    let path = dir.join(name);
    // Written as Attest writes reports, so that it can be signed.
    let report: attest_check::Report = serde_json::from_value(report).expect("a report");
    std::fs::write(&path, report.to_json()).expect("write");
    path
}

fn comparison(report: &Value) -> &Value {
    report["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "baseline_comparison"))
        .expect("a baseline_comparison check")
}

#[test]
fn a_better_and_a_worse_candidate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // The baseline was worse by 0.05: this run is better, and passes.
    let worse_base = baseline(d, -0.05, "worse-base.json");
    let md = d.join("s.md");
    let (code, report, err) = run(
        &[
            "--baseline",
            worse_base.to_str().expect("utf-8"),
            "--markdown",
            md.to_str().expect("utf-8"),
        ],
        &d.join("a.json"),
    );
    let c = comparison(&report);
    assert_eq!(c["status"], "pass", "{c}");
    assert_eq!(code, 1, "binary_0 fails other checks: {err}");
    let roc = c["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["segment"]["value"] == "roc_auc" && m["dataset"] == "current")
        .expect("roc_auc delta");
    assert!(
        (roc["value"].as_f64().expect("number") - 0.05).abs() < 1e-9,
        "{roc}"
    );
    assert_eq!(roc["threshold"], -0.02);
    let text = std::fs::read_to_string(&md).expect("markdown");
    assert!(
        text.contains("**Against the baseline** worse-base.json"),
        "{text}"
    );
    // The baseline was better by 0.05: this run fell past the margin.
    let better_base = baseline(d, 0.05, "better-base.json");
    let (_, report, _) = run(
        &["--baseline", better_base.to_str().expect("utf-8")],
        &d.join("b.json"),
    );
    let c = comparison(&report);
    assert_eq!(c["status"], "fail");
    assert!(
        c["message"]
            .as_str()
            .expect("message")
            .contains("roc_auc on current"),
        "{c}"
    );
    // A margin of 0.1 for roc_auc: passes again.
    let config = d.join("attest.toml");
    std::fs::write(&config, "[baseline.metrics]\nroc_auc = 0.1\n").expect("write");
    let (_, report, _) = run(
        &[
            "--baseline",
            better_base.to_str().expect("utf-8"),
            "--config",
            config.to_str().expect("utf-8"),
        ],
        &d.join("c.json"),
    );
    assert_eq!(comparison(&report)["status"], "pass");

    // attest compare on the stored reports: the same verdicts and exit codes.
    let candidate = d.join("a.json");
    let compare = |base: &Path| {
        attest()
            .arg("compare")
            .arg(base)
            .arg(&candidate)
            .arg("--json")
            .arg(d.join("cmp.json"))
            .output()
            .expect("runs")
    };
    let o = compare(&worse_base);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("PASS baseline_comparison: "));
    let o = compare(&better_base);
    assert_eq!(o.status.code(), Some(1));
    let cmp: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("cmp.json")).expect("json"))
            .expect("parses");
    assert_eq!(cmp["check"]["status"], "fail");
    let bad = attest()
        .arg("compare")
        .arg(d.join("nope.json"))
        .arg(&candidate)
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
}

fn keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let o = attest()
        .args(["keygen", "--out"])
        .arg(&key)
        .output()
        .expect("keygen");
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let public = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .find(|w| w.len() == 64)
        .expect("a public key printed")
        .to_string();
    (key, public)
}

fn sign(report: &Path, key: &Path, decision: &str) {
    let o = attest()
        .arg("sign")
        .arg(report)
        .arg("--key")
        .arg(key)
        .args([
            "--signer",
            "Val",
            "--role",
            "validator",
            "--decision",
            decision,
        ])
        .output()
        .expect("sign");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_trusted_an_untrusted_and_a_rejected_baseline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (key, public) = keygen(d, "val.key");
    let (_, other) = keygen(d, "other.key");
    let trusted = d.join("trusted-keys.json");
    std::fs::write(
        &trusted,
        format!(r#"{{"keys": [{{"name": "Val", "public_key": "{public}"}}]}}"#),
    )
    .expect("write");
    let untrusted = d.join("untrusted-keys.json");
    std::fs::write(
        &untrusted,
        format!(r#"{{"keys": [{{"name": "Other", "public_key": "{other}"}}]}}"#),
    )
    .expect("write");
    let base = baseline(d, 0.0, "base.json");
    let with = |keys: &Path, out: &str| {
        run(
            &[
                "--baseline",
                base.to_str().expect("utf-8"),
                "--trusted-keys",
                keys.to_str().expect("utf-8"),
            ],
            &d.join(out),
        )
    };
    // Not signed: refused.
    let (code, _, err) = with(&trusted, "0.json");
    assert_eq!(code, 2);
    assert!(err.contains("is not approved: it is not signed"), "{err}");
    sign(&base, &key, "approved_with_conditions");
    let (code, report, err) = with(&trusted, "1.json");
    assert_eq!(code, 1, "{err}");
    assert_eq!(comparison(&report)["status"], "pass");
    // Signed, but by a key that is not trusted.
    let (code, _, err) = with(&untrusted, "2.json");
    assert_eq!(code, 2);
    assert!(
        err.contains("no valid signature by a trusted key approves it"),
        "{err}"
    );
    // Rejected after the approval.
    sign(&base, &key, "rejected");
    let (code, _, err) = with(&trusted, "3.json");
    assert_eq!(code, 2);
    assert!(err.contains("rejected it after it was approved"), "{err}");
    // Approved again after the rejection: it counts again.
    sign(&base, &key, "approved");
    let (code, _, err) = with(&trusted, "3b.json");
    assert_eq!(code, 1, "{err}");
    // A changed byte breaks the signatures.
    let text = std::fs::read_to_string(&base).expect("read").replacen(
        "\"created_at\"",
        " \"created_at\"",
        1,
    );
    std::fs::write(&base, text).expect("write");
    let (code, _, err) = with(&trusted, "4.json");
    assert_eq!(code, 2, "{err}");
}
