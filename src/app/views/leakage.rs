//! The leakage section: the findings in plain words, the overlaps of each
//! pair of datasets, time travel, and each feature's association with the
//! label in every dataset.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{list, num, texts};
use crate::view_model::fmt_pct;

fn share(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_f64)
        .map(fmt_pct)
        .unwrap_or_else(|| "—".into())
}

/// The leakage check's section.
#[component]
pub fn LeakageSection(
    /// The `leakage` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let findings = texts(&ev, "findings");
    let notes = texts(&ev, "notes");
    let pairs = list(&ev, "pairs");
    let travel = list(&ev, "time_travel");
    let assoc = list(&ev, "label_association");
    let datasets: Vec<String> = list(&ev, "datasets")
        .iter()
        .filter_map(|d| d.get("dataset").and_then(Value::as_str).map(str::to_string))
        .collect();
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    view! {
        <section id="leakage" class="leakage" data-status=check.status.as_str()>
            <h2>"Leakage and time travel"</h2>
            <ul id="leakage-findings" class="findings">
                {findings.into_iter().map(|f| view! { <li class="warn">{f}</li> }).collect_view()}
                {notes.into_iter().map(|f| view! { <li class="note">{f}</li> }).collect_view()}
            </ul>
            {(!pairs.is_empty()).then(|| view! {
                <table id="leakage-pairs" class="leakage-table">
                    <caption>"Rows of a later dataset found in an earlier one"</caption>
                    <thead><tr>
                        <th>"Dataset"</th><th>"Against"</th><th class="num">"Earlier in time"</th>
                        <th class="num">"Same timestamp"</th><th class="num">"Same id"</th><th class="num">"Same features"</th>
                    </tr></thead>
                    <tbody>{pairs.iter().map(|p| view! {
                        <tr data-dataset=text(p, "dataset") data-against=text(p, "against")>
                            <td>{text(p, "dataset")}</td><td>{text(p, "against")}</td>
                            <td class="num">{share(p, "temporal_overlap_share")}</td>
                            <td class="num">{share(p, "timestamp_duplicate_share")}</td>
                            <td class="num">{share(p, "id_overlap_share")}</td>
                            <td class="num">{share(p, "feature_row_overlap_share")}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            {(!travel.is_empty()).then(|| view! {
                <table id="time-travel" class="leakage-table">
                    <caption>"Features known after the prediction time"</caption>
                    <thead><tr><th>"Feature"</th><th>"Dataset"</th><th class="num">"Rows"</th></tr></thead>
                    <tbody>{travel.iter().map(|t| view! {
                        <tr><td>{text(t, "column")}</td><td>{text(t, "dataset")}</td><td class="num">{share(t, "share")}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            {(!assoc.is_empty()).then(|| view! {
                <div class="scroll">
                <table id="label-association" class="leakage-table">
                    <caption>"How well each feature alone predicts the label (0: not at all, 1: perfectly)"</caption>
                    <thead><tr><th>"Feature"</th>{datasets.iter().map(|d| view! { <th class="num">{d.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>{assoc.iter().map(|a| view! {
                        <tr data-column=text(a, "column")>
                            <td>{text(a, "column")}</td>
                            {datasets.iter().map(|d| {
                                let v = a.get(d.as_str()).and_then(Value::as_f64);
                                view! { <td class="num" data-dataset=d.clone()>{num(v)}</td> }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                </div>
            })}
        </section>
    }
}
