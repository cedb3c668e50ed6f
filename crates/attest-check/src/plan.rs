//! Column roles and kinds: which column plays which part, and how each is compared.

use serde::{Deserialize, Serialize};

use crate::columns::{natural_kind, Kind};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::read::Dataset;

/// A column's role (SPEC §2). Sensitive and segment columns are features too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Feature,
    Id,
    Timestamp,
    Prediction,
    Score,
    Label,
}

impl Role {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Feature => "feature",
            Role::Id => "id",
            Role::Timestamp => "timestamp",
            Role::Prediction => "prediction",
            Role::Score => "score",
            Role::Label => "label",
        }
    }
}

/// Names auto-detected for each single role (case-insensitive), SPEC §2.
pub const AUTO_NAMES: [(Role, &[&str]); 5] = [
    (Role::Id, &["id", "row_id", "entity_id", "prediction_id"]),
    (
        Role::Timestamp,
        &["timestamp", "ts", "prediction_ts", "event_time", "date"],
    ),
    (
        Role::Prediction,
        &["prediction", "pred", "y_pred", "predicted"],
    ),
    (
        Role::Score,
        &["score", "proba", "probability", "y_score", "y_proba"],
    ),
    (Role::Label, &["label", "target", "actual", "y_true", "y"]),
];

/// The resolved roles of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolvedRoles {
    pub id: Option<String>,
    pub timestamp: Option<String>,
    pub prediction: Option<String>,
    pub score: Option<String>,
    pub label: Option<String>,
    pub sensitive: Vec<String>,
    pub segments: Vec<String>,
    pub ignore: Vec<String>,
}

impl ResolvedRoles {
    fn single(&self, role: Role) -> &Option<String> {
        match role {
            Role::Id => &self.id,
            Role::Timestamp => &self.timestamp,
            Role::Prediction => &self.prediction,
            Role::Score => &self.score,
            Role::Label => &self.label,
            Role::Feature => &None,
        }
    }
    fn single_mut(&mut self, role: Role) -> Option<&mut Option<String>> {
        match role {
            Role::Id => Some(&mut self.id),
            Role::Timestamp => Some(&mut self.timestamp),
            Role::Prediction => Some(&mut self.prediction),
            Role::Score => Some(&mut self.score),
            Role::Label => Some(&mut self.label),
            Role::Feature => None,
        }
    }
    /// The role of a column.
    pub fn role_of(&self, column: &str) -> Role {
        for (role, _) in AUTO_NAMES {
            if self.single(role).as_deref() == Some(column) {
                return role;
            }
        }
        Role::Feature
    }
}

/// How one column takes part in the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnPlan {
    pub name: String,
    pub role: Role,
    /// The kind it is compared as; `None` when unsupported (nested types) or
    /// when the datasets disagree.
    pub kind: Option<Kind>,
    /// Column type in the reference (e.g. `int64`, `string`), if present there.
    pub reference_type: Option<String>,
    /// Column type in the current dataset, if present there.
    pub current_type: Option<String>,
    pub sensitive: bool,
    pub segment: bool,
    /// Why the column is not compared, if it is not.
    pub problem: Option<String>,
    /// A nested type in both datasets: listed, never compared.
    pub unsupported: bool,
}

impl ColumnPlan {
    /// Present in both datasets with a usable kind.
    pub fn comparable(&self) -> bool {
        self.kind.is_some() && self.problem.is_none()
    }
}

/// Roles and per-column plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub roles: ResolvedRoles,
    pub columns: Vec<ColumnPlan>,
}

