//! One self-contained HTML file: the report viewer (its WebAssembly, the
//! wasm-bindgen JS glue and the stylesheet) with a report embedded.
//!
//! The file opens from `file://` with no network at all. Its
//! Content-Security-Policy allows exactly one script, the viewer's own
//! (by its SHA-256), WebAssembly compilation, inline styles, and nothing
//! that reaches the network.
//!
//! Layout of the file (the page reads these elements by id):
//! - `<style id="attest-css">`: the stylesheet;
//! - `<script type="application/json" id="attest-report">`: the report, with
//!   every `<` written as `\u003c` so no text in it can close the element;
//! - `<script type="application/octet-stream" id="attest-viewer-wasm">`: the
//!   viewer's WebAssembly, gzip then base64 (`data-encoding="gzip+base64"`);
//! - `<script type="module" id="attest-viewer">`: the JS glue followed by
//!   [`LOADER`], which inflates the wasm with the browser's
//!   `DecompressionStream` and starts it.
//!
//! The same function runs in the CLI (`attest bundle`, `attest check
//! --html`) and in the page ("Download as HTML"), so both write the same
//! bytes for the same viewer and report.

use std::io::Write;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Starts the viewer inside the one-file HTML; appended to the JS glue in
/// the same module script (`__wbg_init` is the glue's own init function).
pub const LOADER: &str = r#"
// Attest one-file viewer: inflate the WebAssembly embedded above and start it.
{
  const b64 = document.getElementById("attest-viewer-wasm").textContent.trim();
  const gz = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const inflated = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  await __wbg_init({ module_or_path: await new Response(inflated).arrayBuffer() });
}
"#;

/// The viewer's files, ready to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The wasm-bindgen JS glue (`--target web`) of the page, without
    /// trailing white space.
    pub js: String,
    /// The page's WebAssembly, gzip-compressed then base64-encoded.
    pub wasm_gzip_base64: String,
    /// The stylesheet, without trailing white space.
    pub css: String,
}

impl Viewer {
    /// The viewer from its built files (`app.js`, `app_bg.wasm`, `main.css`
    /// as Trunk writes them). Compression is deterministic (no timestamp,
    /// best level), so equal inputs give equal files everywhere.
    pub fn from_files(js: String, wasm: &[u8], css: String) -> Result<Self> {
        if !wasm.starts_with(b"\0asm") {
            return Err(Error::Bundle(
                "the viewer's .wasm file is not WebAssembly".into(),
            ));
        }
        let mut gz = flate2::GzBuilder::new()
            .mtime(0)
            .write(Vec::new(), flate2::Compression::best());
        gz.write_all(wasm)
            .and_then(|()| gz.try_finish())
            .map_err(|e| Error::Bundle(format!("cannot compress the viewer: {e}")))?;
        let gz = gz
            .finish()
            .map_err(|e| Error::Bundle(format!("cannot compress the viewer: {e}")))?;
        Ok(Viewer {
            js: js.trim_end().to_string(),
            wasm_gzip_base64: base64::engine::general_purpose::STANDARD.encode(gz),
            css: css.trim_end().to_string(),
        })
    }

    /// The viewer from its built files with the WebAssembly already
    /// gzip-compressed (`app_bg.wasm.gz`, written beside `app_bg.wasm` by the
    /// build): the page makes its one-file HTML from these bytes, as the CLI
    /// does, so both write the same file, and the page carries no
    /// compressor of its own.
    pub fn from_gzip(js: String, wasm_gz: &[u8], css: String) -> Result<Self> {
        // gzip magic, deflate method
        if !wasm_gz.starts_with(&[0x1f, 0x8b, 8]) {
            return Err(Error::Bundle(
                "the viewer's .wasm.gz file is not gzip".into(),
            ));
        }
        Ok(Viewer {
            js: js.trim_end().to_string(),
            wasm_gzip_base64: base64::engine::general_purpose::STANDARD.encode(wasm_gz),
            css: css.trim_end().to_string(),
        })
    }

