//! The report view, rendered only from the report document: a live run and
//! a reopened report look the same.

use std::sync::Arc;

use attest_check::report::{Report, Status};
use attest_check::sign::{State, Verification};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

use super::charts::{ColumnCharts, CurveChart};
use crate::view_model::{self, fmt_num, fmt_pct, fmt_tick, DriftRow, SortKey};

fn status_class(s: Status) -> &'static str {
    s.as_str()
}

/// Save text as a file through a temporary link.
pub(super) fn download(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let doc = web_sys::window().and_then(|w| w.document());
    if let Some(a) = doc
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The whole report.
#[component]
pub fn ReportView(
    /// The report document to show.
    report: Arc<Report>,
    /// Its signatures as verified by the worker (none yet, or an error).
    verification: RwSignal<Option<Result<Verification, String>>>,
) -> impl IntoView {
    let n_signatures = report.signatures.len();
    let r = report.clone();
    let save = move |_| download("attest-report.json", &r.to_json(), "application/json");
    let html_state = RwSignal::new(None::<Result<(), String>>);
    let r2 = report.clone();
    let save_html = move |_| {
        let text = r2.to_json();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = super::one_file_html(text).await.map(|html| {
                download("attest-report.html", &html, "text/html");
            });
            html_state.set(Some(outcome));
        });
    };
    let status = report.summary.status;
    let c = report.summary.counts;
    // A report whose summary does not follow from its checks, or whose
    // signatures do not hold, shows no verdict: it says why instead.
    let summary_problem = view_model::summary_problem(&report);
    let untrusted = move || {
        let signature = verification.with(|v| match v {
            Some(Ok(v)) if v.problem.is_some() => v.problem.clone(),
            Some(Ok(v)) => v.signatures.iter().find_map(|s| match &s.state {
                State::Invalid { reason } => {
                    Some(format!("a signature of {} is invalid: {reason}", s.signer))
                }
                _ => None,
            }),
            _ => None,
        });
        summary_problem.clone().or(signature)
    };
    let verdict = move || {
        match untrusted() {
        Some(why) => view! {
            <h2>"Result: " <span id="summary-status" class="badge error" data-untrusted="true">"NOT TRUSTWORTHY"</span></h2>
            <p id="integrity-alert" class="error" role="alert">
                {format!("This report was changed after it was made or signed: {why}. Do not rely on its verdict; ask for the original.")}
            </p>
        }.into_any(),
        None => view! {
            <h2>"Result: " <span id="summary-status" class=format!("badge {}", status_class(status))>{status.as_str().to_ascii_uppercase()}</span></h2>
        }.into_any(),
    }
    };
    view! {
        <section id="report" class="report">
            <div class="summary">
                {verdict}
                <p class="counts">
                    {format!("{} pass · {} warn · {} fail · {} error · {} skipped", c.pass, c.warn, c.fail, c.error, c.skipped)}
                </p>
                <p class="meta">{format!("Created {} by {} {}", report.created_at, report.tool.name, report.tool.version)}</p>
                // The model file under review is not the one that made the
                // predictions: said first, before anything else.
                {report.checks.iter().find(|c| c.id == "model_parity" && c.status == attest_check::report::Status::Fail).map(|c| view! {
                    <p id="parity-alert" class="error" role="alert">{c.message.clone().unwrap_or_default()}</p>
                })}
                <button id="download-json" class="secondary" on:click=save>"Download report JSON"</button>
                " "
                <button id="download-html" class="secondary" on:click=save_html
                    title="One HTML file with the viewer and this report: opens anywhere, even offline">"Download as HTML"</button>
                {move || html_state.get().map(|s| match s {
                    Ok(()) => view! { <small id="download-html-state" class="meta" data-state="ok">" saved"</small> }.into_any(),
                    Err(e) => view! { <p id="download-html-state" class="error" data-state="error">{format!("cannot write the HTML file: {e}")}</p> }.into_any(),
                })}
            </div>
            {
                let card = report.model_card();
                let fields: Vec<(String, String)> = card.fields().into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                (!fields.is_empty()).then(|| view! {
                    <dl id="model-card" class="model-card">
                        {fields.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                })
            }
            <Signatures count=n_signatures verification=verification/>
            <div class="table-scroll"><table id="section-inputs" class="inputs-table">
                <thead><tr><th>"Dataset"</th><th>"File"</th><th class="num">"Rows"</th><th>"SHA-256"</th></tr></thead>
                <tbody>
                    {report.inputs.iter().map(|i| view! {
                        <tr>
                            <td>{i.dataset.clone()}</td>
                            <td>{i.name.clone()}</td>
                            <td class="num">{i.rows}</td>
                            <td><code title=i.sha256.clone()>{i.sha256.chars().take(16).collect::<String>()}"…"</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <h2>"Checks"</h2>
            <ul class="checks">
                {report.checks.iter().map(|c| {
                    let title = match view_model::section_anchor(&c.id) {
                        Some(a) if c.status != Status::Skipped => view! { <a class="title" href=format!("#{a}")>{c.title.clone()}</a> }.into_any(),
                        _ => view! { <strong class="title">{c.title.clone()}</strong> }.into_any(),
                    };
                    view! {
                        <li data-check=c.id.clone()>
                            <span class=format!("badge {}", status_class(c.status))>{c.status.as_str()}</span>
                            {title}
                            <span class="msg">{view_model::page_words(c.message.as_deref().unwrap_or_default())}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Findings report=report.clone()/>
            <DriftTable report=report.clone()/>
            <Performance report=report.clone()/>
            <Segments report=report.clone()/>
            <Fairness report=report.clone()/>
            <super::views::Sections report=report.clone()/>
        </section>
    }
}

/// Data-quality findings in plain words.
#[component]
fn Findings(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let Some(dq) = view_model::check(&report, "data_quality") else {
        return ().into_any();
    };
    let list = |key: &str| -> Vec<String> {
        dq.evidence
            .get(key)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (findings, notes) = (list("findings"), list("observations"));
    view! {
        <h2 id="section-data-quality">"Data quality"</h2>
        <ul id="dq-findings" class="findings">
            {findings.into_iter().map(|f| view! { <li class="warn">{f}</li> }).collect_view()}
            {notes.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

const METRIC_COLUMNS: [&str; 7] = [
    "ks_statistic",
    "ks_p_value",
    "wasserstein_norm",
    "psi",
    "jensen_shannon",
    "chi2_p_value",
    "linf_distance",
];

/// The drift table: sortable, filterable, worst first; a row opens its charts.
#[component]
fn DriftTable(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let all = view_model::drift_rows(&report);
    let sort = RwSignal::new((SortKey::Severity, true));
    let filter = RwSignal::new(String::new());
    let selected = RwSignal::new(all.first().map(|r| r.column.clone()));
    let all_rows = all.clone();
    let rows = move || {
        let mut rows = view_model::filter_rows(&all_rows, &filter.get());
        let (key, desc) = sort.get();
        view_model::sort_rows(&mut rows, key, desc);
        rows
    };
    let header = move |label: &'static str, key: SortKey| {
        let click = move |_| {
            sort.update(|(k, d)| {
                if *k == key {
                    *d = !*d;
                } else {
                    *k = key;
                    *d = !matches!(key, SortKey::Column);
                }
            })
        };
        view! { <th><button class="sort" on:click=click>{label}</button></th> }
    };
    let detail_rows = all.clone();
    view! {
        <h2 id="section-drift">"Drift"</h2>
        <input id="drift-filter" class="filter" type="search" placeholder="filter columns"
            on:input=move |ev| filter.set(event_target_value(&ev))/>
        <div class="table-scroll"><table id="drift-table" class="drift">
            <thead>
                <tr>
                    <th>"Status"</th>
                    {header("Column", SortKey::Column)}
                    <th>"Kind"</th>
                    <th>"Deciding metric"</th>
                    {header("Value", SortKey::Severity)}
                    <th>"Threshold"</th>
                    {METRIC_COLUMNS.iter().map(|m| header(m, SortKey::Metric(m))).collect_view()}
                    <th>"Missing (current)"</th>
                </tr>
            </thead>
            <tbody>
                {move || rows().into_iter().map(|row| {
                    let name = row.column.clone();
                    let pick = name.clone();
                    let key_pick = name.clone();
                    let is = name.clone();
                    // Reachable by keyboard: Tab to a row, Enter or Space opens its charts.
                    let keydown = move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            selected.set(Some(key_pick.clone()));
                        }
                    };
                    view! {
                        <tr data-column=name.clone() tabindex="0"
                            aria-selected=move || (selected.get().as_deref() == Some(is.as_str())).to_string()
                            class:selected=move || selected.get().as_deref() == Some(name.as_str())
                            on:click=move |_| selected.set(Some(pick.clone())) on:keydown=keydown>
                            <td>{row.status.map(|s| view! { <span class=format!("badge {}", s.as_str())>{s.as_str()}</span> })}</td>
                            <td class="col">{row.column.clone()}<small>{format!(" {}", row.role)}</small></td>
                            <td>{row.kind.clone()}</td>
                            <td>{row.deciding.as_ref().map(|d| d.0.clone()).unwrap_or_default()}</td>
                            <td class="num">{row.deciding.as_ref().map(|d| fmt_num(d.1)).unwrap_or_else(|| row.note.clone().unwrap_or_default())}</td>
                            <td class="num">{row.deciding.as_ref().map(|d| format!("{} {}", if d.0.ends_with("p_value") { "<" } else { "≥" }, fmt_tick(d.2))).unwrap_or_default()}</td>
                            {METRIC_COLUMNS.iter().map(|m| {
                                let v = row.metrics.get(*m).copied();
                                view! {
                                    <td class="num" data-metric=*m data-value=v.map(|v| v.to_string()).unwrap_or_default()>
                                        {v.map(fmt_num).unwrap_or_default()}
                                    </td>
                                }
                            }).collect_view()}
                            <td class="num">{row.missing_current.map(fmt_pct).unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
        {move || {
            let name = selected.get()?;
            let row: DriftRow = detail_rows.iter().find(|r| r.column == name)?.clone();
            Some(view! { <ColumnCharts row=row/> })
        }}
    }
}

/// Performance: reference vs current cards, ROC curve, confusion matrix.
#[component]
fn Performance(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let Some(perf) = view_model::check(&report, "performance") else {
        return ().into_any();
    };
    if perf.status == Status::Skipped {
        return view! { <h2 id="section-performance">"Performance"</h2><p class="hint">{view_model::page_words(perf.message.as_deref().unwrap_or_default())}</p> }.into_any();
    }
    let pairs = view_model::performance_pairs(&report);
    let ev = perf.evidence.clone();
    let confusion = ev.get("current").and_then(|c| c.get("confusion")).cloned();
    view! {
        <h2 id="section-performance">"Performance"</h2>
        <div id="performance" class="cards">
            {pairs.into_iter().map(|(name, r, c)| {
                let change = match (r, c) {
                    (Some(r), Some(c)) => {
                        let d = view_model::fmt_delta(c - r, r);
                        if c > r && !view_model::rounding_noise(c - r, r) { format!("+{d}") } else { d }
                    }
                    _ => String::new(),
                };
                // Better or worse than the reference, by the metric's direction.
                let dir = match (r, c) { (Some(r), Some(c)) => view_model::direction(&name, r, c), _ => None };
                view! {
                    <div class="card" data-metric=name.clone()>
                        <div class="name">{name.clone()}</div>
                        <div class="value" data-dataset="current" data-value=c.map(|v| v.to_string()).unwrap_or_default()>{c.map(fmt_num).unwrap_or_else(|| "—".into())}</div>
                        <div class="ref">"reference " {r.map(fmt_num).unwrap_or_else(|| "—".into())}</div>
                        <div class=format!("change {}", dir.unwrap_or("")) data-direction=dir.unwrap_or("")>
                            {change}{dir.filter(|d| *d != "same").map(|d| format!(" {} {d}", if d == "better" { "▲" } else { "▼" }))}
                        </div>
                    </div>
                }
            }).collect_view()}
        </div>
        <div class="charts">
            <CurveChart evidence=ev.clone() key="roc" x_label="false positive rate" y_label="true positive rate" diagonal=true/>
            <CurveChart evidence=ev.clone() key="pr" x_label="recall" y_label="precision" diagonal=false/>
            <CurveChart evidence=ev.clone() key="calibration" x_label="mean predicted score" y_label="share of positives" diagonal=true/>
            {confusion.map(|c| {
                let n = |k: &str| c.get(k).and_then(Value::as_u64).unwrap_or(0);
                view! {
                    <table class="confusion">
                        <caption>"Confusion matrix (current)"</caption>
                        <tr><th></th><th>"predicted 0"</th><th>"predicted 1"</th></tr>
                        <tr><th>"actual 0"</th><td class="num">{n("tn")}</td><td class="num">{n("fp")}</td></tr>
                        <tr><th>"actual 1"</th><td class="num">{n("fn")}</td><td class="num">{n("tp")}</td></tr>
                    </table>
                }
            })}
        </div>
    }
    .into_any()
}

/// Metrics by segment: bars per segment with the worst marked.
#[component]
fn Segments(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let Some(seg) = view_model::check(&report, "performance_by_segment") else {
        return ().into_any();
    };
    let tables = seg
        .evidence
        .get("tables")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if tables.is_empty() {
        return ().into_any();
    }
    view! {
        <h2 id="section-segments">"Performance by segment"</h2>
        {tables.into_iter().map(|t| {
            let metric = t.get("metric").and_then(Value::as_str).unwrap_or("accuracy").to_string();
            let worst = t.get("worst").and_then(Value::as_str).map(str::to_string);
            let segs = t.get("segments").and_then(Value::as_array).cloned().unwrap_or_default();
            let max = segs.iter().filter_map(|s| s.get(&metric).and_then(Value::as_f64)).fold(0.0f64, f64::max);
            view! {
                <table class="segments" data-segment-column=t.get("column").and_then(Value::as_str).unwrap_or("").to_string()>
                    <caption>{format!("{} by {}", metric, t.get("column").and_then(Value::as_str).unwrap_or(""))}</caption>
                    {segs.into_iter().map(|s| {
                        let value = s.get("value").and_then(Value::as_str).unwrap_or("").to_string();
                        let v = s.get(&metric).and_then(Value::as_f64).unwrap_or(0.0);
                        let is_worst = worst.as_deref() == Some(value.as_str());
                        let w = if max > 0.0 { v / max * 100.0 } else { 0.0 };
                        view! {
                            <tr class:worst=is_worst data-segment=value.clone()>
                                <th>{value.clone()}</th>
                                <td class="bar"><span style=format!("width:{w:.1}%")></span></td>
                                <td class="num" data-value=v.to_string()>{fmt_num(v)}</td>
                                <td class="num">{s.get("rows").and_then(Value::as_u64).unwrap_or(0)}" rows"</td>
                                <td>{if is_worst { "worst" } else { "" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </table>
            }
        }).collect_view()}
    }
    .into_any()
}

/// Fairness: selection rate, TPR and FPR per group, with the differences.
#[component]
fn Fairness(
    /// The report.
    report: Arc<Report>,
) -> impl IntoView {
    let Some(fair) = view_model::check(&report, "fairness") else {
        return ().into_any();
    };
    if fair.status == Status::Skipped {
        return ().into_any();
    }
    let tables = fair
        .evidence
        .get("tables")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let metrics = fair.metrics.clone();
    let opt = |v: Option<&Value>| {
        v.and_then(Value::as_f64)
            .map(fmt_num)
            .unwrap_or_else(|| "—".into())
    };
    view! {
        <h2 id="section-fairness">"Fairness"</h2>
        {tables.into_iter().map(|t| {
            let col = t.get("column").and_then(Value::as_str).unwrap_or("").to_string();
            let groups = t.get("groups").and_then(Value::as_array).cloned().unwrap_or_default();
            let diffs: Vec<_> = metrics.iter().filter(|m| m.column.as_deref() == Some(col.as_str())).cloned().collect();
            view! {
                <table class="fairness" data-sensitive=col.clone()>
                    <caption>{format!("Groups of {col} (current)")}</caption>
                    <tr><th>"Group"</th><th class="num">"Rows"</th><th class="num">"Selection rate"</th><th class="num">"TPR"</th><th class="num">"FPR"</th></tr>
                    {groups.into_iter().map(|g| view! {
                        <tr>
                            <th>{g.get("value").and_then(Value::as_str).unwrap_or("").to_string()}</th>
                            <td class="num">{g.get("rows").and_then(Value::as_u64).unwrap_or(0)}</td>
                            <td class="num">{opt(g.get("selection_rate"))}</td>
                            <td class="num">{opt(g.get("tpr"))}</td>
                            <td class="num">{opt(g.get("fpr"))}</td>
                        </tr>
                    }).collect_view()}
                </table>
                <ul class="fairness-metrics" data-sensitive=col.clone()>
                    {diffs.into_iter().map(|m| view! {
                        <li data-metric=m.name.clone() data-value=m.value.to_string()>
                            {m.status.map(|s| view! { <span class=format!("badge {}", s.as_str())>{s.as_str()}</span> })}
                            {format!(" {} = {} (limit {})", m.name, fmt_num(m.value), m.threshold.map(fmt_num).unwrap_or_default())}
                        </li>
                    }).collect_view()}
                </ul>
            }
        }).collect_view()}
    }
    .into_any()
}

/// The report's signatures: who signed, in which role, what they decided,
/// and whether each signature is valid (checked in the worker).
#[component]
fn Signatures(
    /// How many entries the report's `signatures` array has.
    count: usize,
    /// The worker's verification.
    verification: RwSignal<Option<Result<Verification, String>>>,
) -> impl IntoView {
    if count == 0 {
        return view! { <p id="signatures" class="meta" data-count="0">{view_model::page_words("Not signed. Sign with `attest sign`.")}</p> }.into_any();
    }
    view! {
        <section id="signatures" class="signatures" data-count=count.to_string()>
            <h2>"Sign-off"</h2>
            {move || match verification.get() {
                None => view! { <p class="meta">"Checking the signatures…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error">{format!("cannot check the signatures: {e}")}</p> }.into_any(),
                Some(Ok(v)) => view! {
                    {v.problem.clone().map(|p| view! { <p class="error" id="signature-problem">{format!("This report was changed after signing: {p}")}</p> })}
                    <ul class="signature-list">
                        {v.signatures.into_iter().map(|s| {
                            let (class, state) = match &s.state {
                                State::Trusted { name } => ("pass", format!("valid, trusted key of {name}")),
                                State::Unknown => ("warn", "valid, unknown key".to_string()),
                                State::Invalid { reason } => ("fail", format!("invalid: {reason}")),
                            };
                            let kind = match &s.state {
                                State::Trusted { .. } => "trusted",
                                State::Unknown => "unknown",
                                State::Invalid { .. } => "invalid",
                            };
                            view! {
                                <li data-state=kind>
                                    <span class=format!("badge {class}")>{state}</span>
                                    <strong>{s.signer.clone()}</strong>
                                    {format!(" ({}) — {} — {}", s.role, s.decision.replace('_', " "), s.signed_at)}
                                    <small class="meta">{format!(" key {}", s.fingerprint.clone().unwrap_or_else(|| "?".into()))}</small>
                                    {s.comment.clone().map(|c| view! { <p class="comment">{c}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}
