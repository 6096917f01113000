#!/usr/bin/env bash
# Builds the browser SDK into pkg/: cargo (wasm32) → wasm-bindgen (ES module) → wasm-opt -Oz.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_DIR=${CARGO_TARGET_DIR:-target}

cargo build --release --target wasm32-unknown-unknown -p nubefirma-sdk
wasm-bindgen --target web --out-dir pkg --out-name nubefirma \
  "$TARGET_DIR/wasm32-unknown-unknown/release/nubefirma_sdk.wasm"
node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
  --enable-call-indirect-overlong \
  pkg/nubefirma_bg.wasm -o pkg/nubefirma_bg.wasm
echo "SDK built: pkg/ ($(wc -c < pkg/nubefirma_bg.wasm) bytes of wasm, $(gzip -c pkg/nubefirma_bg.wasm | wc -c) gzipped)"
