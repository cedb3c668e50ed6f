#!/usr/bin/env bash
# Vendor ONNX Runtime Web into the built site: its CPU/wasm build only
# (ort.wasm.min.mjs, the wasm and its loader; the WebGPU and JSPI builds
# lack the ONNX-ML tree operators). The version is pinned in
# web/ort/package-lock.json (npm ci checks the package's integrity) and
# every copied file is checked against web/ort/SHA256SUMS. The files are
# served from the page's own origin and fetched only when a model is given.
#   bash scripts/vendor_ort.sh [DEST]    (default: $TRUNK_STAGING_DIR/ort;
#                                         Trunk runs it after each build)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-${TRUNK_STAGING_DIR:?set TRUNK_STAGING_DIR or give a folder}/ort}
dist=web/ort/node_modules/onnxruntime-web/dist
sums=$PWD/web/ort/SHA256SUMS
if ! (cd "$dist" 2>/dev/null && sha256sum --quiet -c "$sums" >/dev/null 2>&1); then
    (cd web/ort && npm ci --silent --no-audit --no-fund)
fi
if ! (cd "$dist" && sha256sum --quiet -c "$sums"); then
    echo "error: onnxruntime-web's files do not match web/ort/SHA256SUMS" >&2
    exit 1
fi
mkdir -p "$dest"
awk '{print $2}' web/ort/SHA256SUMS | while read -r f; do
    cp "$dist/$f" "$dest/$f"
done
