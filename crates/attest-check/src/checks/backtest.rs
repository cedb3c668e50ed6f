//! Backtesting over time (SPEC §3): every performance metric per chunk of
//! reference and current, thresholds from the reference chunks, the
//! current chunks outside them flagged. The chunks themselves
//! ([`chunks_of`]) also serve the challenger and estimation checks.

use serde_json::{json, Value};

use crate::columns::NO_INSTANT;
use crate::config::{Chunking, Period};
use crate::report::{Check, Metric, Status};
use crate::stats::chunks::{
    period_key, period_start, range_key, run_sizes, split_sizes, CalendarPeriod,
};
use crate::stats::moments::{mean, std_pop};
use crate::targets::PerfData;
use crate::verdict::Side;

use super::performance::{metric_range, task_metrics, unavailable, Values};
use super::{Context, Family, Needs, Pass};

const BACK: (&str, &str) = ("backtest", "Performance over time");

/// Per-chunk performance of reference and current.
pub struct Backtest;

impl Family for Backtest {
    fn name(&self) -> &'static str {
        "backtest"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[BACK]
    }
    /// Built from the role columns alone, beside the column pass.
    fn needs(&self) -> Needs {
        Needs {
            no_pass: true,
            ..Needs::default()
        }
    }
    fn build(&self, ctx: &Context<'_>, _pass: &Pass) -> Vec<Check> {
        vec![backtest(ctx)]
    }
}

/// The chunks of one dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunks {
    /// Keys in time order.
    pub keys: Vec<String>,
    /// The chunk (index into `keys`) of each row; `u32::MAX` for a row left
    /// out (no timestamp).
    pub of_row: Vec<u32>,
    /// Rows of each chunk.
    pub rows: Vec<usize>,
    /// Rows left out for want of a timestamp.
    pub left_out: usize,
    /// How the rows were ordered: "timestamp" or "file order".
    pub order: &'static str,
}

impl Chunks {
    /// Positions (into `rows`, a dataset's row indices) of each chunk's rows.
    pub fn split(&self, rows: &[u32]) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.keys.len()];
        for (k, &r) in rows.iter().enumerate() {
            if let Some(c) = self.of_row.get(r as usize).copied() {
                if let Some(v) = out.get_mut(c as usize) {
                    v.push(k);
                }
            }
        }
        out
    }
}

fn calendar(p: Period) -> CalendarPeriod {
    match p {
        Period::Day => CalendarPeriod::Day,
        Period::Week => CalendarPeriod::Week,
        Period::Month => CalendarPeriod::Month,
        Period::Quarter => CalendarPeriod::Quarter,
        Period::Year => CalendarPeriod::Year,
    }
}

/// Cut `rows` rows, with their instants (`None`: no timestamp role), into
/// chunks as `chunking` says. Rows with a null timestamp are left out; the
/// rest are sorted by (time, row). Without timestamps, row chunks follow the
/// file order and calendar periods are impossible (`Err`).
pub fn make_chunks(
    rows: usize,
    times: Option<&[i64]>,
    chunking: Chunking,
) -> Result<Chunks, String> {
    let mut order: Vec<u32> = match times {
        Some(t) => (0..rows as u32)
            .filter(|&i| t.get(i as usize).is_some_and(|v| *v != NO_INSTANT))
            .collect(),
        None => (0..rows as u32).collect(),
    };
    if let Some(t) = times {
        // Stable: ties keep row order.
        crate::stats::sort::sort_rows_by_key(&mut order, |i| {
            crate::stats::sort::i64_order_key(t[i as usize])
        });
    }
    let left_out = rows - order.len();
    let mut of_row = vec![u32::MAX; rows];
    let mut keys = Vec::new();
    let mut counts = Vec::new();
    let order_name = if times.is_some() {
        "timestamp"
    } else {
        "file order"
    };
    let sizes = match chunking {
        Chunking::Period(p) => {
            let Some(t) = times else {
                return Err(format!(
                    "chunks by {} need a timestamp column (name it with --timestamp), or set [backtest] chunk_rows or chunks",
                    format!("{p:?}").to_ascii_lowercase()
                ));
            };
            let cal = calendar(p);
            let mut last_start = None;
            for &i in &order {
                let v = t[i as usize];
                let start = period_start(v, cal);
                if last_start != Some(start) {
                    last_start = Some(start);
                    keys.push(period_key(v, cal));
                    counts.push(0usize);
                }
                of_row[i as usize] = (keys.len() - 1) as u32;
                if let Some(c) = counts.last_mut() {
                    *c += 1;
                }
            }
            return Ok(Chunks {
                keys,
                of_row,
                rows: counts,
                left_out,
                order: order_name,
            });
        }
        Chunking::Rows(n) => run_sizes(order.len(), n),
        Chunking::Count(n) => split_sizes(order.len(), n),
    };
    let mut start = 0usize;
    for size in sizes {
        let k = keys.len() as u32;
        for &i in &order[start..start + size] {
            of_row[i as usize] = k;
        }
        keys.push(range_key(start, start + size));
        counts.push(size);
        start += size;
    }
    Ok(Chunks {
        keys,
        of_row,
        rows: counts,
        left_out,
        order: order_name,
    })
}

