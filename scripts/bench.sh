#!/usr/bin/env bash
# Benchmarks (not part of scripts/test.sh): builds what it measures, runs each benchmark, prints
# one table and writes BENCHMARKS.md with the machine, the versions and the date. Figures from one
# run on one machine; only ratios within a run compare.
#   NUBEFIRMA_BENCH_HASH_MIB   size of the document hashed in the browser (default 512)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-sdk.sh
cargo build -p nubefirma-relay
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== browser: hashing a ${NUBEFIRMA_BENCH_HASH_MIB:-512} MiB document"
NUBEFIRMA_BENCH_OUT="$out/hashing.json" npx playwright test --config www-tests/bench.config.mjs hashing

node - "$out/hashing.json" <<'JS'
const fs = require('fs');
const os = require('os');
const { execSync } = require('child_process');
const rows = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const sh = (cmd) => { try { return execSync(cmd, { encoding: 'utf8' }).trim(); } catch { return '?'; } };
const fixed = (n, d = 0) => n.toFixed(d);
const table = [
  '| what | MiB | seconds | MB/s | longest main-thread stall (ms) | long tasks > 50 ms | longest long task (ms) | peak RSS above start (MiB) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.label} | ${r.mib} | ${fixed(r.seconds, 2)} | ${fixed(r.mbPerSecond)} | ${fixed(r.longestStallMs)} | ${r.longTasksOver50ms} | ${fixed(r.longestLongTaskMs)} | ${fixed(r.peakRssAboveBaselineMiB)} |`),
].join('\n');
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${fixed(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${sh('uname -sr')}`;
const doc = `# Benchmarks

Written by \`scripts/bench.sh\` on ${new Date().toISOString()}. One run on one machine: compare the
figures within this page, not with another machine's.

- Machine: ${machine}
- Browser: ${sh('/usr/bin/chromium --version')} (headless)
- Rust: ${sh('rustc --version')}; SDK wasm: ${fs.statSync('pkg/nubefirma_bg.wasm').size} bytes

## Browser: hashing a document while the citizen signs

The SDK's journey (login, then hashing with progress, stopped at the SMS code) on a
${rows[0]?.mib ?? '?'} MiB file of random bytes; the anchor hashes the same file with the browser's own
\`crypto.subtle.digest\`, which must have it whole in memory. "Longest main-thread stall" is the
largest gap between 5 ms heartbeats on the page while hashing; "long tasks" are the Long Tasks
API's (over 50 ms). Goal: no main-thread task over 50 ms, memory flat.

${table}
`;
fs.writeFileSync('BENCHMARKS.md', doc);
console.log(`\n${table}\n\nWritten to BENCHMARKS.md`);
JS
