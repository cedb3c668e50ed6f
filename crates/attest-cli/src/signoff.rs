//! `attest keygen`, `attest sign`, `attest verify`: Ed25519 sign-off of
//! reports (the rules are in `attest_check::sign` and DESIGN.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use attest_check::sign::{
    fingerprint, from_hex, sign_report, verify_report, Decision, Finding, FindingStatus, KeyFile,
    Severity, SignOff, State, TrustedKeys,
};

#[derive(clap::Args)]
pub struct KeygenArgs {
    /// Where to write the secret key file (created; never overwritten).
    #[arg(long, value_name = "KEY")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct SignArgs {
    /// The report JSON to sign.
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// Your key file (from `attest keygen`).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Your name.
    #[arg(long, value_name = "NAME")]
    signer: String,
    /// Your role, e.g. validator or approver.
    #[arg(long, value_name = "ROLE")]
    role: String,
    /// approved, approved_with_conditions or rejected.
    #[arg(long, value_name = "DECISION", value_parser = parse_decision)]
    decision: Decision,
    /// Why, or the conditions.
    #[arg(long, value_name = "TEXT")]
    comment: Option<String>,
    /// Where to write the signed report (default: REPORT itself).
    #[arg(short = 'o', long, value_name = "OUT")]
    out: Option<PathBuf>,
    /// Raise a finding, signed with this entry: `high|medium|low:ID:TEXT`
    /// (repeatable; SPEC §8).
    #[arg(long, value_name = "SEVERITY:ID:TEXT")]
    finding: Vec<String>,
    /// The owner of the finding raised in the same position (one --owner
    /// for all of them, or one per --finding).
    #[arg(long, value_name = "NAME")]
    owner: Vec<String>,
    /// The due date (YYYY-MM-DD) of the finding raised in the same position
    /// (one for all, or one per --finding).
    #[arg(long, value_name = "DATE")]
    due: Vec<String>,
    /// Close a finding by its id (repeatable).
    #[arg(long, value_name = "ID")]
    close: Vec<String>,
}

/// The findings of `attest sign`'s flags.
fn findings(args: &SignArgs) -> Result<Vec<Finding>> {
    let n = args.finding.len();
    let nth = |list: &[String], i: usize, what: &str| -> Result<Option<String>> {
        match list.len() {
            0 => Ok(None),
            1 => Ok(Some(list[0].clone())),
            m if m == n => Ok(Some(list[i].clone())),
            m => bail!("{m} --{what} for {n} --finding: give one for all, or one each"),
        }
    };
    if n == 0 && !(args.owner.is_empty() && args.due.is_empty()) {
        bail!("--owner and --due go with a --finding");
    }
    let mut out = Vec::new();
    for (i, spec) in args.finding.iter().enumerate() {
        let mut parts = spec.splitn(3, ':');
        let (Some(sev), Some(id), Some(text)) = (parts.next(), parts.next(), parts.next()) else {
            bail!("--finding {spec:?}: expected SEVERITY:ID:TEXT, e.g. high:F1:Income drift unexplained");
        };
        let severity = Severity::parse(sev)
            .with_context(|| format!("--finding {spec:?}: severity is high, medium or low"))?;
        if text.trim().is_empty() {
            bail!("--finding {spec:?}: the text is empty");
        }
        out.push(Finding {
            id: id.trim().to_string(),
            severity: Some(severity),
            text: Some(text.trim().to_string()),
            owner: nth(&args.owner, i, "owner")?,
            due: nth(&args.due, i, "due")?,
            status: FindingStatus::Open,
        });
    }
    for id in &args.close {
        out.push(Finding {
            id: id.trim().to_string(),
            severity: None,
            text: None,
            owner: None,
            due: None,
            status: FindingStatus::Closed,
        });
    }
    Ok(out)
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The signed report (JSON, or a one-file HTML report).
    #[arg(value_name = "REPORT")]
    report: PathBuf,
    /// Only keys listed here count (`{"keys": [{"name": …, "public_key": …}]}`).
    #[arg(long, value_name = "FILE")]
    trusted_keys: Option<PathBuf>,
}

