//! The page's run: its Web Workers, the jobs it sends them, the column
//! parts that cross between them, progress and cancel — for any number of
//! datasets (`reference`, `current`, and `train` when given).
//!
//! The page sees a small interface: [`Runner::inspect`] (read the footers
//! → [`Event::Preview`]), [`Runner::run`] (→ [`Event::Progress`] messages,
//! then [`Event::Done`] with the report, digests filled in) and
//! [`Runner::cancel`]. How a run is split: one worker per core the browser
//! reports (`navigator.hardwareConcurrency`, 2 to [`MAX_WORKERS`]); the
//! columns are split between them by their cost ([`WEIGHTS`]); the first
//! keeps its part and finishes the run, the second also builds the checks
//! that need no column pass; the others' parts cross to the first as
//! transferred ArrayBuffers. The files are hashed one a job, the largest
//! first, each by the next worker with nothing else to do (a worker whose
//! part is in, or the first once the report is; files the browser hashes,
//! two at once), and the page fills in the digests. What a stopped worker
//! still sends is ignored.

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
    /// The other workers' (they profiled the rest of the columns, built
    /// the checks that need no pass and hashed what the page did not).
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

/// The most workers a run uses (each holds the role columns and its
/// columns in flight: more would cost memory for little time).
pub const MAX_WORKERS: usize = 4;

/// Each worker's share of the column pass, for
/// `attest_check::plan::split_columns`: the first also finishes the run
/// (the checks that need the pass, the report), the second builds the
/// checks that need no pass and hashes the files; any others only profile.
/// Measured on W1 (BENCHMARKS.md): the two busy workers end together.
pub const WEIGHTS: [f64; 2] = [0.85, 0.65];

/// How many workers a run uses: one per core the browser reports, 2 to
/// [`MAX_WORKERS`].
fn worker_count() -> usize {
    let cores = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()))
        .ok()
        .and_then(|c| c.as_f64())
        .unwrap_or(2.0);
    (cores as usize).clamp(2, MAX_WORKERS)
}

