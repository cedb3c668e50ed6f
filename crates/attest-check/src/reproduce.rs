//! Reproduction: run a report's checks again, with the report's own
//! configuration, on files the user says are its inputs, and compare the
//! two documents value by value.
//!
//! What must agree: the inputs (SHA-256, rows, columns, format), the
//! configuration, the summary and every check with all its metrics and
//! evidence, bit for bit (numbers are compared as the JSON the report holds,
//! which round-trips f64 exactly). What may differ: `created_at`, the
//! producing tool's version (noted, not a difference in itself), the files'
//! names, and the signatures (a rerun has none).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::{Config, Report};

/// One value that differs between the report and the rerun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Where, e.g. `checks[feature_drift].metrics[psi column=income]`.
    pub path: String,
    /// The value in the report (absent: the rerun has a value the report lacks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// The value in the rerun (absent: the report has a value the rerun lacks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
}

/// The outcome of a reproduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reproduction {
    /// True when nothing differs.
    pub identical: bool,
    /// The tool versions, when they differ (the report's, the rerun's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_versions: Option<(String, String)>,
    pub differences: Vec<Difference>,
}

impl Reproduction {
    /// Plain-words summary: "reproduced: identical" or the differences, one
    /// per line.
    pub fn describe(&self) -> String {
        let mut out = if self.identical {
            "reproduced: identical\n".to_string()
        } else {
            format!(
                "not reproduced: {} value{} differ{}\n",
                self.differences.len(),
                if self.differences.len() == 1 { "" } else { "s" },
                if self.differences.len() == 1 { "s" } else { "" },
            )
        };
        for d in &self.differences {
            let show = |v: &Option<Value>| v.as_ref().map_or("(absent)".into(), Value::to_string);
            out.push_str(&format!(
                "  {}: report {} · rerun {}\n",
                d.path,
                show(&d.expected),
                show(&d.actual)
            ));
        }
        if let Some((was, now)) = &self.tool_versions {
            out.push_str(&format!(
                "  (report made by attest {was}, rerun by {now})\n"
            ));
        }
        out
    }
}

/// The configuration a report was made with (its `config` echo), to run the
/// checks again.
pub fn config_of(report: &Report) -> Result<Config> {
    Config::from_json(&report.config.to_string())
        .map_err(|e| Error::Config(format!("the report's {e}")))
}

/// Compare a report with a rerun of its checks.
pub fn compare(original: &Report, rerun: &Report) -> Reproduction {
    let comparable = |r: &Report| -> Value {
        let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
        if let Some(obj) = v.as_object_mut() {
            for volatile in ["created_at", "tool", "signatures"] {
                obj.remove(volatile);
            }
            if let Some(inputs) = obj.get_mut("inputs").and_then(Value::as_array_mut) {
                for input in inputs.iter_mut().filter_map(Value::as_object_mut) {
                    input.remove("name");
                }
            }
        }
        v
    };
    let mut differences = Vec::new();
    diff(
        &comparable(original),
        &comparable(rerun),
        &mut String::new(),
        &mut differences,
    );
    let tool_versions = (original.tool.version != rerun.tool.version)
        .then(|| (original.tool.version.clone(), rerun.tool.version.clone()));
    Reproduction {
        identical: differences.is_empty(),
        tool_versions,
        differences,
    }
}

/// A readable label for an array item: its id, dataset, name, column and
/// segment where it has them; its index otherwise.
fn label(item: &Value, index: usize) -> String {
    let Some(obj) = item.as_object() else {
        return index.to_string();
    };
    let text = |k: &str| obj.get(k).and_then(Value::as_str);
    let mut parts: Vec<String> = Vec::new();
    for k in ["id", "name", "dataset"] {
        if let Some(v) = text(k) {
            parts.push(v.to_string());
        }
    }
    if let Some(c) = text("column") {
        parts.push(format!("column={c}"));
    }
    if let Some(seg) = obj.get("segment").and_then(Value::as_object) {
        let s = |k: &str| seg.get(k).and_then(Value::as_str).unwrap_or("");
        parts.push(format!("{}={}", s("column"), s("value")));
    }
    if parts.is_empty() {
        index.to_string()
    } else {
        parts.join(" ")
    }
}

