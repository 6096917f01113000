#!/usr/bin/env bash
# Sets up and runs every test: format and lints, native cargo tests (pure logic, relay HTTP
# surface), wasm-bindgen tests in headless Chromium, the Playwright end-to-end tests, and a
# short run of every fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# Every runner's output is also kept here, to add up one closing line at the end.
log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p nubefirma-sdk --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy -p nubefirma-sdk --target wasm32-unknown-unknown --all-targets --features verify -- -D warnings

echo "== cargo test (native)"
cargo test --workspace 2>&1 | tee -a "$log"

echo "== wasm-bindgen tests in Chromium"
CHROMEDRIVER=$(command -v chromedriver) cargo test -p nubefirma-sdk --target wasm32-unknown-unknown --test browser 2>&1 | tee -a "$log"

echo "== build SDK and relay for the end-to-end tests"
scripts/build-sdk.sh
cargo build -p nubefirma-relay

echo "== Playwright (Debian Chromium)"
npx playwright test --config www-tests/playwright.config.mjs 2>&1 | tee -a "$log"

# Each fuzz target briefly (NUBEFIRMA_FUZZ_SECONDS, default 20 s each; longer runs: docs/fuzzing.md),
# after the regression inputs; its summary line counts targets.
echo "== fuzzing (cargo fuzz, libFuzzer)"
scripts/fuzz.sh 2>&1 | tee -a "$log"

# One closing line over all runners, from their own summary lines only (cargo: "test result: ok.
# N passed; M failed; ..."; Playwright: "  N passed (time)" / "  N failed"), never from logs.
summaries=$(grep -hE '^test result: |^ +[0-9]+ (passed|failed)( |$)' "$log")
count() { grep -oE "[0-9]+ $1" <<<"$summaries" | awk '{s += $1} END {print s + 0}'; }
echo
echo "$(count passed) passed, $(count failed) failed"
