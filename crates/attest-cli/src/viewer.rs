//! The web app for one-file HTML reports and published folders: from
//! `--viewer DIR` (the `dist/` folder of `trunk build --release`), or built
//! into the binary (`ATTEST_VIEWER_DIR` at build time, see build.rs).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use attest_check::bundle::Viewer;

include!(concat!(env!("OUT_DIR"), "/viewer.rs"));

const MISSING: &str = "this attest was built without the web viewer: pass --viewer DIR (the \
                       dist/ folder of `trunk build --release`), or build attest with \
                       ATTEST_VIEWER_DIR=dist";

fn embedded(name: &str) -> Option<&'static [u8]> {
    SITE.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

fn text(name: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).with_context(|| format!("the viewer's {name} is not UTF-8 text"))
}

/// The viewer from `dir`, else the built-in one; `None` when there is neither.
pub fn find(dir: Option<&Path>) -> Result<Option<Viewer>> {
    let read = |name: &str| -> Result<Option<Vec<u8>>> {
        match dir {
            Some(dir) => {
                let p = dir.join(name);
                std::fs::read(&p).map(Some).with_context(|| {
                    format!(
                        "the viewer folder has no readable {} (build it with `trunk build --release`)",
                        p.display()
                    )
                })
            }
            None => Ok(embedded(name).map(<[u8]>::to_vec)),
        }
    };
    let (Some(js), Some(wasm), Some(css)) =
        (read("app.js")?, read("app_bg.wasm")?, read("main.css")?)
    else {
        return Ok(None);
    };
    // The build's own gzip of the wasm when it wrote one (the page uses the
    // same bytes, so its "Download as HTML" equals `attest bundle`).
    let gz = match dir {
        Some(d) => std::fs::read(d.join("app_bg.wasm.gz")).ok(),
        None => embedded("app_bg.wasm.gz").map(<[u8]>::to_vec),
    };
    let (js, css) = (text("app.js", js)?, text("main.css", css)?);
    let viewer = match gz {
        Some(gz) => Viewer::from_gzip(js, &gz, css),
        None => Viewer::from_files(js, &wasm, css),
    };
    match dir {
        Some(d) => viewer
            .with_context(|| format!("in the viewer folder {}", d.display()))
            .map(Some),
        None => Ok(Some(viewer?)),
    }
}

/// The viewer, or an error saying how to get one.
pub fn require(dir: Option<&Path>) -> Result<Viewer> {
    match find(dir)? {
        Some(v) => Ok(v),
        None => bail!("{MISSING}"),
    }
}

/// Every file of the web app (path inside dist/, bytes): from `dir`, else
/// the built-in copy.
pub fn site(dir: Option<&Path>) -> Result<Vec<(String, Vec<u8>)>> {
    let Some(dir) = dir else {
        if SITE.is_empty() {
            bail!("{MISSING}");
        }
        return Ok(SITE
            .iter()
            .map(|(n, b)| ((*n).to_string(), b.to_vec()))
            .collect());
    };
    if !dir.join("index.html").is_file() || !dir.join("app_bg.wasm").is_file() {
        bail!(
            "{} is not a built web app (no index.html and app_bg.wasm; run `trunk build --release`)",
            dir.display()
        );
    }
    let mut out = Vec::new();
    let mut stack: Vec<(PathBuf, String)> = vec![(dir.to_path_buf(), String::new())];
    while let Some((d, rel)) = stack.pop() {
        for e in std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))? {
            let e = e.with_context(|| format!("cannot list {}", d.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let p = e.path();
            if p.is_dir() {
                stack.push((p, r));
            } else {
                let bytes =
                    std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
                out.push((r, bytes));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}
