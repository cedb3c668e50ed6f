//! The feature-importance section: each feature's share of importance in
//! reference and in current as paired bars, sorted by reference, with the
//! rank change; the change's summary numbers and findings.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num, texts, value_cell};

/// Width of the longest bar (SVG units).
const BAR_W: f64 = 200.0;

/// The importance check's section.
#[component]
pub fn ImportanceSection(
    /// The `importance` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let f = field;
    let rows = list(&ev, "features");
    let top = rows
        .iter()
        .flat_map(|r| [f(r, "reference_share"), f(r, "current_share")])
        .flatten()
        .fold(0.0f64, f64::max);
    let scale = if top > 0.0 { BAR_W / top } else { 0.0 };
    let source = match ev.get("source").and_then(Value::as_str) {
        Some("attribution") => "the attribution columns (mean |φ| per feature)",
        _ => "the model-free stand-in: |Spearman ρ| of each numeric feature with the score (η of the score by category for categorical ones)",
    };
    let findings = texts(&ev, "findings");
    let meta = format!(
        "Importance from {source}, as shares of the total. Total variation {} (flag at {}), Spearman {}, Kendall τ-b {}, top-{} overlap {}.",
        num(f(&ev, "tv_distance")),
        num(f(&ev, "max_tv_distance")),
        num(f(&ev, "spearman")),
        num(f(&ev, "kendall_tau")),
        num(f(&ev, "k")),
        num(f(&ev, "top_k_overlap")),
    );
    view! {
        <section id="importance" class="importance" data-status=check.status.as_str()>
            <h2>"Feature importance change"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{meta}</p>
            <ul id="importance-findings" class="findings">
                {findings.into_iter().map(|t| view! { <li class="warn">{t}</li> }).collect_view()}
            </ul>
            <p class="legend"><span class="swatch ref"></span>"reference"<span class="swatch cur"></span>"current"</p>
            <table id="importance-table" class="skew-table importance-table">
                <thead><tr>
                    <th>"Feature"</th><th class="num">"Reference share"</th><th class="num">"Current share"</th>
                    <th>"Shares"</th><th class="num">"Rank (ref → cur)"</th><th class="num">"Rank change"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let column = r.get("column").and_then(Value::as_str).unwrap_or("").to_string();
                        let (a, b) = (f(&r, "reference_share"), f(&r, "current_share"));
                        let w = |v: Option<f64>| format!("{:.1}", v.filter(|v| v.is_finite()).unwrap_or(0.0) * scale);
                        let change = r.get("rank_change").and_then(Value::as_i64).unwrap_or(0);
                        let change_text = match change {
                            0 => "—".to_string(),
                            c if c > 0 => format!("↑ {c}"),
                            c => format!("↓ {}", -c),
                        };
                        view! {
                            <tr data-column=column.clone()>
                                <th scope="row">{column.clone()}</th>
                                {value_cell("reference_share", a)}
                                {value_cell("current_share", b)}
                                <td class="bar">
                                    <svg viewBox=format!("0 0 {} 16", BAR_W + 4.0) width="204" height="16" role="img"
                                        aria-label=format!("{column}: reference {}, current {}", num(a), num(b))>
                                        <rect class="ref" x="0" y="1" height="6" width=w(a)></rect>
                                        <rect class="cur" x="0" y="9" height="6" width=w(b)></rect>
                                    </svg>
                                </td>
                                <td class="num">{format!("{} → {}", num(f(&r, "reference_rank")), num(f(&r, "current_rank")))}</td>
                                <td class="num" data-value=change.to_string()>{change_text}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
