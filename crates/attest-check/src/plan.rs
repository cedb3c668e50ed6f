//! Column roles and kinds: which column plays which part, and how each is compared.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::columns::{natural_kind, ColumnType, Kind};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::read::{Dataset, Datasets};

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
    /// A second model's score (champion vs challenger).
    ChallengerScore,
    /// A second model's prediction.
    ChallengerPrediction,
    /// A per-class probability column (multiclass).
    ClassScore,
    /// A per-row feature attribution (e.g. SHAP).
    Attribution,
    /// When a feature's value became known (time travel).
    FeatureTime,
    /// A date, time or timestamp column that plays no other role (SPEC §2):
    /// data quality only, listed so that it can be named `timestamp` or a
    /// `feature_time`. Resolved from the column's type, never configured; a
    /// `[kinds]` override, `sensitive` or `segment` makes it a feature.
    Temporal,
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
            Role::ChallengerScore => "challenger_score",
            Role::ChallengerPrediction => "challenger_prediction",
            Role::ClassScore => "class_scores",
            Role::Attribution => "attribution",
            Role::FeatureTime => "feature_time",
            Role::Temporal => "temporal",
        }
    }

    /// Model outputs and per-row side data: no drift of their own (SPEC §2),
    /// data quality only.
    pub fn is_auxiliary(self) -> bool {
        matches!(
            self,
            Role::Id
                | Role::Timestamp
                | Role::ChallengerScore
                | Role::ChallengerPrediction
                | Role::ClassScore
                | Role::Attribution
                | Role::FeatureTime
                | Role::Temporal
        )
    }
}

/// Name prefixes of per-class probability columns (`proba_<class>`).
pub const CLASS_SCORE_PREFIXES: [&str; 2] = ["proba_", "score_"];
/// Names of a list column auto-detected as the class probabilities
/// (case-insensitive).
pub const CLASS_SCORE_LIST_NAMES: [&str; 10] = [
    "proba",
    "probas",
    "probs",
    "probabilities",
    "class_probabilities",
    "class_scores",
    "pred_proba",
    "pred_probs",
    "y_proba",
    "y_prob",
];
/// Name prefixes of attribution columns (`shap_<feature>`), longest first.
pub const ATTRIBUTION_PREFIXES: [&str; 2] = ["shap__", "shap_"];

/// Names auto-detected for each single role (case-insensitive), SPEC §2.
pub const AUTO_NAMES: [(Role, &[&str]); 7] = [
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
    (
        Role::ChallengerScore,
        &["challenger_score", "challenger_proba"],
    ),
    (
        Role::ChallengerPrediction,
        &["challenger_prediction", "challenger_pred"],
    ),
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
    #[serde(default)]
    pub challenger_score: Option<String>,
    #[serde(default)]
    pub challenger_prediction: Option<String>,
    #[serde(default)]
    pub class_scores: Vec<String>,
    #[serde(default)]
    pub attribution: Vec<String>,
    #[serde(default)]
    pub feature_time: BTreeMap<String, String>,
    pub ignore: Vec<String>,
    /// Date, time and timestamp columns with no other role ([`Role::Temporal`]).
    #[serde(default)]
    pub temporal: Vec<String>,
}

impl ResolvedRoles {
    fn single(&self, role: Role) -> &Option<String> {
        match role {
            Role::Id => &self.id,
            Role::Timestamp => &self.timestamp,
            Role::Prediction => &self.prediction,
            Role::Score => &self.score,
            Role::Label => &self.label,
            Role::ChallengerScore => &self.challenger_score,
            Role::ChallengerPrediction => &self.challenger_prediction,
            _ => &None,
        }
    }
    fn single_mut(&mut self, role: Role) -> Option<&mut Option<String>> {
        match role {
            Role::Id => Some(&mut self.id),
            Role::Timestamp => Some(&mut self.timestamp),
            Role::Prediction => Some(&mut self.prediction),
            Role::Score => Some(&mut self.score),
            Role::Label => Some(&mut self.label),
            Role::ChallengerScore => Some(&mut self.challenger_score),
            Role::ChallengerPrediction => Some(&mut self.challenger_prediction),
            _ => None,
        }
    }
    /// The role of a column.
    pub fn role_of(&self, column: &str) -> Role {
        for (role, _) in AUTO_NAMES {
            if self.single(role).as_deref() == Some(column) {
                return role;
            }
        }
        let has = |l: &[String]| l.iter().any(|c| c == column);
        if has(&self.class_scores) {
            Role::ClassScore
        } else if has(&self.attribution) {
            Role::Attribution
        } else if self.feature_time.values().any(|c| c == column) {
            Role::FeatureTime
        } else if has(&self.temporal) {
            Role::Temporal
        } else {
            Role::Feature
        }
    }

