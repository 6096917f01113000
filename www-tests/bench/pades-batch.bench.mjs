// Benchmark (not a test: scripts/bench.sh runs it, nothing asserts a time). Signing end to end
// in Chromium: ten 10 MiB PDFs signed as one PAdES batch (one login, one SMS code) through the
// SDK's widgets against the real relay, from the click to the ten signed Files, three runs at
// level B and three at T. Figures go to NUBEFIRMA_BENCH_OUT (JSON, every run) for
// scripts/bench.sh's table, which shows each level's median run by machine time.
//
// How the time from the click to the files is split (all on the page's clock, performance.now()):
// - click: the sign button's click event (its timeStamp); ready: signFiles resolved.
// - (d) the citizen: from her login form's password field being in the widget's DOM (a
//   MutationObserver on the widget's shadow root) to her click on its submit button (a capturing
//   click listener: composedPath()[0] is #nf-submit), and again from the code field #nf-otp
//   appearing to her submit. Here the "citizen" is Playwright typing and the test fetching the
//   SMS from the dev outbox. It is reported apart and left out of the machine time.
// - (b) relay round trips: the union of [startTime, responseEnd] of every Resource Timing entry
//   for the relay's URL between click and ready (auth/login, credentials/list and /info,
//   sendOTP, authorize, signHash, timestamp at level T, auth/revoke), each endpoint also apart.
//   A cross-origin entry without Timing-Allow-Origin still has these two times; a CORS preflight
//   Chromium makes for a request lies inside that request's entry.
// - (a) preparing the documents: from click to the code field appearing, less the citizen's
//   login and the relay's time in that span: drawing the login widget, reading each PDF into
//   the SDK (PAdES reads them whole; the 'hashing' onProgress events), and staging them (parsing
//   each PDF, the incremental update, the SHA-256 over its byte ranges, the signed attributes).
//   Apart: "widget", click to the password field; "reading", from the end of the last relay
//   call before the first 'hashing' event to the last 'hashing' event; "staging", from the end
//   of the certificate chain's call (credentials/info, after reading) to the start of sendOTP:
//   nothing else runs between them.
// - (c) assembling the signed PDFs: from her code's submit to ready, less the relay's time in
//   that span. The SDK's 'signing' and 'done' events bracket each PDF's finish (the signature
//   and, at level T, the timestamp patched into /Contents); "finishing" sums those brackets less
//   the timestamp calls inside them. After the last 'done' there is no event: from it to ready,
//   less auth/revoke, is "outputs" (the result widget, each output copied out of wasm memory
//   into a File).
// Anchors, in the same page after the run: reading the same ten files whole and hashing each
// with crypto.subtle.digest (for (a)); as many bare round trips to the relay's /healthz as the
// journey made calls, one after another (for (b)); each file, already in memory, copied into a
// new File of its size plus 40 KiB (for (c)).
import { test, expect } from '@playwright/test';
import { statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELAY, citizenWithCertificate, codeIn, nthSms } from '../tests/helpers.mjs';
import { TEST_PAGE_ORIGIN, serveTestPage } from '../tests/test-page.mjs';

const MIB = 1024 * 1024;
const FILES = 10;
const SIZE = 10 * MIB;

const HTML = `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench</title>
<input type="file" id="files" multiple><button id="sign">sign</button><div id="signing"></div>
<script type="module" src="/page.js"></script></html>`;

