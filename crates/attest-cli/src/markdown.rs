//! The GitHub-flavoured Markdown summary of a report (SPEC §8): for pull
//! request comments, the GitHub Actions step summary (`--markdown FILE`) and
//! the Python package's notebook view.
//!
//! Its first line is `<!-- attest:report model=NAME -->` (a bot finds its
//! own comment by it), then the verdict, then a table of every check —
//! failures first — with its status, title, finding and deciding number,
//! then each failing or warning check's metrics in `<details>`. At most
//! [`MAX_CHARS`] characters: what does not fit is cut, and the cut is said.
//! Text from the report (titles, messages, column names, the model's name)
//! is escaped: it may hold markup, and a table cell may not hold `|` or a
//! line break.

use std::fmt::Write;

use attest_check::report::{display_number, Check, Metric, Report, Status};

/// The most characters a summary has (GitHub's comment limit is 65,536).
pub const MAX_CHARS: usize = 60_000;

/// Text for a table cell or a line of Markdown: HTML-escaped, no `|`, no
/// line breaks, no backticks, asterisks or brackets that would start
/// formatting or a link (underscores inside words format nothing in GFM).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("&#124;"),
            '`' => out.push_str("&#96;"),
            '*' => out.push_str("&#42;"),
            '[' => out.push_str("&#91;"),
            '\\' => out.push_str("&#92;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn word(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
        Status::Skipped => "skipped",
    }
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅",
        Status::Warn => "⚠️",
        Status::Fail | Status::Error => "❌",
        Status::Skipped => "➖",
    }
}

/// Failures first, then errors, warnings, passes, skipped checks.
fn rank(status: Status) -> u8 {
    match status {
        Status::Fail => 0,
        Status::Error => 1,
        Status::Warn => 2,
        Status::Pass => 3,
        Status::Skipped => 4,
    }
}

/// Where a metric applies: column, dataset, segment, chunk.
fn place(m: &Metric) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &m.column {
        parts.push(c.clone());
    }
    if let Some(d) = &m.dataset {
        match &m.against {
            Some(a) => parts.push(format!("{d} vs {a}")),
            None => parts.push(d.clone()),
        }
    }
    if let Some(s) = &m.segment {
        parts.push(format!("{}={}", s.column, s.value));
    }
    if let Some(c) = &m.chunk {
        parts.push(c.clone());
    }
    parts.join(", ")
}

/// The number a failing or warning check's verdict turned on: its metric of
/// the check's status furthest past its threshold. A passing check has
/// none (no number crossed a limit), nor has a skipped one.
pub fn deciding(check: &Check) -> Option<&Metric> {
    if !matches!(check.status, Status::Fail | Status::Warn | Status::Error) {
        return None;
    }
    let judged = check
        .metrics
        .iter()
        .filter(|m| m.threshold.is_some() && m.status.is_some());
    let worst = judged.clone().min_by(|a, b| {
        let ra = a.status.map_or(9, rank);
        let rb = b.status.map_or(9, rank);
        ra.cmp(&rb).then_with(|| {
            let past = |m: &Metric| {
                let t = m.threshold.unwrap_or(0.0);
                if t != 0.0 {
                    (m.value / t).abs()
                } else {
                    m.value.abs()
                }
            };
            past(b).total_cmp(&past(a))
        })
    });
    worst.filter(|m| m.status.map(rank) <= Some(rank(Status::Warn)))
}

fn deciding_text(check: &Check) -> String {
    match deciding(check) {
        Some(m) => {
            let at = place(m);
            let mut s = format!("{} {}", escape(&m.name), display_number(m.value));
            if let Some(t) = m.threshold {
                s.push_str(&format!(" (limit {})", display_number(t)));
            }
            if !at.is_empty() {
                s.push_str(&format!(" — {}", escape(&at)));
            }
            s
        }
        None => String::new(),
    }
}