    /// Every column named by a role other than a feature mark (sensitive,
    /// segment), with the role's name, for validation.
    fn named(&self) -> Vec<(&str, &'static str)> {
        let mut out: Vec<(&str, &'static str)> = Vec::new();
        for (role, _) in AUTO_NAMES {
            if let Some(c) = self.single(role) {
                out.push((c, role.as_str()));
            }
        }
        out.extend(
            self.class_scores
                .iter()
                .map(|c| (c.as_str(), "class_scores")),
        );
        out.extend(self.attribution.iter().map(|c| (c.as_str(), "attribution")));
        out.extend(
            self.feature_time
                .values()
                .map(|c| (c.as_str(), "feature_time")),
        );
        out
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
    /// Column type in the train dataset, when there is one and it has the column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_type: Option<String>,
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

impl ColumnPlan {
    /// The relative work of this column in the column pass, for splitting
    /// the pass between workers ([`split_columns`]): a feature is read,
    /// sorted with its rows and walked by the families (1); another
    /// compared column only read, sorted and profiled; a side column (ids,
    /// times, …) profiled by keys; a column not compared costs nothing.
    /// Measured shares of one W1 run, not exact.
    pub fn pass_cost(&self) -> f64 {
        match (self.comparable(), self.kind, self.role) {
            (false, _, _) => 0.0,
            (_, _, r) if r.is_auxiliary() => 0.3,
            (_, Some(Kind::Numeric), Role::Feature) => 1.0,
            (_, _, Role::Feature) => 0.6,
            (_, Some(Kind::Numeric), _) => 0.6,
            _ => 0.4,
        }
    }
}

/// Split a plan's columns between workers whose shares of the pass are
/// `weights` (a worker that has other work too takes a smaller share):
/// each column, costliest first (by [`ColumnPlan::pass_cost`], ties in plan
/// order), goes to the worker whose load would then be the least for its
/// weight. The same plan and weights give the same split in every worker.
/// Returns each worker's column indices, ascending; a weight that is not
/// positive gets none.
pub fn split_columns(plan: &Plan, weights: &[f64]) -> Vec<Vec<usize>> {
    let mut split: Vec<Vec<usize>> = vec![Vec::new(); weights.len()];
    let mut load = vec![0.0f64; weights.len()];
    let mut order: Vec<(usize, f64)> = plan
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.pass_cost()))
        .collect();
    // Costliest first, ties in column order (a stable sort: the shared one).
    crate::stats::sort::sort_by_float(&mut order, |c| c.1, true);
    for (i, cost) in order {
        let best = (0..weights.len())
            .filter(|&k| weights[k] > 0.0)
            .min_by(|&a, &b| {
                let after = |k: usize| (load[k] + cost) / weights[k];
                after(a).total_cmp(&after(b)).then(a.cmp(&b))
            });
        if let Some(k) = best {
            load[k] += cost;
            split[k].push(i);
        }
    }
    for s in &mut split {
        s.sort_unstable();
    }
    split
}

/// Roles and per-column plans.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub roles: ResolvedRoles,
    /// The columns of reference and current (their union), in file order.
    pub columns: Vec<ColumnPlan>,
    /// Columns only the train dataset has (listed, not checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub train_only: Vec<String>,
}

