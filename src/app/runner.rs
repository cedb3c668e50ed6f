//! The page's run: its two Web Workers, the jobs it sends them, the column
//! parts that cross between them, progress and cancel — for any number of
//! datasets (`reference`, `current`, and `train` when given).
//!
//! The page sees a small interface: [`Runner::inspect`] (read the footers
//! → [`Event::Preview`]), [`Runner::run`] (→ [`Event::Progress`] messages,
//! then [`Event::Done`] with the report, digests filled in) and
//! [`Runner::cancel`]. How a run is split: two thirds of the columns are
//! profiled in the first worker (which keeps its part), a third in the
//! second, which then hashes the files; the first then finishes the run
//! with both parts and the page fills in the digests.

use std::rc::Rc;

use attest_check::plan::Preview;
use attest_check::Report;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, MessageEvent, Worker};

use crate::protocol::{FromWorker, RunProgress};

/// A dataset chosen by the user: a file (Blob) or a URL, and its display name.
#[derive(Clone)]
pub enum Input {
    File { blob: Blob, name: String },
    Url { url: String, name: String },
}

impl Input {
    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Input::File { name, .. } | Input::Url { name, .. } => name,
        }
    }
    /// A file the user chose or dropped.
    pub fn file(f: File) -> Self {
        Input::File {
            name: f.name(),
            blob: f.into(),
        }
    }
    /// Put this input in a job under `label` (see `protocol`).
    fn add_to(&self, job: &js_sys::Object, label: &str) {
        set(job, &format!("{label}_name"), &self.name().into());
        match self {
            Input::File { blob, .. } => set(job, label, blob),
            Input::Url { url, .. } => set(job, &format!("{label}_url"), &url.as_str().into()),
        }
    }
}

/// The files of a run by dataset label.
#[derive(Clone, Default)]
pub struct Files(Vec<(String, Input)>);

impl Files {
    /// The input of a dataset.
    pub fn get(&self, label: &str) -> Option<&Input> {
        self.0.iter().find(|(l, _)| l == label).map(|(_, i)| i)
    }
    /// Set (or, with `None`, clear) a dataset's input.
    pub fn set(&mut self, label: &str, input: Option<Input>) {
        self.0.retain(|(l, _)| l != label);
        if let Some(i) = input {
            self.0.push((label.to_string(), i));
        }
    }
    /// Whether reference and current are both given.
    pub fn complete(&self) -> bool {
        self.get("reference").is_some() && self.get("current").is_some()
    }
    fn add_to(&self, job: &js_sys::Object) {
        for (label, input) in &self.0 {
            input.add_to(job, label);
        }
    }
}

fn set(job: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(job, &JsValue::from_str(key), value);
}

/// How a run's configuration is given: the page's choices as JSON, or the
/// text of an `attest.toml` (a URL run with `?config=`).
#[derive(Clone)]
pub enum RunConfig {
    Json(String),
    Toml(String),
}

/// How a live run went (not part of the report).
#[derive(Clone)]
pub struct RunStats {
    pub millis: f64,
    pub wasm_memory_bytes: u64,
    /// The second worker's (it profiled a third of the columns and hashed).
    pub aux_memory_bytes: u64,
    /// When each part of the run reached the page, in ms after the start:
    /// "main=…;aux=…;digests=…;report=…" (for the benchmark).
    pub marks: String,
}

/// What the runner tells the page.
pub enum Event {
    /// The footers were read: the plan, and the configuration it was made
    /// with (JSON), or why not.
    Preview(Result<(Preview, String), String>),
    Progress(RunProgress),
    /// The report (its digests filled in) and how the run went, or why
    /// it failed.
    Done(Result<(Report, RunStats), String>),
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

/// A Web Worker of the page: its handle, whether it has loaded, and the
/// jobs waiting for it to load (in order).
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

    /// Send `job` once the worker has loaded.
    fn send(self, job: js_sys::Object) {
        if let (Some(w), true) = (self.worker.get_value(), self.ready.get_value()) {
            let _ = w.post_message(&job);
        } else {
            self.pending.update_value(|p| p.push(job));
        }
    }

    /// Start the worker if there is none (loading its WebAssembly takes a
    /// moment: the page starts its workers before they are needed). Its
    /// messages go to `on_message`, column parts to `on_part`, a crash to
    /// `on_error`.
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
            .map_err(|e| format!("cannot start the worker: {}", super::js_message(&e)))?;
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

/// What the runner is doing.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Busy {
    #[default]
    Idle,
    Inspecting,
    Running,
}