/// The weights of a run on `n` workers (see [`WEIGHTS`]), as the job's text.
fn weights(n: usize) -> String {
    (0..n)
        .map(|k| WEIGHTS.get(k).copied().unwrap_or(1.0).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// The part of a columns message (`{kind: "columns", part: ArrayBuffer,
/// wasm_memory_bytes}`, see [`crate::protocol`]) and the worker's memory.
fn columns_part(data: &JsValue) -> Option<(js_sys::ArrayBuffer, u64)> {
    if data.is_string() {
        return None;
    }
    let get = |k: &str| js_sys::Reflect::get(data, &k.into()).ok();
    if get("kind")?.as_string().as_deref() != Some("columns") {
        return None;
    }
    let part = get("part")?.dyn_into::<js_sys::ArrayBuffer>().ok()?;
    let memory = get("wasm_memory_bytes")
        .and_then(|m| m.as_f64())
        .unwrap_or(0.0);
    Some((part, memory as u64))
}

/// A Web Worker of the page: its handle, whether it has loaded, and the
/// jobs waiting for it to load (in order).
#[derive(Clone, Copy)]
struct Slot {
    worker: StoredValue<Option<Worker>, LocalStorage>,
    /// How many times this slot's worker was stopped: a worker's handlers
    /// keep the count it started at and ignore what it still sends once
    /// the count moved on (a `Ready` or an error queued before it was
    /// terminated belongs to no run of the next one).
    stops: StoredValue<u32>,
    ready: StoredValue<bool>,
    /// Jobs, each with the buffers it transfers.
    pending: StoredValue<Vec<(js_sys::Object, js_sys::Array)>, LocalStorage>,
}

impl Slot {
    fn new() -> Self {
        Slot {
            worker: StoredValue::new_local(None),
            stops: StoredValue::new(0),
            ready: StoredValue::new(false),
            pending: StoredValue::new_local(Vec::new()),
        }
    }

    /// Terminate the worker (a new one starts with the next job); what it
    /// still sends is ignored from now on.
    fn stop(&self) {
        if let Some(w) = self.worker.get_value() {
            w.terminate();
        }
        self.stops.update_value(|n| *n = n.wrapping_add(1));
        self.worker.set_value(None);
        self.ready.set_value(false);
        self.pending.set_value(Vec::new());
    }

    /// Send `job` once the worker has loaded.
    fn send(self, job: js_sys::Object) {
        self.send_with_transfer(job, js_sys::Array::new());
    }

    /// Send `job` once the worker has loaded, transferring the buffers in
    /// `transfer` to it (they are then empty here).
    fn send_with_transfer(self, job: js_sys::Object, transfer: js_sys::Array) {
        if let (Some(w), true) = (self.worker.get_value(), self.ready.get_value()) {
            let _ = w.post_message_with_transfer(&job, &transfer);
        } else {
            self.pending.update_value(|p| p.push((job, transfer)));
        }
    }

    /// Start the worker if there is none (loading its WebAssembly takes a
    /// moment: the page starts its workers before they are needed). Its
    /// messages go to `on_message`, column parts to `on_part`, a crash to
    /// `on_error`.
    fn start(
        self,
        on_message: impl Fn(FromWorker) + 'static,
        on_part: impl Fn(js_sys::ArrayBuffer, u64) + 'static,
        on_error: impl Fn(String) + Copy + 'static,
    ) -> Result<(), String> {
        if self.worker.get_value().is_some() {
            return Ok(());
        }
        let w = Worker::new("./worker_loader.js")
            .map_err(|e| format!("cannot start the worker: {}", super::js_message(&e)))?;
        let this = self.stops.get_value();
        let current = move || self.stops.get_value() == this;
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |msg: MessageEvent| {
            if !current() {
                return;
            }
            let data = msg.data();
            // A columns part: bytes, handed on as they are.
            if let Some((part, memory)) = columns_part(&data) {
                on_part(part, memory);
                return;
            }
            let text = data.as_string().unwrap_or_default();
            match FromWorker::from_json(&text) {
                Ok(FromWorker::Ready) => {
                    self.ready.set_value(true);
                    if let Some(w) = self.worker.get_value() {
                        for (job, transfer) in self.pending.get_value() {
                            let _ = w.post_message_with_transfer(&job, &transfer);
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
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if !current() {
                return;
            }
            let why = js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "see the browser console".into());
            on_error(format!("the worker stopped with an error ({why})"));
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

/// The worker that builds the checks needing no column pass (with its
/// columns).
const EARLY: usize = 1;

/// Each worker's name in the run's marks (`#run-stats` `data-marks`).
const MARKS: [&str; MAX_WORKERS] = ["main", "aux", "w2", "w3"];

/// A run's state as its parts come in.
#[derive(Default)]
struct State {
    busy: Busy,
    started: f64,
    /// The `run` job that finishes the run, sent once every column part is in.
    run_job: Option<js_sys::Object>,
    /// Each worker's column part (the first's is empty: it kept it).
    parts: Vec<Option<js_sys::ArrayBuffer>>,
    report: Option<(String, u64)>,
    /// The `hash` jobs not yet given to a worker (one file each, the
    /// largest first), and whether the browser hashes the file (Web
    /// Crypto) rather than the worker's wasm.
    hash_jobs: Vec<(js_sys::Object, bool)>,
    /// The files to hash, and the digests that are in.
    to_hash: usize,
    digests: Vec<(String, String)>,
    /// The first worker is finishing (its columns were given).
    finishing: bool,
    /// Each worker's hash jobs in flight, and whether one of them is
    /// hashed in the worker's wasm (see [`crate::protocol::may_take_hash`]).
    hashing: Vec<(u8, bool)>,
    /// Progress of each worker's columns, then of the hashing.
    progress: Vec<RunProgress>,
    /// Each worker's WebAssembly memory, as last reported.
    memory: Vec<u64>,
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
    /// The workers (the first finishes runs and answers `inspect`).
    slots: StoredValue<Vec<Slot>, LocalStorage>,
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
            slots: StoredValue::new_local((0..worker_count()).map(|_| Slot::new()).collect()),
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

    /// How many workers runs use.
    fn count(self) -> usize {
        self.slots.with_value(Vec::len)
    }

    /// Worker `k`'s slot.
    fn slot(self, k: usize) -> Option<Slot> {
        self.slots.with_value(|s| s.get(k).copied())
    }

    fn start_workers(self) {
        let fail = move |m: String| self.fail(m);
        for k in 0..self.count() {
            let started = self.slot(k).map_or(Ok(()), |slot| {
                slot.start(
                    move |m| self.on_worker(k, m),
                    move |p, memory| self.on_part(k, p, memory),
                    fail,
                )
            });
            if let Err(e) = started {
                self.emit(Event::Done(Err(e)));
                return;
            }
        }
    }

    fn stop_workers(self) {
        for k in 0..self.count() {
            if let Some(slot) = self.slot(k) {
                slot.stop();
            }
        }
    }

    /// Send a job to worker `k`.
    fn send(self, k: usize, job: js_sys::Object) {
        if let Some(slot) = self.slot(k) {
            slot.send(job);
        }
    }

    /// Read the files' footers and make the plan of `config` (`""`: the
    /// defaults): answers [`Event::Preview`].
    pub fn inspect(self, files: &Files, config: &RunConfig) {
        self.state.update_value(|s| s.busy = Busy::Inspecting);
        let job = job("inspect", files, config);
        self.start_workers();
        self.send(0, job);
    }

    /// Run the checks: [`Event::Progress`], then [`Event::Done`].
    pub fn run(self, files: &Files, config: &RunConfig, created_at: &str) {
        self.start_workers();
        let n = self.count();
        let make = |kind: &str| {
            let j = job(kind, files, config);
            set(&j, "created_at", &created_at.into());
            j
        };
        let run = make("run");
        set(&run, "hash", &false.into());
        let model_job = files.get("model").map(|_| make("model"));
        // One `hash` job a file, the largest first (a URL's size is not
        // known here: last). Put in place as they come (three at most; a
        // sort would add its code to the page's download).
        let (mut hash_jobs, mut sizes) = (Vec::new(), Vec::new());
        for label in ["train", "reference", "current"] {
            let size = match files.get(label) {
                Some(Input::File { blob, .. }) => blob.size(),
                Some(Input::Url { .. }) => -1.0,
                None => continue,
            };
            let job = make("hash");
            set(&job, "only", &label.into());
            let by_browser = size >= 0.0
                && size <= crate::protocol::WEB_CRYPTO_MAX_BYTES as f64
                && crate::web_crypto::available();
            let at = sizes.iter().take_while(|&&s| s >= size).count();
            sizes.insert(at, size);
            hash_jobs.insert(at, (job, by_browser));
        }
        self.state.set_value(State {
            busy: Busy::Running,
            started: js_sys::Date::now(),
            run_job: Some(run),
            model_job,
            parts: vec![None; n],
            to_hash: hash_jobs.len(),
            hash_jobs,
            hashing: vec![(0, false); n],
            progress: vec![RunProgress::default(); n + 1],
            memory: vec![0; n],
            ..State::default()
        });
        let weights = weights(n);
        for k in 0..n {
            let columns = make("columns");
            set(&columns, "weights", &weights.as_str().into());
            set(&columns, "share", &(k as u32).into());
            set(&columns, "keep", &(k == 0).into());
            set(&columns, "early", &(k == EARLY).into());
            self.send(k, columns);
        }
    }

    /// Give worker `k` (which has nothing else to do) the next files to
    /// hash, as many as [`crate::protocol::may_take_hash`] lets it have in
    /// flight: files the browser hashes (Web Crypto reads and hashes off
    /// the worker's thread) several at once, a file hashed in wasm alone.
    /// On two cores, hashing in the page from the start measured slower
    /// (it takes a core from the columns); hashing in whichever worker is
    /// free keeps both cores busy to the end.
    fn hash_next(self, k: usize) {
        while let Some(job) = self
            .state
            .try_update_value(|s| {
                let (count, in_wasm) = *s.hashing.get(k)?;
                let &(_, by_browser) = s.hash_jobs.first()?;
                if !crate::protocol::may_take_hash(count, in_wasm, by_browser) {
                    return None;
                }
                let (job, _) = s.hash_jobs.remove(0);
                s.hashing[k] = (count + 1, in_wasm || !by_browser);
                Some(job)
            })
            .flatten()
        {
            self.send(k, job);
        }
    }

    /// A file's digest is in, from worker `k` (with its memory).
    fn on_digests(self, k: usize, digests: Vec<(String, String)>, memory: u64) {
        let all_in = self.state.try_update_value(|s| {
            if let Some(slot) = s.memory.get_mut(k) {
                *slot = (*slot).max(memory);
            }
            if let Some(h) = s.hashing.get_mut(k) {
                h.0 = h.0.saturating_sub(1);
                h.1 &= h.0 > 0;
            }
            s.digests.extend(digests);
            s.digests.len() >= s.to_hash
        });
        if all_in == Some(true) {
            self.mark("digests");
        }
        self.hash_next(k);
        self.finish();
    }

    /// Stop whatever runs (the workers are terminated; new ones start).
    pub fn cancel(self) {
        self.stop_model();
        self.stop_workers();
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
        self.stop_workers();
        self.state.set_value(State::default());
        self.start_workers();
        match was {
            Busy::Inspecting => self.emit(Event::Preview(Err(message))),
            _ => self.emit(Event::Done(Err(message))),
        }
    }

    /// Progress from one of the streams (each worker's columns, then the
    /// hashing), shown as one.
    fn show_progress(self, stream: usize, p: RunProgress) {
        let mut merged = None;
        self.state.update_value(|s| {
            let last = s.progress.len().saturating_sub(1);
            if let Some(slot) = s.progress.get_mut(stream) {
                // The hashing stream gathers every hashing worker's files.
                *slot = if stream == last {
                    std::mem::take(slot).with_hashing_of(&p)
                } else {
                    p
                };
            }
            let Some((hashing, columns)) = s.progress.split_last() else {
                return;
            };
            let mut all = columns.first().cloned().unwrap_or_default();
            for other in columns.iter().skip(1) {
                all = all.plus_columns_of(other);
            }
            merged = Some(all.with_hashing_of(hashing));
        });
        if let Some(p) = merged {
            self.emit(Event::Progress(p));
        }
    }

    /// A message of worker `k`.
    fn on_worker(self, k: usize, msg: FromWorker) {
        match msg {
            FromWorker::Preview { json, config } => {
                if k != 0 || self.busy() != Busy::Inspecting {
                    return; // stale: a run started since
                }
                self.state.update_value(|s| s.busy = Busy::Idle);
                let preview = serde_json::from_str::<Preview>(&json)
                    .map_err(|e| format!("bad preview from the worker: {e}"));
                self.emit(Event::Preview(preview.map(|p| (p, config))));
            }
            FromWorker::Progress(p) => {
                let (finishing, hashing, streams) = self.state.with_value(|s| {
                    let hashing = s.hashing.get(k).is_some_and(|h| h.0 > 0);
                    (s.finishing, hashing, s.progress.len())
                });
                if self.busy() != Busy::Running || (k == 0 && finishing && !hashing) {
                    return;
                }
                let stream = crate::protocol::progress_stream(k, hashing, streams);
                self.show_progress(stream, p);
            }
            FromWorker::Report {
                json,
                wasm_memory_bytes,
            } => {
                self.mark("report");
                self.state
                    .update_value(|s| s.report = Some((json, wasm_memory_bytes)));
                // The first worker is free now: a file may be left to hash.
                self.hash_next(k);
                self.finish();
            }
            FromWorker::Digests {
                digests,
                wasm_memory_bytes,
            } => self.on_digests(k, digests, wasm_memory_bytes),
            FromWorker::Error { message } => self.fail(message),
            FromWorker::Ready | FromWorker::Columns { .. } => {}
        }
    }

    /// Worker `k`'s columns part (the first's is empty: it kept it).
    fn on_part(self, k: usize, part: js_sys::ArrayBuffer, memory: u64) {
        if let Some(what) = MARKS.get(k) {
            self.mark(what);
        }
        self.state.update_value(|s| {
            if let Some(slot) = s.memory.get_mut(k) {
                *slot = (*slot).max(memory);
            }
        });
        // Every part is in: the first worker finishes the run with its own
        // part (kept there) and the others' (transferred, not copied).
        let mut ready = None;
        self.state.update_value(|s| {
            if let Some(slot) = s.parts.get_mut(k) {
                *slot = Some(part);
            }
            if s.parts.is_empty() || s.parts.iter().any(Option::is_none) {
                return;
            }
            let parts: Vec<js_sys::ArrayBuffer> =
                std::mem::take(&mut s.parts).into_iter().flatten().collect();
            if let Some(job) = s.run_job.take() {
                s.finishing = true;
                ready = Some((job, parts));
            }
        });
        // A worker other than the first is free once its part is in. (The
        // first hashing while it waits for the others' parts measured no
        // faster: on two cores its hashing slowed the others' columns.)
        if k != 0 {
            self.hash_next(k);
        }
        let Some((job, parts)) = ready else {
            return;
        };
        let kept = parts.first().is_some_and(|p| p.byte_length() == 0);
        let list = js_sys::Array::new();
        for p in parts.iter().filter(|p| p.byte_length() > 0) {
            list.push(p);
        }
        set(&job, "parts", &list);
        set(&job, "kept", &kept.into());
        if let Some(slot) = self.slot(0) {
            slot.send_with_transfer(job, list);
        }
    }

    /// The report and the digests are both in: hand the report on.
    fn finish(self) {
        let mut done = None;
        self.state.update_value(|s| {
            if s.report.is_some() && s.digests.len() >= s.to_hash {
                let Some((json, mem)) = s.report.take() else {
                    return;
                };
                let digests = std::mem::take(&mut s.digests);
                let stats = RunStats {
                    millis: js_sys::Date::now() - s.started,
                    wasm_memory_bytes: mem.max(s.memory.first().copied().unwrap_or(0)),
                    aux_memory_bytes: s.memory.iter().skip(1).sum(),
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

/// Whether the page's address asks for the workers' timings (`?timings`:
/// each job logs where its time went on the console).
fn timings() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .is_some_and(|p| p.has("timings"))
}

/// A job of `kind` on `files` with `config`.
fn job(kind: &str, files: &Files, config: &RunConfig) -> js_sys::Object {
    let j = js_sys::Object::new();
    set(&j, "kind", &kind.into());
    if timings() {
        set(&j, "timings", &true.into());
    }
    files.add_to(&j);
    match config {
        RunConfig::Json(t) => set(&j, "config", &t.as_str().into()),
        RunConfig::Toml(t) => set(&j, "config_toml", &t.as_str().into()),
    }
    j
}
