//! The run: datasets in, report out.
//!
//! bytes → Arrow batches (read) → column views (columns) → profiles
//! (profile, stats) → checks → report. Columns are processed one at a time
//! per worker thread (both cores with the `parallel` feature), and each
//! column's arrays are dropped as soon as its profile is done.

use std::sync::Mutex;

use crate::checks;
use crate::columns::{into_numeric, to_codes, Interner, Kind, MISSING};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::plan::{plan, ColumnPlan, Plan, Role};
use crate::profile::{categorical_profile, numeric_profile, Profile};
use crate::read::Dataset;
use crate::report::{Input, Report, Tool, FORMAT, SCHEMA_VERSION};
use crate::source::sha256_hex_with;

/// Options of a run that are not part of the configuration.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// RFC 3339 time written as `created_at` (the library reads no clock).
    pub created_at: String,
    /// Tool name and version written in the report.
    pub tool_version: String,
    /// Hash the input files (SHA-256) in the run. A caller that hashes them
    /// elsewhere at the same time (the web app, in a second worker) sets
    /// this to false and then gives the digests with
    /// [`Report::set_digests`]; until then `inputs[].sha256` is empty.
    pub hash_inputs: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            created_at: "1970-01-01T00:00:00Z".into(),
            tool_version: crate::VERSION.into(),
            hash_inputs: true,
        }
    }
}

/// Progress of a run: columns profiled, rows decoded, bytes hashed.
pub trait Progress: Sync {
    /// A column's profile is done (`done` of `total`).
    fn column_done(&self, _column: &str, _done: usize, _total: usize) {}
    /// `rows` of the `total` rows of `column` decoded in `dataset` (its label,
    /// e.g. "reference"); called after each batch.
    fn rows_read(&self, _dataset: &str, _column: &str, _rows: usize, _total: usize) {}
    /// `bytes` of the `total` bytes of `dataset`'s file hashed (SHA-256).
    fn hashed(&self, _dataset: &str, _bytes: u64, _total: u64) {}
    /// Return true to stop the run as soon as possible.
    fn cancelled(&self) -> bool {
        false
    }
}

/// No progress reporting.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A column's profile, or why it could not be made.
#[derive(Debug, Clone)]
pub struct ColumnResult {
    pub plan: ColumnPlan,
    pub profile: Option<std::result::Result<Profile, String>>,
}

/// A profile as it crosses between workers (externally tagged: the
/// report's evidence tags `Profile` internally, which a compact binary
/// format cannot read back).
#[derive(serde::Serialize, serde::Deserialize)]
enum WireProfile {
    Numeric(Box<crate::profile::NumericProfile>),
    Categorical(crate::profile::CategoricalProfile),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct WireColumn {
    index: u32,
    name: String,
    profile: Option<std::result::Result<WireProfile, String>>,
}

/// Profiles of some columns and their share of the row hashes, made by one
/// worker for a run finished by another ([`run_with_parts`]). The browser
/// has no threads: the page splits the columns between two Web Workers.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ColumnsPart {
    columns: Vec<WireColumn>,
    #[serde(with = "le_u64s")]
    reference_hashes: Vec<u64>,
    #[serde(with = "le_u64s")]
    current_hashes: Vec<u64>,
}

/// Row hashes as one byte string of little-endian words: 8 bytes a row
/// (postcard's varints take 10 for a random 64-bit word, and a visit each).
mod le_u64s {
    use serde::de::{Error, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
        s.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        struct Words;
        impl Visitor<'_> for Words {
            type Value = Vec<u64>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes holding 64-bit words")
            }
            fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<Vec<u64>, E> {
                if !b.len().is_multiple_of(8) {
                    return Err(E::custom("row hashes are not whole 64-bit words"));
                }
                Ok(b.chunks_exact(8)
                    .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect())
            }
        }
        d.deserialize_bytes(Words)
    }
}

impl ColumnsPart {
    /// Compact bytes (postcard; floats bit for bit).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        postcard::to_allocvec(self)
            .map_err(|e| Error::Config(format!("cannot encode columns: {e}")))
    }
    /// Read [`to_bytes`](Self::to_bytes) back.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        postcard::from_bytes(bytes)
            .map_err(|e| Error::Config(format!("cannot decode columns: {e}")))
    }
    /// How many columns it holds.
    pub fn len(&self) -> usize {
        self.columns.len()
    }
    /// Whether it holds no column.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }
}