/// A run's state as its parts come in.
#[derive(Default)]
struct State {
    busy: Busy,
    started: f64,
    /// The `run` job that finishes the run, sent once both column parts are in.
    run_job: Option<js_sys::Object>,
    /// The two workers' column parts (the first's is empty: it kept it).
    parts: (Option<JsValue>, Option<JsValue>),
    report: Option<(String, u64)>,
    digests: Option<(Vec<(String, String)>, u64)>,
    /// The main worker is finishing (its columns were given).
    finishing: bool,
    /// The second worker is hashing (after its columns).
    aux_hashing: bool,
    /// Progress of the three streams: the main worker's columns, the
    /// other's columns, its hashing.
    progress: [RunProgress; 3],
    marks: Vec<(&'static str, f64)>,
    /// The `model_open` job of a run with a model, sent once the report is in.
    model_job: Option<js_sys::Object>,
    /// The report waiting for the model checks.
    waiting: Option<(Report, RunStats)>,
}

/// Where a runner's events go.
type Listener = Rc<dyn Fn(Event)>;

/// The page's run (see the module documentation).
#[derive(Clone, Copy)]
pub struct Runner {
    main: Slot,
    aux: Slot,
    /// ONNX Runtime Web's worker, started only for a run with a model, and
    /// its number (a message of an earlier one is dropped).
    model: StoredValue<Option<Worker>, LocalStorage>,
    model_gen: StoredValue<u32>,
    state: StoredValue<State, LocalStorage>,
    on_event: StoredValue<Option<Listener>, LocalStorage>,
}

impl Runner {
    /// A runner whose events go to `on_event`; its workers start now.
    pub fn new(on_event: impl Fn(Event) + 'static) -> Self {
        let runner = Runner {
            main: Slot::new(),
            aux: Slot::new(),
            model: StoredValue::new_local(None),
            model_gen: StoredValue::new(0),
            state: StoredValue::new_local(State::default()),
            on_event: StoredValue::new_local(Some(Rc::new(on_event))),
        };
        runner.start_workers();
        runner
    }

    fn emit(self, event: Event) {
        if let Some(f) = self.on_event.get_value() {
            f(event);
        }
    }

    fn start_workers(self) {
        let fail = move |m: String| self.fail(m);
        let started = self
            .main
            .start(move |m| self.on_main(m), move |p| self.on_part(0, p), fail)
            .and_then(|()| {
                self.aux
                    .start(move |m| self.on_aux(m), move |p| self.on_part(1, p), fail)
            });
        if let Err(e) = started {
            self.emit(Event::Done(Err(e)));
        }
    }

    /// Read the files' footers and make the plan of `config` (`""`: the
    /// defaults): answers [`Event::Preview`].
    pub fn inspect(self, files: &Files, config: &RunConfig) {
        self.state.update_value(|s| s.busy = Busy::Inspecting);
        let job = job("inspect", files, config);
        self.start_workers();
        self.main.send(job);
    }

    /// Run the checks: [`Event::Progress`], then [`Event::Done`].
    pub fn run(self, files: &Files, config: &RunConfig, created_at: &str) {
        self.start_workers();
        let make = |kind: &str| {
            let j = job(kind, files, config);
            set(&j, "created_at", &created_at.into());
            set(&j, "modulus", &3.into());
            j
        };
        let run = make("run");
        set(&run, "hash", &false.into());
        let model_job = files.get("model").map(|_| make("model"));
        self.state.set_value(State {
            busy: Busy::Running,
            started: js_sys::Date::now(),
            run_job: Some(run),
            model_job,
            ..State::default()
        });
        let mine = make("columns");
        set(&mine, "remainders", &"0,2".into());
        set(&mine, "keep", &true.into());
        let theirs = make("columns");
        set(&theirs, "remainders", &"1".into());
        self.main.send(mine);
        self.aux.send(theirs);
        self.aux.send(make("hash"));
    }

    /// Stop whatever runs (the workers are terminated; new ones start).
    pub fn cancel(self) {
        self.stop_model();
        self.main.stop();
        self.aux.stop();
        self.state.set_value(State::default());
        self.start_workers();
    }

    fn busy(self) -> Busy {
        self.state.with_value(|s| s.busy)
    }

    fn mark(self, what: &'static str) {
        self.state.update_value(|s| {
            let at = js_sys::Date::now() - s.started;
            s.marks.push((what, at));
        });
    }

    fn fail(self, message: String) {
        let was = self.busy();
        self.stop_model();
        self.main.stop();
        self.aux.stop();
        self.state.set_value(State::default());
        self.start_workers();
        match was {
            Busy::Inspecting => self.emit(Event::Preview(Err(message))),
            _ => self.emit(Event::Done(Err(message))),
        }
    }

