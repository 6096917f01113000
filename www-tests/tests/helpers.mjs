// Helpers shared by the end-to-end tests: citizens (registered, activated and given a certificate
// over the relay's API where the UI is not under test), the dev SMS outbox, openssl.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { expect } from '@playwright/test';

export const RELAY = 'http://127.0.0.1:8788';
const dataDir = fileURLToPath(new URL('../.work/data/', import.meta.url));
export const caPem = `${dataDir}ca.pem`;

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** A fresh citizen: a valid random DNI and a mobile number no one else has. */
export function newCitizen() {
  const number = randomInt(10_000_000, 99_999_999);
  return {
    idNumber: `${number}${LETTERS[number % 23]}`,
    givenName: 'Ane',
    surname: 'Etxeberria Núñez',
    birthDate: '1990-02-03',
    phone: `6${randomInt(10_000_000, 99_999_999)}`,
    email: `ane.${number}@example.org`,
    password: 'correct horse battery',
    // Her own device's address for API calls (any 127.x.y.z reaches the relay): the relay's
    // per-address limits then count her, not the whole suite.
    address: `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`,
  };
}

export const operatorToken = () => readFileSync(`${dataDir}operator.token`, 'utf8').trim();

export async function register(request, citizen) {
  const { address: _, password: __, ...registration } = citizen;
  const res = await request.post(`${RELAY}/office/v1/citizens`, {
    headers: { authorization: `Bearer ${operatorToken()}` },
    data: registration,
  });
  expect(res.status()).toBe(201);
  return (await res.json()).activationCode;
}

export async function smsTo(request, phone) {
  const res = await request.get(`${RELAY}/dev/outbox?to=${encodeURIComponent(phone)}`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).filter((m) => m.channel === 'sms');
}

/** Waits for the email number `index` (0-based) to `address` and returns its text. */
export async function nthEmail(request, address, index) {
  let messages = [];
  await expect.poll(async () => {
    const res = await request.get(`${RELAY}/dev/outbox?to=${encodeURIComponent(address)}`);
    messages = (await res.json()).filter((m) => m.channel === 'email');
    return messages.length;
  }).toBeGreaterThan(index);
  return messages[index].text;
}

/** Waits for the SMS number `index` (0-based) to the phone and returns its text. */
export async function nthSms(request, phone, index) {
  let messages = [];
  await expect.poll(async () => (messages = await smsTo(request, phone)).length).toBeGreaterThan(index);
  return messages[index].text;
}

export function codeIn(sms) {
  const match = sms.match(/\b(\d{6})\b/);
  expect(match, `a 6-digit code in: ${sms}`).not.toBeNull();
  return match[1];
}

/**
 * POSTs JSON to the relay from `localAddress` (any 127.x.y.z reaches it on 127.0.0.1), waiting
 * out a 429 (Retry-After). Resolves `{ status, text, json() }`.
 */
export async function postFromAddress(localAddress, path, data, headers = {}) {
  for (;;) {
    const body = JSON.stringify(data);
    const res = await new Promise((resolve, reject) => {
      const req = httpRequest(`${RELAY}${path}`, {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      }, (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk) => { text += chunk; });
        answer.on('end', () => resolve({
          status: answer.statusCode, retryAfter: answer.headers['retry-after'], text,
          json: () => JSON.parse(text),
        }));
      });
      req.on('error', reject);
      req.end(body);
    });
    if (res.status !== 429) return res;
    await new Promise((r) => setTimeout(r, 1000 * Number(res.retryAfter ?? 5)));
  }
}

/**
 * Activation over the relay's API (for tests whose subject is signing, not activation). The
 * relay limits activations per client address and minute (30): each citizen activates from her
 * own loopback address, as citizens do from their own devices, so a suite that makes many
 * citizens quickly never spends the budget of 127.0.0.1 that the portal's tests use.
 */
