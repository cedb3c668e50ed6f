//! Whole runs on small in-memory CSV files: tasks, role and kind overrides,
//! skipped checks, and what a report promises (no duplicate metric keys).

use std::collections::HashSet;
use std::sync::Arc;

use attest_check::config::Task;
use attest_check::read::{Dataset, Datasets};
use attest_check::report::{Report, Status};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::MemorySource;
use attest_check::Config;

mod common;

fn csv(label: &str, text: &str) -> Dataset {
    Dataset::open(
        label,
        Arc::new(MemorySource::new(
            format!("{label}.csv"),
            text.as_bytes().to_vec(),
        )),
    )
    .expect("valid csv")
}

fn report(reference: &str, current: &str, config: &Config) -> Report {
    let (r, c) = (csv("reference", reference), csv("current", current));
    let report = run(
        Datasets::new(&r, &c),
        config,
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("run succeeds");
    common::assert_valid_report(&report.to_json());
    report
}

#[test]
fn the_schema_rejects_what_is_not_a_report() {
    let good = report("x,y\n1,a\n2,b\n", "x,y\n1,a\n3,b\n", &Config::default()).to_json();
    assert!(common::schema_errors(&good).is_empty());
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    v["checks"][0]["metrics"] = serde_json::json!([{"name": "psi", "value": "0.2"}]);
    assert!(
        !common::schema_errors(&v.to_string()).is_empty(),
        "a value that is a string"
    );
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    v["inputs"][0]["sha256"] = "ABC".into();
    assert!(
        !common::schema_errors(&v.to_string()).is_empty(),
        "a bad hash"
    );
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    v.as_object_mut().expect("object").remove("signatures");
    assert!(
        !common::schema_errors(&v.to_string()).is_empty(),
        "no signatures member"
    );
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    v["signatures"] = serde_json::json!([{"signer": "x"}]);
    assert!(
        !common::schema_errors(&v.to_string()).is_empty(),
        "a malformed signature"
    );
}

fn metric(r: &Report, name: &str, column: Option<&str>, dataset: Option<&str>) -> Option<f64> {
    r.metrics()
        .map(|(_, m)| m)
        .find(|m| {
            m.name == name
                && m.column.as_deref() == column
                && m.dataset.as_deref() == dataset
                && m.segment.is_none()
        })
        .map(|m| m.value)
}

fn check<'a>(r: &'a Report, id: &str) -> &'a attest_check::report::Check {
    r.checks.iter().find(|c| c.id == id).expect("check present")
}

fn table(rows: &[(&str, &str, f64)]) -> String {
    let mut s = String::from("label,prediction,x\n");
    for (y, p, x) in rows {
        s.push_str(&format!("{y},{p},{x}\n"));
    }
    s
}

#[test]
fn multiclass_metrics_match_sklearn() {
    // sklearn 1.9.1: accuracy_score / f1_score(average="macro"|"weighted")
    let ry = [
        "cat", "dog", "bird", "cat", "dog", "cat", "bird", "dog", "cat", "bird", "cat", "dog",
    ];
    let rp = [
        "cat", "dog", "cat", "cat", "bird", "cat", "bird", "dog", "dog", "bird", "cat", "dog",
    ];
    let cy = [
        "cat", "dog", "bird", "cat", "dog", "cat", "bird", "dog", "fish", "bird", "cat", "dog",
    ];
    let cp = [
        "cat", "cat", "bird", "dog", "dog", "cat", "cat", "dog", "fish", "bird", "cat", "bird",
    ];
    let rows = |y: &[&'static str], p: &[&'static str]| {
        let v: Vec<(&str, &str, f64)> = y
            .iter()
            .zip(p)
            .enumerate()
            .map(|(i, (a, b))| (*a, *b, i as f64))
            .collect();
        table(&v)
    };
    let r = report(&rows(&ry, &rp), &rows(&cy, &cp), &Config::default());
    let close = |got: Option<f64>, want: f64| {
        let got = got.expect("metric present");
        assert!((got - want).abs() <= 1e-12, "got {got}, want {want}");
    };
    close(metric(&r, "accuracy", None, Some("reference")), 0.75);
    close(
        metric(&r, "macro_f1", None, Some("reference")),
        0.7388888888888889,
    );
    close(metric(&r, "weighted_f1", None, Some("reference")), 0.75);
    close(
        metric(&r, "accuracy", None, Some("current")),
        0.6666666666666666,
    );
    close(
        metric(&r, "macro_f1", None, Some("current")),
        0.7261904761904762,
    );
    close(
        metric(&r, "weighted_f1", None, Some("current")),
        0.6626984126984127,
    );
    let perf = check(&r, "performance");
    assert_eq!(perf.evidence["task"], "multiclass");
    // accuracy fell by 11%, more than the default 10% allowed, but on 12
    // rows a drop like that is sampling noise (SPEC §3 "Verdicts"): the
    // verdict is material, not significant, and passes.
    let acc = perf.evidence["verdicts"]
        .as_array()
        .and_then(|v| v.iter().find(|e| e["metric"] == "accuracy"))
        .expect("accuracy judged");
    assert_eq!(acc["material"], true);
    assert_eq!(acc["significant"], false);
    assert!(acc["p_value"].as_f64().expect("a p-value") > 0.05);
    assert_eq!(perf.status, Status::Pass);
    assert_eq!(check(&r, "fairness").status, Status::Skipped);
}

