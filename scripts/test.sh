#!/usr/bin/env bash
# Run every test of the workspace. Installs what it needs and skips what is
# already there, so it works on a fresh machine and is quick on a warm one.
#   bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
# zstd's C code must be compiled for wasm32: that needs clang and llvm-ar.
if ! command -v clang >/dev/null; then
    apt-get update -qq && apt-get install -y -qq clang lld >/dev/null
fi
LLVM_AR=$(command -v llvm-ar-14 || command -v llvm-ar || true)
if [ -z "$LLVM_AR" ]; then
    apt-get update -qq && apt-get install -y -qq llvm >/dev/null
    LLVM_AR=$(command -v llvm-ar-14 || command -v llvm-ar)
fi
export CC_wasm32_unknown_unknown=clang AR_wasm32_unknown_unknown="$LLVM_AR"

# wasm-bindgen-test-runner must match the wasm-bindgen version in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
    cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi
command -v node >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs >/dev/null; }

if [ ! -f ../shared/conformance/expected.json ] && [ -z "${ATTEST_CONFORMANCE_DIR:-}" ]; then
    echo "error: ../shared/conformance/expected.json not found (set ATTEST_CONFORMANCE_DIR)" >&2
    exit 1
fi

step "format"
cargo fmt --all --check

step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "tests (native: unit, conformance through the library and the CLI, malformed inputs)"
log=$(mktemp)
cargo test --workspace --locked 2>&1 | tee "$log"
passed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')
failed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s += $1} END {print s + 0}')
rm -f "$log"

step "wasm32: build the library and the app, run the wasm tests (conformance, codecs) in Node.js"
cargo build --locked --target wasm32-unknown-unknown -p attest-check -p attest-app
wlog=$(mktemp)
cargo test --locked --target wasm32-unknown-unknown -p attest-app 2>&1 | tee "$wlog"
passed=$((passed + $(grep -E '^test result:' "$wlog" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')))
failed=$((failed + $(grep -E '^test result:' "$wlog" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{s += $1} END {print s + 0}')))
rm -f "$wlog"

step "done"
echo "tests: ${passed} passed, ${failed} failed"
