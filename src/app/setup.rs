//! "Before the run": both schemas side by side with row counts, kinds and
//! the auto-detected roles; every role, kind, sensitive/segment mark and
//! check can be changed. The defaults run everything with one click.

use attest_check::columns::Kind;
use attest_check::config::{Chunking, Period, Task, CHECK_IDS};
use attest_check::plan::Preview;
use leptos::prelude::*;

use crate::setup::{Choices, Use};
use crate::view_model::fmt_count;

fn select_value(ev: &web_sys::Event) -> String {
    event_target_value(ev)
}

fn kind_str(k: Option<Kind>) -> &'static str {
    match k {
        Some(Kind::Numeric) => "numeric",
        Some(Kind::Categorical) => "categorical",
        None => "",
    }
}

/// The chunking menu's value: a period's name, "rows", or "chunks".
fn chunking_str(c: Chunking) -> &'static str {
    match c {
        Chunking::Period(Period::Day) => "day",
        Chunking::Period(Period::Week) => "week",
        Chunking::Period(Period::Month) => "month",
        Chunking::Period(Period::Quarter) => "quarter",
        Chunking::Period(Period::Year) => "year",
        Chunking::Rows(_) => "rows",
        Chunking::Count(_) => "chunks",
    }
}

fn task_str(t: Task) -> &'static str {
    match t {
        Task::Auto => "auto",
        Task::Binary => "binary",
        Task::Multiclass => "multiclass",
        Task::Regression => "regression",
    }
}