/// The delta table of a `baseline_comparison` check: each compared metric
/// with the baseline's value, this run's, the oriented delta (positive is
/// better) and its margin; empty for another check or no rows.
pub fn baseline_section(check: &Check) -> String {
    let rows = attest_check::baseline::rows(check);
    if check.id != attest_check::baseline::ID || rows.is_empty() {
        return String::new();
    }
    let name = check.evidence["baseline"]["name"]
        .as_str()
        .unwrap_or("the baseline");
    let mut out = format!(
        "\n**Against the baseline** {}: {}\n\n| metric | dataset | baseline | this run | delta (+ is better) | margin | status |\n|---|---|---|---|---|---|---|\n",
        escape(name),
        escape(check.message.as_deref().unwrap_or(""))
    );
    let num = |v: &serde_json::Value| v.as_f64().map(display_number).unwrap_or_default();
    for r in rows {
        let status = r["status"].as_str().unwrap_or("");
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | −{} | {} |",
            escape(r["metric"].as_str().unwrap_or("")),
            escape(r["dataset"].as_str().unwrap_or("")),
            num(&r["baseline"]),
            num(&r["this"]),
            num(&r["delta"]),
            num(&r["margin"]),
            if status == "fail" {
                "❌ FAIL"
            } else {
                "✅ PASS"
            }
        );
    }
    let nc = check.evidence["not_comparable"]
        .as_array()
        .map_or(0, Vec::len);
    if nc > 0 {
        let _ = writeln!(out, "\n{nc} metric(s) in one report only: not comparable.");
    }
    out
}

/// The model's name for the first line (`unnamed` without one), safe in an
/// HTML comment.
fn comment_name(report: &Report) -> String {
    let name = report.model_card().name.unwrap_or_else(|| "unnamed".into());
    name.replace("--", "- -")
        .replace('>', "&gt;")
        .replace('\n', " ")
}

/// The summary of `report`, at most [`MAX_CHARS`] characters.
pub fn render(report: &Report) -> String {
    render_within(report, MAX_CHARS)
}

