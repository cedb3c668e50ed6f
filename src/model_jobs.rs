//! The probe of the model's worker (bin `probe`, built for ES modules and
//! imported by `public/model_worker.js` beside ONNX Runtime Web, both
//! fetched only when a model is given, so none of this is in the base
//! download): the library's [`Probe`] plans the model checks on the job's
//! files and hands out input batches; the worker's JavaScript runs each
//! with ONNX Runtime Web and gives the outputs back.
//!
//! - [`open`]`({kind: "model", …files, config, model: Blob, model_name})` →
//!   `{kind: "model_batch", index: 0, rows, batches, total_rows, model:
//!   Uint8Array (ZipMap removed), inputs}`;
//! - [`step`]`({index, outputs})` → the next `model_batch`, or after the
//!   last `{kind: "model_checks", json}` (the checks, a JSON array).
//!
//! Tensors cross as `{name, type, dims, data}` with typed arrays
//! (BigInt64Array for int64, an array of strings for string).

use std::cell::RefCell;

use attest_check::checks::model::{Batch, Probe, Tensor, TensorData};
use attest_check::read::Datasets;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

thread_local! {
    static PROBE: RefCell<Option<Probe>> = const { RefCell::new(None) };
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn get(obj: &JsValue, key: &str) -> Result<JsValue, String> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| format!("message without `{key}`"))
}

/// A tensor as a JS object.
fn tensor_to_js(t: &Tensor) -> JsValue {
    let o = Object::new();
    set(&o, "name", &t.name.as_str().into());
    let dims = Array::new();
    for d in &t.shape {
        dims.push(&JsValue::from_f64(*d as f64));
    }
    set(&o, "dims", &dims);
    let (ty, data): (&str, JsValue) = match &t.data {
        TensorData::F32(v) => ("float32", js_sys::Float32Array::from(v.as_slice()).into()),
        TensorData::F64(v) => ("float64", js_sys::Float64Array::from(v.as_slice()).into()),
        TensorData::I64(v) => ("int64", js_sys::BigInt64Array::from(v.as_slice()).into()),
        TensorData::I32(v) => ("int32", js_sys::Int32Array::from(v.as_slice()).into()),
        TensorData::Str(v) => {
            let a = Array::new();
            for s in v {
                a.push(&s.as_str().into());
            }
            ("string", a.into())
        }
    };
    set(&o, "type", &ty.into());
    set(&o, "data", &data);
    o.into()
}

/// An output tensor from the model's worker.
fn tensor_from_js(v: &JsValue) -> Result<Option<Tensor>, String> {
    let name = get(v, "name")?
        .as_string()
        .ok_or("an output without a name")?;
    let ty = get(v, "type")?.as_string().unwrap_or_default();
    let dims: Vec<usize> = get(v, "dims")?
        .dyn_ref::<Array>()
        .map(|a| {
            a.iter()
                .map(|d| d.as_f64().unwrap_or(0.0).max(0.0) as usize)
                .collect()
        })
        .unwrap_or_default();
    let data = get(v, "data")?;
    let data = match ty.as_str() {
        "float32" => TensorData::F32(
            data.dyn_into::<js_sys::Float32Array>()
                .map_err(|_| format!("output `{name}`: not a Float32Array"))?
                .to_vec(),
        ),
        "float64" => TensorData::F64(
            data.dyn_into::<js_sys::Float64Array>()
                .map_err(|_| format!("output `{name}`: not a Float64Array"))?
                .to_vec(),
        ),
        "int64" => TensorData::I64(
            data.dyn_into::<js_sys::BigInt64Array>()
                .map_err(|_| format!("output `{name}`: not a BigInt64Array"))?
                .to_vec(),
        ),
        "int32" => TensorData::I32(
            data.dyn_into::<js_sys::Int32Array>()
                .map_err(|_| format!("output `{name}`: not an Int32Array"))?
                .to_vec(),
        ),
        "string" => TensorData::Str(
            data.dyn_into::<Array>()
                .map_err(|_| format!("output `{name}`: not an array of strings"))?
                .iter()
                .map(|s| s.as_string().unwrap_or_default())
                .collect(),
        ),
        _ => return Ok(None),
    };
    Ok(Some(Tensor {
        name,
        shape: dims,
        data,
    }))
}

fn batch_reply(probe: &Probe, index: usize) -> Result<JsValue, String> {
    let batch: Batch = probe.batch(index).map_err(|e| e.to_string())?;
    let o = Object::new();
    set(&o, "kind", &"model_batch".into());
    set(&o, "index", &JsValue::from_f64(index as f64));
    set(&o, "rows", &JsValue::from_f64(batch.rows as f64));
    set(&o, "batch_kind", &probe.batch_kind(index).as_str().into());
    set(&o, "batches", &JsValue::from_f64(probe.batches() as f64));
    set(
        &o,
        "total_rows",
        &JsValue::from_f64(probe.total_rows() as f64),
    );
    let inputs = Array::new();
    for t in &batch.inputs {
        inputs.push(&tensor_to_js(t));
    }
    set(&o, "inputs", &inputs);
    Ok(o.into())
}

/// Plan the model checks of a job and answer with the model and batch 0.
pub fn open(data: &JsValue) -> Result<JsValue, String> {
    use crate::worker_entry::{open_job, source};
    let (config, train, reference, current) = open_job(data)?;
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    let model = source(data, "model")?;
    let bytes = model
        .read_range(0, model.len() as usize)
        .map_err(|e| format!("cannot read the model file: {e}"))?;
    let stripped = attest_check::onnx::strip_zipmap(&bytes).map_err(|e| e.to_string())?;
    let info = attest_check::onnx::inspect(&stripped).map_err(|e| e.to_string())?;
    let name = get(data, "model_name")?
        .as_string()
        .unwrap_or_else(|| "model.onnx".into());
    let probe = Probe::new(datasets, &config, &name, &bytes, info).map_err(|e| e.to_string())?;
    let reply = batch_reply(&probe, 0)?;
    if let Some(o) = reply.dyn_ref::<Object>() {
        set(o, "model", &js_sys::Uint8Array::from(stripped.as_slice()));
    }
    PROBE.with(|p| *p.borrow_mut() = Some(probe));
    Ok(reply)
}

/// Take batch `index`'s outputs; the next batch or the checks.
pub fn step(data: &JsValue) -> Result<JsValue, String> {
    let index = get(data, "index")?
        .as_f64()
        .ok_or("job field `index` is not a number")? as usize;
    let mut outputs = Vec::new();
    if let Some(list) = get(data, "outputs")?.dyn_ref::<Array>() {
        for v in list.iter() {
            if let Some(t) = tensor_from_js(&v)? {
                outputs.push(t);
            }
        }
    }
    PROBE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let probe = slot.as_mut().ok_or("no model is open in this worker")?;
        probe.accept(index, outputs).map_err(|e| e.to_string())?;
        if index + 1 < probe.batches() {
            return batch_reply(probe, index + 1);
        }
        let probe = slot.take().ok_or("no model is open in this worker")?;
        let checks = probe.finish();
        let json = serde_json::to_string(&checks).map_err(|e| e.to_string())?;
        let o = Object::new();
        set(&o, "kind", &"model_checks".into());
        set(&o, "json", &json.into());
        Ok(o.into())
    })
}
