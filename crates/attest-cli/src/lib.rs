//! `attest`: run Attest's checks from the command line and in CI pipelines.
//!
//! The command line is a library ([`run_cli`]) so that the Python package's
//! `attest` command runs the same code; `main.rs` only sets the allocator.
//!
//! Exit status (SPEC §5): 0 when no check failed (warnings allowed), 1 when
//! at least one check failed or errored, 2 for a usage or input error.

pub mod ci;
pub mod html;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod policy;
mod publish;
pub mod signoff;
pub mod summary;
pub mod viewer;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use attest_check::read::{Dataset, Datasets};
use attest_check::report::{Report, Status};
use attest_check::run::{run, Progress, RunOptions};
use attest_check::source::FileSource;
use attest_check::Config;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "attest",
    version,
    about = "Model-validation checks: drift, data quality, performance, fairness, fit, leakage, backtesting, champion vs challenger"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compare a current dataset with a reference and write a report.
    Check(Box<CheckArgs>),
    /// Make an Ed25519 key for signing reports; prints the public key.
    Keygen(signoff::KeygenArgs),
    /// Sign a report (a signature binds the report and the sign-off).
    Sign(signoff::SignArgs),
    /// Check a report's signatures: exit 0 when all are valid (and trusted,
    /// with --trusted-keys), 1 otherwise, 2 on usage errors.
    Verify(signoff::VerifyArgs),
    /// Write a report as one self-contained HTML file (viewer included).
    Bundle(BundleArgs),
    /// Write a folder of reports for a static host: the web app, the
    /// reports and an index.json catalogue (a model inventory).
    Publish(publish::PublishArgs),
    /// Run a report's checks again on the given files and compare: exit 0
    /// when every value is identical, 1 when some differ, 2 on errors.
    Reproduce(ReproduceArgs),
    /// Validation policy by tier (SPEC §8).
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Hold a candidate report to a baseline report (typically the signed
    /// validation of the deployed model): exit 0 when no performance metric
    /// fell past its margin, 1 when one did, 2 on errors.
    Compare(CompareArgs),
}

#[derive(clap::Args)]
struct CompareArgs {
    /// The baseline report (JSON or one-file HTML).
    #[arg(value_name = "BASELINE")]
    baseline: PathBuf,
    /// The candidate report (JSON or one-file HTML).
    #[arg(value_name = "CANDIDATE")]
    candidate: PathBuf,
    /// The margins (`[baseline]` of an attest.toml); default 0.02 each.
    #[arg(long, value_name = "attest.toml")]
    config: Option<PathBuf>,
    /// The baseline must carry a valid approving signature by one of these keys.
    #[arg(long, value_name = "FILE")]
    trusted_keys: Option<PathBuf>,
    /// Write the comparison as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the comparison as Markdown here.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
}

#[derive(clap::Args)]
struct BundleArgs {
    /// The report JSON.
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// The HTML file to write.
    #[arg(short = 'o', long, value_name = "OUT")]
    out: PathBuf,
    /// The viewer's folder (`dist/` of `trunk build --release`); default:
    /// the viewer built into this binary.
    #[arg(long, value_name = "DIR")]
    viewer: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ReproduceArgs {
    /// The report to reproduce (JSON, or a one-file HTML report).
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// The reference dataset the report names.
    #[arg(long, value_name = "REF")]
    reference: PathBuf,
    /// The current dataset the report names.
    #[arg(long, value_name = "CUR")]
    current: PathBuf,
    /// The train dataset the report names, when it has one.
    #[arg(long, value_name = "TRAIN")]
    train: Option<PathBuf>,
    /// Also write the comparison as JSON here.
    #[arg(long, value_name = "diff.json")]
    json: Option<PathBuf>,
}

/// Which statuses fail a run (`--fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A failed or errored check.
    Fail,
    /// A warning too.
    Warn,
}

