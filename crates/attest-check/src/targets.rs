//! Row-aligned model outputs and ground truth for the performance and
//! fairness checks: the label, prediction, score and grouping columns of
//! one dataset, with rows missing any of them removed.

use crate::columns::{
    into_numeric, is_integer_type, natural_kind, to_codes, to_numeric, Column, ColumnType,
    Interner, Kind, Values, MISSING,
};
use crate::config::Task;
use crate::read::Dataset;

/// At most this many distinct integer labels make a multiclass task (auto).
pub const MAX_AUTO_CLASSES: usize = 20;
/// At most this many classes in a multiclass task.
pub const MAX_CLASSES: usize = 1000;

/// Class codes of a label or prediction column. Numbers are keyed by value
/// (so 1, 1.0 and "1" are the same class); other types by their text.
pub fn to_class_codes(column: &Column, classes: &mut Interner) -> Result<Vec<u32>, String> {
    if natural_kind(&column.ty) != Some(Kind::Numeric) {
        return to_codes(column, classes);
    }
    Ok(to_numeric(column)?
        .into_iter()
        .map(|v| {
            if v.is_nan() {
                MISSING
            } else if v.fract() == 0.0 && v.abs() < 9.0e15 {
                classes.intern(&format!("{}", v as i64))
            } else {
                classes.intern(&format!("{v}"))
            }
        })
        .collect())
}

/// Labels and predictions of one dataset, by task.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskData {
    Binary {
        y: Vec<bool>,
        pred: Vec<bool>,
        score: Option<Vec<f64>>,
    },
    Regression {
        y: Vec<f64>,
        pred: Vec<f64>,
    },
    Multiclass {
        y: Vec<u32>,
        pred: Vec<u32>,
    },
}

impl TaskData {
    /// Rows with complete data.
    pub fn len(&self) -> usize {
        match self {
            TaskData::Binary { y, .. } => y.len(),
            TaskData::Regression { y, .. } => y.len(),
            TaskData::Multiclass { y, .. } => y.len(),
        }
    }
    /// True when no row is complete.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The rows at `idx` (for segments and groups).
    pub fn select(&self, idx: &[usize]) -> TaskData {
        fn pick<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
            idx.iter().filter_map(|&i| v.get(i).copied()).collect()
        }
        match self {
            TaskData::Binary { y, pred, score } => TaskData::Binary {
                y: pick(y, idx),
                pred: pick(pred, idx),
                score: score.as_ref().map(|s| pick(s, idx)),
            },
            TaskData::Regression { y, pred } => TaskData::Regression {
                y: pick(y, idx),
                pred: pick(pred, idx),
            },
            TaskData::Multiclass { y, pred } => TaskData::Multiclass {
                y: pick(y, idx),
                pred: pick(pred, idx),
            },
        }
    }
}

/// A grouping column (segment or sensitive attribute), aligned with the kept rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouping {
    pub column: String,
    /// Group code per kept row ([`MISSING`] for a missing value).
    pub codes: Vec<u32>,
    /// Group names by code.
    pub names: Vec<String>,
}

