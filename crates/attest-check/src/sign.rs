//! Sign-off: Ed25519 signatures over a report's canonical JSON.
//!
//! What a signature covers (DESIGN.md, "Sign-off"): the RFC 8785 (JCS)
//! canonical JSON of the object
//! `{"report": <the report without its "signatures" member>,
//!   "signoff": <this signature entry without its "signature" member>}`.
//! So a signature binds the whole report *and* its own entry (who signed, in
//! which role, the decision, the comment, the time and the key): changing a
//! decision from "rejected" to "approved" breaks it. Signatures are
//! independent of each other, so they stack (a validator, then an approver)
//! and each can be checked alone.
//!
//! JCS makes the signed bytes independent of layout, so any tool can check a
//! signature; but it also gives two spellings of one number (`1e5` and
//! `1E5`, or a 17th digit that rounds to the same double) one canonical form,
//! and ignores whitespace. `attest verify` therefore also requires the file to
//! be laid out exactly as Attest writes it ([`check_layout`]), so that no
//! byte of a signed report can change unnoticed.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};

/// The only algorithm: Ed25519 (RFC 8032).
pub const ALGORITHM: &str = "ed25519";

/// A sign-off decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    ApprovedWithConditions,
    Rejected,
}

impl Decision {
    /// As written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::ApprovedWithConditions => "approved_with_conditions",
            Decision::Rejected => "rejected",
        }
    }
    /// Parse `approved`, `approved_with_conditions` (or with dashes/spaces) or `rejected`.
    pub fn parse(s: &str) -> Option<Decision> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "approved" => Some(Decision::Approved),
            "approved_with_conditions" => Some(Decision::ApprovedWithConditions),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
}

/// Who signs, and what they decide.
#[derive(Debug, Clone, PartialEq)]
pub struct SignOff {
    pub signer: String,
    pub role: String,
    pub decision: Decision,
    pub comment: Option<String>,
    /// RFC 3339 time (the library reads no clock).
    pub signed_at: String,
    /// Findings raised, changed or closed with this signature (SPEC §8).
    pub findings: Vec<Finding>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    /// As written in reports and policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
    /// `high`, `medium` or `low`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            _ => None,
        }
    }
}

/// Whether a finding is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Open,
    Closed,
}

/// A validation finding, carried (and so signed) in a signature entry. A
/// finding's state is the last entry naming its id; fields an entry leaves
/// out keep their earlier values (closing one names its id and status).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub status: FindingStatus,
}

/// One entry of a report's `signatures` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureEntry {
    pub signer: String,
    pub role: String,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub signed_at: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    pub algorithm: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
    /// The 64-byte signature, hex.
    pub signature: String,
}

/// A key file (`attest keygen`): keep it secret; share `public_key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub algorithm: String,
    /// The 32-byte secret seed, hex.
    pub secret_key: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
}

/// `trusted-keys.json`: the public keys whose signatures count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKeys {
    pub keys: Vec<TrustedKey>,
}

/// One trusted key, with the name of its holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    pub name: String,
    /// The 32-byte public key, hex.
    pub public_key: String,
}

/// Lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes from lower-case hex (as Attest writes it: one
/// spelling per value, so that no changed byte of a signature goes unnoticed).
pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A short, readable fingerprint of a public key: the first 8 bytes of its
/// SHA-256, hex, in groups of four (`1a2b:3c4d:5e6f:7a8b`).
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(public_key);
    let hex = to_hex(&digest[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(":")
}

impl KeyFile {
    /// A key from 32 random bytes (the caller brings the randomness).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let key = SigningKey::from_bytes(&seed);
        KeyFile {
            algorithm: ALGORITHM.into(),
            secret_key: to_hex(&seed),
            public_key: to_hex(key.verifying_key().as_bytes()),
        }
    }

    /// Parse a key file, checking that its public key matches its secret.
    pub fn parse(text: &str) -> Result<(Self, SigningKey)> {
        let file: KeyFile = serde_json::from_str(text)
            .map_err(|e| Error::Signature(format!("not an Attest key file: {e}")))?;
        if file.algorithm != ALGORITHM {
            return Err(Error::Signature(format!(
                "key algorithm `{}` is not supported (only {ALGORITHM})",
                file.algorithm
            )));
        }
        let seed = from_hex::<32>(&file.secret_key)
            .ok_or_else(|| Error::Signature("secret_key must be 64 hex digits".into()))?;
        let key = SigningKey::from_bytes(&seed);
        if to_hex(key.verifying_key().as_bytes()) != file.public_key.trim() {
            return Err(Error::Signature(
                "the key file's public_key does not belong to its secret_key".into(),
            ));
        }
        Ok((file, key))
    }
}

