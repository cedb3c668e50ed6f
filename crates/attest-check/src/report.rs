//! The report document (SPEC §4): a versioned JSON document that the CLI
//! writes and the viewer renders. Its outer shape is fixed; each check adds
//! an `evidence` object with what a viewer needs to draw charts without the
//! raw data.

use serde::{Deserialize, Serialize};

/// Value of the `format` field.
pub const FORMAT: &str = "attest-report";
/// Version of the report schema this library writes.
pub const SCHEMA_VERSION: u32 = 1;

/// A check's or metric's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Error,
    Skipped,
}

impl Status {
    /// Severity rank for "worst of": skipped < pass < warn < fail < error.
    pub fn rank(self) -> u8 {
        match self {
            Status::Skipped => 0,
            Status::Pass => 1,
            Status::Warn => 2,
            Status::Fail => 3,
            Status::Error => 4,
        }
    }
    /// The worse of two statuses.
    pub fn worst(self, other: Status) -> Status {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Skipped => "skipped",
        }
    }
}

impl From<crate::config::Severity> for Status {
    fn from(s: crate::config::Severity) -> Self {
        match s {
            crate::config::Severity::Warn => Status::Warn,
            crate::config::Severity::Fail => Status::Fail,
        }
    }
}

/// The producing tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One input dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    /// `"reference"`, `"current"`, …
    pub dataset: String,
    /// File name as given.
    pub name: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub rows: u64,
    /// Column names in file order.
    pub columns: Vec<String>,
    /// `"parquet"` or `"csv"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// Counts of checks by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub error: u32,
    pub skipped: u32,
}

/// Overall verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub status: Status,
    pub counts: Counts,
}

/// The slice of rows a metric was computed on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    pub column: String,
    /// The segment's value, as text.
    pub value: String,
}

/// One metric value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// The earlier dataset of a two-dataset comparison other than drift
    /// (`dataset` is the later one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<Segment>,
    /// A backtesting chunk's key (`2024-03`, `[0:400)`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunk: Option<String>,
    /// Always finite.
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

impl Metric {
    /// A metric, or `None` when the value is not finite (JSON has no NaN or
    /// infinity; the check says why the value is missing).
    pub fn new(name: &str, value: f64) -> Option<Self> {
        value.is_finite().then(|| Metric {
            name: name.to_string(),
            column: None,
            dataset: None,
            against: None,
            segment: None,
            chunk: None,
            value,
            threshold: None,
            status: None,
        })
    }
    /// Set the column.
    pub fn column(mut self, column: &str) -> Self {
        self.column = Some(column.to_string());
        self
    }
    /// Set the dataset.
    pub fn dataset(mut self, dataset: &str) -> Self {
        self.dataset = Some(dataset.to_string());
        self
    }
    /// Set the earlier dataset of a comparison.
    pub fn against(mut self, dataset: &str) -> Self {
        self.against = Some(dataset.to_string());
        self
    }
    /// Set the backtesting chunk.
    pub fn chunk(mut self, key: &str) -> Self {
        self.chunk = Some(key.to_string());
        self
    }
    /// Set the segment.
    pub fn segment(mut self, column: &str, value: &str) -> Self {
        self.segment = Some(Segment {
            column: column.to_string(),
            value: value.to_string(),
        });
        self
    }
    /// Attach a threshold and the verdict against it.
    pub fn judged(mut self, threshold: f64, status: Status) -> Self {
        if threshold.is_finite() {
            self.threshold = Some(threshold);
        }
        self.status = Some(status);
        self
    }
}

/// One check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub status: Status,
    /// Why the check was skipped or errored, or a one-line finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub metrics: Vec<Metric>,
    /// What a viewer needs to draw this check (histograms, curves, tables).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub evidence: serde_json::Value,
}

