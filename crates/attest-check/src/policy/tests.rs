use super::*;
use crate::sign::{sign_report, Decision, KeyFile, SignOff, TrustedKey};

const POLICY: &str = r#"version = "2026-12"
[tiers.high]
required_checks = ["schema", "data_quality"]
allow_warn = false
approvals = [{ role = "validator", min = 1, independent = true }, { role = "committee", min = 2 }]
revalidate_days = 365
block_on_findings = ["high", "medium"]
[tiers.low]
required_checks = ["schema"]
approvals = [{ role = "validator", min = 1 }]
"#;

fn policy() -> Policy {
    Policy::from_toml(POLICY).expect("policy parses")
}

/// A small report of tier `tier` whose developer is "A. Dev".
fn report(tier: Option<&str>) -> String {
    let mut r = crate::test_support::small_report();
    let mut model = serde_json::json!({"name": "m", "developers": ["A. Dev"]});
    if let Some(t) = tier {
        model["tier"] = t.into();
    }
    r.config = serde_json::json!({ "model": model });
    r.to_json()
}

fn key(n: u8) -> (KeyFile, ed25519_dalek::SigningKey) {
    let file = KeyFile::from_seed([n; 32]);
    KeyFile::parse(&serde_json::to_string(&file).expect("json")).expect("key")
}

fn sign(
    text: &str,
    who: &str,
    role: &str,
    decision: Decision,
    k: u8,
    at: &str,
    findings: Vec<Finding>,
) -> String {
    let signoff = SignOff {
        signer: who.into(),
        role: role.into(),
        decision,
        comment: None,
        signed_at: at.into(),
        findings,
    };
    sign_report(text, &key(k).1, &signoff).expect("signs")
}

/// Approved by an independent validator and two committee members.
fn approved() -> String {
    let mut t = report(Some("high"));
    t = sign(
        &t,
        "V. Alidator",
        "validator",
        Decision::Approved,
        1,
        "2026-01-10T09:00:00Z",
        vec![],
    );
    t = sign(
        &t,
        "C. One",
        "committee",
        Decision::Approved,
        2,
        "2026-01-11T09:00:00Z",
        vec![],
    );
    sign(
        &t,
        "C. Two",
        "committee",
        Decision::ApprovedWithConditions,
        3,
        "2026-01-12T09:00:00Z",
        vec![],
    )
}

const NOW: i64 = 1_770_000_000; // 2026-02-02

#[test]
fn a_policy_file_names_the_line_of_what_is_wrong() {
    let unknown = POLICY.replace("allow_warn = false", "allow_warnings = false");
    let e = Policy::from_toml(&unknown)
        .expect_err("unknown key")
        .to_string();
    assert!(e.contains("line 4") && e.contains("allow_warnings"), "{e}");
    let no_rules = "version = \"1\"\n[tiers.a]\nrequired_checks = [\"schema\"]\n[tiers.b]\nallow_warn = true\n";
    let e = Policy::from_toml(no_rules)
        .expect_err("no rules")
        .to_string();
    assert!(e.contains("line 4: tier `b` has no rules"), "{e}");
    let bad_check = POLICY.replace("\"data_quality\"", "\"drift\"");
    let e = Policy::from_toml(&bad_check)
        .expect_err("no such check")
        .to_string();
    assert!(
        e.contains("line 3: tier `high` requires check `drift`"),
        "{e}"
    );
}

#[test]
fn a_compliant_report_and_its_expiry_at_the_boundary_second() {
    let t = approved();
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(c.compliant, "{:?}", c.reasons);
    assert_eq!(c.tier, "high");
    assert_eq!(c.policy_version, "2026-12");
    // 365 days after the last approval (2026-01-12T09:00:00Z).
    assert_eq!(c.valid_until.as_deref(), Some("2027-01-12T09:00:00Z"));
    let until = parse_time("2027-01-12T09:00:00Z").expect("time");
    assert!(
        evaluate(&t, &policy(), None, until).expect("ok").compliant,
        "valid at its last second"
    );
    let late = evaluate(&t, &policy(), None, until + 1).expect("ok");
    assert!(!late.compliant && late.overdue);
    assert!(
        late.reasons[0].starts_with("the approval expired at 2027-01-12T09:00:00Z"),
        "{:?}",
        late.reasons
    );
}

