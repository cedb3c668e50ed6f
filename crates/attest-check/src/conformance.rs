//! Conformance cases (SPEC §6): expected metric values computed with
//! scipy/scikit-learn, and the rule that decides whether a report agrees.

use serde::Deserialize;

use crate::config::Roles;
use crate::read::Dataset;
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
    pub segment: Option<Segment>,
    #[serde(default)]
    pub tolerance: Option<Tolerance>,
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
}

impl CaseRoles {
    /// As configuration roles.
    pub fn to_roles(&self) -> Roles {
        Roles {
            id: self.id.clone(),
            timestamp: self.timestamp.clone(),
            prediction: self.prediction.clone(),
            score: self.score.clone(),
            label: self.label.clone(),
            sensitive: self.sensitive.clone(),
            segments: self.segments.clone(),
            ..Roles::default()
        }
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
    pub roles: CaseRoles,
    pub expected: Vec<Expected>,
}

/// The cases file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Cases {
    pub format: String,
    pub default_tolerance: Tolerance,
    pub cases: Vec<Case>,
}

fn same_key(m: &Metric, e: &Expected) -> bool {
    m.name == e.name && m.column == e.column && m.dataset == e.dataset && m.segment == e.segment
}

fn describe(e: &Expected) -> String {
    let mut s = e.name.clone();
    if let Some(c) = &e.column {
        s.push_str(&format!(" column={c}"));
    }
    if let Some(d) = &e.dataset {
        s.push_str(&format!(" dataset={d}"));
    }
    if let Some(g) = &e.segment {
        s.push_str(&format!(" segment={}={}", g.column, g.value));
    }
    s
}

/// Compare a report with a case's expected entries. Returns one line per
/// disagreement: a value missing, outside tolerance, or present more than once.
pub fn disagreements(report: &Report, expected: &[Expected], default: Tolerance) -> Vec<String> {
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

/// Run one case on its two opened datasets with the case's roles and the
/// default configuration, and return its disagreements (an error running it
/// is one disagreement).
pub fn check_case(
    case: &Case,
    reference: &Dataset,
    current: &Dataset,
    default: Tolerance,
) -> Vec<String> {
    let config = Config {
        roles: case.roles.to_roles(),
        ..Config::default()
    };
    match run(
        reference,
        current,
        &config,
        &RunOptions::default(),
        &NoProgress,
    ) {
        Ok(report) => disagreements(&report, &case.expected, default)
            .into_iter()
            .map(|d| format!("{}: {d}", case.name))
            .collect(),
        Err(e) => vec![format!("{}: run failed: {e}", case.name)],
    }
}
