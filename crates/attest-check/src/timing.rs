//! Where a run's time goes, for profiling (`attest check --timings`).
//!
//! Off by default: then [`time`] is one relaxed atomic load around the work.
//! When [`enable`]d, each named span adds its duration and a count to a
//! process-wide table that [`table`] returns. Spans run on several threads
//! at once, so the sums are CPU-ish time, not wall time (the spans named
//! `run: …` are the phases on the critical path, measured once). wasm32 has
//! no clock of its own: there the spans are recorded only once the host
//! gives one ([`set_clock`]; the web app's worker gives `performance.now`).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

static ON: AtomicBool = AtomicBool::new(false);
static CLOCK: OnceLock<fn() -> f64> = OnceLock::new();

/// Measure spans with this clock (milliseconds from any fixed start)
/// instead of the system's: for wasm32, which has none.
pub fn set_clock(now_ms: fn() -> f64) {
    let _ = CLOCK.set(now_ms);
}
type Key = (&'static str, &'static str);
static TABLE: Mutex<BTreeMap<Key, (f64, u64)>> = Mutex::new(BTreeMap::new());

/// Start recording spans (for the rest of the process).
pub fn enable() {
    ON.store(true, Ordering::Relaxed);
}

/// Run `f`, adding its duration to the span (`group`, `name`) when
/// recording.
pub fn time<R>(group: &'static str, name: &'static str, f: impl FnOnce() -> R) -> R {
    if let (true, Some(now)) = (ON.load(Ordering::Relaxed), CLOCK.get()) {
        let start = now();
        let r = f();
        add((group, name), (now() - start) / 1000.0);
        return r;
    }
    #[cfg(not(target_arch = "wasm32"))]
    if ON.load(Ordering::Relaxed) {
        let start = std::time::Instant::now();
        let r = f();
        add((group, name), start.elapsed().as_secs_f64());
        return r;
    }
    let _ = (group, name);
    f()
}

fn add(key: Key, seconds: f64) {
    if let Ok(mut t) = TABLE.lock() {
        let e = t.entry(key).or_default();
        e.0 += seconds;
        e.1 += 1;
    }
}

/// The spans recorded so far, and a fresh table from now on.
pub fn take_table() -> Vec<(&'static str, &'static str, f64, u64)> {
    let t = table();
    if let Ok(mut t) = TABLE.lock() {
        t.clear();
    }
    t
}

/// The spans recorded so far: (group, name, total seconds, count), by
/// group and name.
pub fn table() -> Vec<(&'static str, &'static str, f64, u64)> {
    TABLE
        .lock()
        .map(|t| t.iter().map(|(k, (s, n))| (k.0, k.1, *s, *n)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_add_up_only_when_enabled() {
        assert_eq!(time("test", "before", || 7), 7);
        assert!(!table()
            .iter()
            .any(|(g, n, ..)| (*g, *n) == ("test", "before")));
        enable();
        for _ in 0..3 {
            time("test", "span", || {
                std::thread::sleep(std::time::Duration::from_millis(1))
            });
        }
        let (.., seconds, count) = table()
            .into_iter()
            .find(|(g, n, ..)| (*g, *n) == ("test", "span"))
            .expect("recorded");
        assert_eq!(count, 3);
        assert!(seconds >= 0.003, "{seconds}");
    }
}
