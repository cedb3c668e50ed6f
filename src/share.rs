//! Sharing and trusting reports in the page: signature checks (in the page
//! itself, so a one-file HTML report needs no worker), the viewer's files for
//! "Download as HTML", and reproduction. Pure functions, tested natively.

use attest_check::bundle::{Viewer, LOADER};
use attest_check::sign::{
    fingerprint, from_hex, sign_report, verify_report, KeyFile, SignOff, TrustedKeys, Verification,
};
use attest_check::Report;

/// Check a report's signatures; `trusted_keys` is the text of a
/// `trusted-keys.json`, or empty.
pub fn verify_text(report: &str, trusted_keys: &str) -> Result<Verification, String> {
    let trusted = if trusted_keys.trim().is_empty() {
        None
    } else {
        Some(
            serde_json::from_str::<TrustedKeys>(trusted_keys)
                .map_err(|e| format!("trusted-keys.json: {e}"))?,
        )
    };
    Ok(verify_report(report, trusted.as_ref()))
}

/// The viewer of a one-file HTML report, from the texts of its elements
/// (`#attest-viewer`, `#attest-viewer-wasm`, `#attest-css`): what the page
/// needs to write itself out again.
pub fn viewer_from_page(module_script: &str, wasm_b64: &str, css: &str) -> Result<Viewer, String> {
    let js = module_script
        .strip_suffix(&format!("\n{LOADER}"))
        .ok_or("this page's viewer script is not Attest's")?;
    Ok(Viewer {
        js: js.to_string(),
        wasm_gzip_base64: wasm_b64.trim().to_string(),
        css: css.trim().to_string(),
    })
}

/// Sign the report `text` in the page with the key file `key_text` (as
/// `attest keygen` writes it); returns the signed report's JSON.
pub fn sign_text(text: &str, key_text: &str, signoff: &SignOff) -> Result<String, String> {
    let (_, key) = KeyFile::parse(key_text).map_err(|e| e.to_string())?;
    if signoff.signer.trim().is_empty() || signoff.role.trim().is_empty() {
        return Err("give your name and your role".into());
    }
    sign_report(text, &key, signoff).map_err(|e| e.to_string())
}

/// A new key file from 32 random bytes: (the key file's JSON, its public
/// key's fingerprint).
pub fn new_key(seed: [u8; 32]) -> Result<(String, String), String> {
    let file = KeyFile::from_seed(seed);
    let public = from_hex::<32>(&file.public_key).ok_or("cannot read the new public key")?;
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())? + "\n";
    Ok((json, fingerprint(&public)))
}

/// The configuration to rerun a report with, as the worker's `config` (JSON).
pub fn rerun_config(original: &Report) -> Result<String, String> {
    let config = attest_check::reproduce::config_of(original).map_err(|e| e.to_string())?;
    serde_json::to_string(&config).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use attest_check::bundle::{one_file_html, parts};

    #[test]
    fn the_page_rebuilds_its_own_one_file_html() {
        let report = demo_report();
        let viewer = Viewer::from_files(
            "async function __wbg_init(m) {}\nexport { __wbg_init as default };\n".into(),
            b"\0asm\x01\0\0\0",
            "body {}\n".into(),
        )
        .expect("viewer");
        let html = one_file_html(&viewer, &report).expect("html");
        let p = parts(&html).expect("parts");
        // What the DOM gives back: the script's text, the wasm text, the style
        // text with its surrounding newlines.
        let again = viewer_from_page(
            &p.viewer.module_script(),
            &p.viewer.wasm_gzip_base64,
            &format!("\n{}\n", p.viewer.css),
        )
        .expect("viewer");
        assert_eq!(one_file_html(&again, &report).expect("html"), html);
        assert!(viewer_from_page("console.log(1)", "", "").is_err());
    }

    fn demo_report() -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/public/demo/");
        let r = std::fs::read(format!("{dir}reference.parquet")).expect("demo reference");
        let c = std::fs::read(format!("{dir}current.parquet")).expect("demo current");
        crate::check(
            "reference.parquet",
            r,
            "current.parquet",
            c,
            "",
            "2024-01-01T00:00:00Z",
        )
        .expect("runs")
    }

    #[test]
    fn a_report_reproduces_from_its_own_config() {
        let json = demo_report();
        let original = attest_check::report::parse(&json).expect("report");
        let config: attest_check::Config =
            serde_json::from_str(&rerun_config(&original).expect("config")).expect("config");
        assert_eq!(
            serde_json::to_value(&config).expect("value"),
            original.config
        );
        let reproduction = |rerun: &str| {
            attest_check::reproduce::compare(
                &original,
                &attest_check::report::parse(rerun).expect("rerun"),
            )
        };
        let same = reproduction(&json);
        assert!(same.identical);
        let edited = json.replacen("\"rows\": ", "\"rows\": 1", 1);
        let r = reproduction(&edited);
        assert!(!r.identical);
        assert!(r.differences[0].path.starts_with("inputs[reference].rows"));
    }

    #[test]
    fn the_page_signs_with_a_key_it_made() {
        use attest_check::sign::{Decision, State};
        let json = demo_report();
        let (key, fp) = new_key([7; 32]).expect("key");
        assert_eq!(fp.len(), 19, "{fp}"); // 16 hex digits in groups of 4
        let signoff = SignOff {
            signer: "Ada".into(),
            role: "validator".into(),
            decision: Decision::Rejected,
            comment: Some("<b>no</b>".into()),
            signed_at: "2026-11-26T00:00:00Z".into(),
            findings: Vec::new(),
        };
        let signed = sign_text(&json, &key, &signoff).expect("signs");
        let v = verify_text(&signed, "").expect("verifies");
        assert_eq!(v.signatures[0].state, State::Unknown);
        assert_eq!(v.signatures[0].fingerprint.as_deref(), Some(fp.as_str()));
        assert_eq!(v.signatures[0].decision, "rejected");
        assert!(sign_text(&json, "{}", &signoff).is_err());
        let anonymous = SignOff {
            signer: " ".into(),
            ..signoff
        };
        assert!(sign_text(&json, &key, &anonymous).is_err());
    }

    #[test]
    fn signatures_are_checked_in_the_page() {
        use attest_check::sign::{sign_report, Decision, KeyFile, SignOff, State};
        let json = demo_report();
        let key_text = serde_json::to_string(&KeyFile::from_seed([9; 32])).expect("json");
        let (file, key) = KeyFile::parse(&key_text).expect("key");
        let signoff = SignOff {
            signer: "Ada".into(),
            role: "validator".into(),
            decision: Decision::Approved,
            comment: None,
            signed_at: "2024-01-02T00:00:00Z".into(),
            findings: Vec::new(),
        };
        let signed = sign_report(&json, &key, &signoff).expect("signs");
        let trusted = format!(
            "{{\"keys\": [{{\"name\": \"Model Risk\", \"public_key\": \"{}\"}}]}}",
            file.public_key
        );
        let state = |text: &str, keys: &str| {
            verify_text(text, keys).expect("verifies").signatures[0]
                .state
                .clone()
        };
        assert_eq!(
            state(&signed, &trusted),
            State::Trusted {
                name: "Model Risk".into()
            }
        );
        assert_eq!(state(&signed, ""), State::Unknown);
        let forged = signed.replacen("\"signer\": \"Ada\"", "\"signer\": \"Bob\"", 1);
        assert!(matches!(state(&forged, ""), State::Invalid { .. }));
        assert!(verify_text(&signed, "not json").is_err());
    }
}
