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
    let stripped = attest_check::onnx::strip_zipmap(&bytes)
        .with_context(|| format!("in the model file {}", path.display()))?;
    let info = attest_check::onnx::inspect(&stripped)
        .with_context(|| format!("in the model file {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| path.display().to_string());
    let probe = Probe::new(datasets, config, &name, &bytes, info).with_context(|| {
        format!(
            "the model {} cannot be fed from the datasets",
            path.display()
        )
    })?;
    Ok(Prepared { probe, stripped })
}

struct Terminal {
    enabled: bool,
}

impl ScoreProgress for Terminal {
    fn scored(&self, rows: u64, total: u64) {
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

/// Run the model on every batch. Without ONNX Runtime the checks are
/// skipped, saying how to get it; a model that fails to run is an error.
pub fn run(prepared: Prepared, progress: bool) -> Result<Vec<Check>> {
    let mut runner = match attest_onnx::OrtModel::from_bytes(&prepared.stripped) {
        Ok(r) => r,
        Err(e) if attest_onnx::Runtime::load().is_err() => {
            let _ = writeln!(std::io::stderr(), "attest: note: model checks skipped: {e}");
            return Ok(model::skipped(&format!(
                "skipped: no ONNX Runtime here — {}",
                attest_onnx::HOW_TO_GET
            )));
        }
        Err(e) => anyhow::bail!("{e}"),
    };
    let checks = model::score(prepared.probe, &mut runner, &Terminal { enabled: progress })?;
    Ok(checks)
}
