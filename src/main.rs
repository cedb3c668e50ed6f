//! The page binary: mounts the Leptos app. Logic lives in the library.

fn main() {
    #[cfg(target_arch = "wasm32")]
    attest_app::app::mount();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the Attest app runs in a browser: see README.md (scripts/serve.sh)");
}