impl Grouping {
    /// Row indices of each group, groups sorted by name; missing values left out.
    pub fn groups(&self) -> Vec<(String, Vec<usize>)> {
        let mut rows: Vec<Vec<usize>> = vec![Vec::new(); self.names.len()];
        for (i, &c) in self.codes.iter().enumerate() {
            if c != MISSING {
                if let Some(r) = rows.get_mut(c as usize) {
                    r.push(i);
                }
            }
        }
        let mut out: Vec<(String, Vec<usize>)> = self
            .names
            .iter()
            .cloned()
            .zip(rows)
            .filter(|(_, r)| !r.is_empty())
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Performance inputs of one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct PerfData {
    pub data: TaskData,
    /// Rows dropped because the label, prediction or score was missing.
    pub dropped: usize,
    /// Segment and sensitive columns.
    pub groupings: Vec<Grouping>,
}

/// Columns the performance checks read.
#[derive(Debug, Clone, Default)]
pub struct PerfColumns<'a> {
    pub label: &'a str,
    pub prediction: Option<&'a str>,
    pub score: Option<&'a str>,
    pub groupings: Vec<&'a str>,
}

/// Decide the task from the label (and prediction) columns of the datasets
/// that have them (see DESIGN.md "Task detection"). The first sample is a
/// label column: its type decides between numbers and categories.
pub fn detect_task(requested: Task, samples: &[&Column]) -> Result<Task, String> {
    if requested != Task::Auto {
        return Ok(requested);
    }
    let Some(first) = samples.first() else {
        return Err("no label data".into());
    };
    let first_type = &first.ty;
    if matches!(first_type, ColumnType::Boolean) {
        return Ok(Task::Binary);
    }
    match natural_kind(first_type) {
        Some(Kind::Numeric) => {
            let mut distinct: Vec<f64> = Vec::new();
            for column in samples {
                for v in to_numeric(column)? {
                    if v.is_finite() && !distinct.contains(&v) {
                        distinct.push(v);
                        if distinct.len() > MAX_AUTO_CLASSES {
                            return Ok(Task::Regression);
                        }
                    }
                }
            }
            if distinct.iter().all(|v| *v == 0.0 || *v == 1.0) {
                Ok(Task::Binary)
            } else if is_integer_type(first_type) || distinct.iter().all(|v| v.fract() == 0.0) {
                Ok(Task::Multiclass)
            } else {
                Ok(Task::Regression)
            }
        }
        _ => {
            let mut interner = Interner::default();
            for column in samples {
                to_codes(column, &mut interner)?;
            }
            let binary = (0..interner.len() as u32)
                .filter_map(|c| interner.name(c))
                .all(|n| {
                    matches!(
                        n.to_ascii_lowercase().as_str(),
                        "0" | "1" | "true" | "false"
                    )
                });
            Ok(if binary {
                Task::Binary
            } else {
                Task::Multiclass
            })
        }
    }
}

/// 0 / 1 per row, 2 for missing. Booleans, numbers 0/1 and the texts
/// "0", "1", "true", "false" are accepted; anything else is an error naming it.
pub fn to_binary(column: &Column) -> Result<Vec<u8>, String> {
    if let Values::Bool(b) = &column.values {
        return Ok(b.clone());
    }
    match natural_kind(&column.ty) {
        Some(Kind::Numeric) => to_numeric(column)?
            .into_iter()
            .map(|v| {
                if v.is_nan() {
                    Ok(2)
                } else if v == 0.0 {
                    Ok(0)
                } else if v == 1.0 {
                    Ok(1)
                } else {
                    Err(format!(
                        "value {v} is not a binary class (expected 0/1 or true/false; set task = \"multiclass\" or \"regression\" if that is what it is)"
                    ))
                }
            })
            .collect(),
        _ => {
            let mut interner = Interner::default();
            let codes = to_codes(column, &mut interner)?;
            let mut map = Vec::new();
            for c in 0..interner.len() as u32 {
                let name = interner.name(c).unwrap_or_default();
                map.push(match name.to_ascii_lowercase().as_str() {
                    "0" | "false" => 0u8,
                    "1" | "true" => 1u8,
                    _ => {
                        return Err(format!(
                            "value {name:?} is not a binary class (expected 0/1 or true/false)"
                        ))
                    }
                });
            }
            Ok(codes
                .iter()
                .map(|&c| {
                    if c == MISSING {
                        2
                    } else {
                        map.get(c as usize).copied().unwrap_or(2)
                    }
                })
                .collect())
        }
    }
}

/// The values whose row is kept.
fn kept<T: Copy>(values: &[T], keep: &[bool]) -> Vec<T> {
    values
        .iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(v, _)| *v)
        .collect()
}