impl Plan {
    /// The plan of a column, by name.
    pub fn column(&self, name: &str) -> Option<&ColumnPlan> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Resolve roles (explicit first, then by name) and kinds (override, else
/// the column type) over the union of the reference's and the current's
/// columns; the train dataset's types are noted beside them.
pub fn plan(datasets: Datasets<'_>, config: &Config) -> Result<Plan> {
    let (reference, current) = (datasets.reference, datasets.current);
    let cfg = &config.roles;
    let mut roles = ResolvedRoles {
        id: cfg.id.clone(),
        timestamp: cfg.timestamp.clone(),
        prediction: cfg.prediction.clone(),
        score: cfg.score.clone(),
        label: cfg.label.clone(),
        sensitive: dedup(&cfg.sensitive),
        segments: dedup(&cfg.segments),
        challenger_score: cfg.challenger_score.clone(),
        challenger_prediction: cfg.challenger_prediction.clone(),
        class_scores: dedup(&cfg.class_scores),
        attribution: dedup(&cfg.attribution),
        feature_time: cfg.feature_time.clone(),
        ignore: dedup(&cfg.ignore),
        temporal: Vec::new(),
    };
    let ref_names = reference.column_names();
    let cur_names = current.column_names();
    let train_names = datasets
        .train
        .map(Dataset::column_names)
        .unwrap_or_default();
    let exists = |c: &str| {
        ref_names.iter().any(|n| n == c)
            || cur_names.iter().any(|n| n == c)
            || train_names.iter().any(|n| n == c)
    };

    // Explicit roles must exist.
    let missing = |column: &str, role: &str, ds: &Dataset| Error::MissingColumn {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        column: column.to_string(),
        role: format!("{role} column"),
        available: ds.column_list(),
    };
    for (c, role) in roles.named() {
        if !exists(c) {
            return Err(missing(c, role, reference));
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
    for c in roles.feature_time.keys() {
        if !exists(c) {
            return Err(missing(c, "feature named in feature_time", reference));
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
                "kinds: no column `{c}` in any dataset (reference columns: {})",
                reference.column_list()
            )));
        }
    }
    // One column, one role.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (c, role) in roles.named() {
        if let Some((_, other)) = seen.iter().find(|(s, _)| *s == c) {
            return Err(Error::Config(format!(
                "column `{c}` is given two roles: {other} and {role}"
            )));
        }
        seen.push((c, role));
    }

    // Auto-detect the unset roles from the columns' names (reference first).
    let all_names: Vec<String> = ref_names
        .iter()
        .chain(cur_names.iter())
        .chain(train_names.iter())
        .fold(Vec::new(), |mut v, n| {
            if !v.contains(n) {
                v.push(n.clone());
            }
            v
        });
    let taken = |roles: &ResolvedRoles, c: &str| {
        roles.role_of(c) != Role::Feature
            || roles.ignore.iter().any(|i| i == c)
            || roles.sensitive.iter().any(|i| i == c)
            || roles.segments.iter().any(|i| i == c)
            || roles.feature_time.contains_key(c)
    };
    // A list of floats (class probabilities) never takes a one-column role.
    let is_list = |n: &str| {
        [Some(reference), Some(current), datasets.train]
            .iter()
            .flatten()
            .any(|d| matches!(d.column_type(n), Some(ColumnType::FloatList { .. })))
    };
    if cfg.auto_detect {
        for (role, names) in AUTO_NAMES {
            if roles.single(role).is_some() {
                continue;
            }
            let found = all_names
                .iter()
                .find(|n| {
                    names.contains(&n.to_ascii_lowercase().as_str())
                        && !taken(&roles, n)
                        && !is_list(n)
                })
                .cloned();
            if let Some(slot) = roles.single_mut(role) {
                *slot = found;
            }
        }
        if roles.class_scores.is_empty() {
            let found: Vec<String> = all_names
                .iter()
                .filter(|n| {
                    let lower = n.to_ascii_lowercase();
                    CLASS_SCORE_PREFIXES
                        .iter()
                        .any(|p| lower.len() > p.len() && lower.starts_with(p))
                        && !taken(&roles, n)
                })
                .cloned()
                .collect();
            // One such column is more likely a score of its own; one list
            // of floats named like probabilities is the class
            // probabilities (an embedding or a history is not).
            let lists: Vec<String> = all_names
                .iter()
                .filter(|n| {
                    is_list(n)
                        && !taken(&roles, n)
                        && CLASS_SCORE_LIST_NAMES.contains(&n.to_ascii_lowercase().as_str())
                })
                .cloned()
                .collect();
            if found.len() >= 2 {
                roles.class_scores = found;
            } else if lists.len() == 1 {
                roles.class_scores = lists;
            }
        }
        if roles.attribution.is_empty() {
            let attributes = |n: &str| {
                let lower = n.to_ascii_lowercase();
                ATTRIBUTION_PREFIXES.iter().any(|p| {
                    lower.starts_with(p)
                        && n.get(p.len()..)
                            .is_some_and(|f| !f.is_empty() && all_names.iter().any(|m| m == f))
                })
            };
            roles.attribution = all_names
                .iter()
                .filter(|n| attributes(n) && !taken(&roles, n))
                .cloned()
                .collect();
        }
    }

