//! Messages between the page and the Web Worker.
//!
//! Page → worker: a plain JS object (Blobs cannot go through serde; a `File`
//! is a `Blob`). Every job names its files by dataset label: `reference`
//! and `current` always, `train` when the run has one (its `train_name` is
//! set); each as a Blob under the label or a URL under `{label}_url`, with
//! its display name under `{label}_name`. The jobs are
//! - `{kind: "inspect", reference: Blob, reference_name, current: Blob, current_name, config}`:
//!   read the footers and answer [`FromWorker::Preview`] (the plan of
//!   `config`, "" for the defaults; or of `config_toml`, the text of an
//!   `attest.toml`, which any job may carry instead of `config`);
//! - `{kind: "run", reference, reference_name, current, current_name, config, created_at}`:
//!   run the checks (`config` is a [`attest_check::Config`] as JSON, or "" for
//!   the defaults) and answer with [`FromWorker::Progress`] messages, then
//!   [`FromWorker::Report`].
//!
//! - `{kind: "run", …, hash: false}`: the same without hashing the files
//!   (`inputs[].sha256` left empty): the page hashes them at the same time in
//!   a second worker;
//! - `{kind: "columns", …, config, weights, share, early, keep}`: profile
//!   only this worker's share of the columns (`weights`, e.g. `"1,0.7"`:
//!   every worker's share of the column pass, split by
//!   `attest_check::plan::split_columns`; `share`: the index of this one's)
//!   and answer [`FromWorker::Columns`]; with `early`, also build the checks
//!   that need no column pass, carried in the part; with `keep`, the part
//!   stays in this worker (the answer's part is empty). A `run` job given
//!   those parts (`parts`: an array of ArrayBuffers, transferred; `kept`:
//!   take the part kept here) reads only the other columns. The page splits
//!   a run's columns between its workers this way;
//! - `{kind: "hash", reference, reference_name, current, current_name,
//!   only?}`: only the SHA-256 of every file (with `only`: of that dataset's
//!   file alone; the page sends one such job a file to whichever worker is
//!   free), with [`FromWorker::Progress`] messages (bytes hashed), then
//!   [`FromWorker::Digests`]: a file of at most [`WEB_CRYPTO_MAX_BYTES`] by
//!   the browser's own SHA-256 (Web Crypto, where the page is a secure
//!   context), a larger one (or a URL) read by ranges and hashed in the
//!   worker.
//!
//! The model's worker (`public/model_worker.js`, started only for a run
//! with a model) takes `{kind: "model", …, model: Blob, model_name}` and
//! answers `{type: "progress", rows, total}`, then `{type: "checks", json}`
//! (the model checks, for `attest_check::checks::model::attach`) or
//! `{type: "error", message}`; see `crate::model_jobs`.
//!
//! A source may also be given as a URL instead of a Blob:
//! `reference_url`/`current_url` (read with HTTP range requests).
//! Worker → page: one of [`FromWorker`], sent as a JSON string, except
//! [`FromWorker::Columns`]: an object `{kind: "columns", part: ArrayBuffer,
//! wasm_memory_bytes}` whose buffer is transferred (not copied, never text).

use serde::{Deserialize, Serialize};

/// Progress of one dataset in a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatasetProgress {
    /// "reference" or "current".
    pub dataset: String,
    /// Rows of the column being read that are decoded so far.
    pub rows: u64,
    /// The same for the columns the page's other workers are reading of
    /// this dataset at the same time, one entry a worker (empty as a
    /// worker sends it; filled when the page merges its workers').
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_rows: Vec<u64>,
    /// Rows in the dataset.
    pub total_rows: u64,
    /// Bytes of the file hashed so far (SHA-256).
    pub hashed: u64,
    /// Size of the file.
    pub total_bytes: u64,
}

impl DatasetProgress {
    /// Rows read of the columns being read, over every worker.
    pub fn rows_in_flight(&self) -> u64 {
        self.rows + self.more_rows.iter().sum::<u64>()
    }
}

/// Progress of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunProgress {
    /// Columns profiled (in both datasets).
    pub columns_done: usize,
    pub columns_total: usize,
    /// The column being read, if any.
    pub column: String,
    pub datasets: Vec<DatasetProgress>,
    /// Rows scored by the model so far, of all its batches' rows (0 of 0
    /// without a model).
    #[serde(default)]
    pub model_rows: u64,
    #[serde(default)]
    pub model_total: u64,
}

