//! Sharing reports: `attest bundle`, `attest check --html` with a viewer,
//! and `attest reproduce` (its run over every conformance case is in
//! cli.rs). The real viewer opening from file:// is tested end to end in
//! tests/e2e.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use attest_check::bundle;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn attest() -> Command {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

/// Run `attest` with these arguments.
fn run(args: &[&OsStr]) -> Output {
    attest().args(args).output().expect("attest runs")
}

/// A stand-in viewer folder: wasm-bindgen-shaped JS, a wasm header, CSS.
fn fake_viewer(dir: &Path) -> PathBuf {
    let v = dir.join("viewer");
    std::fs::create_dir_all(&v).expect("mkdir");
    std::fs::write(
        v.join("app.js"),
        "async function __wbg_init(m) { return m; }\nexport { __wbg_init as default };\n",
    )
    .expect("js");
    std::fs::write(v.join("app_bg.wasm"), b"\0asm\x01\0\0\0").expect("wasm");
    std::fs::write(v.join("main.css"), "body { margin: 0 }\n").expect("css");
    v
}

/// The demo pair's report (drifted: exit 1), written to `dir/report.json`.
fn demo_report(dir: &Path, extra: &[&str]) -> PathBuf {
    let demo = repo().join("public/demo");
    let json = dir.join("report.json");
    let out = attest()
        .arg("check")
        .arg("--reference")
        .arg(demo.join("reference.parquet"))
        .arg("--current")
        .arg(demo.join("current.parquet"))
        .arg("--json")
        .arg(&json)
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    json
}

