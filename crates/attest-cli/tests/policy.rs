//! Governance through the CLI (SPEC §8): `attest sign --finding/--close`,
//! `attest policy check` (exit codes, words, JSON) and `attest publish
//! --policy --now --check` over three models: compliant, missing an
//! independent approval, overdue.

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

/// `attest` at a fixed time (seconds since the epoch).
fn attest(at: i64) -> Command {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.env("SOURCE_DATE_EPOCH", at.to_string())
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS");
    c
}

const POLICY: &str = r#"version = "2026-12"
[tiers.high]
required_checks = ["schema", "feature_drift"]
approvals = [{ role = "validator", min = 1, independent = true }]
revalidate_days = 30
block_on_findings = ["high"]
[tiers.low]
required_checks = ["schema"]
approvals = [{ role = "validator", min = 1 }]
"#;

const DAY: i64 = 86_400;
const NOW: i64 = 1_780_000_000; // 2026-05-28T20:26:40Z
const NOW_TEXT: &str = "2026-05-28T20:26:40Z";

/// A passing report of model `name` (tier high, developer "Dee Dev").
fn report(dir: &Path, name: &str, tier: Option<&str>) -> PathBuf {
    let config = dir.join(format!("{name}.toml"));
    let tier = tier
        .map(|t| format!("tier = \"{t}\"\n"))
        .unwrap_or_default();
    std::fs::write(
        &config,
        format!("[model]\nname = \"{name}\"\n{tier}developers = [\"Dee Dev\"]\n"),
    )
    .expect("write");
    let out = dir.join(format!("{name}.json"));
    let case = conformance_dir().join("skew_join");
    let o = attest(NOW - 40 * DAY)
        .arg("check")
        .arg("--reference")
        .arg(case.join("reference.parquet"))
        .arg("--current")
        .arg(case.join("current.parquet"))
        .arg("--config")
        .arg(&config)
        .arg("--json")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    assert!(attest(0)
        .args(["keygen", "--out"])
        .arg(&key)
        .output()
        .expect("keygen")
        .status
        .success());
    key
}

fn sign(report: &Path, key: &Path, who: &str, at: i64, extra: &[&str]) -> std::process::Output {
    attest(at)
        .arg("sign")
        .arg(report)
        .arg("--key")
        .arg(key)
        .args([
            "--signer",
            who,
            "--role",
            "validator",
            "--decision",
            "approved",
        ])
        .args(extra)
        .output()
        .expect("sign")
}

fn policy_check(report: &Path, policy: &Path, json: &Path) -> (i32, String, Value) {
    let o = attest(0)
        .args(["policy", "check"])
        .arg(report)
        .arg("--policy")
        .arg(policy)
        .args(["--now", NOW_TEXT, "--json"])
        .arg(json)
        .output()
        .expect("policy check");
    let value = std::fs::read_to_string(json)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let _ = std::fs::remove_file(json);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        value,
    )
}