fn parse_decision(s: &str) -> Result<Decision, String> {
    Decision::parse(s)
        .ok_or_else(|| "expected approved, approved_with_conditions or rejected".to_string())
}

fn read(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))
}

/// Write a new key file (mode 0600 on Unix) and print its public key.
pub fn keygen(args: &KeygenArgs) -> Result<()> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let key = KeyFile::from_seed(seed);
    let text = serde_json::to_string_pretty(&key).context("cannot encode the key")? + "\n";
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&args.out).with_context(|| {
        format!(
            "cannot create the key file {} (it must not exist yet)",
            args.out.display()
        )
    })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let public = from_hex::<32>(&key.public_key)
        .map(|k| fingerprint(&k))
        .unwrap_or_default();
    println!("{}", key.public_key);
    eprintln!(
        "attest: wrote the secret key to {} (keep it private); public key above, fingerprint {public}",
        args.out.display()
    );
    Ok(())
}

/// Add a signature to a report.
pub fn sign(args: &SignArgs, signed_at: String) -> Result<()> {
    let (_, key) = KeyFile::parse(&read(&args.key, "key file")?)
        .with_context(|| format!("in {}", args.key.display()))?;
    let text = read(&args.report, "report")?;
    let signoff = SignOff {
        signer: args.signer.clone(),
        role: args.role.clone(),
        decision: args.decision,
        comment: args.comment.clone(),
        signed_at,
        findings: findings(args)?,
    };
    let signed = sign_report(&text, &key, &signoff)
        .with_context(|| format!("cannot sign {}", args.report.display()))?;
    let out = args.out.as_ref().unwrap_or(&args.report);
    std::fs::write(out, signed).with_context(|| format!("cannot write {}", out.display()))?;
    eprintln!(
        "attest: {} signed {} as {} ({}) → {}",
        args.signer,
        args.report.display(),
        args.role,
        args.decision.as_str(),
        out.display()
    );
    Ok(())
}

/// What `attest verify` prints for a verification of the report called
/// `label`: each signature's state, then "verified" or "not verified"
/// (`trusted`: whether trusted keys were given).
pub fn describe(v: &attest_check::sign::Verification, label: &str, trusted: bool) -> String {
    let mut out = String::new();
    if let Some(p) = &v.problem {
        out.push_str(&format!("{label}: INVALID: {p}\n"));
    }
    if v.signatures.is_empty() {
        out.push_str(&format!("{label}: no signatures\n"));
    }
    for (i, s) in v.signatures.iter().enumerate() {
        let state = match &s.state {
            State::Trusted { name } => format!("valid, trusted key of {name}"),
            State::Unknown if trusted => "valid, but the key is not trusted".into(),
            State::Unknown => "valid (key not checked: no --trusted-keys)".into(),
            State::Invalid { reason } => format!("INVALID: {reason}"),
        };
        out.push_str(&format!(
            "{}. {} ({}) {} at {} — key {}: {state}\n",
            i + 1,
            s.signer,
            s.role,
            s.decision,
            s.signed_at,
            s.fingerprint.as_deref().unwrap_or("?")
        ));
    }
    out.push_str(if v.all_valid(trusted) {
        "verified\n"
    } else {
        "not verified\n"
    });
    out
}

/// A trusted-keys file (`{"keys": [{"name", "public_key"}]}`).
pub fn read_trusted_keys(path: &Path) -> Result<TrustedKeys> {
    serde_json::from_str::<TrustedKeys>(&read(path, "trusted keys")?)
        .with_context(|| format!("{} is not a trusted-keys file", path.display()))
}

/// Check every signature; true when all are valid (and trusted, if asked).
pub fn verify(args: &VerifyArgs) -> Result<bool> {
    let text = crate::read_report_text(&args.report)?;
    let trusted = args
        .trusted_keys
        .as_deref()
        .map(read_trusted_keys)
        .transpose()?;
    let v = verify_report(&text, trusted.as_ref());
    let label = args.report.display().to_string();
    let out = describe(&v, &label, trusted.is_some());
    let ok = v.all_valid(trusted.is_some());
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if trusted.as_ref().is_some_and(|t| t.keys.is_empty()) {
        bail!("the trusted-keys file lists no keys");
    }
    Ok(ok)
}
