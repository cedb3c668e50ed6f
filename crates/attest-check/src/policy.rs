//! Governance (SPEC §8 "Governance: a policy by tier"): what each tier of
//! model must show before it is approved, and whether a signed report
//! shows it — the required checks, the approvals (by role, distinct keys,
//! independent of the model's developers), expiry, and the findings that
//! travel in signature entries. The CLI (`attest policy check`, `attest
//! publish --policy`) and the page compute compliance with this module
//! alone, so they agree.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::report::{rfc3339_utc, Report, Status};
use crate::sign::{verify_report, Finding, FindingStatus, Severity, State, TrustedKeys};

/// A validation policy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The policy's own version, echoed in every result.
    pub version: String,
    pub tiers: BTreeMap<String, Tier>,
}

/// What one tier of model must show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    #[serde(default)]
    pub required_checks: Vec<String>,
    /// Whether a required check may warn.
    #[serde(default)]
    pub allow_warn: bool,
    #[serde(default)]
    pub approvals: Vec<ApprovalRule>,
    /// An approval expires this many days after the last approval.
    #[serde(default)]
    pub revalidate_days: Option<u32>,
    /// Open findings of these severities block approval.
    #[serde(default)]
    pub block_on_findings: Vec<Severity>,
}

/// `{ role = "validator", min = 1, independent = true }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRule {
    pub role: String,
    #[serde(default = "one")]
    pub min: u32,
    #[serde(default)]
    pub independent: bool,
}

fn one() -> u32 {
    1
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].bytes().filter(|b| *b == b'\n').count() + 1)
}

impl Policy {
    /// Parse a policy file; an unknown key, a tier without rules or a
    /// check id that does not exist is an error naming the line.
    pub fn from_toml(text: &str) -> Result<Policy> {
        let policy: Policy = toml::from_str(text)
            .map_err(|e| Error::Config(format!("policy: {}", e.to_string().trim())))?;
        policy.validate(Some(text))?;
        Ok(policy)
    }

    /// A tier without rules or a check id that does not exist is an error
    /// (naming its line in `text`, the TOML file, when given).
    fn validate(&self, text: Option<&str>) -> Result<()> {
        let at = |needle: &str| {
            text.and_then(|t| line_of(t, needle))
                .map(|l| format!("line {l}: "))
                .unwrap_or_default()
        };
        if self.tiers.is_empty() {
            return Err(Error::Config("policy: no [tiers.NAME] table".into()));
        }
        let known: BTreeSet<&str> = crate::config::CHECK_IDS
            .iter()
            .copied()
            .chain([crate::baseline::ID])
            .collect();
        for (name, tier) in &self.tiers {
            if tier.required_checks.is_empty() && tier.approvals.is_empty() {
                return Err(Error::Config(format!(
                    "policy: {}tier `{name}` has no rules (give required_checks or approvals)",
                    at(&format!("[tiers.{name}]"))
                )));
            }
            for id in &tier.required_checks {
                if !known.contains(id.as_str()) {
                    return Err(Error::Config(format!(
                        "policy: {}tier `{name}` requires check `{id}`, which does not exist (the checks: {})",
                        at(&format!("\"{id}\"")),
                        known.iter().copied().collect::<Vec<_>>().join(", ")
                    )));
                }
            }
            for rule in &tier.approvals {
                if rule.min == 0 || rule.role.trim().is_empty() {
                    return Err(Error::Config(format!(
                        "policy: {}tier `{name}`: an approval rule needs a role and min ≥ 1",
                        at(&format!("[tiers.{name}]"))
                    )));
                }
            }
        }
        Ok(())
    }
}

/// A finding's state: the fields of every entry naming it, the last one's
/// over the earlier ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingState {
    pub id: String,
    pub severity: Option<Severity>,
    pub text: Option<String>,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: FindingStatus,
    /// Who raised it, and who last changed it, with when.
    pub raised_by: String,
    pub updated_by: String,
    pub updated_at: String,
    /// Open and its due date has passed at the time of evaluation.
    #[serde(default)]
    pub overdue: bool,
}

