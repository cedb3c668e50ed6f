//! The backtesting time charts: one per metric, reference and current
//! chunks as lines with the reference chunks' threshold band, the flagged
//! chunks marked, the challenger's line beside the champion's and the
//! estimated values beside the realised ones. Hover a point for its chunk,
//! rows and value. Geometry from `crate::time_chart` and `crate::charts`.

use std::sync::Arc;

use attest_check::report::Report;
use leptos::prelude::*;

use crate::charts::{ticks, Scale};
use crate::time_chart::{time_charts, TimeChart};
use crate::view_model::{fmt_num, fmt_tick, higher_is_better};

const W: f64 = 460.0;
const H: f64 = 180.0;
const PAD_L: f64 = 48.0;
const PAD_B: f64 = 40.0;
/// Room above the plot for the top tick's label.
const PAD_T: f64 = 8.0;

/// Every time chart of the report.
#[component]
pub fn TimeCharts(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let charts = time_charts(&report);
    if charts.is_empty() {
        return ().into_any();
    }
    let words = crate::view_model::check(&report, "backtest")
        .and_then(|c| c.message.as_deref().map(crate::view_model::page_words))
        .unwrap_or_default();
    view! {
        <section id="backtest" class="backtest">
            <h2>"Performance over time"</h2>
            <p class="meta">{words}</p>
            <p class="legend">
                <span class="swatch ref"></span>" reference chunks "
                <span class="swatch cur"></span>" current chunks "
                <span class="swatch chal"></span>" challenger "
                <span class="swatch est"></span>" estimated without labels "
                <span class="swatch band"></span>" reference mean ± 3 std · ringed red: worse than the band (flagged); ringed green: better (no alarm)"
            </p>
            <div class="charts">{charts.into_iter().map(|c| view! { <Chart chart=c/> }).collect_view()}</div>
        </section>
    }
    .into_any()
}

fn class_of(series: &str) -> &'static str {
    match series {
        "reference" => "ref-line",
        "current" | "champion" => "cur-line",
        "challenger" => "chal-line",
        _ => "est-line",
    }
}

/// One metric's chart.
#[component]
fn Chart(
    /// The chart's data.
    chart: TimeChart,
) -> impl IntoView {
    let Some((lo, hi)) = chart.range() else {
        return ().into_any();
    };
    let pad = ((hi - lo) * 0.1).max(1e-6);
    let y = Scale::new(lo - pad, hi + pad, H, 0.0);
    let n = chart.chunks.len().max(1);
    let x = |i: usize| PAD_L + (i as f64 + 0.5) * W / n as f64;
    let metric = chart.metric.clone();
    let band_range = chart.band;
    let band = chart.band.map(|(a, b)| {
        let (top, bottom) = (y.at(b), y.at(a));
        view! {
            <rect class="band" x=PAD_L y=top width=W height=(bottom - top).max(1.0)>
                <title>{format!("thresholds {} – {}", fmt_num(a), fmt_num(b))}</title>
            </rect>
        }
    });
    let every = n.div_ceil(8);
    view! {
        <svg class="chart time-chart" data-metric=metric.clone()
            viewBox=format!("0 {} {} {}", -PAD_T, W + PAD_L + 10.0, H + PAD_B + PAD_T + 6.0) role="img"
            aria-label=format!("{metric} per chunk")>
            {band}
            <g class="axis">
                <line x1=PAD_L y1=H x2=PAD_L + W y2=H/>
                <line x1=PAD_L y1=0.0 x2=PAD_L y2=H/>
                {ticks(lo - pad, hi + pad, 4).into_iter().map(|t| view! {
                    <text x=PAD_L - 4.0 y=y.at(t) + 4.0 text-anchor="end">{fmt_tick(t)}</text>
                }).collect_view()}
                {chart.chunks.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, c)| view! {
                    <text x=x(i) y=H + 14.0 text-anchor="middle">{c.clone()}</text>
                }).collect_view()}
                <text x=PAD_L + W / 2.0 y=H + 32.0 text-anchor="middle" class="label">{metric.clone()}</text>
            </g>
            {chart.series.iter().map(|s| {
                let points = s.points.iter().map(|p| format!("{:.2},{:.2}", x(p.x), y.at(p.value))).collect::<Vec<_>>().join(" ");
                let class = class_of(&s.name);
                view! {
                    <g class=format!("series {}", s.name) data-series=s.name.clone()>
                        <polyline class=class points=points/>
                        {s.points.iter().map(|p| {
                            let rows = p.rows.map(|r| format!(" · {r} rows")).unwrap_or_default();
                            // Outside the band: better or worse than the reference chunks, by the metric's direction.
                            let side = band_range.and_then(|(a, b)| (p.value > b).then_some(true).or((p.value < a).then_some(false)));
                            let way = side.zip(higher_is_better(&metric)).map(|(above, up)| if above == up { "better" } else { "worse" });
                            // Flagged (worse) chunks are ringed red; better ones green and pass.
                            let mark = if p.flagged {
                                " flagged"
                            } else if way == Some("better") && s.name != "reference" {
                                " better"
                            } else {
                                ""
                            };
                            let said = way.map(|w| format!(" ({w} than the reference chunks)")).unwrap_or_default();
                            view! {
                                <circle class=format!("point{mark} {class}")
                                    cx=x(p.x) cy=y.at(p.value) r=if p.flagged { 5.0 } else { 3.0 }
                                    data-chunk=p.chunk.clone() data-value=p.value.to_string() data-flagged=p.flagged.to_string()
                                    data-direction=way.unwrap_or("") tabindex="0">
                                    <title>{format!("{} {}{rows}: {} {}{said}", s.name, p.chunk, metric, fmt_num(p.value))}</title>
                                </circle>
                            }
                        }).collect_view()}
                    </g>
                }
            }).collect_view()}
        </svg>
    }
    .into_any()
}