    /// Progress from one of the three streams, shown as one.
    fn show_progress(self, stream: usize, p: RunProgress) {
        let mut merged = None;
        self.state.update_value(|s| {
            if let Some(slot) = s.progress.get_mut(stream) {
                *slot = p;
            }
            let [main, aux, hashing] = s.progress.clone();
            merged = Some(main.plus_columns_of(&aux).with_hashing_of(&hashing));
        });
        if let Some(p) = merged {
            self.emit(Event::Progress(p));
        }
    }

    fn on_main(self, msg: FromWorker) {
        match msg {
            FromWorker::Preview { json, config } => {
                if self.busy() != Busy::Inspecting {
                    return; // stale: a run started since
                }
                self.state.update_value(|s| s.busy = Busy::Idle);
                let preview = serde_json::from_str::<Preview>(&json)
                    .map_err(|e| format!("bad preview from the worker: {e}"));
                self.emit(Event::Preview(preview.map(|p| (p, config))));
            }
            FromWorker::Progress(p) => {
                let finishing = self.state.with_value(|s| s.finishing);
                if self.busy() == Busy::Running && !finishing {
                    self.show_progress(0, p);
                }
            }
            FromWorker::Report {
                json,
                wasm_memory_bytes,
            } => {
                self.mark("report");
                self.state
                    .update_value(|s| s.report = Some((json, wasm_memory_bytes)));
                self.finish();
            }
            FromWorker::Error { message } => self.fail(message),
            FromWorker::Ready | FromWorker::Digests { .. } | FromWorker::Columns { .. } => {}
        }
    }

    fn on_aux(self, msg: FromWorker) {
        match msg {
            FromWorker::Progress(p) => {
                let stream = if self.state.with_value(|s| s.aux_hashing) {
                    2
                } else {
                    1
                };
                self.show_progress(stream, p);
            }
            FromWorker::Digests {
                digests,
                wasm_memory_bytes,
            } => {
                self.mark("digests");
                self.state
                    .update_value(|s| s.digests = Some((digests, wasm_memory_bytes)));
                self.finish();
            }
            FromWorker::Error { message } => self.fail(message),
            _ => {}
        }
    }

    /// A columns part from the main worker (`which` 0; empty: it kept it)
    /// or the other (1).
    fn on_part(self, which: usize, part: JsValue) {
        self.mark(if which == 0 { "main" } else { "aux" });
        self.state.update_value(|s| {
            if which == 0 {
                s.parts.0 = Some(part);
            } else {
                s.parts.1 = Some(part);
                s.aux_hashing = true;
            }
        });
        // Both halves of the columns are in: the main worker finishes the
        // run with its own part (kept there) and the other's.
        let mut ready = None;
        self.state.update_value(|s| {
            if let (Some(_), Some(_)) = &s.parts {
                let (Some(a), Some(b)) = std::mem::take(&mut s.parts) else {
                    return;
                };
                if let Some(job) = s.run_job.take() {
                    s.finishing = true;
                    ready = Some((job, a, b));
                }
            }
        });
        let Some((job, a, b)) = ready else {
            return;
        };
        let empty = |p: &JsValue| {
            p.dyn_ref::<js_sys::JsString>()
                .is_some_and(|s| s.length() == 0)
        };
        let list = js_sys::Array::new();
        for p in [&a, &b].into_iter().filter(|p| !empty(p)) {
            list.push(p);
        }
        set(&job, "parts", &list);
        set(&job, "kept", &empty(&a).into());
        self.main.send(job);
    }

    /// The report and the digests are both in: hand the report on.
    fn finish(self) {
        let mut done = None;
        self.state.update_value(|s| {
            if let (Some(_), Some(_)) = (&s.report, &s.digests) {
                let (Some((json, mem)), Some((digests, aux_mem))) =
                    (s.report.take(), s.digests.take())
                else {
                    return;
                };
                let stats = RunStats {
                    millis: js_sys::Date::now() - s.started,
                    wasm_memory_bytes: mem,
                    aux_memory_bytes: aux_mem,
                    marks: s
                        .marks
                        .iter()
                        .map(|(what, at)| format!("{what}={at:.0}"))
                        .collect::<Vec<_>>()
                        .join(";"),
                };
                s.busy = Busy::Idle;
                done = Some((json, digests, stats));
            }
        });
        let Some((json, digests, stats)) = done else {
            return;
        };
        let report = super::parse_report(&json).map(|mut report| {
            let pairs: Vec<(&str, &str)> = digests
                .iter()
                .map(|(l, d)| (l.as_str(), d.as_str()))
                .collect();
            report.set_digests(&pairs);
            (report, stats)
        });
        // With a model: its checks first, in the model's own worker (the
        // probe and ONNX Runtime Web, fetched only now).
        let model_job = self.state.with_value(|s| s.model_job.clone());
        match (report, model_job) {
            (Ok(done), Some(job)) => {
                self.state.update_value(|s| {
                    s.waiting = Some(done);
                    s.model_job = None;
                    s.busy = Busy::Running;
                });
                self.mark("model_start");
                match self.model_worker() {
                    Ok(w) => {
                        let _ = w.post_message(&job);
                    }
                    Err(e) => self.fail(e),
                }
            }
            (report, _) => self.emit(Event::Done(report)),
        }
    }

