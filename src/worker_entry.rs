//! The Web Worker: receives jobs (two files, given as Blobs or URLs), reads
//! their footers (`inspect`), runs the same checks as the CLI on them
//! (`run`) or hashes them (`hash`), and posts progress, the preview, the
//! report or the digests.

use std::sync::{Arc, Mutex};

use attest_check::plan::preview;
use attest_check::read::{Dataset, Datasets, Limits};
use attest_check::run::{profile_columns, run_with_parts, ColumnsPart, Progress, RunOptions};
use attest_check::source::{sha256_hex_with, ByteSource};
use attest_check::Config;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob_source::BlobSource;
use crate::protocol::{FromWorker, RunProgress};

/// Post a message to the page: JSON text, except a columns part, whose
/// bytes go as an ArrayBuffer that is transferred, not copied.
fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    if let FromWorker::Columns {
        part,
        wasm_memory_bytes,
    } = msg
    {
        let buffer = js_sys::Uint8Array::from(part.as_slice()).buffer();
        let obj = js_sys::Object::new();
        let _ = Reflect::set(&obj, &"kind".into(), &"columns".into());
        let _ = Reflect::set(&obj, &"part".into(), &buffer);
        let memory = JsValue::from_f64(*wasm_memory_bytes as f64);
        let _ = Reflect::set(&obj, &"wasm_memory_bytes".into(), &memory);
        let _ = scope.post_message_with_transfer(&obj, &js_sys::Array::of1(&buffer));
        return;
    }
    let _ = scope.post_message(&JsValue::from_str(&msg.to_json()));
}

thread_local! {
    /// The part of a `columns` job with `keep`, until a `run` job takes it.
    static KEPT: std::cell::RefCell<Option<ColumnsPart>> = const { std::cell::RefCell::new(None) };
}

/// Where a job's messages go (the page, or a test).
pub type Post<'a> = &'a (dyn Fn(&FromWorker) + Sync);

/// Posts progress: every finished column, and rows and hashing at most every
/// 100 ms so that the page is not flooded.
struct PostProgress<'a> {
    post: Post<'a>,
    state: Mutex<(RunProgress, f64)>,
}

impl PostProgress<'_> {
    fn update(&self, force: bool, change: impl FnOnce(&mut RunProgress)) {
        let Ok(mut guard) = self.state.lock() else {
            return;
        };
        let (progress, last) = &mut *guard;
        change(progress);
        let now = js_sys::Date::now();
        if force || now - *last >= 100.0 {
            *last = now;
            (self.post)(&FromWorker::Progress(progress.clone()));
        }
    }
}

impl Progress for PostProgress<'_> {
    fn column_done(&self, column: &str, done: usize, total: usize) {
        self.update(true, |p| {
            p.columns_done = done;
            p.columns_total = total;
            p.column = column.to_string();
            for d in &mut p.datasets {
                d.rows = 0;
            }
        });
    }
    fn rows_read(&self, dataset: &str, column: &str, rows: usize, total: usize) {
        self.update(false, |p| {
            p.column = column.to_string();
            let d = p.dataset_mut(dataset);
            d.rows = rows as u64;
            d.total_rows = total as u64;
        });
    }
    fn hashed(&self, dataset: &str, bytes: u64, total: u64) {
        self.update(bytes == total, |p| {
            let d = p.dataset_mut(dataset);
            d.hashed = bytes;
            d.total_bytes = total;
        });
    }
}

pub(crate) fn field(obj: &JsValue, key: &str) -> Result<JsValue, String> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| format!("job without `{key}`"))
}

pub(crate) fn text(obj: &JsValue, key: &str) -> Result<String, String> {
    field(obj, key)?
        .as_string()
        .ok_or_else(|| format!("job field `{key}` is not text"))
}

/// The file `label` of a job: a Blob under `label`, or a URL under
/// `{label}_url` (read with HTTP ranges).
pub(crate) fn source(data: &JsValue, label: &str) -> Result<Arc<dyn ByteSource>, String> {
    let name = text(data, &format!("{label}_name"))?;
    let url = field(data, &format!("{label}_url"))?.as_string();
    Ok(match url {
        Some(url) => Arc::from(crate::http_source::open(&url, &name)?),
        None => {
            let blob = field(data, label)?
                .dyn_into::<Blob>()
                .map_err(|_| format!("job field `{label}` is not a file"))?;
            Arc::new(BlobSource::new(blob, name))
        }
    })
}

/// Open the dataset `label` of a job, within the decode limits (the web
/// app's defaults unless `[limits]` sets them: a worker's memory is at most
/// 4 GiB and never shrinks).
pub(crate) fn dataset(data: &JsValue, label: &str, limits: Limits) -> Result<Dataset, String> {
    Dataset::open_with(label, source(data, label)?, limits).map_err(|e| e.to_string())
}

/// The dataset labels of a job, in run order: `train` when it names one.
pub(crate) fn labels(data: &JsValue) -> Vec<&'static str> {
    let train = field(data, "train_name")
        .ok()
        .and_then(|v| v.as_string())
        .is_some();
    if train {
        vec!["train", "reference", "current"]
    } else {
        vec!["reference", "current"]
    }
}

