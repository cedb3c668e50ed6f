//! Messages between the page and the Web Worker.
//!
//! Page → worker: a plain JS object `{kind: "run", reference: Blob,
//! reference_name, current: Blob, current_name, config, created_at}` (Blobs
//! cannot go through serde; `File` is a `Blob`). Worker → page: one of
//! [`FromWorker`], sent as a JSON string.

use serde::{Deserialize, Serialize};

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker has loaded and listens for jobs.
    Ready,
    /// A column's profile is done.
    Progress {
        done: usize,
        total: usize,
        column: String,
    },
    /// The run finished: the report document, and the size the worker's
    /// WebAssembly memory grew to (it never shrinks: the run's peak).
    Report {
        json: String,
        wasm_memory_bytes: u64,
    },
    /// The run failed: a message for people.
    Error { message: String },
}

impl FromWorker {
    /// As the JSON string that crosses `postMessage`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"kind":"error","message":"cannot encode"}"#.to_string())
    }
    /// Parse a message from the worker.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("bad message from the worker: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        for m in [
            FromWorker::Ready,
            FromWorker::Progress {
                done: 3,
                total: 9,
                column: "age".into(),
            },
            FromWorker::Report {
                json: "{}".into(),
                wasm_memory_bytes: 1 << 20,
            },
            FromWorker::Error {
                message: "bad file".into(),
            },
        ] {
            assert_eq!(FromWorker::from_json(&m.to_json()), Ok(m));
        }
        assert!(FromWorker::from_json("{\"kind\":\"nope\"}").is_err());
    }
}
