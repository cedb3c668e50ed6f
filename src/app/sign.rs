//! Sign the open report in the page: with a key file the user holds, or a
//! key made here (downloaded at once). The key stays in this tab's memory
//! (so that the signed report, shown anew, can be signed again without
//! choosing it again) and is never stored.

use std::sync::Arc;

use attest_check::report::Status;
use attest_check::sign::{Decision, SignOff};
use attest_check::Report;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::report::download;

/// 32 random bytes from the browser's CSPRNG.
fn random_seed() -> Result<[u8; 32], String> {
    let mut seed = [0u8; 32];
    let crypto = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|_| "this browser has no crypto.getRandomValues")?;
    crypto
        .get_random_values_with_u8_array(&mut seed)
        .map_err(|_| "crypto.getRandomValues failed")?;
    Ok(seed)
}

fn input_value(id: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|i| i.value())
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
        })
        .unwrap_or_default()
}

#[component]
pub fn SignPanel(
    /// The report shown.
    report: Arc<Report>,
    /// Called with the signed report's JSON.
    on_signed: Callback<String>,
    /// The key file's text and what to call it; owned by the page so that
    /// it outlives this panel.
    key: RwSignal<Option<(String, String)>>,
    /// What the last step said ("Signed by …"), owned by the page so that
    /// it stays beside the button when the signed report is shown anew.
    message: RwSignal<Option<Result<String, String>>>,
) -> impl IntoView {
    // A failing report is approved only after a second, confirming click.
    let confirming = RwSignal::new(false);
    let status = report.summary.status;
    let failing = matches!(status, Status::Fail | Status::Error);
    let verdict_note = failing.then(|| {
        format!(
            "This report's result is {}: {} check(s) fail. Approving it records that you accept a failing model.",
            status.as_str().to_ascii_uppercase(),
            report.summary.counts.fail + report.summary.counts.error
        )
    });
    let pick_key = move |ev: web_sys::Event| {
        if let Some(file) = super::picked_file(&ev) {
            let name = file.name();
            let blob: web_sys::Blob = file.into();
            wasm_bindgen_futures::spawn_local(async move {
                match super::blob_text(&blob).await {
                    Ok(text) => key.set(Some((text, name))),
                    Err(e) => message.set(Some(Err(format!("cannot read the key file: {e}")))),
                }
            });
        }
    };
    let generate = move |_| match random_seed().and_then(crate::share::new_key) {
        Ok((json, fp)) => {
            download("attest-key.json", &json, "application/json");
            key.set(Some((json, format!("a new key ({fp})"))));
            message.set(Some(Ok(format!(
                "Made a new key, fingerprint {fp}, and saved it as attest-key.json: keep it secret; give its public key to whoever keeps trusted-keys.json."
            ))));
        }
        Err(e) => message.set(Some(Err(e))),
    };
    let sign = move |_| {
        let Some((key_text, _)) = key.get_untracked() else {
            message.set(Some(Err("choose your key file, or make a new key".into())));
            return;
        };
        let Some(decision) = Decision::parse(&input_value("sign-decision")) else {
            message.set(Some(Err(
                "choose your decision: approved, approved with conditions or rejected".into(),
            )));
            return;
        };
        if failing && decision == Decision::Approved && !confirming.get_untracked() {
            confirming.set(true);
            message.set(Some(Err(format!(
                "The result is {}. Click “Sign this report” again to approve it anyway, or choose another decision.",
                status.as_str().to_ascii_uppercase()
            ))));
            return;
        }
        confirming.set(false);
        let comment = input_value("sign-comment");
        let signoff = SignOff {
            signer: input_value("sign-signer").trim().to_string(),
            role: input_value("sign-role").trim().to_string(),
            decision,
            comment: (!comment.trim().is_empty()).then(|| comment.trim().to_string()),
            signed_at: super::now_rfc3339(),
            findings: Vec::new(),
        };
        match crate::share::sign_text(&report.to_json(), &key_text, &signoff) {
            Ok(signed) => {
                // The signed report is shown anew (and clears the message), then says so;
                // the next signer chooses a decision of their own.
                on_signed.run(signed);
                if let Some(select) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("sign-decision"))
                    .and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok())
                {
                    select.set_value("");
                }
                message.set(Some(Ok(format!(
                    "Signed by {} as {}: {}. The signature is listed under “Sign-off” above; download the report to keep it.",
                    signoff.signer,
                    signoff.role,
                    signoff.decision.as_str().replace('_', " ")
                ))));
            }
            Err(e) => message.set(Some(Err(e))),
        }
    };
    view! {
        <section id="sign" class="sign">
            <h2>"Sign off"</h2>
            <p class="meta">"Your signature covers this report exactly and your decision. The key never leaves this browser."</p>
            <div class="sign-fields">
                <label>"Name " <input id="sign-signer" type="text" autocomplete="name"/></label>
                <label>"Role " <input id="sign-role" type="text" placeholder="validator, approver…"/></label>
                <label>"Decision "
                    <select id="sign-decision" on:change=move |_| confirming.set(false)>
                        // No decision is chosen for the signer.
                        <option value="" selected=true disabled=true>"choose…"</option>
                        <option value="approved">"approved"</option>
                        <option value="approved_with_conditions">"approved with conditions"</option>
                        <option value="rejected">"rejected"</option>
                    </select>
                </label>
                <label class="wide">"Comment " <input id="sign-comment" type="text"/></label>
                <label class="file small">
                    <span>"Key file"</span>
                    <input id="sign-key" type="file" accept=".json,.key,application/json" on:change=pick_key/>
                </label>
                <button id="sign-new-key" class="secondary" on:click=generate>"Make a new key"</button>
                <small id="sign-key-name" class="meta">{move || key.with(|k| k.as_ref().map(|(_, n)| format!("key: {n}")).unwrap_or_else(|| "no key chosen".into()))}</small>
            </div>
            {verdict_note.map(|t| view! { <p id="sign-verdict" class="warn-note">{t}</p> })}
            <button id="sign-button" on:click=sign>"Sign this report"</button>
            {move || message.get().map(|m| match m {
                Ok(t) => view! { <p id="sign-message" class="ok-note" role="status" data-state="ok">{t}</p> }.into_any(),
                Err(e) if confirming.get() => view! { <p id="sign-message" class="warn-note" role="alert" data-state="confirm">{e}</p> }.into_any(),
                Err(e) => view! { <p id="sign-message" class="error" role="alert" data-state="error">{e}</p> }.into_any(),
            })}
        </section>
    }
}