export async function activateByApi(request, citizen, activationCode) {
  const from = citizen.address;
  const start = await postFromAddress(from, '/api/v1/activation/start', { idNumber: citizen.idNumber, activationCode });
  expect(start.status, start.text).toBe(200);
  const { activationId } = start.json();
  const smsCode = codeIn(await nthSms(request, citizen.phone, 0));
  const done = await postFromAddress(from, '/api/v1/activation/complete', {
    activationId, smsCode, password: citizen.password, acceptTerms: true,
  });
  expect(done.status, done.text).toBe(200);
}

/** `auth/login` over the relay's API; returns the bearer token's Authorization header. */
export async function loginByApi(request, citizen) {
  const basic = Buffer.from(`${citizen.idNumber}:${citizen.password}`).toString('base64');
  const res = await postFromAddress(citizen.address, '/csc/v2/auth/login', {}, { authorization: `Basic ${basic}` });
  expect(res.status, res.text).toBe(200);
  return { authorization: `Bearer ${res.json().access_token}` };
}

async function logoutByApi(request, headers) {
  await request.post(`${RELAY}/csc/v2/auth/revoke`, { headers, data: {} });
}

/**
 * Generates her cloud certificate over the relay's API (R15, R16), for tests whose subject is
 * not that step. `smsIndex`: which SMS to her phone carries the code (0 is the activation's).
 */
export async function generateCertificateByApi(request, citizen, smsIndex = 1) {
  const headers = await loginByApi(request, citizen);
  const start = await request.post(`${RELAY}/api/v1/credentials`, { headers, data: {} });
  expect(start.status(), await start.text()).toBe(202);
  const { challengeId } = await start.json();
  const sms = await nthSms(request, citizen.phone, smsIndex);
  // No Accept-Language on these API calls: the relay writes its default, Spanish.
  expect(sms).toContain('crear tu certificado de firma en la nube');
  const done = await request.post(`${RELAY}/api/v1/credentials/${challengeId}/confirm`, {
    headers, data: { smsCode: codeIn(sms) },
  });
  expect(done.status(), await done.text()).toBe(201);
  await logoutByApi(request, headers);
  return (await done.json()).credentialID;
}

/** Revokes all her credentials with her password, as she can herself (R24). */
export async function revokeCertificatesByApi(request, citizen) {
  const headers = await loginByApi(request, citizen);
  const list = await request.post(`${RELAY}/csc/v2/credentials/list`, { headers, data: { onlyValid: true } });
  expect(list.status()).toBe(200);
  for (const id of (await list.json()).credentialIDs) {
    const res = await request.post(`${RELAY}/api/v1/credentials/${id}/revoke`, {
      headers, data: { password: citizen.password },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await logoutByApi(request, headers);
}

/** A registered, activated citizen with a cloud certificate: SMS 0 activation, 1 certificate. */
export async function citizenWithCertificate(request) {
  const citizen = newCitizen();
  await activateByApi(request, citizen, await register(request, citizen));
  await generateCertificateByApi(request, citizen, 1);
  return citizen;
}

/** A code of six digits that is not `code`. */
export const wrongCode = (code) => (code === '000000' ? '111111' : '000000');

/**
 * The relay sends a new code for the same purpose at most once per 30 s per account. Waits (once,
 * and only as long as needed) until 31 s have passed since `since` (ms, from Date.now()).
 */
export async function waitForSmsWindow(page, since) {
  const left = since + 31_000 - Date.now();
  if (left > 0) await page.waitForTimeout(left);
}

export function opensslVerify(p7sPath, contentPath, extraArgs = []) {
  return spawnSync('openssl', [
    'cms', '-verify', '-binary', '-inform', 'DER', '-in', p7sPath, '-content', contentPath,
    '-CAfile', caPem, '-purpose', 'any', '-out', '/dev/null', ...extraArgs,
  ], { encoding: 'utf8' });
}

/**
 * Collects every Content-Security-Policy violation the page's documents report, across
 * navigations (a `securitypolicyviolation` listener added before any page script, reporting
 * through a binding the page's CSP does not govern), and every CSP refusal Chromium logs.
 * Returns the array it fills.
 */
export async function watchCspViolations(page) {
  const violations = [];
  await page.exposeBinding('__reportCspViolation', (_, text) => { violations.push(text); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    }, true);
  });
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  return violations;
}
