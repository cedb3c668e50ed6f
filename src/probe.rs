//! The model checks' probe (see `attest_app::model_jobs`): exported to the
//! model's worker, `public/model_worker.js`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::*;

/// Plan the model checks of a job: the model (ZipMap removed) and batch 0.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn probe_open(job: JsValue) -> Result<JsValue, JsValue> {
    attest_app::model_jobs::open(&job).map_err(|e| JsValue::from_str(&e))
}

/// The outputs of a batch in; the next batch, or the checks.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn probe_step(outputs: JsValue) -> Result<JsValue, JsValue> {
    attest_app::model_jobs::step(&outputs).map_err(|e| JsValue::from_str(&e))
}

fn main() {}
