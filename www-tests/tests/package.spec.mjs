// The package as integrators get it: `npm pack` of pkg/ (built by scripts/build-sdk.sh), its
// types checked with tsc (www-tests/typecheck), a fresh Vite app built from the tarball with
// the code pkg/README.md shows, and a plain HTML page with <nubefirma-sign>; in both a citizen
// signs a file in Chromium and openssl verifies the .p7s.
//
// Offline: the Vite app installs vite from the npm cache that `npm ci` filled for the repo (vite
// is an exact devDependency of the root), with a lockfile cut from the root's package-lock.json
// and the tarball pinned (`npm ci` caches tarballs, not the registry metadata that resolving
// versions without a lockfile asks for), so `npm ci --offline` asks the registry for nothing.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RELAY, citizenWithCertificate, nthSms, codeIn, opensslVerify } from './helpers.mjs';
import { VITE_APP_PORT, PLAIN_PAGE_PORT } from '../playwright.config.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkgDir = join(root, 'pkg');
const README = readFileSync(join(pkgDir, 'README.md'), 'utf8');

/** The code block after `<!-- example: NAME -->` in pkg/README.md, with the test's relay. */
function example(name) {
  const marker = `<!-- example: ${name} -->`;
  const at = README.indexOf(marker);
  expect(at, `pkg/README.md has ${marker}`).toBeGreaterThan(-1);
  const block = README.slice(at).match(/```\w*\n([\s\S]*?)```/);
  return block[1].replaceAll('https://relay.example', RELAY);
}

function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000 });
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.ts': 'text/plain',
};