/// One requirement of the tier, met or not, in words (the page's panel).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub what: String,
    pub met: bool,
    pub detail: String,
}

/// Whether a report complies with its tier (the JSON of `attest policy check`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    pub compliant: bool,
    pub tier: String,
    pub policy_version: String,
    /// When the approval expires (RFC 3339); `None` without an approval or
    /// a revalidation period.
    pub valid_until: Option<String>,
    /// The approval has expired, or an open finding is past its due date.
    pub overdue: bool,
    pub reasons: Vec<String>,
    pub open_findings: BTreeMap<String, u32>,
    pub requirements: Vec<Requirement>,
    pub findings: Vec<FindingState>,
}

/// A valid signature entry, as governance reads it.
struct Signed {
    signer: String,
    role: String,
    decision: String,
    key: String,
    at: i64,
    at_text: String,
    findings: Vec<Finding>,
}

fn field(v: &Value, k: &str) -> String {
    v.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

/// Seconds since the epoch of an RFC 3339 time or a date.
pub fn parse_time(t: &str) -> Option<i64> {
    crate::columns::parse_instant(t).map(|ns| ns.div_euclid(1_000_000_000))
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Fold the findings of the valid entries, in signing order.
fn fold_findings(signed: &[Signed], now: i64) -> Vec<FindingState> {
    let mut out: Vec<FindingState> = Vec::new();
    for s in signed {
        for f in &s.findings {
            match out.iter_mut().find(|x| x.id == f.id) {
                Some(x) => {
                    x.severity = f.severity.or(x.severity);
                    x.text = f.text.clone().or(x.text.take());
                    x.owner = f.owner.clone().or(x.owner.take());
                    x.due = f.due.clone().or(x.due.take());
                    x.status = f.status;
                    x.updated_by = s.signer.clone();
                    x.updated_at = s.at_text.clone();
                }
                None => out.push(FindingState {
                    id: f.id.clone(),
                    severity: f.severity,
                    text: f.text.clone(),
                    owner: f.owner.clone(),
                    due: f.due.clone(),
                    status: f.status,
                    raised_by: s.signer.clone(),
                    updated_by: s.signer.clone(),
                    updated_at: s.at_text.clone(),
                    overdue: false,
                }),
            }
        }
    }
    for f in &mut out {
        // Past due once the due day has ended (UTC).
        f.overdue = f.status == FindingStatus::Open
            && f.due
                .as_deref()
                .and_then(parse_time)
                .is_some_and(|d| now >= d + 86_400);
    }
    out
}

/// The valid (and, with keys, trusted) signature entries of the report
/// `text` in signing order, and how many entries it has in all.
fn signed_entries(text: &str, trusted: Option<&TrustedKeys>) -> (Vec<Signed>, usize) {
    let verification = verify_report(text, trusted);
    let entries = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|d| d.get("signatures").and_then(Value::as_array).cloned())
        .unwrap_or_default();
    let mut signed = Vec::new();
    for (entry, check) in entries.iter().zip(&verification.signatures) {
        let valid = match &check.state {
            State::Trusted { .. } => true,
            State::Unknown => trusted.is_none(),
            State::Invalid { .. } => false,
        };
        if !valid {
            continue;
        }
        let at_text = field(entry, "signed_at");
        signed.push(Signed {
            signer: field(entry, "signer"),
            role: field(entry, "role"),
            decision: field(entry, "decision"),
            key: field(entry, "public_key").to_ascii_lowercase(),
            at: parse_time(&at_text).unwrap_or(i64::MIN),
            at_text,
            findings: entry
                .get("findings")
                .and_then(|f| serde_json::from_value(f.clone()).ok())
                .unwrap_or_default(),
        });
    }
    (signed, verification.signatures.len())
}

/// The findings of the report `text` (from its valid — and, with keys,
/// trusted — signatures), their state at `now`: what the report view lists.
pub fn findings(text: &str, trusted: Option<&TrustedKeys>, now: i64) -> Vec<FindingState> {
    fold_findings(&signed_entries(text, trusted).0, now)
}

/// Whether the report `text` complies with its tier of `policy` at `now`
/// (seconds since the epoch). Signatures count when valid — and, with
/// `trusted`, made by a trusted key. An error when the report names no
/// tier or one the policy lacks.
pub fn evaluate(
    text: &str,
    policy: &Policy,
    trusted: Option<&TrustedKeys>,
    now: i64,
) -> Result<Compliance> {
    let report: Report = crate::report::parse(text)?;
    let card = report.model_card();
    let tier_name = card.tier.clone().ok_or_else(|| {
        Error::Config(
            "the report names no tier: set `tier` in the model card ([model] tier = \"…\")".into(),
        )
    })?;
    let tier = policy.tiers.get(&tier_name).ok_or_else(|| {
        Error::Config(format!(
            "the report's tier `{tier_name}` is not in the policy (its tiers: {})",
            policy.tiers.keys().cloned().collect::<Vec<_>>().join(", ")
        ))
    })?;
    let mut reasons = Vec::new();
    let mut requirements = Vec::new();

    // Required checks.
    for id in &tier.required_checks {
        let check = report.checks.iter().find(|c| &c.id == id);
        let (met, detail) = match check.map(|c| c.status) {
            None => (false, format!("check `{id}` is not in the report")),
            Some(Status::Pass) => (true, format!("check `{id}` passes")),
            Some(Status::Warn) if tier.allow_warn => {
                (true, format!("check `{id}` warns (allowed)"))
            }
            Some(Status::Warn) => (
                false,
                format!("check `{id}` warns, and tier {tier_name} allows no warning"),
            ),
            Some(Status::Skipped) => (
                false,
                format!(
                    "check `{id}` was skipped: {}",
                    check.and_then(|c| c.message.clone()).unwrap_or_default()
                ),
            ),
            Some(s) => (
                false,
                format!(
                    "check `{id}` {}",
                    if s == Status::Fail {
                        "fails"
                    } else {
                        "errored"
                    }
                ),
            ),
        };
        if !met {
            reasons.push(detail.clone());
        }
        requirements.push(Requirement {
            what: format!(
                "check `{id}` passes{}",
                if tier.allow_warn { " or warns" } else { "" }
            ),
            met,
            detail,
        });
    }

    // Signatures: valid (and trusted, with keys), in signing order.
    let (signed, total) = signed_entries(text, trusted);
    let invalid = total - signed.len();
    // Approvals since the last rejection.
    let mut approvals: Vec<&Signed> = Vec::new();
    let mut voided = Vec::new();
    for s in &signed {
        match s.decision.as_str() {
            "approved" | "approved_with_conditions" => approvals.push(s),
            "rejected" => {
                voided.extend(approvals.drain(..).map(|a| a.signer.clone()));
            }
            _ => {}
        }
    }
    let developers = &card.developers;
    let developer_keys: BTreeSet<&str> = signed
        .iter()
        .filter(|s| developers.iter().any(|d| same_name(d, &s.signer)))
        .map(|s| s.key.as_str())
        .collect();
    let mut counted: Vec<&Signed> = Vec::new();
    for rule in &tier.approvals {
        let mut keys = BTreeSet::new();
        let mut why_not = Vec::new();
        for a in approvals.iter().filter(|a| same_name(&a.role, &rule.role)) {
            if rule.independent && developers.iter().any(|d| same_name(d, &a.signer)) {
                why_not.push(format!("'{}' is a developer of this model", a.signer));
                continue;
            }
            if rule.independent && developer_keys.contains(a.key.as_str()) {
                why_not.push(format!(
                    "'{}' signed with a key a developer of this model signed with",
                    a.signer
                ));
                continue;
            }
            // A re-approval with the same key renews the approval's time
            // but counts once.
            counted.push(a);
            if !keys.insert(a.key.as_str()) {
                why_not.push(format!("'{}' signed with a key already counted", a.signer));
            }
        }
        let found = keys.len() as u32;
        let what = format!(
            "{} {}{} approval{}",
            rule.min,
            if rule.independent { "independent " } else { "" },
            rule.role,
            if rule.min == 1 { "" } else { "s" }
        );
        let mut detail = format!("found {found}");
        if !why_not.is_empty() {
            detail.push_str(&format!(": {}", why_not.join("; ")));
        }
        if !voided.is_empty() && found < rule.min {
            detail.push_str(&format!(
                "; the approvals of {} were voided by a later rejection",
                voided.join(", ")
            ));
        }
        if invalid > 0 && found < rule.min {
            detail.push_str(&format!(
                "; {invalid} signature(s) did not count ({})",
                if trusted.is_some() {
                    "invalid, or not by a trusted key"
                } else {
                    "invalid"
                }
            ));
        }
        let met = found >= rule.min;
        if !met {
            reasons.push(format!("tier {tier_name} needs {what}; {detail}"));
        }
        requirements.push(Requirement {
            what: format!("{what} (distinct keys)"),
            met,
            detail,
        });
    }

    // Expiry: from the last approval that counted.
    let last = counted.iter().map(|a| a.at).max();
    let valid_until = match (tier.revalidate_days, last) {
        (Some(days), Some(t)) if t != i64::MIN => Some(t + i64::from(days) * 86_400),
        _ => None,
    };
    let expired = valid_until.is_some_and(|v| now > v);
    if let Some(days) = tier.revalidate_days {
        let detail = match valid_until {
            Some(v) if expired => format!("the approval expired at {}", rfc3339_utc(v)),
            Some(v) => format!("valid until {}", rfc3339_utc(v)),
            None => "no approval yet".into(),
        };
        if expired {
            reasons.push(format!(
                "{detail}: tier {tier_name} is revalidated every {days} days"
            ));
        }
        requirements.push(Requirement {
            what: format!("revalidated every {days} days"),
            met: !expired,
            detail,
        });
    }

    // Findings.
    let findings = fold_findings(&signed, now);
    let mut open_findings: BTreeMap<String, u32> =
        [Severity::High, Severity::Medium, Severity::Low]
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
    for f in findings.iter().filter(|f| f.status == FindingStatus::Open) {
        if let Some(s) = f.severity {
            *open_findings.entry(s.as_str().into()).or_default() += 1;
        }
    }
    if !tier.block_on_findings.is_empty() {
        let blocking: Vec<String> = findings
            .iter()
            .filter(|f| f.status == FindingStatus::Open)
            .filter(|f| {
                f.severity
                    .is_some_and(|s| tier.block_on_findings.contains(&s))
            })
            .map(|f| {
                format!(
                    "open {} finding {}{}{}: {}",
                    f.severity.map(Severity::as_str).unwrap_or(""),
                    f.id,
                    f.owner
                        .as_deref()
                        .map(|o| format!(" (owner {o})"))
                        .unwrap_or_default(),
                    f.due
                        .as_deref()
                        .map(|d| format!(" due {d}"))
                        .unwrap_or_default(),
                    f.text.as_deref().unwrap_or("")
                )
            })
            .collect();
        let severities: Vec<&str> = tier.block_on_findings.iter().map(|s| s.as_str()).collect();
        requirements.push(Requirement {
            what: format!("no open {} finding", severities.join(" or ")),
            met: blocking.is_empty(),
            detail: if blocking.is_empty() {
                "none open".into()
            } else {
                blocking.join("; ")
            },
        });
        reasons.extend(blocking);
    }
    let overdue = expired || findings.iter().any(|f| f.overdue);
    Ok(Compliance {
        compliant: reasons.is_empty(),
        tier: tier_name,
        policy_version: policy.version.clone(),
        valid_until: valid_until.map(rfc3339_utc),
        overdue,
        reasons,
        open_findings,
        requirements,
        findings,
    })
}

#[cfg(test)]
mod tests;