impl FailOn {
    /// Whether a report of `status` fails the run.
    pub fn fails(self, status: Status) -> bool {
        match self {
            FailOn::Fail => matches!(status, Status::Fail | Status::Error),
            FailOn::Warn => matches!(status, Status::Fail | Status::Error | Status::Warn),
        }
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The baseline dataset (Parquet or CSV).
    #[arg(long, value_name = "REF")]
    reference: PathBuf,
    /// The dataset under validation (Parquet or CSV).
    #[arg(long, value_name = "CUR")]
    current: PathBuf,
    /// The data the model was fit on, with its in-sample predictions
    /// (over- and under-fitting, leakage).
    #[arg(long, value_name = "TRAIN")]
    train: Option<PathBuf>,
    /// Row identifier column.
    #[arg(long, value_name = "C")]
    id: Option<String>,
    /// Prediction time column.
    #[arg(long, value_name = "C")]
    timestamp: Option<String>,
    /// Model output column (class or value).
    #[arg(long, value_name = "C")]
    prediction: Option<String>,
    /// Positive-class probability column (binary).
    #[arg(long, value_name = "C")]
    score: Option<String>,
    /// Ground-truth column.
    #[arg(long, value_name = "C")]
    label: Option<String>,
    /// Protected attribute for fairness checks (repeatable).
    #[arg(long, value_name = "C")]
    sensitive: Vec<String>,
    /// Slice column for performance by segment (repeatable).
    #[arg(long, value_name = "C")]
    segment: Vec<String>,
    /// A per-class probability column, in sorted class order (repeatable),
    /// or one list column.
    #[arg(long, value_name = "C")]
    class_score: Vec<String>,
    /// A per-row feature attribution column, e.g. SHAP (repeatable).
    #[arg(long, value_name = "C")]
    attribution: Vec<String>,
    /// A second model's positive-class probability (champion vs challenger).
    #[arg(long, value_name = "C")]
    challenger_score: Option<String>,
    /// A second model's predicted class or value.
    #[arg(long, value_name = "C")]
    challenger_prediction: Option<String>,
    /// Pair reference and current rows by id and compare their features
    /// (training/serving skew; `[skew] join = true`).
    #[arg(long)]
    skew: bool,
    /// An ONNX model file: is it the model that made the predictions, how
    /// does it react to noise and extreme values, which features does it
    /// use (`[model] path`; needs ONNX Runtime: `pip install onnxruntime`).
    #[arg(long, value_name = "MODEL.onnx")]
    model: Option<PathBuf>,
    /// Configuration file (see attest.example.toml).
    #[arg(long, value_name = "attest.toml")]
    config: Option<PathBuf>,
    /// Write the report JSON here (`-` for standard output).
    #[arg(long, value_name = "report.json")]
    json: Option<PathBuf>,
    /// Write the report as one self-contained HTML file here (the
    /// interactive viewer; a static page when no viewer is available).
    #[arg(long, value_name = "report.html")]
    html: Option<PathBuf>,
    /// The viewer's folder for --html (`dist/` of `trunk build --release`);
    /// default: the viewer built into this binary.
    #[arg(long, value_name = "DIR")]
    viewer: Option<PathBuf>,
    /// Write a JUnit XML file here (one test case per check).
    #[arg(long, value_name = "junit.xml")]
    junit: Option<PathBuf>,
    /// Write a GitHub-flavoured Markdown summary here (for a pull request
    /// comment; at most 60,000 characters). Inside GitHub Actions the same
    /// summary goes to the step summary.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Hold this run to a stored report (typically the signed validation
    /// report of the deployed model): check `baseline_comparison`.
    #[arg(long, value_name = "REPORT")]
    baseline: Option<PathBuf>,
    /// With --baseline: the baseline must carry a valid approving signature
    /// by one of these keys, or the run is an input error.
    #[arg(long, value_name = "FILE", requires = "baseline")]
    trusted_keys: Option<PathBuf>,
    /// The least status that makes the exit status 1: `fail` (default) or
    /// `warn` (a warning fails the build too).
    #[arg(long, value_enum, default_value_t = FailOn::Fail, value_name = "fail|warn")]
    fail_on: FailOn,
    /// Print on standard error where the run's time went (reading, sorting,
    /// each check family), for profiling.
    #[arg(long)]
    timings: bool,
}

/// Run the command line `args` (the program's name first, as
/// `std::env::args_os` gives it) and return the exit status (SPEC §5). The
/// `attest` binary and the Python package's `attest` command both call
/// this; nothing here exits the process.
pub fn run_cli<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check(&args),
        Command::Keygen(args) => signoff::keygen(&args).map(|()| false),
        Command::Sign(args) => created_at()
            .and_then(|t| signoff::sign(&args, t))
            .map(|()| false),
        Command::Verify(args) => signoff::verify(&args).map(|ok| !ok),
        Command::Bundle(args) => bundle(&args).map(|()| false),
        Command::Reproduce(args) => reproduce(&args).map(|same| !same),
        Command::Publish(args) => publish::publish(&args),
        Command::Compare(args) => compare(&args),
        Command::Policy(cmd) => policy::run(&cmd),
    };
    match outcome {
        Ok(failed) => u8::from(failed),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "attest: error: {e:#}");
            2
        }
    }
}

