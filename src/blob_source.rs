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
        let mut got = self.read_ranges(&[(start, len)])?;
        Ok(got.pop().unwrap_or_default())
    }

    /// The ranges as one Blob of their slices, read with one
    /// `FileReaderSync` call: each call costs about 3 ms whatever its size
    /// (measured in Chromium 156), so a column's row groups are read in one.
    fn read_ranges(&self, ranges: &[(u64, usize)]) -> std::io::Result<Vec<Bytes>> {
        let clamped: Vec<(u64, u64)> = ranges
            .iter()
            .map(|&(start, len)| {
                range_end(start, len, self.len).map_or((start, start), |end| (start, end))
            })
            .collect();
        let slices = BLOBS.with(|b| {
            let b = b.borrow();
            let blob = b.get(&self.id)?;
            let parts = js_sys::Array::new();
            for &(start, end) in clamped.iter().filter(|(s, e)| e > s) {
                match blob.slice_with_f64_and_f64(start as f64, end as f64) {
                    Ok(slice) => parts.push(&slice),
                    Err(e) => return Some(Err(e)),
                };
            }
            Some(Ok(parts))
        });
        let parts = slices
            .ok_or_else(|| std::io::Error::other("the file is no longer available"))?
            .map_err(js_err)?;
        if parts.length() == 0 {
            return Ok(vec![Bytes::new(); ranges.len()]);
        }
        let joined = if parts.length() == 1 {
            parts.get(0).unchecked_into::<Blob>()
        } else {
            Blob::new_with_blob_sequence(&parts).map_err(js_err)?
        };
        let reader = FileReaderSync::new().map_err(js_err)?;
        let buffer = reader.read_as_array_buffer(&joined).map_err(js_err)?;
        let all = Bytes::from(js_sys::Uint8Array::new(buffer.unchecked_ref()).to_vec());
        let mut at = 0usize;
        let mut out = Vec::with_capacity(ranges.len());
        for (start, end) in clamped {
            let n = (end - start) as usize;
            let to = (at + n).min(all.len());
            out.push(all.slice(at..to));
            at = to;
        }
        Ok(out)
    }
}
