#!/usr/bin/env bash
# Sets up and runs every test: format and lints, native cargo tests (pure logic, relay HTTP
# surface), wasm-bindgen tests in headless Chromium, and the Playwright end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p nubefirma-sdk --target wasm32-unknown-unknown --all-targets -- -D warnings

echo "== cargo test (native)"
cargo test --workspace

echo "== wasm-bindgen tests in Chromium"
CHROMEDRIVER=$(command -v chromedriver) cargo test -p nubefirma-sdk --target wasm32-unknown-unknown --test browser

echo "== build SDK and relay for the end-to-end tests"
scripts/build-sdk.sh
cargo build -p nubefirma-relay

echo "== Playwright (Debian Chromium)"
npx playwright test --config www-tests/playwright.config.mjs
