//! Every case of `shared/conformance/expected.json` through the library.
//!
//! The cases live beside the repository (`../shared/conformance`); set
//! `ATTEST_CONFORMANCE_DIR` to point elsewhere. A missing folder fails the
//! test: conformance is never skipped silently.

mod cases;

use attest_check::conformance::check_case;
use attest_check::read::Datasets;

#[test]
fn every_conformance_case_agrees() {
    let all = cases::cases();
    assert_eq!(all.format, "attest-conformance");
    assert!(!all.cases.is_empty(), "no cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &all.cases {
        let (reference, current, train) = cases::open(case);
        let datasets = Datasets::new(&reference, &current).with_train(train.as_ref());
        failures.extend(check_case(case, datasets, all.default_tolerance));
        checked += case.checked().count();
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} values disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("conformance: {checked} values agree");
}
