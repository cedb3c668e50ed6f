#!/usr/bin/env bash
# Run every test of the workspace. Installs what it needs and skips what is
# already there, so it works on a fresh machine and is quick on a warm one.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
passed=0
failed=0
# Add the counts of cargo's "test result:" lines in a log to the totals.
count_cargo() {
    passed=$((passed + $(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')))
    failed=$((failed + $(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s += $1} END {print s + 0}')))
}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

step "tools"
# One build per profile, never rebuilt in place: incremental caches would
# only take disk (several GB on a fresh clone).
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
df -h . | tail -1 | awk '{print "disk: " $4 " free"}'
source scripts/tools.sh
command -v chromium >/dev/null || apt_install chromium
command -v chromedriver >/dev/null || apt_install chromium-driver
export CHROMEDRIVER=${CHROMEDRIVER:-$(command -v chromedriver)}
if [ ! -f ../shared/conformance/expected.json ] && [ -z "${ATTEST_CONFORMANCE_DIR:-}" ]; then
    echo "error: ../shared/conformance/expected.json not found (set ATTEST_CONFORMANCE_DIR)" >&2
    exit 1
fi

step "format"
cargo fmt --all --check

step "lint (native, and the web app for wasm32)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p attest-app --all-targets -- -D warnings

step "tests (native: unit, conformance through the library and the CLI, malformed inputs)"
cargo test --workspace --locked 2>&1 | tee "$log"
count_cargo "$log"

step "wasm32 tests: Node.js (conformance, codecs) and headless Chromium (the worker)"
# The worker tests run the debug-built library in Chromium: on a fresh
# machine they take about 30 s, more under load, and wasm-bindgen-test's
# default timeout (20 s a test file) cut them short. Five minutes is
# generous but finite: a real hang still fails the run.
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-300}
cargo test --locked --target wasm32-unknown-unknown -p attest-app 2>&1 | tee "$log"
count_cargo "$log"

step "web app: trunk build --release, end-to-end tests in Chromium"
trunk build --release
# The release CLI carries the viewer just built (attest bundle, check --html).
ATTEST_VIEWER_DIR="$PWD/dist" cargo build --release --locked -p attest-cli
(cd tests/e2e && npm ci --silent --no-audit --no-fund && npm test) 2>&1 | tee "$log"
passed=$((passed + $(awk '/^# pass / {print $3}' "$log" | tail -1)))
failed=$((failed + $(awk '/^# fail / {print $3}' "$log" | tail -1)))

step "python: the attest-ml wheel (maturin, with the viewer just built), pytest, the wheel in a fresh venv"
# The package's own venv (target/py-venv, kept between runs) with the test
# dependencies; the release wheel carries the viewer of dist/ like the CLI.
PY_VENV=${ATTEST_PY_VENV:-$PWD/target/py-venv}
[ -x "$PY_VENV/bin/python" ] || python3 -m venv "$PY_VENV"
"$PY_VENV/bin/pip" install --quiet --disable-pip-version-check "maturin>=1.16,<2" pytest pyarrow "pandas>=2.2" \
    polars duckdb numpy scikit-learn lightgbm xgboost-cpu onnx "onnxruntime==$ORT_VERSION" nbclient nbformat ipykernel pyyaml "mlflow>=3"
(cd python && cargo fmt --check && cargo clippy --all-targets --locked -- -D warnings)
rm -rf target/wheels
ATTEST_VIEWER_DIR="$PWD/dist" "$PY_VENV/bin/maturin" build --release --locked -m python/Cargo.toml -o target/wheels
ATTEST_WHEEL=$(ls "$PWD"/target/wheels/attest_ml-*.whl)
export ATTEST_WHEEL
"$PY_VENV/bin/pip" install --quiet --force-reinstall --no-deps "$ATTEST_WHEEL"
# -P: the installed wheel, not the source folder python/attest (which has
# no compiled extension), is what `import attest` must find.
(cd python && "$PY_VENV/bin/python" -P -m pytest -q -p no:cacheprovider tests) 2>&1 | tee "$log" || true
# (grep finds nothing in a clean run: `|| true`, or pipefail would stop here.)
passed=$((passed + $( (grep -Eo '[0-9]+ passed' "$log" || true) | awk '{n = $1} END {print n + 0}')))
failed=$((failed + $( (grep -Eo '[0-9]+ (failed|error)' "$log" || true) | awk '{s += $1} END {print s + 0}')))
grep -Eq '[0-9]+ passed' "$log" || failed=$((failed + 1))

step "fuzz: the Parquet reader, the CSV reader, the report parser, a whole run and the ONNX reader (cargo-fuzz, nightly)"
# Deterministic: each target replays its seeds and the committed regression
# inputs, then a fixed number of inputs from a fixed seed
# (ATTEST_FUZZ_RUNS, default 20000: about a minute for `run`, 16 s for
# `parquet`, peak RSS ~240 MB). The inputs are the same from run to run
# except where coverage itself varies (std's HashMap seeds its hasher per
# process), so a commit passes or fails here the same way in practice. Open-ended fuzzing is its own command
# (`bash scripts/fuzz.sh SECONDS`); its finds become regression inputs,
# which crates/attest-check/tests/fuzz_regressions.rs also replays on
# stable. Skipped with a message where the nightly toolchain is absent.
if bash scripts/fuzz.sh --runs "${ATTEST_FUZZ_RUNS:-20000}" 2>&1 | tee "$log"; then
    passed=$((passed + $(grep -c '^Done [0-9]* runs' "$log" || true)))
else
    failed=$((failed + 1))
fi

step "done"
du -sh target fuzz/target 2>/dev/null | awk '{print "build output: " $1 " in " $2}'
echo "tests: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
