//! The Leptos app (client-side only). `mount` starts it; the views are in
//! `setup.rs` (before the run), `report.rs` and `charts.rs`; this file holds
//! the page state, the worker, and getting data in (file pickers, the demo,
//! `?reference=`/`?current=`/`?report=`).

mod charts;
mod inventory;
mod report;
mod setup;
mod sign;

use std::sync::Arc;

use attest_check::plan::Preview;
use attest_check::reproduce::Reproduction;
use attest_check::sign::Verification;
use attest_check::Report;
use leptos::mount::mount_to_body;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement, MessageEvent, Worker};

use crate::protocol::{FromWorker, RunProgress};
use crate::setup::Choices;
use crate::view_model::progress_lines;

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
    /// Showing both schemas; the choices are in their own signal.
    Setup(Arc<Preview>),
    /// A run is under way; its progress is in its own signal.
    Running,
    Done(Arc<Report>, Option<RunStats>),
}

/// How a live run went (not part of the report).
#[derive(Clone)]
struct RunStats {
    millis: f64,
    wasm_memory_bytes: u64,
    /// The second worker's (it profiled a third of the columns and hashed).
    aux_memory_bytes: u64,
    /// When each part of the run reached the page, in ms after the start:
    /// "main=…;aux=…;digests=…;report=…" (for the benchmark).
    marks: String,
}

/// The base64 part of a [`FromWorker::Columns`] message, sliced out of the
/// JS string (see [`crate::protocol::COLUMNS_PREFIX`]).
fn columns_part(data: &JsValue) -> Option<JsValue> {
    let text = data.dyn_ref::<js_sys::JsString>()?;
    let prefix = crate::protocol::COLUMNS_PREFIX;
    let end = text.length().checked_sub(2)?;
    let start = prefix.len() as u32;
    (text.starts_with(prefix, 0) && text.ends_with("\"}", text.length() as i32) && start <= end)
        .then(|| text.slice(start, end).into())
}

/// A dataset chosen by the user: a file (Blob) or a URL, and its display name.
#[derive(Clone)]
enum Input {
    File { blob: Blob, name: String },
    Url { url: String, name: String },
}

impl Input {
    fn name(&self) -> &str {
        match self {
            Input::File { name, .. } | Input::Url { name, .. } => name,
        }
    }
    /// A file the user chose or dropped.
    fn file(f: File) -> Self {
        Input::File {
            name: f.name(),
            blob: f.into(),
        }
    }
    /// Put this input in a job under `label` (see `protocol`).
    fn add_to(&self, job: &js_sys::Object, label: &str) {
        let set = |k: &str, v: &JsValue| {
            let _ = js_sys::Reflect::set(job, &JsValue::from_str(k), v);
        };
        set(&format!("{label}_name"), &self.name().into());
        match self {
            Input::File { blob, .. } => set(label, blob),
            Input::Url { url, .. } => set(&format!("{label}_url"), &url.as_str().into()),
        }
    }
}

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

