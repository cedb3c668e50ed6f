//! `attest keygen`, `attest sign`, `attest verify`: Ed25519 sign-off of
//! reports (the rules are in `attest_check::sign` and DESIGN.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use attest_check::sign::{
    fingerprint, from_hex, sign_report, verify_report, Decision, KeyFile, SignOff, State,
    TrustedKeys,
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
