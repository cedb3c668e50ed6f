//! Report document → what the views show. Pure functions, tested natively;
//! every number shown comes from the report's metric entries.

use std::collections::BTreeMap;

use attest_check::report::{Check, Report, Status};
use serde_json::Value;

/// One row of the drift table.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftRow {
    pub column: String,
    /// The check it belongs to (`feature_drift`, `prediction_drift`, `label_drift`).
    pub check: String,
    pub role: String,
    pub kind: String,
    /// The deciding metric's name, value and threshold, if judged.
    pub deciding: Option<(String, f64, f64)>,
    pub status: Option<Status>,
    /// Every drift metric of the column by name.
    pub metrics: BTreeMap<String, f64>,
    /// Missing share in the current dataset (from data_quality).
    pub missing_current: Option<f64>,
    /// Why the column has no verdict, if it has none.
    pub note: Option<String>,
    /// The column's evidence (profile with histogram, ECDF, categories).
    pub evidence: Value,
}

impl DriftRow {
    /// How far past its threshold the deciding metric is (> 1: past the
    /// size; drifted only when also significant, which `status` says),
    /// for ordering the rows; p-values are inverted so that larger is
    /// always worse.
    pub fn severity(&self) -> f64 {
        match &self.deciding {
            Some((name, v, t)) if name.ends_with("p_value") => t / v.max(1e-300),
            Some((_, v, t)) if *t > 0.0 => v / t,
            Some((_, v, _)) => *v,
            None => -1.0,
        }
    }
}

/// The check with this id.
pub fn check<'a>(report: &'a Report, id: &str) -> Option<&'a Check> {
    report.checks.iter().find(|c| c.id == id)
}

/// Drift rows of the three drift checks, worst first.
pub fn drift_rows(report: &Report) -> Vec<DriftRow> {
    let mut missing: BTreeMap<String, f64> = BTreeMap::new();
    if let Some(dq) = check(report, "data_quality") {
        for m in &dq.metrics {
            if m.name == "missing_share" && m.dataset.as_deref() == Some("current") {
                if let Some(c) = &m.column {
                    missing.insert(c.clone(), m.value);
                }
            }
        }
    }
    let mut rows = Vec::new();
    for id in ["feature_drift", "prediction_drift", "label_drift"] {
        let Some(c) = check(report, id) else { continue };
        let empty = Vec::new();
        let columns = c
            .evidence
            .get("columns")
            .and_then(Value::as_array)
            .unwrap_or(&empty);
        for ev in columns {
            let Some(name) = ev.get("column").and_then(Value::as_str) else {
                continue;
            };
            let mut metrics = BTreeMap::new();
            let mut deciding = None;
            let mut status = None;
            for m in c
                .metrics
                .iter()
                .filter(|m| m.column.as_deref() == Some(name))
            {
                metrics.insert(m.name.clone(), m.value);
                if let (Some(t), Some(s)) = (m.threshold, m.status) {
                    deciding = Some((m.name.clone(), m.value, t));
                    status = Some(s);
                }
            }
            let text = |k: &str| ev.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            rows.push(DriftRow {
                column: name.to_string(),
                check: id.to_string(),
                role: text("role"),
                kind: text("kind"),
                deciding,
                status,
                metrics,
                missing_current: missing.get(name).copied(),
                note: ev.get("note").and_then(Value::as_str).map(str::to_string),
                evidence: ev.clone(),
            });
        }
    }
    attest_check::stats::sort::sort_stable_by(&mut rows, |a, b| {
        b.severity()
            .total_cmp(&a.severity())
            .then_with(|| a.column.cmp(&b.column))
    });
    rows
}

/// Sort keys of the drift table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Worst first (severity of the deciding metric).
    Severity,
    Column,
    /// A metric by name (missing values last).
    Metric(&'static str),
}

