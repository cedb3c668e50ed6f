//! Held to the signed-off validation (SPEC §8): a run compared with a
//! stored report — typically the signed validation report of the model in
//! production — metric by metric, each with a non-inferiority margin.
//!
//! For every σ-oriented metric m (SPEC §3 "Conventions",
//! [`crate::verdict::orientation`]) of the `performance` check present for
//! the same `dataset` in both reports, `baseline_delta` = σ(m)·(m_this −
//! m_baseline): positive is better. It fails below −margin, the margin being
//! `[baseline.metrics] <m>` when set, else `[baseline] max_degradation`
//! (0.02, absolute). A metric in one report only is listed as not
//! comparable. The check works on the two documents alone, so the CLI, the
//! Python package and `attest compare` give the same result.

use serde_json::{json, Value};

use crate::config::BaselineConfig;
use crate::report::{display_number, Check, Metric, Report, Segment, Status};
use crate::sign::{verify_report, State, TrustedKeys};

/// The check's id.
pub const ID: &str = "baseline_comparison";
/// The check's title.
pub const TITLE: &str = "Held to the baseline";

/// The performance metrics of a report that have a direction, by
/// (metric, dataset): overall values only (no segment, chunk or column).
fn oriented(report: &Report) -> Vec<(String, String, f64, f64)> {
    let mut out = Vec::new();
    for c in report.checks.iter().filter(|c| c.id == "performance") {
        for m in &c.metrics {
            let (Some(dataset), Some(sigma)) = (&m.dataset, crate::verdict::orientation(&m.name))
            else {
                continue;
            };
            if m.segment.is_some() || m.chunk.is_some() || m.column.is_some() || m.against.is_some()
            {
                continue;
            }
            out.push((m.name.clone(), dataset.clone(), m.value, sigma));
        }
    }
    out
}

/// Compare `this` run with `baseline` (its JSON text is `baseline_text`, for
/// the evidence's digest): the `baseline_comparison` check.
pub fn compare(
    this: &Report,
    baseline: &Report,
    baseline_name: &str,
    config: &BaselineConfig,
) -> Check {
    let now = oriented(this);
    let was = oriented(baseline);
    let mut metrics = Vec::new();
    let mut rows = Vec::new();
    let mut not_comparable = Vec::new();
    let mut fell = Vec::new();
    for (name, dataset, value, sigma) in &now {
        let Some((_, _, base, _)) = was.iter().find(|(n, d, _, _)| n == name && d == dataset)
        else {
            not_comparable.push(json!({"metric": name, "dataset": dataset, "only_in": "this run"}));
            continue;
        };
        let delta = sigma * (value - base);
        let margin = config
            .metrics
            .get(name)
            .copied()
            .unwrap_or(config.max_degradation);
        let status = if delta < -margin {
            Status::Fail
        } else {
            Status::Pass
        };
        if status == Status::Fail {
            fell.push(format!(
                "{name} on {dataset} {} → {} ({}{}, margin {})",
                display_number(*base),
                display_number(*value),
                if delta >= 0.0 { "+" } else { "" },
                display_number(delta),
                display_number(margin)
            ));
        }
        rows.push(json!({
            "metric": name, "dataset": dataset, "baseline": base, "this": value,
            "delta": delta, "margin": margin, "status": status.as_str(),
            "higher_is_better": *sigma > 0.0,
        }));
        if let Some(mut m) = Metric::new("baseline_delta", delta) {
            m.dataset = Some(dataset.clone());
            m.segment = Some(Segment {
                column: "metric".into(),
                value: name.clone(),
            });
            m.threshold = Some(-margin);
            m.status = Some(status);
            metrics.push(m);
        }
    }
    for (name, dataset, _, _) in &was {
        if !now.iter().any(|(n, d, _, _)| n == name && d == dataset) {
            not_comparable.push(json!({"metric": name, "dataset": dataset, "only_in": "baseline"}));
        }
    }
    let card = baseline.model_card();
    let evidence = json!({
        "baseline": {
            "name": baseline_name,
            "created_at": baseline.created_at,
            "model": card.name,
            "version": card.version,
            "status": baseline.summary.status.as_str(),
            "signatures": baseline.signatures.len(),
        },
        "max_degradation": config.max_degradation,
        "rows": rows,
        "not_comparable": not_comparable,
    });
    let status = if metrics.is_empty() {
        Status::Skipped
    } else if fell.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let message = match status {
        Status::Skipped => {
            "no performance metric of this run is in the baseline to compare".to_string()
        }
        Status::Pass => format!(
            "no metric fell past its margin below the baseline ({} compared)",
            metrics.len()
        ),
        _ => format!(
            "{} of {} metric(s) fell past their margin below the baseline: {}",
            fell.len(),
            metrics.len(),
            fell.join("; ")
        ),
    };
    Check {
        id: ID.into(),
        title: TITLE.into(),
        status,
        message: Some(message),
        metrics,
        evidence,
    }
}