/// The viewer's own files, to write a one-file HTML report: from this page's
/// elements when it is one, else fetched from beside the page (Trunk's
/// `app.js`, `app_bg.wasm`, `main.css`).
async fn this_viewer() -> Result<attest_check::bundle::Viewer, String> {
    if let (Some(script), Some(wasm), Some(css)) = (
        element_text("attest-viewer"),
        element_text("attest-viewer-wasm"),
        element_text("attest-css"),
    ) {
        return crate::share::viewer_from_page(&script, &wasm, &css);
    }
    let js = blob_text(&fetch_blob("app.js").await?).await?;
    let wasm = fetch_blob("app_bg.wasm").await?;
    let wasm = JsFuture::from(wasm.array_buffer())
        .await
        .map_err(|e| js_message(&e))?;
    let wasm = js_sys::Uint8Array::new(&wasm).to_vec();
    let css = blob_text(&fetch_blob("main.css").await?).await?;
    attest_check::bundle::Viewer::from_files(js, &wasm, css).map_err(|e| e.to_string())
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
fn parse_report(text: &str) -> Result<Report, String> {
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
    element_text("attest-report")
}

/// A Web Worker of the page, started on its first job: its handle, whether
/// it has loaded, and the jobs waiting for it to load (in order).
#[derive(Clone, Copy)]
struct Slot {
    worker: StoredValue<Option<Worker>, LocalStorage>,
    ready: StoredValue<bool>,
    pending: StoredValue<Vec<js_sys::Object>, LocalStorage>,
}

impl Slot {
    fn new() -> Self {
        Slot {
            worker: StoredValue::new_local(None),
            ready: StoredValue::new(false),
            pending: StoredValue::new_local(Vec::new()),
        }
    }

    /// Terminate the worker (a new one starts with the next job).
    fn stop(&self) {
        if let Some(w) = self.worker.get_value() {
            w.terminate();
        }
        self.worker.set_value(None);
        self.ready.set_value(false);
        self.pending.set_value(Vec::new());
    }

    /// Send `job`, starting the worker if there is none; its messages go to
    /// `on_message`, a crash to `on_error`.
    fn send(
        self,
        job: js_sys::Object,
        on_message: impl Fn(FromWorker) + 'static,
        on_part: impl Fn(JsValue) + 'static,
        on_error: impl Fn(String) + Copy + 'static,
    ) -> Result<(), String> {
        if let (Some(w), true) = (self.worker.get_value(), self.ready.get_value()) {
            let _ = w.post_message(&job);
            return Ok(());
        }
        self.pending.update_value(|p| p.push(job));
        self.start(on_message, on_part, on_error)
    }

    /// Start the worker if there is none (loading its WebAssembly takes a
    /// moment: the page starts its workers before they are needed).
    fn start(
        self,
        on_message: impl Fn(FromWorker) + 'static,
        on_part: impl Fn(JsValue) + 'static,
        on_error: impl Fn(String) + Copy + 'static,
    ) -> Result<(), String> {
        if self.worker.get_value().is_some() {
            return Ok(());
        }
        let w = Worker::new("./worker_loader.js")
            .map_err(|e| format!("cannot start the worker: {}", js_message(&e)))?;
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |msg: MessageEvent| {
            let data = msg.data();
            // A columns part (megabytes of base64) stays a JS string.
            if let Some(part) = columns_part(&data) {
                on_part(part);
                return;
            }
            let text = data.as_string().unwrap_or_default();
            match FromWorker::from_json(&text) {
                Ok(FromWorker::Ready) => {
                    self.ready.set_value(true);
                    if let Some(w) = self.worker.get_value() {
                        for job in self.pending.get_value() {
                            let _ = w.post_message(&job);
                        }
                        self.pending.set_value(Vec::new());
                    }
                }
                Ok(m) => on_message(m),
                Err(e) => on_error(e),
            }
        });
        w.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            on_error("the worker stopped with an error (see the browser console)".into());
        });
        w.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        self.worker.set_value(Some(w));
        Ok(())
    }
}

