// Benchmark (not a test: scripts/bench.sh runs it, nothing asserts a time). What a portal pays
// to carry the SDK: the bytes of pkg/ a page loads (raw, gzip at its default level 6 and brotli
// at quality 11, as a server or CDN would send them), and in Chromium the time from navigation
// start to the login widget drawn. Figures go to NUBEFIRMA_BENCH_OUT (JSON) for
// scripts/bench.sh's table.
//
// The page loads pkg/index.js, awaits createClient and calls signFiles (its default format,
// detached CAdES, so the hashing Worker starts too, as on a portal's signing page). On the
// page's clock (performance.now(), 0 at navigation start): "widget" is the first animation
// frame (requestAnimationFrame, polled from the module's start) in which the login widget's
// first input is in the DOM and visible (checkVisibility()), i.e. the frame that paints it;
// "wasm fetched" is the responseEnd of pkg/nubefirma_bg.wasm's Resource Timing entry; "client"
// is when createClient resolved (the wasm compiled and instantiated). Cold: each run in a new
// browser context (an empty HTTP cache). Warm: one context, loaded once, then each run
// navigates again; pkg/ is served with `cache-control: max-age=3600`, as a portal serves static
// files, so the browser takes it from its HTTP cache (and V8 its compiled wasm, if it kept it).
// Served from 127.0.0.1 uncompressed: no network time, the figures are the browser's work. For
// scale, the floor: the same page with a plain <input> of its own instead of the SDK.
import { test, expect } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { RELAY } from '../tests/helpers.mjs';
import { PLAIN_PAGE_PORT } from '../playwright.config.mjs';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
const ORIGIN = `http://127.0.0.1:${PLAIN_PAGE_PORT}`;
const RUNS = 5;
const FILES = ['nubefirma_bg.wasm', 'nubefirma-verify_bg.wasm', 'nubefirma.js', 'index.js', 'client.js',
  'elements.js', 'hash-worker.js'];

const HTML = `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench</title>
<div id="signing"></div><script type="module" src="/page.js"></script></html>`;

const WATCH = `const mount = document.getElementById('signing');
const marks = {};
window.marks = marks;
const drawn = () => {
  const input = (mount.shadowRoot ?? mount).querySelector('input');
  if (input?.checkVisibility()) marks.widget = performance.now();
  else requestAnimationFrame(drawn);
};
requestAnimationFrame(drawn);
`;

const SCRIPTS = {
  sdk: `import { createClient } from '/pkg/index.js';
${WATCH}
const client = await createClient({ relayUrl: '${RELAY}', lang: 'en', mount });
marks.client = performance.now();
client.signFiles([new File(['bench'], 'bench.txt')]).catch(() => {});
`,
  floor: `${WATCH}
mount.append(document.createElement('input'));
`,
};

/** Serves the page (never cached), its script and pkg/ (cached an hour) on PLAIN_PAGE_PORT. */
async function serve(csp) {
  let script = SCRIPTS.sdk;
  const server = createServer((req, res) => {
    const path = new URL(req.url, ORIGIN).pathname;
    const headers = { 'content-security-policy': csp };
    const cached = { ...headers, 'cache-control': 'public, max-age=3600' };
    if (path === '/') return res.writeHead(200, { ...headers, 'cache-control': 'no-store', 'content-type': 'text/html' }).end(HTML);
    if (path === '/page.js') return res.writeHead(200, { ...cached, 'content-type': 'text/javascript' }).end(script);
    const name = path.replace(/^\/pkg\//, '');
    if (!path.startsWith('/pkg/') || name.includes('/') || name.includes('..')) return res.writeHead(404).end();
    try {
      const body = readFileSync(`${pkgDir}${name}`);
      const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { ...cached, 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(PLAIN_PAGE_PORT, '127.0.0.1', resolve));
  server.use = (which) => { script = SCRIPTS[which]; };
  return server;
}

/** One load of the page: its marks, once the widget is drawn. */
async function load(page) {
  await page.goto(`${ORIGIN}/`);
  await expect.poll(() => page.evaluate(() => window.marks?.widget), { timeout: 60_000 }).toBeDefined();
  return page.evaluate(() => ({
    ...window.marks,
    wasmFetched: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/nubefirma_bg.wasm'))?.responseEnd,
  }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (runs) => ({
  runs,
  widgetMedianMs: median(runs.map((r) => r.widget)),
  widgetMaxMs: Math.max(...runs.map((r) => r.widget)),
  ...(runs[0].client === undefined ? {} : {
    clientMedianMs: median(runs.map((r) => r.client)),
    wasmFetchedMedianMs: median(runs.map((r) => r.wasmFetched)),
  }),
});

test('bundle: bytes, and navigation start to the login widget drawn', async ({ browser, request }) => {
  const files = FILES.map((file) => {
    const bytes = readFileSync(`${pkgDir}${file}`);
    return { file, bytes: bytes.length, gzip: gzipSync(bytes).length, brotli: brotliCompressSync(bytes).length };
  });
  const csp = (await request.get('/')).headers()['content-security-policy'];
  const server = await serve(csp);
  try {
    const cold = async () => {
      const runs = [];
      for (let i = 0; i < RUNS; i += 1) {
        const context = await browser.newContext();
        runs.push(await load(await context.newPage()));
        await context.close();
      }
      return summary(runs);
    };
    const coldRuns = await cold();
    const context = await browser.newContext();
    const page = await context.newPage();
    await load(page);
    const warmRuns = [];
    for (let i = 0; i < RUNS; i += 1) warmRuns.push(await load(page));
    await context.close();
    server.use('floor');
    const floor = await cold();
    const figure = { files, cold: coldRuns, warm: summary(warmRuns), floor };
    console.log(JSON.stringify(figure));
    if (process.env.NUBEFIRMA_BENCH_OUT) writeFileSync(process.env.NUBEFIRMA_BENCH_OUT, JSON.stringify(figure, null, 2));
  } finally {
    server.close();
  }
});
