//! A `Blob` (or `File`) as a [`ByteSource`], read by ranges with
//! `Blob.slice` + `FileReaderSync` inside the Web Worker. A file is never
//! read whole: Parquet readers ask for the footer, then column chunks.
//!
//! `ByteSource` must be `Send + Sync` (the native CLI shares sources between
//! threads), and JS objects are neither; the worker is single-threaded, so a
//! source holds only an id and its Blob lives in a thread-local table.

use std::cell::RefCell;
use std::collections::HashMap;

use attest_check::source::{range_end, ByteSource, Bytes};
use wasm_bindgen::JsCast;
use web_sys::{Blob, FileReaderSync};

thread_local! {
    static BLOBS: RefCell<HashMap<u32, Blob>> = RefCell::new(HashMap::new());
    static NEXT: RefCell<u32> = const { RefCell::new(0) };
}

/// A Blob registered in this worker, read by ranges.
pub struct BlobSource {
    id: u32,
    name: String,
    len: u64,
}

impl BlobSource {
    /// Register a Blob under a display name.
    pub fn new(blob: Blob, name: impl Into<String>) -> Self {
        let id = NEXT.with(|n| {
            let mut n = n.borrow_mut();
            *n = n.wrapping_add(1);
            *n
        });
        let len = blob.size().max(0.0) as u64;
        BLOBS.with(|b| b.borrow_mut().insert(id, blob));
        Self {
            id,
            name: name.into(),
            len,
        }
    }
}

impl Drop for BlobSource {
    fn drop(&mut self) {
        BLOBS.with(|b| b.borrow_mut().remove(&self.id));
    }
}

fn js_err(e: wasm_bindgen::JsValue) -> std::io::Error {
    std::io::Error::other(format!("{e:?}"))
}

impl ByteSource for BlobSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.len
    }
    fn read_range(&self, start: u64, len: usize) -> std::io::Result<Bytes> {
        let Some(end) = range_end(start, len, self.len) else {
            return Ok(Bytes::new());
        };
        let slice = BLOBS.with(|b| {
            b.borrow()
                .get(&self.id)
                .map(|blob| blob.slice_with_f64_and_f64(start as f64, end as f64))
        });
        let slice = slice
            .ok_or_else(|| std::io::Error::other("the file is no longer available"))?
            .map_err(js_err)?;
        let reader = FileReaderSync::new().map_err(js_err)?;
        let buffer = reader.read_as_array_buffer(&slice).map_err(js_err)?;
        let array = js_sys::Uint8Array::new(buffer.unchecked_ref());
        Ok(Bytes::from(array.to_vec()))
    }
}