/// Sign `json` into `out` with a new key (made beside `out`); returns the
/// public key.
fn sign_with_new_key(json: &Path, out: &Path) -> String {
    let key = out.with_extension("key");
    let made = run(&["keygen".as_ref(), "--out".as_ref(), key.as_ref()]);
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let signed = run(&[
        "sign".as_ref(),
        json.as_ref(),
        "--key".as_ref(),
        key.as_ref(),
        "--signer".as_ref(),
        "Ada".as_ref(),
        "--role".as_ref(),
        "validator".as_ref(),
        "--decision".as_ref(),
        "approved".as_ref(),
        "-o".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(signed.status.code(), Some(0), "{signed:?}");
    String::from_utf8_lossy(&made.stdout).trim().to_string()
}

#[test]
fn bundle_embeds_the_exact_report_and_the_viewer() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let viewer = fake_viewer(tmp.path());
    let json = demo_report(tmp.path(), &[]);
    let signed = tmp.path().join("signed.json");
    sign_with_new_key(&json, &signed);
    let html = tmp.path().join("report.html");
    let out = run(&[
        "bundle".as_ref(),
        signed.as_ref(),
        "-o".as_ref(),
        html.as_ref(),
        "--viewer".as_ref(),
        viewer.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = std::fs::read_to_string(&html).expect("html");
    let parts = bundle::parts(&page).expect("parts");
    assert_eq!(
        parts.report_json,
        std::fs::read_to_string(&signed).expect("json")
    );
    assert_eq!(
        parts.viewer.js,
        std::fs::read_to_string(viewer.join("app.js"))
            .expect("js")
            .trim_end()
    );
    let script = parts.viewer.module_script();
    assert!(
        page.contains(&bundle::csp(&script)),
        "CSP with the script's hash"
    );
    // The signature still verifies inside the HTML.
    let out = run(&["verify".as_ref(), html.as_ref()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    // `attest check --html` with the same viewer writes the same file as
    // bundling its (unsigned) report.
    let unsigned = tmp.path().join("unsigned.html");
    let out = run(&[
        "bundle".as_ref(),
        json.as_ref(),
        "-o".as_ref(),
        unsigned.as_ref(),
        "--viewer".as_ref(),
        viewer.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = std::fs::read_to_string(&unsigned).expect("html");
    let html2 = tmp.path().join("check.html");
    let out = run(&[
        "check".as_ref(),
        "--reference".as_ref(),
        repo().join("public/demo/reference.parquet").as_ref(),
        "--current".as_ref(),
        repo().join("public/demo/current.parquet").as_ref(),
        "--html".as_ref(),
        html2.as_ref(),
        "--viewer".as_ref(),
        viewer.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(std::fs::read_to_string(&html2).expect("html"), page);
}

#[test]
fn bundle_errors_are_clear() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = demo_report(tmp.path(), &[]);
    let out_html = tmp.path().join("x.html");
    // Test builds have no viewer built in.
    let out = run(&[
        "bundle".as_ref(),
        json.as_ref(),
        "-o".as_ref(),
        out_html.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--viewer DIR"));
    // A folder that is not a viewer.
    let out = run(&[
        "bundle".as_ref(),
        json.as_ref(),
        "-o".as_ref(),
        out_html.as_ref(),
        "--viewer".as_ref(),
        tmp.path().as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("app.js"));
    // Not a report.
    let viewer = fake_viewer(tmp.path());
    let bogus = tmp.path().join("bogus.json");
    std::fs::write(&bogus, "{\"format\": \"other\"}").expect("write");
    let out = run(&[
        "bundle".as_ref(),
        bogus.as_ref(),
        "-o".as_ref(),
        out_html.as_ref(),
        "--viewer".as_ref(),
        viewer.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown format"));
    assert!(!out_html.exists(), "nothing written on error");
}

#[test]
fn reproduce_lists_what_differs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = demo_report(tmp.path(), &[]);
    let demo = repo().join("public/demo");
    let diff = tmp.path().join("diff.json");
    // The files swapped: not the report's inputs.
    let out = run(&[
        "reproduce".as_ref(),
        json.as_ref(),
        "--reference".as_ref(),
        demo.join("current.parquet").as_ref(),
        "--current".as_ref(),
        demo.join("reference.parquet").as_ref(),
        "--json".as_ref(),
        diff.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("not reproduced: "), "{said}");
    assert!(said.contains("inputs[reference].sha256"), "{said}");
    let outcome: attest_check::reproduce::Reproduction =
        serde_json::from_str(&std::fs::read_to_string(&diff).expect("diff")).expect("json");
    assert!(!outcome.identical);
    assert_eq!(
        said.lines().count(),
        outcome.differences.len() + 1,
        "one line per difference"
    );
    // A report whose value was edited: exactly that value is listed.
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parse");
    let metric = &mut doc["checks"][2]["metrics"][0];
    let old = metric["value"].as_f64().expect("value");
    metric["value"] = (old + 1.0).into();
    let edited = tmp.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    let out = run(&[
        "reproduce".as_ref(),
        edited.as_ref(),
        "--reference".as_ref(),
        demo.join("reference.parquet").as_ref(),
        "--current".as_ref(),
        demo.join("current.parquet").as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.starts_with("not reproduced: 1 value differs"),
        "{said}"
    );
    assert!(
        said.contains(&format!("report {} · rerun {old}", old + 1.0)),
        "{said}"
    );
}

#[test]
fn publish_writes_the_app_the_reports_and_the_catalogue() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // a stand-in web app folder
    let dist = fake_viewer(tmp.path());
    std::fs::write(dist.join("index.html"), "<!doctype html>").expect("index");
    std::fs::create_dir_all(dist.join("demo")).expect("mkdir");
    std::fs::write(dist.join("demo/x.parquet"), b"PAR1").expect("demo");
    // reports: one signed with a trusted key, one in a sub-folder, one not a report
    let reports = tmp.path().join("reports");
    std::fs::create_dir_all(reports.join("2026")).expect("mkdir");
    let json = demo_report(tmp.path(), &[]);
    let public = sign_with_new_key(&json, &reports.join("signed.json"));
    std::fs::copy(&json, reports.join("2026/plain.json")).expect("copy");
    std::fs::write(reports.join("notes.json"), "{\"not\": \"a report\"}").expect("write");
    std::fs::write(
        reports.join("trusted-keys.json"),
        format!("{{\"keys\": [{{\"name\": \"MRM\", \"public_key\": \"{public}\"}}]}}"),
    )
    .expect("keys");

    let site = tmp.path().join("site");
    let out = run(&[
        "publish".as_ref(),
        reports.as_ref(),
        site.as_ref(),
        "--viewer".as_ref(),
        dist.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("published 2 reports"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("skipped"));
    let index = attest_check::publish::parse_index(
        &std::fs::read_to_string(site.join("index.json")).expect("index.json"),
    )
    .expect("parses");
    let paths: Vec<&str> = index.reports.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths.contains(&"reports/signed.json") && paths.contains(&"reports/2026/plain.json"));
    let signed = index
        .reports
        .iter()
        .find(|e| e.path == "reports/signed.json")
        .expect("signed");
    assert_eq!(signed.signatures[0].state, "trusted");
    for f in [
        "index.html",
        "app.js",
        "app_bg.wasm",
        "main.css",
        "demo/x.parquet",
        "reports/trusted-keys.json",
        "reports/2026/trusted-keys.json",
    ] {
        assert!(site.join(f).is_file(), "{f}");
    }
    // the reports are copied as they are (signatures stay valid)
    assert_eq!(
        std::fs::read(site.join("reports/signed.json")).expect("copy"),
        std::fs::read(reports.join("signed.json")).expect("orig")
    );
    // errors: no reports, not a web app
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let out = run(&[
        "publish".as_ref(),
        empty.as_ref(),
        tmp.path().join("o").as_ref(),
        "--viewer".as_ref(),
        dist.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Attest report"));
    let out = run(&[
        "publish".as_ref(),
        reports.as_ref(),
        tmp.path().join("o").as_ref(),
        "--viewer".as_ref(),
        reports.as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a built web app"));
}
