// The demo portal signs through a production relay, as an operator sets it up from the README:
// `check-config`, `ca init --config`, `serve --config` with TLS, secrets in files outside the
// data folder, SMS through an HTTP gateway (a stand-in here that keeps what it got) and email
// through a real SMTP server (aiosmtpd, STARTTLS and AUTH). A citizen activates, creates her
// certificate and signs in the portal; openssl verifies the .p7s against the relay's CA.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeIn, newCitizen } from './helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '..', '..');
const relayBin = resolve(root, process.env.CARGO_TARGET_DIR ?? 'target', 'debug/nubefirma-relay');
const RELAY_PORT = 8795;
const SITE_PORT = 8096;
const RELAY = `https://127.0.0.1:${RELAY_PORT}`;
const SITE = `http://127.0.0.1:${SITE_PORT}`;
const OPERATOR_TOKEN = 'production-test-operator-token-0123456789';

// Every process this file starts, stopped in afterAll.
const children = [];
let dir;
let gateway;
const received = [];
// While true, the gateway answers 503 to everything (an operator's outage).
let gatewayDown = false;

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

function secret(path, value) {
  writeFileSync(path, value);
  chmodSync(path, 0o600);
  return path;
}

/** Starts a process and resolves once a line of its output matches `ready`. */
function start(cmd, args, ready, options = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.push(child);
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${seen}`)), 60_000);
    const look = (chunk) => {
      seen += chunk;
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolvePromise(child);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${seen}`)));
  });
}

/** The relay writes Spanish mobiles with their country code (+34…); the test's are bare. */
const samePhone = (to, phone) => to.replace(/^\+34/, '') === phone.replace(/^\+34/, '');
const smsFor = (phone) => received.filter((m) => samePhone(m.to, phone));

/** Waits for the SMS number `index` (0-based) the gateway got for `phone`. */
async function nthGatewaySms(phone, index) {
  await expect.poll(() => smsFor(phone).length, { message: JSON.stringify(received) }).toBeGreaterThan(index);
  return smsFor(phone)[index].text;
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nubefirma-production-'));
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  // A test CA and the relay's TLS certificate for 127.0.0.1, made with openssl.
  run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'tls-ca.key', '-out', 'tls-ca.pem', '-days', '2', '-subj', '/CN=test TLS CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], { cwd: dir });
  run('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'tls.key', '-out', 'tls.csr', '-subj', '/CN=localhost'], { cwd: dir });
  writeFileSync(join(dir, 'tls.ext'), 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['x509', '-req', '-in', 'tls.csr', '-CA', 'tls-ca.pem', '-CAkey', 'tls-ca.key',
    '-CAcreateserial', '-out', 'tls.pem', '-days', '2', '-extfile', 'tls.ext'], { cwd: dir });

  // The SMS gateway stand-in: keeps {to, text} and the key it was given.
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      if (gatewayDown) {
        res.writeHead(503).end();
        return;
      }
      const message = JSON.parse(body);
      received.push({ ...message, authorization: req.headers.authorization });
      res.writeHead(202).end();
    });
  });
  await new Promise((r) => gateway.listen(0, '127.0.0.1', r));

  // A real SMTP server, STARTTLS and AUTH required.
  const smtpPort = 20000 + Math.floor(Math.random() * 20000);
  await start(join(root, '.venv/bin/python'), [join(root, 'relay/tests/process/smtp_sink.py'),
    String(smtpPort), join(dir, 'tls.pem'), join(dir, 'tls.key'), 'relay', 'smtp-pass-3c1', join(dir, 'mail')], /ready/);

  const config = join(dir, 'relay.toml');
  writeFileSync(config, `data = "${join(dir, 'data')}"

[server]
listen = "127.0.0.1:${RELAY_PORT}"
public_url = "${RELAY}"
cors_origins = ["${SITE}"]

[server.tls]
certificate = "${join(dir, 'tls.pem')}"
key = "${join(dir, 'tls.key')}"

[secrets]
master_key_file = "${secret(join(secrets, 'master.key'), '5a'.repeat(32))}"
operator_token_file = "${secret(join(secrets, 'operator.token'), OPERATOR_TOKEN)}"

[sms]
url = "http://127.0.0.1:${gateway.address().port}/send"
body = '{"to": "{to}", "text": "{text}"}'
headers = { Authorization = "Bearer {secret}" }
secret_file = "${secret(join(secrets, 'sms.key'), 'gateway-key-9d2')}"

[email]
host = "localhost"
port = ${smtpPort}
from = "nubefirma <no-reply@firma.example.org>"
username = "relay"
password_file = "${secret(join(secrets, 'smtp.password'), 'smtp-pass-3c1')}"
ca_file = "${join(dir, 'tls-ca.pem')}"
`);
  expect(run(relayBin, ['check-config', config])).toContain('configuration OK');
  run(relayBin, ['ca', 'init', '--config', config, '--root-key-out', join(secrets, 'root.key')]);
  await start(relayBin, ['serve', '--config', config], /listening on https:/);
  await start('node', [join(root, 'demo-site/serve.mjs'), '--port', String(SITE_PORT), '--relay', RELAY],
    /demo site on/, { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'tls-ca.pem') } });
  await expect.poll(async () => (await fetch(`${SITE}/`).catch(() => null))?.status ?? 0).toBe(200);
});

