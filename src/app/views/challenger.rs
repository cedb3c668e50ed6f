//! Champion vs challenger: the verdict, both models' deciding metric and
//! the paired test; the per-chunk lines are in the time charts.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, num, value_cell};
use crate::view_model::{direction, fmt_delta};

/// The challenger check's card.
#[component]
pub fn ChallengerCard(
    /// The `challenger` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let f = |k: &str| ev.get(k).and_then(Value::as_f64);
    let s = |k: &str| ev.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let test = ev.get("test").cloned().unwrap_or(Value::Null);
    let test_name = test
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let p = test.get("p_value").and_then(Value::as_f64);
    // Every paired test the check ran, from its metrics.
    let m = |name: &str| {
        check
            .metrics
            .iter()
            .find(|m| m.name == name && m.chunk.is_none() && m.segment.is_none())
            .map(|m| m.value)
    };
    let mut tests: Vec<(&'static str, &'static str, String, Option<f64>)> = Vec::new();
    if m("delong_p_value").is_some() {
        tests.push((
            "DeLong",
            "ROC AUC of both models on the same rows",
            format!(
                "ΔAUC {} · z {}",
                num(m("delong_auc_difference")),
                num(m("delong_z"))
            ),
            m("delong_p_value"),
        ));
    }
    if m("mcnemar_p_value").is_some() {
        tests.push((
            "McNemar",
            "rows only the champion gets right (b) against rows only the challenger gets right (c)",
            format!("b {} · c {}", num(m("mcnemar_b")), num(m("mcnemar_c"))),
            m("mcnemar_p_value"),
        ));
    }
    for (k, v) in check
        .metrics
        .iter()
        .filter(|x| x.chunk.is_none() && x.segment.is_none())
        .map(|x| (x.name.as_str(), x.value))
    {
        if k.ends_with("_p_value") && !matches!(k, "delong_p_value" | "mcnemar_p_value") {
            tests.push((
                "Paired test",
                "the deciding metric of both models",
                k.trim_end_matches("_p_value").replace('_', " "),
                Some(v),
            ));
        }
    }
    if let Some(w) = m("challenger_win_share") {
        tests.push((
            "Chunks won",
            "share of chunks where the challenger is better",
            crate::view_model::fmt_pct(w),
            None,
        ));
    }
    let metric = s("deciding_metric");
    let chunks = super::list(&ev, "chunks");
    view! {
        <section id="challenger" class="challenger" data-better=s("better")>
            <h2>"Champion vs challenger"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <div class="cards">
                <div class="card" data-model="champion">
                    <div class="name">{format!("champion {}", s("deciding_metric"))}</div>
                    <div class="value">{num(f("champion"))}</div>
                    <div class="ref">{format!("on {} ({} rows)", s("dataset"), ev.get("rows").and_then(Value::as_u64).unwrap_or(0))}</div>
                </div>
                <div class="card" data-model="challenger">
                    <div class="name">{format!("challenger {}", s("deciding_metric"))}</div>
                    <div class="value">{num(f("challenger"))}</div>
                    <div class="ref">{format!("{test_name} p = {}", num(p))}</div>
                </div>
            </div>
            <h3>"The paired tests"</h3>
            <div class="table-scroll"><table id="challenger-tests" class="skew-table">
                <thead><tr><th>"Test"</th><th>"What it compares"</th><th class="num">"Statistic"</th><th class="num">"p-value"</th></tr></thead>
                <tbody>
                    {tests.into_iter().map(|(name, what, stat, p)| view! {
                        <tr data-test=name>
                            <th scope="row">{name}</th>
                            <td>{what}</td>
                            <td class="num">{stat}</td>
                            {value_cell(&format!("{}_p_value", name.to_ascii_lowercase()), p)}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            {(!chunks.is_empty()).then(|| view! {
                <h3>"By chunk"</h3>
                <div class="table-scroll"><table id="challenger-chunks" class="skew-table">
                    <thead><tr><th>"Chunk"</th><th class="num">"Rows"</th><th class="num">"Champion"</th><th class="num">"Challenger"</th><th class="num">"Challenger − champion"</th></tr></thead>
                    <tbody>
                        {chunks.into_iter().map(|c| {
                            let (a, b) = (field(&c, "champion"), field(&c, "challenger"));
                            let way = a.zip(b).and_then(|(a, b)| direction(&metric, a, b));
                            let d = a.zip(b).map(|(a, b)| fmt_delta(b - a, a)).unwrap_or_else(|| "—".into());
                            view! {
                                <tr data-chunk=c.get("chunk").and_then(Value::as_str).unwrap_or("").to_string() data-direction=way.unwrap_or("")>
                                    <th scope="row">{c.get("chunk").and_then(Value::as_str).unwrap_or("").to_string()}</th>
                                    <td class="num">{num(field(&c, "rows"))}</td>
                                    <td class="num">{num(a)}</td>
                                    <td class="num">{num(b)}</td>
                                    <td class=format!("num change {}", way.unwrap_or(""))>
                                        {d}{way.filter(|w| *w != "same").map(|w| format!(" {} challenger {w}", if w == "better" { "▲" } else { "▼" }))}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table></div>
            })}
        </section>
    }
}
