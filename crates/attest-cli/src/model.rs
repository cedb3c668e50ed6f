//! `--model MODEL.onnx`: the model checks (SPEC §3 "The model itself") with
//! ONNX Runtime, loaded at run time (`attest-onnx`).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use attest_check::checks::model::{self, Probe, ScoreProgress};
use attest_check::read::Datasets;
use attest_check::report::Check;
use attest_check::Config;

/// A model read and mapped to the datasets' columns, before it is run.
pub struct Prepared {
    probe: Probe,
    stripped: Vec<u8>,
}

/// Read the model file and plan its checks: a file that is not ONNX, or
/// whose inputs the datasets cannot feed, is an input error here, before
/// the run.
pub fn prepare(path: &Path, datasets: Datasets<'_>, config: &Config) -> Result<Prepared> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the model file {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    prepare_bytes(&name, &bytes, datasets, config)
        .with_context(|| format!("the model file {}", path.display()))
}

/// [`prepare`] for a model's bytes, under the display name `name`.
pub fn prepare_bytes(
    name: &str,
    bytes: &[u8],
    datasets: Datasets<'_>,
    config: &Config,
) -> Result<Prepared> {
    let stripped = attest_check::onnx::strip_zipmap(bytes).context("not a readable ONNX model")?;
    let info = attest_check::onnx::inspect(&stripped).context("not a readable ONNX model")?;
    let probe = Probe::new(datasets, config, name, bytes, info)
        .context("the model cannot be fed from the datasets")?;
    Ok(Prepared { probe, stripped })
}

struct Terminal {
    enabled: bool,
    /// When the last batch ended, and the time and rows by batch kind.
    last: std::cell::Cell<std::time::Instant>,
    spent: std::cell::RefCell<Vec<(String, std::time::Duration, u64)>>,
    rows: std::cell::Cell<u64>,
}

impl ScoreProgress for Terminal {
    fn scored(&self, kind: &str, rows: u64, total: u64) {
        let now = std::time::Instant::now();
        let took = now - self.last.replace(now);
        let batch = rows - self.rows.replace(rows);
        {
            let mut spent = self.spent.borrow_mut();
            match spent.iter_mut().find(|(k, _, _)| k == kind) {
                Some(s) => {
                    s.1 += took;
                    s.2 += batch;
                }
                None => spent.push((kind.to_string(), took, batch)),
            }
        }
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[Kscoring with the model: {rows}/{total} rows");
            if rows == total {
                let _ = write!(err, "\r\x1b[K");
            }
            let _ = err.flush();
        }
    }
}

/// Run the model on every batch, with progress on standard error when
/// `progress`. Without ONNX Runtime the checks are skipped, saying how to
/// get it; a model that fails to run is an error.
pub fn run(prepared: Prepared, progress: bool) -> Result<Vec<Check>> {
    let terminal = Terminal {
        enabled: progress,
        last: std::cell::Cell::new(std::time::Instant::now()),
        spent: Default::default(),
        rows: std::cell::Cell::new(0),
    };
    let Some(checks) = run_with(prepared, &terminal)? else {
        return Ok(model::skipped(&format!(
            "skipped: no ONNX Runtime here — {}",
            attest_onnx::HOW_TO_GET
        )));
    };
    // How long the model took, on standard error (the report has no clock).
    let parts: Vec<String> = terminal
        .spent
        .borrow()
        .iter()
        .map(|(kind, took, rows)| format!("{kind}: {rows} rows in {:.2} s", took.as_secs_f64()))
        .collect();
    let _ = writeln!(
        std::io::stderr(),
        "attest: model scored with ONNX Runtime — {}",
        parts.join(", ")
    );
    Ok(checks)
}

/// Run the model on every batch with ONNX Runtime, telling `progress`;
/// `None` when there is no ONNX Runtime here (a note on standard error).
pub fn run_with(prepared: Prepared, progress: &dyn ScoreProgress) -> Result<Option<Vec<Check>>> {
    let mut runner = match attest_onnx::OrtModel::from_bytes(&prepared.stripped) {
        Ok(r) => r,
        Err(e) if attest_onnx::Runtime::load().is_err() => {
            let _ = writeln!(std::io::stderr(), "attest: note: model checks skipped: {e}");
            return Ok(None);
        }
        Err(e) => anyhow::bail!("{e}"),
    };
    Ok(Some(model::score(prepared.probe, &mut runner, progress)?))
}