/// A reproduction of the report shown: files being chosen, running, or its
/// outcome.
#[derive(Clone)]
enum Repro {
    Running,
    Done(Arc<Reproduction>),
    Failed(String),
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
    let choices = RwSignal::new(None::<Choices>);
    // The worker that reads and checks, and a second one that hashes the
    // files at the same time (the two cores of a laptop).
    let main_slot = Slot::new();
    let hash_slot = Slot::new();
    // A run's two halves, as they arrive: the report without digests (and
    // the worker's memory), and the digests.
    let run_report = StoredValue::new(None::<(String, u64)>);
    let run_digests = StoredValue::new(None::<(Vec<(String, String)>, u64)>);
    // The columns are split between the workers (`columns` jobs); then the
    // main one finishes the run with both parts (`run_job` plus `parts`).
    let run_job = StoredValue::new_local(None::<js_sys::Object>);
    let parts = StoredValue::new_local((None::<JsValue>, None::<JsValue>));
    // What each worker is doing, for the progress shown: the main one
    // finishing, the other hashing (after its columns).
    let finishing = StoredValue::new(false);
    let aux_hashing = StoredValue::new(false);
    let progress_parts = StoredValue::new(<[RunProgress; 3]>::default());
    let started = StoredValue::new(0.0f64);
    // The sign-off key chosen in this tab, kept across reports shown.
    let sign_key = RwSignal::new(None::<(String, String)>);
    // Milliseconds after the start at which the run's parts arrived.
    let marks = StoredValue::new(Vec::<(&'static str, f64)>::new());
    let mark = move |what: &'static str| {
        let at = js_sys::Date::now() - started.get_value();
        marks.update_value(|m| m.push((what, at)));
    };
    let progress = RwSignal::new(RunProgress::default());
    // The signatures of the report shown, as checked in the page.
    let verification = RwSignal::new(None::<Result<Verification, String>>);
    // A one-file HTML report: the report is in the page, there is no worker.
    let embedded = embedded_report();
    let standalone = embedded.is_some();
    // Reproducing the report shown: the files, and how it went.
    let repro_reference = RwSignal::new_local(None::<Input>);
    let repro_current = RwSignal::new_local(None::<Input>);
    let reproduction = RwSignal::new(None::<Repro>);
    // The names of the files of the reproduction shown.
    let repro_files = RwSignal::new((String::new(), String::new()));
    // The catalogue of a published folder (index.json beside the page).
    let catalogue = RwSignal::new(None::<Arc<attest_check::publish::Index>>);

    let stop_worker = move || {
        main_slot.stop();
        hash_slot.stop();
        run_report.set_value(None);
        run_digests.set_value(None);
        run_job.set_value(None);
        parts.set_value((None, None));
    };
    // Progress from one of the three streams (0: the main worker's columns,
    // 1: the other's columns, 2: its hashing), shown as one.
    let show_progress = move |stream: usize, p: RunProgress| {
        progress_parts.update_value(|ps| ps[stream] = p);
        let [main, aux, hashing] = progress_parts.get_value();
        progress.set(main.plus_columns_of(&aux).with_hashing_of(&hashing));
    };

    // A run's report and digests are both in: finish it (a reproduction's
    // rerun is compared, not shown).
    let finish_run = move || {
        let (Some((json, wasm_memory_bytes)), Some((digests, aux_memory_bytes))) =
            (run_report.get_value(), run_digests.get_value())
        else {
            return;
        };
        run_report.set_value(None);
        run_digests.set_value(None);
        let report = parse_report(&json).map(|mut report| {
            let pairs: Vec<(&str, &str)> = digests
                .iter()
                .map(|(l, d)| (l.as_str(), d.as_str()))
                .collect();
            report.set_digests(&pairs);
            report
        });
        if matches!(reproduction.get_untracked(), Some(Repro::Running)) {
            let outcome = report.and_then(|rerun| match phase.get_untracked() {
                Phase::Done(original, _) => Ok(attest_check::reproduce::compare(&original, &rerun)),
                _ => Err("no report is open".into()),
            });
            reproduction.set(Some(match outcome {
                Ok(r) => Repro::Done(Arc::new(r)),
                Err(e) => Repro::Failed(e),
            }));
            return;
        }
        match report {
            Ok(report) => {
                let stats = RunStats {
                    millis: js_sys::Date::now() - started.get_value(),
                    wasm_memory_bytes,
                    aux_memory_bytes,
                    marks: marks
                        .get_value()
                        .iter()
                        .map(|(what, at)| format!("{what}={at:.0}"))
                        .collect::<Vec<_>>()
                        .join(";"),
                };
                phase.set(Phase::Done(Arc::new(report), Some(stats)))
            }
            Err(e) => {
                error.set(Some(e));
                phase.set(Phase::Idle);
            }
        }
    };
    let fail_run = move |message: String| {
        stop_worker();
        if matches!(reproduction.get_untracked(), Some(Repro::Running)) {
            reproduction.set(Some(Repro::Failed(message)));
        } else {
            error.set(Some(message));
            phase.set(Phase::Idle);
        }
    };

    // Both halves of the columns are in: the main worker finishes the run
    // with its own part (kept there: `part` is empty) and the other's.
    let finish_columns = move || {
        let (Some(a), Some(b)) = parts.get_value() else {
            return;
        };
        parts.set_value((None, None));
        // Taken: the parts are large, and posting copies them.
        let Some(job) = run_job.get_value() else {
            return;
        };
        run_job.set_value(None);
        let empty = |p: &JsValue| {
            p.dyn_ref::<js_sys::JsString>()
                .is_some_and(|s| s.length() == 0)
        };
        let list = js_sys::Array::new();
        for p in [&a, &b].into_iter().filter(|p| !empty(p)) {
            list.push(p);
        }
        let _ = js_sys::Reflect::set(&job, &"parts".into(), &list);
        let _ = js_sys::Reflect::set(&job, &"kept".into(), &empty(&a).into());
        finishing.set_value(true);
        if let (Some(w), true) = (main_slot.worker.get_value(), main_slot.ready.get_value()) {
            let _ = w.post_message(&job);
        }
    };

    let on_message = move |msg: FromWorker| match msg {
        FromWorker::Ready | FromWorker::Digests { .. } => {}
        // A preview that arrives after a run started is stale.
        FromWorker::Preview { .. } if !matches!(phase.get_untracked(), Phase::Inspecting) => {}
        FromWorker::Preview { json } => match serde_json::from_str::<Preview>(&json) {
            Ok(preview) => {
                choices.set(Some(Choices::from_preview(
                    &preview,
                    &attest_check::Config::default(),
                )));
                phase.set(Phase::Setup(Arc::new(preview)));
            }
            Err(e) => {
                error.set(Some(format!("bad preview from the worker: {e}")));
                phase.set(Phase::Idle);
            }
        },
        // Columns and rows (not while finishing: its columns are given).
        FromWorker::Progress(p) => {
            if !finishing.get_value() {
                show_progress(0, p)
            }
        }
        // (parts come to `on_part`)
        FromWorker::Columns { .. } => {}
        FromWorker::Report {
            json,
            wasm_memory_bytes,
        } => {
            mark("report");
            run_report.set_value(Some((json, wasm_memory_bytes)));
            finish_run();
        }
        FromWorker::Error { message } => fail_run(message),
    };
    let on_hash_message = move |msg: FromWorker| match msg {
        FromWorker::Progress(p) => show_progress(if aux_hashing.get_value() { 2 } else { 1 }, p),
        FromWorker::Digests {
            digests,
            wasm_memory_bytes,
        } => {
            mark("digests");
            run_digests.set_value(Some((digests, wasm_memory_bytes)));
            finish_run();
        }
        FromWorker::Error { message } => fail_run(message),
        _ => {}
    };

    // A columns part from the main worker (empty: it kept it) or the other.
    let on_part = move |part: JsValue| {
        mark("main");
        parts.update_value(|p| p.0 = Some(part));
        finish_columns();
    };
    let on_hash_part = move |part: JsValue| {
        mark("aux");
        parts.update_value(|p| p.1 = Some(part));
        aux_hashing.set_value(true);
        finish_columns();
    };

    // Send a job to a worker, starting it if there is none.
    let send_to = move |slot: Slot, job: js_sys::Object, hasher: bool| {
        let dispatch = move |m: FromWorker| {
            if hasher {
                on_hash_message(m)
            } else {
                on_message(m)
            }
        };
        let dispatch_part = move |p: JsValue| {
            if hasher {
                on_hash_part(p)
            } else {
                on_part(p)
            }
        };
        if let Err(e) = slot.send(job, dispatch, dispatch_part, fail_run) {
            error.set(Some(e));
        }
    };
    let send = move |job: js_sys::Object| {
        error.set(None);
        send_to(main_slot, job, false);
    };
    // Start both workers now, while the user picks files (not in a one-file
    // report, which has no worker).
    if !standalone {
        let _ = main_slot.start(on_message, on_part, fail_run);
        let _ = hash_slot.start(on_hash_message, on_hash_part, fail_run);
    }
    // A run on two workers: two thirds of the columns in the main one, a
    // third in the other, which then hashes the files; the main one then
    // finishes the run with both parts (`finish_columns`).
    let send_run = move |r: &Input, c: &Input, config: String, created_at: String| {
        error.set(None);
        run_report.set_value(None);
        run_digests.set_value(None);
        parts.set_value((None, None));
        finishing.set_value(false);
        aux_hashing.set_value(false);
        progress_parts.set_value(Default::default());
        progress.set(RunProgress::default());
        let make = |kind: &str| {
            let j = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&j, &"kind".into(), &kind.into());
            r.add_to(&j, "reference");
            c.add_to(&j, "current");
            let _ = js_sys::Reflect::set(&j, &"config".into(), &config.as_str().into());
            let _ = js_sys::Reflect::set(&j, &"created_at".into(), &created_at.as_str().into());
            let _ = js_sys::Reflect::set(&j, &"modulus".into(), &3.into());
            j
        };
        let run = make("run");
        let _ = js_sys::Reflect::set(&run, &"hash".into(), &false.into());
        run_job.set_value(Some(run));
        let mine = make("columns");
        let _ = js_sys::Reflect::set(&mine, &"remainders".into(), &"0,2".into());
        let _ = js_sys::Reflect::set(&mine, &"keep".into(), &true.into());
        let theirs = make("columns");
        let _ = js_sys::Reflect::set(&theirs, &"remainders".into(), &"1".into());
        send_to(main_slot, mine, false);
        send_to(hash_slot, theirs, true);
        send_to(hash_slot, make("hash"), true);
    };