/// The bytes a signature covers: JCS of `{"report": …, "signoff": …}`.
fn payload(report: &Value, entry: &Value) -> Result<Vec<u8>> {
    let mut report = report.clone();
    if let Some(obj) = report.as_object_mut() {
        obj.remove("signatures");
    }
    let mut entry = entry.clone();
    if let Some(obj) = entry.as_object_mut() {
        obj.remove("signature");
    }
    let both = serde_json::json!({ "report": report, "signoff": entry });
    serde_json_canonicalizer::to_vec(&both)
        .map_err(|e| Error::Signature(format!("cannot canonicalise the report: {e}")))
}

/// Add a signature to the report `text`; returns the signed report's JSON.
pub fn sign_report(text: &str, key: &SigningKey, signoff: &SignOff) -> Result<String> {
    let mut report = crate::report::parse(text)?;
    check_findings(&report, &signoff.findings)?;
    let mut entry = SignatureEntry {
        signer: signoff.signer.clone(),
        role: signoff.role.clone(),
        decision: signoff.decision,
        comment: signoff.comment.clone().filter(|c| !c.is_empty()),
        signed_at: signoff.signed_at.clone(),
        findings: signoff.findings.clone(),
        algorithm: ALGORITHM.into(),
        public_key: to_hex(key.verifying_key().as_bytes()),
        signature: String::new(),
    };
    let message = payload(&to_value(&report)?, &to_value(&entry)?)?;
    entry.signature = to_hex(&key.sign(&message).to_bytes());
    report.signatures.push(to_value(&entry)?);
    let signed = report.to_json();
    // What is written must verify: catches any loss in the round trip.
    let check = verify_report(&signed, None);
    match check.signatures.last().map(|s| &s.state) {
        Some(State::Unknown) if check.problem.is_none() => Ok(signed),
        _ => Err(Error::Signature(
            "the signed report does not verify (is it a report from another tool version?)".into(),
        )),
    }
}

/// Findings a signature may carry: an id, a due date `YYYY-MM-DD`, and for
/// a finding not raised before, a severity and a text; one id once.
fn check_findings(report: &crate::Report, findings: &[Finding]) -> Result<()> {
    let known: Vec<String> = report
        .signatures
        .iter()
        .filter_map(|e| e.get("findings").and_then(Value::as_array))
        .flatten()
        .filter_map(|f| f.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    let bad = |m: String| Err(Error::Signature(m));
    for (i, f) in findings.iter().enumerate() {
        if f.id.trim().is_empty() || f.id.contains(char::is_whitespace) {
            return bad(format!("finding `{}`: an id is one word (e.g. F1)", f.id));
        }
        if findings[..i].iter().any(|g| g.id == f.id) {
            return bad(format!("finding {} is named twice in one signature", f.id));
        }
        if let Some(due) = &f.due {
            let ok = due.len() == 10 && crate::columns::parse_instant(due).is_some();
            if !ok {
                return bad(format!(
                    "finding {}: due `{due}` is not a date YYYY-MM-DD",
                    f.id
                ));
            }
        }
        if !known.contains(&f.id) && (f.severity.is_none() || f.text.is_none()) {
            return bad(format!(
                "finding {} is not in the report yet: raise it with a severity and a text",
                f.id
            ));
        }
    }
    Ok(())
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Signature(e.to_string()))
}

/// What verification says of one signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Valid, and the key is in the trusted keys (held by `name`).
    Trusted { name: String },
    /// Valid, but the key is not in the trusted keys (or none were given).
    Unknown,
    /// Not valid: the report or the entry was changed, or the entry is malformed.
    Invalid { reason: String },
}

/// One signature's verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignatureCheck {
    pub signer: String,
    pub role: String,
    pub decision: String,
    pub signed_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Of the public key, when it is readable.
    pub fingerprint: Option<String>,
    #[serde(flatten)]
    pub state: State,
}

/// The verification of a whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    /// Why the document as a whole cannot be trusted (not JSON, a token
    /// spelled differently from how Attest writes it, …): then every
    /// signature is invalid.
    pub problem: Option<String>,
    pub signatures: Vec<SignatureCheck>,
}

impl Verification {
    /// Every signature valid (and trusted, when `need_trust`), and at least one.
    pub fn all_valid(&self, need_trust: bool) -> bool {
        self.problem.is_none()
            && !self.signatures.is_empty()
            && self.signatures.iter().all(|s| match &s.state {
                State::Trusted { .. } => true,
                State::Unknown => !need_trust,
                State::Invalid { .. } => false,
            })
    }
}

