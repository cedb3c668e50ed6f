//! `attest check` in a pipeline (SPEC §8): one status line per check on
//! standard error in CI, and inside GitHub Actions the step summary, the
//! step's outputs and capped annotations. Files only: no network.

use std::io::Write;
use std::path::Path;

use attest_check::report::{Report, Status};

/// At most this many `::error` and as many `::warning` commands.
pub const MAX_ANNOTATIONS: usize = 10;
/// GitHub's limit on a step summary.
pub const MAX_STEP_SUMMARY: usize = 1 << 20;

/// Whether the run is inside a CI system (`CI` or `GITHUB_ACTIONS` set).
pub fn in_ci() -> bool {
    ["CI", "GITHUB_ACTIONS"]
        .iter()
        .any(|k| std::env::var(k).is_ok_and(|v| !v.is_empty() && v != "false"))
}

/// Inside GitHub Actions (`GITHUB_ACTIONS=true`).
pub fn in_github_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// `STATUS id: finding`, one line per check that ran.
pub fn status_lines(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.checks {
        if c.status == Status::Skipped {
            continue;
        }
        out.push_str(&format!(
            "{} {}: {}\n",
            c.status.as_str().to_uppercase(),
            c.id,
            c.message.as_deref().unwrap_or("").replace('\n', " ")
        ));
    }
    out
}

/// A workflow command's data, escaped as the runner expects.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value, escaped.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The `::error` / `::warning` commands for failing and warning checks (at
/// most [`MAX_ANNOTATIONS`] of each) and one `::notice` for the rest.
pub fn annotations(report: &Report) -> String {
    let mut out = String::new();
    let mut more = 0usize;
    for (level, statuses) in [
        ("error", &[Status::Fail, Status::Error][..]),
        ("warning", &[Status::Warn][..]),
    ] {
        let checks: Vec<_> = report
            .checks
            .iter()
            .filter(|c| statuses.contains(&c.status))
            .collect();
        for c in checks.iter().take(MAX_ANNOTATIONS) {
            out.push_str(&format!(
                "::{level} title={}::{}\n",
                property(&format!("attest {}", c.id)),
                data(&format!(
                    "{} {}: {}",
                    c.status.as_str().to_uppercase(),
                    c.title,
                    c.message.as_deref().unwrap_or("")
                ))
            ));
        }
        more += checks.len().saturating_sub(MAX_ANNOTATIONS);
    }
    if more > 0 {
        out.push_str(&format!(
            "::notice title=attest::{more} more failing or warning check(s): see the step summary and the report\n"
        ));
    }
    out
}

/// The step's outputs (`key=value` lines for `$GITHUB_OUTPUT`).
pub fn outputs(report: &Report, exit_code: u8, report_json: Option<&Path>) -> String {
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .map(|c| c.id.as_str())
        .collect();
    format!(
        "verdict={}\nexit-code={exit_code}\nreport-json={}\nfailed-checks={}\n",
        report.summary.status.as_str(),
        report_json
            .map(|p| p.display().to_string().replace('\n', " "))
            .unwrap_or_default(),
        failed.join(",")
    )
}

fn append(path: &std::ffi::OsStr, text: &str, what: &str) -> anyhow::Result<()> {
    use anyhow::Context;
    let path = Path::new(path);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open {what} {}", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {what} {}", path.display()))
}

/// Inside GitHub Actions: append the Markdown summary to
/// `$GITHUB_STEP_SUMMARY` (cut to [`MAX_STEP_SUMMARY`] bytes), the outputs to
/// `$GITHUB_OUTPUT`, and return the annotation commands to print.
pub fn github(
    report: &Report,
    markdown: &str,
    exit_code: u8,
    report_json: Option<&Path>,
) -> anyhow::Result<String> {
    if let Some(p) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let mut text = markdown.to_string();
        if text.len() > MAX_STEP_SUMMARY {
            let mut end = MAX_STEP_SUMMARY - 200;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
            text.push_str("\n\n_(cut at GitHub's 1 MiB step-summary limit)_\n");
        }
        append(&p, &(text + "\n"), "the step summary")?;
    }
    if let Some(p) = std::env::var_os("GITHUB_OUTPUT").filter(|p| !p.is_empty()) {
        append(
            &p,
            &outputs(report, exit_code, report_json),
            "the step outputs",
        )?;
    }
    Ok(annotations(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(statuses: &[&str]) -> Report {
        let checks: Vec<serde_json::Value> = statuses
            .iter()
            .enumerate()
            .map(|(i, s)| {
                serde_json::json!({"id": format!("check_{i}"), "title": "A, b: c", "status": s,
                    "message": "50% worse\nline two", "metrics": []})
            })
            .collect();
        let doc = serde_json::json!({
            "format": "attest-report", "schema_version": 1,
            "tool": {"name": "attest", "version": "0"}, "created_at": "2026-01-01T00:00:00Z",
            "inputs": [], "config": {},
            "summary": {"status": "fail", "counts": {"pass": 0, "warn": 0, "fail": 0, "error": 0, "skipped": 0}},
            "checks": checks, "signatures": []
        });
        let mut r: Report = serde_json::from_value(doc).expect("report");
        r.summary = Report::summarise(&r.checks);
        r
    }

    #[test]
    fn annotations_are_capped_escaped_and_the_rest_counted() {
        let mut statuses = vec!["fail"; 12];
        statuses.extend(["warn"; 3]);
        statuses.push("pass");
        let a = annotations(&report(&statuses));
        assert_eq!(a.lines().filter(|l| l.starts_with("::error ")).count(), 10);
        assert_eq!(a.lines().filter(|l| l.starts_with("::warning ")).count(), 3);
        assert!(a.contains("::notice title=attest::2 more"));
        assert!(a.contains("50%25 worse%0Aline two"), "{a}");
        assert!(a.contains("title=attest check_0::FAIL A, b: c:"), "{a}");
    }

    #[test]
    fn outputs_name_the_failed_checks() {
        let r = report(&["pass", "fail", "warn", "error"]);
        let o = outputs(&r, 1, Some(Path::new("out/r.json")));
        assert_eq!(
            o,
            "verdict=error\nexit-code=1\nreport-json=out/r.json\nfailed-checks=check_1,check_3\n"
        );
        assert_eq!(status_lines(&r).lines().count(), 4);
        assert!(status_lines(&r).starts_with("PASS check_0: 50% worse line two\n"));
    }
}
