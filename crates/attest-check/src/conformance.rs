//! Conformance cases (SPEC §6): expected metric values computed with
//! scipy/scikit-learn, and the rule that decides whether a report agrees.

use serde::Deserialize;

use std::collections::BTreeMap;

use crate::config::Roles;
use crate::read::Datasets;
use crate::report::{Metric, Report, Segment};
use crate::run::{run, NoProgress, RunOptions};
use crate::Config;

/// Tolerance: |got − expected| ≤ abs + rel·|expected|.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Tolerance {
    pub rel: f64,
    pub abs: f64,
}

/// One expected metric entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Expected {
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub column: Option<String>,
    #[serde(default)]
    pub dataset: Option<String>,
    #[serde(default)]
    pub against: Option<String>,
    #[serde(default)]
    pub segment: Option<Segment>,
    #[serde(default)]
    pub chunk: Option<String>,
    #[serde(default)]
    pub tolerance: Option<Tolerance>,
}

/// A model case of `conformance/model_public/` (`expected_model.json`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelCase {
    pub case: String,
    pub default_tolerance: Tolerance,
    pub expected: Vec<Expected>,
}

/// One of the project's own model cases (`tests/data/models/expected.json`,
/// made by `scripts/make_model_fixtures.py`): its files, by name in that
/// folder, the `attest.toml` text, the expected values, and the copy of the
/// model that must fail parity, if any.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelFixture {
    pub case: String,
    pub model: String,
    pub reference: String,
    pub current: String,
    pub config: String,
    pub default_tolerance: Tolerance,
    pub expected: Vec<Expected>,
    #[serde(default)]
    pub changed_model: Option<String>,
}

/// `tests/data/models/expected.json`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelFixtures {
    pub cases: Vec<ModelFixture>,
}

/// The roles of a case, as in `expected.json`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CaseRoles {
    pub id: Option<String>,
    pub timestamp: Option<String>,
    pub prediction: Option<String>,
    pub score: Option<String>,
    pub label: Option<String>,
    #[serde(default)]
    pub sensitive: Vec<String>,
    #[serde(default)]
    pub segments: Vec<String>,
    pub challenger_score: Option<String>,
    pub challenger_prediction: Option<String>,
    #[serde(default)]
    pub class_scores: Vec<String>,
    #[serde(default)]
    pub attribution: Vec<String>,
    #[serde(default)]
    pub feature_time: BTreeMap<String, String>,
}

impl CaseRoles {
    /// As configuration roles, on top of `base` (the case's `config`).
    pub fn to_roles(&self, base: &Roles) -> Roles {
        let mut r = base.clone();
        let set = |slot: &mut Option<String>, v: &Option<String>| {
            if v.is_some() {
                slot.clone_from(v);
            }
        };
        set(&mut r.id, &self.id);
        set(&mut r.timestamp, &self.timestamp);
        set(&mut r.prediction, &self.prediction);
        set(&mut r.score, &self.score);
        set(&mut r.label, &self.label);
        set(&mut r.challenger_score, &self.challenger_score);
        set(&mut r.challenger_prediction, &self.challenger_prediction);
        let list = |slot: &mut Vec<String>, v: &Vec<String>| {
            if !v.is_empty() {
                slot.clone_from(v);
            }
        };
        list(&mut r.sensitive, &self.sensitive);
        list(&mut r.segments, &self.segments);
        list(&mut r.class_scores, &self.class_scores);
        list(&mut r.attribution, &self.attribution);
        if !self.feature_time.is_empty() {
            r.feature_time.clone_from(&self.feature_time);
        }
        r
    }

    /// The command-line flags that give these roles (SPEC §5).
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut one = |flag: &str, v: &Option<String>| {
            if let Some(v) = v {
                args.push(format!("--{flag}"));
                args.push(v.clone());
            }
        };
        one("id", &self.id);
        one("timestamp", &self.timestamp);
        one("prediction", &self.prediction);
        one("score", &self.score);
        one("label", &self.label);
        one("challenger-score", &self.challenger_score);
        one("challenger-prediction", &self.challenger_prediction);
        for (flag, list) in [
            ("sensitive", &self.sensitive),
            ("segment", &self.segments),
            ("class-score", &self.class_scores),
            ("attribution", &self.attribution),
        ] {
            for v in list {
                args.push(format!("--{flag}"));
                args.push(v.clone());
            }
        }
        args
    }
}

/// One case.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub task: Option<String>,
    /// Path relative to the cases file's folder.
    pub reference: String,
    pub current: String,
    #[serde(default)]
    pub train: Option<String>,
    pub roles: CaseRoles,
    /// The text of an `attest.toml`, when the case has one.
    #[serde(default)]
    pub config: Option<String>,
    pub expected: Vec<Expected>,
}

impl Case {
    /// The case's configuration: its `config` text with its roles on top.
    pub fn configuration(&self) -> crate::Result<Config> {
        let mut config = Config::from_toml(self.config.as_deref().unwrap_or(""))?;
        config.roles = self.roles.to_roles(&config.roles);
        config.validate()?;
        Ok(config)
    }

