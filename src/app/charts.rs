//! SVG charts drawn from the report's evidence. Geometry comes from
//! `crate::charts` (pure, tested natively); hover titles give the numbers.

use leptos::prelude::*;
use serde_json::Value;

use crate::charts::{curve_points, ecdf_steps, histogram_bars, polyline, ticks, to_shares, Scale};
use crate::view_model::{fmt_num, fmt_pct, fmt_tick, DriftRow};

const W: f64 = 460.0;
const H: f64 = 200.0;
/// Room left of the plot for the tick labels and the rotated axis title.
const PAD_L: f64 = 58.0;
const PAD_B: f64 = 34.0;
/// Room above the plot for the top tick's label.
const PAD_T: f64 = 10.0;
/// Room right of the plot for the last tick's label.
const PAD_R: f64 = 24.0;

/// The viewBox of a chart of the standard size.
fn view_box() -> String {
    format!(
        "0 {} {} {}",
        -PAD_T,
        W + PAD_L + PAD_R,
        H + PAD_B + PAD_T + 6.0
    )
}

fn floats(v: Option<&Value>) -> Vec<f64> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default()
}

/// An x axis with ticks and a label, under a plot of width `W`.
fn x_axis(scale: Scale, lo: f64, hi: f64, label: String) -> impl IntoView {
    view! {
        <g class="axis">
            <line x1=PAD_L y1=H x2=PAD_L + W y2=H/>
            {ticks(lo, hi, 5).into_iter().map(|t| {
                let x = PAD_L + scale.at(t);
                view! { <text x=x y=H + 14.0 text-anchor="middle">{fmt_tick(t)}</text> }
            }).collect_view()}
            <text x=PAD_L + W / 2.0 y=H + 30.0 text-anchor="middle" class="label">{label}</text>
        </g>
    }
}

/// A y axis from 0 to `max` with a label.
fn y_axis(max: f64, label: &'static str, pct: bool) -> impl IntoView {
    let y = Scale::new(0.0, max, H, 0.0);
    view! {
        <g class="axis">
            <line x1=PAD_L y1=0.0 x2=PAD_L y2=H/>
            {ticks(0.0, max, 4).into_iter().map(|t| view! {
                <text x=PAD_L - 4.0 y=y.at(t) + 4.0 text-anchor="end">{if pct { fmt_pct(t) } else { fmt_tick(t) }}</text>
            }).collect_view()}
            <text x=10.0 y=H / 2.0 class="label" transform=format!("rotate(-90 10 {})", H / 2.0) text-anchor="middle">{label}</text>
        </g>
    }
}

/// Histograms (numeric) or category shares (categorical), and for numeric
/// columns both ECDFs with the KS distance marked.
#[component]
pub fn ColumnCharts(
    /// The drift row whose evidence is drawn.
    row: DriftRow,
) -> impl IntoView {
    let profile = row.evidence.get("profile").cloned().unwrap_or(Value::Null);
    let title = format!("{} ({})", row.column, row.kind);
    let body = if row.kind == "numeric" {
        numeric(&row, &profile).into_any()
    } else {
        categorical(&profile).into_any()
    };
    view! {
        <section id="column-charts" class="column-charts" data-column=row.column.clone()>
            <h3>{title}</h3>
            <p class="legend"><span class="swatch ref"></span>"reference" <span class="swatch cur"></span>"current"</p>
            {body}
        </section>
    }
}

