// Benchmark (scripts/bench.sh; nothing asserts a time): the ways a browser can read a large
// `File` and hash it, measured rather than assumed, on the page and in a Worker, in one run.
//   - reading alone: `Blob.slice().arrayBuffer()` one slice at a time (1, 4 and 16 MiB),
//     the same with the next slice's read started before the current one is used (overlap),
//     `File.stream()`'s reader, and in the Worker `FileReaderSync`;
//   - hashing in memory (no reading): the SDK's SHA-256 and hash-wasm's over 128 MiB, a MiB a call,
//     the kernel's own speed, which bounds any streaming method;
//   - hashing a file: the SDK's `digestBlob` (what its Worker runs) and hash-wasm's SHA-256,
//     the usual anchor for streaming hashing in the browser, fed by each reading method
//     above; its best is the anchor of issue 9's goal.
// Per run: MB/s and the peak resident memory of Chromium's processes above their level
// before the run. Figures go to NUBEFIRMA_BENCH_OUT (JSON) for scripts/bench.sh's table.
import { test, expect } from '@playwright/test';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigFile, chromiumRssKib, sha256OfFile } from './files.mjs';

const SIZES_MIB = (process.env.NUBEFIRMA_BENCH_READ_MIB ?? '256 1024').split(/\s+/).filter(Boolean).map(Number);
const root = fileURLToPath(new URL('../../', import.meta.url));
const PORT = 8093;
// How many times each hashing method runs (its median is reported).
const ROUNDS = Number(process.env.NUBEFIRMA_BENCH_ROUNDS ?? 3);
const ORIGIN = `http://127.0.0.1:${PORT}`;

// The methods, as source both the page and the Worker run. Each resolves to
// { bytes, ms, hex? }; `hex` is checked against Node's SHA-256 of the same file.
const METHODS = String.raw`
import init, { digestBlob, benchSha256 } from '/pkg/nubefirma.js';
import { createSHA256 } from '/hash-wasm.js';

export const ready = init({ module_or_path: '/pkg/nubefirma_bg.wasm' });

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function slices(file, size, overlap, each) {
  let next = file.slice(0, size).arrayBuffer();
  for (let at = 0; at < file.size; at += size) {
    const buffer = await next;
    if (at + size < file.size) {
      const read = () => file.slice(at + size, at + 2 * size).arrayBuffer();
      // Overlap: the next read is on its way while this slice is used.
      next = overlap ? read() : null;
      each(new Uint8Array(buffer));
      if (!overlap) next = read();
    } else {
      each(new Uint8Array(buffer));
    }
  }
}

async function stream(file, each) {
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    each(value);
  }
}

function readerSync(file, size, each) {
  const reader = new FileReaderSync();
  for (let at = 0; at < file.size; at += size) each(new Uint8Array(reader.readAsArrayBuffer(file.slice(at, at + size))));
}

async function feed(file, how, each) {
  const [kind, mib] = how.split(':');
  const size = Number(mib ?? 1) * 1024 * 1024;
  if (kind === 'slice') return slices(file, size, false, each);
  if (kind === 'overlap') return slices(file, size, true, each);
  if (kind === 'stream') return stream(file, each);
  if (kind === 'sync') return readerSync(file, size, each);
  throw new Error('unknown reading method ' + how);
}

export async function run(file, method) {
  await ready;
  const start = performance.now();
  const [what, how] = method.split('/');
  let bytes = 0;
  let hex;
  if (what === 'read') {
    let sink = 0;
    await feed(file, how, (chunk) => { bytes += chunk.length; sink ^= chunk[0]; });
  } else if (what === 'hashwasm') {
    const hasher = await createSHA256();
    hasher.init();
    await feed(file, how, (chunk) => { bytes += chunk.length; hasher.update(chunk); });
    hex = hasher.digest('hex');
  } else if (what === 'sdk') {
    const digest = await digestBlob(file, false, () => {});
    bytes = digest.size;
    hex = toHex(digest.sha256);
  } else if (what === 'kernel-sdk' || what === 'kernel-hashwasm') {
    // 1 MiB at a time, as a stream feeds it, after a warm-up: V8 compiles wasm with a quick
    // tier first and swaps in optimised code only at a function's next call, so one long
    // call would measure the quick tier.
    const buffer = new Uint8Array(1024 * 1024);
    for (let i = 0; i < buffer.length; i += 4096) buffer[i] = i & 255;
    const hasher = await createSHA256();
    const once = what === 'kernel-sdk' ? () => benchSha256(buffer) : () => { hasher.init(); hasher.update(buffer); hasher.digest('hex'); };
    for (let i = 0; i < 32; i += 1) once();
    const begin = performance.now();
    for (let i = 0; i < 128; i += 1) once();
    return { bytes: 128 * buffer.length, ms: performance.now() - begin };
  } else {
    throw new Error('unknown method ' + method);
  }
  return { bytes, ms: performance.now() - start, hex };
}
`;