impl Check {
    /// A check judged by its metrics (the worst of their statuses).
    pub fn judged(
        (id, title): (&str, &str),
        message: impl Into<String>,
        metrics: Vec<Metric>,
        evidence: serde_json::Value,
    ) -> Self {
        Check {
            id: id.into(),
            title: title.into(),
            status: Check::status_from_metrics(&metrics),
            message: Some(message.into()),
            metrics,
            evidence,
        }
    }
    /// A skipped check with its reason.
    pub fn skipped(id: &str, title: &str, why: impl Into<String>) -> Self {
        Check {
            id: id.into(),
            title: title.into(),
            status: Status::Skipped,
            message: Some(why.into()),
            metrics: Vec::new(),
            evidence: serde_json::Value::Null,
        }
    }
    /// A check `[checks] skip` names.
    pub fn skipped_by_config(id: &str, title: &str) -> Self {
        Check::skipped(id, title, "skipped by the configuration ([checks] skip)")
    }
    /// An errored check with its message.
    pub fn error(id: &str, title: &str, why: impl Into<String>) -> Self {
        Check {
            status: Status::Error,
            ..Check::skipped(id, title, why)
        }
    }
    /// Status = worst metric status (pass when no metric is judged).
    pub fn status_from_metrics(metrics: &[Metric]) -> Status {
        metrics
            .iter()
            .filter_map(|m| m.status)
            .fold(Status::Pass, Status::worst)
    }
}

/// The report document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub schema_version: u32,
    pub tool: Tool,
    pub created_at: String,
    pub inputs: Vec<Input>,
    pub config: serde_json::Value,
    pub summary: Summary,
    pub checks: Vec<Check>,
    pub signatures: Vec<serde_json::Value>,
}

impl Report {
    /// The model card from the configuration echo (empty when absent or
    /// malformed: a viewer shows what it can).
    pub fn model_card(&self) -> crate::config::ModelCard {
        self.config
            .get("model")
            .and_then(|m| serde_json::from_value(m.clone()).ok())
            .unwrap_or_default()
    }

    /// Fill in the inputs' SHA-256 digests (hex), by dataset label, of a
    /// run made with `RunOptions::hash_inputs = false`.
    pub fn set_digests(&mut self, digests: &[(&str, &str)]) {
        for input in &mut self.inputs {
            if let Some((_, sha)) = digests.iter().find(|(l, _)| *l == input.dataset) {
                input.sha256 = sha.to_string();
            }
        }
    }

    /// Summarise the checks' statuses.
    pub fn summarise(checks: &[Check]) -> Summary {
        let mut counts = Counts::default();
        let mut status = Status::Pass;
        for c in checks {
            match c.status {
                Status::Pass => counts.pass += 1,
                Status::Warn => counts.warn += 1,
                Status::Fail => counts.fail += 1,
                Status::Error => counts.error += 1,
                Status::Skipped => counts.skipped += 1,
            }
            status = status.worst(c.status);
        }
        if status == Status::Skipped {
            status = Status::Pass;
        }
        Summary { status, counts }
    }

    /// Pretty JSON with a trailing newline; deterministic for equal reports.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            format!("{{\"format\":\"{FORMAT}\",\"error\":\"cannot serialise: {e}\"}}")
        });
        s.push('\n');
        s
    }

    /// Every metric with its check id, in report order.
    pub fn metrics(&self) -> impl Iterator<Item = (&str, &Metric)> {
        self.checks
            .iter()
            .flat_map(|c| c.metrics.iter().map(move |m| (c.id.as_str(), m)))
    }
}

/// Limits of what [`parse`] accepts: far above any report Attest writes,
/// low enough that a viewer given a hostile document stays responsive.
pub mod limits {
    /// Size of the document's text.
    pub const MAX_BYTES: usize = 256 << 20;
    /// Nesting of arrays and objects.
    pub const MAX_DEPTH: usize = 32;
    /// Items of any one array inside a check's `evidence`
    /// (Attest writes at most a few hundred: bins, curve points).
    pub const MAX_EVIDENCE_ITEMS: usize = 10_000;
    /// Checks in a report (Attest writes 9).
    pub const MAX_CHECKS: usize = 1_000;
    /// Metric entries of one check (one per column and metric).
    pub const MAX_METRICS: usize = 1_000_000;
    /// Inputs (Attest writes 2) and signatures.
    pub const MAX_INPUTS: usize = 64;
    pub const MAX_SIGNATURES: usize = 1_000;
}

