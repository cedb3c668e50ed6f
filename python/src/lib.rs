//! `attest._attest`: the Python package's extension module — a thin entry
//! point over the same library and command line as the `attest` binary.
//!
//! Python hands over paths or Arrow PyCapsule streams; frames become
//! [`frame::ArrowFrame`] datasets, read column by column as the run asks.
//! The run happens on a thread of its own while the calling thread, without
//! the GIL, wakes every 100 ms to check for Ctrl-C (only the main thread
//! sees signals) and to report progress; a `KeyboardInterrupt` cancels the
//! run and is raised once it has stopped.

mod frame;
mod pymodel;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use attest_check::checks::model::ScoreProgress;
use attest_check::read::{Dataset, Datasets, Limits};
use attest_check::run::{run, Progress, RunOptions};
use attest_check::Config;
use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use pyo3_arrow::PyRecordBatchReader;

create_exception!(
    _attest,
    InputError,
    PyValueError,
    "Bad input: what the CLI exits 2 on (a missing column, an empty dataset, a bad configuration key, a file that is not Parquet or CSV, …)."
);
create_exception!(
    _attest,
    ModelError,
    PyRuntimeError,
    "The model raised or returned something Attest cannot use; the model's own exception is chained."
);

/// The `attest` command line (`argv[0]` is the program's name); returns
/// the exit status. The GIL is released while it runs.
#[pyfunction]
fn run_cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    i32::from(py.detach(|| attest_cli::run_cli(argv)))
}

/// The version of the library and the command line.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// One input dataset as Python gave it.
enum Input {
    Path(PathBuf),
    Frame {
        name: String,
        frame: Arc<dyn attest_check::read::FrameSource>,
    },
}

/// `(name, obj)`: `obj` a path (`str`) or an object with `__arrow_c_stream__`.
fn input(name: &str, obj: &Bound<'_, PyAny>, label: &str) -> PyResult<Input> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Input::Path(PathBuf::from(s.to_str()?)));
    }
    let reader: PyRecordBatchReader = obj.extract().map_err(|e| {
        InputError::new_err(format!(
            "the {label} dataset: {name} cannot be read as Arrow data: {e}"
        ))
    })?;
    let reader = reader.into_reader()?;
    let schema = reader.schema();
    let mut batches = Vec::new();
    for batch in reader {
        batches.push(batch.map_err(|e| {
            InputError::new_err(format!("the {label} dataset: reading {name}: {e}"))
        })?);
    }
    Ok(Input::Frame {
        name: name.to_string(),
        frame: frame::frame(schema, batches),
    })
}

fn open(label: &str, input: &Input, config: &Config) -> anyhow::Result<Dataset> {
    match input {
        Input::Path(p) => attest_cli::open(label, p, config),
        Input::Frame { name, frame } => {
            let limits = config.limits.resolve(Limits::NATIVE);
            Dataset::from_frame(label, name.clone(), frame.clone(), limits)
                .with_context(|| format!("cannot read the {label} dataset"))
        }
    }
}

/// Where a run is, shared between the run's thread and the caller's.
#[derive(Default)]
struct Shared {
    cancel: AtomicBool,
    columns_done: AtomicUsize,
    columns_total: AtomicUsize,
    rows_scored: AtomicU64,
    rows_total: AtomicU64,
}