    /// The expected entries this build checks: all but the metrics of
    /// [`PENDING`].
    pub fn checked(&self) -> impl Iterator<Item = &Expected> {
        self.expected.iter().filter(|e| !is_pending(&self.name, e))
    }
}

/// Metrics of the conformance cases that this build does not compute yet,
/// by metric name (`*` a prefix) and, for whole cases, `case/`. This is the
/// one place such values are listed: the issues that build them empty it.
/// Empty: every metric of every case is computed.
pub const PENDING: &[&str] = &[];

/// Whether an expected entry is pending (see [`PENDING`]).
pub fn is_pending(case: &str, e: &Expected) -> bool {
    matches_any(PENDING, case, e)
}

/// Whether an expected entry matches one of `patterns` (as [`PENDING`]).
fn matches_any(patterns: &[&str], case: &str, e: &Expected) -> bool {
    patterns.iter().any(|p| {
        if let Some(c) = p.strip_suffix('/') {
            c == case
        } else if *p == "chunk:*" {
            e.chunk.is_some()
        } else if let Some(prefix) = p.strip_suffix('*') {
            e.name.starts_with(prefix)
        } else {
            e.name == *p
        }
    })
}

/// The cases file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Cases {
    pub format: String,
    pub default_tolerance: Tolerance,
    pub cases: Vec<Case>,
}

fn same_key(m: &Metric, e: &Expected) -> bool {
    m.name == e.name
        && m.column == e.column
        && m.dataset == e.dataset
        && m.against == e.against
        && m.segment == e.segment
        && m.chunk == e.chunk
}

fn describe(e: &Expected) -> String {
    let mut s = e.name.clone();
    if let Some(c) = &e.column {
        s.push_str(&format!(" column={c}"));
    }
    if let Some(d) = &e.dataset {
        s.push_str(&format!(" dataset={d}"));
    }
    if let Some(a) = &e.against {
        s.push_str(&format!(" against={a}"));
    }
    if let Some(c) = &e.chunk {
        s.push_str(&format!(" chunk={c}"));
    }
    if let Some(g) = &e.segment {
        s.push_str(&format!(" segment={}={}", g.column, g.value));
    }
    s
}

/// Compare a report with a case's expected entries. Returns one line per
/// disagreement: a value missing, outside tolerance, or present more than once.
pub fn disagreements<'a>(
    report: &Report,
    expected: impl IntoIterator<Item = &'a Expected>,
    default: Tolerance,
) -> Vec<String> {
    let mut out = Vec::new();
    for e in expected {
        let found: Vec<&Metric> = report
            .metrics()
            .map(|(_, m)| m)
            .filter(|m| same_key(m, e))
            .collect();
        let tol = e.tolerance.unwrap_or(default);
        match found.as_slice() {
            [] => out.push(format!("{}: missing (expected {:e})", describe(e), e.value)),
            [m] => {
                let allowed = tol.abs + tol.rel * e.value.abs();
                let diff = (m.value - e.value).abs();
                if diff.is_nan() || diff > allowed {
                    out.push(format!(
                        "{}: got {:e}, expected {:e} (|diff| {:e} > {:e})",
                        describe(e),
                        m.value,
                        e.value,
                        diff,
                        allowed
                    ));
                }
            }
            many => out.push(format!(
                "{}: {} entries, expected one",
                describe(e),
                many.len()
            )),
        }
    }
    out
}

/// Run one case on its opened datasets with the case's roles and
/// configuration, and return its disagreements over the values checked
/// (an error running it is one disagreement).
pub fn check_case(case: &Case, datasets: Datasets<'_>, default: Tolerance) -> Vec<String> {
    let config = match case.configuration() {
        Ok(c) => c,
        Err(e) => return vec![format!("{}: bad configuration: {e}", case.name)],
    };
    match run(datasets, &config, &RunOptions::default(), &NoProgress) {
        Ok(report) => disagreements(&report, case.checked(), default)
            .into_iter()
            .map(|d| format!("{}: {d}", case.name))
            .collect(),
        Err(e) => vec![format!("{}: run failed: {e}", case.name)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, chunk: Option<&str>) -> Expected {
        Expected {
            name: name.into(),
            value: 0.0,
            column: None,
            dataset: None,
            against: None,
            segment: None,
            chunk: chunk.map(str::to_string),
            tolerance: None,
        }
    }

    #[test]
    fn pending_matches_names_prefixes_and_chunks() {
        let patterns = ["label_issue_*", "psi", "case_a/", "chunk:*"];
        let m = |case: &str, e: &Expected| matches_any(&patterns, case, e);
        assert!(m("x", &entry("label_issue_count", None)));
        assert!(m("x", &entry("psi", None)));
        assert!(!m("x", &entry("psi_2", None)));
        assert!(!m("x", &entry("label_issue", None)));
        assert!(m("case_a", &entry("ks", None)));
        assert!(m("y", &entry("ks", Some("2024-01"))));
        assert!(!m("y", &entry("ks", None)));
        // nothing is pending any more
        assert!(!is_pending("x", &entry("label_issue_count", None)));
        assert!(!is_pending("x", &entry("skew_pairs", None)));
    }
}
