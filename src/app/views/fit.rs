//! The over/under-fitting card: train vs reference vs a dummy model, per
//! metric, with the deciding metric's gap and gain against their limits.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::num;

/// The fit check's card.
#[component]
pub fn FitCard(
    /// The `fit` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let rows: Vec<Value> = ev
        .get("metrics")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let f = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    let decider = ev
        .get("deciding_metric")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let dummy = ev
        .get("dummy")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    view! {
        <section id="fit" class="fit" data-status=check.status.as_str()>
            <h2>"Over- and under-fitting"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{format!(
                "Generalization gap: (train − reference)/|train|, oriented so that higher is better; overfit when the gap of {decider} ≥ {}. Baseline gain: how much of the way from a dummy model ({dummy}) to a perfect one the model goes on train; underfit when < {}.",
                num(f(&ev, "max_gap")), num(f(&ev, "min_gain")))}</p>
            <table id="fit-table" class="fit-table">
                <thead><tr>
                    <th>"Metric"</th><th class="num">"Train"</th><th class="num">"Reference"</th>
                    <th class="num">"Dummy (train)"</th><th class="num">"Gap"</th><th class="num">"Gain"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let name = r.get("metric").and_then(Value::as_str).unwrap_or("").to_string();
                        let deciding = r.get("deciding").and_then(Value::as_bool).unwrap_or(false);
                        view! {
                            <tr data-metric=name.clone() class=if deciding { "deciding" } else { "" }>
                                <th scope="row">{name.clone()}{deciding.then_some(" (deciding)")}</th>
                                <td class="num" data-dataset="train">{num(f(&r, "train"))}</td>
                                <td class="num" data-dataset="reference">{num(f(&r, "reference"))}</td>
                                <td class="num">{num(f(&r, "dummy"))}</td>
                                <td class="num" data-value=f(&r, "gap").map(|v| v.to_string()).unwrap_or_default()>{num(f(&r, "gap"))}</td>
                                <td class="num" data-value=f(&r, "gain").map(|v| v.to_string()).unwrap_or_default()>{num(f(&r, "gain"))}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