/// Read a report document, refusing what is not one with a message that
/// says where: not JSON, another format or a newer schema, a field of the
/// wrong type, or a document past [`limits`] (huge arrays, deep nesting).
/// Viewers and the CLI read every report through this.
pub fn parse(text: &str) -> crate::Result<Report> {
    use crate::error::Error;
    use serde_json::Value;
    if text.len() > limits::MAX_BYTES {
        return Err(Error::Report(format!(
            "{} MB is more than the {} MB a report may have",
            text.len() >> 20,
            limits::MAX_BYTES >> 20
        )));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::Report(if e.is_syntax() || e.is_eof() {
            format!("not valid JSON: {e}")
        } else {
            e.to_string()
        })
    })?;
    let Value::Object(top) = &value else {
        return Err(Error::Report("the document is not a JSON object".into()));
    };
    match top.get("format").and_then(Value::as_str) {
        Some(FORMAT) => {}
        Some(other) => return Err(Error::Report(format!("unknown format {other:?}"))),
        None => return Err(Error::Report("no \"format\": \"attest-report\"".into())),
    }
    match top.get("schema_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(Error::Report(format!(
                "schema_version {v}: this viewer reads version {SCHEMA_VERSION}"
            )))
        }
        None => return Err(Error::Report("no whole-number schema_version".into())),
    }
    check_shape(&value, &mut String::new(), 0, false).map_err(Error::Report)?;
    for (field, max) in [
        ("checks", limits::MAX_CHECKS),
        ("inputs", limits::MAX_INPUTS),
        ("signatures", limits::MAX_SIGNATURES),
    ] {
        if let Some(n) = top.get(field).and_then(Value::as_array).map(Vec::len) {
            if n > max {
                return Err(Error::Report(format!(
                    "{field}: {n} items; a report may have at most {max}"
                )));
            }
        }
    }
    if let Some(checks) = top.get("checks").and_then(Value::as_array) {
        for (i, c) in checks.iter().enumerate() {
            let n = c
                .get("metrics")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if n > limits::MAX_METRICS {
                return Err(Error::Report(format!(
                    "checks[{i}].metrics: {n} items; a check may have at most {}",
                    limits::MAX_METRICS
                )));
            }
        }
    }
    // Name the field whose type is wrong: serde's own message does not.
    type Typed = fn(&Value) -> Result<(), serde_json::Error>;
    let fields: [(&str, Typed); 6] = [
        ("tool", |v| {
            serde_json::from_value::<Tool>(v.clone()).map(drop)
        }),
        ("inputs", |v| {
            serde_json::from_value::<Vec<Input>>(v.clone()).map(drop)
        }),
        ("summary", |v| {
            serde_json::from_value::<Summary>(v.clone()).map(drop)
        }),
        ("checks", |v| {
            serde_json::from_value::<Vec<Check>>(v.clone()).map(drop)
        }),
        ("created_at", |v| {
            serde_json::from_value::<String>(v.clone()).map(drop)
        }),
        ("signatures", |v| {
            serde_json::from_value::<Vec<serde_json::Map<String, Value>>>(v.clone()).map(drop)
        }),
    ];
    for (field, check) in fields {
        match top.get(field) {
            None => return Err(Error::Report(format!("no `{field}`"))),
            Some(v) => check(v).map_err(|e| Error::Report(format!("{field}: {e}")))?,
        }
    }
    serde_json::from_value(value).map_err(|e| Error::Report(e.to_string()))
}

