#!/usr/bin/env bash
# Benchmark `attest check` on the 1M-row pair from ../shared/bench/make_big.py.
#   bash scripts/bench.sh [RUNS] [--full]
# Prints wall time and peak memory (from /usr/bin/time -v) of each run and
# the median; the data is written once to bench-data/ (ignored by git).
# --full also runs, interleaved with the plain run, the `--full` data
# (bench-full/: train, reference and current with timestamps, a challenger
# and attributions) twice: its reference and current alone with the default
# configuration ("--full-pair"), and every check of the validation suite
# (train given, monthly chunks, the challenger, the attributions, the
# training/serving skew join on the id: "--full").
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=5
FULL=
for a in "$@"; do
    case "$a" in
        --full) FULL=1 ;;
        *) RUNS=$a ;;
    esac
done
if [ ! -f bench-data/current.parquet ]; then
    python3 -c "import numpy, pyarrow" 2>/dev/null || python3 -m pip install --quiet numpy pyarrow
    python3 ../shared/bench/make_big.py bench-data 1000000
fi
if [ -n "$FULL" ] && [ ! -f bench-full/train.parquet ]; then
    python3 -c "import numpy, pyarrow" 2>/dev/null || python3 -m pip install --quiet numpy pyarrow
    python3 ../shared/bench/make_big.py bench-full 1000000 --full
fi
if [ -n "$FULL" ]; then
    printf '[roles]\nchallenger_score = "challenger_score"\nchallenger_prediction = "challenger_prediction"\n[backtest]\nchunk = "month"\n[skew]\njoin = true\n' \
        > bench-full/attest.toml
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked -p attest-cli
ls -l bench-data/*.parquet
run() {
    local data=bench-data
    if [ "${1:-}" = "--full" ]; then
        shift
        data=bench-full
        set -- --train bench-full/train.parquet --config bench-full/attest.toml "$@"
    elif [ "${1:-}" = "--full-pair" ]; then
        shift
        data=bench-full
    fi
    /usr/bin/time -v ./target/release/attest check \
        --reference $data/reference.parquet --current $data/current.parquet "$@" \
        --json /tmp/attest-bench.json >/dev/null 2>/tmp/attest-bench.time || true
    wall=$(grep "Elapsed (wall clock)" /tmp/attest-bench.time | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" /tmp/attest-bench.time | awk '{print $NF}')
    cpu=$(grep "Percent of CPU" /tmp/attest-bench.time | awk '{print $NF}')
    echo "$wall $((rss / 1024)) $cpu"
}
sets=("" "--segment segment")
[ -n "$FULL" ] && sets=("" "--full-pair" "--full")
# Interleaved (plain, other, plain, other, …) so that both see the same
# machine: this kind is shared and noisy.
for k in "${!sets[@]}"; do : > "/tmp/attest-bench.$k.runs"; done
printf '%-6s %-34s %-10s %-10s %s\n' run args wall peak_MB cpu
for i in $(seq "$RUNS"); do
    for k in "${!sets[@]}"; do
        args=${sets[$k]}
        # shellcheck disable=SC2086
        r=$(run $args)
        echo "$r" >> "/tmp/attest-bench.$k.runs"
        printf '%-6s %-34s %-10s %-10s %s\n' "$i" "${args:-(auto-detected roles)}" $r
    done
done
for k in "${!sets[@]}"; do
    printf 'median of %s: ' "${sets[$k]:-(auto-detected roles)}"
    sort -t: -k2 -n "/tmp/attest-bench.$k.runs" | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print "wall", $1, "peak MB", $2}'
done