/// The chunks of the dataset `label` as the configuration asks.
pub fn chunks_of(ctx: &Context<'_>, label: &str) -> Result<Chunks, String> {
    let t = ctx
        .targets
        .get(label)
        .ok_or_else(|| format!("no {label} dataset"))?;
    let times = match &t.timestamps {
        Some(Err(e)) => return Err(e.clone()),
        Some(Ok(v)) => Some(v.as_slice()),
        None => None,
    };
    make_chunks(t.rows, times, ctx.config.backtest.chunking())
}

/// One chunk's metrics: (key, rows, metrics on its labelled rows).
pub type ChunkValues = Vec<(String, usize, Values)>;

/// Every performance metric per chunk of a dataset's labelled rows.
pub fn chunk_metrics(ctx: &Context<'_>, chunks: &Chunks, perf: &PerfData) -> ChunkValues {
    let split = chunks.split(&perf.rows);
    chunks
        .keys
        .iter()
        .zip(&chunks.rows)
        .zip(split)
        .map(|((key, rows), positions)| {
            let sub = perf.data.select(&positions);
            (key.clone(), *rows, task_metrics(&sub, &ctx.targets.classes))
        })
        .collect()
}

/// (metric, lower, upper): mean ∓ k·std (ddof 0) over the chunks where the
/// metric is defined, clipped to its range.
pub fn thresholds(chunks: &ChunkValues, k: f64) -> Vec<(&'static str, f64, f64)> {
    let mut names: Vec<&'static str> = Vec::new();
    for (_, _, v) in chunks {
        for (n, _) in v {
            if !names.contains(n) {
                names.push(n);
            }
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let values: Vec<f64> = chunks
                .iter()
                .filter_map(|(_, _, v)| v.iter().find(|(n, _)| *n == name).map(|(_, x)| *x))
                .collect();
            let (m, s) = (mean(&values)?, std_pop(&values)?);
            let (lo, hi) = metric_range(name);
            Some((name, (m - k * s).clamp(lo, hi), (m + k * s).clamp(lo, hi)))
        })
        .collect()
}

/// The reference chunks' thresholds (for checks that compare current
/// chunks with them), or why there are none.
pub fn reference_thresholds(ctx: &Context<'_>) -> Result<Vec<(&'static str, f64, f64)>, String> {
    if ctx.perf("reference").is_none() {
        return Err("reference has no labelled rows".into());
    }
    let chunks = ctx.chunks("reference");
    let (_, values) = chunks.as_ref().as_ref().map_err(Clone::clone)?;
    Ok(thresholds(values, ctx.config.backtest.std_devs))
}

fn series(values: &ChunkValues) -> Value {
    json!(values
        .iter()
        .map(|(k, rows, v)| {
            let mut o = json!({ "chunk": k, "rows": rows });
            for (n, x) in v {
                o[*n] = json!(x);
            }
            o
        })
        .collect::<Vec<_>>())
}

