# Sourced by the other scripts: installs what building and testing need,
# skipping whatever is already there (idempotent), and exports the
# environment for building zstd's C code for wasm32.

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi

apt_install() {
    if [ -z "${ATTEST_APT_UPDATED:-}" ]; then
        apt-get update -qq
        ATTEST_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# zstd's C code must be compiled for wasm32: that needs clang and llvm-ar.
command -v clang >/dev/null || apt_install clang lld
LLVM_AR=$(command -v llvm-ar-14 || command -v llvm-ar || true)
if [ -z "$LLVM_AR" ]; then
    apt_install llvm
    LLVM_AR=$(command -v llvm-ar-14 || command -v llvm-ar)
fi
export CC_wasm32_unknown_unknown=clang AR_wasm32_unknown_unknown="$LLVM_AR"

# wasm-bindgen-cli (and its test runner) must match wasm-bindgen in Cargo.lock.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3 }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
    cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# Trunk builds the web app (0.22 needs a newer rustc).
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "0.21.14" ]; then
    cargo install --locked trunk@0.21.14
fi
export TRUNK_OFFLINE=true

command -v node >/dev/null || apt_install nodejs npm


# ONNX Runtime for the CLI's model checks (`attest check --model`): the
# shared library of the Python package, found by attest-onnx, at the version
# of the page's onnxruntime-web (the same runtime, so the same numbers).
ORT_VERSION=1.30.0
if [ "$(python3 -c 'import onnxruntime; print(onnxruntime.__version__)' 2>/dev/null)" != "$ORT_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "onnxruntime==$ORT_VERSION"
fi