impl RunProgress {
    /// Share of the work done, 0–1: reading and profiling columns counts for
    /// 80 %, hashing the files for 20 %.
    pub fn fraction(&self) -> f64 {
        let columns = if self.columns_total == 0 {
            0.0
        } else {
            let partial = self
                .datasets
                .iter()
                .map(|d| d.rows_in_flight() as f64 / d.total_rows.max(1) as f64)
                .sum::<f64>()
                / self.datasets.len().max(1) as f64;
            let done = (self.columns_done as f64 + partial).min(self.columns_total as f64);
            done / self.columns_total as f64
        };
        let total: u64 = self.datasets.iter().map(|d| d.total_bytes).sum();
        let hashed: u64 = self.datasets.iter().map(|d| d.hashed).sum();
        let hashing = if total == 0 {
            0.0
        } else {
            hashed as f64 / total as f64
        };
        if self.model_total > 0 {
            // After the report: the model's batches.
            return (self.model_rows as f64 / self.model_total as f64).clamp(0.0, 1.0);
        }
        (0.8 * columns + 0.2 * hashing).clamp(0.0, 1.0)
    }

    /// Two workers' progress on the columns of one run, added up: columns
    /// done and in all, the columns being read (each worker's, in order)
    /// and, per dataset, the rows read of each of them.
    pub fn plus_columns_of(mut self, other: &RunProgress) -> RunProgress {
        self.columns_done += other.columns_done;
        self.columns_total += other.columns_total;
        if self.column.is_empty() {
            self.column.clone_from(&other.column);
        } else if !other.column.is_empty() {
            self.column.push_str(", ");
            self.column.push_str(&other.column);
        }
        // how many workers each side stands for: a slot of rows each
        let slots = |p: &RunProgress| {
            p.datasets
                .iter()
                .map(|d| 1 + d.more_rows.len())
                .max()
                .unwrap_or(1)
        };
        let (mine_slots, other_slots) = (slots(&self), slots(other));
        for d in &other.datasets {
            let mine = self.dataset_mut(&d.dataset);
            mine.total_rows = mine.total_rows.max(d.total_rows);
            mine.more_rows.resize(mine_slots - 1, 0);
            mine.more_rows.push(d.rows);
            mine.more_rows.extend_from_slice(&d.more_rows);
        }
        // a dataset one side has not reported: no rows read of it there
        for d in &mut self.datasets {
            d.more_rows.resize(mine_slots - 1 + other_slots, 0);
        }
        self
    }

    /// This progress, with the hashing (bytes hashed of each dataset) taken
    /// from `other`: the run's worker reports columns and rows, the hashing
    /// worker reports bytes, and the page shows both.
    /// Datasets of `other` with no bytes to hash (`total_bytes` 0: not
    /// hashing) leave this one's as they are.
    pub fn with_hashing_of(mut self, other: &RunProgress) -> RunProgress {
        for d in other.datasets.iter().filter(|d| d.total_bytes > 0) {
            let mine = self.dataset_mut(&d.dataset);
            mine.hashed = d.hashed;
            mine.total_bytes = d.total_bytes;
        }
        self
    }

    /// The dataset with this label, added if missing.
    pub fn dataset_mut(&mut self, label: &str) -> &mut DatasetProgress {
        let i = match self.datasets.iter().position(|d| d.dataset == label) {
            Some(i) => i,
            None => {
                self.datasets.push(DatasetProgress {
                    dataset: label.to_string(),
                    ..DatasetProgress::default()
                });
                self.datasets.len() - 1
            }
        };
        &mut self.datasets[i]
    }
}

/// How many files the browser hashes at once in one worker (each read
/// whole into its JavaScript heap: at most this × [`WEB_CRYPTO_MAX_BYTES`]).
pub const BROWSER_HASHES: u8 = 2;

/// Whether a worker with `in_flight` hash jobs (`in_wasm`: one of them
/// hashed in its wasm, which blocks the worker until it is done) takes
/// another, hashed by the browser or not (`by_browser`): a free worker
/// always; a second only when both are the browser's (Web Crypto hashes
/// off the worker's thread, so they overlap), up to [`BROWSER_HASHES`].
pub fn may_take_hash(in_flight: u8, in_wasm: bool, by_browser: bool) -> bool {
    in_flight == 0 || (by_browser && !in_wasm && in_flight < BROWSER_HASHES)
}

/// Which of a run's progress streams (each worker's columns, then the
/// hashing: `streams` in all) a progress message of worker `worker` is:
/// the hashing's once that worker hashes, else its own columns'.
pub fn progress_stream(worker: usize, hashing: bool, streams: usize) -> usize {
    let last = streams.saturating_sub(1);
    if hashing {
        last
    } else {
        worker.min(last)
    }
}

