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
use base64::Engine;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob_source::BlobSource;
use crate::protocol::{FromWorker, RunProgress};

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
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

fn job(data: &JsValue, post: Post) -> Result<FromWorker, String> {
    let kind = text(data, "kind")?;
    let progress = PostProgress {
        post,
        state: Mutex::new((RunProgress::default(), 0.0)),
    };
    if kind == "hash" {
        let mut digests = Vec::new();
        for label in labels(data) {
            let source = source(data, label)?;
            let total = source.len();
            let digest = sha256_hex_with(source.as_ref(), &mut |bytes| {
                progress.hashed(label, bytes, total)
            })
            .map_err(|e| e.to_string())?;
            digests.push((label.to_string(), digest));
        }
        return Ok(FromWorker::Digests {
            digests,
            wasm_memory_bytes: wasm_memory_bytes(),
        });
    }
    let (config, train, reference, current) = open_job(data)?;
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    match kind.as_str() {
        "inspect" => {
            let preview = preview(datasets, &config).map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&preview).map_err(|e| e.to_string())?;
            let config = serde_json::to_string(&config).map_err(|e| e.to_string())?;
            Ok(FromWorker::Preview { json, config })
        }
        "columns" => {
            let modulus = field(data, "modulus")?
                .as_f64()
                .filter(|m| *m >= 1.0)
                .ok_or("job field `modulus` is not a positive number")?
                as usize;
            let remainders: Vec<usize> = text(data, "remainders")?
                .split(',')
                .filter_map(|r| r.trim().parse().ok())
                .collect();
            let take = |i: usize| remainders.contains(&(i % modulus));
            let part =
                profile_columns(datasets, &config, &take, &progress).map_err(|e| e.to_string())?;
            // `keep`: this worker finishes the run, so the part stays here
            // (the answer's `part` is empty) for the `run` job's `kept`.
            if field(data, "keep")?.as_bool() == Some(true) {
                KEPT.with(|k| *k.borrow_mut() = Some(part));
                return Ok(FromWorker::Columns {
                    part: String::new(),
                });
            }
            let part = part.to_bytes().map_err(|e| e.to_string())?;
            Ok(FromWorker::Columns {
                part: base64::engine::general_purpose::STANDARD.encode(part),
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
                    let b64 = item
                        .as_string()
                        .ok_or("job field `parts` holds a non-text item")?;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(b64.as_bytes())
                        .map_err(|e| format!("job field `parts`: {e}"))?;
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
        let send = |m: &FromWorker| post(&reply_scope, m);
        let reply = handle(&msg.data(), &send);
        post(&reply_scope, &reply);
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&scope, &FromWorker::Ready);
}