/// Sort rows in place; `descending` flips the order (missing values stay last).
pub fn sort_rows(rows: &mut [DriftRow], key: SortKey, descending: bool) {
    attest_check::stats::sort::sort_stable_by(rows, |a, b| {
        let ord = match key {
            SortKey::Severity => a.severity().total_cmp(&b.severity()),
            SortKey::Column => a.column.cmp(&b.column),
            SortKey::Metric(name) => {
                let (x, y) = (a.metrics.get(name), b.metrics.get(name));
                match (x, y) {
                    (Some(x), Some(y)) => x.total_cmp(y),
                    (Some(_), None) => return std::cmp::Ordering::Less,
                    (None, Some(_)) => return std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            }
        };
        if descending {
            ord.reverse()
        } else {
            ord
        }
    });
}

/// Rows whose column name contains `filter` (case-insensitive).
pub fn filter_rows(rows: &[DriftRow], filter: &str) -> Vec<DriftRow> {
    // ASCII case folding: Unicode's case tables would add ~6 KB to the
    // page's download for a filter box.
    let f = filter.trim().to_ascii_lowercase();
    rows.iter()
        .filter(|r| f.is_empty() || r.column.to_ascii_lowercase().contains(&f))
        .cloned()
        .collect()
}

/// A performance metric in both datasets: (name, reference, current).
pub fn performance_pairs(report: &Report) -> Vec<(String, Option<f64>, Option<f64>)> {
    let Some(c) = check(report, "performance") else {
        return Vec::new();
    };
    let mut out: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for m in c
        .metrics
        .iter()
        .filter(|m| m.segment.is_none() && !m.name.ends_with("_degradation"))
    {
        let pos = match out.iter().position(|(n, _, _)| *n == m.name) {
            Some(p) => p,
            None => {
                out.push((m.name.clone(), None, None));
                out.len() - 1
            }
        };
        match m.dataset.as_deref() {
            Some("reference") => out[pos].1 = Some(m.value),
            Some("current") => out[pos].2 = Some(m.value),
            _ => {}
        }
    }
    out
}

/// A number for people (the rule every view shares).
pub use attest_check::report::display_number as fmt_num;

/// A tick label: up to 4 significant digits without trailing zeros.
pub fn fmt_tick(v: f64) -> String {
    let s = fmt_num(v);
    if s.contains('.') && !s.contains('e') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A share as a percentage with one decimal.
pub fn fmt_pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// A count with thousands separators: 1,234,567.
pub fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A size in MB with one decimal.
pub fn fmt_mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// The progress of a run in words: the columns, then one line per dataset.
pub fn progress_lines(p: &crate::protocol::RunProgress) -> (String, Vec<(String, String)>) {
    let columns = if p.model_total > 0 {
        format!(
            "model: {} of {} rows scored (ONNX Runtime, in this browser)",
            fmt_count(p.model_rows),
            fmt_count(p.model_total)
        )
    } else if p.columns_total == 0 {
        "starting…".to_string()
    } else {
        format!(
            "columns: {} of {} done{}",
            p.columns_done,
            p.columns_total,
            if p.column.is_empty() {
                String::new()
            } else {
                format!(" · reading {}", p.column)
            }
        )
    };
    let datasets = p
        .datasets
        .iter()
        .map(|d| {
            // the rows read of each column in flight (one a worker)
            let mut read: Vec<String> = std::iter::once(d.rows)
                .chain(d.more_rows.iter().copied())
                .filter(|&r| r > 0)
                .map(fmt_count)
                .collect();
            if read.is_empty() {
                read.push("0".into());
            }
            let mut line = format!("rows {} of {}", read.join(" | "), fmt_count(d.total_rows));
            if d.total_bytes > 0 {
                line.push_str(&format!(
                    " · SHA-256 {} of {}",
                    fmt_mb(d.hashed),
                    fmt_mb(d.total_bytes)
                ));
            }
            (d.dataset.clone(), line)
        })
        .collect();
    (columns, datasets)
}

/// Where a check is drawn on the page: the id of its section, so the
/// checks list can link to it (`None`: the check has no section of its own).
pub fn section_anchor(check: &str) -> Option<&'static str> {
    Some(match check {
        "schema" => "section-inputs",
        "data_quality" => "section-data-quality",
        "feature_drift" | "prediction_drift" | "label_drift" => "section-drift",
        "performance" | "performance_baseline" => "section-performance",
        "performance_by_segment" => "section-segments",
        "fairness" => "section-fairness",
        "fit" => "fit",
        "leakage" => "leakage",
        "backtest" => "backtest",
        "challenger" => "challenger",
        "estimated_performance" => "estimation",
        "skew" => "skew",
        "label_quality" => "label-quality",
        "importance" => "importance",
        "stress_slices" => "stress-slices",
        "model_parity" => "model-parity",
        "model_sensitivity" => "model-sensitivity",
        "model_permutation_importance" => "model-permutation",
        "baseline_comparison" => "baseline",
        _ => return None,
    })
}

/// The command-line hints of the library's messages, each with what to do
/// in the page instead (SPEC §3 Verdicts, rule 7: in the page, the page's
/// controls). Matched as written by the checks; the test below runs every
/// skipped check and fails when a message keeps a flag.
const PAGE_WORDS: [(&str, &str); 11] = [
    (
        "(name it with --label or [roles] label)",
        "(give a column the role “label” before the run)",
    ),
    (
        "(name one with --segment)",
        "(tick “segment” for a column before the run)",
    ),
    (
        "(name one with --sensitive)",
        "(tick “sensitive” for a column before the run)",
    ),
    (
        "(give --skew or set [skew] join = true)",
        "(drop an attest.toml with [skew] join = true beside the files)",
    ),
    (
        "(name it with --id or [roles] id)",
        "(give a column the role “id” before the run)",
    ),
    (
        "(name it with --timestamp)",
        "(give a column the role “timestamp” before the run)",
    ),
    (
        "(give one with --train)",
        "(choose a train file beside reference and current)",
    ),
    (
        "(name its columns with --challenger-prediction / --challenger-score)",
        "(give its columns the roles “challenger_score” or “challenger_prediction” before the run)",
    ),
    (
        "(name them with --attribution or shap_<feature>)",
        "(give shap_<feature> columns the role “attribution” before the run)",
    ),
    (
        "(`--model MODEL.onnx`, `[model] path`, or drop an .onnx file on the page)",
        "(choose or drop an .onnx model file beside the data)",
    ),
    ("Sign with `attest sign`", "Sign it below, under “Sign-off”"),
];

/// A message of the report in the page's words: command-line flags become
/// the page's controls.
pub fn page_words(message: &str) -> String {
    let mut out = message.to_string();
    for (cli, page) in PAGE_WORDS {
        if out.contains(cli) {
            out = out.replace(cli, page);
        }
    }
    out
}

/// Why the report's summary does not follow from its checks, if it does
/// not: a report edited by hand (or by an attacker) that keeps "pass" over
/// failing checks must not show a verdict.
pub fn summary_problem(report: &Report) -> Option<String> {
    let due = Report::summarise(&report.checks);
    let (said, is) = (&report.summary, &due);
    let counts = |c: &attest_check::report::Counts| {
        format!(
            "{} pass · {} warn · {} fail · {} error · {} skipped",
            c.pass, c.warn, c.fail, c.error, c.skipped
        )
    };
    if said.counts != is.counts {
        return Some(format!(
            "its summary counts {}, but its checks are {}",
            counts(&said.counts),
            counts(&is.counts)
        ));
    }
    (said.status != is.status).then(|| {
        format!(
            "its summary says {}, but its checks make it {}",
            said.status.as_str(),
            is.status.as_str()
        )
    })
}

/// Whether a larger value of a metric is better (`None`: neither, e.g. a
/// count or a share of rows).
pub fn higher_is_better(metric: &str) -> Option<bool> {
    // The library's σ(m), so the page and the verdicts agree.
    let m = metric.strip_prefix("estimated_").unwrap_or(metric);
    attest_check::verdict::orientation(m).map(|s| s > 0.0)
}

/// A change of a metric in words: "better", "worse" or "same" (within
/// rounding), `None` when the metric has no direction.
pub fn direction(metric: &str, from: f64, to: f64) -> Option<&'static str> {
    let up = higher_is_better(metric)?;
    let d = to - from;
    if !d.is_finite() {
        return None;
    }
    Some(if rounding_noise(d, from) {
        "same"
    } else if (d > 0.0) == up {
        "better"
    } else {
        "worse"
    })
}