/// The roles and switches a run's caller gives beside the configuration
/// (the CLI's flags, the Python keywords): each one given replaces the
/// configuration's (SPEC §5, §7).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub id: Option<String>,
    pub timestamp: Option<String>,
    pub prediction: Option<String>,
    pub score: Option<String>,
    pub label: Option<String>,
    pub challenger_score: Option<String>,
    pub challenger_prediction: Option<String>,
    pub sensitive: Vec<String>,
    pub segments: Vec<String>,
    pub class_scores: Vec<String>,
    pub attribution: Vec<String>,
    /// `--skew`: `[skew] join = true`.
    pub skew: bool,
}

impl Overrides {
    /// Write the given roles and switches into `config` (then validate it).
    pub fn apply(&self, config: &mut Config) {
        let r = &mut config.roles;
        for (flag, slot) in [
            (&self.id, &mut r.id),
            (&self.timestamp, &mut r.timestamp),
            (&self.prediction, &mut r.prediction),
            (&self.score, &mut r.score),
            (&self.label, &mut r.label),
            (&self.challenger_score, &mut r.challenger_score),
            (&self.challenger_prediction, &mut r.challenger_prediction),
        ] {
            if flag.is_some() {
                slot.clone_from(flag);
            }
        }
        for (flag, list) in [
            (&self.sensitive, &mut r.sensitive),
            (&self.segments, &mut r.segments),
            (&self.class_scores, &mut r.class_scores),
            (&self.attribution, &mut r.attribution),
        ] {
            if !flag.is_empty() {
                list.clone_from(flag);
            }
        }
        if self.skew {
            config.skew.join = true;
        }
    }
}

/// Column progress on standard error, only when it is a terminal.
struct TerminalProgress {
    enabled: bool,
}

impl Progress for TerminalProgress {
    fn column_done(&self, column: &str, done: usize, total: usize) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[Kprofiling columns {done}/{total} ({column})");
            if done == total {
                let _ = write!(err, "\r\x1b[K");
            }
            let _ = err.flush();
        }
    }
}

/// The report's time: `SOURCE_DATE_EPOCH` when set, else now (RFC 3339).
pub fn created_at() -> Result<String> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .with_context(|| format!("SOURCE_DATE_EPOCH={v:?} is not a whole number of seconds"))?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
    };
    Ok(attest_check::report::rfc3339_utc(secs))
}

/// Open the dataset file at `path` as `label`, within the configuration's limits.
pub fn open(label: &str, path: &Path, config: &Config) -> Result<Dataset> {
    let source =
        FileSource::open(path).with_context(|| format!("cannot open the {label} dataset"))?;
    let limits = config.limits.resolve(attest_check::read::Limits::NATIVE);
    Dataset::open_with(label, Arc::new(source), limits)
        .with_context(|| format!("cannot read the {label} dataset"))
}

fn write_file(path: &Path, text: &str, what: &str) -> Result<()> {
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the {what} to {}", path.display()))
}

/// Read a report file: JSON, or the report embedded in a one-file HTML.
pub fn read_report_text(path: &Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the report {}", path.display()))?;
    // Anything that does not look like HTML is taken as JSON, and judged as
    // such (a damaged report is an invalid report, not a usage error).
    if !text.trim_start().starts_with('<') {
        return Ok(text);
    }
    let parts = attest_check::bundle::parts(&text).with_context(|| {
        format!(
            "{} is neither a report JSON nor a one-file HTML report",
            path.display()
        )
    })?;
    Ok(parts.report_json)
}

fn bundle(args: &BundleArgs) -> Result<()> {
    let viewer = viewer::require(args.viewer.as_deref())?;
    let text = read_report_text(&args.report)?;
    let html = attest_check::bundle::one_file_html(&viewer, &text)
        .with_context(|| format!("in {}", args.report.display()))?;
    write_file(&args.out, &html, "HTML report")
}

