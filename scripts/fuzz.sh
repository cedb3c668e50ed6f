#!/usr/bin/env bash
# Fuzz the Parquet reader, the CSV reader, the report parser, a whole run
# and the ONNX reader (cargo-fuzz on the nightly toolchain). Two modes:
#
#   bash scripts/fuzz.sh --runs N [TARGET ...]
#       Deterministic (what the test command runs): each target replays its
#       seeds and the committed regression inputs, then makes exactly N
#       inputs from a fixed seed (-seed=1) in a corpus made anew for the
#       run. No time limit and no corpus carried over: the same commit
#       makes the same mutations (coverage, and so the corpus kept, can
#       differ a little between processes: std's HashMap seeds its hasher
#       per process), and memory stays near 250 MB (it reached libFuzzer's
#       2 GB limit with ASan's default quarantine).
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
#       Open-ended exploring, on its own (not part of the tests): a random
#       seed, a bounded time per target, the corpus kept and grown in
#       target/fuzz-corpus (not in git).
#
# Seeds: the test data (tests/data), fuzz/seeds and the committed crash
# inputs (fuzz/regressions). A crash stops the script with the input's
# path: minimize it (`cargo +nightly fuzz tmin <target> <input>`), commit it
# under fuzz/regressions/<target>/ (crates/attest-check/tests/
# fuzz_regressions.rs replays those on stable, and --runs replays them
# first) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=
if [ "${1:-}" = "--runs" ]; then
    RUNS=${2:?--runs needs a number}
    shift 2
else
    SECONDS_PER_TARGET=${1:-60}
    shift || true
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(parquet csv report run onnx)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: skipped — no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

if [ -n "$RUNS" ]; then
    corpus=target/fuzz-replay
    rm -rf "$corpus"
else
    corpus=target/fuzz-corpus
fi
seed() { # seed TARGET FILE...
    local target=$1
    shift
    mkdir -p "$corpus/$target"
    for f in "$@"; do
        cp "$f" "$corpus/$target/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}
shopt -s nullglob globstar
seed parquet tests/data/**/*.parquet
seed csv tests/data/**/*.csv fuzz/seeds/csv/*
seed report fuzz/seeds/report/*
seed onnx tests/data/models/*.onnx
# run: a 4-byte little-endian length of the reference, then the two files
mkdir -p "$corpus/run"
pair() {
    local n
    n=$(wc -c < "$1")
    printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) $(((n >> 24) & 255)))" > "$3"
    cat "$1" "$2" >> "$3"
}
pair tests/data/codecs/none.parquet tests/data/codecs/zstd.parquet "$corpus/run/seed-parquet-pair"
pair tests/data/codecs/table.csv tests/data/codecs/snappy.parquet "$corpus/run/seed-csv-parquet"
pair fuzz/seeds/csv/quoted.csv fuzz/seeds/csv/one_column.csv "$corpus/run/seed-csv-pair"
pair tests/data/lists/pyarrow_default.parquet tests/data/lists/duckdb_default.parquet "$corpus/run/seed-lists"

cargo +nightly fuzz build --fuzz-dir fuzz
# AddressSanitizer keeps freed memory in a quarantine (256 MB by default)
# and its allocator keeps freed chunks mapped: over thousands of inputs the
# process's RSS grew to libFuzzer's 2 GB limit while the live heap was
# 32 MB. A smaller quarantine and released memory keep RSS a measure of
# what the inputs hold (tests/repeated_runs.rs shows a run gives back every
# byte it takes).
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:allocator_release_to_os_interval_ms=500}
for t in "${TARGETS[@]}"; do
    mkdir -p "fuzz/regressions/$t" "$corpus/$t"
    if [ -n "$RUNS" ]; then
        echo "fuzz: $t, $RUNS inputs from seed 1"
        budget=(-seed=1 -runs="$RUNS")
    else
        echo "fuzz: $t for ${SECONDS_PER_TARGET} s"
        budget=(-max_total_time="$SECONDS_PER_TARGET")
    fi
    # -rss_limit_mb: the targets' decode limits (fuzzing::LIMITS) keep a
    # well-behaved run far below it; -malloc_limit_mb: one allocation past
    # it is a runaway (the decode limits allow 64 MiB a column);
    # -timeout: one input taking this long is a hang.
    log=target/fuzz-$t.log
    if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$corpus/$t" "fuzz/regressions/$t" -- \
        "${budget[@]}" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 \
        -max_len=262144 -print_final_stats=1 > "$log" 2>&1; then
        tail -60 "$log" >&2
        echo "fuzz: $t failed; the input is in fuzz/artifacts/$t/ (log: $log)" >&2
        exit 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)' "$log" || true
done
echo "fuzz: no crash in ${#TARGETS[@]} targets"
