//! Label quality (SPEC §3 "Label errors and conflicting labels"): rows whose
//! features are identical but whose labels disagree, per dataset with a
//! label. (The cleanlab label issues of the same section are not built yet:
//! their metrics are in the conformance pending list.)

use serde_json::json;

use crate::report::{Check, Metric, Status};
use crate::stats::labels::conflicting_label_share;
use crate::targets::Outcome;

use super::{pct, summary, Context, Family, Needs, Pass};

const LABELS: (&str, &str) = ("label_quality", "Conflicting labels");

/// `conflicting_label_share` per dataset.
pub struct Labels;

impl Family for Labels {
    fn name(&self) -> &'static str {
        "labels"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[LABELS]
    }
    fn needs(&self) -> Needs {
        Needs {
            every_dataset: true,
            feature_hashes: true,
        }
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![labels(ctx, pass)]
    }
}

/// Each labelled row's (feature-tuple hash, label key).
fn labelled_rows(tuples: &[u64], label: &Outcome) -> Vec<(u64, u64)> {
    let key = |i: usize| -> Option<u64> {
        match label {
            Outcome::Binary(v) => v.get(i).filter(|&&b| b < 2).map(|&b| u64::from(b)),
            Outcome::Classes(v) => v
                .get(i)
                .filter(|&&c| c != crate::columns::MISSING)
                .map(|&c| u64::from(c)),
            // −0.0 and 0.0 are one value
            Outcome::Values(v) => {
                v.get(i)
                    .filter(|x| x.is_finite())
                    .map(|&x| if x == 0.0 { 0 } else { x.to_bits() })
            }
        }
    };
    tuples
        .iter()
        .enumerate()
        .filter_map(|(i, &t)| key(i).map(|k| (t, k)))
        .collect()
}

fn labels(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = LABELS;
    let cfg = &ctx.config.labels;
    let severity: Status = cfg.severity.into();
    if !pass.has_features() {
        return Check::skipped(id, title, "no feature columns to compare rows by");
    }
    let mut metrics = Vec::new();
    let mut findings = Vec::new();
    let mut rows = Vec::new();
    for (d, meta) in ctx.datasets.iter().enumerate() {
        let (Some(label), Some(tuples)) = (
            ctx.targets.get(&meta.label).and_then(|t| t.label()),
            pass.hashes.features.get(d).filter(|h| !h.is_empty()),
        ) else {
            continue;
        };
        let Some(share) = conflicting_label_share(labelled_rows(tuples, label)) else {
            continue;
        };
        let status = if share > cfg.max_conflicting_label_share {
            severity
        } else {
            Status::Pass
        };
        if status != Status::Pass {
            findings.push(format!(
                "{} of {} rows repeat another row's features with a different label",
                pct(share),
                meta.label
            ));
        }
        metrics.extend(Metric::new("conflicting_label_share", share).map(|m| {
            m.dataset(&meta.label)
                .judged(cfg.max_conflicting_label_share, status)
        }));
        rows.push(json!({ "dataset": meta.label, "conflicting_label_share": share }));
    }
    if metrics.is_empty() {
        return Check::skipped(id, title, "no dataset has a label");
    }
    let message = summary(&findings, || "no conflicting labels".to_string());
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({ "datasets": rows, "findings": findings }),
    )
}