    let mut order: Vec<&String> = ref_names.iter().collect();
    order.extend(cur_names.iter().filter(|n| !ref_names.contains(n)));
    let train_only: Vec<String> = train_names
        .iter()
        .filter(|n| !ref_names.contains(n) && !cur_names.contains(n) && !roles.ignore.contains(n))
        .cloned()
        .collect();
    let mut columns = Vec::new();
    for name in order {
        if roles.ignore.contains(name) {
            continue;
        }
        let rt = reference.column_type(name).cloned();
        let ct = current.column_type(name).cloned();
        let tt = datasets.train.and_then(|t| t.column_type(name).cloned());
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
        let is_time = |t: &Option<ColumnType>| {
            matches!(
                t,
                Some(ColumnType::Date | ColumnType::Time { .. } | ColumnType::Timestamp { .. })
            )
        };
        if roles.role_of(name) == Role::Feature
            && (is_time(&rt) || is_time(&ct))
            && override_kind.is_none()
            && !roles.sensitive.contains(name)
            && !roles.segments.contains(name)
        {
            roles.temporal.push(name.clone());
        }
        columns.push(ColumnPlan {
            role: roles.role_of(name),
            kind,
            reference_type: rt.map(|t| t.to_string()),
            current_type: ct.map(|t| t.to_string()),
            train_type: tt.map(|t| t.to_string()),
            sensitive: roles.sensitive.contains(name),
            segment: roles.segments.contains(name),
            problem,
            unsupported,
            name: name.clone(),
        });
    }
    Ok(Plan {
        roles,
        columns,
        train_only,
    })
}

/// One dataset as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// "train", "reference" or "current".
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

/// The [`Preview`] of a run of `config` on the datasets.
pub fn preview(datasets: Datasets<'_>, config: &Config) -> Result<Preview> {
    let info = |ds: &Dataset| DatasetInfo {
        dataset: ds.label().to_string(),
        name: ds.name().to_string(),
        rows: ds.rows() as u64,
        format: ds.format().as_str().to_string(),
        columns: ds.column_names(),
    };

    Ok(Preview {
        datasets: datasets.all().into_iter().map(info).collect(),
        plan: plan(datasets, config)?,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, role: Role, kind: Option<Kind>) -> ColumnPlan {
        ColumnPlan {
            name: name.into(),
            role,
            kind,
            reference_type: None,
            current_type: None,
            train_type: None,
            sensitive: false,
            segment: false,
            problem: None,
            unsupported: false,
        }
    }

    #[test]
    fn columns_split_by_cost_and_weight() {
        let num = Some(Kind::Numeric);
        let mut columns: Vec<ColumnPlan> = (0..6)
            .map(|i| column(&format!("x{i}"), Role::Feature, num))
            .collect();
        columns.push(column("id", Role::Id, Some(Kind::Categorical)));
        columns.push(column("nested", Role::Feature, None));
        columns.push(column("score", Role::Score, num));
        let plan = Plan {
            roles: ResolvedRoles::default(),
            columns,
            train_only: Vec::new(),
        };
        // Every column once, each worker's ascending; equal weights share
        // the features evenly and the cheap columns fill the gaps.
        let even = split_columns(&plan, &[1.0, 1.0]);
        let mut all: Vec<usize> = even.concat();
        all.sort_unstable();
        assert_eq!(all, (0..9).collect::<Vec<_>>());
        assert!(even.iter().all(|s| s.windows(2).all(|w| w[0] < w[1])));
        let load = |s: &[usize]| s.iter().map(|&i| plan.columns[i].pass_cost()).sum::<f64>();
        assert!((load(&even[0]) - load(&even[1])).abs() <= 0.6);
        // A worker with half the weight gets about half the work.
        let uneven = split_columns(&plan, &[2.0, 1.0]);
        assert!(load(&uneven[0]) > 1.5 * load(&uneven[1]));
        assert_eq!(uneven.concat().len(), 9);
        // No weight, no columns; the same input, the same split.
        let none = split_columns(&plan, &[1.0, 0.0, 1.0]);
        assert!(none[1].is_empty());
        assert_eq!(none, split_columns(&plan, &[1.0, 0.0, 1.0]));
        assert!(split_columns(&plan, &[]).is_empty());
    }
}
