//! Feature, prediction and label drift (SPEC §3 "Drift").

use serde::Serialize;
use serde_json::json;

use super::{pct, ColumnResult, Context, Family, Pass};
use crate::config::{Config, Severity};
use crate::plan::Role;
use crate::profile::Profile;
use crate::report::{Check, Metric, Status};
use crate::verdict::{self, Judged};

/// The metric that decides a column's drift, and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub metric: &'static str,
    pub value: f64,
    pub threshold: f64,
    pub drifted: bool,
    /// Effect, test and p-value (SPEC §3 "Verdicts").
    pub judged: Judged,
    /// The column's share of the model's importance in reference, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importance_share: Option<f64>,
}

/// SPEC §3 "Verdicts" rule 1: a column drifted when its distance is
/// material (Wasserstein distance / reference std for numbers,
/// Jensen–Shannon for categories, at their configured sizes) and its
/// distribution test (KS, χ²) is significant; the p-values are adjusted
/// together by the check ([`verdict::adjust_all`]) before `drifted` is
/// final.
pub fn verdict(profile: &Profile, config: &Config) -> Option<Verdict> {
    let d = &config.drift;
    let alpha = config.verdicts.alpha;
    let (metric, value, threshold, test, p) = match profile {
        Profile::Numeric(p) => {
            let dr = p.drift?;
            (
                "wasserstein_norm",
                dr.wasserstein_norm,
                d.wasserstein_norm,
                "two-sample Kolmogorov–Smirnov test",
                Some(dr.ks_p_value),
            )
        }
        Profile::Categorical(p) => {
            let dr = p.drift?;
            (
                "jensen_shannon",
                dr.jensen_shannon?,
                d.jensen_shannon,
                "chi-square test of the category counts",
                dr.chi2_p_value,
            )
        }
    };
    let judged = Judged::new(value, threshold, test, p, alpha);
    Some(Verdict {
        metric,
        value,
        threshold,
        drifted: judged.holds(),
        judged,
        importance_share: None,
    })
}

/// Drift metrics of one column; the deciding one is judged (`fail` when drifted).
fn column_metrics(c: &ColumnResult, v: Option<&Verdict>, drifted_status: Status) -> Vec<Metric> {
    let col = c.plan.name.as_str();
    let mut raw: Vec<(&str, Option<f64>)> = Vec::new();
    match &c.profile {
        Some(Ok(Profile::Numeric(p))) => {
            if let Some(d) = p.drift {
                raw.extend([
                    ("ks_statistic", Some(d.ks_statistic)),
                    ("ks_p_value", Some(d.ks_p_value)),
                    ("wasserstein_norm", Some(d.wasserstein_norm)),
                    ("psi", Some(d.psi)),
                    ("jensen_shannon", d.jensen_shannon),
                ]);
            }
        }
        Some(Ok(Profile::Categorical(p))) => {
            if let Some(d) = p.drift {
                raw.extend([
                    ("chi2_statistic", d.chi2_statistic),
                    ("chi2_p_value", d.chi2_p_value),
                    ("psi", Some(d.psi)),
                    ("jensen_shannon", d.jensen_shannon),
                ]);
                // SPEC: for every categorical feature (TFDV's comparator).
                if c.plan.role == Role::Feature {
                    raw.push(("linf_distance", Some(d.linf)));
                }
            }
        }
        _ => {}
    }
    raw.into_iter()
        .filter_map(|(name, value)| {
            let m = Metric::new(name, value?)?.column(col);
            Some(match v {
                Some(v) if v.metric == name => m.judged(
                    v.threshold,
                    if v.drifted {
                        drifted_status
                    } else {
                        Status::Pass
                    },
                ),
                _ => m,
            })
        })
        .collect()
}

fn column_evidence(c: &ColumnResult, v: Option<&Verdict>) -> serde_json::Value {
    let why = match &c.profile {
        None => c.plan.problem.clone(),
        Some(Err(e)) => Some(e.clone()),
        Some(Ok(_)) if v.is_none() => {
            Some("no drift verdict: a dataset has no non-missing values".into())
        }
        _ => None,
    };
    json!({
        "column": c.plan.name,
        "role": c.plan.role,
        "kind": c.plan.kind,
        "verdict": v,
        "note": why,
        "profile": c.profile.as_ref().and_then(|p| p.as_ref().ok()),
    })
}

