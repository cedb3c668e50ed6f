#!/usr/bin/env bash
# Build the web app and serve it: http://127.0.0.1:8080/ (PORT to change).
# Installs trunk, wasm-bindgen-cli, the wasm32 target and clang when missing.
#   bash scripts/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh
PORT=${PORT:-8080}
echo "Attest will be served at http://127.0.0.1:${PORT}/ once built"
exec trunk serve --release --no-autoreload --address 127.0.0.1 --port "$PORT"
