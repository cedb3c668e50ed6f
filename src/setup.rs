//! "Before the run": the user's choices over a [`Preview`] — a role, a kind
//! and the sensitive/segment marks per column, the task and the checks to
//! run — turned into the [`Config`] the worker runs with. Pure, tested
//! natively; the view is `app::setup`.

use attest_check::columns::Kind;
use attest_check::config::{Chunking, Task, CHECK_IDS};
use attest_check::plan::{Preview, Role};
use attest_check::Config;

/// What a column does in the run, as the role menu offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Role(Role),
    /// Left out of every check.
    Ignore,
}

impl Use {
    /// Every choice, in menu order.
    pub const ALL: [Use; 13] = [
        Use::Role(Role::Feature),
        Use::Role(Role::Id),
        Use::Role(Role::Timestamp),
        Use::Role(Role::Prediction),
        Use::Role(Role::Score),
        Use::Role(Role::Label),
        Use::Role(Role::ChallengerPrediction),
        Use::Role(Role::ChallengerScore),
        Use::Role(Role::ClassScore),
        Use::Role(Role::Attribution),
        Use::Role(Role::FeatureTime),
        Use::Role(Role::Temporal),
        Use::Ignore,
    ];
    /// The menu value.
    pub fn as_str(self) -> &'static str {
        match self {
            Use::Role(r) => r.as_str(),
            Use::Ignore => "ignore",
        }
    }
    /// Parse a menu value.
    pub fn parse(s: &str) -> Option<Use> {
        Use::ALL.into_iter().find(|u| u.as_str() == s)
    }
    /// Roles only one column can hold.
    fn single(self) -> bool {
        !matches!(
            self,
            Use::Role(
                Role::Feature
                    | Role::ClassScore
                    | Role::Attribution
                    | Role::FeatureTime
                    | Role::Temporal
            ) | Use::Ignore
        )
    }
}

/// One column's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnChoice {
    pub name: String,
    pub reference_type: Option<String>,
    pub current_type: Option<String>,
    /// Its type in the train dataset, when there is one with the column.
    pub train_type: Option<String>,
    pub usage: Use,
    /// With [`Role::FeatureTime`]: the feature whose time this column holds.
    pub time_of: Option<String>,
    /// The kind it is compared as (`None`: not comparable as it stands).
    pub kind: Option<Kind>,
    /// The kind the plan gave, to tell an override from the default.
    pub detected_kind: Option<Kind>,
    pub sensitive: bool,
    pub segment: bool,
    /// Why the plan cannot compare it, if so.
    pub problem: Option<String>,
    /// Nested type: no kind can be chosen.
    pub unsupported: bool,
    /// The plan made it temporal (a date/time column with no role): made a
    /// feature, it needs a kind override ([`Role::Temporal`]).
    pub detected_temporal: bool,
}

/// Every choice of the "before the run" step.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    pub columns: Vec<ColumnChoice>,
    pub task: Task,
    /// Check ids to run (all by default).
    pub checks: Vec<String>,
    /// How backtesting cuts the data into chunks.
    pub chunking: Chunking,
    /// The configuration the choices start from (a dropped `attest.toml`,
    /// `?config=`): its thresholds, chunking and model card are kept.
    pub base: Config,
}

impl Choices {
    /// The defaults: what the plan says (auto-detected, over `base`'s
    /// roles), and the checks `base` runs.
    pub fn from_preview(preview: &Preview, base: &Config) -> Self {
        let times = &preview.plan.roles.feature_time;
        let columns = preview
            .plan
            .columns
            .iter()
            .map(|c| ColumnChoice {
                name: c.name.clone(),
                reference_type: c.reference_type.clone(),
                current_type: c.current_type.clone(),
                train_type: c.train_type.clone(),
                usage: Use::Role(c.role),
                time_of: times
                    .iter()
                    .find(|(_, col)| **col == c.name)
                    .map(|(f, _)| f.clone()),
                kind: c.kind,
                detected_kind: c.kind,
                sensitive: c.sensitive,
                segment: c.segment,
                problem: c.problem.clone(),
                unsupported: c.unsupported,
                detected_temporal: c.role == Role::Temporal,
            })
            .collect();
        Choices {
            columns,
            task: base.task,
            checks: CHECK_IDS
                .iter()
                .filter(|id| base.runs(id))
                .map(|s| s.to_string())
                .collect(),
            chunking: base.backtest.chunking(),
            base: base.clone(),
        }
    }