/// [`render`] within `max` characters (tests use smaller limits).
pub fn render_within(report: &Report, max: usize) -> String {
    let mut head = String::new();
    let _ = writeln!(
        head,
        "<!-- attest:report model={} -->",
        comment_name(report)
    );
    let card = report.model_card();
    let model: Vec<String> = [&card.name, &card.version]
        .into_iter()
        .filter_map(|v| v.as_deref())
        .map(escape)
        .collect();
    let status = report.summary.status;
    let _ = writeln!(
        head,
        "### {} Attest: {}{}",
        icon(status),
        word(status),
        if model.is_empty() {
            String::new()
        } else {
            format!(" — {}", model.join(" "))
        }
    );
    let c = report.summary.counts;
    let inputs: Vec<String> = report
        .inputs
        .iter()
        .map(|i| format!("{} {} ({} rows)", i.dataset, escape(&i.name), i.rows))
        .collect();
    let _ = writeln!(
        head,
        "\n{} pass · {} warn · {} fail · {} error · {} skipped — {} — attest {}, {}\n",
        c.pass,
        c.warn,
        c.fail,
        c.error,
        c.skipped,
        inputs.join(", "),
        escape(&report.tool.version),
        escape(&report.created_at)
    );
    let mut order: Vec<&Check> = report.checks.iter().collect();
    order.sort_by_key(|c| rank(c.status));
    let mut table =
        String::from("| status | check | finding | deciding number |\n|---|---|---|---|\n");
    for check in &order {
        let _ = writeln!(
            table,
            "| {} {} | {} (<code>{}</code>) | {} | {} |",
            icon(check.status),
            word(check.status),
            escape(&check.title),
            escape(&check.id),
            escape(&crate::summary::truncate(
                check.message.as_deref().unwrap_or(""),
                300
            )),
            deciding_text(check)
        );
    }
    // The baseline's deltas right under the table: they decide a release.
    for check in &order {
        table.push_str(&baseline_section(check));
    }
    let mut details = Vec::new();
    for check in order
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error | Status::Warn))
    {
        let flagged: Vec<&Metric> = check
            .metrics
            .iter()
            .filter(|m| matches!(m.status, Some(Status::Fail | Status::Warn | Status::Error)))
            .collect();
        if flagged.is_empty() {
            continue;
        }
        let mut d = format!(
            "<details><summary>{} <code>{}</code>: {} metric(s) past their limits</summary>\n\n| metric | where | value | limit | status |\n|---|---|---|---|---|\n",
            word(check.status),
            escape(&check.id),
            flagged.len()
        );
        let mut rows = Vec::new();
        for m in flagged {
            rows.push(format!(
                "| {} | {} | {} | {} | {} |\n",
                escape(&m.name),
                escape(&place(m)),
                display_number(m.value),
                m.threshold.map(display_number).unwrap_or_default(),
                m.status.map(word).unwrap_or_default()
            ));
        }
        details.push((d.clone(), rows));
        d.clear();
    }

    // Assemble within the limit: the head and the table always (cut rows
    // of the table only if they alone pass it), then whole details
    // sections, then as many rows of the next as fit; the cut said.
    let cut_note = |n: usize| {
        format!(
            "\n_{n} more metric row(s) cut to keep this summary under {max} characters: the report's JSON has every one._\n"
        )
    };
    let reserve = cut_note(usize::MAX / 2).chars().count() + 40;
    let budget = max.saturating_sub(reserve);
    let mut out = head;
    let mut cut = 0usize;
    if out.chars().count() + table.chars().count() <= budget {
        out.push_str(&table);
    } else {
        for line in table.lines() {
            if out.chars().count() + line.chars().count() < budget {
                out.push_str(line);
                out.push('\n');
            } else {
                cut += 1;
            }
        }
    }
    let mut used = out.chars().count();
    for (open, rows) in details {
        let close = "\n</details>\n";
        let fixed = 1 + open.chars().count() + close.chars().count();
        if cut > 0 || used + fixed >= budget {
            cut += rows.len();
            continue;
        }
        let mut section = format!("\n{open}");
        let mut section_len = section.chars().count() + close.chars().count();
        for row in &rows {
            let n = row.chars().count();
            if cut == 0 && used + section_len + n <= budget {
                section.push_str(row);
                section_len += n;
            } else {
                cut += 1;
            }
        }
        section.push_str(close);
        used += section.chars().count();
        out.push_str(&section);
    }
    if cut > 0 {
        out.push_str(&cut_note(cut));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_table_breakers() {
        assert_eq!(
            escape("<b>x|y</b>\n`z`"),
            "&lt;b&gt;x&#124;y&lt;/b&gt; &#96;z&#96;"
        );
    }

    #[test]
    fn a_report_with_thousands_of_metrics_is_cut_under_the_limit() {
        let metrics: Vec<serde_json::Value> = (0..5000)
            .map(|i| {
                serde_json::json!({"name": "psi", "column": format!("column_{i}"), "value": 0.5,
                    "threshold": 0.1, "status": "fail"})
            })
            .collect();
        let doc = serde_json::json!({
            "format": "attest-report", "schema_version": 1,
            "tool": {"name": "attest", "version": "0"}, "created_at": "2026-01-01T00:00:00Z",
            "inputs": [], "config": {"model": {"name": "<b>m</b>"}},
            "summary": {"status": "fail", "counts": {"pass": 0, "warn": 0, "fail": 1, "error": 0, "skipped": 0}},
            "checks": [{"id": "feature_drift", "title": "Feature drift", "status": "fail",
                        "message": "drift everywhere", "metrics": metrics}],
            "signatures": []
        });
        let report: Report = serde_json::from_value(doc).expect("report");
        let md = render(&report);
        assert!(md.chars().count() <= MAX_CHARS, "{}", md.chars().count());
        assert!(md.starts_with("<!-- attest:report model=<b&gt;m</b&gt; -->\n"));
        assert!(md.contains("Attest: FAIL — &lt;b&gt;m&lt;/b&gt;"));
        assert!(md.contains("more metric row(s) cut"), "the cut is said");
        assert!(md.contains("| status | check |"));
        // Small limits still give a valid summary that says what it cut.
        let tiny = render_within(&report, 3000);
        assert!(tiny.chars().count() <= 3000);
        assert!(tiny.contains("cut"));
    }
}
