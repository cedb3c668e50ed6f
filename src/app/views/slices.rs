//! The stress-slices section: every slice of current's rows, worst first,
//! its deciding metric as a bar beside the overall value (the line), the
//! relative change and Welch's p-value; weak slices marked.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num, texts, value_cell};

/// Width of a slice's bar (SVG units).
const BAR_W: f64 = 160.0;

/// The stress-slices check's section.
#[component]
pub fn SlicesSection(
    /// The `stress_slices` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let f = field;
    let rows = list(&ev, "slices");
    let decider = ev
        .get("deciding_metric")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let overall = f(&ev, "overall");
    // One scale for every bar, around the values shown (the overall one
    // too), so that slices a few percent apart look apart.
    let shown: Vec<f64> = rows
        .iter()
        .filter_map(|r| f(r, "metric"))
        .chain(overall)
        .filter(|v| v.is_finite())
        .collect();
    let lo = shown.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = shown.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { hi.abs().max(1.0) };
    // the lowest value still gets a tenth of the width
    let x = move |v: f64| ((v - lo + 0.1 * span) / (1.1 * span) * BAR_W).clamp(0.0, BAR_W);
    let findings = texts(&ev, "findings");
    let meta = format!(
        "Over current's {} rows with label and prediction ({} overall: {}; the bars start left of the lowest value shown, the line is the overall value). Numeric features are cut at the reference's 5% and 95% quantiles, categorical ones by category (≥ 5% of current, the rest as __other__), both with their missing values. A slice of at least {} rows and at most 95% of them is judged: weak when {} is worse by at least {} of the overall value and Welch's test of its per-row loss against the other rows stays significant under Benjamini–Hochberg at {}.",
        num(f(&ev, "rows")),
        decider,
        num(overall),
        num(f(&ev, "min_rows")),
        decider,
        f(&ev, "max_relative_drop").map(crate::view_model::fmt_pct).unwrap_or_default(),
        num(f(&ev, "alpha")),
    );
    let line = overall.filter(|o| o.is_finite()).map(x);
    view! {
        <section id="stress-slices" class="slices" data-status=check.status.as_str()>
            <h2>"Stress slices"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{meta}</p>
            <ul id="slices-findings" class="findings">
                {findings.into_iter().map(|t| view! { <li class="warn">{t}</li> }).collect_view()}
            </ul>
            <table id="slices-table" class="skew-table slices-table">
                <thead><tr>
                    <th>"Feature"</th><th>"Slice"</th><th class="num">"Rows"</th>
                    <th class="num">{decider.clone()}</th><th>"vs overall"</th>
                    <th class="num">"Relative change"</th><th class="num">"p (Welch)"</th><th>"Verdict"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                        let b = |k: &str| r.get(k).and_then(Value::as_bool).unwrap_or(false);
                        let (judged, weak) = (b("judged"), b("weak"));
                        let verdict = if weak { "weak" } else if judged { "" } else { "too small or too large to judge" };
                        let metric = f(&r, "metric");
                        let bar = metric.filter(|m| m.is_finite()).map(x).unwrap_or(0.0);
                        let cell = |k: &str| value_cell(k, f(&r, k));
                        view! {
                            <tr data-column=s("column") data-slice=s("value") class=if weak { "weak" } else { "" }>
                                <th scope="row">{s("column")}</th>
                                <td>{s("value")}</td>
                                <td class="num">{num(f(&r, "rows"))}</td>
                                {cell("metric")}
                                <td class="bar">
                                    <svg viewBox=format!("0 0 {} 12", BAR_W + 4.0) width="164" height="12" role="img"
                                        aria-label=format!("{} {} vs overall {}", decider, num(metric), num(overall))>
                                        <rect class=if weak { "cur" } else { "ref" } x="0" y="2" height="8" width=format!("{bar:.1}")></rect>
                                        {line.map(|x| view! { <line class="overall" x1=format!("{x:.1}") x2=format!("{x:.1}") y1="0" y2="12"></line> })}
                                    </svg>
                                </td>
                                {cell("relative_delta")}
                                {cell("p_value")}
                                <td class=if weak { "warn" } else { "muted" }>{verdict}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
