//! Label quality (SPEC §3 "Label errors and conflicting labels"), per
//! dataset with a label: the rows confident learning flags as likely
//! mislabelled (as cleanlab's `find_label_issues`), from the model's class
//! probabilities, with the most suspicious rows as evidence; and the rows
//! whose features are identical but whose labels disagree.

use serde_json::{json, Value};

use crate::report::{Check, Metric, Status};
use crate::stats::label_issues::{find_label_issues, likely_label, LabelIssueError};
use crate::stats::labels::conflicting_label_share;
use crate::targets::{ClassProbabilities, Outcome};

use super::{integer_ids, pct, summary, thousands, Context, Family, Needs, Pass};

const LABELS: (&str, &str) = ("label_quality", "Label errors and conflicting labels");

/// How many of the most suspicious rows the evidence lists per dataset.
const SUSPICIOUS_ROWS: usize = 20;

/// Label issues and `conflicting_label_share` per dataset.
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
            no_pass: false,
        }
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![labels(ctx, pass)]
    }
}

/// A row's label key (its value; `None` for a null label).
fn label_key(label: &Outcome, i: usize) -> Option<u64> {
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
}

/// One dataset's label issues: the flagged rows' counts overall and per
/// class, and the most suspicious of them.
struct Issues<'a> {
    probs: &'a ClassProbabilities,
    flagged: Vec<bool>,
}

impl Issues<'_> {
    fn count(&self) -> usize {
        self.flagged.iter().filter(|&&f| f).count()
    }
    fn share(&self) -> Option<f64> {
        let n = self.flagged.len();
        (n > 0).then(|| self.count() as f64 / n as f64)
    }
    /// Per class (sorted class order): (rows used, flagged).
    fn per_class(&self) -> Vec<(usize, usize)> {
        let mut out = vec![(0usize, 0usize); self.probs.classes.len()];
        for (&y, &f) in self.probs.labels.iter().zip(&self.flagged) {
            if let Some(c) = out.get_mut(y as usize) {
                c.0 += 1;
                c.1 += usize::from(f);
            }
        }
        out
    }
}

/// The label issues of a dataset's class probabilities
/// ([`Context::class_probabilities`]; `None` without them), or why they
/// cannot be found.
fn issues_of(
    probs: &Option<Result<ClassProbabilities, String>>,
) -> Option<Result<Issues<'_>, String>> {
    let probs = match probs.as_ref()? {
        Ok(p) => p,
        Err(e) => return Some(Err(e.clone())),
    };
    let k = probs.classes.len();
    match find_label_issues(&probs.labels, &probs.probs, k) {
        Ok(flagged) => Some(Ok(Issues { probs, flagged })),
        Err(e) => Some(Err(issue_error(&e, probs))),
    }
}

/// A label-issue error in the dataset's words (its rows and classes).
fn issue_error(e: &LabelIssueError, p: &ClassProbabilities) -> String {
    let row = |i: &usize| p.rows.get(*i).map_or(0, |&r| r as usize + 1);
    let class = |c: &usize| p.classes.get(*c).cloned().unwrap_or_default();
    match e {
        LabelIssueError::NoRows => "no row has a label and finite class probabilities".into(),
        LabelIssueError::SingleClass { label } => format!(
            "every row has the label `{}`: label errors need at least 2 classes",
            class(&(*label as usize))
        ),
        LabelIssueError::ProbabilityOutOfRange {
            row: r,
            class: c,
            value,
        } => format!(
            "row {}: the probability of class `{}` is {value}, outside [0, 1]",
            thousands(row(r)),
            class(c)
        ),
        other => other.to_string(),
    }
}

