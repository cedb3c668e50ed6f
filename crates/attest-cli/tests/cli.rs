//! The built `attest` binary: conformance, exit codes, malformed inputs,
//! codecs, determinism and the output formats.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use attest_check::conformance::{disagreements, Cases};
use attest_check::report::{Metric, Status};
use attest_check::Report;

#[path = "../../attest-check/tests/common/mod.rs"]
mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn conformance_dir() -> PathBuf {
    std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/conformance"))
}

fn data(rel: &str) -> PathBuf {
    repo().join("tests/data").join(rel)
}

fn attest() -> Command {
    let mut c = Command::cargo_bin("attest").expect("binary built");
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

fn check(reference: &Path, current: &Path, extra: &[&str], json: &Path) -> Output {
    attest()
        .arg("check")
        .arg("--reference")
        .arg(reference)
        .arg("--current")
        .arg(current)
        .arg("--json")
        .arg(json)
        .args(extra)
        .output()
        .expect("attest runs")
}

fn read_report(path: &Path) -> Report {
    let text = std::fs::read_to_string(path).expect("report written");
    common::assert_valid_report(&text);
    serde_json::from_str(&text).expect("report parses")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn conformance_through_the_cli() {
    let dir = conformance_dir();
    let text = std::fs::read_to_string(dir.join("expected.json"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.join("expected.json").display()));
    let cases: Cases = serde_json::from_str(&text).expect("expected.json parses");
    assert!(!cases.cases.is_empty(), "no cases");
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases.cases {
        let mut args = case.roles.to_args();
        // The case's attest.toml; the feature times have no flag (SPEC §5).
        let mut toml = case.config.clone().unwrap_or_default();
        if !case.roles.feature_time.is_empty() && !toml.contains("[roles.feature_time]") {
            toml.push_str("\n[roles.feature_time]\n");
            for (f, c) in &case.roles.feature_time {
                toml.push_str(&format!("{f:?} = {c:?}\n"));
            }
        }
        let config_path = tmp.path().join(format!("{}.toml", case.name));
        std::fs::write(&config_path, &toml).expect("write config");
        args.extend(["--config".to_string(), config_path.display().to_string()]);
        if let Some(t) = &case.train {
            args.extend(["--train".to_string(), dir.join(t).display().to_string()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let json = tmp.path().join(format!("{}.json", case.name));
        let out = check(
            &dir.join(&case.reference),
            &dir.join(&case.current),
            &args,
            &json,
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: exit {:?}: {}",
            case.name,
            out.status,
            stderr(&out)
        );
        let report = read_report(&json);
        for d in disagreements(&report, case.checked(), cases.default_tolerance) {
            failures.push(format!("{}: {d}", case.name));
        }
        checked += case.checked().count();
        // The report reproduces from its own configuration, bit for bit.
        let mut again = attest();
        again
            .arg("reproduce")
            .arg(&json)
            .arg("--reference")
            .arg(dir.join(&case.reference))
            .arg("--current")
            .arg(dir.join(&case.current));
        if let Some(t) = &case.train {
            again.arg("--train").arg(dir.join(t));
        }
        let again = again.output().expect("attest reproduce runs");
        let said = String::from_utf8_lossy(&again.stdout);
        if again.status.code() != Some(0) || said != "reproduced: identical\n" {
            failures.push(format!(
                "{}: reproduce exit {:?}: {said}{}",
                case.name,
                again.status.code(),
                stderr(&again)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "disagreements:\n{}",
        failures.join("\n")
    );
    eprintln!("conformance through the CLI: {checked} values agree");
}

#[test]
fn identical_inputs_pass_with_exit_zero() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = data("codecs/snappy.parquet");
    let json = tmp.path().join("r.json");
    let out = check(&f, &f, &[], &json);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = read_report(&json);
    assert_eq!(report.summary.counts.fail, 0);
    let ks: Vec<f64> = report
        .metrics()
        .filter(|(_, m)| m.name == "ks_statistic")
        .map(|(_, m)| m.value)
        .collect();
    assert!(!ks.is_empty() && ks.iter().all(|v| *v == 0.0), "{ks:?}");
}

#[test]
fn drifted_demo_fails_with_exit_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let demo = repo().join("public/demo");
    let json = tmp.path().join("r.json");
    let out = check(
        &demo.join("reference.parquet"),
        &demo.join("current.parquet"),
        &["--sensitive", "gender", "--segment", "region"],
        &json,
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = read_report(&json);
    let drift = report
        .checks
        .iter()
        .find(|c| c.id == "feature_drift")
        .expect("feature_drift");
    assert_eq!(drift.status, Status::Fail);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Drifted columns, worst first:"), "{stdout}");
    assert!(stdout.contains("Result: FAIL"), "{stdout}");
}

/// (file, expected exit code, fragments the message must contain)
const MALFORMED: &[(&str, i32, &[&str])] = &[
    (
        "not_parquet.parquet",
        2,
        &["not_parquet.parquet", "unsupported file format", "PAR1"],
    ),
    (
        "truncated.parquet",
        2,
        &["truncated.parquet", "not a readable Parquet file"],
    ),
    (
        "empty_file.parquet",
        2,
        &["empty_file.parquet", "empty (0 bytes)"],
    ),
    ("zero_rows.parquet", 2, &["zero_rows.parquet", "no rows"]),
    (
        "corrupt_page.parquet",
        2,
        &["corrupt_page.parquet", "not a readable Parquet file"],
    ),
];

#[test]
fn malformed_inputs_exit_two_with_a_clear_message() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = data("codecs/snappy.parquet");
    for (file, code, fragments) in MALFORMED {
        for swap in [false, true] {
            let bad = data(&format!("malformed/{file}"));
            let (r, c) = if swap { (&bad, &good) } else { (&good, &bad) };
            let out = check(r, c, &[], &tmp.path().join("r.json"));
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(*code), "{file}: {err}");
            assert!(err.starts_with("attest: error: "), "{file}: {err}");
            for f in *fragments {
                assert!(err.contains(f), "{file}: message lacks {f:?}: {err}");
            }
            assert!(!err.contains("panicked"), "{file}: {err}");
        }
    }
}

/// Hostile files (tests/data/hostile, made by attest-check's
/// tests/hostile.rs): claims of far more rows than they hold, and values
/// that expand far past the file. Exit 2 with the file, the column and the
/// limit named, quickly; `[limits]` in the configuration sets the limits.
#[test]
fn hostile_files_stop_at_the_decode_limits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = tmp.path().join("r.json");
    let hostile = |f: &str| data(&format!("hostile/{f}"));
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "no_pages_2e27.parquet",
            &[],
            &[
                "134217728 rows",
                "decode limit of 100000000 rows",
                "max_rows",
            ],
        ),
        (
            "all_null_2e27.parquet",
            &[],
            &["134217728 rows", "decode limit of 100000000 rows"],
        ),
        (
            "no_pages_5e7.parquet",
            &[],
            &["column `x`", "ends after 0 of 50000000 rows"],
        ),
        (
            "delta_growth.parquet",
            &[],
            &[
                "column `x`",
                "decode limit of 1073741824 bytes",
                "max_column_bytes",
            ],
        ),
        (
            "all_null_2e27.parquet",
            &[
                "[limits]",
                "max_rows = 200000000",
                "max_column_bytes = 67108864",
            ],
            &[
                "column `x`",
                "a page of 134217728 values would pass the decode limit of 67108864 bytes",
            ],
        ),
        (
            "dictionary_run_2e27.parquet",
            &[
                "[limits]",
                "max_rows = 200000000",
                "max_column_bytes = 67108864",
            ],
            &["column `x`", "decode limit of 67108864 bytes"],
        ),
    ];
    for (file, config, fragments) in cases {
        let path = hostile(file);
        let mut extra: Vec<String> = Vec::new();
        if !config.is_empty() {
            let toml = tmp.path().join("limits.toml");
            std::fs::write(&toml, config.join("\n")).expect("write config");
            extra = vec!["--config".into(), toml.display().to_string()];
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let out = check(&path, &path, &extra, &json);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        assert!(err.starts_with("attest: error: "), "{file}: {err}");
        assert!(err.contains(*file), "{file}: {err}");
        for f in *fragments {
            assert!(err.contains(f), "{file}: message lacks {f:?}: {err}");
        }
        assert!(!err.contains("panicked"), "{file}: {err}");
    }
}

#[test]
fn data_problems_become_check_verdicts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let good = data("codecs/snappy.parquet");
    let status = |file: &str, check_id: &str| {
        let json = tmp.path().join("r.json");
        let out = check(&good, &data(&format!("malformed/{file}")), &[], &json);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{file}: {}",
            stderr(&out)
        );
        let report = read_report(&json);
        let c = report
            .checks
            .iter()
            .find(|c| c.id == check_id)
            .expect("check present")
            .clone();
        (out.status.code(), c)
    };
    // A column whose kind changed: schema fails and names it.
    let (code, c) = status("age_as_text.parquet", "schema");
    assert_eq!(code, Some(1));
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.message
            .as_deref()
            .unwrap_or("")
            .contains("`age`: kind differs"),
        "{c:?}"
    );
    // An all-null column: a data-quality finding, not a crash.
    let (_, c) = status("all_null_income.parquet", "data_quality");
    assert_eq!(c.status, Status::Warn);
    assert!(
        c.message
            .as_deref()
            .unwrap_or("")
            .contains("income: 100.0% missing in current"),
        "{c:?}"
    );
    // A label missing from current (production data): not a schema failure;
    // performance reports the reference only.
    let (_, c) = status("no_label.parquet", "schema");
    assert_eq!(c.status, Status::Pass, "{c:?}");
    let (_, c) = status("no_label.parquet", "performance");
    assert!(
        c.message
            .as_deref()
            .unwrap_or("")
            .contains("current has no labels"),
        "{c:?}"
    );
    let (_, c) = status("no_label.parquet", "label_drift");
    assert_eq!(c.status, Status::Skipped, "{c:?}");
}

