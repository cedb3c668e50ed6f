//! The worker's side of the app in headless Chromium, inside a dedicated
//! Web Worker (where `FileReaderSync` exists): Blob range reads and the job
//! protocol, run by `wasm-bindgen-test-runner` through ChromeDriver
//! (`cargo test --target wasm32-unknown-unknown -p attest-app --test worker`).
#![cfg(target_arch = "wasm32")]

use std::sync::Mutex;

use attest_app::blob_source::BlobSource;
use attest_app::protocol::FromWorker;
use attest_app::worker_entry::handle;
use attest_check::source::ByteSource;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

include!(concat!(env!("OUT_DIR"), "/conformance_files.rs"));

fn file(rel: &str) -> &'static [u8] {
    CONFORMANCE_FILES
        .iter()
        .find(|(p, _)| *p == rel)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("{rel} not embedded"))
}

fn reference() -> &'static [u8] {
    file("binary_0/reference.parquet")
}

fn current() -> &'static [u8] {
    file("binary_0/current.parquet")
}

fn blob(bytes: &[u8]) -> web_sys::Blob {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    web_sys::Blob::new_with_u8_array_sequence(&parts).expect("blob")
}

fn job(kind: &str, reference: &[u8], current: &[u8], config: &str) -> JsValue {
    let job = js_sys::Object::new();
    let set = |k: &str, v: &JsValue| {
        js_sys::Reflect::set(&job, &JsValue::from_str(k), v).expect("set");
    };
    set("kind", &kind.into());
    set("reference", &blob(reference));
    set("reference_name", &"reference.parquet".into());
    set("current", &blob(current));
    set("current_name", &"current.parquet".into());
    set("config", &config.into());
    set("created_at", &"2024-01-01T00:00:00Z".into());
    job.into()
}

#[wasm_bindgen_test]
fn blob_source_reads_ranges_and_clamps_at_the_end() {
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let source = BlobSource::new(blob(&bytes), "x.bin");
    assert_eq!(source.len(), 10_000);
    assert_eq!(source.name(), "x.bin");
    assert_eq!(&source.read_range(0, 16).expect("read")[..], &bytes[..16]);
    assert_eq!(
        &source.read_range(5000, 300).expect("read")[..],
        &bytes[5000..5300]
    );
    // past the end: clamped, then empty
    assert_eq!(
        &source.read_range(9990, 100).expect("read")[..],
        &bytes[9990..]
    );
    assert!(source.read_range(20_000, 10).expect("read").is_empty());
}

#[wasm_bindgen_test]
fn a_run_job_posts_progress_then_the_cli_report() {
    let posted = Mutex::new(Vec::new());
    let post = |m: &FromWorker| posted.lock().expect("lock").push(m.clone());
    let reply = handle(&job("run", reference(), current(), ""), &post);
    let FromWorker::Report {
        json,
        wasm_memory_bytes,
    } = reply
    else {
        panic!("expected a report, got {reply:?}");
    };
    assert!(wasm_memory_bytes > 0);
    // The same bytes as the library on in-memory files (what the CLI runs).
    let expected = attest_app::check(
        "reference.parquet",
        reference().to_vec(),
        "current.parquet",
        current().to_vec(),
        "",
        "2024-01-01T00:00:00Z",
    )
    .expect("runs");
    assert_eq!(json, expected);
    let posted = posted.into_inner().expect("lock");
    let last = posted.iter().rev().find_map(|m| match m {
        FromWorker::Progress(p) => Some(p.clone()),
        _ => None,
    });
    let last = last.expect("progress was posted");
    assert_eq!(last.columns_done, last.columns_total);
    assert!(last.columns_total >= 8);
    assert!((last.fraction() - 1.0).abs() < 1e-9, "{last:?}");
}

#[wasm_bindgen_test]
fn an_inspect_job_answers_the_preview() {
    let reply = handle(&job("inspect", reference(), current(), ""), &|_| {});
    let FromWorker::Preview { json } = reply else {
        panic!("expected a preview, got {reply:?}");
    };
    let preview: attest_check::plan::Preview = serde_json::from_str(&json).expect("preview");
    assert_eq!(preview.plan.roles.label.as_deref(), Some("label"));
    assert_eq!(preview.datasets.len(), 2);
    assert!(preview.datasets[0].rows > 0);
}

#[wasm_bindgen_test]
fn bad_jobs_answer_errors() {
    let reply = handle(&job("run", b"not parquet", current(), ""), &|_| {});
    assert!(
        matches!(&reply, FromWorker::Error { message } if message.contains("reference.parquet")),
        "{reply:?}"
    );
    let reply = handle(
        &job("run", reference(), current(), "{\"drift\":{\"nope\":1}}"),
        &|_| {},
    );
    assert!(
        matches!(&reply, FromWorker::Error { message } if message.contains("nope")),
        "{reply:?}"
    );
    let reply = handle(&job("launch", reference(), current(), ""), &|_| {});
    assert!(
        matches!(&reply, FromWorker::Error { message } if message.contains("unknown job")),
        "{reply:?}"
    );
    let reply = handle(&JsValue::from_str("nonsense"), &|_| {});
    assert!(matches!(reply, FromWorker::Error { .. }), "{reply:?}");
}

#[wasm_bindgen_test]
fn a_verify_job_checks_signatures_against_trusted_keys() {
    use attest_check::sign::{
        sign_report, to_hex, Decision, KeyFile, SignOff, State, TrustedKey, TrustedKeys,
        Verification,
    };
    let report = attest_app::check(
        "reference.parquet",
        reference().to_vec(),
        "current.parquet",
        current().to_vec(),
        "",
        "2024-01-01T00:00:00Z",
    )
    .expect("runs");
    let key_text = serde_json::to_string(&KeyFile::from_seed([9; 32])).expect("json");
    let (file, key) = KeyFile::parse(&key_text).expect("key");
    let signoff = SignOff {
        signer: "Ada".into(),
        role: "validator".into(),
        decision: Decision::Approved,
        comment: None,
        signed_at: "2024-01-02T00:00:00Z".into(),
    };
    let signed = sign_report(&report, &key, &signoff).expect("signs");
    let trusted = TrustedKeys {
        keys: vec![TrustedKey {
            name: "Model Risk".into(),
            public_key: file.public_key.clone(),
        }],
    };
    let verify = |text: &str, trusted: &str| {
        let job = js_sys::Object::new();
        for (k, v) in [
            ("kind", "verify"),
            ("report", text),
            ("trusted_keys", trusted),
        ] {
            js_sys::Reflect::set(&job, &k.into(), &v.into()).expect("set");
        }
        match handle(&job.into(), &|_| {}) {
            FromWorker::Verification { json } => {
                serde_json::from_str::<Verification>(&json).expect("verification")
            }
            other => panic!("expected a verification, got {other:?}"),
        }
    };
    let v = verify(&signed, &serde_json::to_string(&trusted).expect("json"));
    assert_eq!(
        v.signatures[0].state,
        State::Trusted {
            name: "Model Risk".into()
        }
    );
    assert_eq!(verify(&signed, "").signatures[0].state, State::Unknown);
    let forged = signed.replacen("\"signer\": \"Ada\"", "\"signer\": \"Bob\"", 1);
    assert!(matches!(
        verify(&forged, "").signatures[0].state,
        State::Invalid { .. }
    ));
    assert_eq!(to_hex(&[0xab]), "ab");
}