    /// Cut the data into chunks this way (a count of 0 is ignored).
    pub fn set_chunking(&mut self, chunking: Chunking) {
        if !matches!(chunking, Chunking::Rows(0) | Chunking::Count(0)) {
            self.chunking = chunking;
        }
    }

    /// The features a time column can belong to.
    pub fn features(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| c.usage == Use::Role(Role::Feature))
            .map(|c| c.name.clone())
            .collect()
    }

    /// Say which feature's time `column` holds (a feature-time column).
    pub fn set_time_of(&mut self, column: &str, feature: Option<String>) {
        if let Some(c) = self.column_mut(column) {
            c.time_of = feature.filter(|f| !f.is_empty());
        }
    }

    fn column_mut(&mut self, name: &str) -> Option<&mut ColumnChoice> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Give `column` a role; a single role moves from whichever column had it.
    pub fn set_use(&mut self, column: &str, usage: Use) {
        if usage.single() {
            for c in &mut self.columns {
                if c.usage == usage && c.name != column {
                    c.usage = Use::Role(Role::Feature);
                }
            }
        }
        if let Some(c) = self.column_mut(column) {
            c.usage = usage;
            if usage != Use::Role(Role::FeatureTime) {
                c.time_of = None;
            }
            if usage == Use::Ignore {
                c.sensitive = false;
                c.segment = false;
            }
        }
    }

    /// Compare `column` as `kind`.
    pub fn set_kind(&mut self, column: &str, kind: Kind) {
        if let Some(c) = self.column_mut(column).filter(|c| !c.unsupported) {
            c.kind = Some(kind);
        }
    }

    /// Mark or unmark a sensitive column (only columns in the current data).
    pub fn set_sensitive(&mut self, column: &str, on: bool) {
        if let Some(c) = self.column_mut(column) {
            c.sensitive = on && c.current_type.is_some() && c.usage != Use::Ignore;
        }
    }

    /// Mark or unmark a segment column (only columns in the current data).
    pub fn set_segment(&mut self, column: &str, on: bool) {
        if let Some(c) = self.column_mut(column) {
            c.segment = on && c.current_type.is_some() && c.usage != Use::Ignore;
        }
    }

    /// Run or skip a check.
    pub fn set_check(&mut self, id: &str, on: bool) {
        self.checks.retain(|c| c != id);
        if on && CHECK_IDS.contains(&id) {
            self.checks.push(id.to_string());
        }
    }

    /// The configuration these choices mean: every role explicit (auto
    /// detection off, so a cleared role stays cleared), kind overrides where
    /// the user changed a kind, skipped checks.
    pub fn to_config(&self) -> Config {
        // The base's kinds stay where the user did not change them.
        let base_kinds = &self.base.kinds;
        let mut config = Config {
            task: self.task,
            roles: Default::default(),
            kinds: Default::default(),
            ..self.base.clone()
        };
        let roles = &mut config.roles;
        roles.auto_detect = false;
        for c in &self.columns {
            let name = Some(c.name.clone());
            match c.usage {
                Use::Role(Role::Feature) => {}
                Use::Role(Role::Id) => roles.id = name,
                Use::Role(Role::Timestamp) => roles.timestamp = name,
                Use::Role(Role::Prediction) => roles.prediction = name,
                Use::Role(Role::Score) => roles.score = name,
                Use::Role(Role::Label) => roles.label = name,
                Use::Role(Role::ChallengerPrediction) => roles.challenger_prediction = name,
                Use::Role(Role::ChallengerScore) => roles.challenger_score = name,
                Use::Role(Role::ClassScore) => roles.class_scores.push(c.name.clone()),
                Use::Role(Role::Attribution) => roles.attribution.push(c.name.clone()),
                // Resolved again from the column's type.
                Use::Role(Role::Temporal) => {}
                Use::Role(Role::FeatureTime) => match &c.time_of {
                    Some(f) => {
                        roles.feature_time.insert(f.clone(), c.name.clone());
                    }
                    // A time column that belongs to no feature is not a feature either.
                    None => roles.ignore.push(c.name.clone()),
                },
                Use::Ignore => roles.ignore.push(c.name.clone()),
            }
            if c.usage == Use::Ignore {
                continue;
            }
            if c.sensitive {
                roles.sensitive.push(c.name.clone());
            }
            if c.segment {
                roles.segments.push(c.name.clone());
            }
            // A date/time column chosen as a feature is one by its kind
            // override (SPEC §2).
            let forced = c.detected_temporal && c.usage == Use::Role(Role::Feature);
            if let Some(k) = c.kind.filter(|k| forced || Some(*k) != c.detected_kind) {
                config.kinds.insert(c.name.clone(), k);
            } else if let Some(k) = base_kinds.get(&c.name) {
                config.kinds.insert(c.name.clone(), *k);
            }
        }
        let b = &mut config.backtest;
        (b.chunk, b.chunk_rows, b.chunks) = match self.chunking {
            Chunking::Period(p) => (Some(p), None, None),
            Chunking::Rows(n) => (None, Some(n), None),
            Chunking::Count(n) => (None, None, Some(n)),
        };
        config.checks.skip = CHECK_IDS
            .iter()
            .filter(|id| !self.checks.iter().any(|c| c == *id))
            .map(|s| s.to_string())
            .collect();
        config
    }
}

