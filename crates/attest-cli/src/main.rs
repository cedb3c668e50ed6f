//! The `attest` binary: the allocator, then [`attest_cli::run_cli`].

use std::process::ExitCode;

// Columns are decoded into large short-lived buffers; mimalloc keeps them
// mapped between columns instead of faulting fresh pages in every time.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keep the memory the run frees mapped for reuse for 3 s, instead of
/// returning it to the system after mimalloc's default second and faulting
/// it in again, zeroed, for the next column: the page zeroing was the
/// largest single cost in a profile of W1 (23% of cycles) and this saves
/// about 0.3 s of its 2 s (BENCHMARKS.md "Speed and memory"). Never
/// returning it (−1) is as fast on W1 but raised W3's peak by a fifth.
#[cfg(feature = "mimalloc")]
#[allow(unsafe_code)]
fn keep_freed_memory() {
    // mimalloc v3's `mi_option_purge_delay` (its mimalloc.h: the 16th
    // option; the Rust binding names no constant for it), in milliseconds.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // One set in the environment (mimalloc reads MIMALLOC_PURGE_DELAY when
    // it starts) is left as it is, for measuring other delays.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one option in mimalloc's table, which its allocation
        // paths read atomically; called before any other thread starts.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 3_000) };
    }
}

/// The system's allocator has no such option.
#[cfg(not(feature = "mimalloc"))]
fn keep_freed_memory() {}

fn main() -> ExitCode {
    keep_freed_memory();
    ExitCode::from(attest_cli::run_cli(std::env::args_os()))
}
