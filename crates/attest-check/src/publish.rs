//! A folder of reports on a static host (GitHub Pages, S3, nginx): the
//! catalogue `index.json` that the viewer shows as a model inventory.
//!
//! Layout written by `attest publish REPORTS_DIR OUT_DIR`:
//!
//! ```text
//! OUT_DIR/
//!   index.html, boot.js, app.js, app_bg.wasm, main.css, worker*.js …  the web app
//!   index.json                   the catalogue (this module's [`Index`])
//!   reports/<path>.json          the reports, as given
//!   reports/<dir>/trusted-keys.json   beside every folder of reports, when given
//! ```
//!
//! The catalogue is a convenience listing: the signature states in it are
//! what `attest publish` found; the viewer checks a report's signatures
//! again whenever it opens one.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::{Counts, Status};
use crate::sign::{verify_report, State, TrustedKeys};

/// Value of the catalogue's `format` field.
pub const INDEX_FORMAT: &str = "attest-index";
/// Version of the catalogue this library writes.
pub const INDEX_VERSION: u32 = 1;
/// Most entries a catalogue may have (a viewer draws one row each).
pub const MAX_ENTRIES: usize = 100_000;

/// The catalogue of a published folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub format: String,
    pub schema_version: u32,
    /// Newest first within each model; models by name.
    pub reports: Vec<Entry>,
}

/// One report in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The report's path relative to `index.json` (`reports/…`, `/`-separated).
    pub path: String,
    /// From the model card, when it has them.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    pub created_at: String,
    pub status: Status,
    pub counts: Counts,
    /// Rows of the reference and current datasets.
    pub rows: Vec<u64>,
    /// The input files' names in report order, to name a report whose model
    /// card has no name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    #[serde(default)]
    pub signatures: Vec<Signer>,
    /// With a policy (`attest publish --policy`): the report's tier, whether
    /// it complies, until when, whether it is overdue, its open findings
    /// by severity and why it does not comply (SPEC §8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliant: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_findings: Option<std::collections::BTreeMap<String, u32>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// What the tier requires, each met or not (the page's compliance panel).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<crate::policy::Requirement>,
    /// The policy's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<String>,
}

/// Who signed a report off, and what `attest publish` found of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signer {
    pub signer: String,
    pub role: String,
    pub decision: String,
    pub signed_at: String,
    /// "trusted", "unknown" or "invalid".
    pub state: String,
}

/// The catalogue entry of the report `text`, found at `path`.
pub fn entry(path: &str, text: &str, trusted: Option<&TrustedKeys>) -> Result<Entry> {
    let report = crate::report::parse(text)?;
    let card = report.model_card();
    let signatures = if report.signatures.is_empty() {
        Vec::new()
    } else {
        verify_report(text, trusted)
            .signatures
            .into_iter()
            .map(|s| Signer {
                signer: s.signer,
                role: s.role,
                decision: s.decision,
                signed_at: s.signed_at,
                state: match s.state {
                    State::Trusted { .. } => "trusted",
                    State::Unknown => "unknown",
                    State::Invalid { .. } => "invalid",
                }
                .to_string(),
            })
            .collect()
    };
    Ok(Entry {
        path: path.to_string(),
        model: card.name,
        version: card.version,
        owner: card.owner,
        created_at: report.created_at,
        status: report.summary.status,
        counts: report.summary.counts,
        rows: report.inputs.iter().map(|i| i.rows).collect(),
        files: report.inputs.iter().map(|i| i.name.clone()).collect(),
        signatures,
        tier: card.tier,
        compliant: None,
        valid_until: None,
        overdue: None,
        open_findings: None,
        reasons: Vec::new(),
        requirements: Vec::new(),
        policy_version: None,
    })
}

/// [`entry`], judged by `policy` at `now` (seconds since the epoch): a
/// report that cannot be judged (no tier, a tier the policy lacks) is not
/// compliant, and says why.
pub fn entry_with_policy(
    path: &str,
    text: &str,
    trusted: Option<&TrustedKeys>,
    policy: &crate::policy::Policy,
    now: i64,
) -> Result<Entry> {
    let mut e = entry(path, text, trusted)?;
    match crate::policy::evaluate(text, policy, trusted, now) {
        Ok(c) => {
            e.compliant = Some(c.compliant);
            e.valid_until = c.valid_until;
            e.overdue = Some(c.overdue);
            e.open_findings = Some(c.open_findings);
            e.reasons = c.reasons;
            e.requirements = c.requirements;
            e.policy_version = Some(c.policy_version);
        }
        Err(err) => {
            e.compliant = Some(false);
            e.overdue = Some(false);
            e.reasons = vec![err.to_string()];
            e.policy_version = Some(policy.version.clone());
        }
    }
    Ok(e)
}

impl Entry {
    /// What to call the report in a list: the model card's name, else its
    /// files' names (`reference.parquet · current.parquet`), else its path.
    pub fn display_name(&self) -> String {
        if let Some(m) = self.model.as_deref().filter(|m| !m.trim().is_empty()) {
            return m.to_string();
        }
        if !self.files.is_empty() {
            let base = |f: &String| f.rsplit(['/', '\\']).next().unwrap_or(f).to_string();
            return self.files.iter().map(base).collect::<Vec<_>>().join(" · ");
        }
        self.path
            .rsplit('/')
            .next()
            .unwrap_or(&self.path)
            .to_string()
    }
}

