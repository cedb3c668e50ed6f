#!/usr/bin/env bash
# Fuzz the Parquet reader, the CSV reader, the report parser and a whole run
# (cargo-fuzz on the nightly toolchain), each for a bounded time.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET ...]
# Seeds: the test data (tests/data), fuzz/seeds and the committed crash
# inputs (fuzz/regressions); the corpus grows in target/fuzz-corpus (not in
# git). A crash stops the script with the input's path: minimize it
# (`cargo +nightly fuzz tmin <target> <input>`), commit it under
# fuzz/regressions/<target>/ (crates/attest-check/tests/fuzz_regressions.rs
# replays those on stable) and fix the bug.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(parquet csv report run onnx)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: skipped — no nightly toolchain (rustup toolchain install nightly)"
    exit 0
fi
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

corpus=target/fuzz-corpus
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
for t in "${TARGETS[@]}"; do
    echo "fuzz: $t for ${SECONDS_PER_TARGET} s"
    mkdir -p "fuzz/regressions/$t"
    # -rss_limit_mb: the targets' decode limits (fuzzing::LIMITS) keep a
    # well-behaved run far below it; -timeout: one input taking this long is
    # a hang.
    log=target/fuzz-$t.log
    if ! cargo +nightly fuzz run --fuzz-dir fuzz "$t" "$corpus/$t" "fuzz/regressions/$t" -- \
        -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=20 \
        -max_len=262144 -print_final_stats=1 > "$log" 2>&1; then
        tail -60 "$log" >&2
        echo "fuzz: $t failed; the input is in fuzz/artifacts/$t/ (log: $log)" >&2
        exit 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)' "$log" || true
done
echo "fuzz: no crash in ${#TARGETS[@]} targets"