fn diff(a: &Value, b: &Value, path: &mut String, out: &mut Vec<Difference>) {
    let len = path.len();
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => diff_objects(x, y, path, out),
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let item = x.get(i).or_else(|| y.get(i)).unwrap_or(&Value::Null);
                path.push_str(&format!("[{}]", label(item, i)));
                diff_present(x.get(i), y.get(i), path, out);
                path.truncate(len);
            }
        }
        _ if a == b => {}
        _ => out.push(Difference {
            path: path.clone(),
            expected: Some(a.clone()),
            actual: Some(b.clone()),
        }),
    }
}

/// Compare two values where either may be absent.
fn diff_present(
    a: Option<&Value>,
    b: Option<&Value>,
    path: &mut String,
    out: &mut Vec<Difference>,
) {
    match (a, b) {
        (Some(p), Some(q)) => diff(p, q, path, out),
        (p, q) => out.push(Difference {
            path: path.clone(),
            expected: p.cloned(),
            actual: q.cloned(),
        }),
    }
}

fn diff_objects(
    x: &Map<String, Value>,
    y: &Map<String, Value>,
    path: &mut String,
    out: &mut Vec<Difference>,
) {
    let len = path.len();
    let mut keys: Vec<&String> = x
        .keys()
        .chain(y.keys().filter(|k| !x.contains_key(*k)))
        .collect();
    keys.dedup();
    for k in keys {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(k);
        diff_present(x.get(k), y.get(k), path, out);
        path.truncate(len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::small_report;

    #[test]
    fn same_report_is_identical_whatever_the_time_names_and_signatures() {
        let a = small_report();
        let mut b = a.clone();
        b.created_at = "2030-01-01T00:00:00Z".into();
        b.inputs[0].name = "renamed.csv".into();
        b.signatures.push(serde_json::json!({"signer": "x"}));
        let r = compare(&a, &b);
        assert!(r.identical, "{}", r.describe());
        assert_eq!(r.describe(), "reproduced: identical\n");
        assert!(r.tool_versions.is_none());
    }

    #[test]
    fn every_changed_value_is_listed_with_a_readable_path() {
        let a = small_report();
        let mut b = a.clone();
        b.inputs[1].sha256 = "00".repeat(32);
        let dq = b
            .checks
            .iter_mut()
            .find(|c| c.id == "data_quality")
            .expect("data_quality");
        let m = dq.metrics.first_mut().expect("a metric");
        let (name, column) = (m.name.clone(), m.column.clone().unwrap_or_default());
        m.value = f64::from_bits(m.value.to_bits() ^ 1);
        b.tool.version = "9.9.9".into();
        let r = compare(&a, &b);
        assert!(!r.identical);
        let paths: Vec<&str> = r.differences.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        // keys in sorted order: checks, then inputs
        assert_eq!(paths[1], "inputs[current].sha256");
        assert!(
            paths[0].starts_with(&format!("checks[data_quality].metrics[{name} "))
                && paths[0].contains(&format!("column={column}"))
                && paths[0].ends_with("].value"),
            "{}",
            paths[0]
        );
        assert_eq!(
            r.tool_versions,
            Some((a.tool.version.clone(), "9.9.9".into()))
        );
        assert!(r
            .describe()
            .starts_with("not reproduced: 2 values differ\n"));
    }

    #[test]
    fn missing_and_extra_entries_are_differences() {
        let a = small_report();
        let mut b = a.clone();
        let removed = b.checks.pop().expect("a check");
        let r = compare(&a, &b);
        assert_eq!(r.differences.len(), 1, "{}", r.describe());
        let missing = r
            .differences
            .iter()
            .find(|d| d.path == format!("checks[{}]", removed.id))
            .expect("the missing check");
        assert!(missing.actual.is_none() && missing.expected.is_some());
    }

    #[test]
    fn the_config_echo_runs_again() {
        let a = small_report();
        let config = config_of(&a).expect("config");
        assert_eq!(serde_json::to_value(&config).expect("value"), a.config);
    }
}