    fn stop_model(self) {
        if let Some(w) = self.model.get_value() {
            w.terminate();
        }
        self.model.set_value(None);
        self.model_gen.update_value(|g| *g += 1);
    }

    /// Start ONNX Runtime Web's module worker (once per run with a model).
    fn model_worker(self) -> Result<Worker, String> {
        if let Some(w) = self.model.get_value() {
            return Ok(w);
        }
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let w = Worker::new_with_options("./model_worker.js", &options)
            .map_err(|e| format!("cannot start the model's worker: {}", super::js_message(&e)))?;
        self.model_gen.update_value(|g| *g += 1);
        let gen = self.model_gen.get_value();
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |msg: MessageEvent| {
            let current = self.model_gen.get_value() == gen;
            if current && self.state.with_value(|s| s.waiting.is_some()) {
                self.on_model_message(msg.data());
            }
        });
        w.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        onmessage.forget();
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            if self.model_gen.get_value() == gen {
                self.fail("the model's worker (ONNX Runtime Web) stopped with an error (see the browser console)".into());
            }
        });
        w.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        onerror.forget();
        self.model.set_value(Some(w.clone()));
        Ok(w)
    }

    /// A message of the model's worker: progress, the checks, or an error.
    fn on_model_message(self, data: JsValue) {
        let get = |k: &str| {
            js_sys::Reflect::get(&data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
        };
        match get("type").as_string().as_deref() {
            Some("progress") => {
                let p = RunProgress {
                    model_rows: get("rows").as_f64().unwrap_or(0.0) as u64,
                    model_total: get("total").as_f64().unwrap_or(0.0) as u64,
                    ..RunProgress::default()
                };
                self.emit(Event::Progress(p));
            }
            Some("checks") => {
                // The time the model spent on each kind of batch, for the
                // benchmark (`#run-stats` `data-marks`).
                let timings = get("timings");
                for (kind, key) in [
                    ("parity train", "model_parity_train_ms"),
                    ("parity reference", "model_parity_reference_ms"),
                    ("parity current", "model_parity_current_ms"),
                    ("sensitivity", "model_sensitivity_ms"),
                ] {
                    if let Some(ms) = js_sys::Reflect::get(&timings, &kind.into())
                        .ok()
                        .and_then(|v| v.as_f64())
                    {
                        self.state.update_value(|s| s.marks.push((key, ms)));
                    }
                }
                self.model_done(&get("json").as_string().unwrap_or_default())
            }
            Some("error") => self.fail(format!(
                "model checks: {}",
                get("message").as_string().unwrap_or_default()
            )),
            _ => {}
        }
    }

    /// The model checks are in: into the report, and the report is done.
    fn model_done(self, json: &str) {
        self.mark("model");
        let waiting = self.state.with_value(|s| s.waiting.clone());
        let Some((mut report, mut stats)) = waiting else {
            return;
        };
        // Through a JSON value, as `report::parse` reads reports: one
        // deserializer of checks in the download, not two.
        let checks: Vec<attest_check::report::Check> =
            match serde_json::from_str::<serde_json::Value>(json).and_then(serde_json::from_value) {
                Ok(c) => c,
                Err(e) => return self.fail(format!("bad model checks from the worker: {e}")),
            };
        attest_check::checks::model::attach(&mut report, checks);
        self.stop_model();
        self.state.update_value(|s| {
            stats.millis = js_sys::Date::now() - s.started;
            stats.marks = s
                .marks
                .iter()
                .map(|(what, at)| format!("{what}={at:.0}"))
                .collect::<Vec<_>>()
                .join(";");
            s.waiting = None;
            s.busy = Busy::Idle;
        });
        self.emit(Event::Done(Ok((report, stats))));
    }
}

/// A job of `kind` on `files` with `config`.
fn job(kind: &str, files: &Files, config: &RunConfig) -> js_sys::Object {
    let j = js_sys::Object::new();
    set(&j, "kind", &kind.into());
    files.add_to(&j);
    match config {
        RunConfig::Json(t) => set(&j, "config", &t.as_str().into()),
        RunConfig::Toml(t) => set(&j, "config_toml", &t.as_str().into()),
    }
    j
}
