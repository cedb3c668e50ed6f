//! The Web Worker binary: reads files by ranges and runs the checks.

fn main() {
    #[cfg(target_arch = "wasm32")]
    attest_app::worker_entry::start();
}