#[test]
fn task_override_and_kind_override() {
    let rows: Vec<(&str, &str, f64)> = (0..40)
        .map(|i| {
            (
                if i % 3 == 0 { "1" } else { "0" },
                if i % 4 == 0 { "1" } else { "0" },
                f64::from(i % 5),
            )
        })
        .collect();
    let text = table(&rows);
    let mut config = Config {
        task: Task::Regression,
        ..Config::default()
    };
    config
        .kinds
        .insert("x".into(), attest_check::columns::Kind::Categorical);
    let r = report(&text, &text, &config);
    assert_eq!(check(&r, "performance").evidence["task"], "regression");
    assert!(metric(&r, "rmse", None, Some("current")).is_some());
    // x is compared as categories: chi-square, no KS
    assert!(metric(&r, "chi2_statistic", Some("x"), None).is_some());
    assert!(metric(&r, "ks_statistic", Some("x"), None).is_none());
}

#[test]
fn ignored_columns_and_skipped_checks() {
    let rows: Vec<(&str, &str, f64)> = (0..20)
        .map(|i| (if i % 2 == 0 { "1" } else { "0" }, "1", f64::from(i)))
        .collect();
    let text = table(&rows);
    let mut config = Config::default();
    config.roles.ignore = vec!["x".into()];
    config.checks.skip = vec!["performance_baseline".into()];
    let r = report(&text, &text, &config);
    assert!(r.metrics().all(|(_, m)| m.column.as_deref() != Some("x")));
    assert_eq!(check(&r, "performance_baseline").status, Status::Skipped);
    assert_eq!(
        r.summary.counts.skipped as usize,
        r.checks
            .iter()
            .filter(|c| c.status == Status::Skipped)
            .count()
    );
}

#[test]
fn no_label_skips_performance_with_a_reason() {
    let text = "a,b\n1,x\n2,y\n3,x\n";
    let r = report(text, text, &Config::default());
    let perf = check(&r, "performance");
    assert_eq!(perf.status, Status::Skipped);
    assert!(perf
        .message
        .as_deref()
        .unwrap_or("")
        .contains("no label column"));
    assert_eq!(r.summary.status, Status::Pass);
}

#[test]
fn score_without_prediction_uses_the_threshold() {
    let mut s = String::from("label,score\n");
    for i in 0..50 {
        let y = i % 2;
        let score = if y == 1 {
            0.6 + f64::from(i % 7) * 0.05
        } else {
            0.1 + f64::from(i % 5) * 0.05
        };
        s.push_str(&format!("{y},{score}\n"));
    }
    let r = report(&s, &s, &Config::default());
    assert_eq!(metric(&r, "accuracy", None, Some("current")), Some(1.0));
    assert_eq!(metric(&r, "roc_auc", None, Some("current")), Some(1.0));
}