/// The catalogue of `entries`: models by name (unnamed last), newest first.
pub fn index(mut entries: Vec<Entry>) -> Index {
    entries.sort_by(|a, b| {
        (a.model.is_none(), &a.model, &b.created_at, &a.path).cmp(&(
            b.model.is_none(),
            &b.model,
            &a.created_at,
            &b.path,
        ))
    });
    Index {
        format: INDEX_FORMAT.into(),
        schema_version: INDEX_VERSION,
        reports: entries,
    }
}

/// Read a catalogue (the viewer does, from the host it is served from).
pub fn parse_index(text: &str) -> Result<Index> {
    let index: Index =
        serde_json::from_str(text).map_err(|e| Error::Report(format!("index.json: {e}")))?;
    if index.format != INDEX_FORMAT {
        return Err(Error::Report(format!(
            "index.json: unknown format {:?}",
            index.format
        )));
    }
    if index.schema_version != INDEX_VERSION {
        return Err(Error::Report(format!(
            "index.json: schema_version {}: this viewer reads version {INDEX_VERSION}",
            index.schema_version
        )));
    }
    if index.reports.len() > MAX_ENTRIES {
        return Err(Error::Report(format!(
            "index.json: {} reports; a catalogue may list at most {MAX_ENTRIES}",
            index.reports.len()
        )));
    }
    Ok(index)
}

impl Index {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{sign_report, Decision, KeyFile, SignOff, TrustedKey};
    use crate::test_support::small_report;

    fn report(name: Option<&str>, created_at: &str) -> String {
        let mut r = small_report();
        if let Some(n) = name {
            r.config["model"]["name"] = n.into();
            r.config["model"]["version"] = "2.1".into();
        }
        r.created_at = created_at.into();
        r.to_json()
    }

    #[test]
    fn a_report_without_a_model_name_is_called_by_its_files() {
        let named = entry(
            "reports/a.json",
            &report(Some("churn"), "2026-01-02T00:00:00Z"),
            None,
        )
        .expect("entry");
        assert_eq!(named.display_name(), "churn");
        let unnamed = entry(
            "reports/b.json",
            &report(None, "2026-01-02T00:00:00Z"),
            None,
        )
        .expect("entry");
        let files: Vec<String> = small_report()
            .inputs
            .iter()
            .map(|i| i.name.clone())
            .collect();
        assert!(!files.is_empty());
        assert_eq!(unnamed.files, files);
        assert_eq!(unnamed.display_name(), files.join(" · "));
        let pathed = Entry {
            files: vec!["/data/ref.parquet".into(), "C:\\data\\cur.csv".into()],
            ..unnamed.clone()
        };
        assert_eq!(pathed.display_name(), "ref.parquet · cur.csv");
        let bare = Entry {
            files: Vec::new(),
            ..unnamed
        };
        assert_eq!(bare.display_name(), "b.json");
    }

    #[test]
    fn entries_carry_the_card_status_and_signers() {
        let text = report(Some("churn"), "2026-01-02T00:00:00Z");
        let (file, key) =
            KeyFile::parse(&serde_json::to_string(&KeyFile::from_seed([3; 32])).expect("json"))
                .expect("key");
        let signoff = SignOff {
            signer: "Grace".into(),
            role: "approver".into(),
            decision: Decision::ApprovedWithConditions,
            comment: None,
            signed_at: "2026-01-03T00:00:00Z".into(),
            findings: Vec::new(),
        };
        let signed = sign_report(&text, &key, &signoff).expect("sign");
        let trusted = TrustedKeys {
            keys: vec![TrustedKey {
                name: "MRM".into(),
                public_key: file.public_key,
            }],
        };
        let e = entry("reports/a.json", &signed, Some(&trusted)).expect("entry");
        assert_eq!(e.model.as_deref(), Some("churn"));
        assert_eq!(e.version.as_deref(), Some("2.1"));
        assert_eq!(e.rows, vec![3, 3]);
        assert_eq!(e.signatures.len(), 1);
        assert_eq!(e.signatures[0].state, "trusted");
        assert_eq!(e.signatures[0].decision, "approved_with_conditions");
        let tampered = signed.replacen("\"approver\"", "\"validator\"", 1);
        let e = entry("reports/a.json", &tampered, None).expect("entry");
        assert_eq!(e.signatures[0].state, "invalid");
        assert!(entry("x", "{}", None).is_err());
    }

    #[test]
    fn the_index_orders_models_then_newest_and_round_trips() {
        let e =
            |p: &str, name: Option<&str>, t: &str| entry(p, &report(name, t), None).expect("entry");
        let idx = index(vec![
            e("reports/u.json", None, "2026-05-01T00:00:00Z"),
            e("reports/b1.json", Some("b"), "2026-01-01T00:00:00Z"),
            e("reports/a.json", Some("a"), "2026-01-01T00:00:00Z"),
            e("reports/b2.json", Some("b"), "2026-03-01T00:00:00Z"),
        ]);
        let order: Vec<&str> = idx.reports.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(
            order,
            [
                "reports/a.json",
                "reports/b2.json",
                "reports/b1.json",
                "reports/u.json"
            ]
        );
        assert_eq!(parse_index(&idx.to_json()).expect("parse"), idx);
        assert!(
            parse_index("{\"format\": \"x\", \"schema_version\": 1, \"reports\": []}").is_err()
        );
        assert!(parse_index("[]").is_err());
    }
}
