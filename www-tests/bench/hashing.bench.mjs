// Benchmark (not a test: scripts/bench.sh runs it, nothing asserts a time). How the page fares
// while the SDK hashes a large document in a real signing journey: the typed client in a
// Worker, the same client in a browser without Workers (the fallback, hashing on the page), and
// `crypto.subtle.digest` over the whole file as the anchor. Per run: hashing throughput, the
// longest main-thread stall (the largest gap between 5 ms heartbeats) and the Long Tasks API's
// tasks over 50 ms, and the peak resident memory of the browser's processes above their level
// before the run. Figures go to NUBEFIRMA_BENCH_OUT (JSON) for scripts/bench.sh's table.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { bigFile, chromiumRssKib } from './files.mjs';
import { RELAY, citizenWithCertificate } from '../tests/helpers.mjs';
import { TEST_PAGE_ORIGIN, serveTestPage } from '../tests/test-page.mjs';

const SIZES_MIB = (process.env.NUBEFIRMA_BENCH_HASH_MIB ?? '256 1024').split(/\s+/).filter(Boolean).map(Number);

const HTML = `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench</title>
<input type="file" id="file"><div id="signing"></div><script type="module" src="/page.js"></script></html>`;

// Watches the main thread from before the journey starts: heartbeats every 5 ms and long tasks.
const SCRIPT = `import { createClient } from '/pkg/index.js';
const client = await createClient({ relayUrl: '${RELAY}', lang: 'en', mount: document.getElementById('signing') });
const watch = { beats: [], longTasks: [], hashing: [] };
window.watch = watch;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) watch.longTasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask', buffered: true });
setInterval(() => watch.beats.push(performance.now()), 5);
window.signNow = () => client.signFiles(document.getElementById('file').files, {
  format: 'cades',
  onProgress: (p) => { if (p.stage === 'hashing') watch.hashing.push([performance.now(), p.done, p.total]); },
}).then(() => 'signed', (err) => err.code);
window.subtleNow = async () => {
  const file = document.getElementById('file').files[0];
  const start = performance.now();
  watch.hashing.push([start, 0, file.size]);
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  watch.hashing.push([performance.now(), file.size, file.size]);
  return digest.byteLength;
};
window.ready = true;
`;

const results = [];

/** Per kind and size: the run of median speed, with every run's speed and the worst of the rest. */
function medians(rows) {
  const groups = new Map();
  for (const r of rows) groups.set(`${r.label}|${r.mib}`, [...(groups.get(`${r.label}|${r.mib}`) ?? []), r]);
  return [...groups.values()].map((all) => {
    const sorted = [...all].sort((a, b) => a.mbPerSecond - b.mbPerSecond);
    const worst = (key) => Math.max(...all.map((r) => r[key]));
    return {
      ...sorted[(sorted.length - 1) >> 1],
      runs: all.map((r) => r.mbPerSecond),
      longestStallMs: worst('longestStallMs'),
      longTasksOver50ms: worst('longTasksOver50ms'),
      longestLongTaskMs: worst('longestLongTaskMs'),
      peakRssAboveBaselineMiB: worst('peakRssAboveBaselineMiB'),
    };
  });
}
let server;
test.beforeAll(async ({ request }) => {
  const csp = (await request.get('/')).headers()['content-security-policy'];
  server = await serveTestPage({ html: HTML, script: SCRIPT, csp });
});
test.afterAll(() => {
  server?.close();
  if (process.env.NUBEFIRMA_BENCH_OUT) writeFileSync(process.env.NUBEFIRMA_BENCH_OUT, JSON.stringify(medians(results), null, 2));
});

async function measure(page, mib, label, how) {
  const path = bigFile(mib);
  await page.goto(`${TEST_PAGE_ORIGIN}/`);
  await expect.poll(() => page.evaluate(() => window.ready === true)).toBe(true);
  await page.locator('#file').setInputFiles(path);
  const baseline = chromiumRssKib();
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, chromiumRssKib()); }, 100);
  try {
    await how();
  } finally {
    clearInterval(sampler);
  }
  const watch = await page.evaluate(() => window.watch);
  // From the first progress event (one slice in) to the last: bytes over time between them.
  const [start, firstDone] = watch.hashing[0];
  const [end, lastDone] = watch.hashing.at(-1);
  const within = (t) => t >= start && t <= end;
  const beats = watch.beats.filter(within);
  let stall = 0;
  for (let i = 1; i < beats.length; i += 1) stall = Math.max(stall, beats[i] - beats[i - 1]);
  if (beats.length < 2) stall = end - start; // not one heartbeat ran: the whole time was one task
  const longTasks = watch.longTasks.filter(([t, d]) => t + d >= start && t <= end).map(([, d]) => d);
  const figure = {
    label,
    mib,
    seconds: (end - start) / 1000,
    mbPerSecond: (lastDone - firstDone) / 1e6 / ((end - start) / 1000),
    longestStallMs: stall,
    longTasksOver50ms: longTasks.length,
    longestLongTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    peakRssAboveBaselineMiB: (peak - baseline) / 1024,
  };
  results.push(figure);
  console.log(JSON.stringify(figure));
}

/** Signs through the widgets until hashing is over, then cancels at the SMS code. */
async function hashInJourney(page, request) {
  const citizen = await citizenWithCertificate(request);
  const outcome = page.evaluate(() => window.signNow());
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible({ timeout: 300_000 });
  await page.locator('[data-action=cancel]').first().click();
  expect(await outcome).toBe('ERR_NUBEFIRMA_USER_CANCELLED');
}

// Each journey runs ROUNDS times, the three kinds interleaved (this machine's speed drifts
// between runs); scripts/bench.sh reports each one's median.
const ROUNDS = Number(process.env.NUBEFIRMA_BENCH_ROUNDS ?? 3);
for (const mib of SIZES_MIB) {
  for (let round = 1; round <= ROUNDS; round += 1) {
    test(`SDK, hashing ${mib} MiB in its Worker (${round})`, async ({ page, request }) => {
      await measure(page, mib, 'SDK signFiles, Worker', () => hashInJourney(page, request));
    });

    test(`SDK, browser without Workers (hashing ${mib} MiB on the page) (${round})`, async ({ page, request }) => {
      await page.addInitScript(() => { delete window.Worker; });
      await measure(page, mib, 'SDK signFiles, on the page (no Worker)', () => hashInJourney(page, request));
    });

    test(`anchor: crypto.subtle.digest over the whole ${mib} MiB file (${round})`, async ({ page }) => {
      await measure(page, mib, 'crypto.subtle.digest, one shot (anchor)', async () => {
        expect(await page.evaluate(() => window.subtleNow())).toBe(32);
      });
    });
  }
}