/// Put the comparison into `report` (replacing an earlier one) and
/// summarise again.
pub fn attach(report: &mut Report, check: Check) {
    report.checks.retain(|c| c.id != ID);
    report.checks.push(check);
    report.summary = Report::summarise(&report.checks);
}

/// With trusted keys, a baseline must carry a valid signature by a trusted
/// key whose decision approves it (`approved` or
/// `approved_with_conditions`), with no valid trusted `rejected` signature
/// after it. `text` is the baseline's JSON as stored (signatures cover its
/// bytes). `Err` says why not.
pub fn require_approval(text: &str, trusted: &TrustedKeys) -> Result<(), String> {
    let v = verify_report(text, Some(trusted));
    if v.signatures.is_empty() {
        return Err("it is not signed".into());
    }
    if let Some(problem) = v.problem {
        return Err(format!("its signatures cannot be trusted: {problem}"));
    }
    // The last approval counts unless a trusted rejection follows it.
    let mut approved = None;
    let mut rejected_after: Option<String> = None;
    for s in &v.signatures {
        match (&s.state, s.decision.as_str()) {
            (State::Trusted { name }, "approved" | "approved_with_conditions") => {
                approved = Some(name.clone());
                rejected_after = None;
            }
            (State::Trusted { name }, "rejected") if approved.is_some() => {
                rejected_after = Some(name.clone());
            }
            _ => {}
        }
    }
    if let Some(name) = rejected_after {
        return Err(format!("{name} rejected it after it was approved"));
    }
    match approved {
        Some(_) => Ok(()),
        None => Err(
            "no valid signature by a trusted key approves it (approved or approved_with_conditions)"
                .into(),
        ),
    }
}

/// The evidence value of a check's baseline, for views.
pub fn rows(check: &Check) -> &[Value] {
    check
        .evidence
        .get("rows")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(values: &[(&str, &str, f64)]) -> Report {
        let metrics: Vec<Value> = values
            .iter()
            .map(|(n, d, v)| json!({"name": n, "dataset": d, "value": v}))
            .chain([
                json!({"name": "accuracy", "dataset": "current", "value": 0.1,
                           "segment": {"column": "region", "value": "north"}}),
            ])
            .collect();
        serde_json::from_value(json!({
            "format": "attest-report", "schema_version": 1,
            "tool": {"name": "attest", "version": "0"}, "created_at": "2026-01-01T00:00:00Z",
            "inputs": [], "config": {},
            "summary": {"status": "pass", "counts": {"pass": 1, "warn": 0, "fail": 0, "error": 0, "skipped": 0}},
            "checks": [{"id": "performance", "title": "Model performance", "status": "pass", "metrics": metrics}],
            "signatures": []
        }))
        .expect("report")
    }

    #[test]
    fn deltas_are_oriented_and_judged_against_margins() {
        let baseline = report(&[
            ("roc_auc", "current", 0.80),
            ("log_loss", "current", 0.40),
            ("accuracy", "reference", 0.75),
            ("brier", "current", 0.2),
        ]);
        let this = report(&[
            ("roc_auc", "current", 0.77),
            ("log_loss", "current", 0.39),
            ("accuracy", "reference", 0.74),
            ("rows", "current", 100.0),
        ]);
        let mut config = BaselineConfig::default();
        let c = compare(&this, &baseline, "base.json", &config);
        assert_eq!(c.status, Status::Fail);
        let delta = |m: &str| {
            c.metrics
                .iter()
                .find(|x| x.segment.as_ref().is_some_and(|s| s.value == m))
                .map(|x| (x.value, x.status))
        };
        let (auc, auc_status) = delta("roc_auc").expect("roc_auc");
        assert!((auc + 0.03).abs() < 1e-12);
        assert_eq!(auc_status, Some(Status::Fail));
        // Lower log loss is better: +0.01.
        let (ll, ll_status) = delta("log_loss").expect("log_loss");
        assert!((ll - 0.01).abs() < 1e-12);
        assert_eq!(ll_status, Some(Status::Pass));
        assert_eq!(delta("accuracy").and_then(|x| x.1), Some(Status::Pass));
        // brier is in the baseline only: not comparable; segments ignored.
        assert_eq!(c.metrics.len(), 3);
        assert_eq!(c.evidence["not_comparable"][0]["metric"], "brier");
        assert!(c
            .message
            .as_deref()
            .unwrap_or("")
            .contains("roc_auc on current"));
        // A per-metric margin wider than the fall: passes.
        config.metrics.insert("roc_auc".into(), 0.05);
        assert_eq!(compare(&this, &baseline, "b", &config).status, Status::Pass);
    }
}
