//! The model inventory: the `index.json` catalogue of a published folder
//! (`attest publish`), one row per report, each opening by link.

use std::sync::Arc;

use attest_check::publish::Index;
use leptos::prelude::*;

/// `?report=<path>`, with the path encoded for a query.
fn report_link(path: &str) -> String {
    format!(
        "?report={}",
        String::from(js_sys::encode_uri_component(path))
    )
}

#[component]
pub fn Inventory(index: Arc<Index>) -> impl IntoView {
    let rows = index.reports.clone();
    let count = rows.len().to_string();
    view! {
        <section id="inventory" class="inventory" data-count=count>
            <h2>"Model inventory"</h2>
            <p class="meta">"Reports published here, by model, newest first. Sign-off states are as listed when published; opening a report checks its signatures again."</p>
            <div class="table-scroll"><table class="inventory-table">
                <thead><tr>
                    <th>"Model"</th><th>"Version"</th><th>"Date"</th><th>"Status"</th><th>"Signed off by"</th><th></th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|e| {
                        let link = report_link(&e.path);
                        let status = e.status.as_str();
                        view! {
                            <tr data-path=e.path.clone()>
                                <td class="model" class:unnamed=e.model.is_none()>{e.display_name()}</td>
                                <td>{e.version.clone().unwrap_or_default()}</td>
                                <td>{e.created_at.clone()}</td>
                                <td><span class=format!("badge {status}")>{status.to_ascii_uppercase()}</span></td>
                                <td class="signers">
                                    {if e.signatures.is_empty() {
                                        view! { <span class="meta">"not signed"</span> }.into_any()
                                    } else {
                                        e.signatures.iter().map(|s| view! {
                                            <span class="signer" data-state=s.state.clone()>
                                                {format!("{} ({}): {} [{}]", s.signer, s.role, s.decision.replace('_', " "), s.state)}
                                            </span>
                                        }).collect_view().into_any()
                                    }}
                                </td>
                                <td><a class="open" href=link>"Open"</a></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}
