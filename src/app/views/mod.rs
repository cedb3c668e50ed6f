//! One view per check family, drawn from its check's evidence in the
//! report document only (a live run and a reopened report look the same).
//! Adding a family's view is a file here and one line in [`section`].

mod backtest;
mod baseline;
mod challenger;
mod estimation;
mod fit;
mod importance;
mod labels;
mod leakage;
mod model;
mod skew;
mod slices;

use std::sync::Arc;

use attest_check::report::{Check, Report, Status};
use leptos::prelude::*;

/// The view of a check, by its id, when its family has one.
fn section(report: &Arc<Report>, check: &Check) -> Option<AnyView> {
    let c = check.clone();
    Some(match check.id.as_str() {
        "fit" => view! { <fit::FitCard check=c/> }.into_any(),
        "leakage" => view! { <leakage::LeakageSection check=c/> }.into_any(),
        "backtest" => view! { <backtest::TimeCharts report=report.clone()/> }.into_any(),
        "challenger" => view! { <challenger::ChallengerCard check=c/> }.into_any(),
        "estimated_performance" => {
            view! { <estimation::EstimationCard check=c report=report.clone()/> }.into_any()
        }
        "skew" => view! { <skew::SkewSection check=c/> }.into_any(),
        "label_quality" => view! { <labels::LabelsSection check=c/> }.into_any(),
        "importance" => view! { <importance::ImportanceSection check=c/> }.into_any(),
        "stress_slices" => view! { <slices::SlicesSection check=c/> }.into_any(),
        "model_parity" => view! { <model::ParitySection check=c/> }.into_any(),
        "model_sensitivity" => {
            view! { <model::SensitivitySection check=c report=report.clone()/> }.into_any()
        }
        "model_permutation_importance" => {
            view! { <model::PermutationSection check=c report=report.clone()/> }.into_any()
        }
        "baseline_comparison" => view! { <baseline::BaselineSection check=c/> }.into_any(),
        _ => return None,
    })
}

/// The views of every check that ran, in report order.
#[component]
pub fn Sections(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    report
        .checks
        .iter()
        .filter(|c| c.status != Status::Skipped)
        .filter_map(|c| section(&report, c))
        .collect_view()
}

/// The array at `k` of an evidence object (empty when absent).
pub(crate) fn list(v: &serde_json::Value, k: &str) -> Vec<serde_json::Value> {
    v.get(k)
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// The strings of the array at `k` (findings, notes).
pub(crate) fn texts(v: &serde_json::Value, k: &str) -> Vec<String> {
    list(v, k)
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

/// The number at `k`.
pub(crate) fn field(v: &serde_json::Value, k: &str) -> Option<f64> {
    v.get(k).and_then(serde_json::Value::as_f64)
}

/// A table cell with a number, its exact value in `data-value` and its
/// name in `data-metric` (what the e2e tests read).
pub(crate) fn value_cell(k: &str, v: Option<f64>) -> impl IntoView {
    view! {
        <td class="num" data-metric=k.to_string()
            data-value=v.map(|v| v.to_string()).unwrap_or_default()>{num(v)}</td>
    }
}

/// A number as the views show it.
pub(crate) fn num(v: Option<f64>) -> String {
    v.map(crate::view_model::fmt_num)
        .unwrap_or_else(|| "—".into())
}
