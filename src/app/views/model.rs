//! The model checks' sections: parity (is this the model that made the
//! predictions: per dataset, the largest score difference and the class
//! agreement, with the model file's name and SHA-256), the sensitivity
//! heat map (features × perturbations, coloured by the share of changed
//! rows whose prediction flips) with the extreme-value table worst first,
//! and permutation importance as bars (beside the attribution shares of
//! the importance check when it read attributions).

use std::sync::Arc;

use attest_check::report::{Check, Report, Status};
use leptos::prelude::*;
use serde_json::Value;

use super::{field, list, num, texts, value_cell};

/// Width of the longest bar (SVG units).
const BAR_W: f64 = 200.0;

fn text(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Model–prediction parity.
#[component]
pub fn ParitySection(
    /// The `model_parity` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let model = ev.get("model").cloned().unwrap_or(Value::Null);
    let rows = list(&ev, "datasets");
    let notes = texts(&ev, "notes");
    let inputs: Vec<String> = list(&model, "inputs")
        .iter()
        .map(|i| {
            let cols: Vec<String> = list(i, "columns")
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect();
            format!(
                "{} ({}) ← {}",
                text(i, "name"),
                text(i, "type"),
                cols.join(", ")
            )
        })
        .collect();
    let meta = format!(
        "{} · SHA-256 {} · {} bytes · made by {} · operators: {}{}",
        text(&model, "name"),
        text(&model, "sha256"),
        num(field(&model, "bytes")),
        text(&model, "producer"),
        texts(&model, "operators").join(", "),
        if model.get("zipmap_removed").and_then(Value::as_bool) == Some(true) {
            " (ZipMap removed to read the probabilities)"
        } else {
            ""
        }
    );
    view! {
        <section id="model-parity" class="model" data-status=check.status.as_str()
            data-sha256=text(&model, "sha256")>
            <h2>"Model–prediction parity"</h2>
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta" id="model-identity">{meta}</p>
            <p class="meta">{format!("Inputs: {}", inputs.join("; "))}</p>
            <ul class="findings">{notes.into_iter().map(|t| view! { <li class="warn">{t}</li> }).collect_view()}</ul>
            <table id="parity-table" class="skew-table">
                <thead><tr>
                    <th>"Dataset"</th><th class="num">"Rows compared"</th><th class="num">"Max |model − file|"</th>
                    <th class="num">"Worst row"</th><th class="num">"Rows over tolerance"</th><th class="num">"Class agreement"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let agree = match (field(&r, "agree"), field(&r, "predicted")) {
                            (Some(a), Some(p)) if p > 0.0 => Some(a / p),
                            _ => None,
                        };
                        view! {
                            <tr data-dataset=text(&r, "dataset")>
                                <th scope="row">{text(&r, "dataset")}</th>
                                <td class="num">{num(field(&r, "compared"))}</td>
                                {value_cell("model_score_max_abs_diff", field(&r, "max_abs_diff"))}
                                <td class="num">{num(field(&r, "worst_row"))}</td>
                                <td class="num">{num(field(&r, "rows_over_tolerance"))}</td>
                                {value_cell("model_prediction_agreement", agree)}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// When parity failed, the model file is not the model that made the
/// predictions: the sections computed from it say so first.
fn parity_caveat(report: &Report) -> Option<AnyView> {
    let parity = report.checks.iter().find(|c| c.id == "model_parity")?;
    (parity.status == Status::Fail).then(|| {
        view! {
            <p class="error caveat" role="note">
                "Parity failed: this model file does not reproduce the predictions in the data, so this section describes the file, not the model that made them."
            </p>
        }
        .into_any()
    })
}

/// The heat map's colour scale, as a legend: what a colour means.
fn heat_legend() -> impl IntoView {
    view! {
        <p class="legend heat-legend" id="heatmap-legend">
            "share of changed rows that flip: "
            {[0.0, 0.1, 0.25, 0.5, 1.0].into_iter().map(|v| view! {
                <span class="heat-step" style=heat(Some(v))>{crate::view_model::fmt_pct(v)}</span>
            }).collect_view()}
        </p>
    }
}

/// The colour of a flip share in the heat map: white to red.
fn heat(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let t = v.clamp(0.0, 1.0).sqrt();
            format!("background: rgba(200, 40, 40, {:.3})", 0.08 + 0.8 * t)
        }
        _ => "background: transparent".into(),
    }
}

/// Sensitivity to noise and extreme values.
#[component]
pub fn SensitivitySection(
    /// The `model_sensitivity` check.
    check: Check,
    /// The report (for the parity check).
    report: Arc<Report>,
) -> impl IntoView {
    let caveat = parity_caveat(&report);
    let ev = check.evidence.clone();
    let features: Vec<String> = texts(&ev, "features");
    let cells = list(&ev, "cells");
    let present: Vec<String> = texts(&ev, "perturbations")
        .into_iter()
        .filter(|p| cells.iter().any(|c| text(c, "perturbation") == *p))
        .collect();
    let cell = |f: &str, p: &str| {
        cells
            .iter()
            .find(|c| text(c, "feature") == f && text(c, "perturbation") == p)
            .cloned()
    };
    let mut extremes: Vec<Value> = cells
        .iter()
        .filter(|c| !text(c, "perturbation").starts_with("noise"))
        .cloned()
        .collect();
    attest_check::stats::sort::sort_stable_by(&mut extremes, |a, b| {
        field(b, "flip_share")
            .unwrap_or(0.0)
            .total_cmp(&field(a, "flip_share").unwrap_or(0.0))
    });
    let what = if ev.get("regression").and_then(Value::as_bool) == Some(true) {
        "rows whose prediction moves by 5% or more"
    } else {
        "rows whose predicted class changes"
    };
    let meta = format!(
        "On the first {} rows of {}: each cell is the share of the changed {what}. Noise is ε times the reference's standard deviation (deterministic, SplitMix64).",
        num(field(&ev, "rows")),
        text(&ev, "dataset")
    );
    view! {
        <section id="model-sensitivity" class="model" data-status=check.status.as_str()>
            <h2>"Sensitivity to noise and extreme values"</h2>
            {caveat}
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{meta}</p>
            {heat_legend()}
            <div class="table-scroll"><table id="sensitivity-heatmap" class="heatmap">
                <thead><tr>
                    <th>"Feature"</th>
                    {present.iter().map(|p| view! { <th class="num">{p.clone()}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {features.iter().map(|f| view! {
                        <tr data-column=f.clone()>
                            <th scope="row">{f.clone()}</th>
                            {present.iter().map(|p| {
                                let c = cell(f, p);
                                let v = c.as_ref().and_then(|c| field(c, "flip_share"));
                                let title = c.as_ref().map(|c| format!(
                                    "{f}, {p}: {} of {} changed rows flip; mean score change {}",
                                    num(field(c, "flips")), num(field(c, "changed")), num(field(c, "mean_abs_score_change"))
                                )).unwrap_or_default();
                                view! {
                                    <td class="num heat" style=heat(v) title=title data-perturbation=p.clone()
                                        data-value=v.map(|v| v.to_string()).unwrap_or_default()>{num(v)}</td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <h3>"Extreme values, worst first"</h3>
            <table id="extreme-table" class="skew-table">
                <thead><tr>
                    <th>"Feature"</th><th>"Value set to"</th><th class="num">"Changed rows"</th><th class="num">"Flipped"</th><th class="num">"Flip share"</th>
                </tr></thead>
                <tbody>
                    {extremes.into_iter().map(|c| view! {
                        <tr data-column=text(&c, "feature") data-perturbation=text(&c, "perturbation")>
                            <th scope="row">{text(&c, "feature")}</th>
                            <td>{text(&c, "perturbation")}</td>
                            <td class="num">{num(field(&c, "changed"))}</td>
                            <td class="num">{num(field(&c, "flips"))}</td>
                            {value_cell("extreme_flip_share", field(&c, "flip_share"))}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// The attribution share of each feature in current, when the importance
/// check read attribution columns.
fn attribution_shares(report: &Report) -> Vec<(String, f64)> {
    let Some(c) = report.checks.iter().find(|c| c.id == "importance") else {
        return Vec::new();
    };
    if c.evidence.get("source").and_then(Value::as_str) != Some("attribution") {
        return Vec::new();
    }
    list(&c.evidence, "features")
        .iter()
        .filter_map(|r| Some((text(r, "column"), field(r, "current_share")?)))
        .collect()
}

/// Permutation importance.
#[component]
pub fn PermutationSection(
    /// The `model_permutation_importance` check.
    check: Check,
    /// The report (for the importance check's attribution shares).
    report: Arc<Report>,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let mut rows = list(&ev, "features");
    attest_check::stats::sort::sort_stable_by(&mut rows, |a, b| {
        field(b, "importance")
            .unwrap_or(0.0)
            .total_cmp(&field(a, "importance").unwrap_or(0.0))
    });
    let shares = attribution_shares(&report);
    let top = rows
        .iter()
        .filter_map(|r| field(r, "importance"))
        .fold(0.0f64, |m, v| m.max(v.abs()));
    let meta = format!(
        "How much {} of the model's outputs on {} drops (mean of {} shuffles of the feature, on the first {} rows) from {}.",
        text(&ev, "metric"),
        text(&ev, "dataset"),
        num(field(&ev, "repeats")),
        num(field(&ev, "rows")),
        num(field(&ev, "baseline")),
    );
    let with_shares = !shares.is_empty();
    let caveat = parity_caveat(&report);
    // With a negative importance (shuffling helped: noise) the bars grow
    // both ways from a zero line in the middle.
    let two_sided = rows
        .iter()
        .any(|r| field(r, "importance").is_some_and(|v| v < 0.0));
    let (zero, room) = if two_sided {
        (BAR_W / 2.0, BAR_W / 2.0)
    } else {
        (0.0, BAR_W)
    };
    let scale = if top > 0.0 { room / top } else { 0.0 };
    let baseline = field(&ev, "baseline").unwrap_or(1.0);
    view! {
        <section id="model-permutation" class="model" data-status=check.status.as_str()>
            <h2>"Permutation importance"</h2>
            {caveat}
            <p class=format!("badge {}", check.status.as_str())>{crate::view_model::page_words(check.message.as_deref().unwrap_or_default())}</p>
            <p class="meta">{meta}</p>
            <table id="permutation-table" class="skew-table importance-table">
                <thead><tr>
                    <th>"Feature"</th><th class="num">"Importance"</th><th>"Drop"</th>
                    {with_shares.then(|| view! { <th class="num">"Attribution share (current)"</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let feature = text(&r, "feature");
                        let v = field(&r, "importance");
                        // Rounding noise of the metric is 0, not 1.110e-16.
                        let v = v.map(|v| if crate::view_model::rounding_noise(v, baseline) { 0.0 } else { v });
                        let len = v.unwrap_or(0.0) * scale;
                        let (x, w) = if len < 0.0 { (zero + len, -len) } else { (zero, len) };
                        let share = shares.iter().find(|(c, _)| *c == feature).map(|(_, s)| *s);
                        view! {
                            <tr data-column=feature.clone()>
                                <th scope="row">{feature.clone()}</th>
                                {value_cell("permutation_importance", v)}
                                <td class="bar">
                                    <svg viewBox=format!("0 0 {} 10", BAR_W + 4.0) width="204" height="10" role="img"
                                        aria-label=format!("{feature}: {}", num(v))>
                                        <rect class=if len < 0.0 { "neg" } else { "cur" } x=format!("{x:.1}") y="1" height="8" width=format!("{w:.1}")></rect>
                                        {two_sided.then(|| view! { <line class="zero" x1=zero y1="0" x2=zero y2="10"></line> })}
                                    </svg>
                                </td>
                                {with_shares.then(|| value_cell("importance_share", share))}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