/// Row hashes summed over columns, to count duplicate rows.
struct RowHashes {
    reference: Mutex<Vec<u64>>,
    current: Mutex<Vec<u64>>,
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn add_hashes(target: &Mutex<Vec<u64>>, column_index: usize, values: impl Iterator<Item = u64>) {
    let salt = (column_index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    if let Ok(mut t) = target.lock() {
        for (slot, v) in t.iter_mut().zip(values) {
            *slot = slot.wrapping_add(mix(v ^ salt));
        }
    }
}

fn numeric_bits(v: f64) -> u64 {
    if v.is_nan() {
        0x7ff8_0000_0000_0001
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// Duplicate rows: rows whose hash equals an earlier row's.
fn duplicates(hashes: &Mutex<Vec<u64>>) -> u64 {
    let Ok(h) = hashes.lock() else { return 0 };
    let mut v = h.clone();
    radsort::sort(&mut v);
    v.windows(2).filter(|w| w[0] == w[1]).count() as u64
}

fn profile_column(
    index: usize,
    plan: &ColumnPlan,
    reference: &Dataset,
    current: &Dataset,
    hashes: &RowHashes,
    progress: &dyn Progress,
) -> Result<ColumnResult> {
    let Some(kind) = plan.kind.filter(|_| plan.comparable()) else {
        return Ok(ColumnResult {
            plan: plan.clone(),
            profile: None,
        });
    };
    let read = |ds: &Dataset| {
        ds.read_column_with(&plan.name, &mut |rows| {
            progress.rows_read(ds.label(), &plan.name, rows, ds.rows())
        })
    };
    let ra = read(reference)?;
    let ca = read(current)?;
    let drift = !matches!(plan.role, Role::Id | Role::Timestamp);
    let where_ = |ds: &Dataset, m: String| format!("{} ({}): {m}", ds.label(), ds.name());
    let profile = match kind {
        Kind::Numeric => match (into_numeric(ra), into_numeric(ca)) {
            (Ok(r), Ok(c)) => {
                add_hashes(&hashes.reference, index, r.iter().map(|v| numeric_bits(*v)));
                add_hashes(&hashes.current, index, c.iter().map(|v| numeric_bits(*v)));
                Ok(Profile::Numeric(Box::new(numeric_profile(&r, &c, drift))))
            }
            (Err(m), _) => Err(where_(reference, m)),
            (_, Err(m)) => Err(where_(current, m)),
        },
        Kind::Categorical => {
            let mut interner = Interner::default();
            match to_codes(&ra, &mut interner) {
                Err(m) => Err(where_(reference, m)),
                Ok(r) => match to_codes(&ca, &mut interner) {
                    Err(m) => Err(where_(current, m)),
                    Ok(c) => {
                        drop((ra, ca));
                        let h = |x: &u32| {
                            if *x == MISSING {
                                u64::MAX
                            } else {
                                u64::from(*x)
                            }
                        };
                        add_hashes(&hashes.reference, index, r.iter().map(h));
                        add_hashes(&hashes.current, index, c.iter().map(h));
                        Ok(Profile::Categorical(categorical_profile(&r, &c, &interner)))
                    }
                },
            }
        }
    };
    Ok(ColumnResult {
        plan: plan.clone(),
        profile: Some(profile),
    })
}

/// Everything the checks are built from.
pub struct RunData<'a> {
    pub config: &'a Config,
    pub plan: Plan,
    pub columns: Vec<ColumnResult>,
    pub reference: &'a Dataset,
    pub current: &'a Dataset,
    pub duplicate_rows: (u64, u64),
    /// Performance inputs, or why there are none.
    pub performance: std::result::Result<checks::performance::Loaded, String>,
}

impl RunData<'_> {
    /// Results of the columns with a role.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &ColumnResult> {
        self.columns.iter().filter(move |c| c.plan.role == role)
    }
}

/// Run every configured check on `reference` vs `current`.
pub fn run(
    reference: &Dataset,
    current: &Dataset,
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Report> {
    run_with_parts(reference, current, config, options, progress, Vec::new())
}

/// The plan and zeroed row hashes of a run.
fn start(reference: &Dataset, current: &Dataset, config: &Config) -> Result<(Plan, RowHashes)> {
    config.validate()?;
    for ds in [reference, current] {
        if ds.rows() == 0 {
            return Err(Error::Empty {
                dataset: ds.label().to_string(),
                name: ds.name().to_string(),
            });
        }
    }
    let plan = plan(reference, current, config)?;
    let zeros = |ds: &Dataset| -> Result<Vec<u64>> {
        let mut v = Vec::new();
        v.try_reserve_exact(ds.rows())
            .map_err(|_| Error::TooLarge {
                name: ds.name().to_string(),
                rows: ds.rows() as u64,
            })?;
        v.resize(ds.rows(), 0);
        Ok(v)
    };
    let hashes = RowHashes {
        reference: Mutex::new(zeros(reference)?),
        current: Mutex::new(zeros(current)?),
    };
    Ok((plan, hashes))
}

/// Profile only the columns whose index (in the run's plan) `take` accepts,
/// for a run that another worker finishes with [`run_with_parts`].
pub fn profile_columns(
    reference: &Dataset,
    current: &Dataset,
    config: &Config,
    take: &dyn Fn(usize) -> bool,
    progress: &dyn Progress,
) -> Result<ColumnsPart> {
    let (plan, hashes) = start(reference, current, config)?;
    let chosen: Vec<(usize, &ColumnPlan)> = plan
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| take(*i))
        .collect();
    let mut columns = Vec::with_capacity(chosen.len());
    for (n, (i, p)) in chosen.iter().enumerate() {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let r = profile_column(*i, p, reference, current, &hashes, progress)?;
        progress.column_done(&p.name, n + 1, chosen.len());
        columns.push(WireColumn {
            index: *i as u32,
            name: p.name.clone(),
            profile: r.profile.map(|p| {
                p.map(|p| match p {
                    Profile::Numeric(n) => WireProfile::Numeric(n),
                    Profile::Categorical(c) => WireProfile::Categorical(c),
                })
            }),
        });
    }
    let take_hashes = |m: Mutex<Vec<u64>>| m.into_inner().unwrap_or_default();
    Ok(ColumnsPart {
        columns,
        reference_hashes: take_hashes(hashes.reference),
        current_hashes: take_hashes(hashes.current),
    })
}

/// [`run`], with some columns already profiled elsewhere (`parts`, from
/// [`profile_columns`] on the same files and configuration): only the
/// others are read here. The report is the same as `run`'s.
pub fn run_with_parts(
    reference: &Dataset,
    current: &Dataset,
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
    parts: Vec<ColumnsPart>,
) -> Result<Report> {
    let (plan, hashes) = start(reference, current, config)?;
    let mut given: std::collections::HashMap<usize, ColumnResult> = Default::default();
    for part in parts {
        let mismatch = |what: &str| {
            Error::Config(format!(
                "columns profiled elsewhere do not match this run ({what})"
            ))
        };
        for (target, add) in [
            (&hashes.reference, part.reference_hashes),
            (&hashes.current, part.current_hashes),
        ] {
            let mut t = target.lock().map_err(|_| mismatch("row hashes"))?;
            if t.len() != add.len() {
                return Err(mismatch("row counts"));
            }
            for (slot, v) in t.iter_mut().zip(add) {
                *slot = slot.wrapping_add(v);
            }
        }
        for c in part.columns {
            let i = c.index as usize;
            let p = plan
                .columns
                .get(i)
                .filter(|p| p.name == c.name)
                .ok_or_else(|| mismatch(&c.name))?;
            let profile = c.profile.map(|r| {
                r.map(|w| match w {
                    WireProfile::Numeric(n) => Profile::Numeric(n),
                    WireProfile::Categorical(c) => Profile::Categorical(c),
                })
            });
            given.insert(
                i,
                ColumnResult {
                    plan: p.clone(),
                    profile,
                },
            );
        }
    }
    let total = plan.columns.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let work = |(i, p): (usize, &ColumnPlan)| -> Result<ColumnResult> {
        if progress.cancelled() {
            return Err(Error::Cancelled);
        }
        let r = match given.get(&i) {
            Some(r) => Ok(r.clone()),
            None => profile_column(i, p, reference, current, &hashes, progress),
        };
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress.column_done(&p.name, n, total);
        r
    };
    let hash = |ds: &Dataset| {
        let total = ds.source().len();
        sha256_hex_with(ds.source().as_ref(), &mut |bytes| {
            progress.hashed(ds.label(), bytes, total)
        })
    };
    let hash_inputs = || -> Result<(String, String)> {
        if options.hash_inputs {
            Ok((hash(reference)?, hash(current)?))
        } else {
            Ok((String::new(), String::new()))
        }
    };
    let prepare_performance = || checks::performance::prepare(&plan, reference, current, config);
    #[cfg(feature = "parallel")]
    let (columns, (digests, performance)) = {
        use rayon::prelude::*;
        rayon::join(
            || {
                plan.columns
                    .par_iter()
                    .enumerate()
                    .map(work)
                    .collect::<Vec<_>>()
            },
            || rayon::join(hash_inputs, prepare_performance),
        )
    };
    #[cfg(not(feature = "parallel"))]
    let (columns, (digests, performance)) = (
        plan.columns
            .iter()
            .enumerate()
            .map(work)
            .collect::<Vec<_>>(),
        (hash_inputs(), prepare_performance()),
    );
    let performance = performance?;
    let columns = columns.into_iter().collect::<Result<Vec<_>>>()?;
    let (ref_sha, cur_sha) = digests?;

    let data = RunData {
        config,
        duplicate_rows: (duplicates(&hashes.reference), duplicates(&hashes.current)),
        performance,
        plan,
        columns,
        reference,
        current,
    };
    let checks = checks::build(&data);

    let input = |ds: &Dataset, sha: String| Input {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        sha256: sha,
        rows: ds.rows() as u64,
        columns: ds.column_names(),
        format: Some(ds.format().as_str().to_string()),
    };

    let mut effective = config.clone();
    let roles = &data.plan.roles;
    effective.roles.id = roles.id.clone();
    effective.roles.timestamp = roles.timestamp.clone();
    effective.roles.prediction = roles.prediction.clone();
    effective.roles.score = roles.score.clone();
    effective.roles.label = roles.label.clone();
    Ok(Report {
        format: FORMAT.into(),
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "attest".into(),
            version: options.tool_version.clone(),
        },
        created_at: options.created_at.clone(),
        inputs: vec![input(reference, ref_sha), input(current, cur_sha)],
        config: serde_json::to_value(&effective).unwrap_or(serde_json::Value::Null),
        summary: Report::summarise(&checks),
        checks,
        signatures: Vec::new(),
    })
}
