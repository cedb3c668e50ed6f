//! Embeds the conformance cases for the wasm32 tests (`tests/wasm.rs`), which
//! cannot read files at run time. Lists every file under
//! `../shared/conformance` (or `ATTEST_CONFORMANCE_DIR`); when the folder is
//! missing the list is empty and the wasm conformance test fails.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn files(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, base, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.push((rel.to_string_lossy().replace('\\', "/"), p.clone()));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=ATTEST_CONFORMANCE_DIR");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = std::env::var_os("ATTEST_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/conformance"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut list = Vec::new();
    files(&dir, &dir, &mut list);
    let mut code = String::from("/// (path relative to the conformance folder, bytes)\npub const CONFORMANCE_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, path) in &list {
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    code.push_str(
        "\n/// The bytes of an embedded conformance file (path relative to the folder).\n\
         pub fn file(rel: &str) -> &'static [u8] {\n    \
         CONFORMANCE_FILES\n        .iter()\n        .find(|(p, _)| *p == rel)\n        \
         .map(|(_, b)| *b)\n        .unwrap_or_else(|| panic!(\"{rel} not embedded\"))\n}\n",
    );
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("conformance_files.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
