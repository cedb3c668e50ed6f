//! The readable summary printed after a run: a table of checks, then the
//! worst columns first.

use std::fmt::Write;
use std::time::Duration;

use attest_check::report::{Report, Status};

/// How far past its threshold a judged drift metric is (> 1 means drifted).
fn severity(name: &str, value: f64, threshold: f64) -> f64 {
    if name.ends_with("p_value") {
        threshold / value.max(1e-300)
    } else if threshold > 0.0 {
        value / threshold
    } else {
        value
    }
}

/// `s` cut to `n` characters, the last one an ellipsis when cut.
pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Render the summary.
pub fn render(report: &Report, elapsed: Duration) -> String {
    let mut out = String::new();
    let inputs: Vec<String> = report
        .inputs
        .iter()
        .map(|i| format!("{} {} ({} rows)", i.dataset, i.name, i.rows))
        .collect();
    let _ = writeln!(
        out,
        "attest {} — {}",
        report.tool.version,
        inputs.join(", ")
    );
    let card = report.model_card();
    let model: Vec<&str> = [&card.name, &card.version]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .collect();
    if !model.is_empty() {
        let _ = writeln!(out, "model: {}", model.join(" "));
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{:<28} {:<8} FINDING", "CHECK", "STATUS");
    for c in &report.checks {
        let _ = writeln!(
            out,
            "{:<28} {:<8} {}",
            c.id,
            c.status.as_str(),
            truncate(c.message.as_deref().unwrap_or(""), 100)
        );
    }
    let mut drifted: Vec<(f64, String)> = report
        .checks
        .iter()
        .filter(|c| c.id.ends_with("_drift"))
        .flat_map(|c| c.metrics.iter())
        .filter(|m| m.column.is_some() && m.threshold.is_some())
        .filter(|m| matches!(m.status, Some(Status::Fail | Status::Warn)))
        .map(|m| {
            let thr = m.threshold.unwrap_or(0.0);
            (
                severity(&m.name, m.value, thr),
                format!(
                    "  {:<24} {} = {:.4e} (threshold {})",
                    m.column.as_deref().unwrap_or(""),
                    m.name,
                    m.value,
                    thr
                ),
            )
        })
        .collect();
    drifted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    if !drifted.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "Drifted columns, worst first:");
        for (_, line) in drifted.iter().take(15) {
            let _ = writeln!(out, "{line}");
        }
        if drifted.len() > 15 {
            let _ = writeln!(out, "  … and {} more (see the report)", drifted.len() - 15);
        }
    }
    let c = report.summary.counts;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Result: {} ({} pass, {} warn, {} fail, {} error, {} skipped) in {:.2} s",
        report.summary.status.as_str().to_uppercase(),
        c.pass,
        c.warn,
        c.fail,
        c.error,
        c.skipped,
        elapsed.as_secs_f64()
    );
    out
}