/// The job's configuration: `config_toml` (an `attest.toml`), or `config`
/// as JSON (the page's choices), or the defaults.
pub(crate) fn config(data: &JsValue) -> Result<Config, String> {
    if let Some(toml) = field(data, "config_toml")?.as_string() {
        return Config::from_toml(&toml).map_err(|e| format!("attest.toml: {e}"));
    }
    let text = field(data, "config")?.as_string().unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    Config::from_json(&text).map_err(|e| e.to_string())
}

/// A job's configuration and datasets (`train`, when it names one;
/// `reference`; `current`), opened within its decode limits.
pub(crate) type Opened = (Config, Option<Dataset>, Dataset, Dataset);

/// Open a job's files (see [`Opened`]).
pub(crate) fn open_job(data: &JsValue) -> Result<Opened, String> {
    let config = config(data)?;
    let limits = config.limits.resolve(Limits::BROWSER);
    let train = match labels(data).first() {
        Some(&"train") => Some(dataset(data, "train", limits)?),
        _ => None,
    };
    let reference = dataset(data, "reference", limits)?;
    let current = dataset(data, "current", limits)?;
    Ok((config, train, reference, current))
}

/// Do one job (see [`crate::protocol`]): progress goes to `post`, the
/// answer (preview, report or error) is returned.
pub fn handle(data: &JsValue, post: Post) -> FromWorker {
    job(data, post).unwrap_or_else(|message| FromWorker::Error { message })
}

/// `performance.now()` of this worker (for the library's spans).
fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| {
            let now = Reflect::get(&p, &"now".into()).ok()?;
            now.dyn_into::<js_sys::Function>().ok()?.call0(&p).ok()
        })
        .and_then(|t| t.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}

fn job(data: &JsValue, post: Post) -> Result<FromWorker, String> {
    let kind = text(data, "kind")?;
    // `timings`: where the job's time went, on the console (the page's
    // `?timings`; as `attest check --timings`).
    let timings = field(data, "timings")?.as_bool() == Some(true);
    if timings {
        attest_check::timing::set_clock(now_ms);
        attest_check::timing::enable();
        let _ = attest_check::timing::take_table();
    }
    let answer = job_timed(data, post, &kind);
    if timings {
        let mut lines = format!("attest worker: time spent in the `{kind}` job (s)");
        for (group, name, seconds, count) in attest_check::timing::take_table() {
            lines.push_str(&format!(
                "\n  {group:<6} {name:<32} {seconds:>7.3}  ×{count}"
            ));
        }
        let console = Reflect::get(&js_sys::global(), &"console".into()).unwrap_or_default();
        if let Ok(log) =
            Reflect::get(&console, &"log".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = log.call1(&console, &lines.into());
        }
    }
    answer
}

fn job_timed(data: &JsValue, post: Post, kind: &str) -> Result<FromWorker, String> {
    let progress = PostProgress {
        post,
        state: Mutex::new((RunProgress::default(), 0.0)),
    };
    if kind == "hash" {
        let mut digests = Vec::new();
        for label in hash_labels(data) {
            digests.push((label.to_string(), streamed_sha256(data, label, &progress)?));
        }
        return Ok(FromWorker::Digests {
            digests,
            wasm_memory_bytes: wasm_memory_bytes(),
        });
    }
    let (config, train, reference, current) = open_job(data)?;
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    match kind {
        "inspect" => {
            let preview = preview(datasets, &config).map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&preview).map_err(|e| e.to_string())?;
            let config = serde_json::to_string(&config).map_err(|e| e.to_string())?;
            Ok(FromWorker::Preview { json, config })
        }
        "columns" => {
            // This worker's share of the split (`weights`: every worker's
            // share of the pass; `share`: which is this one's).
            let weights: Vec<f64> = text(data, "weights")?
                .split(',')
                .map(|w| w.trim().parse::<f64>())
                .collect::<Result<_, _>>()
                .map_err(|_| "job field `weights` is not a list of numbers".to_string())?;
            let share = field(data, "share")?
                .as_f64()
                .filter(|k| k.fract() == 0.0 && *k >= 0.0 && (*k as usize) < weights.len())
                .ok_or("job field `share` is not one of the `weights`")?
                as usize;
            let mine = attest_check::run::column_shares(datasets, &config, &weights)
                .map_err(|e| e.to_string())?
                .swap_remove(share);
            let take = |i: usize| mine.binary_search(&i).is_ok();
            let early = field(data, "early")?.as_bool() == Some(true);
            let part = profile_columns(datasets, &config, &take, early, &progress)
                .map_err(|e| e.to_string())?;
            // `keep`: this worker finishes the run, so the part stays here
            // (the answer's `part` is empty) for the `run` job's `kept`.
            if field(data, "keep")?.as_bool() == Some(true) {
                KEPT.with(|k| *k.borrow_mut() = Some(part));
                return Ok(FromWorker::Columns {
                    part: Vec::new(),
                    wasm_memory_bytes: wasm_memory_bytes(),
                });
            }
            let part = part.to_bytes().map_err(|e| e.to_string())?;
            Ok(FromWorker::Columns {
                part,
                wasm_memory_bytes: wasm_memory_bytes(),
            })
        }
        "run" => {
            // Columns profiled by `columns` jobs: kept here, and given.
            let mut parts = Vec::new();
            if field(data, "kept")?.as_bool() == Some(true) {
                let kept = KEPT.with(|k| k.borrow_mut().take());
                parts.push(kept.ok_or("job field `kept`: no `columns` job kept a part here")?);
            }
            if let Some(list) = field(data, "parts")?.dyn_ref::<js_sys::Array>() {
                for item in list.iter() {
                    let bytes = item
                        .dyn_ref::<js_sys::ArrayBuffer>()
                        .map(|b| js_sys::Uint8Array::new(b).to_vec())
                        .ok_or("job field `parts` holds an item that is not an ArrayBuffer")?;
                    parts.push(ColumnsPart::from_bytes(&bytes).map_err(|e| e.to_string())?);
                }
            }
            let options = RunOptions {
                created_at: text(data, "created_at")?,
                // `hash: false`: the page hashes the files in another worker.
                hash_inputs: field(data, "hash")?.as_bool() != Some(false),
                ..RunOptions::default()
            };
            let report = run_with_parts(datasets, &config, &options, &progress, parts)
                .map_err(|e| e.to_string())?;
            Ok(FromWorker::Report {
                json: report.to_json(),
                wasm_memory_bytes: wasm_memory_bytes(),
            })
        }
        other => Err(format!("unknown job `{other}`")),
    }
}

