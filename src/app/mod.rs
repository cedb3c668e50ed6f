//! The Leptos app (client-side only). `mount` starts it. This file holds
//! the page's state and getting data in: the file fields (reference,
//! current, an optional train file, an `attest.toml`), the demo, and
//! `?reference=`/`?current=`/`?train=`/`?config=`/`?report=` URLs. The run
//! itself (workers, jobs, parts, progress, cancel) is `runner.rs`; the views
//! are `setup.rs` (before the run), `report.rs` and `charts.rs`, and one
//! file per check family in `views/`.

mod charts;
mod inventory;
mod report;
mod runner;
mod setup;
mod sign;
mod views;

use std::sync::Arc;

use attest_check::plan::Preview;
use attest_check::reproduce::Reproduction;
use attest_check::sign::Verification;
use attest_check::{Config, Report};
use leptos::mount::mount_to_body;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement};

use crate::protocol::RunProgress;
use crate::setup::Choices;
use crate::view_model::progress_lines;
use runner::{Event, Files, Input, RunConfig, RunStats, Runner};

/// Start the app.
pub fn mount() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

/// Where the page is.
#[derive(Clone)]
enum Phase {
    Idle,
    /// Reading the footers of the chosen files.
    Inspecting,
    /// Showing the schemas; the choices are in their own signal.
    Setup(Arc<Preview>),
    /// A run is under way; its progress is in its own signal.
    Running,
    Done(Arc<Report>, Option<RunStats>),
}

/// A reproduction of the report shown: running, or its outcome.
#[derive(Clone)]
enum Repro {
    Running,
    Done(Arc<Reproduction>),
    Failed(String),
}

/// What the run under way is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Show its report.
    Show,
    /// Compare it with the report shown.
    Reproduce,
}

/// The datasets a run can take, in run order, with their field titles.
const DATASETS: [(&str, &str); 3] = [
    ("reference", "Reference"),
    ("current", "Current"),
    ("train", "Train (optional)"),
];

/// The file chosen in a file input's `change` event.
fn picked_file(ev: &web_sys::Event) -> Option<File> {
    let input: HtmlInputElement = event_target(ev);
    input.files().and_then(|f| f.get(0))
}

/// The file dropped in a `drop` event (the browser is kept from opening it).
fn dropped_file(ev: &web_sys::DragEvent) -> Option<File> {
    ev.prevent_default();
    ev.data_transfer()
        .and_then(|d| d.files())
        .and_then(|f| f.get(0))
}

/// `url` made absolute against the page's address (the worker lives elsewhere).
fn absolute(url: &str) -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .and_then(|base| web_sys::Url::new_with_base(url, &base).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| url.to_string())
}

fn now_rfc3339() -> String {
    let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
    attest_check::report::rfc3339_utc(secs)
}

