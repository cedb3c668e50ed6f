//! `attest publish REPORTS_DIR OUT_DIR`: a folder for any static host — the
//! web app, the reports, and the `index.json` catalogue the app shows as a
//! model inventory (layout in `attest_check::publish`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use attest_check::publish::{entry, entry_with_policy, index};
use attest_check::sign::TrustedKeys;

#[derive(clap::Args)]
pub struct PublishArgs {
    /// A folder of report JSON files (searched recursively). A
    /// `trusted-keys.json` in it is published beside the reports.
    #[arg(value_name = "REPORTS_DIR")]
    reports: PathBuf,
    /// The folder to write (created if missing; files in it are replaced).
    #[arg(value_name = "OUT_DIR")]
    out: PathBuf,
    /// The web app's folder (`dist/` of `trunk build --release`); default:
    /// the app built into this binary.
    #[arg(long, value_name = "DIR")]
    viewer: Option<PathBuf>,
    /// A validation policy: the inventory gains each report's tier,
    /// compliance (what the tier requires, what is met), expiry, overdue
    /// state and open findings (the policy copied beside index.json).
    #[arg(long, value_name = "POLICY")]
    policy: Option<PathBuf>,
    /// The time to judge expiry at (RFC 3339); default: now.
    #[arg(long, value_name = "RFC3339", requires = "policy")]
    now: Option<String>,
    /// Exit 1 when a model (its newest report) is not compliant or is
    /// overdue, so a scheduled pipeline can alert.
    #[arg(long, requires = "policy")]
    check: bool,
}

const KEYS: &str = "trusted-keys.json";

/// Report files under `dir`: (path relative to `dir` with `/`, full path).
fn json_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?;
        for e in entries {
            let e = e.with_context(|| format!("cannot list {}", d.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let p = e.path();
            if p.is_dir() {
                stack.push((p, r));
            } else if name.ends_with(".json") && name != KEYS {
                out.push((r, p));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The page's index.html with `<meta name="attest-inventory">` in its head.
fn with_inventory_marker(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let marker = r#"<meta name="attest-inventory" content="index.json">"#;
    match text.find("<head>") {
        Some(i) => format!("{}\n  {marker}{}", &text[..i + 6], &text[i + 6..]).into_bytes(),
        None => format!("{marker}\n{text}").into_bytes(),
    }
}

/// Publish; true when `--check` found a model not compliant or overdue.
pub fn publish(args: &PublishArgs) -> Result<bool> {
    if !args.reports.is_dir() {
        bail!("{} is not a folder of reports", args.reports.display());
    }
    let site = crate::viewer::site(args.viewer.as_deref())?;
    let keys_path = args.reports.join(KEYS);
    let keys_text = match std::fs::read_to_string(&keys_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", keys_path.display())),
    };
    let trusted = match &keys_text {
        Some(t) => Some(
            serde_json::from_str::<TrustedKeys>(t)
                .with_context(|| format!("{} is not a trusted-keys file", keys_path.display()))?,
        ),
        None => None,
    };

    let policy = match &args.policy {
        Some(p) => Some((
            crate::policy::read_policy(p)?,
            std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?,
            crate::policy::now(args.now.as_deref())?,
        )),
        None => None,
    };
    let mut entries = Vec::new();
    let mut folders = std::collections::BTreeSet::new();
    let mut err = std::io::stderr().lock();
    for (rel, path) in json_files(&args.reports)? {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let url = format!("reports/{rel}");
        let judged = match &policy {
            Some((p, _, now)) => entry_with_policy(&url, &text, trusted.as_ref(), p, *now),
            None => entry(&url, &text, trusted.as_ref()),
        };
        match judged {
            Ok(e) => {
                write(&args.out.join(&url), text.as_bytes())?;
                folders.insert(
                    Path::new(&url)
                        .parent()
                        .map(Path::to_path_buf)
                        .unwrap_or_default(),
                );
                entries.push(e);
            }
            Err(e) => {
                let _ = writeln!(err, "attest: skipped {}: {e}", path.display());
            }
        }
    }
    if entries.is_empty() {
        bail!("no Attest report in {}", args.reports.display());
    }
    if let Some(t) = &keys_text {
        for folder in &folders {
            write(&args.out.join(folder).join(KEYS), t.as_bytes())?;
        }
    }
    for (rel, bytes) in &site {
        if rel.as_str() == "index.html" {
            // The page asks for index.json only where this marker says a
            // catalogue is beside it (elsewhere the request would 404).
            write(&args.out.join(rel), &with_inventory_marker(bytes))?;
        } else {
            write(&args.out.join(rel), bytes)?;
        }
    }
    if let Some((_, text, _)) = &policy {
        write(&args.out.join("policy.toml"), text)?;
    }
    let n = entries.len();
    let catalogue = index(entries);
    write(&args.out.join("index.json"), catalogue.to_json().as_bytes())?;
    let _ = writeln!(
        std::io::stdout(),
        "published {n} report{} and the viewer to {}; serve that folder from any static host \
         (a local check: python3 -m http.server -d {})",
        if n == 1 { "" } else { "s" },
        args.out.display(),
        args.out.display()
    );
    if !args.check {
        return Ok(false);
    }
    // The newest report of each model decides (the catalogue lists each
    // model's reports newest first).
    let mut seen = std::collections::BTreeSet::new();
    let mut alerts = Vec::new();
    for e in &catalogue.reports {
        if !seen.insert(e.display_name()) {
            continue;
        }
        let overdue = e.overdue == Some(true);
        if e.compliant != Some(true) || overdue {
            alerts.push(format!(
                "{} ({}): {}{}",
                e.display_name(),
                e.path,
                if e.compliant == Some(true) {
                    "compliant"
                } else {
                    "NOT COMPLIANT"
                },
                if overdue { ", OVERDUE" } else { "" }
            ));
            for r in &e.reasons {
                alerts.push(format!("    {r}"));
            }
        }
    }
    let mut err = std::io::stderr().lock();
    for line in &alerts {
        let _ = writeln!(err, "{line}");
    }
    Ok(!alerts.is_empty())
}
