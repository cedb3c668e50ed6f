//! A Python model (scikit-learn style object or plain callable) as the
//! model the checks of SPEC §3 "The model itself" probe: the same probe as
//! an ONNX model's (`attest_check::checks::model::Probe`), with one input
//! per feature column and the model called through `attest._model.Adapter`
//! (Python), which makes the pandas DataFrame and reads `predict_proba`,
//! `predict` or the callable's output.

use std::sync::Mutex;

use anyhow::Context;
use attest_check::checks::model::{Batch, Probe, ScoreProgress, Tensor, TensorData};
use attest_check::columns::{is_integer_type, natural_kind, ColumnType, Kind};
use attest_check::onnx::{Elem, ModelInfo, Value, ValueType};
use attest_check::read::Datasets;
use attest_check::report::Check;
use attest_check::Config;
use pyo3::prelude::*;
use pyo3::types::PyList;

/// The Python model raised, or returned what Attest cannot use: the batch
/// it was scoring and the exception (raised as `attest.ModelError`).
#[derive(Debug)]
pub struct Raised {
    message: String,
    cause: Option<PyErr>,
}

impl std::fmt::Display for Raised {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Raised {}

impl Raised {
    /// The `attest.ModelError`, with the model's exception as its cause.
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        let e = crate::ModelError::new_err(self.message);
        if let Some(cause) = self.cause {
            e.set_cause(py, Some(cause));
        }
        e
    }
}

/// The adapter object (`attest._model.Adapter`) around the user's model.
pub struct PyModel {
    adapter: Py<PyAny>,
    /// What the adapter said of the model: name, kind, classes, fingerprint.
    described: Mutex<Option<Described>>,
}

#[derive(Clone)]
struct Described {
    name: String,
    fingerprint: Vec<u8>,
    classes: Option<Vec<String>>,
    /// Whether the model's classes are integers (the label output is then int64).
    int_classes: bool,
    /// "classifier", "regressor" or "callable".
    kind: String,
    features: Vec<String>,
    task: String,
}

fn py_error(message: String, cause: PyErr) -> anyhow::Error {
    anyhow::Error::new(Raised {
        message,
        cause: Some(cause),
    })
}

impl PyModel {
    pub fn new(adapter: Py<PyAny>) -> Self {
        Self {
            adapter,
            described: Mutex::new(None),
        }
    }