/// One drift check over the columns with the given roles.
fn drift_check(
    ctx: &Context<'_>,
    pass: &Pass,
    id: &str,
    title: &str,
    roles: &[Role],
    severity: Severity,
    dataset_share: bool,
) -> Check {
    let cols: Vec<&ColumnResult> = pass
        .columns
        .iter()
        .filter(|c| roles.contains(&c.plan.role))
        .collect();
    if cols.is_empty() {
        let what = roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" or ");
        return Check::skipped(id, title, format!("no {what} column"));
    }
    let mut metrics = Vec::new();
    let mut evidence = Vec::new();
    let (mut judged, mut drifted) = (0usize, Vec::new());
    // A drifted column is marked `fail` here and given the check's own
    // status below, so entries never contradict their check.
    let col_status = Status::Fail;
    let mut verdicts: Vec<Option<Verdict>> = cols
        .iter()
        .map(|c| match &c.profile {
            Some(Ok(p)) => verdict(p, ctx.config),
            _ => None,
        })
        .collect();
    // Rule 2: one error rate across the check's columns.
    verdict::adjust_all(verdicts.iter_mut().flatten().map(|v| &mut v.judged));
    let importance = if dataset_share {
        super::importance::reference_shares(ctx, pass)
    } else {
        None
    };
    let mut important_drift = Vec::new();
    for (c, v) in cols.iter().zip(verdicts.iter_mut()) {
        if let Some(v) = v {
            v.drifted = v.judged.holds();
            v.importance_share = importance
                .as_ref()
                .map(|m| m.get(&c.plan.name).copied().unwrap_or(0.0));
            judged += 1;
            if v.drifted {
                drifted.push(c.plan.name.clone());
                // Rule 4: no importance known → every drifted feature counts.
                if v.importance_share
                    .is_none_or(|s| s >= ctx.config.drift.important_share)
                {
                    important_drift.push((
                        c.plan.name.clone(),
                        v.value,
                        v.judged.sureness(),
                        v.importance_share,
                    ));
                }
            }
        }
        metrics.extend(column_metrics(c, v.as_ref(), col_status));
        evidence.push(column_evidence(c, v.as_ref()));
    }
    let mut status = Status::Pass;
    let mut message = if drifted.is_empty() {
        format!("no drift in {judged} column(s)")
    } else {
        format!(
            "drift in {} of {judged} column(s): {}",
            drifted.len(),
            drifted.join(", ")
        )
    };
    if dataset_share {
        if judged > 0 {
            let share = drifted.len() as f64 / judged as f64;
            let thr = ctx.config.drift.dataset_drift_share;
            let dataset_drift = share >= thr;
            status = if dataset_drift || !important_drift.is_empty() {
                severity.into()
            } else if !drifted.is_empty() {
                Status::Warn
            } else {
                Status::Pass
            };
            if let Some(m) = Metric::new("drift_share", share) {
                metrics.push(m.judged(
                    thr,
                    if dataset_drift {
                        severity.into()
                    } else {
                        Status::Pass
                    },
                ));
            }
            if let Some(m) = Metric::new("drifted_columns", drifted.len() as f64) {
                metrics.push(m);
            }
            if dataset_drift {
                message = format!("dataset drift: {message}");
            } else if !important_drift.is_empty() {
                let words: Vec<String> = important_drift
                    .iter()
                    .map(|(name, value, sure, share)| match share {
                        Some(s) => format!(
                            "`{name}` (distance {value:.3}, {} of the model's importance; {sure})",
                            pct(*s)
                        ),
                        None => format!("`{name}` (distance {value:.3}; {sure})"),
                    })
                    .collect();
                message = format!(
                    "drift in features the model relies on: {}; {message}",
                    words.join(", ")
                );
            } else if !drifted.is_empty() {
                message = format!(
                    "{message} (each holds less than {} of the model's importance)",
                    pct(ctx.config.drift.important_share)
                );
            }
        }
    } else if !drifted.is_empty() {
        status = severity.into();
    }
    if judged == 0 {
        status = Status::Skipped;
        message = "no column could be judged: a dataset has no values (see evidence)".into();
    }
    for m in metrics.iter_mut().filter(|m| m.column.is_some()) {
        if m.status == Some(Status::Fail) {
            m.status = Some(status);
        }
    }
    Check {
        id: id.into(),
        title: title.into(),
        status,
        message: Some(message),
        metrics,
        evidence: json!({
            "columns": evidence,
            "drifted": drifted,
            "judged": judged,
            "important": important_drift.iter().map(|d| &d.0).collect::<Vec<_>>(),
            "important_share": ctx.config.drift.important_share,
        }),
    }
}

const CHECKS: &[(&str, &str)] = &[
    ("feature_drift", "Feature drift"),
    ("prediction_drift", "Prediction drift"),
    ("label_drift", "Label drift"),
];

/// Feature, prediction and label drift (SPEC §3 "Drift").
pub struct Drift;

impl Family for Drift {
    fn name(&self) -> &'static str {
        "drift"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        CHECKS
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        build(ctx, pass)
    }
}

/// Feature, prediction and label drift checks.
fn build(ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
    let d = &ctx.config.drift;
    vec![
        drift_check(
            ctx,
            pass,
            "feature_drift",
            "Feature drift",
            &[Role::Feature],
            d.feature_severity,
            true,
        ),
        drift_check(
            ctx,
            pass,
            "prediction_drift",
            "Prediction drift",
            &[Role::Prediction, Role::Score],
            d.prediction_severity,
            false,
        ),
        drift_check(
            ctx,
            pass,
            "label_drift",
            "Label drift",
            &[Role::Label],
            d.label_severity,
            false,
        ),
    ]
}
