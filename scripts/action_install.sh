#!/usr/bin/env bash
# The composite action's install step (action.yml): the attest-ml wheel.
#   ATTEST_VERSION: a version to pip install, `source` (build this checkout's
#   python/ package; needs Rust), or `none` (use the attest on PATH).
set -euo pipefail
case "${ATTEST_VERSION:-source}" in
    none)
        command -v attest >/dev/null || { echo "::error title=attest::version: none, but no attest on PATH"; exit 2; }
        ;;
    source)
        python3 -m pip install --quiet --disable-pip-version-check "$ATTEST_ACTION_PATH/python"
        ;;
    *)
        python3 -m pip install --quiet --disable-pip-version-check "attest-ml==$ATTEST_VERSION"
        ;;
esac
attest --version