/// A baseline report (JSON or one-file HTML) and its display name; with
/// trusted keys, it must carry a valid approving signature by one of them.
fn read_baseline(path: &Path, trusted_keys: Option<&Path>) -> Result<(String, Report)> {
    let text = read_report_text(path)?;
    let report = attest_check::report::parse(&text)
        .with_context(|| format!("the baseline {} is not a report", path.display()))?;
    if let Some(keys) = trusted_keys {
        let trusted = signoff::read_trusted_keys(keys)?;
        attest_check::baseline::require_approval(&text, &trusted).map_err(|why| {
            anyhow::anyhow!("the baseline {} is not approved: {why}", path.display())
        })?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok((name, report))
}

/// The configuration file at `path` (an attest.toml), else the defaults.
pub fn read_config(path: Option<&Path>) -> Result<Config> {
    match path {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read the configuration {}", p.display()))?;
            Config::from_toml(&text).with_context(|| format!("in {}", p.display()))
        }
        None => Ok(Config::default()),
    }
}

fn compare(args: &CompareArgs) -> Result<bool> {
    let config = read_config(args.config.as_deref())?;
    let (name, baseline) = read_baseline(&args.baseline, args.trusted_keys.as_deref())?;
    let text = read_report_text(&args.candidate)?;
    let mut candidate = attest_check::report::parse(&text)
        .with_context(|| format!("the candidate {} is not a report", args.candidate.display()))?;
    let check = attest_check::baseline::compare(&candidate, &baseline, &name, &config.baseline);
    let failed = matches!(check.status, Status::Fail | Status::Error);
    if let Some(path) = &args.json {
        let doc = serde_json::json!({
            "baseline": args.baseline.display().to_string(),
            "candidate": args.candidate.display().to_string(),
            "check": check,
        });
        let json = serde_json::to_string_pretty(&doc).context("cannot serialise")? + "\n";
        write_file(path, &json, "comparison JSON")?;
    }
    let line = format!(
        "{} {}: {}\n",
        check.status.as_str().to_uppercase(),
        check.id,
        check.message.as_deref().unwrap_or("")
    );
    let table = markdown::baseline_section(&check);
    if let Some(path) = &args.markdown {
        attest_check::baseline::attach(&mut candidate, check);
        write_file(path, &markdown::render(&candidate), "Markdown summary")?;
    }
    let _ = std::io::stdout()
        .lock()
        .write_all((line + &table).as_bytes());
    Ok(failed)
}

fn reproduce(args: &ReproduceArgs) -> Result<bool> {
    let text = read_report_text(&args.report)?;
    let original = attest_check::report::parse(&text)
        .with_context(|| format!("in {}", args.report.display()))?;
    let config = attest_check::reproduce::config_of(&original)
        .with_context(|| format!("in {}", args.report.display()))?;
    let reference = open("reference", &args.reference, &config)?;
    let current = open("current", &args.current, &config)?;
    let train = args
        .train
        .as_deref()
        .map(|p| open("train", p, &config))
        .transpose()?;
    let had_train = original.inputs.iter().any(|i| i.dataset == "train");
    if had_train != train.is_some() {
        anyhow::bail!(
            "the report {} a train dataset: give {}",
            if had_train { "has" } else { "has no" },
            if had_train {
                "--train TRAIN as well"
            } else {
                "no --train"
            }
        );
    }
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    let options = RunOptions {
        created_at: original.created_at.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        hash_inputs: true,
    };
    let progress = TerminalProgress {
        enabled: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let rerun = run(datasets, &config, &options, &progress)?;
    let outcome = attest_check::reproduce::compare(&original, &rerun);
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&outcome).context("cannot serialise")? + "\n";
        write_file(path, &json, "comparison JSON")?;
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(outcome.describe().as_bytes());
    Ok(outcome.identical)
}

fn check(args: &CheckArgs) -> Result<bool> {
    if args.timings {
        attest_check::timing::enable();
    }
    let outcome = check_run(args);
    if args.timings {
        eprintln!("time spent (s; spans on both threads add up, `run` phases are wall time):");
        for (group, name, seconds, count) in attest_check::timing::table() {
            if seconds < 0.0005 {
                continue;
            }
            eprintln!("  {group:<6} {name:<28} {seconds:>8.3}  ×{count}");
        }
    }
    outcome
}