#[test]
fn independence_by_name_and_by_key() {
    let mut t = report(Some("high"));
    t = sign(
        &t,
        "A. Dev",
        "validator",
        Decision::Approved,
        1,
        "2026-01-10T09:00:00Z",
        vec![],
    );
    t = sign(
        &t,
        "C. One",
        "committee",
        Decision::Approved,
        2,
        "2026-01-11T09:00:00Z",
        vec![],
    );
    t = sign(
        &t,
        "C. Two",
        "committee",
        Decision::Approved,
        3,
        "2026-01-11T10:00:00Z",
        vec![],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(!c.compliant);
    assert_eq!(
        c.reasons,
        ["tier high needs 1 independent validator approval; found 0: 'A. Dev' is a developer of this model"]
    );
    // Another name with the developer's key is not independent either.
    let t2 = sign(
        &t,
        "Someone Else",
        "validator",
        Decision::Approved,
        1,
        "2026-01-12T09:00:00Z",
        vec![],
    );
    let c = evaluate(&t2, &policy(), None, NOW).expect("evaluates");
    assert!(
        c.reasons[0]
            .contains("'Someone Else' signed with a key a developer of this model signed with"),
        "{:?}",
        c.reasons
    );
    // An independent validator with a key of their own: compliant.
    let t3 = sign(
        &t,
        "V. Alidator",
        "validator",
        Decision::Approved,
        4,
        "2026-01-12T09:00:00Z",
        vec![],
    );
    assert!(evaluate(&t3, &policy(), None, NOW).expect("ok").compliant);
}

#[test]
fn approvals_count_once_per_distinct_key() {
    let mut t = report(Some("high"));
    t = sign(
        &t,
        "V. Alidator",
        "validator",
        Decision::Approved,
        1,
        "2026-01-10T09:00:00Z",
        vec![],
    );
    t = sign(
        &t,
        "C. One",
        "committee",
        Decision::Approved,
        2,
        "2026-01-11T09:00:00Z",
        vec![],
    );
    t = sign(
        &t,
        "C. One again",
        "committee",
        Decision::Approved,
        2,
        "2026-01-11T10:00:00Z",
        vec![],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert_eq!(
        c.reasons,
        ["tier high needs 2 committee approvals; found 1: 'C. One again' signed with a key already counted"]
    );
}

#[test]
fn a_rejection_after_an_approval_voids_it() {
    let t = approved();
    let t = sign(
        &t,
        "C. One",
        "committee",
        Decision::Rejected,
        2,
        "2026-01-20T09:00:00Z",
        vec![],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(!c.compliant);
    assert!(
        c.reasons
            .iter()
            .any(|r| r.contains("voided by a later rejection")),
        "{:?}",
        c.reasons
    );
    assert_eq!(c.valid_until, None);
}

#[test]
fn a_finding_closed_then_reopened() {
    let raise = Finding {
        id: "F1".into(),
        severity: Some(Severity::High),
        text: Some("Income drift unexplained".into()),
        owner: Some("A. Dev".into()),
        due: Some("2026-02-01".into()),
        status: FindingStatus::Open,
    };
    let close = Finding {
        id: "F1".into(),
        severity: None,
        text: None,
        owner: None,
        due: None,
        status: FindingStatus::Closed,
    };
    let reopen = Finding {
        status: FindingStatus::Open,
        ..close.clone()
    };
    let t = sign(
        &approved(),
        "V. Alidator",
        "validator",
        Decision::ApprovedWithConditions,
        1,
        "2026-01-13T09:00:00Z",
        vec![raise],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(!c.compliant);
    assert_eq!(c.open_findings["high"], 1);
    assert_eq!(
        c.reasons,
        ["open high finding F1 (owner A. Dev) due 2026-02-01: Income drift unexplained"]
    );
    // Due 2026-02-01: overdue from 2026-02-02 (NOW), not on the day.
    assert!(c.overdue && c.findings[0].overdue);
    let on_the_day = parse_time("2026-02-01T23:59:59Z").expect("time");
    assert!(
        !evaluate(&t, &policy(), None, on_the_day)
            .expect("ok")
            .overdue
    );
    let t = sign(
        &t,
        "V. Alidator",
        "validator",
        Decision::Approved,
        1,
        "2026-01-14T09:00:00Z",
        vec![close],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(c.compliant, "{:?}", c.reasons);
    assert_eq!(c.findings[0].status, FindingStatus::Closed);
    assert_eq!(c.open_findings["high"], 0);
    let t = sign(
        &t,
        "C. One",
        "committee",
        Decision::Approved,
        2,
        "2026-01-15T09:00:00Z",
        vec![reopen],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert!(!c.compliant);
    // Reopened, it keeps its severity, text and owner.
    assert_eq!(c.findings[0].severity, Some(Severity::High));
    assert_eq!(
        c.findings[0].text.as_deref(),
        Some("Income drift unexplained")
    );
    assert_eq!(c.findings[0].raised_by, "V. Alidator");
    assert_eq!(c.findings[0].updated_by, "C. One");
}

#[test]
fn trusted_keys_decide_which_signatures_count() {
    let t = approved();
    let trusted = TrustedKeys {
        keys: vec![
            TrustedKey {
                name: "V".into(),
                public_key: key(1).0.public_key,
            },
            TrustedKey {
                name: "C1".into(),
                public_key: key(2).0.public_key,
            },
        ],
    };
    let c = evaluate(&t, &policy(), Some(&trusted), NOW).expect("evaluates");
    assert_eq!(
        c.reasons,
        ["tier high needs 2 committee approvals; found 1; 1 signature(s) did not count (invalid, or not by a trusted key)"]
    );
}

#[test]
fn required_checks_and_tiers() {
    let mut r: Report = crate::report::parse(&report(Some("low"))).expect("report");
    r.checks[0].status = Status::Warn;
    r.summary = Report::summarise(&r.checks);
    let t = sign(
        &r.to_json(),
        "V",
        "validator",
        Decision::Approved,
        1,
        "2026-01-10T09:00:00Z",
        vec![],
    );
    let c = evaluate(&t, &policy(), None, NOW).expect("evaluates");
    assert_eq!(
        c.reasons,
        ["check `schema` warns, and tier low allows no warning"]
    );
    assert_eq!(c.valid_until, None, "tier low has no revalidation period");
    let e = evaluate(&report(None), &policy(), None, NOW)
        .expect_err("no tier")
        .to_string();
    assert!(e.contains("names no tier"), "{e}");
    let e = evaluate(&report(Some("medium")), &policy(), None, NOW)
        .expect_err("unknown tier")
        .to_string();
    assert!(
        e.contains("tier `medium` is not in the policy (its tiers: high, low)"),
        "{e}"
    );
}
