//! The training/serving skew section: reference and current rows paired by
//! id, and per feature the shares of pairs that match, differ, or have a
//! value on one side only, worst first; the findings in words.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num, texts, value_cell};

/// The skew check's section.
#[component]
pub fn SkewSection(
    /// The `skew` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let f = field;
    let count = |k: &str| ev.get(k).and_then(Value::as_u64).unwrap_or(0);
    let mut rows = list(&ev, "features");
    // Worst first: the most pairs that do not match.
    let unmatched = |r: &Value| 1.0 - f(r, "match_share").unwrap_or(1.0);
    attest_check::stats::sort::sort_stable_by(&mut rows, |a, b| {
        unmatched(b).total_cmp(&unmatched(a))
    });
    let findings = texts(&ev, "findings");
    let summary = format!(
        "{} pairs by id; {} ids only in reference, {} only in current, {} duplicated (left out). Numbers are equal within atol {} + rtol {}·max(|a|, |b|). Largest score difference over the pairs: {}.",
        count("pairs"),
        count("only_in_reference"),
        count("only_in_current"),
        count("duplicate_ids"),
        num(f(&ev, "atol")),
        num(f(&ev, "rtol")),
        num(f(&ev, "prediction_max_abs")),
    );
    view! {
        <section id="skew" class="skew" data-status=check.status.as_str()>
            <h2>"Training/serving skew"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{summary}</p>
            <ul id="skew-findings" class="findings">
                {findings.into_iter().map(|t| view! { <li class="warn">{t}</li> }).collect_view()}
            </ul>
            <table id="skew-table" class="skew-table">
                <thead><tr>
                    <th>"Feature"</th><th class="num">"Match"</th><th class="num">"Differ"</th>
                    <th class="num">"One side missing"</th><th class="num">"Largest difference"</th><th>"At"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let column = r.get("column").and_then(Value::as_str).unwrap_or("").to_string();
                        let cell = |k: &str| value_cell(k, f(&r, k));
                        let at = r.get("largest_at").and_then(Value::as_str).unwrap_or("").to_string();
                        view! {
                            <tr data-column=column.clone()>
                                <th scope="row">{column.clone()}</th>
                                {cell("match_share")}
                                {cell("mismatch_share")}
                                {cell("one_side_missing_share")}
                                <td class="num">{num(f(&r, "largest_difference"))}</td>
                                <td>{at}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
