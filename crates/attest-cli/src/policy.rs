//! `attest policy check REPORT --policy POLICY`: does a signed report comply
//! with its tier of a validation policy (SPEC §8)? The rules are
//! `attest_check::policy`'s.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use attest_check::policy::{evaluate, parse_time, Compliance, Policy};

#[derive(clap::Subcommand)]
pub enum PolicyCommand {
    /// Check a report against its tier: exit 0 when it complies, 1 when it
    /// does not, 2 on input errors (no tier, a tier the policy lacks, a bad file).
    Check(CheckArgs),
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The report (JSON or one-file HTML).
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// The policy file (TOML).
    #[arg(long, value_name = "POLICY")]
    policy: PathBuf,
    /// Only signatures by these keys count.
    #[arg(long, value_name = "FILE")]
    trusted_keys: Option<PathBuf>,
    /// The time to judge expiry at (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Also write the result as JSON here.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Read and parse a policy file.
pub fn read_policy(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the policy {}", path.display()))?;
    Policy::from_toml(&text).with_context(|| format!("in {}", path.display()))
}

/// `--now`, else the clock (or `SOURCE_DATE_EPOCH`), as seconds.
pub fn now(arg: Option<&str>) -> Result<i64> {
    match arg {
        Some(t) => parse_time(t).with_context(|| format!("--now {t:?} is not an RFC 3339 time")),
        None => {
            let text = crate::created_at()?;
            parse_time(&text).context("the clock")
        }
    }
}

/// The result in words: the verdict line, then each requirement.
pub fn describe(label: &str, c: &Compliance) -> String {
    let mut out = format!(
        "{label}: {} (tier {}, policy {}{})\n",
        if c.compliant {
            "COMPLIANT"
        } else {
            "NOT COMPLIANT"
        },
        c.tier,
        c.policy_version,
        c.valid_until
            .as_deref()
            .map(|v| format!(", valid until {v}"))
            .unwrap_or_default()
    );
    for r in &c.requirements {
        out.push_str(&format!(
            "  [{}] {}: {}\n",
            if r.met { "x" } else { " " },
            r.what,
            r.detail
        ));
    }
    let open: Vec<String> = c
        .open_findings
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if !open.is_empty() {
        out.push_str(&format!("  open findings: {}\n", open.join(", ")));
    }
    if c.overdue {
        out.push_str("  OVERDUE\n");
    }
    out
}

pub fn run(cmd: &PolicyCommand) -> Result<bool> {
    let PolicyCommand::Check(args) = cmd;
    let policy = read_policy(&args.policy)?;
    let text = crate::read_report_text(&args.report)?;
    let trusted = args
        .trusted_keys
        .as_deref()
        .map(crate::signoff::read_trusted_keys)
        .transpose()?;
    let now = now(args.now.as_deref())?;
    let c = evaluate(&text, &policy, trusted.as_ref(), now)
        .with_context(|| format!("cannot judge {}", args.report.display()))?;
    if let Some(path) = &args.json {
        let json = serde_json::to_string_pretty(&c).context("cannot serialise")? + "\n";
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let _ = std::io::stdout()
        .lock()
        .write_all(describe(&args.report.display().to_string(), &c).as_bytes());
    Ok(!c.compliant)
}