    fn check(&self) -> Result<()> {
        if !self.js.contains("__wbg_init") {
            return Err(Error::Bundle(
                "the viewer's JS is not wasm-bindgen glue (no __wbg_init)".into(),
            ));
        }
        for (what, text, closing) in [
            ("JS", self.js.as_str(), "</script"),
            ("JS", self.js.as_str(), "<!--"),
            ("CSS", self.css.as_str(), "</style"),
        ] {
            if text.to_ascii_lowercase().contains(closing) {
                return Err(Error::Bundle(format!(
                    "the viewer's {what} contains {closing:?} and cannot be inlined"
                )));
            }
        }
        if !self
            .wasm_gzip_base64
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        {
            return Err(Error::Bundle("the embedded wasm is not base64".into()));
        }
        Ok(())
    }

    /// The module script: the glue, then the loader.
    pub fn module_script(&self) -> String {
        format!("{}\n{LOADER}", self.js)
    }
}

/// The CSP `'sha256-…'` source of an inline script's exact text.
pub fn csp_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The Content-Security-Policy of a one-file report: only the viewer's
/// script (by hash) runs; nothing is fetched.
pub fn csp(module_script: &str) -> String {
    format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src 'unsafe-inline'; \
         img-src data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(module_script)
    )
}

/// Text for a `<script type="application/json">` element: `<` becomes
/// `\u003c`, which JSON reads back as `<` (it occurs only inside strings).
pub fn json_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// The JSON text [`json_for_script`] was given, from the element's text:
/// each `\u003c` escape that it wrote becomes `<` again, byte for byte
/// (a `\\u003c` — an escaped backslash before `u003c` — is left alone).
pub fn json_from_script(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix("u003c") {
            out.push('<');
            rest = tail;
        } else {
            // Any other escape: the backslash and the character it escapes.
            let next = after.chars().next().map_or(0, char::len_utf8);
            out.push('\\');
            out.push_str(&after[..next]);
            rest = &after[next..];
        }
    }
    out.push_str(rest);
    out
}

/// Escape text for HTML and XML content and attributes (control
/// characters XML cannot hold are dropped).
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

/// The title of a report's one-file HTML: the model's name and version when
/// the model card has them, and the verdict.
pub fn title(report: &crate::Report) -> String {
    let card = report.model_card();
    let model = [card.name, card.version]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let verdict = report.summary.status.as_str().to_ascii_uppercase();
    if model.is_empty() {
        format!("Attest report — {verdict}")
    } else {
        format!("Attest report: {model} — {verdict}")
    }
}

/// One HTML file holding `viewer` and the report `report_json` (its exact
/// text: signatures stay verifiable). The report must parse as an Attest
/// report.
pub fn one_file_html(viewer: &Viewer, report_json: &str) -> Result<String> {
    viewer.check()?;
    let report = crate::report::parse(report_json)?;
    let script = viewer.module_script();
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"generator\" content=\"attest {version}\">\n\
         <title>{title}</title>\n\
         <style id=\"attest-css\">\n{css}\n</style>\n\
         <script type=\"application/json\" id=\"attest-report\">{report}</script>\n\
         <script type=\"application/octet-stream\" id=\"attest-viewer-wasm\" data-encoding=\"gzip+base64\">{wasm}</script>\n\
         </head>\n<body>\n<script type=\"module\" id=\"attest-viewer\">{script}</script>\n</body>\n</html>\n",
        csp = csp(&script),
        version = crate::VERSION,
        title = escape_markup(&title(&report)),
        css = viewer.css,
        report = json_for_script(report_json),
        wasm = viewer.wasm_gzip_base64,
    ))
}

/// What [`one_file_html`] embedded, read back (tests, and the page's own
/// "Download as HTML" from inside a one-file report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    pub viewer: Viewer,
    pub report_json: String,
}

