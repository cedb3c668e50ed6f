//! The Leptos app (client-side only). `mount` starts it; the views are in
//! `report.rs` and `charts.rs`; this file holds the page state and getting
//! data in (file pickers, the demo, `?reference=`/`?current=`/`?report=`).

mod charts;
mod report;

use std::sync::Arc;

use attest_check::Report;
use leptos::mount::mount_to_body;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement, MessageEvent, Worker};

use crate::protocol::FromWorker;

/// Start the app.
pub fn mount() {
    console_error_panic_hook::set_once();
    mount_to_body(App);
}

/// Where the page is.
#[derive(Clone)]
enum Phase {
    Idle,
    Running {
        done: usize,
        total: usize,
        column: String,
    },
    Done(Arc<Report>, Option<RunStats>),
}

/// How a live run went (not part of the report).
#[derive(Clone, Copy)]
struct RunStats {
    millis: f64,
    wasm_memory_bytes: u64,
}

/// A dataset chosen by the user: the Blob and its display name.
#[derive(Clone)]
struct Input {
    blob: Blob,
    name: String,
}

fn now_rfc3339() -> String {
    let secs = (js_sys::Date::now() / 1000.0).floor() as i64;
    attest_check::report::rfc3339_utc(secs)
}

fn js_message(e: &JsValue) -> String {
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

async fn blob_text(blob: &Blob) -> Result<String, String> {
    let text = JsFuture::from(blob.text())
        .await
        .map_err(|e| js_message(&e))?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// Parse a report document, with a message people can act on.
fn parse_report(text: &str) -> Result<Report, String> {
    let report: Report =
        serde_json::from_str(text).map_err(|e| format!("this is not an Attest report: {e}"))?;
    if report.format != attest_check::report::FORMAT {
        return Err(format!("unknown format {:?}", report.format));
    }
    Ok(report)
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

#[component]
fn App() -> impl IntoView {
    let phase = RwSignal::new(Phase::Idle);
    let error = RwSignal::new(None::<String>);
    let reference = RwSignal::new_local(None::<Input>);
    let current = RwSignal::new_local(None::<Input>);
    let worker = StoredValue::new_local(None::<Worker>);

    let stop_worker = move || {
        if let Some(w) = worker.get_value() {
            w.terminate();
        }
        worker.set_value(None);
    };

    // Run the checks in a fresh worker; the job is sent once it is ready.
    let start = move |r: Input, c: Input| {
        stop_worker();
        error.set(None);
        let job = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(&job, &JsValue::from_str(k), v);
        };
        set("kind", &"run".into());
        set("reference", &r.blob);
        set("reference_name", &r.name.clone().into());
        set("current", &c.blob);
        set("current_name", &c.name.clone().into());
        set("config", &"".into());
        set("created_at", &now_rfc3339().into());
        let w = match Worker::new("./worker_loader.js") {
            Ok(w) => w,
            Err(e) => {
                error.set(Some(format!("cannot start the worker: {}", js_message(&e))));
                return;
            }
        };
        phase.set(Phase::Running {
            done: 0,
            total: 0,
            column: String::new(),
        });
        let sender = w.clone();
        let started = js_sys::Date::now();
        let mut pending = Some(job);
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |msg: MessageEvent| {
            let text = msg.data().as_string().unwrap_or_default();
            match FromWorker::from_json(&text) {
                Ok(FromWorker::Ready) => {
                    if let Some(job) = pending.take() {
                        let _ = sender.post_message(&job);
                    }
                }
                Ok(FromWorker::Progress {
                    done,
                    total,
                    column,
                }) => phase.set(Phase::Running {
                    done,
                    total,
                    column,
                }),
                Ok(FromWorker::Report {
                    json,
                    wasm_memory_bytes,
                }) => match parse_report(&json) {
                    Ok(report) => {
                        let stats = RunStats {
                            millis: js_sys::Date::now() - started,
                            wasm_memory_bytes,
                        };
                        phase.set(Phase::Done(Arc::new(report), Some(stats)))
                    }
                    Err(e) => {
                        error.set(Some(e));
                        phase.set(Phase::Idle);
                    }
                },
                Ok(FromWorker::Error { message }) => {
                    error.set(Some(message));
                    phase.set(Phase::Idle);
                }
                Err(e) => error.set(Some(e)),
            }
        });
        w.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            error.set(Some(
                "the worker stopped with an error (see the browser console)".into(),
            ));
            phase.set(Phase::Idle);
        });
        w.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        worker.set_value(Some(w));
    };

    let run_chosen = move |_| match (reference.get_untracked(), current.get_untracked()) {
        (Some(r), Some(c)) => start(r, c),
        _ => error.set(Some("choose a reference and a current file first".into())),
    };
    let cancel = move |_| {
        stop_worker();
        phase.set(Phase::Idle);
        error.set(Some("cancelled".into()));
    };
    let pick = move |target: RwSignal<Option<Input>, LocalStorage>| {
        move |ev: web_sys::Event| {
            let input: HtmlInputElement = event_target(&ev);
            let file: Option<File> = input.files().and_then(|f| f.get(0));
            target.set(file.map(|f| Input {
                name: f.name(),
                blob: f.into(),
            }));
        }
    };
    let load_urls = move |r_url: String, c_url: String| {
        wasm_bindgen_futures::spawn_local(async move {
            match (fetch_blob(&r_url).await, fetch_blob(&c_url).await) {
                (Ok(r), Ok(c)) => start(
                    Input {
                        blob: r,
                        name: name_of(&r_url),
                    },
                    Input {
                        blob: c,
                        name: name_of(&c_url),
                    },
                ),
                (Err(e), _) | (_, Err(e)) => error.set(Some(e)),
            }
        });
    };
    let show_report_text =
        move |text: Result<String, String>| match text.and_then(|t| parse_report(&t)) {
            Ok(report) => {
                error.set(None);
                phase.set(Phase::Done(Arc::new(report), None));
            }
            Err(e) => error.set(Some(e)),
        };
    let open_report = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            let blob: Blob = file.into();
            wasm_bindgen_futures::spawn_local(async move {
                show_report_text(blob_text(&blob).await);
            });
        }
    };
    let demo = move |_| {
        load_urls(
            "demo/reference.parquet".into(),
            "demo/current.parquet".into(),
        )
    };

    // ?reference=URL&current=URL or ?report=URL
    if let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) {
        if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
            if let Some(url) = params.get("report") {
                wasm_bindgen_futures::spawn_local(async move {
                    let text = match fetch_blob(&url).await {
                        Ok(b) => blob_text(&b).await,
                        Err(e) => Err(e),
                    };
                    show_report_text(text);
                });
            } else if let (Some(r), Some(c)) = (params.get("reference"), params.get("current")) {
                load_urls(r, c);
            }
        }
    }

    let chosen = move |s: RwSignal<Option<Input>, LocalStorage>| {
        move || {
            s.with(|i| {
                i.as_ref()
                    .map(|i| i.name.clone())
                    .unwrap_or_else(|| "no file".into())
            })
        }
    };

    view! {
        <header class="top">
            <h1>"Attest"</h1>
            <p class="tag">"Model-validation checks in your browser. Nothing is uploaded."</p>
        </header>
        <section class="inputs" aria-label="Data">
            <label class="file">
                <span>"Reference"</span>
                <input id="reference-file" type="file" accept=".parquet,.csv" on:change=pick(reference)/>
                <small id="reference-name">{chosen(reference)}</small>
            </label>
            <label class="file">
                <span>"Current"</span>
                <input id="current-file" type="file" accept=".parquet,.csv" on:change=pick(current)/>
                <small id="current-name">{chosen(current)}</small>
            </label>
            <div class="actions">
                <button id="run" on:click=run_chosen>"Run checks"</button>
                <button id="demo" class="secondary" on:click=demo>"Try the demo"</button>
                <label class="file small">
                    <span>"Open a report (JSON)"</span>
                    <input id="report-file" type="file" accept=".json,application/json" on:change=open_report/>
                </label>
            </div>
        </section>
        {move || error.get().map(|e| view! { <p id="error" class="error" role="alert">{e}</p> })}
        {move || match phase.get() {
            Phase::Idle => view! { <p class="hint">"Choose two files, or try the demo."</p> }.into_any(),
            Phase::Running { done, total, column } => view! {
                <section id="running" class="running">
                    <progress id="progress" max=total.max(1) value=done></progress>
                    <span>{format!("profiling columns: {done} of {total} {column}")}</span>
                    <button id="cancel" class="secondary" on:click=cancel>"Cancel"</button>
                </section>
            }.into_any(),
            Phase::Done(report, stats) => view! {
                {stats.map(|s| view! {
                    <p id="run-stats" class="meta" data-run-ms=s.millis.to_string() data-wasm-memory=s.wasm_memory_bytes.to_string()>
                        {format!("Checked in {:.2} s in this browser; the worker used {:.0} MB.", s.millis / 1000.0, s.wasm_memory_bytes as f64 / 1048576.0)}
                    </p>
                })}
                <report::ReportView report=report/>
            }.into_any(),
        }}
    }
}
