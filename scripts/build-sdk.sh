#!/usr/bin/env bash
# Builds the browser SDK into pkg/: cargo (wasm32) → wasm-bindgen (ES module) → wasm-opt -Oz.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# Two modules from the one crate: `nubefirma` (signing, what every portal loads) and
# `nubefirma-verify` (the same plus verify(), for pages that check signatures).
build() {
  local name=$1; shift
  cargo build --release --target wasm32-unknown-unknown -p nubefirma-sdk "$@"
  wasm-bindgen --target web --out-dir pkg --out-name "$name" \
    "$TARGET_DIR/wasm32-unknown-unknown/release/nubefirma_sdk.wasm"
  node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
    --enable-call-indirect-overlong --enable-simd \
    "pkg/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
  echo "SDK built: pkg/$name.js ($(wc -c < "pkg/${name}_bg.wasm") bytes of wasm, $(gzip -c "pkg/${name}_bg.wasm" | wc -c) gzipped)"
}
build nubefirma-verify --features verify
build nubefirma

# The npm package (pkg/package.json, with the hand-written index.js, elements.js and their
# types) carries the workspace's version: kept equal here, so a release bumps Cargo.toml only.
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
node -e '
  const fs = require("fs"); const [path, version] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(path, "utf8"));
  if (pkg.version !== version) {
    pkg.version = version;
    fs.writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
    console.log(`pkg/package.json: version ${version}`);
  }' pkg/package.json "$version"