/// How the files' schemas differ, in words, before anything runs: columns
/// one dataset lacks and columns whose types differ. Empty when they agree.
pub fn schema_differences(preview: &Preview) -> Vec<String> {
    let cols = &preview.plan.columns;
    let has_train = preview.datasets.iter().any(|d| d.dataset == "train");
    let names = |f: &dyn Fn(&attest_check::plan::ColumnPlan) -> bool| -> Vec<String> {
        cols.iter()
            .filter(|c| f(c))
            .map(|c| format!("`{}`", c.name))
            .collect()
    };
    let mut out = Vec::new();
    let mut only = |who: &str, list: Vec<String>| {
        if !list.is_empty() {
            out.push(format!(
                "{} column{} only in {who}: {}",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                list.join(", ")
            ));
        }
    };
    only(
        "reference",
        names(&|c| c.reference_type.is_some() && c.current_type.is_none()),
    );
    only(
        "current",
        names(&|c| c.current_type.is_some() && c.reference_type.is_none()),
    );
    if has_train {
        only(
            "reference and current, not in train",
            names(&|c| {
                c.train_type.is_none() && c.reference_type.is_some() && c.current_type.is_some()
            }),
        );
    }
    for c in cols {
        let types = [
            ("reference", &c.reference_type),
            ("current", &c.current_type),
            ("train", &c.train_type),
        ];
        let present: Vec<(&str, &String)> = types
            .iter()
            .filter_map(|(d, t)| t.as_ref().map(|t| (*d, t)))
            .collect();
        if present.windows(2).any(|w| w[0].1 != w[1].1) {
            let said: Vec<String> = present.iter().map(|(d, t)| format!("{t} in {d}")).collect();
            out.push(format!(
                "`{}` has different types: {}",
                c.name,
                said.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use attest_check::plan::preview;
    use attest_check::read::{Dataset, Datasets};
    use attest_check::run::{run, NoProgress, RunOptions};
    use attest_check::source::MemorySource;

    use super::*;

    fn csv(label: &str, text: &str) -> Dataset {
        let source = MemorySource::new(format!("{label}.csv"), text.as_bytes().to_vec());
        Dataset::open(label, Arc::new(source)).expect("csv")
    }

    const DATA: &str = "id,label,prediction,region,x\n1,0,0,a,1\n2,1,1,b,2\n3,0,1,a,3\n4,1,1,b,4\n";

    fn choices() -> (Choices, Dataset, Dataset) {
        let (r, c) = (csv("reference", DATA), csv("current", DATA));
        let p = preview(Datasets::new(&r, &c), &Config::default()).expect("preview");
        (Choices::from_preview(&p, &Config::default()), r, c)
    }

    #[test]
    fn a_base_configuration_is_kept_and_new_roles_reach_the_config() {
        let data = "id,ts,label,prediction,score,alt_score,x,x_known_at,shap_x\n1,2024-01-01T12:00:00,0,0,0.2,0.3,1,2024-01-01,0.1\n2,2024-01-01T12:00:00,1,1,0.8,0.6,2,2024-01-02,0.2\n";
        let (r, c) = (csv("reference", data), csv("current", data));
        let base = Config::from_toml(
            "[fit]\nmax_gap = 0.3\n[backtest]\nchunk_rows = 100\n[kinds]\nid = \"categorical\"\n[checks]\nskip = [\"fairness\"]\n",
        )
        .expect("toml");
        let p = preview(Datasets::new(&r, &c), &base).expect("preview");
        let mut ch = Choices::from_preview(&p, &base);
        assert_eq!(ch.chunking, Chunking::Rows(100));
        assert!(!ch.checks.iter().any(|c| c == "fairness"));
        // shap_x is auto-detected as the attribution of x
        let shap = ch
            .columns
            .iter()
            .find(|c| c.name == "shap_x")
            .expect("column");
        assert_eq!(shap.usage, Use::Role(Role::Attribution));
        ch.set_use("alt_score", Use::Role(Role::ChallengerScore));
        ch.set_use("x_known_at", Use::Role(Role::FeatureTime));
        ch.set_time_of("x_known_at", Some("x".into()));
        ch.set_chunking(Chunking::Period(attest_check::config::Period::Week));
        ch.set_chunking(Chunking::Count(0));
        let config = ch.to_config();
        assert_eq!(config.fit.max_gap, 0.3);
        assert_eq!(config.kinds.get("id"), Some(&Kind::Categorical));
        assert_eq!(config.roles.challenger_score.as_deref(), Some("alt_score"));
        assert_eq!(config.roles.attribution, ["shap_x"]);
        assert_eq!(
            config.roles.feature_time.get("x").map(String::as_str),
            Some("x_known_at")
        );
        assert_eq!(
            config.backtest.chunking(),
            Chunking::Period(attest_check::config::Period::Week)
        );
        assert_eq!(config.backtest.chunk_rows, None);
        assert_eq!(config.checks.skip, ["fairness"]);
        // and it runs
        let report = run(
            Datasets::new(&r, &c),
            &config,
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("run");
        let leak = report
            .checks
            .iter()
            .find(|c| c.id == "leakage")
            .expect("leakage");
        assert!(leak.metrics.iter().any(|m| m.name == "time_travel_share"));
        // a feature-time column that belongs to no feature is left out
        ch.set_time_of("x_known_at", None);
        assert!(ch
            .to_config()
            .roles
            .ignore
            .contains(&"x_known_at".to_string()));
    }

    #[test]
    fn defaults_give_the_auto_detected_roles() {
        let (ch, r, c) = choices();
        let config = ch.to_config();
        assert_eq!(config.roles.id.as_deref(), Some("id"));
        assert_eq!(config.roles.label.as_deref(), Some("label"));
        assert_eq!(config.roles.prediction.as_deref(), Some("prediction"));
        assert!(config.checks.skip.is_empty());
        assert!(config.kinds.is_empty());
        // The same report as a run with auto detection, but for the config echo.
        let opts = RunOptions::default();
        let auto = run(
            Datasets::new(&r, &c),
            &Config::default(),
            &opts,
            &NoProgress,
        )
        .expect("run");
        let chosen = run(Datasets::new(&r, &c), &config, &opts, &NoProgress).expect("run");
        assert_eq!(auto.checks, chosen.checks);
    }

    #[test]
    fn a_single_role_moves_and_a_cleared_role_stays_cleared() {
        let (mut ch, r, c) = choices();
        ch.set_use("x", Use::Role(Role::Label));
        let config = ch.to_config();
        assert_eq!(config.roles.label.as_deref(), Some("x"));
        let label = ch
            .columns
            .iter()
            .find(|c| c.name == "label")
            .expect("column");
        assert_eq!(label.usage, Use::Role(Role::Feature));

        ch.set_use("x", Use::Role(Role::Feature));
        let config = ch.to_config();
        assert_eq!(config.roles.label, None);
        let report = run(
            Datasets::new(&r, &c),
            &config,
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("run");
        let perf = report
            .checks
            .iter()
            .find(|c| c.id == "performance")
            .expect("check");
        assert_eq!(perf.status, attest_check::report::Status::Skipped);
    }

    #[test]
    fn marks_kinds_ignores_and_checks_reach_the_config() {
        let (mut ch, r, c) = choices();
        ch.set_sensitive("region", true);
        ch.set_segment("region", true);
        ch.set_kind("x", Kind::Categorical);
        ch.set_use("id", Use::Ignore);
        ch.set_check("fairness", false);
        ch.set_check("no_such_check", true);
        ch.task = Task::Binary;
        let config = ch.to_config();
        assert_eq!(config.roles.sensitive, ["region"]);
        assert_eq!(config.roles.segments, ["region"]);
        assert_eq!(config.roles.ignore, ["id"]);
        assert_eq!(config.roles.id, None);
        assert_eq!(config.kinds.get("x"), Some(&Kind::Categorical));
        assert_eq!(config.checks.skip, ["fairness"]);
        assert_eq!(config.task, Task::Binary);
        config.validate().expect("valid");
        // The config survives JSON (how it reaches the worker) and runs.
        let json = serde_json::to_string(&config).expect("json");
        let back: Config = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, config);
        let report = run(
            Datasets::new(&r, &c),
            &back,
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("run");
        let fairness = report
            .checks
            .iter()
            .find(|c| c.id == "fairness")
            .expect("check");
        assert_eq!(fairness.status, attest_check::report::Status::Skipped);
        assert!(report.inputs[0].columns.contains(&"id".to_string()));
    }

    #[test]
    fn a_date_column_is_temporal_unless_chosen_as_a_feature() {
        // `day` and `ts_utc` are dates and times with no role; `ts` is the
        // timestamp by its name.
        let bytes = include_bytes!("../tests/data/writers/pyarrow_default.parquet");
        let open = |label: &str| {
            let source = MemorySource::new("w.parquet".to_string(), bytes.to_vec());
            Dataset::open(label, Arc::new(source)).expect("parquet")
        };
        let (r, c) = (open("reference"), open("current"));
        let p = preview(Datasets::new(&r, &c), &Config::default()).expect("preview");
        let mut ch = Choices::from_preview(&p, &Config::default());
        let usage =
            |ch: &Choices, n: &str| ch.columns.iter().find(|c| c.name == n).map(|c| c.usage);
        assert_eq!(usage(&ch, "day"), Some(Use::Role(Role::Temporal)));
        assert_eq!(usage(&ch, "ts"), Some(Use::Role(Role::Timestamp)));
        // Left temporal: no role and no kind in the config, resolved again.
        let config = ch.to_config();
        assert!(!config.kinds.contains_key("day"));
        let again = preview(Datasets::new(&r, &c), &config).expect("preview");
        assert!(again.plan.roles.temporal.iter().any(|n| n == "day"));
        // Chosen as a feature: a kind override makes it one.
        ch.set_use("day", Use::Role(Role::Feature));
        let config = ch.to_config();
        assert!(config.kinds.contains_key("day"));
        let again = preview(Datasets::new(&r, &c), &config).expect("preview");
        assert!(!again.plan.roles.temporal.iter().any(|n| n == "day"));
    }

    #[test]
    fn different_schemas_are_said_before_the_run() {
        let (r, c) = (csv("reference", DATA), csv("current", DATA));
        let same = preview(Datasets::new(&r, &c), &Config::default()).expect("preview");
        assert!(schema_differences(&same).is_empty());
        let other = "id,label,prediction,region,y\n1,0,0,a,u\n2,1,1,b,v\n3,0,1,a,w\n4,1,1,b,z\n";
        let (r, c) = (
            csv("reference", DATA),
            csv("current", &other.replace("region", "x")),
        );
        let differs = preview(Datasets::new(&r, &c), &Config::default()).expect("preview");
        let said = schema_differences(&differs);
        assert!(
            said.iter()
                .any(|s| s == "1 column only in reference: `region`"),
            "{said:?}"
        );
        assert!(
            said.iter().any(|s| s == "1 column only in current: `y`"),
            "{said:?}"
        );
        assert!(
            said.iter()
                .any(|s| s.starts_with("`x` has different types: ")),
            "{said:?}"
        );
    }
}
