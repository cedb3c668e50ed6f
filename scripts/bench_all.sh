#!/usr/bin/env bash
# The benchmark table of issue 13 (BENCHMARKS.md "Speed and memory"), measured
# side by side in one run on this machine:
#   bash scripts/bench_all.sh [RUNS] [--w3] [--no-page] [--no-evidently]
# - W1: `make_big.py bench-data 1000000`, `attest check --prediction prediction
#   --score score --label label --segment segment`;
# - W1 --full: `make_big.py bench-full 1000000 --full`, every check of the
#   validation suite (scripts/bench.sh --full's configuration);
# - W3 (with --w3): `make_big.py bench-w3 10000000` (1.7 GB per file), W1's flags;
# - the page: tests/e2e/bench.mjs on each (needs `trunk build --release` in
#   dist/; skipped without it or with --no-page);
# - Evidently 0.7.23, DataDriftPreset + ClassificationPreset on W1's files
#   (scripts/bench_evidently.py, in its own venv bench-venv/; once, it takes
#   minutes), so that the ratio is measured in the same run.
# Each Attest figure is the median wall time of RUNS runs (default 3) with
# the largest peak memory (CLI: peak RSS from /usr/bin/time; page: the
# workers' wasm memory, which never shrinks, plus the page's JS heap).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3
W3=
PAGE=1
EVIDENTLY=1
for a in "$@"; do
    case "$a" in
        --w3) W3=1 ;;
        --no-page) PAGE= ;;
        --no-evidently) EVIDENTLY= ;;
        *) RUNS=$a ;;
    esac
done
python3 -c "import numpy, pyarrow" 2>/dev/null || python3 -m pip install --quiet numpy pyarrow
[ -f bench-data/current.parquet ] || python3 ../shared/bench/make_big.py bench-data 1000000
[ -f bench-full/train.parquet ] || python3 ../shared/bench/make_big.py bench-full 1000000 --full
printf '[roles]\nchallenger_score = "challenger_score"\nchallenger_prediction = "challenger_prediction"\n[backtest]\nchunk = "month"\n[skew]\njoin = true\n' \
    > bench-full/attest.toml
[ -z "$W3" ] || [ -f bench-w3/current.parquet ] || python3 ../shared/bench/make_big.py bench-w3 10000000
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked -p attest-cli 2>&1 | tail -1

W1_FLAGS="--prediction prediction --score score --label label --segment segment"
# One CLI run: prints "seconds peak_MB".
cli() {
    local dir=$1; shift
    /usr/bin/time -f "%e %M" ./target/release/attest check \
        --reference "$dir/reference.parquet" --current "$dir/current.parquet" "$@" \
        --json /tmp/attest-bench-all.json >/dev/null 2>/tmp/attest-bench-all.time || true
    tail -1 /tmp/attest-bench-all.time | awk '{printf "%s %d\n", $1, $2 / 1024}'
}
# Median seconds and largest memory of lines "seconds MB" on stdin.
summary() {
    sort -n | awk '{s[NR] = $1; if ($2 > m) m = $2} END {printf "%s %d\n", s[int((NR + 1) / 2)], m}'
}
declare -A RESULT
run_cli() {
    local name=$1; shift
    local lines=""
    for _ in $(seq "$RUNS"); do lines+="$(cli "$@")"$'\n'; done
    RESULT[$name]=$(printf '%s' "$lines" | summary)
    echo "cli $name: ${RESULT[$name]} (runs: $(printf '%s' "$lines" | awk '{printf "%s ", $1}'))" >&2
}
# shellcheck disable=SC2086
run_cli w1 bench-data $W1_FLAGS
run_cli w1full bench-full --train bench-full/train.parquet --config bench-full/attest.toml
# shellcheck disable=SC2086
[ -z "$W3" ] || run_cli w3 bench-w3 $W1_FLAGS

page_ok=
if [ -n "$PAGE" ] && [ -f dist/index.html ] && [ -d tests/e2e/node_modules/playwright-core ]; then
    page_ok=1
    run_page() {
        local name=$1; shift
        # bench.mjs prints "median SECONDS MEMORY_MB" last
        node tests/e2e/bench.mjs "$RUNS" "$@" > /tmp/attest-bench-page.out
        sed "s/^/page $name: /" /tmp/attest-bench-page.out >&2
        RESULT[page_$name]=$(awk '/^median/ {print $2, $3}' /tmp/attest-bench-page.out)
    }
    run_page w1 --roles
    run_page w1full --full
    [ -z "$W3" ] || run_page w3 --roles --data bench-w3
fi

evidently=
if [ -n "$EVIDENTLY" ]; then
    if [ ! -x bench-venv/bin/python ]; then
        python3 -m venv bench-venv
        bench-venv/bin/pip install --quiet "evidently==0.7.23" "pandas<3" pyarrow
    fi
    evidently=$(bench-venv/bin/python scripts/bench_evidently.py bench-data/reference.parquet bench-data/current.parquet | awk '/^evidently/ {print $2, $3}')
    echo "evidently w1: $evidently" >&2
fi

row() { # name label target
    local cli=${RESULT[$1]:-} page=${RESULT[page_$1]:-}
    local c="–" p="–" ratio="–"
    [ -n "$cli" ] && c="$(echo "$cli" | awk '{printf "%.2f s, %d MB", $1, $2}')"
    [ -n "$page" ] && p="$(echo "$page" | awk '{printf "%.2f s, %d MB", $1, $2}')"
    if [ "$1" = w1 ] && [ -n "$evidently" ] && [ -n "$cli" ]; then
        ratio="$(echo "$evidently $cli" | awk '{printf "%.2f s, %d MB → **%.0f×**", $1, $2, $1 / $3}')"
    fi
    local pc="–"
    [ -n "$cli" ] && [ -n "$page" ] && pc="$(echo "$page $cli" | awk '{printf "%.1f×", $1 / $3}')"
    local w1s
    w1s=$(echo "${RESULT[w1]}" | awk '{print $1}')
    local tw="–"
    [ "$1" = w3 ] && [ -n "$cli" ] && tw="$(echo "$cli $w1s" | awk '{printf "%.1f× W1", $1 / $3}')"
    echo "| $2 | $c | $p | $pc | $tw | $ratio |"
}
echo
echo "$(date -u +%F) on $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(nproc) cores; $RUNS runs each (median wall, largest peak memory)"
echo
echo "| workload | CLI | page | page ÷ CLI | CLI ÷ W1 | Evidently (W1) |"
echo "|---|---|---|---|---|---|"
row w1 "W1 (1M rows, \`$W1_FLAGS\`)"
row w1full "W1 --full (train, timestamps, challenger, attributions, skew join)"
[ -z "$W3" ] || row w3 "W3 (10M rows, W1's flags)"
[ -n "$page_ok" ] || echo "(page not measured: build dist/ with \`trunk build --release\` and install tests/e2e's node modules)"