test.afterAll(async () => {
  for (const child of children.reverse()) child.kill('SIGTERM');
  gateway?.close();
});

// The relay's certificate comes from a test CA that Chromium does not know.
test.use({ ignoreHTTPSErrors: true, baseURL: SITE });

test('the demo portal signs through a relay started from a configuration file, over HTTPS', async ({ page, playwright }, testInfo) => {
  const api = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const citizen = newCitizen();
  const { address: _, password: __, ...registration } = citizen;
  const registered = await api.post(`${RELAY}/office/v1/citizens`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, data: registration,
  });
  expect(registered.status(), await registered.text()).toBe(201);
  expect(registered.headers()['strict-transport-security']).toBe('max-age=31536000');
  const { activationCode } = await registered.json();
  const started = await api.post(`${RELAY}/api/v1/activation/start`, { data: { idNumber: citizen.idNumber, activationCode } });
  expect(started.status(), await started.text()).toBe(200);
  const done = await api.post(`${RELAY}/api/v1/activation/complete`, {
    data: { activationId: (await started.json()).activationId, smsCode: codeIn(await nthGatewaySms(citizen.phone, 0)),
      password: citizen.password, acceptTerms: true },
  });
  expect(done.status(), await done.text()).toBe(200);

  const docPath = testInfo.outputPath('acta.txt');
  writeFileSync(docPath, `Acta ${Date.now()}\n`);
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(docPath);
  await page.locator('#lang').selectOption('en');
  await page.locator('#sign').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await page.locator('#nf-generate').click();
  await page.locator('#nf-cert-code').fill(codeIn(await nthGatewaySms(citizen.phone, 1)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  const sms = await nthGatewaySms(citizen.phone, 2);
  expect(sms).toContain(`Verification code ${(await page.locator('#nf-vc').textContent()).trim()}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#download')).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const p7s = testInfo.outputPath('acta.txt.p7s');
  await file.saveAs(p7s);

  const verified = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', p7s,
    '-content', docPath, '-CAfile', join(dir, 'data', 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  expect(verified.status, verified.stderr).toBe(0);
  expect(verified.stderr).toContain('Verification successful');
  // Every code went through the gateway with its key; nothing was kept in a dev outbox.
  expect(smsFor(citizen.phone)).toHaveLength(3);
  expect(received.every((m) => m.authorization === 'Bearer gateway-key-9d2')).toBeTruthy();
  expect((await api.get(`${RELAY}/dev/outbox`)).status()).toBe(404);
  const metrics = await (await api.get(`${RELAY}/metrics`)).text();
  expect(metrics).toContain('nubefirma_signatures_total 1');
  expect(readFileSync(join(dir, 'data', 'ca.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
  await api.dispose();
});

test('when the SMS gateway is down, the activation widget says so and keeps her form', async ({ page, playwright }) => {
  const api = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  const citizen = newCitizen();
  const { address: _, password: __, ...registration } = citizen;
  const registered = await api.post(`${RELAY}/office/v1/citizens`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, data: registration,
  });
  expect(registered.status()).toBe(201);
  const { activationCode } = await registered.json();
  gatewayDown = true;
  try {
    await page.goto('/activate.html');
    await page.locator('#nf-id').fill(citizen.idNumber);
    await page.locator('#nf-activation-code').fill(activationCode);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).toHaveText('We could not send you the code. Please try again in a moment.');
    // Her form stays as she filled it; nothing reached her phone.
    await expect(page.locator('#nf-activation-code')).toHaveValue(activationCode);
    expect(smsFor(citizen.phone)).toHaveLength(0);
  } finally {
    gatewayDown = false;
  }
  const metrics = await (await api.get(`${RELAY}/metrics`)).text();
  expect(metrics).toContain('nubefirma_messages_total{channel="sms",outcome="failed"} 1');
  await api.dispose();
});
