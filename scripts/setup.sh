#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test nubefirma; skips what is there.
# Idempotent: safe to run on every demo/test start.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

# Debian packages: the browser and its driver for the tests, and the outside verifiers.
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
command -v openssl >/dev/null || need_apt+=(openssl)
command -v curl >/dev/null || need_apt+=(curl)
command -v softhsm2-util >/dev/null || need_apt+=(softhsm2)
# Independent checkers of PDF and XML signatures, and other producers of test PDFs.
command -v pdfsig >/dev/null || need_apt+=(poppler-utils)
command -v qpdf >/dev/null || need_apt+=(qpdf)
command -v xmlsec1 >/dev/null || need_apt+=(xmlsec1)
command -v gs >/dev/null || need_apt+=(ghostscript)
command -v unzip >/dev/null || need_apt+=(unzip)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
# The other browser engines (www-tests/engines/, wasm-bindgen tests): Firefox ESR; WebKit's
# WebDriver, which brings libwebkit2gtk-4.1-0 and its MiniBrowser; a virtual display for it.
command -v firefox-esr >/dev/null || need_apt+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || need_apt+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null || need_apt+=(xvfb)
command -v xauth >/dev/null || need_apt+=(xauth)
# PostgreSQL's server, for the second store's tests (throwaway clusters made with initdb and
# pg_ctl from /usr/lib/postgresql/*/bin; docs/postgresql.md). Debian's default cluster is not
# needed: if the package is new here, none is made.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' | $SUDO tee /etc/postgresql-common/createcluster.d/nubefirma.conf >/dev/null
  fi
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Rust target for the browser SDK.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$want" != "$have" ]; then
  say "cargo install wasm-bindgen-cli $want (a few minutes, once)"
  # No --locked: its lockfile pins a crate version the registry here lacks (shared/TOOLCHAIN.md).
  cargo install wasm-bindgen-cli --version "$want"
fi

# geckodriver (Firefox's WebDriver) from crates.io, pinned, into ~/.cargo/bin beside
# wasm-bindgen-test-runner: Debian has none, and npm's geckodriver downloads from GitHub.
geckodriver_version=0.37.1
if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$geckodriver_version" ]; then
  say "cargo install geckodriver $geckodriver_version (about 2.5 minutes, once)"
  cargo install --locked geckodriver --version "$geckodriver_version"
fi

# npm: binaryen's wasm-opt (never Debian's: it corrupts wasm-bindgen output) and Playwright.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund
fi

# Python tools for interop and API tests (pyHanko, Schemathesis), pinned, in .venv.
if [ ! -x .venv/bin/python ] || [ scripts/requirements-test.txt -nt .venv/.installed ]; then
  say "python venv: pyHanko, Schemathesis, Selenium"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt
  touch .venv/.installed
fi
