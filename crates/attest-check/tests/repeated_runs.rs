//! Does memory accumulate across runs in one process? The Python package
//! and the fuzzers call a run many times in one process, so every run must
//! give back what it took. A counting global allocator (this test binary's
//! only) measures the bytes still allocated after each whole run: once the
//! first runs have warmed whatever is made once per process (the timing
//! clock, a thread pool), the live bytes after run k must equal those after
//! the warm-up, run after run.

// A global allocator is unsafe to implement: this test binary's counting
// allocator is the one other exception to the workspace's `unsafe_code`.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

use attest_check::fuzzing;
use attest_check::read::{Dataset, Datasets};
use attest_check::run::{run, NoProgress, RunOptions};
use attest_check::source::MemorySource;
use attest_check::Config;

/// The system allocator, counting the bytes it has handed out and not yet
/// taken back.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to `System` with the caller's layout;
// the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as given.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::SeqCst)
}

/// A deterministic CSV of `n` rows with every common role: id, timestamp,
/// a numeric and a categorical feature, score, prediction and label.
fn table(n: usize, shift: f64, seed: u64) -> String {
    let mut s = seed;
    let mut next = || {
        // SplitMix64
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut out = String::from("id,timestamp,x,c,score,prediction,label\n");
    for i in 0..n {
        let x = next() * 10.0 + shift;
        let c = ["a", "b", "c", "d"][(next() * 4.0) as usize % 4];
        let score = (x / 12.0).clamp(0.0, 1.0);
        let label = u8::from(next() < score);
        let day = 1 + i % 28;
        let _ = writeln!(
            out,
            "{i},2024-01-{day:02},{x:.4},{c},{score:.4},{},{label}",
            u8::from(score >= 0.5)
        );
    }
    out
}

fn csv(label: &str, text: &str) -> Dataset {
    Dataset::open(
        label,
        Arc::new(MemorySource::new(
            format!("{label}.csv"),
            text.as_bytes().to_vec(),
        )),
    )
    .expect("valid csv")
}

/// The live bytes settle within the first runs (a few lazily made
/// statics: 96 bytes here) and then stay exactly the same, run after run;
/// a leak of even one allocation a run would show as a staircase.
fn assert_flat(base: isize, after: &[isize]) {
    let settled = after[0];
    assert!(
        (settled - base).abs() < 64 << 10,
        "live bytes after the warm-up {base}, then {after:?}"
    );
    assert!(
        after.iter().all(|b| *b == settled),
        "live bytes after the warm-up {base}, then {after:?}"
    );
}

/// Runs `once` `warm + runs` times; returns the live bytes after the warm-up
/// and after each later run.
fn live_after_each(warm: usize, runs: usize, mut once: impl FnMut()) -> (isize, Vec<isize>) {
    for _ in 0..warm {
        once();
    }
    let base = live();
    let after = (0..runs)
        .map(|_| {
            once();
            live()
        })
        .collect();
    (base, after)
}

/// One test function, so that no other test of this binary allocates while
/// it counts.
#[test]
fn runs_give_back_what_they_took() {
    a_whole_run_gives_back_what_it_took();
    the_fuzz_run_target_gives_back_what_it_took();
}

fn a_whole_run_gives_back_what_it_took() {
    let (train, reference, current) = (
        table(1500, 0.0, 1),
        table(1200, 0.0, 2),
        table(1300, 1.0, 3),
    );
    let config = Config::default();
    let (base, after) = live_after_each(3, 12, || {
        let (t, r, c) = (
            csv("train", &train),
            csv("reference", &reference),
            csv("current", &current),
        );
        let report = run(
            Datasets::new(&r, &c).with_train(Some(&t)),
            &config,
            &RunOptions::default(),
            &NoProgress,
        )
        .expect("run succeeds");
        assert!(!report.to_json().is_empty());
    });
    assert_flat(base, &after);
}

fn the_fuzz_run_target_gives_back_what_it_took() {
    // The same pair the fuzz script seeds its `run` target with.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/codecs");
    let read = |f: &str| std::fs::read(root.join(f)).expect("test data");
    let input = fuzzing::run_input(&read("none.parquet"), &read("zstd.parquet"));
    let csv_input = fuzzing::run_input(&read("table.csv"), &read("snappy.parquet"));
    let (base, after) = live_after_each(3, 20, || {
        fuzzing::run(&input);
        fuzzing::run(&csv_input);
    });
    assert_flat(base, &after);
}