const SCRIPT = `import { createClient } from '/pkg/index.js';
const mount = document.getElementById('signing');
const client = await createClient({ relayUrl: '${RELAY}', lang: 'en', mount });
const log = { shown: {}, submits: [], progress: [] };
window.log = log;
// When each input the citizen must fill first appears in the widgets' shadow root (the SDK
// attaches it at the journey's start, or takes the open one already there: made here to watch).
const root = mount.shadowRoot ?? mount.attachShadow({ mode: 'open' });
new MutationObserver(() => {
  for (const id of ['nf-password', 'nf-otp']) {
    if (log.shown[id] === undefined && root.getElementById(id)) log.shown[id] = performance.now();
  }
}).observe(root, { childList: true, subtree: true });
document.addEventListener('click', (e) => {
  if (e.composedPath()[0]?.id === 'nf-submit') log.submits.push(performance.now());
}, true);
document.getElementById('sign').addEventListener('click', (e) => {
  log.click = e.timeStamp;
  const files = [...document.getElementById('files').files];
  client.signFiles(files, {
    format: 'pades',
    level: window.level,
    onProgress: (p) => log.progress.push([performance.now(), p.stage, p.file, p.done, p.total]),
  }).then((signed) => {
    log.ready = performance.now();
    window.signed = signed;
    log.outcome = 'signed';
  }, (err) => { log.outcome = err.code ?? String(err); });
});
// After a run: is each output a signed PDF that starts with its input?
window.check = async () => Promise.all(window.signed.map(async (out, i) => {
  const input = document.getElementById('files').files[i];
  const text = async (blob) => new TextDecoder('latin1').decode(await blob.arrayBuffer());
  const tail = await text(out.slice(Math.max(0, out.size - 65536)));
  const probe = Math.floor(input.size / 2);
  const same = (await text(out.slice(probe, probe + 4096))) === (await text(input.slice(probe, probe + 4096)));
  return {
    name: out.name, size: out.size, inputSize: input.size,
    pdf: (await text(out.slice(0, 5))) === '%PDF-',
    startsWithInput: same, byteRange: tail.includes('/ByteRange'), eof: tail.trimEnd().endsWith('%%EOF'),
  };
}));
// The anchors.
window.anchors = async (calls) => {
  const files = [...document.getElementById('files').files];
  let start = performance.now();
  for (const f of files) await crypto.subtle.digest('SHA-256', await f.arrayBuffer());
  const digestMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < calls; i += 1) await (await fetch('${RELAY}/healthz')).text();
  const roundTripsMs = performance.now() - start;
  const inMemory = await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer())));
  start = performance.now();
  for (const [i, bytes] of inMemory.entries()) {
    const copy = new Uint8Array(bytes.length + 40960);
    copy.set(bytes);
    new File([copy], files[i].name);
  }
  const copyMs = performance.now() - start;
  return { digestMs, roundTripsMs, copyMs };
};
window.saveFirst = () => {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(window.signed[0]);
  a.download = window.signed[0].name;
  document.body.append(a);
  a.click();
};
window.ready = true;
`;

/**
 * A valid one-page PDF of exactly `size` bytes (xref table, no compression): a page showing a
 * noise image (random RGB bytes, so no two files are alike) that makes up its size.
 */
function bigPdf(path, index, size) {
  const width = 1024;
  const build = (height, padding) => {
    const image = randomBytes(width * height * 3);
    const content = `q 515 0 0 ${Math.round((515 * height) / width)} 40 100 cm /Im1 Do Q BT /F1 18 Tf 40 800 Td (Documento ${index + 1}) Tj ET`;
    const objects = [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> /Contents 4 0 R >>',
      [`<< /Length ${content.length} >>\nstream\n`, content, '\nendstream'],
      [`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length ${image.length} >>\nstream\n`, image, '\nendstream'],
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    const parts = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let at = parts[0].length;
    const offsets = [];
    const push = (chunk) => {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1');
      parts.push(b);
      at += b.length;
    };
    objects.forEach((body, i) => {
      offsets.push(at);
      push(`${i + 1} 0 obj\n`);
      for (const piece of [body].flat()) push(piece);
      push('\nendobj\n');
    });
    if (padding > 0) push(`%${'-'.repeat(padding - 2)}\n`);
    const xref = at;
    push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`);
    for (const o of offsets) push(`${String(o).padStart(10, '0')} 00000 n \n`);
    const id = randomBytes(16).toString('hex');
    push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`);
    return Buffer.concat(parts);
  };
  const overhead = build(1, 0).length - width * 3;
  const height = Math.floor((size - overhead - 64) / (width * 3));
  const unpadded = build(height, 0).length;
  const pdf = build(height, size - unpadded);
  expect(pdf.length).toBe(size);
  writeFileSync(path, pdf);
  const checked = spawnSync('qpdf', ['--check', path], { encoding: 'utf8' });
  expect(checked.status, checked.stdout + checked.stderr).toBe(0);
}

/** The ten PDFs, made once into the temporary folder. */
function documents() {
  return Array.from({ length: FILES }, (_, i) => {
    const path = join(tmpdir(), `nubefirma-bench-${i + 1}.pdf`);
    let made = false;
    try {
      made = statSync(path).size === SIZE;
    } catch {
      // made below
    }
    if (!made) bigPdf(path, i, SIZE);
    return path;
  });
}

