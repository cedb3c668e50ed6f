#!/usr/bin/env bash
# The main job for now: build the `attest` CLI and check the demo pair that
# ships in public/demo. Writes out/demo-report.{json,html} and out/junit.xml.
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# With the web app built (dist/ from `trunk build --release`), the CLI
# carries the viewer and out/demo-report.html is the interactive one-file
# report; without it, a static page.
if [ -f dist/app_bg.wasm ]; then
    ATTEST_VIEWER_DIR="$PWD/dist" cargo build --release --locked -p attest-cli
else
    cargo build --release --locked -p attest-cli
fi
mkdir -p out
set +e
./target/release/attest check \
    --reference public/demo/reference.parquet \
    --current public/demo/current.parquet \
    --sensitive gender --segment region \
    --json out/demo-report.json --html out/demo-report.html --junit out/junit.xml
status=$?
set -e
echo
echo "exit status $status (0: no check failed, 1: a check failed, 2: usage or input error)"
echo "wrote out/demo-report.json, out/demo-report.html, out/junit.xml"
# The demo data is drifted on purpose: exit 1 is the expected verdict.
[ "$status" -le 1 ]
