//! # attest-onnx
//!
//! Runs an ONNX model for Attest's model checks
//! ([`attest_check::checks::model`]) natively, with ONNX Runtime — the same
//! runtime family as the page's ONNX Runtime Web, so that both give the
//! same numbers. The runtime is not linked: its shared library is loaded
//! when a model is first given, from `ORT_DYLIB_PATH`, else from the
//! `onnxruntime` Python package (`pip install onnxruntime`), else from the
//! system's library path. Without one, [`Runtime::load`] says how to get it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use attest_check::checks::model::{Batch, Runner, Tensor, TensorData};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::{DynValue, Tensor as OrtTensor, TensorElementType, ValueType};

/// How to get a runtime, for messages.
pub const HOW_TO_GET: &str = "the model checks need ONNX Runtime (1.17 or later): `pip install onnxruntime` (Attest finds the library in the Python package), or set ORT_DYLIB_PATH to libonnxruntime.so";

static RUNTIME: OnceLock<Result<(PathBuf, ort::environment::Environment), String>> =
    OnceLock::new();

/// The ONNX Runtime shared library, loaded once per process.
pub struct Runtime;

/// Where the shared library may be: `ORT_DYLIB_PATH`, then the Python
/// package's `onnxruntime/capi/` folders on the usual site-packages paths.
fn candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        out.push(PathBuf::from(p));
        return out;
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        roots.push(home.join(".local/lib"));
        // pyenv installs: ~/.pyenv/versions/*/lib
        if let Ok(versions) = std::fs::read_dir(home.join(".pyenv/versions")) {
            for v in versions.flatten() {
                roots.push(v.path().join("lib"));
            }
        }
    }
    for r in ["/usr/local/lib", "/usr/lib", "/opt/conda/lib"] {
        roots.push(PathBuf::from(r));
    }
    if let Some(venv) = std::env::var_os("VIRTUAL_ENV") {
        roots.insert(0, PathBuf::from(venv).join("lib"));
    }
    for root in roots {
        let Ok(entries) = std::fs::read_dir(&root) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with("python3") {
                continue;
            }
            for site in ["site-packages", "dist-packages"] {
                let capi = e.path().join(site).join("onnxruntime/capi");
                if let Ok(files) = std::fs::read_dir(&capi) {
                    let mut libs: Vec<PathBuf> = files
                        .flatten()
                        .map(|f| f.path())
                        .filter(|p| {
                            p.file_name()
                                .and_then(|n| n.to_str())
                                .is_some_and(|n| n.starts_with("libonnxruntime.so"))
                        })
                        .collect();
                    libs.sort();
                    out.extend(libs);
                }
            }
        }
    }
    out.push(PathBuf::from("libonnxruntime.so"));
    out
}

impl Runtime {
    /// Load the shared library (once); the path it came from.
    pub fn load() -> Result<PathBuf, String> {
        Self::environment().map(|(p, _)| p.clone())
    }

    fn environment() -> Result<&'static (PathBuf, ort::environment::Environment), String> {
        RUNTIME
            .get_or_init(|| {
                let mut tried = Vec::new();
                for path in candidates() {
                    let bare = path.components().count() == 1;
                    if !bare && !path.is_file() {
                        tried.push(format!("{} (no such file)", path.display()));
                        continue;
                    }
                    match ort::init_from(&path).map(|b| b.with_name("attest").build()) {
                        Ok(Ok(env)) => return Ok((path, env)),
                        Ok(Err(e)) => tried.push(format!("{}: {e}", path.display())),
                        Err(e) => tried.push(format!("{}: {e}", path.display())),
                    }
                }
                Err(format!("{HOW_TO_GET} (tried {})", tried.join("; ")))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// A loaded model.
pub struct OrtModel {
    session: Session,
}

impl OrtModel {
    /// Load a model (ZipMap already removed: [`attest_check::onnx::strip_zipmap`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let (_, env) = Runtime::environment()?;
        let session = Session::builder(env)
            .map_err(|e| e.to_string())?
            .with_optimization_level(GraphOptimizationLevel::Level1)
            .map_err(|e| e.to_string())?
            .commit_from_memory(bytes)
            .map_err(|e| format!("ONNX Runtime cannot load the model: {e}"))?;
        Ok(Self { session })
    }

    /// Load a model file.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = attest_check::onnx::strip_zipmap(&bytes).map_err(|e| e.to_string())?;
        Self::from_bytes(&bytes)
    }
}

fn to_ort(t: &Tensor) -> Result<DynValue, String> {
    let shape: Vec<i64> = t.shape.iter().map(|d| *d as i64).collect();
    let v = match &t.data {
        TensorData::F32(v) => OrtTensor::from_array((shape, v.clone())).map(|t| t.into_dyn()),
        TensorData::F64(v) => OrtTensor::from_array((shape, v.clone())).map(|t| t.into_dyn()),
        TensorData::I64(v) => OrtTensor::from_array((shape, v.clone())).map(|t| t.into_dyn()),
        TensorData::I32(v) => OrtTensor::from_array((shape, v.clone())).map(|t| t.into_dyn()),
        TensorData::Str(v) => {
            OrtTensor::from_string_array((shape, v.as_slice())).map(|t| t.into_dyn())
        }
    };
    v.map_err(|e| format!("input `{}`: {e}", t.name))
}

fn from_ort(name: &str, v: &DynValue) -> Result<Tensor, String> {
    let err = |e: ort::Error| format!("output `{name}`: {e}");
    let ty = match v.dtype() {
        ValueType::Tensor { ty, .. } => *ty,
        other => return Err(format!("output `{name}` is {other:?}, not a tensor")),
    };
    let (shape, data) = match ty {
        TensorElementType::Float32 => {
            let (s, d) = v.try_extract_tensor::<f32>().map_err(err)?;
            (s.to_vec(), TensorData::F32(d.to_vec()))
        }
        TensorElementType::Float64 => {
            let (s, d) = v.try_extract_tensor::<f64>().map_err(err)?;
            (s.to_vec(), TensorData::F64(d.to_vec()))
        }
        TensorElementType::Int64 => {
            let (s, d) = v.try_extract_tensor::<i64>().map_err(err)?;
            (s.to_vec(), TensorData::I64(d.to_vec()))
        }
        TensorElementType::Int32 => {
            let (s, d) = v.try_extract_tensor::<i32>().map_err(err)?;
            (s.to_vec(), TensorData::I32(d.to_vec()))
        }
        TensorElementType::String => {
            let (s, d) = v.try_extract_strings().map_err(err)?;
            (s.to_vec(), TensorData::Str(d))
        }
        other => return Err(format!("output `{name}` is a tensor of {other:?}")),
    };
    Ok(Tensor {
        name: name.to_string(),
        shape: shape.iter().map(|d| (*d).max(0) as usize).collect(),
        data,
    })
}

impl Runner for OrtModel {
    fn run(&mut self, batch: &Batch) -> Result<Vec<Tensor>, String> {
        let mut inputs = Vec::new();
        for t in &batch.inputs {
            inputs.push((t.name.clone(), to_ort(t)?));
        }
        let outputs = self.session.run(inputs).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for (name, value) in outputs.iter() {
            if matches!(value.dtype(), ValueType::Tensor { .. }) {
                out.push(from_ort(name, &value)?);
            }
        }
        Ok(out)
    }
}