/** Total length of the union of intervals [a, b], each clipped to [from, to]. */
function unionMs(intervals, from, to) {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

const results = [];
let server;
test.beforeAll(async ({ request }) => {
  const csp = (await request.get('/')).headers()['content-security-policy'];
  server = await serveTestPage({ html: HTML, script: SCRIPT, csp });
});
test.afterAll(() => {
  server?.close();
  if (process.env.NUBEFIRMA_BENCH_OUT) writeFileSync(process.env.NUBEFIRMA_BENCH_OUT, JSON.stringify(results, null, 2));
});

// Each level RUNS times, each run a new citizen (one signing code per account every 30 s).
const RUNS = 3;
for (const level of ['B', 'T']) for (let run = 1; run <= RUNS; run += 1) {
  test(`ten 10 MiB PDFs, one PAdES batch at level ${level}, run ${run}`, async ({ page, request }, testInfo) => {
    const paths = documents();
    const citizen = await citizenWithCertificate(request);
    await page.goto(`${TEST_PAGE_ORIGIN}/`);
    await expect.poll(() => page.evaluate(() => window.ready === true)).toBe(true);
    await page.evaluate((l) => { window.level = l; }, level);
    await page.locator('#files').setInputFiles(paths);

    await page.locator('#sign').click();
    await page.locator('#nf-id').fill(citizen.idNumber);
    await page.locator('#nf-password').fill(citizen.password);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-otp')).toBeVisible({ timeout: 300_000 });
    await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
    await page.locator('#nf-submit').click();
    await expect.poll(() => page.evaluate(() => window.log.outcome), { timeout: 300_000 }).toBeDefined();
    expect(await page.evaluate(() => window.log.outcome)).toBe('signed');

    // The figure counts only if ten signed PDFs came out, each its input plus a signature.
    const outputs = await page.evaluate(() => window.check());
    expect(outputs).toHaveLength(FILES);
    for (const o of outputs) {
      expect(o, o.name).toMatchObject({ pdf: true, startsWithInput: true, byteRange: true, eof: true });
      expect(o.size, o.name).toBeGreaterThan(o.inputSize);
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.evaluate(() => window.saveFirst())]);
    const first = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(first);
    const pdfsig = spawnSync('pdfsig', [first], { encoding: 'utf8' });
    expect(pdfsig.stdout, pdfsig.stderr).toContain('Signature is Valid.');

    const { log, relay } = await page.evaluate((origin) => ({
      log: window.log,
      relay: performance.getEntriesByType('resource')
        .filter((e) => e.name.startsWith(origin))
        .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })),
    }), RELAY);
    const { click, ready } = log;
    const codeShown = log.shown['nf-otp'];
    const loginSubmit = log.submits.find((t) => t > log.shown['nf-password']);
    const codeSubmit = log.submits.find((t) => t > codeShown);
    const calls = relay.filter((r) => r.start >= click && r.end <= ready);
    const spans = calls.map((r) => [r.start, r.end]);
    const relayIn = (from, to) => unionMs(spans, from, to);

    const citizenLoginMs = loginSubmit - log.shown['nf-password'];
    const citizenCodeMs = codeSubmit - codeShown;
    const preparingMs = codeShown - click - citizenLoginMs - relayIn(click, codeShown);
    const hashing = log.progress.filter(([, stage]) => stage === 'hashing');
    const readStart = Math.max(...calls.filter((r) => r.end <= hashing[0][0]).map((r) => r.end));
    const readingMs = hashing.at(-1)[0] - readStart;
    const call = (path) => calls.find((r) => r.path.endsWith(path));
    const stagingMs = call('/credentials/sendOTP').start - call('/credentials/info').end;
    const lastDone = log.progress.filter(([, stage]) => stage === 'done').at(-1)[0];
    const outputsMs = ready - lastDone - relayIn(lastDone, ready);
    const assemblyMs = ready - codeSubmit - relayIn(codeSubmit, ready);
    let finishingMs = 0;
    for (let i = 0; i < FILES; i += 1) {
      const at = (stage) => log.progress.find(([, s, file]) => s === stage && file === i)[0];
      finishingMs += at('done') - at('signing') - relayIn(at('signing'), at('done'));
    }
    const perEndpoint = {};
    for (const r of calls) {
      const name = r.path.replace(/^\/csc\/v2\//, '');
      perEndpoint[name] ??= { calls: 0, ms: 0 };
      perEndpoint[name].calls += 1;
      perEndpoint[name].ms += r.end - r.start;
    }
    const anchors = await page.evaluate((n) => window.anchors(n), calls.length);
    const figure = {
      label: `ten 10 MiB PDFs, PAdES level ${level}`,
      level,
      run,
      files: FILES,
      mibEach: SIZE / MIB,
      outputBytes: outputs.reduce((sum, o) => sum + o.size, 0),
      totalMs: ready - click,
      machineMs: ready - click - citizenLoginMs - citizenCodeMs,
      preparingMs,
      widgetMs: log.shown['nf-password'] - click,
      readingMs,
      stagingMs,
      relayMs: relayIn(click, ready),
      relayCalls: calls.length,
      perEndpoint,
      assemblyMs,
      finishingMs,
      outputsMs,
      citizenMs: citizenLoginMs + citizenCodeMs,
      citizenLoginMs,
      citizenCodeMs,
      anchors,
    };
    results.push(figure);
    console.log(JSON.stringify(figure));
  });
}