/// The most suspicious flagged rows, lowest self-confidence first: row
/// number (1-based), id when the ids are integers, given and likely label.
fn suspicious(ctx: &Context<'_>, dataset: &str, issues: &Issues<'_>) -> Vec<Value> {
    let p = &issues.probs;
    let k = p.classes.len().max(1);
    let conf = |i: usize| {
        p.probs
            .get(i * k + p.labels[i] as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let mut rows: Vec<usize> = (0..issues.flagged.len())
        .filter(|&i| issues.flagged[i])
        .collect();
    // The first SUSPICIOUS_ROWS in (self-confidence, row) order: selected,
    // then sorted (the order is total, so these are the rows a full sort
    // would put first, in its order).
    let order = |a: &usize, b: &usize| conf(*a).total_cmp(&conf(*b)).then(a.cmp(b));
    if rows.len() > SUSPICIOUS_ROWS {
        rows.select_nth_unstable_by(SUSPICIOUS_ROWS, order);
        rows.truncate(SUSPICIOUS_ROWS);
    }
    // The same total order through the shared integer sort: (key, row).
    let mut keyed: Vec<(u64, u32)> = rows
        .iter()
        .map(|&r| (crate::stats::sort::order_key(conf(r)), r as u32))
        .collect();
    crate::stats::sort::sort_words(&mut keyed);
    let rows: Vec<usize> = keyed.into_iter().map(|(_, r)| r as usize).collect();
    let ids = integer_ids(ctx)
        .then(|| ctx.targets.get(dataset).and_then(|t| t.ids.as_ref()))
        .flatten();
    rows.into_iter()
        .map(|i| {
            let row = p.rows[i] as usize;
            let likely = likely_label(&p.probs[i * k..(i + 1) * k]) as usize;
            json!({
                "row": row + 1,
                "id": ids.and_then(|v| v.get(row)).map(|k| k as i64),
                "given": p.classes.get(p.labels[i] as usize),
                "likely": p.classes.get(likely),
                "self_confidence": conf(i),
                "likely_probability": p.probs.get(i * k + likely),
            })
        })
        .collect()
}

fn labels(ctx: &Context<'_>, pass: &Pass) -> Check {
    let (id, title) = LABELS;
    let cfg = &ctx.config.labels;
    let severity: Status = cfg.severity.into();
    let label_column = ctx.plan.roles.label.clone().unwrap_or_default();
    let mut metrics = Vec::new();
    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut rows = Vec::new();
    for (d, meta) in ctx.datasets.iter().enumerate() {
        let Some(label) = ctx.targets.get(&meta.label).and_then(|t| t.label()) else {
            continue;
        };
        let mut row = serde_json::Map::new();
        row.insert("dataset".into(), json!(meta.label));
        // Label issues (confident learning).
        let probabilities = ctx.class_probabilities(&meta.label);
        match issues_of(&probabilities) {
            None => {}
            Some(Err(e)) => {
                notes.push(format!("{}: label errors not searched: {e}", meta.label));
                row.insert("label_issues_error".into(), json!(e));
            }
            Some(Ok(issues)) => {
                let share = issues.share();
                let status = if share.is_some_and(|s| s > cfg.max_label_issue_share) {
                    severity
                } else {
                    Status::Pass
                };
                let count = issues.count();
                metrics.extend(
                    Metric::new("label_issue_count", count as f64).map(|m| m.dataset(&meta.label)),
                );
                metrics.extend(
                    share
                        .and_then(|s| Metric::new("label_issue_share", s))
                        .map(|m| {
                            m.dataset(&meta.label)
                                .judged(cfg.max_label_issue_share, status)
                        }),
                );
                let mut classes = Vec::new();
                for (c, (used, flagged)) in issues.per_class().into_iter().enumerate() {
                    let name = issues.probs.classes.get(c).cloned().unwrap_or_default();
                    let class_share = (used > 0).then(|| flagged as f64 / used as f64);
                    if used > 0 {
                        metrics.extend(
                            Metric::new("label_issue_count", flagged as f64)
                                .map(|m| m.dataset(&meta.label).segment(&label_column, &name)),
                        );
                        metrics.extend(
                            class_share
                                .and_then(|s| Metric::new("label_issue_share", s))
                                .map(|m| m.dataset(&meta.label).segment(&label_column, &name)),
                        );
                    }
                    classes.push(json!({
                        "class": name, "rows": used, "count": flagged, "share": class_share,
                    }));
                }
                if status != Status::Pass {
                    findings.push(format!(
                        "{} of {}'s {} labelled rows look mislabelled ({} rows; limit {})",
                        pct(share.unwrap_or(0.0)),
                        meta.label,
                        thousands(issues.flagged.len()),
                        thousands(count),
                        pct(cfg.max_label_issue_share)
                    ));
                }
                if issues.probs.dropped > 0 {
                    notes.push(format!(
                        "{}: {} labelled rows without finite class probabilities left out of the label-error search",
                        meta.label,
                        thousands(issues.probs.dropped)
                    ));
                }
                if issues.probs.off_sum > 0 {
                    notes.push(format!(
                        "{}: the class probabilities of {} rows do not sum to 1 (off by more than {})",
                        meta.label,
                        thousands(issues.probs.off_sum),
                        crate::targets::SUM_TOLERANCE
                    ));
                }
                row.insert(
                    "label_issues".into(),
                    json!({
                        "rows_used": issues.flagged.len(),
                        "count": count,
                        "share": share,
                        "dropped": issues.probs.dropped,
                        "off_sum": issues.probs.off_sum,
                        "classes": classes,
                        "suspicious": suspicious(ctx, &meta.label, &issues),
                    }),
                );
            }
        }
        // Conflicting labels (identical feature tuples).
        let share = pass
            .hashes
            .features
            .get(d)
            .filter(|h| !h.is_empty() && pass.has_features())
            .and_then(|tuples| conflicting_label_share(tuples, |i| label_key(label, i)));
        if let Some(share) = share {
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
            row.insert("conflicting_label_share".into(), json!(share));
        }
        if row.len() > 1 {
            rows.push(Value::Object(row));
        }
    }
    if metrics.is_empty() {
        let why = if notes.is_empty() {
            "no dataset has a label with class probabilities or feature columns".to_string()
        } else {
            notes.join("; ")
        };
        return Check::skipped(id, title, why);
    }
    let message = summary(&findings, || {
        "no dataset's labels look wrong or conflict".to_string()
    });
    Check::judged(
        (id, title),
        message,
        metrics,
        json!({ "label_column": label_column, "datasets": rows, "findings": findings, "notes": notes }),
    )
}