impl Progress for Shared {
    fn column_done(&self, _column: &str, done: usize, total: usize) {
        self.columns_done.store(done, Ordering::Relaxed);
        self.columns_total.store(total, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

impl Shared {
    /// What the run is doing: ("columns", done, total) or ("model", rows, total).
    fn phase(&self) -> (&'static str, u64, u64) {
        let rows_total = self.rows_total.load(Ordering::Relaxed);
        if rows_total > 0 {
            (
                "model",
                self.rows_scored.load(Ordering::Relaxed),
                rows_total,
            )
        } else {
            (
                "columns",
                self.columns_done.load(Ordering::Relaxed) as u64,
                self.columns_total.load(Ordering::Relaxed) as u64,
            )
        }
    }
}

impl ScoreProgress for Shared {
    fn scored(&self, _kind: &str, rows: u64, total: u64) {
        self.rows_scored.store(rows, Ordering::Relaxed);
        self.rows_total.store(total, Ordering::Relaxed);
    }
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// The model argument, as the Python wrapper passes it on.
enum Model {
    None,
    Onnx { name: String, bytes: Vec<u8> },
    Python(pymodel::PyModel),
}

/// What a run gives back to Python.
struct Outcome {
    json: String,
    seconds: f64,
}

fn run_check(
    inputs: (&Input, &Input, Option<&Input>),
    config: &Config,
    model: &Model,
    baseline: Option<&(String, attest_check::Report)>,
    shared: &Shared,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let reference = open("reference", inputs.0, config)?;
    let current = open("current", inputs.1, config)?;
    let train = inputs.2.map(|t| open("train", t, config)).transpose()?;
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    let options = RunOptions {
        created_at: attest_cli::created_at()?,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        hash_inputs: true,
    };
    let prepared = match model {
        Model::None => None,
        Model::Onnx { name, bytes } => Some(attest_cli::model::prepare_bytes(
            name, bytes, datasets, config,
        )?),
        Model::Python(_) => None,
    };
    let probe = match model {
        Model::Python(m) => Some(m.probe(datasets, config)?),
        _ => None,
    };
    let mut report = run(datasets, config, &options, shared)?;
    if let Some(prepared) = prepared {
        let checks = match attest_cli::model::run_with(prepared, shared)? {
            Some(c) => c,
            None => attest_check::checks::model::skipped(&format!(
                "skipped: no ONNX Runtime here — {}",
                attest_onnx::HOW_TO_GET
            )),
        };
        attest_check::checks::model::attach(&mut report, checks);
    }
    if let (Some(probe), Model::Python(m)) = (probe, model) {
        let checks = m.score(probe, shared)?;
        attest_check::checks::model::attach(&mut report, checks);
    }
    if let Some((name, base)) = baseline {
        let check = attest_check::baseline::compare(&report, base, name, &config.baseline);
        attest_check::baseline::attach(&mut report, check);
    }
    Ok(Outcome {
        json: report.to_json(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A report document Attest can read, or the error saying why not.
fn parse(report_json: &str) -> PyResult<attest_check::Report> {
    attest_check::report::parse(report_json).map_err(|e| InputError::new_err(e.to_string()))
}

fn input_error(e: anyhow::Error) -> PyErr {
    InputError::new_err(format!("{e:#}"))
}

/// The roles given as keywords (`None` for those not given).
fn overrides(roles: &Bound<'_, PyDict>, skew: bool) -> PyResult<attest_cli::Overrides> {
    let one = |key: &str| -> PyResult<Option<String>> {
        match roles.get_item(key)? {
            Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
            _ => Ok(None),
        }
    };
    let many = |key: &str| -> PyResult<Vec<String>> {
        match roles.get_item(key)? {
            Some(v) if !v.is_none() => v.extract(),
            _ => Ok(Vec::new()),
        }
    };
    Ok(attest_cli::Overrides {
        id: one("id")?,
        timestamp: one("timestamp")?,
        prediction: one("prediction")?,
        score: one("score")?,
        label: one("label")?,
        challenger_score: one("challenger_score")?,
        challenger_prediction: one("challenger_prediction")?,
        sensitive: many("sensitive")?,
        segments: many("segments")?,
        class_scores: many("class_scores")?,
        attribution: many("attribution")?,
        skew,
    })
}

/// Run the checks (`attest.check` in `attest/__init__.py` normalises the
/// arguments): `reference`, `current` and `train` are `(name, path or
/// Arrow stream)`; `config_path` an `attest.toml`, else `config_json` the
/// configuration as JSON; `roles` the role keywords; `model` `None`, `(name,
/// bytes)` of an ONNX model, or a Python model; `progress(phase, done,
/// total)` is called on this thread about every 100 ms from 2 s on.
/// Returns `(report_json, seconds)`.
#[pyfunction]
#[pyo3(signature = (reference, current, train, config_path, config_json, roles, skew, model, progress, baseline=None, trusted_keys=None))]
#[allow(clippy::too_many_arguments)]
fn check(
    py: Python<'_>,
    reference: (String, Bound<'_, PyAny>),
    current: (String, Bound<'_, PyAny>),
    train: Option<(String, Bound<'_, PyAny>)>,
    config_path: Option<PathBuf>,
    config_json: Option<String>,
    roles: Bound<'_, PyDict>,
    skew: bool,
    model: Option<Bound<'_, PyAny>>,
    progress: Option<Bound<'_, PyAny>>,
    baseline: Option<(String, String)>,
    trusted_keys: Option<String>,
) -> PyResult<(String, f64)> {
    // The configuration, then the keywords over it (as the CLI's flags).
    let mut config = match (&config_path, &config_json) {
        (Some(p), _) => attest_cli::read_config(Some(p)).map_err(input_error)?,
        (None, Some(json)) => Config::from_json(json)
            .context("in the configuration")
            .map_err(input_error)?,
        (None, None) => Config::default(),
    };
    overrides(&roles, skew)?.apply(&mut config);
    config
        .validate()
        .context("the configuration with the keywords given")
        .map_err(input_error)?;
    // The baseline is read (and its approval checked) before the run.
    let baseline = match baseline {
        None => None,
        Some((name, text)) => {
            let report = parse(&text)
                .map_err(|e| InputError::new_err(format!("the baseline {name}: {e}")))?;
            if let Some(keys) = &trusted_keys {
                let keys: attest_check::sign::TrustedKeys = serde_json::from_str(keys)
                    .map_err(|e| InputError::new_err(format!("not a trusted-keys file: {e}")))?;
                attest_check::baseline::require_approval(&text, &keys).map_err(|why| {
                    InputError::new_err(format!("the baseline {name} is not approved: {why}"))
                })?;
            }
            Some((name, report))
        }
    };
    let reference = input(&reference.0, &reference.1, "reference")?;
    let current = input(&current.0, &current.1, "current")?;
    let train = train
        .map(|(name, obj)| input(&name, &obj, "train"))
        .transpose()?;
    let model = match model {
        None => Model::None,
        Some(m) => {
            let kind: String = m.get_item(0)?.extract()?;
            if kind == "onnx" {
                let name: String = m.get_item(1)?.extract()?;
                let bytes = m.get_item(2)?.cast_into::<PyBytes>()?.as_bytes().to_vec();
                Model::Onnx { name, bytes }
            } else {
                Model::Python(pymodel::PyModel::new(m.get_item(1)?.unbind()))
            }
        }
    };

    // The run owns what it reads, on a thread of its own: on Ctrl-C this
    // thread raises at once, and the run stops at its next cancellation
    // point (a column, a model batch) and frees its data there.
    let shared = Arc::new(Shared::default());
    let started = Instant::now();
    let mut interrupted: Option<PyErr> = None;
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let done_rx = std::sync::Mutex::new(done_rx);
    let worker_shared = shared.clone();
    let spawned = std::thread::Builder::new()
        .name("attest-check".into())
        .spawn(move || {
            // A panic in the library is an error, never an abort.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_check(
                    (&reference, &current, train.as_ref()),
                    &config,
                    &model,
                    baseline.as_ref(),
                    &worker_shared,
                )
            }));
            // Python objects (the model) are dropped with the GIL held.
            Python::attach(|_| drop(model));
            let _ = done_tx.send(outcome);
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the run: {e}")))?;
    let outcome = loop {
        let waited = py.detach(|| match done_rx.lock() {
            Ok(rx) => rx.recv_timeout(Duration::from_millis(100)),
            Err(_) => Err(std::sync::mpsc::RecvTimeoutError::Disconnected),
        });
        match waited {
            Ok(outcome) => break Some(outcome),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break None,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        if let Err(e) = py.check_signals() {
            shared.cancel.store(true, Ordering::Relaxed);
            interrupted = Some(e);
            break None;
        }
        if let Some(cb) = &progress {
            if started.elapsed() >= Duration::from_secs(2) {
                let (phase, done, total) = shared.phase();
                // A progress bar that fails is not worth the run.
                let _ = cb.call1((phase, done, total));
            }
        }
    };
    if outcome.is_some() {
        let _ = py.detach(|| spawned.join());
    }
    if let Some(e) = interrupted {
        return Err(e);
    }
    if let Some(cb) = &progress {
        if started.elapsed() >= Duration::from_secs(2) {
            let _ = cb.call1(("done", 1u64, 1u64));
        }
    }
    match outcome {
        None => Err(PyRuntimeError::new_err(
            "attest: internal error (a bug; please report it): the run ended without a result",
        )),
        Some(Ok(Ok(o))) => Ok((o.json, o.seconds)),
        Some(Ok(Err(e))) => Err(match e.downcast::<pymodel::Raised>() {
            Ok(raised) => raised.into_pyerr(py),
            Err(e) => input_error(e),
        }),
        Some(Err(panic)) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into());
            Err(PyRuntimeError::new_err(format!(
                "attest: internal error (a bug; please report it): {what}"
            )))
        }
    }
}

/// The report embedded in a one-file HTML report (its JSON text).
#[pyfunction]
fn report_from_html(text: &str) -> PyResult<String> {
    attest_check::bundle::parts(text)
        .map(|p| p.report_json)
        .map_err(|e| InputError::new_err(format!("not a one-file HTML report: {e}")))
}

/// Check a report (JSON, or the text of a one-file HTML report) is a
/// report Attest can read; returns its JSON text.
#[pyfunction]
fn parse_report(text: &str) -> PyResult<String> {
    let json = if text.trim_start().starts_with('<') {
        report_from_html(text)?
    } else {
        text.to_string()
    };
    attest_check::report::parse(&json)
        .map_err(|e| InputError::new_err(format!("not an Attest report: {e}")))?;
    Ok(json)
}

/// The one-file interactive HTML report (the viewer built into this
/// package), or the static page when the package was built without one;
/// returns `(html, interactive)`.
#[pyfunction]
fn one_file_html(report_json: &str) -> PyResult<(String, bool)> {
    let viewer = attest_cli::viewer::find(None).map_err(input_error)?;
    match viewer {
        Some(v) => attest_check::bundle::one_file_html(&v, report_json)
            .map(|h| (h, true))
            .map_err(|e| InputError::new_err(e.to_string())),
        None => {
            let report = parse(report_json)?;
            Ok((attest_cli::html::render(&report), false))
        }
    }
}

/// The plain-text summary the CLI prints after a run.
#[pyfunction]
fn summary(report_json: &str, seconds: f64) -> PyResult<String> {
    let report = parse(report_json)?;
    Ok(attest_cli::summary::render(
        &report,
        Duration::from_secs_f64(seconds.max(0.0)),
    ))
}

/// The Markdown summary of a report (SPEC §8), as `attest check --markdown` writes it.
#[pyfunction]
fn markdown(report_json: &str) -> PyResult<String> {
    let report = parse(report_json)?;
    Ok(attest_cli::markdown::render(&report))
}

/// JUnit XML of a report, as `attest check --junit` writes it.
#[pyfunction]
fn junit(report_json: &str) -> PyResult<String> {
    let report = parse(report_json)?;
    Ok(attest_cli::junit::render(&report))
}

/// Verify a report's signatures as `attest verify` does: returns
/// `(valid, text, verification_json)`; `trusted_keys_json` is the text of
/// a trusted-keys file, or `None`.
#[pyfunction]
#[pyo3(signature = (report_text, trusted_keys_json, label))]
fn verify(
    report_text: &str,
    trusted_keys_json: Option<&str>,
    label: &str,
) -> PyResult<(bool, String, String)> {
    let trusted = trusted_keys_json
        .map(serde_json::from_str::<attest_check::sign::TrustedKeys>)
        .transpose()
        .map_err(|e| InputError::new_err(format!("not a trusted-keys file: {e}")))?;
    if trusted.as_ref().is_some_and(|t| t.keys.is_empty()) {
        return Err(InputError::new_err("the trusted-keys file lists no keys"));
    }
    let v = attest_check::sign::verify_report(report_text, trusted.as_ref());
    let text = attest_cli::signoff::describe(&v, label, trusted.is_some());
    let json = serde_json::to_string(&v).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((v.all_valid(trusted.is_some()), text, json))
}

#[pymodule]
fn _attest(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(run_cli, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(report_from_html, m)?)?;
    m.add_function(wrap_pyfunction!(parse_report, m)?)?;
    m.add_function(wrap_pyfunction!(one_file_html, m)?)?;
    m.add_function(wrap_pyfunction!(summary, m)?)?;
    m.add_function(wrap_pyfunction!(junit, m)?)?;
    m.add_function(wrap_pyfunction!(markdown, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    Ok(())
}