#[test]
fn nested_columns_are_listed_not_compared() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = data("nested.parquet");
    let json = tmp.path().join("r.json");
    let out = check(&f, &f, &[], &json);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = read_report(&json);
    let schema = report
        .checks
        .iter()
        .find(|c| c.id == "schema")
        .expect("schema");
    assert_eq!(schema.status, Status::Pass);
    let unsupported = schema
        .metrics
        .iter()
        .find(|m| m.name == "unsupported_columns")
        .expect("metric");
    assert_eq!(unsupported.value, 1.0);
    assert!(report
        .metrics()
        .all(|(_, m)| m.column.as_deref() != Some("tags")));
}

#[test]
fn usage_errors_exit_two() {
    let good = data("codecs/snappy.parquet");
    let out = attest()
        .args(["check", "--reference"])
        .arg(&good)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--current"), "{}", stderr(&out));
    let out = attest()
        .arg("check")
        .arg("--reference")
        .arg(&good)
        .arg("--current")
        .arg(&good)
        .args(["--label", "nope"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no column `nope` (the label column)"),
        "{}",
        stderr(&out)
    );
    let out = attest()
        .arg("check")
        .arg("--reference")
        .arg("/nonexistent/ref.parquet")
        .arg("--current")
        .arg(&good)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("/nonexistent/ref.parquet") && err.matches("No such file").count() == 1,
        "{err}"
    );
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let demo = repo().join("public/demo");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("attest"))
        .arg("check")
        .arg("--reference")
        .arg(demo.join("reference.parquet"))
        .arg("--current")
        .arg(demo.join("current.parquet"))
        .args(["--json", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    drop(child.stdout.take()); // the reader goes away before anything is written
    let out = child.wait_with_output().expect("waits");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{:?}: {}",
        out.status,
        stderr(&out)
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn duplicate_column_names_exit_two() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let f = tmp.path().join("dup.csv");
    std::fs::write(&f, "a,a\n1,2\n3,4\n").expect("write");
    let out = check(&f, &f, &[], &tmp.path().join("r.json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("two columns are named `a`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_config_exits_two_naming_the_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = tmp.path().join("attest.toml");
    std::fs::write(&cfg, "[drift]\nks_pvalue = 0.01\n").expect("write");
    let good = data("codecs/snappy.parquet");
    let out = check(
        &good,
        &good,
        &["--config", cfg.to_str().expect("utf8")],
        &tmp.path().join("r.json"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ks_pvalue"), "{}", stderr(&out));
}

#[test]
fn example_config_is_accepted_and_skips_checks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cfg = tmp.path().join("attest.toml");
    let example = std::fs::read_to_string(repo().join("attest.example.toml")).expect("example");
    std::fs::write(&cfg, example.replace("skip = []", "skip = [\"fairness\"]")).expect("write");
    let good = data("codecs/snappy.parquet");
    let json = tmp.path().join("r.json");
    let out = check(
        &good,
        &good,
        &["--config", cfg.to_str().expect("utf8")],
        &json,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = read_report(&json);
    let fairness = report
        .checks
        .iter()
        .find(|c| c.id == "fairness")
        .expect("fairness");
    assert_eq!(fairness.status, Status::Skipped);
    assert_eq!(report.config["roles"]["segments"][0], "region");
    // The model card reaches the report, the text summary and the HTML.
    assert_eq!(
        report.model_card().name.as_deref(),
        Some("churn-classifier")
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("model: churn-classifier 2.3.1"));
    let html = tmp.path().join("r.html");
    let out = check(
        &good,
        &good,
        &[
            "--config",
            cfg.to_str().expect("utf8"),
            "--html",
            html.to_str().expect("utf8"),
        ],
        &json,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(
        page.contains(
            "<dt>Intended use</dt><dd>Rank customers for retention offers; not for pricing.</dd>"
        ),
        "{page}"
    );
}

#[test]
fn every_codec_and_csv_give_the_same_metrics() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = data("codecs/none.parquet");
    let metrics_of = |file: &str| {
        let json = tmp.path().join(format!("{file}.json"));
        let out = check(&base, &data(&format!("codecs/{file}")), &[], &json);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{file}: {}",
            stderr(&out)
        );
        read_report(&json)
            .checks
            .into_iter()
            .map(|c| (c.id, c.metrics))
            .collect::<Vec<(String, Vec<Metric>)>>()
    };
    let expected = metrics_of("none.parquet");
    assert!(expected.iter().any(|(_, m)| !m.is_empty()));
    for codec in ["snappy", "gzip", "zstd", "lz4", "brotli"] {
        assert_eq!(metrics_of(&format!("{codec}.parquet")), expected, "{codec}");
    }
    // CSV holds the same values: the same drift and performance numbers.
    let pick = |m: &[(String, Vec<Metric>)]| {
        m.iter()
            .filter(|(id, _)| id.ends_with("drift") || id == "performance")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(pick(&metrics_of("table.csv")), pick(&expected));
}

#[test]
fn reports_are_deterministic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let c = conformance_dir().join("binary_0");
    let args = [
        "--label",
        "label",
        "--sensitive",
        "gender",
        "--segment",
        "region",
    ];
    let (a, b) = (tmp.path().join("a.json"), tmp.path().join("b.json"));
    check(
        &c.join("reference.parquet"),
        &c.join("current.parquet"),
        &args,
        &a,
    );
    check(
        &c.join("reference.parquet"),
        &c.join("current.parquet"),
        &args,
        &b,
    );
    let (ta, tb) = (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    assert!(!ta.is_empty());
    assert_eq!(ta, tb, "two runs differ");
    let report = read_report(&a);
    assert_eq!(report.created_at, "2023-11-14T22:13:20Z");
    assert_eq!(report.format, "attest-report");
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.inputs.len(), 2);
    assert_eq!(report.inputs[0].sha256.len(), 64);
    let text = String::from_utf8(ta).expect("utf8");
    assert!(!text.contains("NaN") && !text.contains("Infinity"));
}

#[test]
fn json_to_stdout_and_junit_and_html() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let demo = repo().join("public/demo");
    let junit = tmp.path().join("junit.xml");
    let html = tmp.path().join("report.html");
    let out = attest()
        .arg("check")
        .arg("--reference")
        .arg(demo.join("reference.parquet"))
        .arg("--current")
        .arg(demo.join("current.parquet"))
        .args(["--json", "-", "--junit"])
        .arg(&junit)
        .arg("--html")
        .arg(&html)
        .output()
        .expect("runs");
    let report: Report = serde_json::from_slice(&out.stdout).expect("stdout is the report JSON");
    assert!(
        stderr(&out).contains("Result: "),
        "summary goes to stderr with --json -"
    );
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert_eq!(xml.matches("<testcase ").count(), report.checks.len());
    assert_eq!(
        xml.matches("<failure ").count() as u32,
        report.summary.counts.fail
    );
    assert_eq!(
        xml.matches("<skipped ").count() as u32,
        report.summary.counts.skipped
    );
    assert!(xml.contains(&format!("failures=\"{}\"", report.summary.counts.fail)));
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.starts_with("<!doctype html>"));
    // Test builds have no viewer built in (ATTEST_VIEWER_DIR unset): the
    // HTML is the static page, and stderr says so.
    assert!(!page.contains("<script"));
    assert!(stderr(&out).contains("no web viewer in this build"));
    for c in report.checks.iter().filter(|c| !c.metrics.is_empty()) {
        assert!(page.contains(&format!("id=\"{}\"", c.id)), "{}", c.id);
    }
}