fn backtest(ctx: &Context<'_>) -> Check {
    let (id, title) = BACK;
    match unavailable(ctx) {
        Err(why) => return Check::skipped(id, title, why),
        Ok(Some(e)) => return Check::error(id, title, e),
        Ok(None) => {}
    }
    let cfg = &ctx.config.backtest;
    let severity: Status = cfg.severity.into();
    let mut metrics = Vec::new();
    let mut evidence = json!({});
    let mut per_dataset = Vec::new();
    for label in ["reference", "current"] {
        if ctx.perf(label).is_none() {
            continue;
        }
        let memo = ctx.chunks(label);
        let (chunks, values) = match memo.as_ref() {
            Ok(c) => c,
            Err(e) => return Check::skipped(id, title, e.clone()),
        };
        let values = values.clone();
        evidence[label] = json!({
            "chunks": series(&values),
            "left_out": chunks.left_out,
            "order": chunks.order,
        });
        per_dataset.push((label, values));
    }
    let Some((_, reference)) = per_dataset.iter().find(|(l, _)| *l == "reference") else {
        return Check::skipped(
            id,
            title,
            "reference has no labelled rows to set thresholds",
        );
    };
    let bounds = thresholds(reference, cfg.std_devs);
    let mut flagged: Vec<Value> = Vec::new();
    // Outside the band on the better side: drawn as better, no alarm.
    let mut better: Vec<Value> = Vec::new();
    for (label, values) in &per_dataset {
        for (key, rows, v) in values {
            metrics.extend(Metric::new("rows", *rows as f64).map(|m| m.dataset(label).chunk(key)));
            for (name, x) in v {
                let Some(mut m) = Metric::new(name, *x).map(|m| m.dataset(label).chunk(key)) else {
                    continue;
                };
                if *label == "current" {
                    if let Some((_, lo, hi)) = bounds.iter().find(|(n, _, _)| n == name) {
                        let side = Side::of(name, *x, *lo, *hi);
                        m.status = Some(side.status(severity, cfg.alert_on_improvement));
                        if side != Side::Inside {
                            m.threshold = Some(if *x < *lo { *lo } else { *hi });
                            let entry = json!({ "chunk": key, "metric": name, "value": x, "lower": lo, "upper": hi });
                            if m.status == Some(Status::Pass) {
                                better.push(entry);
                            } else {
                                flagged.push(entry);
                            }
                        }
                    }
                }
                metrics.push(m);
            }
        }
    }
    for (name, lo, hi) in &bounds {
        metrics.extend(Metric::new("lower_threshold", *lo).map(|m| m.column(name)));
        metrics.extend(Metric::new("upper_threshold", *hi).map(|m| m.column(name)));
    }
    evidence["thresholds"] = json!(bounds
        .iter()
        .map(|(n, lo, hi)| json!({ "metric": n, "lower": lo, "upper": hi }))
        .collect::<Vec<_>>());
    evidence["flagged"] = json!(flagged);
    evidence["better"] = json!(better);
    evidence["std_devs"] = json!(cfg.std_devs);
    evidence["chunking"] = json!(chunking_words(cfg.chunking()));
    let n_current = per_dataset
        .iter()
        .find(|(l, _)| *l == "current")
        .map_or(0, |(_, v)| v.len());
    let message = if n_current == 0 {
        format!(
            "{} reference chunks set the thresholds; current has no labelled rows",
            reference.len()
        )
    } else {
        let words = |list: &[Value]| {
            list.iter()
                .map(|f| {
                    format!(
                        "{} {} {}",
                        f["chunk"].as_str().unwrap_or(""),
                        f["metric"].as_str().unwrap_or(""),
                        crate::report::display_number(f["value"].as_f64().unwrap_or(0.0))
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut m = if flagged.is_empty() {
            format!(
                "no current chunk ({}) worse than the reference chunks' mean ± {} std",
                chunking_words(cfg.chunking()),
                cfg.std_devs
            )
        } else {
            format!(
                "worse than the reference chunks' range: {}",
                words(&flagged)
            )
        };
        if !better.is_empty() {
            m.push_str(&format!(
                "; better than the reference chunks' range (not an alarm): {}",
                words(&better)
            ));
        }
        m
    };
    Check::judged((id, title), message, metrics, evidence)
}

/// "monthly chunks", "chunks of 400 rows", "5 chunks".
pub fn chunking_words(c: Chunking) -> String {
    match c {
        Chunking::Period(p) => format!("by {}", format!("{p:?}").to_ascii_lowercase()),
        Chunking::Rows(n) => format!("chunks of {n} rows"),
        Chunking::Count(n) => format!("{n} chunks"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000_000_000;

    #[test]
    fn months_in_time_order_nulls_left_out() {
        // 2024-01-31, null, 2024-03-01, 2024-01-01
        let t = [19_752 * DAY, NO_INSTANT, 19_783 * DAY, 19_723 * DAY];
        let c = make_chunks(4, Some(&t), Chunking::Period(Period::Month)).expect("chunks");
        assert_eq!(c.keys, ["2024-01", "2024-03"]);
        assert_eq!(c.rows, [2, 1]);
        assert_eq!(c.left_out, 1);
        assert_eq!(c.of_row, [0, u32::MAX, 1, 0]);
    }

    #[test]
    fn all_timestamps_null_gives_no_chunk() {
        let t = [NO_INSTANT; 3];
        let c = make_chunks(3, Some(&t), Chunking::Period(Period::Day)).expect("chunks");
        assert!(c.keys.is_empty());
        assert_eq!(c.left_out, 3);
        let r = make_chunks(3, Some(&t), Chunking::Rows(2)).expect("chunks");
        assert!(r.keys.is_empty());
    }

    #[test]
    fn row_chunks_follow_time_then_row() {
        let t = [5, 1, 5, 0];
        let c = make_chunks(4, Some(&t), Chunking::Rows(3)).expect("chunks");
        assert_eq!(c.keys, ["[0:3)", "[3:4)"]);
        // sorted rows: 3 (t0), 1 (t1), 0 (t5), 2 (t5)
        assert_eq!(c.of_row, [0, 0, 1, 0]);
        let n = make_chunks(5, None, Chunking::Count(2)).expect("chunks");
        assert_eq!(n.rows, [3, 2]);
        assert!(make_chunks(5, None, Chunking::Period(Period::Month)).is_err());
    }

    #[test]
    fn thresholds_skip_undefined_chunks_and_clip() {
        let chunks: ChunkValues = vec![
            ("a".into(), 10, vec![("accuracy", 0.9), ("roc_auc", 0.8)]),
            ("b".into(), 10, vec![("accuracy", 1.0)]),
            ("c".into(), 0, vec![]),
        ];
        let t = thresholds(&chunks, 3.0);
        let acc = t.iter().find(|x| x.0 == "accuracy").expect("accuracy");
        assert!((acc.1 - 0.8).abs() < 1e-12);
        assert_eq!(acc.2, 1.0);
        let auc = t.iter().find(|x| x.0 == "roc_auc").expect("auc");
        assert_eq!((auc.1, auc.2), (0.8, 0.8));
    }
}
