//! Performance without labels: the estimates for current beside the
//! realised values where labels exist; the per-chunk lines are in the
//! time charts.

use std::sync::Arc;

use attest_check::report::{Check, Report};
use leptos::prelude::*;
use serde_json::Value;

use super::num;

/// The estimation check's card.
#[component]
pub fn EstimationCard(
    /// The `estimated_performance` check.
    check: Check,
    /// The report (the time charts are drawn with the backtest's, or here
    /// when there is no backtest).
    report: Arc<Report>,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let overall = ev.get("overall").cloned().unwrap_or(Value::Null);
    let realised = ev.get("realised").cloned().unwrap_or(Value::Null);
    let calibration = ev
        .get("calibration")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let no_backtest = crate::view_model::check(&report, "backtest")
        .is_none_or(|c| c.status == attest_check::report::Status::Skipped);
    let names = ["accuracy", "precision", "recall", "f1", "roc_auc"];
    view! {
        <section id="estimation" class="estimation">
            <h2>"Performance without labels"</h2>
            <p class="meta">{format!("Confidence-based estimates for current from the scores ({calibration} calibration on the reference); realised values where current has labels.")}</p>
            <div class="cards">
                {names.iter().filter_map(|n| {
                    let e = overall.get(format!("estimated_{n}")).and_then(Value::as_f64)?;
                    let r = realised.get(*n).and_then(Value::as_f64);
                    Some(view! {
                        <div class="card" data-metric=format!("estimated_{n}")>
                            <div class="name">{format!("estimated {n}")}</div>
                            <div class="value" data-value=e.to_string()>{num(Some(e))}</div>
                            <div class="ref">"realised " {num(r)}</div>
                        </div>
                    })
                }).collect_view()}
            </div>
            {no_backtest.then(|| view! { <super::backtest::TimeCharts report=report.clone()/> })}
        </section>
    }
}
