//! The backtesting time charts, from the report document alone: one chart
//! per metric, with the reference and current chunks as lines, the
//! reference chunks' threshold band, the flagged chunks, the challenger's
//! line beside the champion's, and the estimated values beside the
//! realised ones. Pure, tested natively; `app::views::backtest` draws it.

use attest_check::Report;
use serde_json::Value;

use crate::view_model::check;

/// One point of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Index into [`TimeChart::chunks`].
    pub x: usize,
    pub chunk: String,
    pub value: f64,
    /// The chunk's rows.
    pub rows: Option<u64>,
    /// Outside the threshold band (current chunks only).
    pub flagged: bool,
}

/// One line of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// "reference", "current", "challenger" or "estimated".
    pub name: String,
    pub points: Vec<Point>,
}

/// The chart of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeChart {
    pub metric: String,
    /// The chunks along the x axis, in time order (reference first).
    pub chunks: Vec<String>,
    pub series: Vec<Series>,
    /// The reference chunks' thresholds (lower, upper).
    pub band: Option<(f64, f64)>,
}

impl TimeChart {
    /// The smallest and largest value drawn (points and band).
    pub fn range(&self) -> Option<(f64, f64)> {
        let mut values: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.value))
            .collect();
        if let Some((lo, hi)) = self.band {
            values.extend([lo, hi]);
        }
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo.is_finite() && hi.is_finite()).then_some((lo, hi))
    }
}

fn chunk_list(v: Option<&Value>) -> Vec<&Value> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn key_of(v: &Value) -> Option<String> {
    v.get("chunk").and_then(Value::as_str).map(str::to_string)
}

/// The x index of `key`, added at the end when new.
fn x_of(chunks: &mut Vec<String>, key: &str) -> usize {
    match chunks.iter().position(|c| c == key) {
        Some(i) => i,
        None => {
            chunks.push(key.to_string());
            chunks.len() - 1
        }
    }
}