    /// Plan the model's checks: its features, inputs and outputs, as the
    /// probe of an ONNX model with one input per feature column.
    pub fn probe(&self, datasets: Datasets<'_>, config: &Config) -> anyhow::Result<Probe> {
        let plan = attest_check::plan::plan(datasets, config)?;
        // The task from the label (else the prediction) column.
        let target = plan
            .roles
            .label
            .as_ref()
            .or(plan.roles.prediction.as_ref())
            .filter(|c| datasets.reference.column_type(c).is_some());
        let task = match target {
            Some(c) => {
                let column = datasets.reference.read_column(c)?;
                match attest_check::targets::detect_task(config.task, &[&column]) {
                    Ok(t) => format!("{t:?}").to_ascii_lowercase(),
                    Err(_) => "binary".into(),
                }
            }
            None => "binary".into(),
        };
        let d = Python::attach(|py| -> anyhow::Result<Described> {
            let a = self.adapter.bind(py);
            a.setattr("threshold", config.performance.decision_threshold)
                .map_err(|e| py_error("the model".into(), e))?;
            fn call<'py>(
                what: &str,
                r: PyResult<Bound<'py, PyAny>>,
            ) -> anyhow::Result<Bound<'py, PyAny>> {
                r.map_err(|e| py_error(format!("the model: {what}"), e))
            }
            let features: Vec<String> = call(
                "its feature columns",
                a.call_method1("features", (config.model.features.clone(),)),
            )?
            .extract()
            .context("the model's features are not a list of column names")?;
            let classes: Option<Vec<String>> = call("its classes", a.call_method0("classes"))?
                .extract()
                .context("the model's classes")?;
            Ok(Described {
                name: call("its name", a.getattr("name"))?.extract()?,
                fingerprint: call("its fingerprint", a.call_method0("fingerprint"))?.extract()?,
                int_classes: call("its classes", a.getattr("int_classes"))?.extract()?,
                kind: call("its kind", a.getattr("kind"))?.extract()?,
                classes,
                features,
                task,
            })
        })?;
        if d.features.is_empty() {
            anyhow::bail!(
                "the model's features are not known: it has no `feature_names_in_`; name them in the configuration, `[model] features = [\"column\", …]`"
            );
        }
        let mut inputs = Vec::new();
        for f in &d.features {
            let ty = datasets.current.column_type(f).ok_or_else(|| {
                anyhow::anyhow!(
                    "the model's feature `{f}` is not a column of the current dataset (its columns: {})",
                    datasets.current.column_list()
                )
            })?;
            let elem = match (ty, natural_kind(ty)) {
                (t, _) if is_integer_type(t) => Elem::Int64,
                (ColumnType::Boolean, _) => Elem::String,
                (_, Some(Kind::Numeric)) => Elem::Double,
                _ => Elem::String,
            };
            inputs.push(Value {
                name: f.clone(),
                ty: ValueType::Tensor {
                    elem,
                    dims: Some(vec![None, Some(1)]),
                },
            });
        }
        let tensor = |name: &str, elem| Value {
            name: name.into(),
            ty: ValueType::Tensor { elem, dims: None },
        };
        let regression = d.kind == "regressor" || (d.kind == "callable" && d.task == "regression");
        let outputs = if regression {
            vec![tensor("value", Elem::Double)]
        } else {
            let label = if d.int_classes {
                Elem::Int64
            } else {
                Elem::String
            };
            vec![
                tensor("label", label),
                tensor("probabilities", Elem::Double),
            ]
        };
        let info = ModelInfo {
            inputs,
            outputs,
            operators: Vec::new(),
            producer: "python".into(),
            classes: d.classes.clone(),
            zipmap: false,
        };
        // The config's `[model] inputs` maps ONNX inputs; a Python model's
        // inputs are its feature columns.
        let mut config = config.clone();
        config.model.inputs.clear();
        let probe = Probe::new(datasets, &config, &d.name, &d.fingerprint, info)
            .context("the model cannot be fed from the datasets")?;
        if let Ok(mut slot) = self.described.lock() {
            *slot = Some(d);
        }
        Ok(probe)
    }

    /// Score every batch with the Python model, then build the checks.
    pub fn score(
        &self,
        mut probe: Probe,
        progress: &dyn ScoreProgress,
    ) -> anyhow::Result<Vec<Check>> {
        let d = self
            .described
            .lock()
            .ok()
            .and_then(|d| d.clone())
            .context("the model was not planned")?;
        let classes = probe.classes().to_vec();
        let total = probe.total_rows();
        let mut done = 0u64;
        for i in 0..probe.batches() {
            if progress.cancelled() {
                return Err(attest_check::Error::Cancelled.into());
            }
            let batch = probe.batch(i)?;
            let kind = probe.batch_kind(i);
            let out = self
                .run(&batch, &d, &classes)
                .map_err(|e| match e.downcast::<Raised>() {
                    Ok(r) => anyhow::Error::new(Raised {
                        message: format!(
                            "the model failed on the batch \"{kind}\" ({} rows): {}",
                            batch.rows, r.message
                        ),
                        cause: r.cause,
                    }),
                    Err(e) => e.context(format!("the model's output on the batch \"{kind}\"")),
                })?;
            probe.accept(i, out)?;
            done += batch.rows as u64;
            progress.scored(&kind, done, total);
        }
        Ok(probe.finish())
    }

    /// One call of the model: the batch's columns to Python, its outputs back.
    fn run(&self, batch: &Batch, d: &Described, classes: &[String]) -> anyhow::Result<Vec<Tensor>> {
        Python::attach(|py| -> anyhow::Result<Vec<Tensor>> {
            let columns = pyo3::types::PyDict::new(py);
            for t in &batch.inputs {
                let list = match &t.data {
                    TensorData::F64(v) => PyList::new(py, v)?,
                    TensorData::F32(v) => PyList::new(py, v)?,
                    TensorData::I64(v) => PyList::new(py, v)?,
                    TensorData::I32(v) => PyList::new(py, v)?,
                    TensorData::Str(v) => {
                        PyList::new(py, v.iter().map(|s| (!s.is_empty()).then_some(s.as_str())))?
                    }
                };
                columns.set_item(&t.name, list)?;
            }
            let out = self
                .adapter
                .bind(py)
                .call_method1(
                    "run",
                    (columns, batch.rows, classes.to_vec(), d.task.as_str()),
                )
                .map_err(|e| py_error("it raised".into(), e))?;
            let labels = Some(out.get_item(0)?).filter(|l| !l.is_none());
            let probs: Option<Vec<f64>> = out
                .get_item(1)?
                .extract()
                .context("the model's probabilities are not numbers")?;
            let values: Option<Vec<f64>> = out
                .get_item(2)?
                .extract()
                .context("the model's predictions are not numbers")?;
            let mut tensors = Vec::new();
            if let Some(l) = labels {
                let data = if d.int_classes {
                    TensorData::I64(l.extract().context("its classes are not integers")?)
                } else {
                    TensorData::Str(l.extract().context("its classes are not texts")?)
                };
                tensors.push(Tensor {
                    name: "label".into(),
                    shape: vec![batch.rows],
                    data,
                });
            }
            if let Some(p) = probs {
                let width = p.len().checked_div(batch.rows).unwrap_or(0);
                tensors.push(Tensor {
                    name: "probabilities".into(),
                    shape: vec![batch.rows, width],
                    data: TensorData::F64(p),
                });
            }
            if let Some(v) = values {
                tensors.push(Tensor {
                    name: "value".into(),
                    shape: vec![batch.rows],
                    data: TensorData::F64(v),
                });
            }
            Ok(tensors)
        })
    }
}