/// Read the parts of a one-file HTML written by [`one_file_html`].
pub fn parts(html: &str) -> Result<Parts> {
    let between = |open: &str, close: &str| -> Result<String> {
        let start = html
            .find(open)
            .ok_or_else(|| Error::Bundle(format!("no {open}")))?
            + open.len();
        let len = html[start..]
            .find(close)
            .ok_or_else(|| Error::Bundle(format!("no {close} after {open}")))?;
        Ok(html[start..start + len].to_string())
    };
    let css = between("<style id=\"attest-css\">\n", "\n</style>")?;
    let report = between(
        "<script type=\"application/json\" id=\"attest-report\">",
        "</script>",
    )?;
    let wasm = between(
        "id=\"attest-viewer-wasm\" data-encoding=\"gzip+base64\">",
        "</script>",
    )?;
    let script = between("<script type=\"module\" id=\"attest-viewer\">", "</script>")?;
    let js = script
        .strip_suffix(&format!("\n{LOADER}"))
        .ok_or_else(|| Error::Bundle("the viewer script does not end with the loader".into()))?
        .to_string();
    Ok(Parts {
        viewer: Viewer {
            js,
            wasm_gzip_base64: wasm,
            css,
        },
        report_json: json_from_script(&report),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_round_trips_byte_for_byte() {
        let json = r#"{"segment":{"value":"<= q05"},"text":"a \\u003c b \" \\ <\/script>"}"#;
        let script = json_for_script(json);
        assert!(!script.contains('<'));
        assert_eq!(json_from_script(&script), json);
        assert_eq!(json_from_script("plain"), "plain");
    }

    const WASM: &[u8] = b"\0asm\x01\0\0\0 pretend module";
    const JS: &str =
        "async function __wbg_init(m) { return m; }\nexport { __wbg_init as default };\n";

    fn report_json(title_text: &str) -> String {
        let mut report = crate::test_support::small_report();
        report.config["model"]["name"] = title_text.into();
        report.to_json()
    }

    fn viewer() -> Viewer {
        Viewer::from_files(JS.into(), WASM, "body { color: red; }\n".into()).expect("viewer")
    }

    #[test]
    fn round_trips_every_part() {
        let json = report_json("credit </script><script>alert(1)</script> model");
        let html = one_file_html(&viewer(), &json).expect("html");
        // Nothing in the report can close its element.
        assert_eq!(html.matches("</script>").count(), 3);
        let parts = parts(&html).expect("parts");
        assert_eq!(parts.report_json, json);
        assert_eq!(parts.viewer, viewer());
        // The title is escaped text.
        assert!(html.contains("<title>Attest report: credit &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; model — PASS</title>"));
        // The same inputs give the same bytes.
        assert_eq!(html, one_file_html(&viewer(), &json).expect("again"));
    }

    #[test]
    fn the_wasm_inflates_back() {
        use base64::Engine;
        use std::io::Read;
        let v = viewer();
        let gz = base64::engine::general_purpose::STANDARD
            .decode(&v.wasm_gzip_base64)
            .expect("base64");
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut out)
            .expect("gunzip");
        assert_eq!(out, WASM);
    }

    #[test]
    fn csp_allows_exactly_the_viewer_script() {
        let html = one_file_html(&viewer(), &report_json("m")).expect("html");
        let script = viewer().module_script();
        let expected = format!("script-src {} 'wasm-unsafe-eval'", csp_hash(&script));
        assert!(html.contains(&expected), "{expected} not in the CSP");
        assert!(html.contains("default-src 'none'"));
        // sha256 of "" in CSP form, a known value.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
        // One executable script only: the others are data blocks.
        assert_eq!(html.matches("<script type=\"module\"").count(), 1);
        assert_eq!(html.matches("<script").count(), 3);
    }

    #[test]
    fn refuses_what_cannot_be_inlined() {
        let json = report_json("m");
        let bad_js = Viewer {
            js: format!("{JS}\nconst s = '</script>';"),
            ..viewer()
        };
        assert!(one_file_html(&bad_js, &json)
            .expect_err("js")
            .to_string()
            .contains("</script"));
        let not_glue = Viewer {
            js: "console.log(1)".into(),
            ..viewer()
        };
        assert!(one_file_html(&not_glue, &json).is_err());
        assert!(Viewer::from_gzip(JS.into(), b"\0asm", String::new()).is_err());
        // already-compressed bytes are embedded as they are
        let v = viewer();
        let gz = base64::engine::general_purpose::STANDARD
            .decode(&v.wasm_gzip_base64)
            .expect("base64");
        assert_eq!(
            Viewer::from_gzip(JS.into(), &gz, v.css.clone()).expect("gzip"),
            v
        );
        assert!(Viewer::from_files(JS.into(), b"not wasm", String::new()).is_err());
        let err = one_file_html(&viewer(), "{\"format\": \"something else\"}").expect_err("report");
        assert!(err.to_string().contains("report"), "{err}");
    }
}
