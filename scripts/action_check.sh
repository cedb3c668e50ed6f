#!/usr/bin/env bash
# The composite action's check step (action.yml). Inputs come as
# environment variables (never spliced into the script, so a file name
# cannot inject a command). Always exits 0: the exit code goes to the
# step's outputs, so the artifact is uploaded whatever the verdict, and
# the action's last step exits with it.
set -uo pipefail
out=${ATTEST_OUTPUT_DIR:-attest-report}
mkdir -p "$out"
args=(check --reference "$ATTEST_REFERENCE" --current "$ATTEST_CURRENT"
      --json "$out/report.json" --html "$out/report.html" --junit "$out/junit.xml"
      --markdown "$out/summary.md" --fail-on "${ATTEST_FAIL_ON:-fail}")
[ -n "${ATTEST_TRAIN:-}" ] && args+=(--train "$ATTEST_TRAIN")
[ -n "${ATTEST_CONFIG:-}" ] && args+=(--config "$ATTEST_CONFIG")
[ -n "${ATTEST_MODEL:-}" ] && args+=(--model "$ATTEST_MODEL")
[ -n "${ATTEST_BASELINE:-}" ] && args+=(--baseline "$ATTEST_BASELINE")
[ -n "${ATTEST_TRUSTED_KEYS:-}" ] && args+=(--trusted-keys "$ATTEST_TRUSTED_KEYS")
# More arguments, split on white space as a shell would (no expansion).
read -r -a extra <<< "${ATTEST_ARGS:-}"
attest "${args[@]}" "${extra[@]}"
code=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    # attest writes its outputs itself; an input error (exit 2) stops it
    # before it does.
    if [ "$code" -ge 2 ]; then
        printf 'verdict=error\nexit-code=%s\nreport-json=\nfailed-checks=\n' "$code" >> "$GITHUB_OUTPUT"
    fi
    if [ -f "$out/summary.md" ]; then
        echo "markdown=$out/summary.md" >> "$GITHUB_OUTPUT"
    else
        echo "markdown=" >> "$GITHUB_OUTPUT"
    fi
fi
exit 0