fn text_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Verify every signature of the report `text`.
pub fn verify_report(text: &str, trusted: Option<&TrustedKeys>) -> Verification {
    let document: std::result::Result<Value, String> =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"));
    let problem = document
        .as_ref()
        .err()
        .cloned()
        .or_else(|| check_layout(text).err());
    let Ok(document) = document else {
        return Verification {
            problem,
            signatures: Vec::new(),
        };
    };
    let entries = document
        .get("signatures")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let signatures = entries
        .iter()
        .map(|entry| {
            let fp = from_hex::<32>(&text_of(entry, "public_key")).map(|k| fingerprint(&k));
            let state = match &problem {
                Some(p) => State::Invalid { reason: p.clone() },
                None => check_one(&document, entry, trusted),
            };
            SignatureCheck {
                signer: text_of(entry, "signer"),
                role: text_of(entry, "role"),
                decision: text_of(entry, "decision"),
                signed_at: text_of(entry, "signed_at"),
                comment: entry
                    .get("comment")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                fingerprint: fp,
                state,
            }
        })
        .collect();
    Verification {
        problem,
        signatures,
    }
}

fn check_one(document: &Value, entry: &Value, trusted: Option<&TrustedKeys>) -> State {
    let invalid = |reason: &str| State::Invalid {
        reason: reason.to_string(),
    };
    let parsed: SignatureEntry = match serde_json::from_value(entry.clone()) {
        Ok(e) => e,
        Err(e) => return invalid(&format!("malformed signature entry: {e}")),
    };
    if parsed.algorithm != ALGORITHM {
        return invalid(&format!("unsupported algorithm `{}`", parsed.algorithm));
    }
    let Some(key) = from_hex::<32>(&parsed.public_key) else {
        return invalid("public_key is not 64 hex digits");
    };
    let Ok(key) = VerifyingKey::from_bytes(&key) else {
        return invalid("public_key is not a valid Ed25519 key");
    };
    let Some(sig) = from_hex::<64>(&parsed.signature) else {
        return invalid("signature is not 128 hex digits");
    };
    let Ok(message) = payload(document, entry) else {
        return invalid("cannot canonicalise the report");
    };
    if key
        .verify_strict(&message, &Signature::from_bytes(&sig))
        .is_err()
    {
        return invalid("the signature does not match: the report or this entry was changed");
    }
    let hex = to_hex(key.as_bytes());
    match trusted.and_then(|t| {
        t.keys
            .iter()
            .find(|k| k.public_key.trim().eq_ignore_ascii_case(&hex))
    }) {
        Some(k) => State::Trusted {
            name: k.name.clone(),
        },
        None => State::Unknown,
    }
}

