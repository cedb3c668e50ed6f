//! `attest keygen`, `attest sign`, `attest verify` through the built binary:
//! stacked signatures, trusted keys, tampering, exit statuses.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

#[path = "../../attest-check/tests/common/mod.rs"]
mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn attest() -> Command {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

fn run(args: &[&str]) -> Output {
    attest().args(args).output().expect("attest runs")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A report of the codecs fixture pair, and two keys.
fn setup(dir: &Path) -> (PathBuf, PathBuf, PathBuf, String) {
    let report = dir.join("report.json");
    let data = repo().join("tests/data/codecs");
    let o = run(&[
        "check",
        "--reference",
        s(&data.join("none.parquet")),
        "--current",
        s(&data.join("zstd.parquet")),
        "--json",
        s(&report),
    ]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    let (k1, k2) = (dir.join("validator.key"), dir.join("approver.key"));
    let o = run(&["keygen", "--out", s(&k1)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let public = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(public.len(), 64, "the public key is printed: {public}");
    assert_eq!(run(&["keygen", "--out", s(&k2)]).status.code(), Some(0));
    (report, k1, k2, public)
}

fn sign(report: &Path, key: &Path, role: &str, decision: &str, out: &Path) -> Output {
    run(&[
        "sign",
        s(report),
        "--key",
        s(key),
        "--signer",
        "Grace Hopper",
        "--role",
        role,
        "--decision",
        decision,
        "--comment",
        "<script>alert(1)</script> is just text",
        "-o",
        s(out),
    ])
}

#[test]
fn sign_stack_and_verify_with_trusted_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, k1, k2, public) = setup(dir.path());
    let signed = dir.path().join("signed.json");
    let o = sign(&report, &k1, "validator", "approved", &signed);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = sign(
        &signed,
        &k2,
        "approver",
        "approved_with_conditions",
        &signed,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    common::assert_valid_report(&std::fs::read_to_string(&signed).expect("read"));
    let o = run(&["verify", s(&signed)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("1. Grace Hopper (validator) approved"),
        "{out}"
    );
    assert!(
        out.contains("2. Grace Hopper (approver) approved_with_conditions"),
        "{out}"
    );

    // Only the validator's key is trusted: exit 1, and the output says which.
    let trusted = dir.path().join("trusted-keys.json");
    std::fs::write(
        &trusted,
        format!(r#"{{"keys": [{{"name": "Model Risk", "public_key": "{public}"}}]}}"#),
    )
    .expect("write");
    let o = run(&["verify", s(&signed), "--trusted-keys", s(&trusted)]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("valid, trusted key of Model Risk"), "{out}");
    assert!(out.contains("valid, but the key is not trusted"), "{out}");

    // The unsigned report does not verify.
    assert_eq!(run(&["verify", s(&report)]).status.code(), Some(1));
}

#[test]
fn tampered_bytes_are_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, k1, _, _) = setup(dir.path());
    let signed = dir.path().join("signed.json");
    assert_eq!(
        sign(&report, &k1, "validator", "rejected", &signed)
            .status
            .code(),
        Some(0)
    );
    let bytes = std::fs::read(&signed).expect("read");
    let tampered = dir.path().join("tampered.json");
    // 60 positions spread over the whole file, signature entry included.
    let step = (bytes.len() / 60).max(1);
    let mut positions: Vec<usize> = (0..bytes.len()).step_by(step).collect();
    let sig_at = bytes
        .windows(11)
        .position(|w| w == b"\"signature\"")
        .expect("entry");
    positions.extend(sig_at..sig_at + 40);
    for i in positions {
        let mut t = bytes.clone();
        t[i] ^= 0x01;
        std::fs::write(&tampered, &t).expect("write");
        let o = run(&["verify", s(&tampered)]);
        assert_eq!(o.status.code(), Some(1), "byte {i} flipped: {}", text(&o));
    }
}

#[test]
fn usage_errors_exit_two() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, k1, _, _) = setup(dir.path());
    // keygen never overwrites a key
    let o = run(&["keygen", "--out", s(&k1)]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // a bad decision, a missing key, a missing report, a key that is not one
    let out = dir.path().join("x.json");
    assert_eq!(
        sign(&report, &k1, "validator", "maybe", &out).status.code(),
        Some(2)
    );
    let missing = dir.path().join("missing.key");
    let o = sign(&report, &missing, "validator", "approved", &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("missing.key"), "{}", text(&o));
    assert_eq!(
        run(&["verify", s(&dir.path().join("nope.json"))])
            .status
            .code(),
        Some(2)
    );
    let o = sign(&report, &report, "validator", "approved", &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("not an Attest key file"), "{}", text(&o));
    // signing something that is not a report
    let o = sign(&k1, &k1, "validator", "approved", &out);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// A run with three datasets signs, verifies and reproduces like any other;
/// reproducing it without its train file is a usage error.
#[test]
fn three_dataset_reports_sign_verify_and_reproduce() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/conformance"))
        .join("validation_regression");
    let (t, r, c) = (
        data.join("train.parquet"),
        data.join("reference.parquet"),
        data.join("current.parquet"),
    );
    let report = dir.path().join("report.json");
    let o = run(&[
        "check",
        "--train",
        s(&t),
        "--reference",
        s(&r),
        "--current",
        s(&c),
        "--challenger-prediction",
        "challenger_prediction",
        "--json",
        s(&report),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let datasets: Vec<&str> = doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["dataset"].as_str())
        .collect();
    assert_eq!(datasets, ["train", "reference", "current"]);
    let key = dir.path().join("k.key");
    assert_eq!(run(&["keygen", "--out", s(&key)]).status.code(), Some(0));
    let signed = dir.path().join("signed.json");
    let o = run(&[
        "sign",
        s(&report),
        "--key",
        s(&key),
        "--signer",
        "A. Validator",
        "--role",
        "validator",
        "--decision",
        "approved",
        "-o",
        s(&signed),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&["verify", s(&signed)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = run(&[
        "reproduce",
        s(&signed),
        "--train",
        s(&t),
        "--reference",
        s(&r),
        "--current",
        s(&c),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "reproduced: identical\n"
    );
    // without its train file, or with another file as train
    let o = run(&[
        "reproduce",
        s(&signed),
        "--reference",
        s(&r),
        "--current",
        s(&c),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--train"), "{}", text(&o));
    let o = run(&[
        "reproduce",
        s(&signed),
        "--train",
        s(&r),
        "--reference",
        s(&r),
        "--current",
        s(&c),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("inputs[train]"), "{}", text(&o));
    // a train file that does not exist is an input error
    let o = run(&[
        "check",
        "--train",
        "no-such.parquet",
        "--reference",
        s(&r),
        "--current",
        s(&c),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("train"), "{}", text(&o));
}
