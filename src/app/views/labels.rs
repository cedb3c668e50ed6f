//! The label-quality section: per dataset, the rows confident learning
//! flags as likely mislabelled (overall and per class) and the share of
//! rows that repeat another row's features with a different label; then,
//! per dataset, the most suspicious rows to look up.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num, texts, value_cell};

/// The label-quality check's section.
#[component]
pub fn LabelsSection(
    /// The `label_quality` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let rows = list(&ev, "datasets");
    let findings = texts(&ev, "findings");
    let notes = texts(&ev, "notes");
    let label = ev
        .get("label_column")
        .and_then(Value::as_str)
        .unwrap_or("label")
        .to_string();
    let issues = |r: &Value| r.get("label_issues").cloned().unwrap_or(Value::Null);
    let suspicious: Vec<(String, Vec<Value>)> = rows
        .iter()
        .map(|r| {
            let d = r
                .get("dataset")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            (d, list(&issues(r), "suspicious"))
        })
        .filter(|(_, s)| !s.is_empty())
        .collect();
    view! {
        <section id="label-quality" class="labels" data-status=check.status.as_str()>
            <h2>"Label errors and conflicting labels"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">"Label issues: the rows that confident learning (as cleanlab's find_label_issues, pruned by noise rate) flags as likely mislabelled from the model's class probabilities, over the rows with a label and finite probabilities. Conflicting labels: rows whose features all equal another row's (missing values equal) but whose label differs, as a share of the rows with a label."</p>
            <ul id="labels-findings" class="findings">
                {findings.into_iter().map(|t| view! { <li class="warn">{t}</li> }).collect_view()}
                {notes.into_iter().map(|t| view! { <li class="note">{t}</li> }).collect_view()}
            </ul>
            <table id="labels-table" class="skew-table">
                <thead><tr>
                    <th>"Dataset"</th><th class="num">"Rows used"</th><th class="num">"Label issues"</th>
                    <th class="num">"Label issue share"</th><th>"Per class"</th><th class="num">"Conflicting label share"</th>
                </tr></thead>
                <tbody>
                    {rows.iter().map(|r| {
                        let dataset = r.get("dataset").and_then(Value::as_str).unwrap_or("").to_string();
                        let li = issues(r);
                        let per_class = list(&li, "classes")
                            .iter()
                            .map(|c| format!(
                                "{}: {} of {}",
                                c.get("class").and_then(Value::as_str).unwrap_or(""),
                                num(field(c, "count")),
                                num(field(c, "rows")),
                            ))
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <tr data-dataset=dataset.clone()>
                                <th scope="row">{dataset.clone()}</th>
                                <td class="num">{num(field(&li, "rows_used"))}</td>
                                {value_cell("label_issue_count", field(&li, "count"))}
                                {value_cell("label_issue_share", field(&li, "share"))}
                                <td>{per_class}</td>
                                {value_cell("conflicting_label_share", field(r, "conflicting_label_share"))}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {suspicious.into_iter().map(|(dataset, rows)| view! {
                <details class="label-issues">
                <summary>{format!("{dataset}: the {} most suspicious rows (lowest probability of their own label)", rows.len())}</summary>
                <table class="skew-table label-issues" data-dataset=dataset.clone()>
                    <thead><tr>
                        <th class="num">"Row"</th><th class="num">"Id"</th><th>{format!("Given {label}")}</th>
                        <th>"Likely"</th><th class="num">"P(given)"</th><th class="num">"P(likely)"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|s| {
                            let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                            view! {
                                <tr>
                                    <td class="num">{num(field(&s, "row"))}</td>
                                    <td class="num">{num(field(&s, "id"))}</td>
                                    <td>{text("given")}</td>
                                    <td>{text("likely")}</td>
                                    {value_cell("self_confidence", field(&s, "self_confidence"))}
                                    <td class="num">{num(field(&s, "likely_probability"))}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </details>
            }).collect_view()}
        </section>
    }
}
