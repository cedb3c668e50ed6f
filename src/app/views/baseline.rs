//! The delta view of a run held to a baseline report (`--baseline`,
//! `attest compare`; SPEC §8): each performance metric of the baseline
//! beside this run's, the oriented delta (positive is better) and its
//! margin, the rows that fell past their margin in red.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num};

/// The baseline comparison's section.
#[component]
pub fn BaselineSection(
    /// The `baseline_comparison` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let base = ev.get("baseline").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let model: Vec<String> = [text(&base, "model"), text(&base, "version")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let signatures = base.get("signatures").and_then(Value::as_u64).unwrap_or(0);
    let meta = format!(
        "Baseline {}{} made {}, its verdict {}, {} signature(s). Delta = this run − baseline, oriented so that positive is better; a metric fails when it falls more than its margin below the baseline.",
        text(&base, "name"),
        if model.is_empty() { String::new() } else { format!(" ({})", model.join(" ")) },
        text(&base, "created_at"),
        text(&base, "status").to_ascii_uppercase(),
        signatures
    );
    let rows = list(&ev, "rows");
    let not_comparable: Vec<String> = list(&ev, "not_comparable")
        .iter()
        .map(|r| {
            format!(
                "{} on {} (only in {})",
                text(r, "metric"),
                text(r, "dataset"),
                text(r, "only_in")
            )
        })
        .collect();
    view! {
        <section id="baseline" class="baseline" data-status=check.status.as_str()>
            <h2>"Held to the baseline"</h2>
            <p class=format!("badge {}", check.status.as_str())>{check.message.clone().unwrap_or_default()}</p>
            <p class="meta">{meta}</p>
            <table id="baseline-table" class="baseline-table">
                <thead><tr>
                    <th>"Metric"</th><th>"Dataset"</th><th class="num">"Baseline"</th><th class="num">"This run"</th>
                    <th class="num">"Delta"</th><th class="num">"Margin"</th><th>"Verdict"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let status = text(&r, "status");
                        let delta = field(&r, "delta");
                        let side = match delta {
                            Some(d) if d < 0.0 => "change worse",
                            Some(d) if d > 0.0 => "change better",
                            _ => "change",
                        };
                        view! {
                            <tr data-metric=text(&r, "metric") data-dataset=text(&r, "dataset") data-status=status.clone()
                                class=if status == "fail" { "fell" } else { "" }>
                                <th scope="row">{text(&r, "metric")}</th>
                                <td>{text(&r, "dataset")}</td>
                                <td class="num">{num(field(&r, "baseline"))}</td>
                                <td class="num">{num(field(&r, "this"))}</td>
                                <td class=format!("num {side}") data-value=delta.map(|v| v.to_string()).unwrap_or_default()>{num(delta)}</td>
                                <td class="num">{format!("−{}", num(field(&r, "margin")))}</td>
                                <td class=format!("badge {status}")>{status.to_ascii_uppercase()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {(!not_comparable.is_empty()).then(|| view! {
                <p id="baseline-not-comparable" class="meta">{format!("Not comparable (in one report only): {}.", not_comparable.join("; "))}</p>
            })}
        </section>
    }
}
