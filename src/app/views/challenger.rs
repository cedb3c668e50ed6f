//! Champion vs challenger: the verdict, both models' deciding metric and
//! the paired test; the per-chunk lines are in the time charts.

use attest_check::report::Check;
use leptos::prelude::*;
use serde_json::Value;

use super::num;

/// The challenger check's card.
#[component]
pub fn ChallengerCard(
    /// The `challenger` check.
    check: Check,
) -> impl IntoView {
    let ev = check.evidence.clone();
    let f = |k: &str| ev.get(k).and_then(Value::as_f64);
    let s = |k: &str| ev.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let test = ev.get("test").cloned().unwrap_or(Value::Null);
    let test_name = test
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let p = test.get("p_value").and_then(Value::as_f64);
    view! {
        <section id="challenger" class="challenger" data-better=s("better")>
            <h2>"Champion vs challenger"</h2>
            <p class=format!("badge {}", check.status.as_str())>{check.message.clone().unwrap_or_default()}</p>
            <div class="cards">
                <div class="card" data-model="champion">
                    <div class="name">{format!("champion {}", s("deciding_metric"))}</div>
                    <div class="value">{num(f("champion"))}</div>
                    <div class="ref">{format!("on {} ({} rows)", s("dataset"), ev.get("rows").and_then(Value::as_u64).unwrap_or(0))}</div>
                </div>
                <div class="card" data-model="challenger">
                    <div class="name">{format!("challenger {}", s("deciding_metric"))}</div>
                    <div class="value">{num(f("challenger"))}</div>
                    <div class="ref">{format!("{test_name} p = {}", num(p))}</div>
                </div>
            </div>
        </section>
    }
}