/// The performance columns of one dataset (the label and prediction already
/// read, the score and groupings read here), with the complete rows kept.
/// `classes` is shared by all datasets (multiclass codes must agree).
pub fn load(
    dataset: &Dataset,
    columns: &PerfColumns<'_>,
    label: Column,
    pred: Option<Column>,
    task: Task,
    decision_threshold: f64,
    classes: &mut Interner,
) -> crate::Result<Result<PerfData, String>> {
    let col_err = |c: &str, m: String| {
        format!(
            "{} ({}): column `{c}`: {m}",
            dataset.label(),
            dataset.name()
        )
    };
    let score = match columns.score {
        Some(s) => Some(into_numeric(dataset.read_column(s)?).map_err(|m| col_err(s, m))),
        None => None,
    };
    let score = match score.transpose() {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let rows: usize = label.len();
    let mut keep: Vec<bool> = vec![true; rows];
    let result: Result<TaskData, String> = (|| match task {
        Task::Binary | Task::Auto => {
            let y = to_binary(&label).map_err(|m| col_err(columns.label, m))?;
            let p = match (&pred, &score) {
                (Some(p), _) => {
                    to_binary(p).map_err(|m| col_err(columns.prediction.unwrap_or(""), m))?
                }
                (None, Some(s)) => s
                    .iter()
                    .map(|v| {
                        if v.is_nan() {
                            2
                        } else {
                            u8::from(*v >= decision_threshold)
                        }
                    })
                    .collect(),
                (None, None) => return Err("no prediction or score column".to_string()),
            };
            // A missing score only removes the row from the score metrics
            // (see `checks::performance`), not from accuracy, precision, …
            for (i, k) in keep.iter_mut().enumerate() {
                *k = y.get(i).is_some_and(|&v| v < 2) && p.get(i).is_some_and(|&v| v < 2);
            }
            let pick =
                |v: &[u8]| -> Vec<bool> { kept(v, &keep).into_iter().map(|x| x == 1).collect() };
            Ok(TaskData::Binary {
                y: pick(&y),
                pred: pick(&p),
                score: score.as_ref().map(|s| kept(s, &keep)),
            })
        }
        Task::Regression => {
            let y = to_numeric(&label).map_err(|m| col_err(columns.label, m))?;
            let Some(pred) = &pred else {
                return Err("no prediction column".to_string());
            };
            let p = to_numeric(pred).map_err(|m| col_err(columns.prediction.unwrap_or(""), m))?;
            for (i, k) in keep.iter_mut().enumerate() {
                *k = y.get(i).is_some_and(|v| v.is_finite())
                    && p.get(i).is_some_and(|v| v.is_finite());
            }
            Ok(TaskData::Regression {
                y: kept(&y, &keep),
                pred: kept(&p, &keep),
            })
        }
        Task::Multiclass => {
            let y = to_class_codes(&label, classes).map_err(|m| col_err(columns.label, m))?;
            let Some(pred) = &pred else {
                return Err("no prediction column".to_string());
            };
            let p = to_class_codes(pred, classes)
                .map_err(|m| col_err(columns.prediction.unwrap_or(""), m))?;
            if classes.len() > MAX_CLASSES {
                return Err(format!(
                    "`{}` and the prediction hold {} distinct classes; at most {MAX_CLASSES} are supported (is the task really multiclass? set `task`)",
                    columns.label,
                    classes.len()
                ));
            }
            for (i, k) in keep.iter_mut().enumerate() {
                *k = y.get(i).is_some_and(|&v| v != MISSING)
                    && p.get(i).is_some_and(|&v| v != MISSING);
            }
            Ok(TaskData::Multiclass {
                y: kept(&y, &keep),
                pred: kept(&p, &keep),
            })
        }
    })();
    let data = match result {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let mut groupings = Vec::new();
    for &g in &columns.groupings {
        let mut interner = Interner::default();
        let codes = match to_codes(&dataset.read_column(g)?, &mut interner) {
            Ok(c) => c,
            Err(m) => return Ok(Err(col_err(g, m))),
        };
        groupings.push(Grouping {
            column: g.to_string(),
            codes: kept(&codes, &keep),
            names: (0..interner.len() as u32)
                .map(|c| interner.name(c).unwrap_or_default().to_string())
                .collect(),
        });
    }
    let dropped = keep.iter().filter(|k| !**k).count();
    Ok(Ok(PerfData {
        data,
        dropped,
        groupings,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: Vec<i64>) -> Column {
        Column::ints(v.into_iter().map(Some))
    }

    #[test]
    fn detects_binary_from_zero_one() {
        let a = ints(vec![0, 1, 1]);
        assert_eq!(detect_task(Task::Auto, &[&a]), Ok(Task::Binary));
    }

    #[test]
    fn detects_multiclass_and_regression() {
        let a = ints(vec![0, 1, 2]);
        assert_eq!(detect_task(Task::Auto, &[&a]), Ok(Task::Multiclass));
        let f = Column::floats(vec![0.5, 1.25, 3.0]);
        assert_eq!(detect_task(Task::Auto, &[&f]), Ok(Task::Regression));
        let s = Column::text(vec![Some("cat"), Some("dog")]);
        assert_eq!(detect_task(Task::Auto, &[&s]), Ok(Task::Multiclass));
        let s = Column::text(vec![Some("true"), Some("false")]);
        assert_eq!(detect_task(Task::Auto, &[&s]), Ok(Task::Binary));
    }

    #[test]
    fn numeric_classes_are_keyed_by_value() {
        let mut classes = Interner::default();
        let ints = Column::ints(vec![Some(1), Some(2), None]);
        let floats = Column::floats(vec![1.0, 2.0, 2.5]);
        let texts = Column::text(vec![Some("1"), Some("x")]);
        assert_eq!(
            to_class_codes(&ints, &mut classes).expect("codes"),
            vec![0, 1, MISSING]
        );
        assert_eq!(
            to_class_codes(&floats, &mut classes).expect("codes"),
            vec![0, 1, 2]
        );
        assert_eq!(
            to_class_codes(&texts, &mut classes).expect("codes"),
            vec![0, 3]
        );
    }

    #[test]
    fn binary_rejects_other_values() {
        let a = ints(vec![0, 2]);
        let err = to_binary(&a).expect_err("2 is not binary");
        assert!(err.contains("value 2"), "{err}");
        let s = Column::text(vec![Some("TRUE"), None, Some("0")]);
        assert_eq!(to_binary(&s).expect("binary"), vec![1, 2, 0]);
    }
}