pub(super) fn js_message(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            js_sys::Reflect::get(e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Fetch a URL as a Blob (same origin or CORS-enabled static hosts).
async fn fetch_blob(url: &str) -> Result<Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {}", js_message(&e)))?;
    let resp: web_sys::Response = resp
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let blob = JsFuture::from(resp.blob().map_err(|e| js_message(&e))?)
        .await
        .map_err(|e| format!("{url}: {}", js_message(&e)))?;
    blob.dyn_into().map_err(|_| format!("{url}: not a blob"))
}

/// The viewer's own files, to write a one-file HTML report: from this page's
/// elements when it is one, else fetched from beside the page (Trunk's
/// `app.js` and `main.css`, and `app_bg.wasm.gz`).
async fn this_viewer() -> Result<attest_check::bundle::Viewer, String> {
    if let (Some(script), Some(wasm), Some(css)) = (
        element_text("attest-viewer"),
        element_text("attest-viewer-wasm"),
        element_text("attest-css"),
    ) {
        return crate::share::viewer_from_page(&script, &wasm, &css);
    }
    let js = blob_text(&fetch_blob("app.js").await?).await?;
    // The build writes the wasm gzip-compressed beside it (Trunk.toml's
    // hook): the same bytes `attest bundle` embeds.
    let wasm = fetch_blob("app_bg.wasm.gz").await?;
    let wasm = JsFuture::from(wasm.array_buffer())
        .await
        .map_err(|e| js_message(&e))?;
    let wasm = js_sys::Uint8Array::new(&wasm).to_vec();
    let css = blob_text(&fetch_blob("main.css").await?).await?;
    attest_check::bundle::Viewer::from_gzip(js, &wasm, css).map_err(|e| e.to_string())
}

/// The report `text` as one self-contained HTML file.
async fn one_file_html(text: String) -> Result<String, String> {
    let viewer = this_viewer().await?;
    attest_check::bundle::one_file_html(&viewer, &text).map_err(|e| e.to_string())
}

async fn blob_text(blob: &Blob) -> Result<String, String> {
    let text = JsFuture::from(blob.text())
        .await
        .map_err(|e| js_message(&e))?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// Parse a report document, with a message people can act on (hostile
/// documents are refused here, see `attest_check::report::parse`).
pub(super) fn parse_report(text: &str) -> Result<Report, String> {
    attest_check::report::parse(text).map_err(|e| e.to_string())
}

/// The text of an element of this page, by id.
fn element_text(id: &str) -> Option<String> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .text_content()
}

/// The report embedded in this page when it is a one-file HTML report.
fn embedded_report() -> Option<String> {
    element_text("attest-report").map(|t| attest_check::bundle::json_from_script(&t))
}

fn name_of(url: &str) -> String {
    url.rsplit('/')
        .next()
        .unwrap_or(url)
        .split('?')
        .next()
        .unwrap_or(url)
        .to_string()
}

/// A file field that is also a drop zone: `#{id}` (the input),
/// `#{zone}-drop` (the zone) and `#{zone}-name` (the chosen file's name).
#[component]
fn FileField(
    /// The input's id.
    id: String,
    /// The prefix of the zone's and the name's ids.
    zone: String,
    /// What the field is for.
    title: String,
    /// The file types offered.
    accept: &'static str,
    /// The chosen file's name, if any.
    #[prop(into)]
    chosen: Signal<Option<String>>,
    /// Called with the file picked or dropped.
    on_file: Callback<File>,
) -> impl IntoView {
    let pick = move |ev: web_sys::Event| {
        if let Some(f) = picked_file(&ev) {
            on_file.run(f);
        }
    };
    let drop = move |ev: web_sys::DragEvent| {
        if let Some(f) = dropped_file(&ev) {
            on_file.run(f);
        }
    };
    let allow_drop = |ev: web_sys::DragEvent| ev.prevent_default();
    view! {
        <label class="file drop" id=format!("{zone}-drop") on:dragover=allow_drop on:drop=drop>
            <span>{title}</span>
            <input id=id.clone() type="file" accept=accept on:change=pick/>
            <small id=format!("{zone}-name")>{move || chosen.get().unwrap_or_else(|| "no file".into())}</small>
            <small class="muted">"choose or drop a file"</small>
        </label>
    }
}

#[component]
fn App() -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    let error = RwSignal::new(None::<String>);
    // The files of the next run, and the attest.toml it starts from.
    let files = RwSignal::new_local(Files::default());
    let config_file = RwSignal::new(None::<(String, String)>);
    let choices = RwSignal::new(None::<Choices>);
    let progress = RwSignal::new(RunProgress::default());
    // The sign-off key chosen in this tab, kept across reports shown.
    let sign_key = RwSignal::new(None::<(String, String)>);
    let sign_message = RwSignal::new(None::<Result<String, String>>);
    // The signatures of the report shown, as checked in the page.
    let verification = RwSignal::new(None::<Result<Verification, String>>);
    // A one-file HTML report: the report is in the page, there is no worker.
    let embedded = embedded_report();
    let standalone = embedded.is_some();
    // Reproducing the report shown: its files, and how it went.
    let repro_files = RwSignal::new_local(Files::default());
    let reproduction = RwSignal::new(None::<Repro>);
    let purpose = StoredValue::new(Purpose::Show);
    // The catalogue of a published folder (index.json beside the page).
    let catalogue = RwSignal::new(None::<Arc<attest_check::publish::Index>>);
    // The trusted-keys.json that came with the report shown, if any.
    let trusted_keys = StoredValue::new(None::<String>);

    let on_event = move |event: Event| match event {
        Event::Preview(Ok((preview, config_json))) => {
            if !matches!(phase.get_untracked(), Phase::Inspecting) {
                return;
            }
            let base = Config::from_json(&config_json).unwrap_or_default();
            choices.set(Some(Choices::from_preview(&preview, &base)));
            phase.set(Phase::Setup(Arc::new(preview)));
        }
        Event::Preview(Err(e)) => {
            error.set(Some(e));
            phase.set(Phase::Idle);
        }
        Event::Progress(p) => progress.set(p),
        Event::Done(outcome) => match purpose.get_value() {
            Purpose::Reproduce => {
                let outcome = outcome.and_then(|(rerun, _)| match phase.get_untracked() {
                    Phase::Done(original, _) => {
                        Ok(attest_check::reproduce::compare(&original, &rerun))
                    }
                    _ => Err("no report is open".into()),
                });
                reproduction.set(Some(match outcome {
                    Ok(r) => Repro::Done(Arc::new(r)),
                    Err(e) => Repro::Failed(e),
                }));
            }
            Purpose::Show => match outcome {
                Ok((report, stats)) => phase.set(Phase::Done(Arc::new(report), Some(stats))),
                Err(e) => {
                    error.set(Some(e));
                    phase.set(Phase::Idle);
                }
            },
        },
    };
    // A one-file report has no worker.
    let runner = (!standalone).then(|| Runner::new(on_event));

    // The configuration the files are planned with: a dropped attest.toml.
    let config_of_files = move || match config_file.get_untracked() {
        Some((_, text)) => RunConfig::Toml(text),
        None => RunConfig::Json(String::new()),
    };
    // Read the footers and show the setup step.
    let inspect = move || {
        let f = files.get_untracked();
        if !f.complete() {
            return;
        }
        let Some(runner) = runner else { return };
        error.set(None);
        choices.set(None);
        phase.set(Phase::Inspecting);
        runner.inspect(&f, &config_of_files());
    };
    // Run the checks on the files with `config`.
    let start = move |f: Files, config: RunConfig| {
        let Some(runner) = runner else { return };
        error.set(None);
        purpose.set_value(Purpose::Show);
        progress.set(RunProgress::default());
        phase.set(Phase::Running);
        runner.run(&f, &config, &now_rfc3339());
    };
    let run_chosen = move |_| {
        let f = files.get_untracked();
        if !f.complete() {
            error.set(Some("choose a reference and a current file first".into()));
            return;
        }
        let config = choices
            .get_untracked()
            .and_then(|ch| serde_json::to_string(&ch.to_config()).ok())
            .map(RunConfig::Json)
            .unwrap_or_else(config_of_files);
        start(f, config)
    };
    let cancel = move |_| {
        if let Some(r) = runner {
            r.cancel();
        }
        phase.set(Phase::Idle);
        error.set(Some("cancelled: the run was stopped".into()));
    };
    let choose = move |label: &'static str| {
        Callback::new(move |file: File| {
            files.update(|f| f.set(label, Some(Input::file(file))));
            inspect();
        })
    };
    // A model is not a dataset: choosing one needs no new plan.
    let choose_model = Callback::new(move |file: File| {
        files.update(|f| f.set("model", Some(Input::file(file))));
    });
    let choose_config = Callback::new(move |file: File| {
        let name = file.name();
        let blob: Blob = file.into();
        wasm_bindgen_futures::spawn_local(async move {
            match blob_text(&blob).await {
                Ok(text) => {
                    config_file.set(Some((name, text)));
                    inspect();
                }
                Err(e) => error.set(Some(format!("cannot read the configuration: {e}"))),
            }
        });
    });
    // Files on a web server: read by the worker with HTTP range requests.
    let run_urls = move |urls: Vec<(&'static str, String)>, config: Option<String>| {
        let mut f = Files::default();
        for (label, url) in urls {
            f.set(
                label,
                Some(Input::Url {
                    name: name_of(&url),
                    url: absolute(&url),
                }),
            );
        }
        files.set(f.clone());
        choices.set(None);
        match config {
            None => start(f, RunConfig::Json(String::new())),
            Some(url) => wasm_bindgen_futures::spawn_local(async move {
                let text = match fetch_blob(&url).await {
                    Ok(b) => blob_text(&b).await,
                    Err(e) => Err(e),
                };
                match text {
                    Ok(t) => {
                        config_file.set(Some((name_of(&url), t.clone())));
                        start(f, RunConfig::Toml(t));
                    }
                    Err(e) => error.set(Some(format!("cannot read the configuration: {e}"))),
                }
            }),
        }
    };
    // Show a report's text; its signatures are checked here, against
    // `trusted` (the text of a trusted-keys.json) when there is one.
    let show_report_text = move |text: Result<String, String>, trusted: Option<String>| match text
        .and_then(|t| parse_report(&t).map(|r| (t, r)))
    {
        Ok((text, report)) => {
            error.set(None);
            sign_message.set(None);
            trusted_keys.set_value(trusted.clone());
            // A new report: its reproduction starts afresh.
            reproduction.set(None);
            repro_files.set(Files::default());
            verification.set(
                (!report.signatures.is_empty())
                    .then(|| crate::share::verify_text(&text, trusted.as_deref().unwrap_or(""))),
            );
            phase.set(Phase::Done(Arc::new(report), None));
        }
        Err(e) => error.set(Some(e)),
    };
    // Run the open report's checks again on the files given for it.
    let reproduce = move || {
        let Phase::Done(original, _) = phase.get_untracked() else {
            return;
        };
        let f = repro_files.get_untracked();
        if original.inputs.iter().any(|i| f.get(&i.dataset).is_none()) {
            return;
        }
        let Some(runner) = runner else { return };
        let config = match crate::share::rerun_config(&original) {
            Ok(c) => c,
            Err(e) => {
                reproduction.set(Some(Repro::Failed(e)));
                return;
            }
        };
        // A file changed while a rerun was under way: that rerun is stale.
        if matches!(reproduction.get_untracked(), Some(Repro::Running)) {
            runner.cancel();
        }
        purpose.set_value(Purpose::Reproduce);
        progress.set(RunProgress::default());
        reproduction.set(Some(Repro::Running));
        runner.run(&f, &RunConfig::Json(config), &original.created_at);
    };
    let choose_repro = move |label: String| {
        Callback::new(move |file: File| {
            repro_files.update(|f| f.set(&label, Some(Input::file(file))));
            reproduce();
        })
    };
    let open_report = move |ev: web_sys::Event| {
        if let Some(file) = picked_file(&ev) {
            let blob: Blob = file.into();
            wasm_bindgen_futures::spawn_local(async move {
                show_report_text(blob_text(&blob).await, None);
            });
        }
    };
    let demo = move |_| {
        run_urls(
            vec![
                ("reference", "demo/reference.parquet".into()),
                ("current", "demo/current.parquet".into()),
            ],
            None,
        )
    };

    // A one-file HTML report shows its own report; otherwise
    // ?reference=URL&current=URL[&train=URL][&config=URL] or ?report=URL
    if let Some(text) = embedded {
        show_report_text(Ok(text), None);
    } else if let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) {
        if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
            if let Some(url) = params.get("report") {
                wasm_bindgen_futures::spawn_local(async move {
                    let text = match fetch_blob(&url).await {
                        Ok(b) => blob_text(&b).await,
                        Err(e) => Err(e),
                    };
                    // A trusted-keys.json beside the report counts (static hosting).
                    let keys_url =
                        web_sys::Url::new_with_base("trusted-keys.json", &absolute(&url))
                            .map(|u| u.href())
                            .ok();
                    let trusted = match keys_url {
                        Some(k) => match fetch_blob(&k).await {
                            Ok(b) => blob_text(&b).await.ok(),
                            Err(_) => None,
                        },
                        None => None,
                    };
                    show_report_text(text, trusted);
                });
            } else if let (Some(r), Some(c)) = (params.get("reference"), params.get("current")) {
                let mut urls = vec![("reference", r), ("current", c)];
                if let Some(t) = params.get("train") {
                    urls.push(("train", t));
                }
                run_urls(urls, params.get("config"));
            } else if web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector(r#"meta[name="attest-inventory"]"#)
                        .ok()
                        .flatten()
                })
                .is_some()
            {
                // A published folder (attest publish marks its page) has an
                // index.json beside the page: show it as the model inventory.
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(blob) = fetch_blob("index.json").await else {
                        return;
                    };
                    match blob_text(&blob).await.and_then(|t| {
                        attest_check::publish::parse_index(&t).map_err(|e| e.to_string())
                    }) {
                        Ok(index) => catalogue.set(Some(Arc::new(index))),
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        }
    }

    let chosen = move |label: &'static str| {
        Signal::derive(move || files.with(|f| f.get(label).map(|i| i.name().to_string())))
    };
    let config_name =
        Signal::derive(move || config_file.with(|c| c.as_ref().map(|(n, _)| n.clone())));

    view! {
        <header class="top">
            <h1>"Attest"</h1>
            <p class="tag">"Model-validation checks in your browser. Nothing is uploaded."</p>
        </header>
        <main id="main">
        {(!standalone).then(|| view! {
        <section class="inputs" aria-label="Data">
            {DATASETS.iter().map(|(label, title)| view! {
                <FileField id=format!("{label}-file") zone=label.to_string() title=title.to_string() accept=".parquet,.csv"
                    chosen=chosen(label) on_file=choose(label)/>
            }).collect_view()}
            <FileField id="config-file".to_string() zone="config".to_string() title="Configuration (attest.toml, optional)".to_string()
                accept=".toml,text/plain" chosen=config_name on_file=choose_config/>
            <FileField id="model-file".to_string() zone="model".to_string() title="Model (ONNX, optional)".to_string()
                accept=".onnx" chosen=chosen("model") on_file=choose_model/>
            <div class="actions">
                <button id="run" on:click=run_chosen>"Run checks"</button>
                <button id="demo" class="secondary" on:click=demo>"Try the demo"</button>
                <label class="file small">
                    <span>"Open a report (JSON)"</span>
                    <input id="report-file" type="file" accept=".json,application/json" on:change=open_report/>
                </label>
            </div>
        </section>
        })}
        {move || error.get().map(|e| view! { <p id="error" class="error" role="alert">{e}</p> })}
        {move || match phase.get() {
            Phase::Idle if standalone => ().into_any(),
            Phase::Idle if catalogue.with(Option::is_some) => view! {
                {move || catalogue.get().map(|index| view! { <inventory::Inventory index=index/> })}
            }.into_any(),
            Phase::Idle => view! { <p class="hint">"Choose a reference and a current file (and, to check over- and under-fitting and leakage, the train file), or try the demo."</p> }.into_any(),
            Phase::Inspecting => view! { <p class="hint" id="inspecting">"Reading the files' schemas…"</p> }.into_any(),
            Phase::Setup(preview) => view! {
                <setup::SetupView preview=(*preview).clone() choices=choices/>
                // The table can be long: the same button again below it.
                <p class="actions"><button id="run-below" on:click=run_chosen>"Run checks"</button></p>
            }.into_any(),
            Phase::Running => view! {
                <section id="running" class="running">
                    <progress id="progress" max="1000" value=move || progress.with(|p| (p.fraction() * 1000.0).round())></progress>
                    <button id="cancel" class="secondary" on:click=cancel>"Cancel"</button>
                    <p id="progress-columns"
                        data-done=move || progress.with(|p| p.columns_done.to_string())
                        data-total=move || progress.with(|p| p.columns_total.to_string())>
                        {move || progress.with(|p| progress_lines(p).0)}
                    </p>
                    {move || progress.with(|p| progress_lines(p).1).into_iter().map(|(label, line)| view! {
                        <p id=format!("progress-{label}")><strong>{label.clone()}</strong>": "{line}</p>
                    }).collect_view()}
                </section>
            }.into_any(),
            Phase::Done(report, stats) => view! {
                {stats.map(|s| view! {
                    <p id="run-stats" class="meta" data-run-ms=s.millis.to_string() data-wasm-memory=s.wasm_memory_bytes.to_string() data-aux-wasm-memory=s.aux_memory_bytes.to_string() data-marks=s.marks.clone()>
                        {format!("Checked in {:.2} s in this browser; its workers used {:.0} MB (the one that finished the run) + {:.0} MB (the others).", s.millis / 1000.0, s.wasm_memory_bytes as f64 / 1048576.0, s.aux_memory_bytes as f64 / 1048576.0)}
                    </p>
                })}
                <report::ReportView report=report.clone() verification=verification/>
                <sign::SignPanel report=report.clone() key=sign_key message=sign_message on_signed=Callback::new(move |signed: String| {
                    show_report_text(Ok(signed), trusted_keys.get_value())
                })/>
                {(!standalone).then(|| {
                    let labels: Vec<String> = report.inputs.iter().map(|i| i.dataset.clone()).collect();
                    let count = labels.len();
                    view! {
                    <section id="reproduce" class="reproduce">
                        <h2>"Reproduce"</h2>
                        <p class="meta">{format!("Give this report's {count} files: the checks run again in this browser with the report's configuration, and every value is compared with the report.")}</p>
                        <div class="inputs">
                            {labels.into_iter().map(|label| {
                                let l = label.clone();
                                let name = Signal::derive(move || repro_files.with(|f| f.get(&l).map(|i| i.name().to_string())));
                                let title = DATASETS.iter().find(|(d, _)| *d == label).map_or(label.clone(), |(_, t)| t.trim_end_matches(" (optional)").to_string());
                                view! {
                                    <FileField id=format!("reproduce-{label}") zone=format!("reproduce-{label}") title=title accept=".parquet,.csv"
                                        chosen=name on_file=choose_repro(label.clone())/>
                                }
                            }).collect_view()}
                        </div>
                        {move || reproduction.get().map(|r| {
                            let names: Vec<(String, String)> = repro_files.with(|f| {
                                ["reference", "current", "train"].iter()
                                    .filter_map(|l| f.get(l).map(|i| (l.to_string(), i.name().to_string())))
                                    .collect()
                            });
                            let name = |l: &str| names.iter().find(|(x, _)| x == l).map(|(_, n)| n.clone()).unwrap_or_default();
                            view! { <div id="reproduction-of" data-reference=name("reference") data-current=name("current") data-train=name("train")>{match r {
                            Repro::Running => view! {
                                <p id="reproduction" class="meta" data-state="running">
                                    {move || progress.with(|p| format!("Running the checks again… {:.0} %", p.fraction() * 100.0))}
                                </p>
                            }.into_any(),
                            Repro::Failed(e) => view! {
                                <p id="reproduction" class="error" data-state="error">{format!("cannot reproduce: {e}")}</p>
                            }.into_any(),
                            Repro::Done(r) => view! {
                                <div id="reproduction" data-state=if r.identical { "identical" } else { "different" }>
                                    <p class=if r.identical { "badge pass" } else { "badge fail" }>
                                        {if r.identical { "reproduced: identical".to_string() } else {
                                            format!("not reproduced: {} value{} differ{}", r.differences.len(),
                                                if r.differences.len() == 1 { "" } else { "s" },
                                                if r.differences.len() == 1 { "s" } else { "" })
                                        }}
                                    </p>
                                    {r.tool_versions.clone().map(|(was, now)| view! {
                                        <p class="meta">{format!("The report was made by attest {was}; this page is attest {now}.")}</p>
                                    })}
                                    <ul class="differences">
                                        {r.differences.iter().map(|d| {
                                            let show = |v: &Option<serde_json::Value>| v.as_ref().map_or("(absent)".to_string(), |v| v.to_string());
                                            view! {
                                                <li data-path=d.path.clone()>
                                                    <code>{d.path.clone()}</code>
                                                    {format!(": report {} · rerun {}", show(&d.expected), show(&d.actual))}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }.into_any(),
                        }}</div> }
                        })}
                    </section>
                }})}
            }.into_any(),
        }}
        </main>
        <charts::ChartTip/>
    }
}