#[test]
fn every_metric_key_is_unique() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/demo/");
    let open = |label: &str, file: &str| {
        let source =
            attest_check::source::FileSource::open(format!("{demo}{file}")).expect("demo file");
        Dataset::open(label, Arc::new(source)).expect("demo reads")
    };
    let mut config = Config::default();
    config.roles.sensitive = vec!["gender".into()];
    config.roles.segments = vec!["region".into(), "gender".into()];
    let (a, b) = (
        open("reference", "reference.parquet"),
        open("current", "current.parquet"),
    );
    let demo_report = run(
        Datasets::new(&a, &b),
        &config,
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("runs");
    // and a run with three datasets and every validation check
    let dir = std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance")
        })
        .join("validation_binary");
    let open = |label: &str, file: &str| {
        let source = attest_check::source::FileSource::open(dir.join(file)).expect("case file");
        Dataset::open(label, Arc::new(source)).expect("case reads")
    };
    let (t, r, c) = (
        open("train", "train.parquet"),
        open("reference", "reference.parquet"),
        open("current", "current.parquet"),
    );
    let config = Config::from_toml(
        "[roles]\nchallenger_score = \"challenger_score\"\nchallenger_prediction = \"challenger_prediction\"\n[roles.feature_time]\nincome = \"income_known_at\"\n",
    )
    .expect("toml");
    let validation = run(
        Datasets::new(&r, &c).with_train(Some(&t)),
        &config,
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("runs");
    for report in [demo_report, validation] {
        let mut seen = HashSet::new();
        for (_, m) in report.metrics() {
            let key = (
                m.name.clone(),
                m.column.clone(),
                m.dataset.clone(),
                m.against.clone(),
                m.segment.clone(),
                m.chunk.clone(),
            );
            assert!(seen.insert(key.clone()), "duplicate metric {key:?}");
            assert!(m.value.is_finite());
        }
        common::assert_valid_report(&report.to_json());
    }
}

#[test]
fn preview_shows_schemas_and_auto_roles_without_decoding() {
    use attest_check::plan::{preview, Role};
    let reference = csv("reference", "id,y,score,x\n1,0,0.2,a\n2,1,0.9,b\n");
    let current = csv("current", "id,y,score,x,extra\n1,0,0.4,a,1\n");
    let p = preview(Datasets::new(&reference, &current), &Config::default()).expect("preview");
    assert_eq!(p.datasets[0].rows, 2);
    assert_eq!(p.datasets[1].rows, 1);
    assert_eq!(p.datasets[1].columns, ["id", "y", "score", "x", "extra"]);
    assert_eq!(p.plan.roles.label.as_deref(), Some("y"));
    assert_eq!(p.plan.roles.id.as_deref(), Some("id"));
    assert_eq!(p.plan.roles.score.as_deref(), Some("score"));
    let role = |n: &str| p.plan.columns.iter().find(|c| c.name == n).map(|c| c.role);
    assert_eq!(role("x"), Some(Role::Feature));
    let extra = p.plan.columns.iter().find(|c| c.name == "extra");
    assert!(extra.and_then(|c| c.problem.as_deref()).is_some());
    // The page sends it back and forth as JSON.
    let json = serde_json::to_string(&p).expect("serialise");
    let back: attest_check::plan::Preview = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, p);
}

#[test]
fn auto_detect_off_keeps_a_cleared_role_cleared() {
    let data = "label,prediction,x\n0,0,1\n1,1,2\n0,1,3\n1,1,4\n";
    let auto = report(data, data, &Config::default());
    assert_ne!(check(&auto, "performance").status, Status::Skipped);
    let mut config = Config::default();
    config.roles.auto_detect = false;
    config.roles.prediction = Some("prediction".into());
    let manual = report(data, data, &config);
    // No label: performance is skipped and `label` is profiled as a feature.
    assert_eq!(check(&manual, "performance").status, Status::Skipped);
    assert!(metric(&manual, "psi", Some("label"), None).is_some());
    assert_eq!(manual.config["roles"]["label"], serde_json::Value::Null);
}