/// The setup table for `preview`; `choices` holds what the user picked.
#[component]
pub fn SetupView(preview: Preview, choices: RwSignal<Option<Choices>>) -> impl IntoView {
    let datasets = preview.datasets.clone();
    let has_train = datasets.iter().any(|d| d.dataset == "train");
    let differences = crate::setup::schema_differences(&preview);
    let names: Vec<String> = preview
        .plan
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let edit = move |f: Box<dyn FnOnce(&mut Choices)>| {
        choices.update(|c| {
            if let Some(c) = c.as_mut() {
                f(c)
            }
        })
    };
    let row = move |name: String| {
        let col = move || {
            choices.with(|c| {
                c.as_ref()
                    .and_then(|c| c.columns.iter().find(|x| x.name == name).cloned())
            })
        };
        let Some(first) = col() else {
            return ().into_any();
        };
        let n = first.name.clone();
        let (n1, n2, n3, n4, n5) = (n.clone(), n.clone(), n.clone(), n.clone(), n.clone());
        let col_time = col.clone();
        let col_time2 = col.clone();
        let on_time = move |ev: web_sys::Event| {
            let f = select_value(&ev);
            let n = n5.clone();
            edit(Box::new(move |c| c.set_time_of(&n, Some(f))));
        };
        let col_use = col.clone();
        let col_kind = col.clone();
        let col_sens = col.clone();
        let col_seg = col.clone();
        let on_use = move |ev: web_sys::Event| {
            if let Some(u) = Use::parse(&select_value(&ev)) {
                let n = n1.clone();
                edit(Box::new(move |c| c.set_use(&n, u)));
            }
        };
        let on_kind = move |ev: web_sys::Event| {
            let k = match select_value(&ev).as_str() {
                "numeric" => Kind::Numeric,
                _ => Kind::Categorical,
            };
            let n = n2.clone();
            edit(Box::new(move |c| c.set_kind(&n, k)));
        };
        let on_sens = move |ev: web_sys::Event| {
            let on = event_target_checked(&ev);
            let n = n3.clone();
            edit(Box::new(move |c| c.set_sensitive(&n, on)));
        };
        let on_seg = move |ev: web_sys::Event| {
            let on = event_target_checked(&ev);
            let n = n4.clone();
            edit(Box::new(move |c| c.set_segment(&n, on)));
        };
        let in_current = first.current_type.is_some();
        view! {
            <tr data-column=n.clone()>
                <th scope="row">{n.clone()}</th>
                <td><code>{first.reference_type.clone().unwrap_or_else(|| "—".into())}</code></td>
                <td><code>{first.current_type.clone().unwrap_or_else(|| "—".into())}</code></td>
                {has_train.then(|| view! { <td><code>{first.train_type.clone().unwrap_or_else(|| "—".into())}</code></td> })}
                <td>
                    <select class="role" aria-label=format!("role of {n}") on:change=on_use
                        prop:value=move || col_use().map(|c| c.usage.as_str()).unwrap_or("feature")>
                        {Use::ALL.iter().map(|u| view! { <option value=u.as_str()>{u.as_str()}</option> }).collect_view()}
                    </select>
                    {move || col_time().filter(|c| c.usage == Use::Role(attest_check::plan::Role::FeatureTime)).map(|_| {
                        let features = choices.with(|c| c.as_ref().map(|c| c.features()).unwrap_or_default());
                        let current = col_time2().and_then(|c| c.time_of).unwrap_or_default();
                        view! {
                            <select class="time-of" aria-label=format!("feature whose time {} holds", first.name) on:change=on_time.clone()
                                prop:value=current>
                                <option value="">"time of…"</option>
                                {features.into_iter().map(|f| view! { <option value=f.clone()>{format!("time of {f}")}</option> }).collect_view()}
                            </select>
                        }
                    })}
                </td>
                <td>
                    {if first.unsupported {
                        view! { <span class="muted">"nested"</span> }.into_any()
                    } else {
                        view! {
                            <select class="kind" aria-label=format!("kind of {n}") on:change=on_kind
                                prop:value=move || kind_str(col_kind().and_then(|c| c.kind))>
                                <option value="" disabled=true>"—"</option>
                                <option value="numeric">"numeric"</option>
                                <option value="categorical">"categorical"</option>
                            </select>
                        }.into_any()
                    }}
                </td>
                <td class="center">
                    <input type="checkbox" class="sensitive" aria-label=format!("{n} is sensitive") disabled=!in_current
                        prop:checked=move || col_sens().is_some_and(|c| c.sensitive) on:change=on_sens/>
                </td>
                <td class="center">
                    <input type="checkbox" class="segment" aria-label=format!("{n} is a segment") disabled=!in_current
                        prop:checked=move || col_seg().is_some_and(|c| c.segment) on:change=on_seg/>
                </td>
                <td class="note">{first.problem.clone().unwrap_or_default()}</td>
            </tr>
        }
        .into_any()
    };
    let on_task = move |ev: web_sys::Event| {
        let t = match select_value(&ev).as_str() {
            "binary" => Task::Binary,
            "multiclass" => Task::Multiclass,
            "regression" => Task::Regression,
            _ => Task::Auto,
        };
        edit(Box::new(move |c| c.task = t));
    };
    let on_chunking = move |ev: web_sys::Event| {
        let v = select_value(&ev);
        edit(Box::new(move |c| {
            let n = match c.chunking {
                Chunking::Rows(n) | Chunking::Count(n) => n,
                Chunking::Period(_) => 1000,
            };
            let chunking = match v.as_str() {
                "day" => Chunking::Period(Period::Day),
                "week" => Chunking::Period(Period::Week),
                "quarter" => Chunking::Period(Period::Quarter),
                "year" => Chunking::Period(Period::Year),
                "rows" => Chunking::Rows(n),
                "chunks" => Chunking::Count(n.min(100)),
                _ => Chunking::Period(Period::Month),
            };
            c.set_chunking(chunking);
        }));
    };
    let on_chunk_n = move |ev: web_sys::Event| {
        let Ok(n) = event_target_value(&ev).trim().parse::<usize>() else {
            return;
        };
        edit(Box::new(move |c| match c.chunking {
            Chunking::Rows(_) => c.set_chunking(Chunking::Rows(n)),
            Chunking::Count(_) => c.set_chunking(Chunking::Count(n)),
            Chunking::Period(_) => {}
        }));
    };
    let chunking = move || choices.with(|c| c.as_ref().map(|c| c.chunking));
    view! {
        <section id="setup" class="setup" aria-label="Before the run">
            <h2>"Before the run"</h2>
            <div class="datasets">
                {datasets.into_iter().map(|d| view! {
                    <div class="dataset" data-dataset=d.dataset.clone()>
                        <strong>{d.dataset.clone()}</strong>
                        <span>{d.name.clone()}</span>
                        <span class="rows" data-rows=d.rows.to_string()>{format!("{} rows · {} columns · {}", fmt_count(d.rows), d.columns.len(), d.format)}</span>
                    </div>
                }).collect_view()}
            </div>
            {(!differences.is_empty()).then(|| view! {
                <div id="schema-differences" class="warn-note" role="status">
                    <strong>"The files' columns differ. "</strong>
                    "A column missing from a dataset cannot be compared with it, and the schema check will say so: make sure these are the files you meant."
                    <ul class="schema-differences">{differences.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                </div>
            })}
            <div class="scroll">
                <table id="setup-columns" class="setup-table">
                    <thead><tr>
                        <th>"Column"</th><th>"Reference type"</th><th>"Current type"</th>
                        {has_train.then(|| view! { <th>"Train type"</th> })}
                        <th>"Role"</th><th>"Kind"</th><th>"Sensitive"</th><th>"Segment"</th><th>"Note"</th>
                    </tr></thead>
                    <tbody>{names.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
            <div class="setup-options">
                <label>"Task "
                    <select id="task" on:change=on_task prop:value=move || choices.with(|c| c.as_ref().map_or("auto", |c| task_str(c.task)))>
                        <option value="auto">"auto-detect"</option>
                        <option value="binary">"binary"</option>
                        <option value="multiclass">"multiclass"</option>
                        <option value="regression">"regression"</option>
                    </select>
                </label>
                <label>"Backtest chunks "
                    <select id="chunking" on:change=on_chunking prop:value=move || chunking().map_or("month", chunking_str)>
                        <option value="day">"by day"</option>
                        <option value="week">"by week (ISO)"</option>
                        <option value="month">"by month"</option>
                        <option value="quarter">"by quarter"</option>
                        <option value="year">"by year"</option>
                        <option value="rows">"rows per chunk"</option>
                        <option value="chunks">"number of chunks"</option>
                    </select>
                    {move || match chunking() {
                        Some(Chunking::Rows(n) | Chunking::Count(n)) => view! {
                            " " <input id="chunk-size" type="number" min="1" prop:value=n.to_string() on:change=on_chunk_n/>
                        }.into_any(),
                        _ => ().into_any(),
                    }}
                </label>
                <fieldset class="check-picks">
                    <legend>"Checks"</legend>
                    {CHECK_IDS.iter().map(|id| {
                        let id = id.to_string();
                        let id2 = id.clone();
                        let on = move |ev: web_sys::Event| {
                            let on = event_target_checked(&ev);
                            let id = id2.clone();
                            edit(Box::new(move |c| c.set_check(&id, on)));
                        };
                        let id3 = id.clone();
                        view! {
                            <label class="check-pick">
                                <input type="checkbox" data-check=id.clone() on:change=on
                                    prop:checked=move || choices.with(|c| c.as_ref().is_some_and(|c| c.checks.contains(&id3)))/>
                                {id.replace('_', " ")}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </div>
        </section>
    }
}