/// What the worker tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker has loaded and listens for jobs.
    Ready,
    /// The answer to an `inspect` job: an [`attest_check::plan::Preview`]
    /// as JSON, and the configuration it was planned with (JSON: a job's
    /// `config_toml` comes back parsed, so the page needs no TOML reader).
    Preview { json: String, config: String },
    /// How far the run is.
    Progress(RunProgress),
    /// The run finished: the report document, and the size the worker's
    /// WebAssembly memory grew to (it never shrinks: the run's peak).
    Report {
        json: String,
        wasm_memory_bytes: u64,
    },
    /// The answer to a `columns` job: an `attest_check::run::ColumnsPart`
    /// as bytes (empty when kept in the worker), and the size this worker's
    /// WebAssembly memory grew to. Posted as an object whose part is a
    /// transferred ArrayBuffer, not as JSON (see the module documentation).
    Columns {
        part: Vec<u8>,
        wasm_memory_bytes: u64,
    },
    /// The answer to a `hash` job: every file's SHA-256, hex, by dataset
    /// label, and the size this worker's WebAssembly memory grew to (it
    /// also profiled columns).
    Digests {
        digests: Vec<(String, String)>,
        wasm_memory_bytes: u64,
    },
    /// The job failed: a message for people.
    Error { message: String },
}