/// Whether a difference `v` of numbers of size `scale` is floating-point
/// rounding noise (|v| ≤ 1e-12 of the scale, at least of 1): the one rule
/// for "no change" that the page's numbers and words share.
pub fn rounding_noise(v: f64, scale: f64) -> bool {
    v.is_finite() && v.abs() <= 1e-12 * scale.abs().max(1.0)
}

/// A difference of two numbers as shown: rounding noise of floating point
/// (|v| ≤ 1e-12 of the scale compared) is 0, not 1.110e-16.
pub fn fmt_delta(v: f64, scale: f64) -> String {
    if rounding_noise(v, scale) {
        "0".into()
    } else {
        fmt_num(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_report() -> Report {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo/");
        let r = std::fs::read(format!("{dir}reference.parquet")).expect("demo");
        let c = std::fs::read(format!("{dir}current.parquet")).expect("demo");
        let json = crate::check("r", r, "c", c, "", "2024-01-01T00:00:00Z").expect("runs");
        serde_json::from_str(&json).expect("report")
    }

    #[test]
    fn counts_and_progress_read_well() {
        assert_eq!(fmt_count(0), "0");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1000), "1,000");
        assert_eq!(fmt_count(1_234_567), "1,234,567");
        let mut p = crate::protocol::RunProgress {
            columns_done: 2,
            columns_total: 5,
            column: "age".into(),
            datasets: Vec::new(),
            ..Default::default()
        };
        let d = p.dataset_mut("reference");
        d.rows = 8192;
        d.total_rows = 1_000_000;
        d.hashed = 4_194_304;
        d.total_bytes = 170_000_000;
        let (columns, lines) = progress_lines(&p);
        assert_eq!(columns, "columns: 2 of 5 done · reading age");
        assert_eq!(
            lines,
            [(
                "reference".to_string(),
                "rows 8,192 of 1,000,000 · SHA-256 4.2 MB of 170.0 MB".to_string()
            )]
        );
        // two workers reading a column of this dataset each; a third, none
        p.dataset_mut("reference").more_rows = vec![65_536, 0];
        assert_eq!(
            progress_lines(&p).1[0].1,
            "rows 8,192 | 65,536 of 1,000,000 · SHA-256 4.2 MB of 170.0 MB"
        );
        p.dataset_mut("reference").rows = 0;
        p.dataset_mut("reference").more_rows = vec![0];
        assert_eq!(
            progress_lines(&p).1[0].1,
            "rows 0 of 1,000,000 · SHA-256 4.2 MB of 170.0 MB"
        );
    }

    #[test]
    fn the_model_phase_shows_rows_scored() {
        let p = crate::protocol::RunProgress {
            model_rows: 20_000,
            model_total: 3_810_000,
            ..Default::default()
        };
        let (line, _) = progress_lines(&p);
        assert_eq!(
            line,
            "model: 20,000 of 3,810,000 rows scored (ONNX Runtime, in this browser)"
        );
        assert!((p.fraction() - 20_000.0 / 3_810_000.0).abs() < 1e-12);
    }

    #[test]
    fn drift_rows_come_from_the_metrics_worst_first() {
        let report = demo_report();
        let rows = drift_rows(&report);
        assert!(rows.len() >= 8);
        for w in rows.windows(2) {
            assert!(w[0].severity() >= w[1].severity());
        }
        let income = rows
            .iter()
            .find(|r| r.column == "income")
            .expect("income row");
        let psi = report
            .metrics()
            .find(|(_, m)| m.name == "psi" && m.column.as_deref() == Some("income"))
            .map(|(_, m)| m.value);
        assert_eq!(income.metrics.get("psi").copied(), psi);
        assert_eq!(income.kind, "numeric");
        assert!(income.deciding.is_some());
        assert!(income.evidence["profile"]["histogram"]["edges"].is_array());
    }

    #[test]
    fn sorting_and_filtering() {
        let mut rows = drift_rows(&demo_report());
        sort_rows(&mut rows, SortKey::Column, false);
        assert!(rows.windows(2).all(|w| w[0].column <= w[1].column));
        sort_rows(&mut rows, SortKey::Metric("psi"), true);
        assert!(rows[0].metrics.contains_key("psi"));
        assert_eq!(filter_rows(&rows, "INC").len(), 1);
        assert_eq!(filter_rows(&rows, "").len(), rows.len());
    }

    #[test]
    fn performance_pairs_have_both_datasets() {
        let pairs = performance_pairs(&demo_report());
        let acc = pairs
            .iter()
            .find(|(n, _, _)| n == "accuracy")
            .expect("accuracy");
        assert!(acc.1.is_some() && acc.2.is_some());
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(fmt_num(63.0), "63");
        assert_eq!(fmt_num(0.23448771), "0.2345");
        assert_eq!(fmt_num(1.9127e-33), "1.913e-33");
        assert_eq!(fmt_num(12.3456), "12.35");
        assert_eq!(fmt_num(f64::NAN), "—");
        assert_eq!(fmt_pct(0.0286), "2.9%");
        assert_eq!(fmt_tick(0.2), "0.2");
        assert_eq!(fmt_tick(1500.0), "1500");
    }

    #[test]
    fn messages_in_the_page_speak_of_its_controls_not_of_flags() {
        // The demo pair skips many checks; a label-less pair skips the rest.
        let mut csv = String::from("age,region\n");
        for i in 0..40 {
            csv.push_str(&format!("{},{}\n", 20 + i % 30, ["n", "s"][i % 2]));
        }
        let bare = crate::check(
            "r.csv",
            csv.clone().into_bytes(),
            "c.csv",
            csv.into_bytes(),
            "",
            "2024-01-01T00:00:00Z",
        )
        .expect("runs");
        let bare: Report = serde_json::from_str(&bare).expect("report");
        let mut seen = 0;
        for report in [demo_report(), bare] {
            for c in &report.checks {
                let Some(m) = &c.message else { continue };
                let said = page_words(m);
                seen += usize::from(said != *m);
                assert!(!said.contains("--"), "{}: {said}", c.id);
                assert!(!said.contains("[roles]"), "{}: {said}", c.id);
                assert!(!said.contains("`--model"), "{}: {said}", c.id);
            }
        }
        assert!(
            seen >= 5,
            "only {seen} messages were put in the page's words"
        );
        assert_eq!(
            page_words("Not signed. Sign with `attest sign`."),
            "Not signed. Sign it below, under “Sign-off”."
        );
    }

    #[test]
    fn a_summary_that_does_not_follow_from_the_checks_is_named() {
        let report = demo_report();
        assert_eq!(summary_problem(&report), None);
        let mut failing = report.clone();
        failing.checks[0].status = Status::Fail;
        // the counts no longer match
        assert!(summary_problem(&failing)
            .expect("a problem")
            .contains("but its checks are"));
        // the counts match but the verdict was rewritten
        let mut rewritten = failing.clone();
        rewritten.summary = Report::summarise(&rewritten.checks);
        assert_eq!(summary_problem(&rewritten), None);
        rewritten.summary.status = Status::Pass;
        assert_eq!(
            summary_problem(&rewritten).as_deref(),
            Some("its summary says pass, but its checks make it fail")
        );
    }

    #[test]
    fn changes_read_as_better_or_worse_by_the_metric_s_direction() {
        assert_eq!(direction("roc_auc", 0.8, 0.7), Some("worse"));
        assert_eq!(direction("estimated_accuracy", 0.8, 0.9), Some("better"));
        assert_eq!(direction("rmse", 1.0, 2.0), Some("worse"));
        assert_eq!(direction("log_loss", 0.5, 0.4), Some("better"));
        assert_eq!(direction("f1", 0.5, 0.5 + 1e-17), Some("same"));
        assert_eq!(direction("psi", 0.1, 0.2), None);
        assert_eq!(fmt_delta(1.1102230246251565e-16, 1.0), "0");
        assert_eq!(fmt_delta(-2.0e-13, 0.5), "0");
        assert_eq!(fmt_delta(0.0123, 1.0), "0.01230");
        assert_eq!(fmt_delta(1e-9, 1.0), "1.000e-9");
    }

    #[test]
    fn every_check_of_a_report_links_to_a_section_of_the_page() {
        for id in attest_check::config::CHECK_IDS {
            assert!(section_anchor(id).is_some(), "{id} has no section");
        }
        assert_eq!(section_anchor(attest_check::baseline::ID), Some("baseline"));
    }
}