/// The file is laid out exactly as Attest writes this report (pretty JSON,
/// a trailing newline). JCS ignores layout and gives `1e5` and `1E5` one
/// canonical form; this makes every byte of a signed file count.
pub fn check_layout(text: &str) -> std::result::Result<(), String> {
    let report = crate::report::parse(text).map_err(|e| e.to_string())?;
    if report.to_json() == text {
        Ok(())
    } else {
        Err("the file is not laid out as Attest writes it: it was edited or re-formatted".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small report (the flip test verifies once per byte).
    fn report_json() -> String {
        crate::test_support::small_report().to_json()
    }

    fn key(n: u8) -> SigningKey {
        KeyFile::parse(&serde_json::to_string(&KeyFile::from_seed([n; 32])).expect("json"))
            .expect("key")
            .1
    }

    fn signoff(decision: Decision) -> SignOff {
        SignOff {
            signer: "Ada Lovelace".into(),
            role: "validator".into(),
            decision,
            comment: Some("Drift on x is expected: new product line.".into()),
            signed_at: "2026-11-26T12:00:00Z".into(),
            findings: Vec::new(),
        }
    }

    fn states(v: &Verification) -> Vec<State> {
        v.signatures.iter().map(|s| s.state.clone()).collect()
    }

    mod common {
        include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/mod.rs"));
    }

    #[test]
    fn signatures_stack_and_verify_with_trust() {
        let once =
            sign_report(&report_json(), &key(1), &signoff(Decision::Approved)).expect("sign");
        let mut approver = signoff(Decision::ApprovedWithConditions);
        approver.role = "approver".into();
        let twice = sign_report(&once, &key(2), &approver).expect("sign");
        common::assert_valid_report(&twice);
        let v = verify_report(&twice, None);
        assert_eq!(states(&v), [State::Unknown, State::Unknown]);
        assert!(v.all_valid(false));
        assert!(!v.all_valid(true));
        let trusted = TrustedKeys {
            keys: vec![TrustedKey {
                name: "Model Risk".into(),
                public_key: to_hex(key(1).verifying_key().as_bytes()),
            }],
        };
        let v = verify_report(&twice, Some(&trusted));
        assert_eq!(
            states(&v),
            [
                State::Trusted {
                    name: "Model Risk".into()
                },
                State::Unknown
            ]
        );
        assert_eq!(v.signatures[1].role, "approver");
        assert_eq!(v.signatures[1].decision, "approved_with_conditions");
        let fp = v.signatures[0].fingerprint.clone().expect("fingerprint");
        assert_eq!(fp.len(), 19);
        assert_eq!(fp, fingerprint(key(1).verifying_key().as_bytes()));
    }

    #[test]
    fn an_unsigned_report_is_not_valid() {
        let v = verify_report(&report_json(), None);
        assert!(v.problem.is_none());
        assert!(v.signatures.is_empty());
        assert!(!v.all_valid(false));
    }

    #[test]
    fn every_flipped_byte_is_caught() {
        let signed =
            sign_report(&report_json(), &key(7), &signoff(Decision::Rejected)).expect("sign");
        assert!(verify_report(&signed, None).all_valid(false));
        let bytes = signed.as_bytes();
        let mut checked = 0;
        for i in 0..bytes.len() {
            // flip the lowest bit everywhere; other bits on every 7th byte
            let masks: &[u8] = if i % 7 == 0 {
                &[0x01, 0x20, 0x80, 0x29]
            } else {
                &[0x01]
            };
            for &mask in masks {
                let mut tampered = bytes.to_vec();
                tampered[i] ^= mask;
                let Ok(text) = String::from_utf8(tampered) else {
                    continue; // not UTF-8: not even readable as JSON
                };
                let v = verify_report(&text, None);
                assert!(
                    !v.all_valid(false),
                    "byte {i} ^ {mask:#04x} ({:?}) went unnoticed",
                    &signed[i.saturating_sub(20)..(i + 20).min(signed.len())]
                );
                checked += 1;
            }
        }
        assert!(checked > bytes.len());
    }

    #[test]
    fn a_changed_decision_or_signer_breaks_only_that_signature() {
        let once =
            sign_report(&report_json(), &key(1), &signoff(Decision::Rejected)).expect("sign");
        let twice = sign_report(&once, &key(2), &signoff(Decision::Rejected)).expect("sign");
        // change the first entry's decision, keeping the layout valid
        let at = twice.find("\"rejected\"").expect("decision");
        let forged = format!("{}\"approved\"{}", &twice[..at], &twice[at + 10..]);
        let v = verify_report(&forged, None);
        assert!(v.problem.is_none(), "{:?}", v.problem);
        assert!(matches!(v.signatures[0].state, State::Invalid { .. }));
        assert_eq!(v.signatures[1].state, State::Unknown);
    }

    #[test]
    fn layout_and_token_spelling_count() {
        let signed =
            sign_report(&report_json(), &key(3), &signoff(Decision::Approved)).expect("sign");
        // the same JSON value, re-formatted: JCS would accept it, Attest does not
        let compact = serde_json::to_string(&serde_json::from_str::<Value>(&signed).expect("json"))
            .expect("json");
        let v = verify_report(&compact, None);
        assert!(v.problem.is_some());
        assert!(matches!(v.signatures[0].state, State::Invalid { .. }));
        // but the JCS payload itself is layout-free
        let doc: Value = serde_json::from_str(&signed).expect("json");
        let entry = &doc["signatures"][0];
        assert_eq!(
            payload(&doc, entry).expect("payload"),
            payload(
                &serde_json::from_str::<Value>(&compact).expect("json"),
                entry
            )
            .expect("payload")
        );
    }

    #[test]
    fn bad_keys_and_inputs_are_errors() {
        assert!(KeyFile::parse("{}").is_err());
        let mut k = KeyFile::from_seed([5; 32]);
        k.public_key = KeyFile::from_seed([6; 32]).public_key;
        let err = KeyFile::parse(&serde_json::to_string(&k).expect("json")).expect_err("mismatch");
        assert!(err.to_string().contains("does not belong"), "{err}");
        assert!(sign_report("{\"format\":\"x\"}", &key(1), &signoff(Decision::Approved)).is_err());
        assert!(sign_report("not json", &key(1), &signoff(Decision::Approved)).is_err());
        assert_eq!(
            Decision::parse("Approved with conditions"),
            Some(Decision::ApprovedWithConditions)
        );
        assert_eq!(Decision::parse("maybe"), None);
        assert_eq!(from_hex::<2>("0aff"), Some([0x0a, 0xff]));
        assert_eq!(from_hex::<2>("0af"), None);
        assert_eq!(from_hex::<2>("0aé"), None);
    }
}
