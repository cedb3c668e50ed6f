#!/usr/bin/env bash
# Benchmark `attest check` on the 1M-row pair from ../shared/bench/make_big.py.
#   bash scripts/bench.sh [RUNS]
# Prints wall time and peak memory (from /usr/bin/time -v) of each run and
# the median; the data is written once to bench-data/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
if [ ! -f bench-data/current.parquet ]; then
    python3 -c "import numpy, pyarrow" 2>/dev/null || python3 -m pip install --quiet numpy pyarrow
    python3 ../shared/bench/make_big.py bench-data 1000000
fi
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --locked -p attest-cli
ls -l bench-data/*.parquet
run() {
    /usr/bin/time -v ./target/release/attest check \
        --reference bench-data/reference.parquet --current bench-data/current.parquet "$@" \
        --json /tmp/attest-bench.json >/dev/null 2>/tmp/attest-bench.time || true
    wall=$(grep "Elapsed (wall clock)" /tmp/attest-bench.time | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" /tmp/attest-bench.time | awk '{print $NF}')
    cpu=$(grep "Percent of CPU" /tmp/attest-bench.time | awk '{print $NF}')
    echo "$wall $((rss / 1024)) $cpu"
}
for args in "" "--segment segment"; do
    echo
    echo "attest check ${args:-(auto-detected roles)}"
    printf '%-6s %-10s %-10s %s\n' run wall peak_MB cpu
    : > /tmp/attest-bench.runs
    for i in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        r=$(run $args)
        echo "$r" >> /tmp/attest-bench.runs
        printf '%-6s %-10s %-10s %s\n' "$i" $r
    done
    sort -t: -k2 -n /tmp/attest-bench.runs | awk -v n="$RUNS" 'NR == int((n + 1) / 2) {print "median wall", $1, "peak MB", $2}'
done
