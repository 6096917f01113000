#!/usr/bin/env bash
# Sets up and runs every test: format and lints, native cargo tests (pure logic, relay HTTP
# surface), wasm-bindgen tests in headless Chromium, Firefox and WebKit, the Playwright end-to-end
# tests (Chromium), the signing journey in Firefox and WebKit (Selenium), and a short run of every
# fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

# A fresh clone builds everything once: incremental caches would only cost disk (about 2 GB).
export CARGO_INCREMENTAL=0

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

# The same tests in the other engines (shared/TOOLCHAIN.md), one driver variable per run, each
# bounded: Firefox ESR through geckodriver (headless), WebKit through WebKitWebDriver, whose
# MiniBrowser needs a display (xvfb-run) and hangs without one.
echo "== wasm-bindgen tests in Firefox"
GECKODRIVER=$(command -v geckodriver) timeout -k 10 600 \
  cargo test -p nubefirma-sdk --target wasm32-unknown-unknown --test browser 2>&1 | tee -a "$log"
echo "== wasm-bindgen tests in WebKit"
SAFARIDRIVER=/usr/bin/WebKitWebDriver xvfb-run -a timeout -k 10 600 \
  cargo test -p nubefirma-sdk --target wasm32-unknown-unknown --test browser 2>&1 | tee -a "$log"

echo "== build SDK and relay for the end-to-end tests"
scripts/build-sdk.sh
# The relay binary as `cargo test --workspace` built it: `cargo build -p` alone would resolve
# other dependency features and build a second copy of half the dependency tree.
cargo test --workspace --no-run

echo "== Playwright (Debian Chromium)"
npx playwright test --config www-tests/playwright.config.mjs 2>&1 | tee -a "$log"

# The signing journey (CAdES and PAdES at level B, two files in an ASiC-E at level T) in Firefox
# and WebKit through Selenium; each prints a cargo-style "test result:" line.
echo "== end to end in Firefox (Selenium, geckodriver)"
GECKODRIVER=$(command -v geckodriver) timeout -k 10 600 \
  .venv/bin/python www-tests/engines/test_sign.py firefox 2>&1 | tee -a "$log"
echo "== end to end in WebKit (Selenium, WebKitWebDriver)"
xvfb-run -a timeout -k 10 600 .venv/bin/python www-tests/engines/test_sign.py webkit 2>&1 | tee -a "$log"

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
