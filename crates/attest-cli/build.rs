//! Embeds the built web app (`dist/` of `trunk build --release`) when
//! `ATTEST_VIEWER_DIR` names that folder, so that `attest bundle`,
//! `attest check --html` and `attest publish` need no other files.
//! Without it the CLI still builds; those commands then take `--viewer DIR`.

use std::path::{Path, PathBuf};

/// The files the one-file viewer is made of; they must be there.
const VIEWER: [&str; 3] = ["app.js", "app_bg.wasm", "main.css"];

fn files(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if path.is_dir() {
            files(&path, &rel, out);
        } else {
            out.push((rel, path));
        }
    }
}

fn main() {
    println!("cargo:rerun-if-env-changed=ATTEST_VIEWER_DIR");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let code = match std::env::var_os("ATTEST_VIEWER_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = std::fs::canonicalize(&dir).unwrap_or_else(|e| {
                panic!("ATTEST_VIEWER_DIR={}: {e}", PathBuf::from(&dir).display())
            });
            for f in VIEWER {
                assert!(
                    dir.join(f).is_file(),
                    "ATTEST_VIEWER_DIR: no {} (run `trunk build --release` first)",
                    dir.join(f).display()
                );
            }
            let mut all = Vec::new();
            files(&dir, "", &mut all);
            let mut code = String::from(
                "/// The web app built into this binary: (path in dist/, bytes).\n\
                 pub const SITE: &[(&str, &[u8])] = &[\n",
            );
            for (rel, path) in &all {
                println!("cargo:rerun-if-changed={}", path.display());
                code.push_str(&format!(
                    "    ({rel:?}, include_bytes!({:?})),\n",
                    path.display().to_string()
                ));
            }
            code.push_str("];\n");
            code
        }
        _ => "/// No web app was built into this binary (see build.rs).\n\
              pub const SITE: &[(&str, &[u8])] = &[];\n"
            .to_string(),
    };
    std::fs::write(out.join("viewer.rs"), code).expect("write viewer.rs");
}
