//! SHA-256 of a Blob by the browser's own Web Crypto (`crypto.subtle`):
//! native code, several times faster than SHA-256 compiled to WebAssembly.
//! Only where the page is a secure context (HTTPS or localhost), and only
//! for files small enough to read whole
//! ([`crate::protocol::WEB_CRYPTO_MAX_BYTES`]); otherwise the worker reads
//! the file by ranges and hashes it itself.

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

/// Whether this context has Web Crypto.
pub fn available() -> bool {
    subtle().is_some()
}

fn subtle() -> Option<wasm_bindgen::JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    Reflect::get(&crypto, &"subtle".into())
        .ok()
        .filter(|s| s.is_object())
}

/// The SHA-256 of a Blob, hex; `None` when this context has no Web Crypto
/// or it fails (the caller then hashes the file another way).
pub async fn sha256(blob: &Blob) -> Option<String> {
    let subtle = subtle()?;
    let digest = Reflect::get(&subtle, &"digest".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let bytes = JsFuture::from(blob.array_buffer()).await.ok()?;
    let promise = digest
        .call2(&subtle, &"SHA-256".into(), &bytes)
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let hash = JsFuture::from(promise).await.ok()?;
    let hash = js_sys::Uint8Array::new(&hash).to_vec();
    (hash.len() == 32).then(|| hash.iter().map(|b| format!("{b:02x}")).collect())
}