fn numeric(row: &DriftRow, profile: &Value) -> impl IntoView {
    let hist = profile.get("histogram").cloned().unwrap_or(Value::Null);
    let edges = floats(hist.get("edges"));
    let rc = floats(hist.get("reference"));
    let cc = floats(hist.get("current"));
    let (rs, cs) = (to_shares(&rc), to_shares(&cc));
    let max = rs.iter().chain(&cs).copied().fold(0.0f64, f64::max);
    let (lo, hi) = (
        edges.first().copied().unwrap_or(0.0),
        edges.last().copied().unwrap_or(1.0),
    );
    let xs = Scale::new(lo, hi, 0.0, W);
    let bars = |shares: &[f64], counts: &[f64], class: &'static str, who: &'static str| {
        histogram_bars(&edges, shares, max, W, H)
            .into_iter()
            .map(|b| {
                let (a, z) = (edges.get(b.bin).copied().unwrap_or(0.0), edges.get(b.bin + 1).copied().unwrap_or(0.0));
                let tip = format!(
                    "{who}: bin [{}, {}), {} rows, {}",
                    fmt_num(a),
                    fmt_num(z),
                    counts.get(b.bin).copied().unwrap_or(0.0),
                    fmt_pct(shares.get(b.bin).copied().unwrap_or(0.0))
                );
                view! { <rect class=class x=PAD_L + b.x y=b.y width=b.w height=b.h><title>{tip}</title></rect> }
            })
            .collect_view()
    };
    let ecdf = profile.get("ecdf").cloned().unwrap_or(Value::Null);
    let p = floats(ecdf.get("p"));
    let er = ecdf_steps(&floats(ecdf.get("reference")), &p);
    let ec = ecdf_steps(&floats(ecdf.get("current")), &p);
    let ys = Scale::new(0.0, 1.0, H, 0.0);
    let ks_at = profile
        .get("drift")
        .and_then(|d| d.get("ks_location"))
        .and_then(Value::as_f64);
    let ks = row.metrics.get("ks_statistic").copied();
    let shift = |pts: String| pts;
    view! {
        <div class="charts">
            <svg class="chart" viewBox=view_box() role="img"
                aria-label="histograms of reference and current on common bins">
                {y_axis(max, "share of rows", true)}
                {bars(&rs, &rc, "ref", "reference")}
                {bars(&cs, &cc, "cur", "current")}
                {x_axis(xs, lo, hi, row.column.clone())}
            </svg>
            <svg class="chart" viewBox=view_box() role="img"
                aria-label="empirical CDFs with the KS distance">
                {y_axis(1.0, "cumulative share", true)}
                <g transform=format!("translate({PAD_L} 0)")>
                    <polyline class="ref-line" points=shift(polyline(&er, &xs, &ys))/>
                    <polyline class="cur-line" points=shift(polyline(&ec, &xs, &ys))/>
                    {ks_at.filter(|x| x.is_finite()).map(|x| view! {
                        <line class="ks" x1=xs.at(x) y1=0.0 x2=xs.at(x) y2=H>
                            <title>{format!("KS distance {} at {}", ks.map(fmt_num).unwrap_or_default(), fmt_num(x))}</title>
                        </line>
                    })}
                </g>
                {x_axis(xs, lo, hi, format!("{} (KS {})", row.column, ks.map(fmt_num).unwrap_or_default()))}
            </svg>
        </div>
    }
}

/// A category's name cut to fit the label column (the whole name is in the
/// row's title).
fn short(name: &str) -> String {
    const MAX: usize = 20;
    if name.chars().count() <= MAX {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(MAX - 1).collect::<String>())
    }
}