#[test]
fn digests_given_later_give_the_same_report() {
    let r = csv("reference", "x,y\n1,a\n2,b\n3,a\n");
    let c = csv("current", "x,y\n1,a\n5,b\n");
    let config = Config::default();
    let hashed = run(
        Datasets::new(&r, &c),
        &config,
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("run");
    let options = RunOptions {
        hash_inputs: false,
        ..RunOptions::default()
    };
    let mut later = run(Datasets::new(&r, &c), &config, &options, &NoProgress).expect("run");
    assert!(later.inputs.iter().all(|i| i.sha256.is_empty()));
    later.set_digests(&[
        ("reference", &hashed.inputs[0].sha256),
        ("current", &hashed.inputs[1].sha256),
    ]);
    assert_eq!(later.to_json(), hashed.to_json());
}

#[test]
fn columns_profiled_in_two_parts_give_the_same_report() {
    use attest_check::run::{profile_columns, run_with_parts, ColumnsPart};
    let demo = |name: &str| {
        let path = format!(
            "{}/../../public/demo/{name}.parquet",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).expect("demo file");
        Dataset::open(name, Arc::new(MemorySource::new(name, bytes))).expect("parquet")
    };
    let (r, c) = (demo("reference"), demo("current"));
    let config = Config::default();
    let whole = run(
        Datasets::new(&r, &c),
        &config,
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("run");
    // a third of the columns elsewhere, through bytes, as between workers
    let part = profile_columns(
        Datasets::new(&r, &c),
        &config,
        &|i| i % 3 == 1,
        true,
        &NoProgress,
    )
    .expect("part");
    assert!(!part.is_empty());
    let part = ColumnsPart::from_bytes(&part.to_bytes().expect("encode")).expect("decode");
    // it brings the checks that need no pass, built there
    assert!(part.has_early());
    let mine = profile_columns(
        Datasets::new(&r, &c),
        &config,
        &|i| i % 3 != 1,
        false,
        &NoProgress,
    )
    .expect("part");
    let split = run_with_parts(
        Datasets::new(&r, &c),
        &config,
        &RunOptions::default(),
        &NoProgress,
        vec![part, mine],
    )
    .expect("run");
    assert_eq!(split.to_json(), whole.to_json());
    // parts from other files are refused
    let other = csv("reference", "x\n1\n2\n");
    let foreign = profile_columns(
        Datasets::new(&other, &other),
        &config,
        &|_| true,
        false,
        &NoProgress,
    )
    .expect("part");
    assert!(run_with_parts(
        Datasets::new(&r, &c),
        &config,
        &RunOptions::default(),
        &NoProgress,
        vec![foreign]
    )
    .is_err());
    assert!(ColumnsPart::from_bytes(b"\xff\xff\xff").is_err());
}

/// A small binary dataset over time: `n` rows a day from 2024-01-01, the
/// label of row i given by `label(i)`.
fn timed_csv(n: usize, label: impl Fn(usize) -> u8) -> String {
    let mut s = String::from("id,timestamp,x,score,prediction,label\n");
    for i in 0..n {
        let y = label(i);
        let score = if y == 1 {
            0.6 + (i % 4) as f64 * 0.1
        } else {
            0.1 + (i % 5) as f64 * 0.1
        };
        s.push_str(&format!(
            "{i},2024-01-{:02}T00:00:00Z,{},{score},{},{y}\n",
            i / 4 + 1,
            i % 7,
            u8::from(score >= 0.5)
        ));
    }
    s
}

#[test]
fn checks_built_in_another_worker_give_the_same_report() {
    use attest_check::run::{column_shares, profile_columns, run_with_parts, ColumnsPart};
    // families that need no pass with work to do: backtest chunks by day,
    // label-free estimation, performance; split as the page splits them
    let (rt, ct) = (
        timed_csv(100, |i| u8::from(i % 3 == 0)),
        timed_csv(120, |i| u8::from(i % 4 == 0)),
    );
    let config = Config::from_toml("[backtest]\nchunk = \"day\"\n").expect("toml");
    let whole = report(&rt, &ct, &config);
    let (r, c) = (csv("reference", &rt), csv("current", &ct));
    for id in ["backtest", "estimated_performance", "performance"] {
        let c = check(&whole, id);
        assert!(c.status != Status::Skipped, "{id}: {:?}", c.message);
    }
    let split = column_shares(Datasets::new(&r, &c), &config, &[1.0, 0.7, 1.0]).expect("split");
    assert_eq!(split.len(), 3);
    // an empty dataset is refused as a run refuses it
    let empty = csv("current", "id,timestamp,x,score,prediction,label\n");
    assert!(column_shares(Datasets::new(&r, &empty), &config, &[1.0]).is_err());
    let parts: Vec<ColumnsPart> = split
        .iter()
        .enumerate()
        .map(|(k, mine)| {
            let part = profile_columns(
                Datasets::new(&r, &c),
                &config,
                &|i| mine.contains(&i),
                k == 1,
                &NoProgress,
            )
            .expect("part");
            ColumnsPart::from_bytes(&part.to_bytes().expect("encode")).expect("decode")
        })
        .collect();
    assert_eq!(
        parts.iter().map(ColumnsPart::has_early).collect::<Vec<_>>(),
        [false, true, false]
    );
    let finished = run_with_parts(
        Datasets::new(&r, &c),
        &config,
        &RunOptions::default(),
        &NoProgress,
        parts,
    )
    .expect("run");
    assert_eq!(finished.to_json(), whole.to_json());
}

#[test]
fn backtest_chunks_with_one_class_and_empty_chunks() {
    // 8 rows, 4 a day: the first day has only negatives
    let data = timed_csv(8, |i| u8::from(i >= 4 && i % 2 == 0));
    let mut config = Config::from_toml("[backtest]\nchunk = \"day\"\n").expect("toml");
    let r = report(&data, &data, &config);
    let b = check(&r, "backtest");
    let auc_day1 = b.metrics.iter().find(|m| {
        m.name == "roc_auc"
            && m.dataset.as_deref() == Some("current")
            && m.chunk.as_deref() == Some("2024-01-01")
    });
    assert!(auc_day1.is_none(), "ROC AUC is undefined with one class");
    let acc = b.metrics.iter().find(|m| {
        m.name == "accuracy"
            && m.dataset.as_deref() == Some("current")
            && m.chunk.as_deref() == Some("2024-01-01")
    });
    assert!(acc.is_some(), "accuracy is defined");
    // more chunks than rows: numpy's array_split gives empty ones
    config = Config::from_toml("[backtest]\nchunks = 10\n").expect("toml");
    let r = report(&data, &data, &config);
    let b = check(&r, "backtest");
    let empty = b
        .metrics
        .iter()
        .find(|m| m.name == "rows" && m.chunk.as_deref() == Some("[8:8)"))
        .expect("an empty chunk's rows");
    assert_eq!(empty.value, 0.0);
    assert!(!b
        .metrics
        .iter()
        .any(|m| m.name == "accuracy" && m.chunk.as_deref() == Some("[8:8)")));
}

/// Rows of `days`, 20 a day, with `right[d]` of every 10 predicted right.
fn graded_days(first_day: usize, right: &[usize]) -> String {
    let mut s = String::from("timestamp,prediction,label\n");
    for (d, k) in right.iter().enumerate() {
        for i in 0..20 {
            let y = i % 2;
            let p = if i % 10 < *k { y } else { 1 - y };
            s.push_str(&format!("2024-01-{:02}T00:00:00Z,{p},{y}\n", first_day + d));
        }
    }
    s
}

#[test]
fn a_chunk_better_than_the_reference_chunks_is_drawn_better_and_does_not_alarm() {
    // reference days right 6-8 of 10; current: one day perfect, one day 2 of 10
    let (r, c) = (graded_days(1, &[6, 7, 8, 7, 6]), graded_days(10, &[10, 2]));
    let config = Config::from_toml("[backtest]\nchunk = \"day\"\n").expect("toml");
    let rep = report(&r, &c, &config);
    let b = check(&rep, "backtest");
    let status = |day: &str| {
        b.metrics
            .iter()
            .find(|m| {
                m.name == "accuracy"
                    && m.dataset.as_deref() == Some("current")
                    && m.chunk.as_deref() == Some(day)
            })
            .and_then(|m| m.status)
    };
    assert_eq!(status("2024-01-10"), Some(Status::Pass), "better: no alarm");
    assert_eq!(
        status("2024-01-11"),
        Some(Status::Warn),
        "worse: the severity"
    );
    assert_eq!(b.status, Status::Warn);
    let better = b.evidence["better"].as_array().expect("better chunks");
    assert!(better
        .iter()
        .any(|f| f["chunk"] == "2024-01-10" && f["metric"] == "accuracy"));
    assert!(!b.evidence["flagged"]
        .as_array()
        .expect("flagged")
        .iter()
        .any(|f| f["chunk"] == "2024-01-10"));
    let words = b.message.as_deref().unwrap_or_default();
    assert!(
        words.contains("worse than the reference chunks' range: 2024-01-11 accuracy 0.2"),
        "{words}"
    );
    assert!(
        words.contains(
            "better than the reference chunks' range (not an alarm): 2024-01-10 accuracy 1"
        ),
        "{words}"
    );
    // only the better day: the check passes
    let only_better = report(&r, &graded_days(10, &[10]), &config);
    assert_eq!(check(&only_better, "backtest").status, Status::Pass);
    // unless improvements alarm too
    let alarmed = Config::from_toml("[backtest]\nchunk = \"day\"\nalert_on_improvement = true\n")
        .expect("toml");
    let rep = report(&r, &graded_days(10, &[10]), &alarmed);
    assert_eq!(check(&rep, "backtest").status, Status::Warn);
}

#[test]
fn new_categories_are_judged_against_the_good_turing_share_of_the_reference() {
    // `tail` is long-tailed: half of reference's rows hold a category seen
    // once, so a fresh sample shows about half new categories. `few` has
    // four categories of 50 rows each: new ones are a real change.
    let rows = |n: usize, new_every: usize, tag: &str| {
        let mut s = String::from("tail,few\n");
        for i in 0..n {
            let tail = if i % 2 == 0 {
                format!("{tag}t{i}")
            } else {
                format!("c{}", i % 3)
            };
            let few = if new_every > 0 && i % new_every == 0 {
                format!("{tag}new{i}")
            } else {
                format!("f{}", i % 4)
            };
            s.push_str(&format!("{tail},{few}\n"));
        }
        s
    };
    let r = report(&rows(200, 0, "r"), &rows(200, 5, "k"), &Config::default());
    let dq = check(&r, "data_quality");
    let words = dq.evidence["findings"].to_string();
    // `few`: 20% new categories where Good–Turing expects 0: a finding
    assert!(words.contains("few: 20.0% of current values are categories unseen in reference, where 0.0% are expected"), "{words}");
    // `tail`: 50% new, as its 100 singletons in 200 rows predict: no finding
    assert!(!words.contains("tail:"), "{words}");
    let judged = &dq.evidence["new_values"];
    assert!((judged["tail"]["baseline"].as_f64().expect("baseline") - 0.5).abs() < 1e-12);
    assert_eq!(dq.status, Status::Warn);
    // a handful of new categories (1%) is significant on 1000 rows but not material
    let r = report(
        &rows(1000, 0, "r"),
        &rows(1000, 100, "k"),
        &Config::default(),
    );
    assert!(!check(&r, "data_quality").evidence["findings"]
        .to_string()
        .contains("few:"));
}

#[test]
fn all_timestamps_null_skip_calendar_chunks_with_a_reason() {
    let data = "timestamp,score,prediction,label\n,0.9,1,1\n,0.2,0,0\n";
    let r = report(data, data, &Config::default());
    let b = check(&r, "backtest");
    // no chunk: every row is left out
    assert!(
        b.metrics.iter().all(|m| m.chunk.is_none()),
        "{:?}",
        b.metrics
    );
}

#[test]
fn a_constant_train_label_cannot_judge_the_fit() {
    use attest_check::read::Datasets;
    let data = timed_csv(12, |i| u8::from(i % 3 == 0));
    let train = timed_csv(12, |_| 1);
    let (t, r, c) = (
        csv("train", &train),
        csv("reference", &data),
        csv("current", &data),
    );
    let report = run(
        Datasets::new(&r, &c).with_train(Some(&t)),
        &Config::default(),
        &RunOptions::default(),
        &NoProgress,
    )
    .expect("run");
    let fit = check(&report, "fit");
    assert_eq!(fit.status, Status::Warn);
    assert!(
        fit.message
            .as_deref()
            .unwrap_or("")
            .contains("undefined on train"),
        "{:?}",
        fit.message
    );
    // the dummy of a constant label is perfect: no gain to measure (0)
    let gain = fit
        .metrics
        .iter()
        .find(|m| m.name == "baseline_gain_accuracy")
        .expect("gain");
    assert_eq!(gain.value, 0.0);
}

/// SPEC §3 "Verdicts" rule 3: a feature constant in current is a finding
/// only when the reference makes that improbable.
#[test]
fn a_constant_current_column_is_judged_against_the_reference() {
    let csv_of = |xs: &[f64]| {
        let mut s = String::from("x,y\n");
        for (i, x) in xs.iter().enumerate() {
            s.push_str(&format!("{x},{}\n", i % 3));
        }
        s
    };
    let zeros = vec![0.0; 60];
    // One odd value in 60: 60 equal rows have a chance of about e^-1.
    let mut nearly = zeros.clone();
    nearly[7] = 1.0;
    let r = report(&csv_of(&nearly), &csv_of(&zeros), &Config::default());
    assert_eq!(check(&r, "data_quality").status, Status::Pass);
    // Sixty distinct values: a constant current is a finding.
    let spread: Vec<f64> = (0..60).map(f64::from).collect();
    let r = report(&csv_of(&spread), &csv_of(&zeros), &Config::default());
    let dq = check(&r, "data_quality");
    assert_eq!(dq.status, Status::Warn);
    assert!(dq
        .message
        .as_deref()
        .unwrap_or("")
        .contains("a single value in current"));
}

/// SPEC §3 "Verdicts" rule 6: overfitting warns; it fails when the model
/// reproduces its train labels exactly and loses much of its gain over the
/// dummy out of sample.
#[test]
fn overfit_warns_and_fails_only_when_train_is_memorised() {
    // label alternates; score = label, except that `flip` percent of the
    // rows (spread by a multiplicative hash) get the wrong side.
    let table = |flip: u64, salt: u64| {
        let mut s = String::from("x,score,prediction,label\n");
        for i in 0..400u64 {
            let label = i % 2;
            let wrong = (i * 7919 + salt) % 100 < flip;
            let score = if wrong {
                0.8 - 0.6 * label as f64
            } else {
                0.2 + 0.6 * label as f64
            };
            s.push_str(&format!(
                "{},{score},{},{label}\n",
                i % 17,
                u8::from(score >= 0.5)
            ));
        }
        s
    };
    let fit_of = |train: &str| {
        let (t, r, c) = (
            csv("train", train),
            csv("reference", &table(30, 1)),
            csv("current", &table(30, 2)),
        );
        let report = run(
            Datasets::new(&r, &c).with_train(Some(&t)),
            &Config::default(),
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("runs");
        check(&report, "fit").clone()
    };
    // Train AUC 1, reference about 0.7: memorised.
    let memorised = fit_of(&table(0, 0));
    assert_eq!(memorised.status, Status::Fail, "{:?}", memorised.message);
    assert!(memorised.evidence["overfit"]["significant"] == true);
    // Train AUC about 0.9, reference about 0.7: overfit, a warning.
    let overfit = fit_of(&table(10, 0));
    assert_eq!(overfit.status, Status::Warn, "{:?}", overfit.message);
}

/// SPEC §3 "Verdicts": importance shares that move on a few rows are
/// noise; a model that relies on another feature in current is not.
#[test]
fn an_importance_change_must_be_significant() {
    // Two features from a multiplicative hash; the score follows `a` (or
    // `b`) plus a little of the other.
    let table = |n: u64, salt: u64, follows_a: bool| {
        let mut s = String::from("a,b,score\n");
        for i in 0..n {
            let a = ((i * 7919 + salt) % 101) as f64 / 100.0;
            let b = ((i * 104_729 + 3 * salt) % 97) as f64 / 96.0;
            let score = if follows_a {
                0.8 * a + 0.2 * b
            } else {
                0.2 * a + 0.8 * b
            };
            s.push_str(&format!("{a},{b},{score}\n"));
        }
        s
    };
    let importance = |n: u64, current_follows_a: bool| {
        let r = report(
            &table(n, 1, true),
            &table(n, 2, current_follows_a),
            &Config::default(),
        );
        check(&r, "importance").clone()
    };
    let shifted = importance(400, false);
    assert!(shifted.evidence["tv_distance"].as_f64().expect("tv") >= 0.1);
    assert!(shifted.evidence["change_p_value"].as_f64().expect("p") < 0.05);
    assert_eq!(shifted.status, Status::Warn, "{:?}", shifted.message);
    // The same shift on 8 rows: material, not significant.
    let few = importance(8, false);
    assert!(few.evidence["tv_distance"].as_f64().expect("tv") >= 0.1);
    assert!(few.evidence["change_p_value"].as_f64().expect("p") > 0.05);
    assert_eq!(few.status, Status::Pass, "{:?}", few.message);
}

/// SPEC §2: a second model's outputs are found by their names.
#[test]
fn challenger_columns_are_detected_by_name() {
    let mut text = String::from("x,score,prediction,label,challenger_proba,challenger_pred\n");
    for i in 0..60u32 {
        let label = i % 2;
        let score = if i % 7 == 0 {
            0.4
        } else {
            0.2 + 0.6 * f64::from(label)
        };
        let other = if i % 5 == 0 {
            0.6
        } else {
            0.3 + 0.4 * f64::from(label)
        };
        text.push_str(&format!(
            "{},{score},{},{label},{other},{}\n",
            i % 9,
            u8::from(score >= 0.5),
            u8::from(other >= 0.5)
        ));
    }
    let r = report(&text, &text, &Config::default());
    let challenger = check(&r, "challenger");
    assert_ne!(
        challenger.status,
        Status::Skipped,
        "{:?}",
        challenger.message
    );
    // Neither is a feature: no drift of their own.
    let drift = check(&r, "feature_drift");
    let judged: Vec<&str> = drift.evidence["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["column"].as_str())
        .collect();
    assert_eq!(judged, ["x"]);
}

/// SPEC §2: date and time columns that play no role are temporal: data
/// quality only, listed; a `[kinds]` override makes one a feature again.
#[test]
fn date_and_time_columns_without_a_role_get_data_quality_only() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/writers/pyarrow_default.parquet");
    let open = |label: &str| {
        let source = attest_check::source::FileSource::open(&path).expect("test file");
        Dataset::open(label, Arc::new(source)).expect("reads")
    };
    let (r, c) = (open("reference"), open("current"));
    let run_with = |config: &Config| {
        run(
            Datasets::new(&r, &c),
            config,
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("runs")
    };
    let drifted_columns = |report: &Report| -> Vec<String> {
        check(report, "feature_drift").evidence["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .filter_map(|c| c["column"].as_str().map(String::from))
            .collect()
    };
    let report = run_with(&Config::default());
    // `ts` is the timestamp by its name; `day` and `ts_utc` play no role.
    let dq = check(&report, "data_quality");
    assert_eq!(
        dq.evidence["temporal"],
        serde_json::json!(["day", "ts_utc"])
    );
    let features = drifted_columns(&report);
    assert!(
        !features.iter().any(|c| c == "day" || c == "ts_utc"),
        "{features:?}"
    );
    assert!(report
        .metrics()
        .any(|(_, m)| m.name == "missing_share" && m.column.as_deref() == Some("day")));
    let config = Config::from_toml("[kinds]\nday = \"categorical\"\n").expect("toml");
    let report = run_with(&config);
    assert!(drifted_columns(&report).iter().any(|c| c == "day"));
}
