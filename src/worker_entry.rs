//! The Web Worker: receives a job (two Blobs and a configuration), runs the
//! same checks as the CLI on them, and posts progress and the report.

use std::sync::Arc;

use attest_check::read::Dataset;
use attest_check::run::{run, Progress, RunOptions};
use attest_check::Config;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob_source::BlobSource;
use crate::protocol::FromWorker;

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    let _ = scope.post_message(&JsValue::from_str(&msg.to_json()));
}

struct PostProgress {
    scope: DedicatedWorkerGlobalScope,
}

impl Progress for PostProgress {
    fn column_done(&self, column: &str, done: usize, total: usize) {
        post(
            &self.scope,
            &FromWorker::Progress {
                done,
                total,
                column: column.to_string(),
            },
        );
    }
}

fn field(obj: &JsValue, key: &str) -> Result<JsValue, String> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| format!("job without `{key}`"))
}

fn text(obj: &JsValue, key: &str) -> Result<String, String> {
    field(obj, key)?
        .as_string()
        .ok_or_else(|| format!("job field `{key}` is not text"))
}

fn job(scope: &DedicatedWorkerGlobalScope, data: &JsValue) -> Result<String, String> {
    let blob = |key: &str| -> Result<Blob, String> {
        field(data, key)?
            .dyn_into::<Blob>()
            .map_err(|_| format!("job field `{key}` is not a file"))
    };
    let config = Config::from_toml(&text(data, "config")?).map_err(|e| e.to_string())?;
    let reference = Dataset::open(
        "reference",
        Arc::new(BlobSource::new(
            blob("reference")?,
            text(data, "reference_name")?,
        )),
    )
    .map_err(|e| e.to_string())?;
    let current = Dataset::open(
        "current",
        Arc::new(BlobSource::new(
            blob("current")?,
            text(data, "current_name")?,
        )),
    )
    .map_err(|e| e.to_string())?;
    let options = RunOptions {
        created_at: text(data, "created_at")?,
        ..RunOptions::default()
    };
    let progress = PostProgress {
        scope: scope.clone(),
    };
    let report =
        run(&reference, &current, &config, &options, &progress).map_err(|e| e.to_string())?;
    Ok(report.to_json())
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
        let reply = match job(&reply_scope, &msg.data()) {
            Ok(json) => FromWorker::Report {
                json,
                wasm_memory_bytes: wasm_memory_bytes(),
            },
            Err(message) => FromWorker::Error { message },
        };
        post(&reply_scope, &reply);
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&scope, &FromWorker::Ready);
}