/// Resolve roles (explicit first, then by name) and kinds (override, else
/// the column type) over the union of both datasets' columns.
pub fn plan(reference: &Dataset, current: &Dataset, config: &Config) -> Result<Plan> {
    let cfg = &config.roles;
    let mut roles = ResolvedRoles {
        id: cfg.id.clone(),
        timestamp: cfg.timestamp.clone(),
        prediction: cfg.prediction.clone(),
        score: cfg.score.clone(),
        label: cfg.label.clone(),
        sensitive: dedup(&cfg.sensitive),
        segments: dedup(&cfg.segments),
        ignore: dedup(&cfg.ignore),
    };
    let ref_names = reference.column_names();
    let cur_names = current.column_names();
    let exists = |c: &str| ref_names.iter().any(|n| n == c) || cur_names.iter().any(|n| n == c);

    // Explicit roles must exist.
    let missing = |column: &str, role: &str, ds: &Dataset| Error::MissingColumn {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        column: column.to_string(),
        role: format!("{role} column"),
        available: ds.column_list(),
    };
    for (role, _) in AUTO_NAMES {
        if let Some(c) = roles.single(role) {
            if !exists(c) {
                return Err(missing(c, role.as_str(), reference));
            }
        }
    }
    for (list, what) in [
        (&roles.sensitive, "sensitive"),
        (&roles.segments, "segment"),
    ] {
        for c in list {
            if !cur_names.iter().any(|n| n == c) {
                return Err(missing(c, what, current));
            }
        }
    }
    for c in &roles.ignore {
        if !exists(c) {
            return Err(missing(c, "ignored", reference));
        }
    }
    for c in config.kinds.keys() {
        if !exists(c) {
            return Err(Error::Config(format!(
                "kinds: no column `{c}` in either dataset (reference columns: {})",
                reference.column_list()
            )));
        }
    }

    // Auto-detect the unset single roles from the reference's names.
    let taken = |roles: &ResolvedRoles, c: &str| {
        AUTO_NAMES
            .iter()
            .any(|(r, _)| roles.single(*r).as_deref() == Some(c))
            || roles.ignore.iter().any(|i| i == c)
            || roles.sensitive.iter().any(|i| i == c)
            || roles.segments.iter().any(|i| i == c)
    };
    for (role, names) in AUTO_NAMES {
        if roles.single(role).is_some() || !cfg.auto_detect {
            continue;
        }
        let found = ref_names
            .iter()
            .chain(cur_names.iter())
            .find(|n| names.contains(&n.to_ascii_lowercase().as_str()) && !taken(&roles, n))
            .cloned();
        if let Some(slot) = roles.single_mut(role) {
            *slot = found;
        }
    }

    let mut order: Vec<&String> = ref_names.iter().collect();
    order.extend(cur_names.iter().filter(|n| !ref_names.contains(n)));
    let mut columns = Vec::new();
    for name in order {
        if roles.ignore.contains(name) {
            continue;
        }
        let rt = reference.column_type(name).cloned();
        let ct = current.column_type(name).cloned();
        let override_kind = config.kinds.get(name).copied();
        let rk = rt.as_ref().and_then(natural_kind);
        let ck = ct.as_ref().and_then(natural_kind);
        let mut problem = None;
        let mut unsupported = false;
        let kind = match (&rt, &ct) {
            (Some(_), None) => {
                problem = Some(format!(
                    "missing in {} ({})",
                    current.label(),
                    current.name()
                ));
                override_kind.or(rk)
            }
            (None, Some(_)) => {
                problem = Some(format!(
                    "missing in {} ({})",
                    reference.label(),
                    reference.name()
                ));
                override_kind.or(ck)
            }
            _ => match (override_kind, rk, ck) {
                (Some(k), _, _) => Some(k),
                (None, Some(a), Some(b)) if a == b => Some(a),
                (None, Some(a), Some(b)) => {
                    problem = Some(format!(
                        "kind differs: {} in {}, {} in {} (override it in [kinds])",
                        kind_name(a),
                        reference.label(),
                        kind_name(b),
                        current.label()
                    ));
                    None
                }
                (None, None, None) => {
                    unsupported = true;
                    problem = Some("nested type: not compared".into());
                    None
                }
                _ => {
                    problem = Some(format!(
                        "kind differs: {} in {}, {} in {}",
                        rk.map_or("nested", kind_name),
                        reference.label(),
                        ck.map_or("nested", kind_name),
                        current.label()
                    ));
                    None
                }
            },
        };
        columns.push(ColumnPlan {
            role: roles.role_of(name),
            kind,
            reference_type: rt.map(|t| t.to_string()),
            current_type: ct.map(|t| t.to_string()),
            sensitive: roles.sensitive.contains(name),
            segment: roles.segments.contains(name),
            problem,
            unsupported,
            name: name.clone(),
        });
    }
    Ok(Plan { roles, columns })
}

/// One dataset as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// "reference" or "current".
    pub dataset: String,
    /// File name.
    pub name: String,
    pub rows: u64,
    /// "parquet" or "csv".
    pub format: String,
    /// Column names in file order.
    pub columns: Vec<String>,
}

/// What a run would do, before it runs: both schemas and the plan (roles
/// and kinds) that `config` gives. Read from the files' footers (Parquet) or
/// headers (CSV) only; no column is decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub datasets: Vec<DatasetInfo>,
    pub plan: Plan,
}

/// The [`Preview`] of a run of `config` on `reference` vs `current`.
pub fn preview(reference: &Dataset, current: &Dataset, config: &Config) -> Result<Preview> {
    let info = |ds: &Dataset| DatasetInfo {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        rows: ds.rows() as u64,
        format: ds.format().as_str().to_string(),
        columns: ds.column_names(),
    };

    Ok(Preview {
        datasets: vec![info(reference), info(current)],
        plan: plan(reference, current, config)?,
    })
}

/// The list without repeats, first occurrence kept.
fn dedup(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Numeric => "numeric",
        Kind::Categorical => "categorical",
    }
}