/// Depth and evidence-array limits, with the path of the first offence.
fn check_shape(
    v: &serde_json::Value,
    path: &mut String,
    depth: usize,
    in_evidence: bool,
) -> Result<(), String> {
    use serde_json::Value;
    if depth > limits::MAX_DEPTH {
        return Err(format!(
            "{path}: nested deeper than {} levels",
            limits::MAX_DEPTH
        ));
    }
    let len = path.len();
    match v {
        Value::Array(items) => {
            if in_evidence && items.len() > limits::MAX_EVIDENCE_ITEMS {
                return Err(format!(
                    "{path}: {} items; evidence arrays may have at most {}",
                    items.len(),
                    limits::MAX_EVIDENCE_ITEMS
                ));
            }
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                check_shape(item, path, depth + 1, in_evidence)?;
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                let evidence = in_evidence || k == "evidence";
                check_shape(item, path, depth + 1, evidence)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SSZ`) of Unix seconds.
pub fn rfc3339_utc(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs = unix_secs.rem_euclid(86_400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// A number for people, as every view shows it (the web app, the one-file
/// report, the CLI's static HTML): integers plainly, very small or large
/// values in scientific form with 4 significant digits, others with 4
/// significant digits (at most 6 decimals); "—" for NaN and infinities.
pub fn display_number(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    if v == 0.0 {
        return "0".into();
    }
    if v.fract() == 0.0 && v.abs() < 1e12 {
        return format!("{v:.0}");
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        return format!("{v:.3e}");
    }
    let digits = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> serde_json::Value {
        serde_json::to_value(crate::test_support::small_report()).expect("value")
    }

    fn refused(doc: &serde_json::Value) -> String {
        parse(&doc.to_string()).expect_err("refused").to_string()
    }

    #[test]
    fn parse_reads_what_run_writes() {
        let report = crate::test_support::small_report();
        assert_eq!(parse(&report.to_json()).expect("parse"), report);
    }

    #[test]
    fn parse_refuses_hostile_documents_with_a_path() {
        assert!(parse("{")
            .expect_err("eof")
            .to_string()
            .contains("not valid JSON"));
        assert!(parse("[1]")
            .expect_err("array")
            .to_string()
            .contains("not a JSON object"));
        let mut doc = small();
        doc["format"] = "other".into();
        assert!(refused(&doc).contains("unknown format"));
        let mut doc = small();
        doc["schema_version"] = 2.into();
        assert!(refused(&doc).contains("schema_version 2"));
        // wrong types, named by field
        let mut doc = small();
        doc["inputs"][0]["rows"] = "many".into();
        assert!(refused(&doc).starts_with("not a readable Attest report: inputs:"));
        let mut doc = small();
        doc["checks"][0]["status"] = 7.into();
        assert!(refused(&doc).contains("checks:"));
        let mut doc = small();
        doc["signatures"] = serde_json::json!(["not an object"]);
        assert!(refused(&doc).contains("signatures:"));
        let mut doc = small();
        doc.as_object_mut().expect("object").remove("summary");
        assert!(refused(&doc).contains("no `summary`"));
        // huge evidence arrays
        let mut doc = small();
        doc["checks"][0]["evidence"] =
            serde_json::json!({"bins": vec![0; limits::MAX_EVIDENCE_ITEMS + 1]});
        let e = refused(&doc);
        assert!(e.contains("checks[0].evidence.bins: 10001 items"), "{e}");
        // deep nesting: past our limit, and past serde_json's own
        let mut deep = serde_json::json!(1);
        for _ in 0..40 {
            deep = serde_json::json!([deep]);
        }
        let mut doc = small();
        doc["checks"][0]["evidence"] = deep;
        assert!(refused(&doc).contains("nested deeper than 32"));
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&text).is_err());
        // too many checks
        let mut doc = small();
        let check = doc["checks"][0].clone();
        doc["checks"] = serde_json::Value::Array(vec![check; limits::MAX_CHECKS + 1]);
        assert!(refused(&doc).contains("checks: 1001 items"));
    }

    #[test]
    fn rfc3339_known_times() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn non_finite_metrics_are_refused() {
        assert!(Metric::new("psi", f64::NAN).is_none());
        assert!(Metric::new("psi", f64::INFINITY).is_none());
        assert!(Metric::new("psi", 0.5).is_some());
    }

    #[test]
    fn summary_is_worst_status() {
        let mut a = Check::skipped("a", "A", "n/a");
        let s = Report::summarise(std::slice::from_ref(&a));
        assert_eq!(s.status, Status::Pass);
        a.status = Status::Warn;
        let b = Check {
            status: Status::Fail,
            ..a.clone()
        };
        let s = Report::summarise(&[a, b]);
        assert_eq!(s.status, Status::Fail);
        assert_eq!((s.counts.warn, s.counts.fail), (1, 1));
    }
}