/// Every time chart of a report: one per metric of the backtest check, and
/// one per estimated metric when current has no realised values.
pub fn time_charts(report: &Report) -> Vec<TimeChart> {
    let back = check(report, "backtest").map(|c| &c.evidence);
    let est = check(report, "estimated_performance").map(|c| &c.evidence);
    let chal = check(report, "challenger").map(|c| &c.evidence);
    let reference = back.map(|e| chunk_list(e.get("reference").and_then(|r| r.get("chunks"))));
    let current = back.map(|e| chunk_list(e.get("current").and_then(|r| r.get("chunks"))));
    let thresholds: Vec<(String, f64, f64)> = back
        .or(est)
        .and_then(|e| e.get("thresholds"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| {
                    Some((
                        t.get("metric")?.as_str()?.to_string(),
                        t.get("lower")?.as_f64()?,
                        t.get("upper")?.as_f64()?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let flagged: Vec<(String, String)> = back
        .and_then(|e| e.get("flagged"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| {
                    Some((
                        f.get("chunk")?.as_str()?.to_string(),
                        f.get("metric")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    // The metrics, in the order the thresholds list them (else the
    // estimates').
    let mut metrics: Vec<String> = thresholds.iter().map(|t| t.0.clone()).collect();
    for c in est.map(|e| chunk_list(e.get("chunks"))).unwrap_or_default() {
        if let Some(o) = c.as_object() {
            for k in o.keys() {
                if let Some(m) = k.strip_prefix("estimated_") {
                    if !metrics.iter().any(|x| x == m) {
                        metrics.push(m.to_string());
                    }
                }
            }
        }
    }
    let decider = chal
        .and_then(|e| e.get("deciding_metric"))
        .and_then(Value::as_str);
    let chal_dataset = chal.and_then(|e| e.get("dataset")).and_then(Value::as_str);
    let mut out = Vec::new();
    for metric in metrics {
        let mut chunks = Vec::new();
        let mut series = Vec::new();
        let line = |name: &str, list: &[&Value], field: &str, chunks: &mut Vec<String>| {
            let points: Vec<Point> = list
                .iter()
                .filter_map(|c| {
                    let key = key_of(c)?;
                    let value = c.get(field)?.as_f64()?;
                    Some(Point {
                        x: x_of(chunks, &key),
                        flagged: name == "current"
                            && flagged.iter().any(|(k, m)| *k == key && *m == metric),
                        chunk: key,
                        value,
                        rows: c.get("rows").and_then(Value::as_u64),
                    })
                })
                .collect();
            Series {
                name: name.to_string(),
                points,
            }
        };
        for (name, list) in [("reference", &reference), ("current", &current)] {
            if let Some(list) = list {
                let s = line(name, list, &metric, &mut chunks);
                if !s.points.is_empty() {
                    series.push(s);
                }
            }
        }
        if decider == Some(metric.as_str()) {
            let list = chunk_list(chal.and_then(|e| e.get("chunks")));
            let s = line("challenger", &list, "challenger", &mut chunks);
            if !s.points.is_empty() {
                // The champion on the same dataset, when it is reference.
                if chal_dataset == Some("reference") {
                    let champ = line("champion", &list, "champion", &mut chunks);
                    series.push(champ);
                }
                series.push(s);
            }
        }
        let est_list = chunk_list(est.and_then(|e| e.get("chunks")));
        let s = line(
            "estimated",
            &est_list,
            &format!("estimated_{metric}"),
            &mut chunks,
        );
        if !s.points.is_empty() {
            series.push(s);
        }
        if series.is_empty() {
            continue;
        }
        out.push(TimeChart {
            band: thresholds
                .iter()
                .find(|t| t.0 == metric)
                .map(|t| (t.1, t.2)),
            metric,
            chunks,
            series,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(checks: Value) -> Report {
        let doc = json!({
            "format": "attest-report", "schema_version": 1,
            "tool": {"name": "attest", "version": "0"}, "created_at": "2024-01-01T00:00:00Z",
            "inputs": [], "config": {},
            "summary": {"status": "pass", "counts": {"pass": 0, "warn": 0, "fail": 0, "error": 0, "skipped": 0}},
            "checks": checks, "signatures": [],
        });
        serde_json::from_value(doc).expect("report")
    }

    #[test]
    fn charts_join_backtest_challenger_and_estimates() {
        let r = report(json!([
            {"id": "backtest", "title": "", "status": "warn", "metrics": [], "evidence": {
                "reference": {"chunks": [{"chunk": "2024-01", "rows": 10, "roc_auc": 0.8}, {"chunk": "2024-02", "rows": 12, "roc_auc": 0.82}]},
                "current": {"chunks": [{"chunk": "2024-02", "rows": 5, "roc_auc": 0.7}, {"chunk": "2024-03", "rows": 7, "roc_auc": 0.81}]},
                "thresholds": [{"metric": "roc_auc", "lower": 0.75, "upper": 0.9}],
                "flagged": [{"chunk": "2024-02", "metric": "roc_auc", "value": 0.7}]
            }},
            {"id": "challenger", "title": "", "status": "pass", "metrics": [], "evidence": {
                "dataset": "current", "deciding_metric": "roc_auc",
                "chunks": [{"chunk": "2024-02", "rows": 5, "challenger": 0.72, "champion": 0.7}]
            }},
            {"id": "estimated_performance", "title": "", "status": "pass", "metrics": [], "evidence": {
                "chunks": [{"chunk": "2024-03", "rows": 7, "estimated_roc_auc": 0.8}]
            }}
        ]));
        let charts = time_charts(&r);
        assert_eq!(charts.len(), 1);
        let c = &charts[0];
        assert_eq!(c.metric, "roc_auc");
        assert_eq!(c.chunks, ["2024-01", "2024-02", "2024-03"]);
        assert_eq!(c.band, Some((0.75, 0.9)));
        let names: Vec<&str> = c.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["reference", "current", "challenger", "estimated"]);
        let cur = &c.series[1];
        assert_eq!(cur.points[0].x, 1);
        assert!(cur.points[0].flagged);
        assert!(!cur.points[1].flagged);
        assert_eq!(c.series[3].points[0].x, 2);
        assert_eq!(c.range(), Some((0.7, 0.9)));
    }

    #[test]
    fn no_backtest_no_chart() {
        assert!(time_charts(&report(json!([]))).is_empty());
    }
}