fn check_run(args: &CheckArgs) -> Result<bool> {
    // Fail on a bad viewer folder before the (long) run, not after.
    let viewer = match &args.html {
        Some(_) => viewer::find(args.viewer.as_deref())?,
        None => None,
    };
    let mut config = read_config(args.config.as_deref())?;
    // The model: the flag, else `[model] path` relative to the
    // configuration file's folder.
    let model_path = match (&args.model, &config.model.path, &args.config) {
        (Some(m), _, _) => Some(m.clone()),
        (None, Some(p), Some(c)) => Some(
            c.parent()
                .map(|d| d.join(p))
                .unwrap_or_else(|| PathBuf::from(p)),
        ),
        (None, Some(p), None) => Some(PathBuf::from(p)),
        _ => None,
    };
    if let Some(m) = &args.model {
        config.model.path = Some(m.display().to_string());
    }
    let overrides = Overrides {
        id: args.id.clone(),
        timestamp: args.timestamp.clone(),
        prediction: args.prediction.clone(),
        score: args.score.clone(),
        label: args.label.clone(),
        challenger_score: args.challenger_score.clone(),
        challenger_prediction: args.challenger_prediction.clone(),
        sensitive: args.sensitive.clone(),
        segments: args.segment.clone(),
        class_scores: args.class_score.clone(),
        attribution: args.attribution.clone(),
        skew: args.skew,
    };
    overrides.apply(&mut config);
    config
        .validate()
        .context("the configuration with the flags given")?;
    // The baseline is read (and its approval checked) before the long run.
    let baseline = args
        .baseline
        .as_deref()
        .map(|p| read_baseline(p, args.trusted_keys.as_deref()))
        .transpose()?;

    let reference = open("reference", &args.reference, &config)?;
    let current = open("current", &args.current, &config)?;
    let train = args
        .train
        .as_deref()
        .map(|p| open("train", p, &config))
        .transpose()?;
    let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
    let options = RunOptions {
        created_at: created_at()?,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        hash_inputs: true,
    };
    let started = std::time::Instant::now();
    let progress = TerminalProgress {
        enabled: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    };
    let model = model_path
        .as_deref()
        .map(|p| model::prepare(p, datasets, &config))
        .transpose()?;
    let mut report = run(datasets, &config, &options, &progress)?;
    if let Some(prepared) = model {
        let checks = model::run(prepared, progress.enabled)?;
        attest_check::checks::model::attach(&mut report, checks);
    }
    if let Some((name, base)) = &baseline {
        let check = attest_check::baseline::compare(&report, base, name, &config.baseline);
        attest_check::baseline::attach(&mut report, check);
    }
    let elapsed = started.elapsed();

    let json_to_stdout = args.json.as_deref() == Some(Path::new("-"));
    if let Some(path) = &args.json {
        if json_to_stdout {
            match std::io::stdout()
                .lock()
                .write_all(report.to_json().as_bytes())
            {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r.context("cannot write the report to standard output")?,
            }
        } else {
            write_file(path, &report.to_json(), "report JSON")?;
        }
    }
    if let Some(path) = &args.junit {
        write_file(path, &junit::render(&report), "JUnit XML")?;
    }
    if let Some(path) = &args.html {
        let html = match &viewer {
            Some(v) => attest_check::bundle::one_file_html(v, &report.to_json())?,
            None => {
                let _ = writeln!(
                    std::io::stderr(),
                    "attest: note: no web viewer in this build, so {} is a static page \
                     (pass --viewer DIR for the interactive one-file report)",
                    path.display()
                );
                html::render(&report)
            }
        };
        write_file(path, &html, "HTML report")?;
    }
    let failed = args.fail_on.fails(report.summary.status);
    let exit_code = u8::from(failed);
    let markdown =
        (args.markdown.is_some() || ci::in_github_actions()).then(|| markdown::render(&report));
    if let (Some(path), Some(md)) = (&args.markdown, &markdown) {
        write_file(path, md, "Markdown summary")?;
    }
    let annotations = match (&markdown, ci::in_github_actions()) {
        (Some(md), true) => {
            let json = args.json.as_deref().filter(|p| *p != Path::new("-"));
            ci::github(&report, md, exit_code, json)?
        }
        _ => String::new(),
    };
    let text = summary::render(&report, elapsed);
    // A closed pipe (`attest check … | head`) is not an error worth a panic:
    // the verdict is still in the exit status.
    let _ = if json_to_stdout {
        std::io::stderr().lock().write_all(text.as_bytes())
    } else {
        std::io::stdout().lock().write_all(text.as_bytes())
    };
    // In CI, one status line per check on standard error, and the
    // workflow commands where the runner reads them.
    if ci::in_ci() {
        let _ = std::io::stderr()
            .lock()
            .write_all(ci::status_lines(&report).as_bytes());
    }
    if !annotations.is_empty() {
        let _ = if json_to_stdout {
            std::io::stderr().lock().write_all(annotations.as_bytes())
        } else {
            std::io::stdout().lock().write_all(annotations.as_bytes())
        };
    }
    Ok(failed)
}
