//! The label-quality section: per dataset, the share of rows that repeat
//! another row's features with a different label.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::num;

/// The label-quality check's section.
#[component]
pub fn LabelsSection(
    /// The `label_quality` check.
    check: Check,
) -> impl IntoView {
    let rows: Vec<Value> = check
        .evidence
        .get("datasets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    view! {
        <section id="label-quality" class="labels" data-status=check.status.as_str()>
            <h2>"Conflicting labels"</h2>
            <p class=format!("badge {}", check.status.as_str())>{check.message.clone().unwrap_or_default()}</p>
            <p class="meta">"Rows whose features are all equal to another row's (missing values equal) but whose label differs, as a share of the rows with a label."</p>
            <table id="labels-table" class="skew-table">
                <thead><tr><th>"Dataset"</th><th class="num">"Conflicting label share"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let dataset = r.get("dataset").and_then(Value::as_str).unwrap_or("").to_string();
                        let v = r.get("conflicting_label_share").and_then(Value::as_f64);
                        view! {
                            <tr data-dataset=dataset.clone()>
                                <th scope="row">{dataset.clone()}</th>
                                <td class="num" data-value=v.map(|v| v.to_string()).unwrap_or_default()>{num(v)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
