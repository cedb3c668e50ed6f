//! A file on a web server as a [`ByteSource`], read with HTTP range requests
//! (synchronous `XMLHttpRequest`, allowed in a Web Worker): the Parquet
//! footer first, then only the column chunks a check needs.
//!
//! [`open`] probes the server with `Range: bytes=0-0`. A `206 Partial
//! Content` answer means ranges work; a `200` answer means the server sent
//! the whole file instead, and that body (a Blob, held by the browser, not in
//! wasm memory) is used as it is. Cross-origin servers must allow the `Range`
//! request header and expose `Content-Range` (CORS).

use attest_check::source::{range_end, ByteSource, Bytes};
use wasm_bindgen::JsCast;
use web_sys::{Blob, XmlHttpRequest, XmlHttpRequestResponseType};

use crate::blob_source::BlobSource;
use crate::ranges::content_range_total;

/// A file served over HTTP that honours range requests.
pub struct HttpSource {
    url: String,
    name: String,
    len: u64,
}

fn js_err(url: &str, e: wasm_bindgen::JsValue) -> String {
    let text = e
        .as_string()
        .or_else(|| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| format!("{e:?}"));
    format!("{url}: {text}")
}

/// A synchronous request; `range` is an inclusive byte range.
fn request(
    method: &str,
    url: &str,
    range: Option<(u64, u64)>,
    response_type: XmlHttpRequestResponseType,
) -> Result<XmlHttpRequest, String> {
    let xhr = XmlHttpRequest::new().map_err(|e| js_err(url, e))?;
    xhr.open_with_async(method, url, false)
        .map_err(|e| js_err(url, e))?;
    xhr.set_response_type(response_type);
    if let Some((first, last)) = range {
        xhr.set_request_header("Range", &format!("bytes={first}-{last}"))
            .map_err(|e| js_err(url, e))?;
    }
    xhr.send().map_err(|e| js_err(url, e))?;
    Ok(xhr)
}

/// The URL as a source: ranged when the server allows it, else its whole body.
pub fn open(url: &str, name: &str) -> Result<Box<dyn ByteSource>, String> {
    let probe = request("GET", url, Some((0, 0)), XmlHttpRequestResponseType::Blob)?;
    match probe.status().map_err(|e| js_err(url, e))? {
        206 => {
            let total = probe
                .get_response_header("Content-Range")
                .ok()
                .flatten()
                .and_then(|h| content_range_total(&h));
            let len = match total {
                Some(n) => n,
                // Cross-origin servers may not expose Content-Range: ask HEAD.
                None => {
                    let head = request("HEAD", url, None, XmlHttpRequestResponseType::None)?;
                    head.get_response_header("Content-Length")
                        .ok()
                        .flatten()
                        .and_then(|h| h.trim().parse().ok())
                        .ok_or_else(|| format!("{url}: the server does not say the file's size"))?
                }
            };
            Ok(Box::new(HttpSource {
                url: url.to_string(),
                name: name.to_string(),
                len,
            }))
        }
        200 => {
            let body: Blob = probe
                .response()
                .map_err(|e| js_err(url, e))?
                .dyn_into()
                .map_err(|_| format!("{url}: the response is not a file"))?;
            Ok(Box::new(BlobSource::new(body, name)))
        }
        // An empty file cannot satisfy bytes=0-0.
        416 => Ok(Box::new(HttpSource {
            url: url.to_string(),
            name: name.to_string(),
            len: 0,
        })),
        0 => Err(format!(
            "{url}: the request failed (network error, or the server does not allow this page to read it)"
        )),
        status => Err(format!("{url}: HTTP {status}")),
    }
}

impl ByteSource for HttpSource {
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
        let io = std::io::Error::other;
        let xhr = request(
            "GET",
            &self.url,
            Some((start, end - 1)),
            XmlHttpRequestResponseType::Arraybuffer,
        )
        .map_err(io)?;
        let status = xhr.status().map_err(|e| io(js_err(&self.url, e)))?;
        if status != 206 {
            return Err(io(format!(
                "{}: HTTP {status} for bytes {start}-{}",
                self.url,
                end - 1
            )));
        }
        let buffer = xhr.response().map_err(|e| io(js_err(&self.url, e)))?;
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        if bytes.len() as u64 != end - start {
            return Err(io(format!(
                "{}: asked for {} bytes at {start}, got {}",
                self.url,
                end - start,
                bytes.len()
            )));
        }
        Ok(Bytes::from(bytes))
    }
}
