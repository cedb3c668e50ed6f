//! Schema and data-quality checks (SPEC §3 "Data quality").

use serde_json::json;

use super::{summary, Context, Family, Pass};
use crate::plan::Role;
use crate::profile::Profile;
use crate::report::{Check, Metric, Status};
use crate::verdict::{self, Judged};

/// The schema and data-quality checks (SPEC §3 "Data quality").
pub struct Quality;

impl Family for Quality {
    fn name(&self) -> &'static str {
        "quality"
    }
    fn checks(&self) -> &'static [(&'static str, &'static str)] {
        &[("schema", "Schema"), ("data_quality", "Data quality")]
    }
    fn build(&self, ctx: &Context<'_>, pass: &Pass) -> Vec<Check> {
        vec![schema(ctx, pass), data_quality(ctx, pass)]
    }
}

/// Duplicate rows: rows whose hash equals an earlier row's.
fn duplicates(hashes: &[u64]) -> u64 {
    let mut v = hashes.to_vec();
    crate::stats::sort::sort_words(&mut v);
    v.windows(2).filter(|w| w[0] == w[1]).count() as u64
}

/// Columns missing from a dataset, kinds that disagree, type changes and
/// columns whose values cannot be read as their kind.
fn schema(ctx: &Context<'_>, pass: &Pass) -> Check {
    let severity: Status = ctx.config.data_quality.schema_severity.into();
    let (mut missing, mut kind_mismatch, mut type_change) = (0u32, 0u32, 0u32);
    let mut unsupported = 0u32;
    let mut train_notes = 0u32;
    let mut problems = Vec::new();
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let train = ctx.has_train();
    for c in &pass.columns {
        let p = &c.plan;
        let mut status = Status::Pass;
        let mut note = p.problem.clone();
        let label_only_in_reference =
            p.role == Role::Label && p.reference_type.is_some() && p.current_type.is_none();
        if label_only_in_reference {
            // Production data often has no ground truth yet: not a schema problem.
            note = Some("label only in reference: current is checked without labels".into());
        } else if p.reference_type.is_none() || p.current_type.is_none() {
            missing += 1;
            status = severity;
        } else if p.unsupported {
            unsupported += 1;
        } else if p.kind.is_none() {
            kind_mismatch += 1;
            status = severity;
        } else if p.reference_type != p.current_type {
            type_change += 1;
            status = Status::Warn;
            note = Some(format!(
                "type changed: {} → {}",
                p.reference_type.as_deref().unwrap_or("?"),
                p.current_type.as_deref().unwrap_or("?")
            ));
        }
        if train && status == Status::Pass && !p.unsupported && note.is_none() {
            // The train dataset: a feature it lacks, or a type it holds
            // differently, is worth a look (not a failure of current).
            match &p.train_type {
                None if p.role == Role::Feature => {
                    train_notes += 1;
                    status = Status::Warn;
                    note = Some("missing in train".into());
                }
                Some(t) if p.reference_type.as_ref().is_some_and(|r| r != t) => {
                    train_notes += 1;
                    status = Status::Warn;
                    note = Some(format!(
                        "type differs in train: {t} (reference {})",
                        p.reference_type.as_deref().unwrap_or("?")
                    ));
                }
                _ => {}
            }
        }
        if let Some(Err(e)) = &c.profile {
            status = Status::Error;
            errors.push(format!("`{}`: {e}", p.name));
            note = Some(e.clone());
        }
        if let Some(n) = &note {
            if status != Status::Pass {
                problems.push(format!("`{}`: {n}", p.name));
            }
        }
        rows.push(json!({
            "column": p.name,
            "role": p.role,
            "kind": p.kind,
            "reference_type": p.reference_type,
            "current_type": p.current_type,
            "train_type": p.train_type,
            "sensitive": p.sensitive,
            "segment": p.segment,
            "status": status,
            "note": note,
        }));
    }
    let judged = |name: &str, v: u32, st: Status| {
        Metric::new(name, f64::from(v)).map(|m| {
            m.dataset("current")
                .judged(0.0, if v > 0 { st } else { Status::Pass })
        })
    };
    let metrics: Vec<Metric> = [
        judged("missing_columns", missing, severity),
        judged("kind_mismatches", kind_mismatch, severity),
        judged("type_changes", type_change, Status::Warn),
        Metric::new("unsupported_columns", f64::from(unsupported)).map(|m| m.dataset("current")),
        train
            .then(|| judged("train_schema_differences", train_notes, Status::Warn))
            .flatten()
            .map(|m| Metric {
                dataset: Some("train".into()),
                ..m
            }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut status = Check::status_from_metrics(&metrics);
    if !errors.is_empty() {
        status = Status::Error;
    }
    let message = if problems.is_empty() {
        format!(
            "{} columns, same names and kinds in both datasets",
            pass.columns.len()
        )
    } else {
        problems.join("; ")
    };
    Check {
        id: "schema".into(),
        title: "Schema".into(),
        status,
        message: Some(message),
        metrics,
        evidence: json!({ "columns": rows, "roles": ctx.plan.roles, "train_only": ctx.plan.train_only }),
    }
}

/// Missing values, out-of-range values, new categories, constant columns,
/// duplicate rows and duplicate ids.
fn data_quality(ctx: &Context<'_>, pass: &Pass) -> Check {
    let dq = &ctx.config.data_quality;
    let severity: Status = dq.severity.into();
    let judge = |bad: bool| if bad { severity } else { Status::Pass };
    let mut metrics = Vec::new();
    let mut findings: Vec<String> = Vec::new();
    // Plain-words notes below the thresholds, for the viewer.
    let mut observations: Vec<String> = Vec::new();
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let alpha = ctx.config.verdicts.alpha;
    // SPEC §3 "Verdicts" rule 3: n reference values leave about 2/(n + 1)
    // of a same-distribution sample outside their range (a new minimum or
    // maximum); the excess over that must pass the limit and be
    // significant (one-sided binomial test, Benjamini–Hochberg across the
    // columns, numeric and categorical together).
    let mut unseen: std::collections::BTreeMap<String, Judged> = pass
        .columns
        .iter()
        .filter(|c| !c.plan.role.is_auxiliary())
        .filter_map(|c| {
            // New categories likewise, against the Good–Turing estimate of
            // the share no reference category holds: the reference's
            // singletons over its rows (rule 3).
            let (v, n_cur, p0, limit, test) = match &c.profile {
                Some(Ok(Profile::Numeric(p))) => {
                    let n_ref = p.reference.present();
                    (
                        p.out_of_range_share?,
                        p.current.present(),
                        2.0 / (n_ref as f64 + 1.0),
                        dq.max_out_of_range_share,
                        "one-sided binomial test against 2/(n + 1) new extremes",
                    )
                }
                Some(Ok(Profile::Categorical(p))) => {
                    let n_ref = p.reference.present();
                    (
                        p.new_category_share?,
                        p.current.present(),
                        p.reference_singletons as f64 / n_ref.max(1) as f64,
                        dq.max_new_category_share,
                        "one-sided binomial test against the Good–Turing share of unseen categories (reference singletons / rows)",
                    )
                }
                _ => return None,
            };
            let k = (v * n_cur as f64).round() as u64;
            let j = Judged::new(
                v - p0,
                limit,
                test,
                Some(verdict::binomial_greater(k, n_cur, p0)),
                alpha,
            )
            .strictly()
            .against(p0);
            Some((c.plan.name.clone(), j))
        })
        .collect();
    verdict::adjust_all(unseen.values_mut());
    for c in &pass.columns {
        let Some(Ok(profile)) = &c.profile else {
            continue;
        };
        let col = c.plan.name.as_str();
        let (r, k) = profile.counts();
        let (rm, cm) = (r.missing_share(), k.missing_share());
        metrics
            .extend(Metric::new("missing_share", rm).map(|m| m.column(col).dataset("reference")));
        let thr = rm + dq.max_missing_share_increase;
        let bad = cm > thr;
        let words = format!(
            "{col}: {} missing in current, {} in reference",
            pct(cm),
            pct(rm)
        );
        if bad {
            findings.push(words);
        } else if cm > 0.0 || rm > 0.0 {
            observations.push(words);
        }
        metrics.extend(
            Metric::new("missing_share", cm)
                .map(|m| m.column(col).dataset("current").judged(thr, judge(bad))),
        );
        // Ids, times, model outputs and attributions are expected to be new:
        // their shares are informational.
        let values_matter = !c.plan.role.is_auxiliary();
        match profile {
            Profile::Numeric(p) if !values_matter => metrics.extend(
                p.out_of_range_share
                    .and_then(|v| Metric::new("out_of_range_share", v))
                    .map(|m| m.column(col).dataset("current")),
            ),
            Profile::Categorical(p) if !values_matter => metrics.extend(
                p.new_category_share
                    .and_then(|v| Metric::new("new_category_share", v))
                    .map(|m| m.column(col).dataset("current")),
            ),
            Profile::Numeric(p) => {
                if let (Some(v), Some(j)) = (p.out_of_range_share, unseen.get(&c.plan.name)) {
                    let bad = j.holds();
                    if bad {
                        findings.push(format!(
                            "{col}: {} of current values outside the reference range, where {} of new extremes are expected from {} reference values ({})",
                            pct(v),
                            pct(j.baseline.unwrap_or(0.0)),
                            r.present(),
                            j.sureness()
                        ));
                    }
                    metrics.extend(Metric::new("out_of_range_share", v).map(|m| {
                        m.column(col)
                            .dataset("current")
                            .judged(dq.max_out_of_range_share, judge(bad))
                    }));
                }
            }
            Profile::Categorical(p) => {
                if let (Some(v), Some(j)) = (p.new_category_share, unseen.get(&c.plan.name)) {
                    let bad = j.holds();
                    if bad {
                        findings.push(format!(
                            "{col}: {} of current values are categories unseen in reference, where {} are expected from its {} categories seen once in {} rows (Good–Turing; {})",
                            pct(v),
                            pct(j.baseline.unwrap_or(0.0)),
                            p.reference_singletons,
                            p.reference.present(),
                            j.sureness()
                        ));
                    }
                    metrics.extend(Metric::new("new_category_share", v).map(|m| {
                        m.column(col)
                            .dataset("current")
                            .judged(dq.max_new_category_share, judge(bad))
                    }));
                }
            }
        }
        if dq.flag_constant_columns && c.plan.role == Role::Feature {
            // Rule 3: a column constant in current is a finding only when
            // the reference makes that improbable. With d distinct values
            // in n_ref, the most common holds at most s = 1 − (d − 1)/n_ref
            // of them, so n_cur rows all equal have chance at most s^n_cur;
            // a near-constant reference column (one odd value in 500) is
            // often constant in current by chance.
            let s_max = 1.0 - (r.distinct.saturating_sub(1)) as f64 / r.present().max(1) as f64;
            let chance = s_max.powf(k.present() as f64);
            let constant = k.distinct <= 1 && k.present() > 0 && r.distinct > 1 && chance < alpha;
            if constant {
                findings.push(format!(
                    "{col}: a single value in current (reference has {})",
                    r.distinct
                ));
            }
            metrics.extend(Metric::new("distinct_count", k.distinct as f64).map(|m| {
                m.column(col)
                    .dataset("current")
                    .judged(1.0, judge(constant))
            }));
        }
        if c.plan.role == Role::Id {
            for (ds, counts) in [("reference", r), ("current", k)] {
                let dup = counts.present().saturating_sub(counts.distinct);
                let share = if counts.rows == 0 {
                    0.0
                } else {
                    dup as f64 / counts.rows as f64
                };
                // Judged against the reference's own share of repeated ids.
                let (rdup, rrows) = (r.present().saturating_sub(r.distinct), r.rows);
                let bad = ds == "current"
                    && dup > 0
                    && Judged::new(
                        share
                            - if rrows == 0 {
                                0.0
                            } else {
                                rdup as f64 / rrows as f64
                            },
                        0.0,
                        "two-proportion z-test against the reference's share",
                        Some(verdict::proportion_greater(dup, counts.rows, rdup, rrows)),
                        alpha,
                    )
                    .strictly()
                    .holds();
                if bad {
                    findings.push(format!(
                        "{col}: {dup} duplicate ids in current, more than reference's share"
                    ));
                }
                metrics.extend(Metric::new("duplicate_id_share", share).map(|m| {
                    let m = m.column(col).dataset(ds);
                    if ds == "current" {
                        m.judged(0.0, judge(bad))
                    } else {
                        m
                    }
                }));
            }
        }
    }
    let rows_of = |label: &str| ctx.index(label).map_or(0, |i| ctx.datasets[i].rows);
    let dups = |label: &str| {
        ctx.index(label)
            .and_then(|i| pass.hashes.rows.get(i))
            .map_or(0, |h| duplicates(h))
    };
    let (dr, dc) = (dups("reference"), dups("current"));
    let share = |d: u64, rows: usize| {
        if rows == 0 {
            0.0
        } else {
            d as f64 / rows as f64
        }
    };
    metrics.extend(
        Metric::new("duplicate_rows_share", share(dr, rows_of("reference")))
            .map(|m| m.dataset("reference")),
    );
    let cur_share = share(dc, rows_of("current"));
    let ref_share = share(dr, rows_of("reference"));
    // Rule 3: judged against the reference's own share of duplicate rows.
    let dup_judged = Judged::new(
        cur_share - ref_share,
        dq.max_duplicate_rows_share,
        "two-proportion z-test against the reference's share",
        Some(verdict::proportion_greater(
            dc,
            rows_of("current") as u64,
            dr,
            rows_of("reference") as u64,
        )),
        alpha,
    )
    .strictly()
    .against(ref_share);
    let bad = dup_judged.holds();
    if bad {
        findings.push(format!(
            "{dc} duplicate rows in current ({}, reference {}; {})",
            pct(cur_share),
            pct(ref_share),
            dup_judged.sureness()
        ));
    }
    metrics.extend(Metric::new("duplicate_rows_share", cur_share).map(|m| {
        m.dataset("current")
            .judged(dq.max_duplicate_rows_share, judge(bad))
    }));
    // SPEC §2: date and time columns with no role get data quality only;
    // listed so that one can be named the timestamp or a feature's time.
    let temporal = &ctx.plan.roles.temporal;
    if !temporal.is_empty() {
        observations.push(format!(
            "date/time columns with no role, checked for data quality only: {} (make one the timestamp or a feature's time to use it)",
            temporal.join(", ")
        ));
    }
    let status = Check::status_from_metrics(&metrics);
    let message = summary(&findings, || "no data-quality findings".to_string());
    Check {
        id: "data_quality".into(),
        title: "Data quality".into(),
        status,
        message: Some(message),
        metrics,
        evidence: json!({
            "findings": findings,
            "observations": observations,
            "temporal": temporal,
            "duplicate_rows": { "reference": dr, "current": dc, "verdict": dup_judged },
            // Each column's verdict on values reference never had: new
            // extremes (numeric) or new categories (categorical).
            "new_values": unseen,
        }),
    }
}