/** A static file server for `dir` on 127.0.0.1:`port` (an origin the relay's CORS allows). */
async function serve(dir, port) {
  const server = createServer((req, res) => {
    let path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    if (!path.startsWith(dir)) return res.writeHead(403).end();
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** The root lockfile's entries for `names` and everything they need (hoisted as installed). */
function lockEntries(names) {
  const { packages } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const picked = {};
  const find = (from, name) => {
    for (let base = from; ;) {
      const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[candidate]) return candidate;
      if (!base) return null;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };
  // This machine's npm writes lockfiles without `resolved` (omit-lockfile-registry-resolved):
  // npm would then ask the registry where each tarball is. The registry's own URL form says it.
  const registry = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim().replace(/\/?$/, '/');
  const tarballUrl = (path, version) => {
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    return `${registry}${name}/-/${name.split('/').pop()}-${version}.tgz`;
  };
  const visit = (path) => {
    if (picked[path]) return;
    picked[path] = { resolved: tarballUrl(path, packages[path].version), ...packages[path] };
    const { dependencies, optionalDependencies, peerDependencies } = packages[path];
    for (const name of Object.keys({ ...dependencies, ...optionalDependencies, ...peerDependencies })) {
      const found = find(path, name);
      if (found) visit(found);
    }
  };
  for (const name of names) visit(`node_modules/${name}`);
  return picked;
}

let work;
let tarball;
let packed;

test.beforeAll(() => {
  expect(existsSync(join(pkgDir, 'nubefirma_bg.wasm')), 'run scripts/build-sdk.sh first').toBeTruthy();
  work = mkdtempSync(join(tmpdir(), 'nubefirma-package-'));
  [packed] = JSON.parse(run('npm', ['pack', pkgDir, '--json', '--pack-destination', work], root));
  tarball = join(work, packed.filename);
});

test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the package: its manifest, its files, and its types under tsc --strict', () => {
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
  const workspace = cargo.slice(cargo.indexOf('[workspace.package]'));
  expect(manifest.name).toBe('@nubefirma/sdk');
  expect(manifest.version).toBe(workspace.match(/^version = "(.*)"/m)[1]);
  expect(manifest.license).toBe(workspace.match(/^license = "(.*)"/m)[1]);
  expect(manifest.type).toBe('module');
  expect(manifest.sideEffects).toEqual(['./elements.js']);

  // Every file `exports` names is in the tarball, and the tarball has nothing else we did not list.
  const [listing] = JSON.parse(run('npm', ['pack', pkgDir, '--dry-run', '--json'], root));
  const packed = listing.files.map((f) => f.path).sort();
  for (const entry of Object.values(manifest.exports)) {
    for (const target of typeof entry === 'string' ? [entry] : Object.values(entry)) {
      expect(packed).toContain(target.replace(/^\.\//, ''));
    }
  }
  expect(packed).toEqual([...manifest.files, 'package.json'].sort());

  const typecheck = spawnSync('node', [join(root, 'www-tests/typecheck/run.mjs')], { encoding: 'utf8' });
  expect(typecheck.status, typecheck.stdout + typecheck.stderr).toBe(0);
});

/** The SDK's warnings that a document was hashed on the page because the Worker failed. */
function hashingFallbacks(page) {
  const said = [];
  page.on('console', (message) => {
    if (message.text().includes('hashing on the page')) said.push(message.text());
  });
  return said;
}

/** Logs in through the widget, enters the signing SMS code and returns the saved download. */
async function signThroughWidgets(page, request, citizen, testInfo, download) {
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  // SMS 0 activation, 1 certificate, 2 this signature.
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
  await page.locator('#nf-submit').click();
  await expect(download).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  const path = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(path);
  return { path, name: file.suggestedFilename() };
}

test('a fresh Vite app built from the tarball signs a file, as pkg/README.md shows', async ({ page, request }, testInfo) => {
  test.setTimeout(240_000);
  const app = join(work, 'vite-app');
  mkdirSync(app);
  const viteVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.vite;
  const manifest = {
    name: 'portal', private: true, type: 'module',
    scripts: { build: 'vite build' },
    dependencies: { '@nubefirma/sdk': `file:../${packed.filename}` },
    devDependencies: { vite: viteVersion },
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  // Everything pinned (the tarball by its integrity), so npm asks the registry for nothing.
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({
    name: 'portal', lockfileVersion: 3, requires: true,
    packages: {
      '': { name: 'portal', dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
      'node_modules/@nubefirma/sdk': {
        version: packed.version, resolved: `file:../${packed.filename}`, integrity: packed.integrity,
      },
      ...lockEntries(['vite']),
    },
  }, null, 2));
  writeFileSync(join(app, 'index.html'), example('vite index.html'));
  writeFileSync(join(app, 'main.js'), example('vite main.js'));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], app);
  expect(JSON.parse(readFileSync(join(app, 'node_modules/@nubefirma/sdk/package.json'), 'utf8')).name).toBe('@nubefirma/sdk');
  run(join(app, 'node_modules/.bin/vite'), ['build'], app);
  const dist = join(app, 'dist');
  // The bundler found the .wasm through `new URL(…, import.meta.url)` and emitted it.
  const emitted = spawnSync('find', [dist, '-name', '*.wasm'], { encoding: 'utf8' }).stdout;
  expect(emitted).toMatch(/nubefirma_bg.*\.wasm/);
  // …and the verify module's, for the chunk verify() loads on its first call.
  expect(emitted).toMatch(/nubefirma-verify_bg.*\.wasm/);
  // …and the hashing Worker, through `new Worker(new URL(…, import.meta.url))`.
  const scripts = spawnSync('find', [dist, '-name', '*.js'], { encoding: 'utf8' }).stdout;
  expect(scripts).toMatch(/hash-worker.*\.js/);

  const server = await serve(dist, VITE_APP_PORT);
  try {
    const citizen = await citizenWithCertificate(request);
    const doc = testInfo.outputPath('contrato.txt');
    writeFileSync(doc, `un contrato ${Date.now()}`);
    const workers = [];
    page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
    const fellBack = hashingFallbacks(page);
    await page.goto(`http://127.0.0.1:${VITE_APP_PORT}/`);
    await expect(page.locator('#sign')).toBeEnabled();
    await page.locator('#file').setInputFiles(doc);
    await page.locator('#sign').click();
    const signed = await signThroughWidgets(page, request, citizen, testInfo, page.locator('#result a'));
    expect(signed.name).toBe('contrato.txt.p7s');
    // The document was hashed in the bundled Worker (a failed one would fall back silently).
    expect(workers).toEqual([expect.stringMatching(/hash-worker.*\.js$/)]);
    expect(fellBack).toEqual([]);
    const verified = opensslVerify(signed.path, doc);
    expect(verified.status, verified.stderr).toBe(0);

  } finally {
    server.close();
  }
});

test('a plain HTML page with <nubefirma-sign> from the unpacked tarball signs a file', async ({ page, request }, testInfo) => {
  const site = join(work, 'plain-site');
  mkdirSync(join(site, 'vendor'), { recursive: true });
  run('tar', ['-xzf', tarball, '-C', join(site, 'vendor')], work);
  // The tarball's folder `package/` is the README's `/vendor/nubefirma/`.
  run('mv', [join(site, 'vendor/package'), join(site, 'vendor/nubefirma')], work);
  writeFileSync(join(site, 'index.html'), example('plain index.html'));
  // The verify module is loaded on the first verify() only: the signing page never asks for it.
  const asked = [];
  page.on('request', (req) => asked.push(new URL(req.url()).pathname));
  const fellBack = hashingFallbacks(page);

  const server = await serve(site, PLAIN_PAGE_PORT);
  try {
    const citizen = await citizenWithCertificate(request);
    const doc = testInfo.outputPath('factura.txt');
    writeFileSync(doc, `una factura ${Date.now()}`);
    await page.goto(`http://127.0.0.1:${PLAIN_PAGE_PORT}/`);
    await expect.poll(() => page.evaluate(() => customElements.get('nubefirma-sign') !== undefined)).toBe(true);
    const events = page.evaluate(() => new Promise((resolve) => {
      document.getElementById('signer').addEventListener('signed', (e) => resolve(e.detail.map((f) => f.name)));
    }));
    await page.locator('#file').setInputFiles(doc);
    await page.locator('#sign').click();
    const signed = await signThroughWidgets(page, request, citizen, testInfo, page.locator('#result a'));
    expect(await events).toEqual(['factura.txt.p7s']);
    expect(signed.name).toBe('factura.txt.p7s');
    const verified = opensslVerify(signed.path, doc);
    expect(verified.status, verified.stderr).toBe(0);
    expect(asked).toContain('/vendor/nubefirma/nubefirma_bg.wasm');
    expect(asked).toContain('/vendor/nubefirma/hash-worker.js');
    expect(fellBack).toEqual([]);
    expect(asked.filter((p) => p.includes('verify'))).toEqual([]);

    // The typed client from the same files: verify() now loads the verify module, and reports.
    const reports = await page.evaluate(async ([relayUrl, name, content]) => {
      const { createClient } = await import('/vendor/nubefirma/index.js');
      const client = await createClient({ relayUrl });
      const signedFile = document.querySelector('#result a');
      const blob = await (await fetch(signedFile.href)).blob();
      return client.verify(blob, { content: new File([content], name) });
    }, [RELAY, 'factura.txt', readFileSync(doc, 'utf8')]);
    expect(reports).toHaveLength(1);
    expect(reports[0].ok, JSON.stringify(reports[0])).toBe(true);
    expect(reports[0].format).toBe('CAdES (detached)');
    expect(asked).toContain('/vendor/nubefirma/nubefirma-verify_bg.wasm');

    // Errors are NubeFirmaErrors with a code from the closed set.
    const error = await page.evaluate(async () => {
      const { createClient, NubeFirmaError } = await import('/vendor/nubefirma/index.js');
      try {
        await createClient({ relayUrl: 'ftp://nowhere' });
        return null;
      } catch (err) {
        return { isClass: err instanceof NubeFirmaError, name: err.name, code: err.code };
      }
    });
    expect(error).toEqual({ isClass: true, name: 'NubeFirmaError', code: 'ERR_NUBEFIRMA_INVALID_OPTIONS' });

    // setLanguage changes the next widget's language; Cancel rejects with USER_CANCELLED.
    const cancelled = page.evaluate(async (relayUrl) => {
      const { createClient, NubeFirmaError } = await import('/vendor/nubefirma/index.js');
      const mount = document.createElement('div');
      mount.id = 'typed';
      document.body.append(mount);
      const client = await createClient({ relayUrl, lang: 'en', mount });
      client.setLanguage('eu');
      try {
        await client.login();
        return null;
      } catch (err) {
        return { isClass: err instanceof NubeFirmaError, code: err.code, version: client.version };
      }
    }, RELAY);
    await expect(page.locator('#typed form.nf-card')).toHaveAttribute('lang', 'eu');
    await page.locator('#typed [data-action=cancel]').click();
    expect(await cancelled).toEqual({ isClass: true, code: 'ERR_NUBEFIRMA_USER_CANCELLED', version: packed.version });
  } finally {
    server.close();
  }
});

test('<nubefirma-login> tells the page who logged in and her certificates', async ({ page, request }) => {
  const site = join(work, 'login-site');
  mkdirSync(join(site, 'vendor'), { recursive: true });
  run('tar', ['-xzf', tarball, '-C', join(site, 'vendor')], work);
  run('mv', [join(site, 'vendor/package'), join(site, 'vendor/nubefirma')], work);
  writeFileSync(join(site, 'index.html'), `<!doctype html><meta charset="utf-8">
<script type="module" src="/vendor/nubefirma/elements.js"></script>
<nubefirma-login id="login" relay="${RELAY}" lang="en"></nubefirma-login>`);
  const server = await serve(site, PLAIN_PAGE_PORT);
  try {
    const citizen = await citizenWithCertificate(request);
    await page.goto(`http://127.0.0.1:${PLAIN_PAGE_PORT}/`);
    await expect.poll(() => page.evaluate(() => customElements.get('nubefirma-login') !== undefined)).toBe(true);
    const identity = page.evaluate(() => new Promise((resolve, reject) => {
      const login = document.getElementById('login');
      login.addEventListener('login', (e) => resolve(e.detail));
      login.addEventListener('error', (e) => reject(new Error(e.detail.code)));
      // The lang attribute is read when a journey starts: the widget speaks Spanish.
      login.setAttribute('lang', 'es');
      login.login();
    }));
    await expect(page.locator('form.nf-card')).toHaveAttribute('lang', 'es');
    await page.locator('#nf-id').fill(citizen.idNumber.toLowerCase());
    await page.locator('#nf-password').fill(citizen.password);
    await page.locator('#nf-submit').click();
    const who = await identity;
    expect(who.idNumber).toBe(citizen.idNumber);
    expect(who.certificates).toHaveLength(1);
    expect(who.certificates[0].subject).toContain(`IDCES-${citizen.idNumber}`);
    expect(who.certificates[0].validTo).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof who.certificates[0].id).toBe('string');
    // The widget is gone, and the session with it.
    await expect(page.locator('#nf-id')).toHaveCount(0);
  } finally {
    server.close();
  }
});