#[test]
fn three_models_judged_checked_and_published() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let reports = d.join("reports");
    std::fs::create_dir_all(&reports).expect("mkdir");
    let policy = d.join("policy.toml");
    std::fs::write(&policy, POLICY).expect("write");
    let val = keygen(d, "val.key");
    let dev = keygen(d, "dev.key");
    let json = d.join("result.json");

    // Compliant: an independent validator 10 days ago, a low finding open.
    let a = report(&reports, "alpha", Some("high"));
    let o = sign(
        &a,
        &val,
        "Val Idator",
        NOW - 10 * DAY,
        &[
            "--finding",
            "low:F1:Document the income bins",
            "--owner",
            "Dee Dev",
            "--due",
            "2026-07-01",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, words, c) = policy_check(&a, &policy, &json);
    assert_eq!(code, 0, "{words}");
    assert!(
        words.contains("COMPLIANT (tier high, policy 2026-12, valid until 2026-06-17T20:26:40Z)"),
        "{words}"
    );
    assert_eq!(c["compliant"], true);
    assert_eq!(c["open_findings"]["low"], 1);
    assert_eq!(c["findings"][0]["owner"], "Dee Dev");

    // Missing the independent approval: signed by its developer.
    let b = report(&reports, "beta", Some("high"));
    assert!(sign(&b, &dev, "Dee Dev", NOW - 5 * DAY, &[])
        .status
        .success());
    let (code, words, c) = policy_check(&b, &policy, &json);
    assert_eq!(code, 1, "{words}");
    assert_eq!(
        c["reasons"][0],
        "tier high needs 1 independent validator approval; found 0: 'Dee Dev' is a developer of this model"
    );
    assert!(words.contains("NOT COMPLIANT"));

    // Overdue: approved 45 days ago, revalidated every 30.
    let g = report(&reports, "gamma", Some("high"));
    assert!(sign(&g, &val, "Val Idator", NOW - 45 * DAY, &[])
        .status
        .success());
    let (code, _, c) = policy_check(&g, &policy, &json);
    assert_eq!(code, 1);
    assert_eq!(c["overdue"], true);
    assert!(
        c["reasons"][0]
            .as_str()
            .expect("reason")
            .starts_with("the approval expired at"),
        "{c}"
    );

    // A high finding blocks until it is closed.
    assert!(sign(
        &a,
        &val,
        "Val Idator",
        NOW - 9 * DAY,
        &["--finding", "high:F2:Fairness not assessed"]
    )
    .status
    .success());
    let (code, words, _) = policy_check(&a, &policy, &json);
    assert_eq!(code, 1, "{words}");
    assert!(
        words.contains("open high finding F2: Fairness not assessed"),
        "{words}"
    );
    assert!(
        sign(&a, &val, "Val Idator", NOW - 8 * DAY, &["--close", "F2"])
            .status
            .success()
    );
    assert_eq!(policy_check(&a, &policy, &json).0, 0);

    // Input errors: no tier, a tier the policy lacks, a bad policy file.
    let n = report(d, "none", None);
    let (code, words, _) = policy_check(&n, &policy, &json);
    assert_eq!(code, 2);
    assert!(words.contains("names no tier"), "{words}");
    let m = report(d, "mid", Some("medium"));
    assert_eq!(policy_check(&m, &policy, &json).0, 2);
    let bad = d.join("bad.toml");
    std::fs::write(&bad, POLICY.replace("revalidate_days", "revalidate_every")).expect("write");
    let (code, words, _) = policy_check(&a, &bad, &json);
    assert_eq!(code, 2);
    assert!(
        words.contains("line 5") && words.contains("revalidate_every"),
        "{words}"
    );

    // The inventory: a stand-in viewer, the policy, the time, --check.
    let viewer = d.join("viewer");
    std::fs::create_dir_all(&viewer).expect("mkdir");
    std::fs::write(
        viewer.join("app.js"),
        "async function __wbg_init(m) { return m; }\nexport { __wbg_init as default };\n",
    )
    .expect("js");
    std::fs::write(viewer.join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("wasm");
    std::fs::write(viewer.join("main.css"), "body { margin: 0 }\n").expect("css");
    std::fs::write(viewer.join("index.html"), "<!doctype html><head></head>").expect("index");
    let site = d.join("site");
    let publish = |check: bool| {
        let mut c = attest(0);
        c.arg("publish")
            .arg(&reports)
            .arg(&site)
            .arg("--viewer")
            .arg(&viewer)
            .arg("--policy")
            .arg(&policy)
            .args(["--now", NOW_TEXT]);
        if check {
            c.arg("--check");
        }
        c.output().expect("publish")
    };
    let o = publish(true);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let alerts = String::from_utf8_lossy(&o.stderr);
    assert!(
        alerts.contains("beta (reports/beta.json): NOT COMPLIANT"),
        "{alerts}"
    );
    assert!(
        alerts.contains("gamma (reports/gamma.json): NOT COMPLIANT, OVERDUE"),
        "{alerts}"
    );
    assert!(!alerts.contains("alpha"), "{alerts}");
    assert_eq!(publish(false).status.code(), Some(0));
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("index.json")).expect("index"))
            .expect("json");
    let by = |m: &str| {
        index["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .find(|e| e["model"] == m)
            .expect("entry")
            .clone()
    };
    assert_eq!(by("alpha")["compliant"], true);
    assert_eq!(by("alpha")["tier"], "high");
    assert_eq!(by("alpha")["valid_until"], "2026-06-19T20:26:40Z");
    assert_eq!(by("alpha")["open_findings"]["low"], 1);
    assert_eq!(by("beta")["compliant"], false);
    assert_eq!(by("gamma")["overdue"], true);
    assert_eq!(
        std::fs::read_to_string(site.join("policy.toml")).expect("policy"),
        POLICY
    );
    // What the page's compliance panel shows: each requirement, met or not.
    let met: Vec<bool> = by("beta")["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| r["met"].as_bool().expect("met"))
        .collect();
    assert_eq!(met, [true, true, false, true, true]);
}

#[test]
fn bad_findings_are_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let d = tmp.path();
    let key = keygen(d, "k");
    let r = report(d, "alpha", Some("high"));
    for (extra, said) in [
        (
            &["--finding", "severe:F1:x"][..],
            "severity is high, medium or low",
        ),
        (&["--finding", "high:F1"][..], "expected SEVERITY:ID:TEXT"),
        (
            &["--close", "F9"][..],
            "finding F9 is not in the report yet",
        ),
        (
            &["--finding", "low:F1:x", "--due", "next week"][..],
            "is not a date YYYY-MM-DD",
        ),
        (
            &["--owner", "someone"][..],
            "--owner and --due go with a --finding",
        ),
    ] {
        let o = sign(&r, &key, "Val", NOW, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(said),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