const WORKER = `import { run } from '/methods.js';
self.onmessage = async ({ data: { file, method } }) => {
  try { self.postMessage(await run(file, method)); } catch (err) { self.postMessage({ error: String(err?.message ?? err) }); }
};`;

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>reading</title>
<input type="file" id="file"><script type="module">
import { run, ready } from '/methods.js';
const file = () => document.getElementById('file').files[0];
window.onPage = (method) => run(file(), method);
window.inWorker = (method) => new Promise((resolve) => {
  const worker = new Worker('/worker.js', { type: 'module' });
  worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
  worker.onerror = (e) => { worker.terminate(); resolve({ error: e.message }); };
  worker.postMessage({ file: file(), method });
});
await ready;
window.ready = true;
</script></html>`;

const FILES = {
  '/': ['text/html', () => PAGE],
  '/methods.js': ['text/javascript', () => METHODS],
  '/worker.js': ['text/javascript', () => WORKER],
  '/hash-wasm.js': ['text/javascript', () => readFileSync(join(root, 'node_modules/hash-wasm/dist/index.esm.min.js'))],
};

function serve() {
  const pkgDir = join(root, 'pkg/');
  const server = createServer((req, res) => {
    const path = new URL(req.url, ORIGIN).pathname;
    const known = FILES[path];
    if (known) return res.writeHead(200, { 'content-type': known[0] }).end(known[1]());
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, '')));
    if (!path.startsWith('/pkg/') || !file.startsWith(pkgDir)) return res.writeHead(404).end();
    try {
      const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(PORT, '127.0.0.1', () => resolve(server)));
}

/** A file of random bytes, made once per size, and its SHA-256. */
function bigFileWithHash(mib) {
  const path = bigFile(mib);
  return { path, hex: sha256OfFile(path) };
}

// Where: 'page' or 'worker'. What: the method strings `run` knows.
const READING = ['slice:1', 'slice:4', 'slice:16', 'overlap:1', 'overlap:4', 'overlap:16', 'stream'];
const PLAN = [
  ...['page', 'worker'].flatMap((where) => [
    ...READING.map((how) => [where, `read/${how}`]),
    ...(where === 'worker' ? [['worker', 'read/sync:4'], ['worker', 'read/sync:16']] : []),
    [where, 'kernel-sdk/'],
    [where, 'kernel-hashwasm/'],
    [where, 'sdk/'],
    ...['slice:1', 'slice:4', 'overlap:4', 'stream'].map((how) => [where, `hashwasm/${how}`]),
    ...(where === 'worker' ? [['worker', 'hashwasm/sync:4']] : []),
  ]),
];

const results = [];
let server;
test.beforeAll(async () => { server = await serve(); });
test.afterAll(() => {
  server?.close();
  if (process.env.NUBEFIRMA_BENCH_OUT) writeFileSync(process.env.NUBEFIRMA_BENCH_OUT, JSON.stringify(results, null, 2));
});

for (const mib of SIZES_MIB) {
  test(`reading and hashing a ${mib} MiB file`, async ({ page }) => {
    test.setTimeout(3_600_000);
    const file = bigFileWithHash(mib);
    // Hashing methods run ROUNDS times, interleaved (this machine's speed drifts between runs),
    // and each reports its median; reading methods and kernels once.
    const runs = new Map();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [where, method] of PLAN) {
        // Kernels do not depend on the file: once, with the first size.
        if (method.startsWith('kernel') && mib !== SIZES_MIB[0]) continue;
        if (round > 0 && !/^(sdk|hashwasm)\//.test(method)) continue;
        await page.goto(`${ORIGIN}/`);
        await expect.poll(() => page.evaluate(() => window.ready === true)).toBe(true);
        await page.locator('#file').setInputFiles(file.path);
        const baseline = chromiumRssKib();
        let peak = baseline;
        const sampler = setInterval(() => { peak = Math.max(peak, chromiumRssKib()); }, 100);
        let answer;
        try {
          answer = await page.evaluate(([w, m]) => (w === 'page' ? window.onPage(m) : window.inWorker(m)), [where, method]);
        } finally {
          clearInterval(sampler);
        }
        expect(answer.error, `${where} ${method}`).toBeUndefined();
        if (answer.hex !== undefined) expect(answer.hex, `${where} ${method}: the digest`).toBe(file.hex);
        const key = `${where} ${method}`;
        const all = runs.get(key) ?? [];
        all.push({ mbPerSecond: answer.bytes / 1e6 / (answer.ms / 1000), peakMiB: (peak - baseline) / 1024 });
        runs.set(key, all);
        console.log(key, JSON.stringify(all.at(-1)));
      }
    }
    for (const [key, all] of runs) {
      const [where, method] = key.split(' ');
      const sorted = [...all].sort((a, b) => a.mbPerSecond - b.mbPerSecond);
      results.push({
        where,
        method,
        mib: method.startsWith('kernel') ? 128 : mib,
        mbPerSecond: sorted[(sorted.length - 1) >> 1].mbPerSecond,
        runs: all.map((r) => r.mbPerSecond),
        peakRssAboveBaselineMiB: Math.max(...all.map((r) => r.peakMiB)),
      });
    }
  });
}