/// The files a `hash` job hashes: the one its `only` names, else every
/// dataset of the job.
fn hash_labels(data: &JsValue) -> Vec<&'static str> {
    let all = labels(data);
    match field(data, "only").ok().and_then(|v| v.as_string()) {
        Some(only) => all.into_iter().filter(|l| *l == only).collect(),
        None => all,
    }
}

/// The SHA-256 of a job's file `label`, read by ranges and hashed here.
fn streamed_sha256(data: &JsValue, label: &str, progress: &PostProgress) -> Result<String, String> {
    let source = source(data, label)?;
    let total = source.len();
    sha256_hex_with(source.as_ref(), &mut |bytes| {
        progress.hashed(label, bytes, total)
    })
    .map_err(|e| e.to_string())
}

/// Do a job as the worker's message handler does: a `hash` job with
/// [`hash_files`] (Web Crypto for files up to
/// [`crate::protocol::WEB_CRYPTO_MAX_BYTES`]), any other with [`handle`].
pub async fn handle_async(data: &JsValue, post: Post<'_>) -> FromWorker {
    if text(data, "kind").ok().as_deref() == Some("hash") {
        return hash_files(data, post, crate::protocol::WEB_CRYPTO_MAX_BYTES).await;
    }
    handle(data, post)
}

/// A `hash` job: every file's SHA-256. A file given as a Blob of at most
/// `web_crypto_max` bytes is read whole and hashed by the browser (Web
/// Crypto: native code, several times faster than SHA-256 in WebAssembly);
/// a larger one, a URL, or a browser without Web Crypto here (a page that is
/// not a secure context) is read by ranges and hashed in this worker.
pub async fn hash_files(data: &JsValue, post: Post<'_>, web_crypto_max: u64) -> FromWorker {
    let progress = PostProgress {
        post,
        state: Mutex::new((RunProgress::default(), 0.0)),
    };
    let mut digests = Vec::new();
    for label in hash_labels(data) {
        let blob = field(data, &format!("{label}_url"))
            .ok()
            .filter(|u| u.as_string().is_none())
            .and_then(|_| field(data, label).ok())
            .and_then(|b| b.dyn_into::<Blob>().ok())
            .filter(|b| b.size() <= web_crypto_max as f64);
        let native = match &blob {
            Some(b) => crate::web_crypto::sha256(b).await,
            None => None,
        };
        let digest = match native {
            Some(d) => {
                let total = blob.map_or(0, |b| b.size() as u64);
                progress.hashed(label, total, total);
                Ok(d)
            }
            None => streamed_sha256(data, label, &progress),
        };
        match digest {
            Ok(d) => digests.push((label.to_string(), d)),
            Err(message) => return FromWorker::Error { message },
        }
    }
    FromWorker::Digests {
        digests,
        wasm_memory_bytes: wasm_memory_bytes(),
    }
}

/// Current size of this worker's WebAssembly memory.
fn wasm_memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map(|b| b.byte_length() as u64)
        .unwrap_or(0)
}

/// Start the worker: listen for jobs, then say it is ready.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let onmessage = Closure::<dyn Fn(MessageEvent)>::new(move |msg: MessageEvent| {
        let scope = reply_scope.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let send = |m: &FromWorker| post(&scope, m);
            let reply = handle_async(&msg.data(), &send).await;
            post(&scope, &reply);
        });
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&scope, &FromWorker::Ready);
}
