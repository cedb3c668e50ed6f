//! A static HTML rendering of the report (summary, checks, metrics).
//!
//! Every text from the report is escaped; numbers are shown as the web app
//! shows them (`attest_check::report::display_number`). This is the page
//! `attest check --html` writes when no viewer is built in (the interactive
//! one-file report is `attest_check::bundle`); it has no script at all.

use std::fmt::Write;

use attest_check::report::{display_number as num, Report};

use crate::junit::escape;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24;background:#fff}\
@media(prefers-color-scheme:dark){body{color:#e6e6e6;background:#15181c}th{background:#23272e!important}}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{padding:.25rem .5rem;border-bottom:1px solid #8884;text-align:left}\
th{background:#f2f4f7}.pass{color:#1a7f37}.warn{color:#9a6700}.fail,.error{color:#cf222e}.skipped{color:#6e7781}\
td.num{text-align:right;font-variant-numeric:tabular-nums}";

/// Render the report as one HTML page.
pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let st = report.summary.status.as_str();
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
<title>Attest report — {st}</title><style>{STYLE}</style></head><body>\n"
    );
    let _ = writeln!(
        o,
        "<h1>Attest report: <span class=\"{st}\">{}</span></h1>",
        st.to_uppercase()
    );
    let _ = writeln!(
        o,
        "<p>Created {} by {} {}.</p>",
        escape(&report.created_at),
        escape(&report.tool.name),
        escape(&report.tool.version)
    );
    let card = report.model_card();
    let fields = card.fields();
    if !fields.is_empty() {
        o.push_str("<dl class=\"model-card\">\n");
        for (k, v) in fields {
            let _ = writeln!(o, "<dt>{k}</dt><dd>{}</dd>", escape(v));
        }
        o.push_str("</dl>\n");
    }
    o.push_str("<table><tr><th>Dataset</th><th>File</th><th>Rows</th><th>SHA-256</th></tr>\n");
    for i in &report.inputs {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            escape(&i.dataset),
            escape(&i.name),
            i.rows,
            escape(&i.sha256)
        );
    }
    o.push_str("</table>\n<h2>Checks</h2>\n<table><tr><th>Check</th><th>Status</th><th>Finding</th></tr>\n");
    for c in &report.checks {
        let s = c.status.as_str();
        let _ = writeln!(
            o,
            "<tr><td><a href=\"#{id}\">{title}</a></td><td class=\"{s}\">{s}</td><td>{m}</td></tr>",
            id = escape(&c.id),
            title = escape(&c.title),
            m = escape(c.message.as_deref().unwrap_or(""))
        );
    }
    o.push_str("</table>\n");
    for c in &report.checks {
        if c.metrics.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h2 id=\"{}\">{}</h2>\n<table><tr><th>Metric</th><th>Column</th><th>Dataset</th><th>Segment</th><th>Value</th><th>Threshold</th><th>Status</th></tr>",
            escape(&c.id),
            escape(&c.title)
        );
        for m in &c.metrics {
            let seg = m
                .segment
                .as_ref()
                .map(|s| format!("{}={}", s.column, s.value))
                .unwrap_or_default();
            let status = m.status.map(|s| s.as_str()).unwrap_or("");
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{status}\">{status}</td></tr>",
                escape(&m.name),
                escape(m.column.as_deref().unwrap_or("")),
                escape(m.dataset.as_deref().unwrap_or("")),
                escape(&seg),
                num(m.value),
                m.threshold.map(|t| t.to_string()).unwrap_or_default()
            );
        }
        o.push_str("</table>\n");
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_for_people() {
        // the same rule as the web app's
        assert_eq!(num(63.0), "63");
        assert_eq!(num(0.0286), "0.02860");
        assert_eq!(num(1.9127195019687224e-33), "1.913e-33");
        assert_eq!(num(0.25), "0.2500");
    }
}