fn categorical(profile: &Value) -> impl IntoView {
    let cats = profile
        .get("categories")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let num = |c: &Value, k: &str| c.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let rt: f64 = cats.iter().map(|c| num(c, "reference")).sum();
    let ct: f64 = cats.iter().map(|c| num(c, "current")).sum();
    let share = |v: f64, t: f64| if t > 0.0 { v / t } else { 0.0 };
    let max = cats
        .iter()
        .flat_map(|c| [share(num(c, "reference"), rt), share(num(c, "current"), ct)])
        .fold(0.0f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let row_h = 18.0;
    let height = row_h * cats.len() as f64 + 10.0;
    let label_w = 130.0;
    let bw = W - label_w;
    view! {
        <svg class="chart" viewBox=format!("0 0 {} {}", W + 100.0, height) role="img" aria-label="category shares">
            {cats.iter().enumerate().map(|(i, c)| {
                let name = c.get("value").and_then(Value::as_str).unwrap_or("").to_string();
                let (r, k) = (num(c, "reference"), num(c, "current"));
                let (rs, ks) = (share(r, rt), share(k, ct));
                let y = i as f64 * row_h + 4.0;
                let tip = format!("{name}: reference {r} rows ({}), current {k} rows ({})", fmt_pct(rs), fmt_pct(ks));
                view! {
                    <g>
                        <title>{tip}</title>
                        <text x=label_w - 6.0 y=y + 12.0 text-anchor="end">{short(&name)}</text>
                        <rect class="ref" x=label_w y=y width=rs / max * bw height=7.0/>
                        <rect class="cur" x=label_w y=y + 8.0 width=ks / max * bw height=7.0/>
                        <text x=label_w + (rs.max(ks) / max * bw) + 4.0 y=y + 12.0>{format!("{} → {}", fmt_pct(rs), fmt_pct(ks))}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// A performance curve of both datasets (binary classification with a
/// score): `key` is `"roc"`, `"pr"` or `"calibration"` in the evidence.
#[component]
pub fn CurveChart(
    /// The performance check's evidence.
    evidence: Value,
    /// Which curve.
    key: &'static str,
    /// Axis labels.
    x_label: &'static str,
    y_label: &'static str,
    /// Draw the y = x diagonal (chance for ROC, perfect calibration).
    diagonal: bool,
) -> impl IntoView {
    let (r, c) = (
        curve_points(&evidence, "reference", key),
        curve_points(&evidence, "current", key),
    );
    if r.is_empty() && c.is_empty() {
        return ().into_any();
    }
    let xs = Scale::new(0.0, 1.0, 0.0, W);
    let ys = Scale::new(0.0, 1.0, H, 0.0);
    let title = match key {
        "roc" => "ROC curve",
        "pr" => "Precision–recall curve",
        "calibration" => "Calibration",
        other => other,
    };
    view! {
        <figure class=format!("curve {key}") data-curve=key>
            <figcaption>
                <strong>{title}</strong>
                <span class="legend"><span class="swatch ref"></span>"reference"<span class="swatch cur"></span>"current"
                    {diagonal.then(|| view! { <span class="swatch diag"></span>{if key == "roc" { "chance" } else { "perfect calibration" }} })}
                </span>
            </figcaption>
            <svg class=format!("chart {key}") viewBox=view_box() role="img"
                aria-label=format!("{title}: {y_label} against {x_label}, reference and current")>
                {y_axis(1.0, y_label, false)}
                <g transform=format!("translate({PAD_L} 0)")>
                    {diagonal.then(|| view! { <line class="diag" x1=0.0 y1=H x2=W y2=0.0/> })}
                    <polyline class="ref-line" points=polyline(&r, &xs, &ys)/>
                    <polyline class="cur-line" points=polyline(&c, &xs, &ys)/>
                </g>
                {x_axis(xs, 0.0, 1.0, x_label.to_string())}
            </svg>
        </figure>
    }
    .into_any()
}

/// One tooltip for every chart: the `<title>` of the chart element under the
/// pointer or with keyboard focus, shown beside it. (The browser's own
/// tooltip shows for the mouse only; chart points take focus with Tab.)
#[component]
pub fn ChartTip() -> impl IntoView {
    use wasm_bindgen::JsCast;
    let tip = RwSignal::new(None::<(String, f64, f64)>);
    let show = move |target: Option<web_sys::EventTarget>| {
        let mut el = target.and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        // The element's own title, or its group's, up to the chart.
        while let Some(e) = el.clone() {
            if e.tag_name().eq_ignore_ascii_case("svg") {
                break;
            }
            if let Ok(Some(t)) = e.query_selector(":scope > title") {
                if e.closest("svg.chart").ok().flatten().is_none() {
                    break;
                }
                let r = e.get_bounding_client_rect();
                let w = web_sys::window();
                let (sx, sy) = w
                    .map(|w| (w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0)))
                    .unwrap_or((0.0, 0.0));
                tip.set(Some((
                    t.text_content().unwrap_or_default(),
                    r.right() + sx + 6.0,
                    r.top() + sy - 6.0,
                )));
                return;
            }
            el = e.parent_element();
        }
        tip.set(None);
    };
    let on = window_event_listener(leptos::ev::mouseover, move |e| show(e.target()));
    let on_focus = window_event_listener(leptos::ev::focusin, move |e| show(e.target()));
    let off = window_event_listener(leptos::ev::focusout, move |_| tip.set(None));
    on_cleanup(move || {
        on.remove();
        on_focus.remove();
        off.remove();
    });
    move || {
        tip.get().map(|(text, x, y)| {
            view! {
                <div id="chart-tip" class="chart-tip" role="tooltip" style=format!("left:{x:.0}px;top:{y:.0}px")>{text}</div>
            }
        })
    }
}