/// Files up to this size are hashed by Web Crypto (read whole into the
/// worker's JS memory, hashed natively); larger ones are read by ranges and
/// hashed in WebAssembly, so that a worker never holds a whole large file.
pub const WEB_CRYPTO_MAX_BYTES: u64 = 256 << 20;

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

    fn progress() -> RunProgress {
        let mut p = RunProgress {
            columns_done: 1,
            columns_total: 4,
            column: "age".into(),
            datasets: Vec::new(),
            ..Default::default()
        };
        for label in ["reference", "current"] {
            let d = p.dataset_mut(label);
            d.total_rows = 100;
            d.total_bytes = 1000;
        }
        p
    }

    #[test]
    fn browser_hashes_overlap_wasm_hashes_do_not() {
        // A free worker takes any file.
        assert!(may_take_hash(0, false, true));
        assert!(may_take_hash(0, false, false));
        // Files the browser hashes overlap, up to the cap.
        assert!(may_take_hash(1, false, true));
        assert!(!may_take_hash(BROWSER_HASHES, false, true));
        // A file hashed in wasm blocks the worker: nothing beside it, and
        // it does not join files the browser is hashing.
        assert!(!may_take_hash(1, true, true));
        assert!(!may_take_hash(1, false, false));
    }

    #[test]
    fn messages_round_trip() {
        for m in [
            FromWorker::Ready,
            FromWorker::Preview {
                json: "{}".into(),
                config: "{}".into(),
            },
            FromWorker::Progress(progress()),
            FromWorker::Report {
                json: "{}".into(),
                wasm_memory_bytes: 1 << 20,
            },
            FromWorker::Columns {
                part: vec![0, 1, 2],
                wasm_memory_bytes: 3 << 20,
            },
            FromWorker::Digests {
                digests: vec![
                    ("reference".into(), "ab".into()),
                    ("current".into(), "cd".into()),
                ],
                wasm_memory_bytes: 2 << 20,
            },
            FromWorker::Error {
                message: "bad file".into(),
            },
        ] {
            assert_eq!(FromWorker::from_json(&m.to_json()), Ok(m));
        }
        assert!(FromWorker::from_json("{\"kind\":\"nope\"}").is_err());
    }

    #[test]
    fn hashing_progress_merges_into_the_run_progress() {
        let mut run = progress();
        run.dataset_mut("reference").rows = 40;
        let mut hashing = RunProgress::default();
        hashing.dataset_mut("current").hashed = 700;
        hashing.dataset_mut("current").total_bytes = 1000;
        let both = run.clone().with_hashing_of(&hashing);
        assert_eq!(both.dataset_mut_ro("reference"), (40, 0));
        assert_eq!(both.dataset_mut_ro("current"), (0, 700));
        assert_eq!(both.columns_done, run.columns_done);
        // and the other way: the run's columns and rows, the hashing kept
        let later = progress().with_hashing_of(&both);
        assert_eq!(later.dataset_mut_ro("current"), (0, 700));
    }

    #[test]
    fn the_hashing_stream_gathers_every_workers_files() {
        // Two workers each hash a file; the page's hashing stream keeps
        // both, and a message of a worker that is finishing the run (no
        // bytes to hash) leaves them as they are.
        let hashed = |label: &str, bytes: u64, total: u64| {
            let mut p = RunProgress::default();
            p.dataset_mut(label).hashed = bytes;
            p.dataset_mut(label).total_bytes = total;
            p
        };
        let stream = RunProgress::default()
            .with_hashing_of(&hashed("reference", 300, 1000))
            .with_hashing_of(&hashed("current", 200, 900));
        let mut finishing = RunProgress::default();
        finishing.dataset_mut("reference").rows = 10;
        let stream = stream.with_hashing_of(&finishing);
        assert_eq!(stream.dataset_mut_ro("reference"), (0, 300));
        assert_eq!(stream.dataset_mut_ro("current"), (0, 200));
        let shown = progress().with_hashing_of(&stream);
        assert_eq!(shown.dataset_mut_ro("reference"), (0, 300));
        assert_eq!(shown.dataset_mut_ro("current"), (0, 200));
    }

    #[test]
    fn hashing_progress_has_its_own_stream() {
        // two workers: streams 0 and 1 are their columns, 2 the hashing
        assert_eq!(progress_stream(0, false, 3), 0);
        assert_eq!(progress_stream(1, false, 3), 1);
        assert_eq!(progress_stream(1, true, 3), 2);
        // four workers
        assert_eq!(progress_stream(3, false, 5), 3);
        assert_eq!(progress_stream(1, true, 5), 4);
        // never past the last stream
        assert_eq!(progress_stream(7, false, 3), 2);
        assert_eq!(progress_stream(0, false, 0), 0);
    }

    #[test]
    fn two_workers_columns_add_up() {
        let mut a = progress();
        a.columns_done = 2;
        a.columns_total = 3;
        let mut b = progress();
        b.columns_done = 1;
        b.columns_total = 2;
        let both = a.plus_columns_of(&b);
        assert_eq!((both.columns_done, both.columns_total), (3, 5));
    }

    #[test]
    fn every_workers_rows_show_per_dataset() {
        let mut a = progress();
        a.column = "age".into();
        a.dataset_mut("reference").rows = 40;
        a.dataset_mut("current").rows = 10;
        let mut b = progress();
        b.column = "income".into();
        b.dataset_mut("reference").rows = 70;
        // a third worker between columns, and one that has read no row yet
        let mut c = progress();
        c.column.clear();
        let mut d = RunProgress {
            column: "city".into(),
            ..RunProgress::default()
        };
        d.dataset_mut("current").rows = 5;
        let all = a
            .plus_columns_of(&b)
            .plus_columns_of(&c)
            .plus_columns_of(&d);
        assert_eq!(all.column, "age, income, city");
        let rows = |label: &str| {
            let d = all
                .datasets
                .iter()
                .find(|d| d.dataset == label)
                .expect("dataset");
            (d.rows, d.more_rows.clone(), d.rows_in_flight())
        };
        assert_eq!(rows("reference"), (40, vec![70, 0, 0], 110));
        assert_eq!(rows("current"), (10, vec![0, 0, 5], 15));
        // 1 + 1 + 1 of 12 columns done, and 110 + 15 of 100 rows each in flight
        assert_eq!((all.columns_done, all.columns_total), (3, 12));
        let expected = 0.8 * (3.0 + (1.1 + 0.15) / 2.0) / 12.0;
        assert!(
            (all.fraction() - expected).abs() < 1e-12,
            "{}",
            all.fraction()
        );
    }

    impl RunProgress {
        /// (rows, hashed) of a dataset, for the tests.
        fn dataset_mut_ro(&self, label: &str) -> (u64, u64) {
            self.datasets
                .iter()
                .find(|d| d.dataset == label)
                .map(|d| (d.rows, d.hashed))
                .unwrap_or_default()
        }
    }

    #[test]
    fn fraction_counts_rows_columns_and_hashing() {
        let mut p = progress();
        // One column of four done: 0.8 × 1/4.
        assert!((p.fraction() - 0.2).abs() < 1e-12);
        // Half of the next column read in both datasets.
        p.dataset_mut("reference").rows = 50;
        p.dataset_mut("current").rows = 50;
        assert!((p.fraction() - 0.8 * 1.5 / 4.0).abs() < 1e-12);
        // All columns, then all bytes hashed.
        p.columns_done = 4;
        p.dataset_mut("reference").rows = 0;
        p.dataset_mut("current").rows = 0;
        assert!((p.fraction() - 0.8).abs() < 1e-12);
        p.dataset_mut("reference").hashed = 1000;
        p.dataset_mut("current").hashed = 1000;
        assert!((p.fraction() - 1.0).abs() < 1e-12);
        assert_eq!(RunProgress::default().fraction(), 0.0);
    }
}
