//! JUnit XML: one test case per check; failures as failures, errors as
//! errors, skipped checks as skipped, warnings as passing cases with output.

use std::fmt::Write;

use attest_check::report::{Report, Status};

/// Escape text for XML attributes and content.
pub use attest_check::bundle::escape_markup as escape;

/// Render the report as JUnit XML.
pub fn render(report: &Report) -> String {
    let c = report.summary.counts;
    let tests = report.checks.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"attest\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        c.fail, c.error, c.skipped
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"attest\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
        c.fail,
        c.error,
        c.skipped,
        escape(&report.created_at)
    );
    for check in &report.checks {
        let msg = escape(check.message.as_deref().unwrap_or(""));
        let _ = write!(
            out,
            "    <testcase classname=\"attest\" name=\"{}\">",
            escape(&check.id)
        );
        let details: Vec<String> = check
            .metrics
            .iter()
            .filter(|m| matches!(m.status, Some(Status::Fail | Status::Warn)))
            .map(|m| {
                let mut s = m.name.clone();
                if let Some(col) = &m.column {
                    s.push_str(&format!(" [{col}]"));
                }
                if let Some(seg) = &m.segment {
                    s.push_str(&format!(" [{}={}]", seg.column, seg.value));
                }
                if let Some(d) = &m.dataset {
                    s.push_str(&format!(" [{d}"));
                    if let Some(a) = &m.against {
                        s.push_str(&format!(" vs {a}"));
                    }
                    s.push(']');
                }
                if let Some(k) = &m.chunk {
                    s.push_str(&format!(" [chunk {k}]"));
                }
                format!(
                    "{s} = {} (threshold {})",
                    m.value,
                    m.threshold.unwrap_or(f64::NAN)
                )
            })
            .collect();
        let body = escape(&details.join("\n"));
        match check.status {
            Status::Fail => {
                let _ = write!(
                    out,
                    "\n      <failure message=\"{msg}\" type=\"fail\">{body}</failure>\n    "
                );
            }
            Status::Error => {
                let _ = write!(
                    out,
                    "\n      <error message=\"{msg}\" type=\"error\"/>\n    "
                );
            }
            Status::Skipped => {
                let _ = write!(out, "\n      <skipped message=\"{msg}\"/>\n    ");
            }
            Status::Warn => {
                let _ = write!(
                    out,
                    "\n      <system-out>warn: {msg}\n{body}</system-out>\n    "
                );
            }
            Status::Pass => {}
        }
        let _ = writeln!(out, "</testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{1}b"), "ab");
    }
}