    let job = |kind: &str, r: &Input, c: &Input| {
        let job = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&job, &"kind".into(), &kind.into());
        r.add_to(&job, "reference");
        c.add_to(&job, "current");
        job
    };

    // Read both footers and show the setup step.
    let inspect = move |r: Input, c: Input| {
        choices.set(None);
        phase.set(Phase::Inspecting);
        send(job("inspect", &r, &c));
    };

    // Run the checks with `config` (JSON; "" for the defaults).
    let start = move |r: Input, c: Input, config: String| {
        started.set_value(js_sys::Date::now());
        marks.set_value(Vec::new());
        phase.set(Phase::Running);
        send_run(&r, &c, config, now_rfc3339());
    };

    let run_chosen = move |_| match (reference.get_untracked(), current.get_untracked()) {
        (Some(r), Some(c)) => {
            let config = choices
                .get_untracked()
                .and_then(|ch| serde_json::to_string(&ch.to_config()).ok())
                .unwrap_or_default();
            start(r, c, config)
        }
        _ => error.set(Some("choose a reference and a current file first".into())),
    };
    let cancel = move |_| {
        stop_worker();
        phase.set(Phase::Idle);
        error.set(Some("cancelled: the run was stopped".into()));
    };
    let choose = move |target: RwSignal<Option<Input>, LocalStorage>, file: Option<File>| {
        target.set(file.map(Input::file));
        if let (Some(r), Some(c)) = (reference.get_untracked(), current.get_untracked()) {
            inspect(r, c);
        }
    };
    let pick = move |target: RwSignal<Option<Input>, LocalStorage>| {
        move |ev: web_sys::Event| choose(target, picked_file(&ev))
    };
    // Each file field is also a drop zone.
    let drop_on = move |target: RwSignal<Option<Input>, LocalStorage>| {
        move |ev: web_sys::DragEvent| {
            if let Some(file) = dropped_file(&ev) {
                choose(target, Some(file));
            }
        }
    };
    let allow_drop = |ev: web_sys::DragEvent| ev.prevent_default();
    // Files on a web server: read by the worker with HTTP range requests.
    let run_urls = move |r_url: String, c_url: String| {
        let r = Input::Url {
            name: name_of(&r_url),
            url: absolute(&r_url),
        };
        let c = Input::Url {
            name: name_of(&c_url),
            url: absolute(&c_url),
        };
        reference.set(Some(r.clone()));
        current.set(Some(c.clone()));
        choices.set(None);
        start(r, c, String::new());
    };
    // The trusted-keys.json that came with the report shown, if any.
    let trusted_keys = StoredValue::new(None::<String>);
    // Show a report's text; its signatures are checked here, against
    // `trusted` (the text of a trusted-keys.json) when there is one.
    let show_report_text = move |text: Result<String, String>, trusted: Option<String>| match text
        .and_then(|t| parse_report(&t).map(|r| (t, r)))
    {
        Ok((text, report)) => {
            error.set(None);
            trusted_keys.set_value(trusted.clone());
            // A new report: its reproduction starts afresh (the file fields
            // are drawn anew, empty).
            reproduction.set(None);
            repro_reference.set(None);
            repro_current.set(None);
            verification.set(
                (!report.signatures.is_empty())
                    .then(|| crate::share::verify_text(&text, trusted.as_deref().unwrap_or(""))),
            );
            phase.set(Phase::Done(Arc::new(report), None));
        }
        Err(e) => error.set(Some(e)),
    };
    // Run the open report's checks again on the files chosen for it.
    let reproduce = move || {
        let (Some(r), Some(c)) = (
            repro_reference.get_untracked(),
            repro_current.get_untracked(),
        ) else {
            return;
        };
        let Phase::Done(original, _) = phase.get_untracked() else {
            return;
        };
        let config = match crate::share::rerun_config(&original) {
            Ok(c) => c,
            Err(e) => {
                reproduction.set(Some(Repro::Failed(e)));
                return;
            }
        };
        // A file changed while a rerun was under way: that rerun is stale.
        if matches!(reproduction.get_untracked(), Some(Repro::Running)) {
            stop_worker();
        }
        repro_files.set((r.name().to_string(), c.name().to_string()));
        reproduction.set(Some(Repro::Running));
        send_run(&r, &c, config, original.created_at.clone());
    };
    let set_repro = move |target: RwSignal<Option<Input>, LocalStorage>, file: Option<File>| {
        target.set(file.map(Input::file));
        reproduce();
    };
    let pick_repro = move |target: RwSignal<Option<Input>, LocalStorage>| {
        move |ev: web_sys::Event| set_repro(target, picked_file(&ev))
    };
    let drop_repro = move |target: RwSignal<Option<Input>, LocalStorage>| {
        move |ev: web_sys::DragEvent| {
            if let Some(file) = dropped_file(&ev) {
                set_repro(target, Some(file));
            }
        }
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
            "demo/reference.parquet".into(),
            "demo/current.parquet".into(),
        )
    };

    // A one-file HTML report shows its own report; otherwise
    // ?reference=URL&current=URL or ?report=URL
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
                run_urls(r, c);
            } else {
                // A published folder (attest publish) has an index.json beside
                // the page: show it as the model inventory.
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

    let chosen = move |s: RwSignal<Option<Input>, LocalStorage>| {
        move || {
            s.with(|i| {
                i.as_ref()
                    .map(|i| i.name().to_string())
                    .unwrap_or_else(|| "no file".into())
            })
        }
    };

    view! {
        <header class="top">
            <h1>"Attest"</h1>
            <p class="tag">"Model-validation checks in your browser. Nothing is uploaded."</p>
        </header>
        {(!standalone).then(|| view! {
        <section class="inputs" aria-label="Data">
            <label class="file drop" id="reference-drop" on:dragover=allow_drop on:drop=drop_on(reference)>
                <span>"Reference"</span>
                <input id="reference-file" type="file" accept=".parquet,.csv" on:change=pick(reference)/>
                <small id="reference-name">{chosen(reference)}</small>
                <small class="muted">"choose or drop a file"</small>
            </label>
            <label class="file drop" id="current-drop" on:dragover=allow_drop on:drop=drop_on(current)>
                <span>"Current"</span>
                <input id="current-file" type="file" accept=".parquet,.csv" on:change=pick(current)/>
                <small id="current-name">{chosen(current)}</small>
                <small class="muted">"choose or drop a file"</small>
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
        })}
        {move || error.get().map(|e| view! { <p id="error" class="error" role="alert">{e}</p> })}
        {move || match phase.get() {
            Phase::Idle if standalone => ().into_any(),
            Phase::Idle if catalogue.with(Option::is_some) => view! {
                {move || catalogue.get().map(|index| view! { <inventory::Inventory index=index/> })}
            }.into_any(),
            Phase::Idle => view! { <p class="hint">"Choose two files, or try the demo."</p> }.into_any(),
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
                        {format!("Checked in {:.2} s in this browser; the two workers used {:.0} + {:.0} MB.", s.millis / 1000.0, s.wasm_memory_bytes as f64 / 1048576.0, s.aux_memory_bytes as f64 / 1048576.0)}
                    </p>
                })}
                <report::ReportView report=report.clone() verification=verification/>
                <sign::SignPanel report=report key=sign_key on_signed=Callback::new(move |signed: String| {
                    show_report_text(Ok(signed), trusted_keys.get_value())
                })/>
                {(!standalone).then(|| view! {
                    <section id="reproduce" class="reproduce">
                        <h2>"Reproduce"</h2>
                        <p class="meta">"Give this report's two files: the checks run again in this browser with the report's configuration, and every value is compared with the report."</p>
                        <div class="inputs">
                            <label class="file drop" id="reproduce-reference-drop" on:dragover=allow_drop on:drop=drop_repro(repro_reference)>
                                <span>"Reference"</span>
                                <input id="reproduce-reference" type="file" accept=".parquet,.csv" on:change=pick_repro(repro_reference)/>
                            </label>
                            <label class="file drop" id="reproduce-current-drop" on:dragover=allow_drop on:drop=drop_repro(repro_current)>
                                <span>"Current"</span>
                                <input id="reproduce-current" type="file" accept=".parquet,.csv" on:change=pick_repro(repro_current)/>
                            </label>
                        </div>
                        {move || reproduction.get().map(|r| {
                            let (ref_name, cur_name) = repro_files.get();
                            view! { <div id="reproduction-of" data-reference=ref_name data-current=cur_name>{match r {
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
                })}
            }.into_any(),
        }}
    }
}
