//! Check ids are a contract (CHANGELOG.md): every id in use is announced
//! there ("added check `id`"), an announced id that is no longer in use is
//! marked removed or renamed, and the JSON Schema lists exactly the ids in use.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every check id Attest writes.
fn in_use() -> BTreeSet<String> {
    attest_check::config::CHECK_IDS
        .iter()
        .chain([&attest_check::baseline::ID])
        .map(|s| s.to_string())
        .collect()
}

/// The backticked words of the CHANGELOG lines that contain `marker`,
/// taken from the marker on (an entry may wrap onto following lines).
fn ids_after(changelog: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in changelog.split("\n- ") {
        let entry = entry.split("\n\n").next().unwrap_or("");
        let Some(at) = entry.find(marker) else {
            continue;
        };
        let rest = &entry[at + marker.len()..];
        // Only up to the first colon: what follows is description.
        let rest = rest.split(':').next().unwrap_or(rest);
        out.extend(rest.split('`').skip(1).step_by(2).map(str::to_string));
    }
    out
}

#[test]
fn check_ids_are_announced_and_never_vanish_silently() {
    let text = std::fs::read_to_string(repo().join("CHANGELOG.md")).expect("CHANGELOG.md");
    let added: BTreeSet<String> = ids_after(&text, "added check").into_iter().collect();
    let removed: BTreeSet<String> = ids_after(&text, "removed check").into_iter().collect();
    let renamed: Vec<String> = ids_after(&text, "renamed check");
    let renamed_from: BTreeSet<String> = renamed.iter().step_by(2).cloned().collect();
    let now = in_use();
    let unannounced: Vec<&String> = now.iter().filter(|id| !added.contains(*id)).collect();
    assert!(
        unannounced.is_empty(),
        "check ids in use but not announced in CHANGELOG.md (\"added check `id`\"): {unannounced:?}"
    );
    let vanished: Vec<&String> = added
        .iter()
        .filter(|id| !now.contains(*id) && !removed.contains(*id) && !renamed_from.contains(*id))
        .collect();
    assert!(
        vanished.is_empty(),
        "check ids announced in CHANGELOG.md but no longer in use, with no \"removed check\" or \"renamed check\" entry: {vanished:?}"
    );
}

#[test]
fn the_schema_lists_exactly_the_ids_in_use() {
    let text = std::fs::read_to_string(repo().join("schema/report.schema.json")).expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema parses");
    let ids: BTreeSet<String> = schema["properties"]["checks"]["items"]["properties"]["id"]["enum"]
        .as_array()
        .expect("an enum of ids")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    assert_eq!(ids, in_use());
}

#[test]
fn the_changelog_parser_sees_renames_and_wrapped_entries() {
    let text = "## x\n\n- added checks `a`, `b`,\n  `c`.\n- renamed check `b` to `d`: because\n- removed check `c`\n";
    assert_eq!(ids_after(text, "added check"), ["a", "b", "c"]);
    assert_eq!(ids_after(text, "renamed check"), ["b", "d"]);
    assert_eq!(ids_after(text, "removed check"), ["c"]);
}
