// Hashing off the page's thread: the typed client (pkg/index.js) hashes each document in a
// module Web Worker running the same wasm, and falls back to the page when no Worker can run
// (a browser without them, a CSP that forbids them). Every signed file is checked by openssl and
// unzip, so a wrong digest or CRC from the Worker fails here.
//
// The test page is served with pkg/ by serveTestPage, with the demo site's own strict
// Content-Security-Policy, optionally tightened.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, ftruncateSync, readFileSync, writeFileSync } from 'node:fs';
import { RELAY, caPem, citizenWithCertificate, codeIn, nthSms, opensslVerify } from './helpers.mjs';
import { TEST_PAGE_ORIGIN, serveTestPage } from './test-page.mjs';

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>hashing</title>
<input type="file" id="file" multiple><div id="signing"></div>
<script type="module" src="/page.js"></script></html>`;

// Signs the chosen files with the typed client; the outputs come back as base64 for the test.
const SCRIPT = `import { createClient } from '/pkg/index.js';
const client = await createClient({ relayUrl: '${RELAY}', lang: 'en', mount: document.getElementById('signing') });
const toBase64 = async (file) => {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};
window.hashed = [];
window.sign = async (format) => {
  try {
    const files = await client.signFiles(document.getElementById('file').files, {
      format,
      onProgress: (p) => { if (p.stage === 'hashing') window.hashed.push([p.done, p.total]); },
    });
    return { files: await Promise.all(files.map(async (f) => ({ name: f.name, base64: await toBase64(f) }))) };
  } catch (err) {
    return { code: err.code, message: err.message };
  }
};
window.ready = true;
`;

let server = null;
test.afterEach(() => { server?.close(); server = null; });

/** Serves the test page with the demo site's CSP plus `extraCsp`; collects Workers and warnings. */
async function openPage(page, request, extraCsp = '') {
  const csp = (await request.get('/')).headers()['content-security-policy'];
  expect(csp, 'the demo site sends a CSP').toContain("script-src 'self' 'wasm-unsafe-eval'");
  server = await serveTestPage({ html: PAGE, script: SCRIPT, csp: csp + extraCsp });
  const seen = { workers: [], closed: 0, fallbacks: [] };
  page.on('worker', (worker) => {
    seen.workers.push(new URL(worker.url()).pathname);
    worker.on('close', () => { seen.closed += 1; });
  });
  page.on('console', (message) => {
    if (message.text().includes('hashing on the page')) seen.fallbacks.push(message.text());
  });
  await page.goto(`${TEST_PAGE_ORIGIN}/`);
  await expect.poll(() => page.evaluate(() => window.ready === true)).toBe(true);
  return seen;
}

/** Logs in and enters the signing code (SMS 0 activation, 1 certificate, then one per signature). */
async function completeJourney(page, request, citizen, smsIndex = 2) {
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible({ timeout: 60_000 });
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, smsIndex)));
  await page.locator('#nf-submit').click();
}

async function signOnPage(page, request, citizen, testInfo, paths, format) {
  await page.locator('#file').setInputFiles(paths);
  const result = page.evaluate((f) => window.sign(f), format);
  await completeJourney(page, request, citizen);
  const { files, code, message } = await result;
  expect(code, message).toBeUndefined();
  return files.map(({ name, base64 }) => {
    const path = testInfo.outputPath(name);
    writeFileSync(path, Buffer.from(base64, 'base64'));
    return path;
  });
}

function document(testInfo, name, bytes) {
  const path = testInfo.outputPath(name);
  writeFileSync(path, randomBytes(bytes));
  return path;
}

const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });

test('documents are hashed in a Worker: a CAdES .p7s and a two-file ASiC-E that openssl and unzip accept', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const seen = await openPage(page, request);
  expect(seen.workers, 'no Worker before anything is signed').toEqual([]);
  const big = document(testInfo, 'informe.bin', 9 * 1024 * 1024 + 17);
  const [p7s] = await signOnPage(page, request, citizen, testInfo, [big], 'cades');
  const verified = opensslVerify(p7s, big);
  expect(verified.status, verified.stderr).toBe(0);
  expect(seen.workers).toEqual(['/pkg/hash-worker.js']);
  expect(seen.fallbacks).toEqual([]);
  // Progress came from the Worker while it read (every 4 MiB), to the whole size.
  const hashed = await page.evaluate(() => window.hashed);
  expect(hashed.length).toBeGreaterThanOrEqual(2);
  expect(hashed.at(-1)).toEqual([9 * 1024 * 1024 + 17, 9 * 1024 * 1024 + 17]);

  // The ASiC-E's CRCs and sizes (checked by unzip) and digests (in the signed manifest) were
  // all computed in the Worker; the one Worker served both signatures. (Another citizen: a
  // second signing code to the same phone would wait out the relay's 30 s between codes.)
  const other = await citizenWithCertificate(request);
  const small = document(testInfo, 'anexo.txt', 100);
  const [container] = await signOnPage(page, request, other, testInfo, [big, small], 'asice');
  expect(run('unzip', ['-t', container]).status).toBe(0);
  const dir = testInfo.outputPath('unzipped');
  expect(run('unzip', ['-q', container, '-d', dir]).status).toBe(0);
  const manifest = readFileSync(`${dir}/META-INF/ASiCManifest.xml`, 'utf8');
  for (const doc of [big, small]) {
    const digest = createHash('sha256').update(readFileSync(doc)).digest('base64');
    expect(manifest).toContain(digest);
  }
  const cms = run('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER',
    '-in', `${dir}/META-INF/signature001.p7s`, '-content', `${dir}/META-INF/ASiCManifest.xml`,
    '-CAfile', caPem, '-purpose', 'any', '-out', '/dev/null']);
  expect(cms.status, cms.stderr).toBe(0);
  expect(seen.workers).toEqual(['/pkg/hash-worker.js']);
  expect(seen.fallbacks).toEqual([]);
});

test('a page whose CSP forbids Workers still signs: the documents are hashed on the page', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const seen = await openPage(page, request, "; worker-src 'none'");
  const doc = document(testInfo, 'solicitud.bin', 1024 * 1024 + 5);
  const [p7s] = await signOnPage(page, request, citizen, testInfo, [doc], 'cades');
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);
  expect(seen.fallbacks.length, 'the SDK says it hashed on the page').toBeGreaterThan(0);
});

test('a browser without Workers signs the same way, on the page', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  await page.addInitScript(() => { delete window.Worker; });
  const seen = await openPage(page, request);
  const doc = document(testInfo, 'recurso.bin', 2 * 1024 * 1024);
  const [p7s] = await signOnPage(page, request, citizen, testInfo, [doc], 'cades');
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);
  expect(seen.workers).toEqual([]);
});

test('Cancel while a large file is hashed in the Worker stops it; the next signature starts a new one', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const seen = await openPage(page, request);
  // 1 GiB of zeros (sparse: instant to make); the Worker would take seconds to hash it.
  const huge = testInfo.outputPath('huge.bin');
  const fd = openSync(huge, 'w');
  ftruncateSync(fd, 1024 * 1024 * 1024);
  closeSync(fd);
  await page.locator('#file').setInputFiles(huge);
  const result = page.evaluate(() => window.sign('cades'));
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect.poll(() => page.evaluate(() => window.hashed.length), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.locator('#nf-cancel').click();
  expect((await result).code).toBe('ERR_NUBEFIRMA_USER_CANCELLED');
  const [done, total] = await page.evaluate(() => window.hashed.at(-1));
  expect(done).toBeLessThan(total);
  await expect.poll(() => seen.closed, 'the busy Worker was ended').toBe(1);

  await page.evaluate(() => { window.hashed = []; });
  const doc = document(testInfo, 'otro.bin', 4096);
  const [p7s] = await signOnPage(page, request, citizen, testInfo, [doc], 'cades');
  expect(opensslVerify(p7s, doc).status).toBe(0);
  expect(seen.workers).toEqual(['/pkg/hash-worker.js', '/pkg/hash-worker.js']);
  expect(seen.fallbacks).toEqual([]);
});
