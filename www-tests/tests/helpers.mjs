// Helpers shared by the end-to-end tests: citizens, the dev SMS outbox, openssl.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
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
  };
}

export const operatorToken = () => readFileSync(`${dataDir}operator.token`, 'utf8').trim();

export async function register(request, citizen) {
  const res = await request.post(`${RELAY}/office/v1/citizens`, {
    headers: { authorization: `Bearer ${operatorToken()}` },
    data: citizen,
  });
  expect(res.status()).toBe(201);
  return (await res.json()).activationCode;
}

export async function smsTo(request, phone) {
  const res = await request.get(`${RELAY}/dev/outbox?to=${encodeURIComponent(phone)}`);
  expect(res.ok()).toBeTruthy();
  return (await res.json()).filter((m) => m.channel === 'sms');
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

/** Activation over the relay's API (for tests whose subject is signing, not activation). */
export async function activateByApi(request, citizen, activationCode) {
  const start = await request.post(`${RELAY}/api/v1/activation/start`, {
    data: { idNumber: citizen.idNumber, activationCode },
  });
  expect(start.status()).toBe(200);
  const { activationId } = await start.json();
  const smsCode = codeIn(await nthSms(request, citizen.phone, 0));
  const done = await request.post(`${RELAY}/api/v1/activation/complete`, {
    data: { activationId, smsCode, password: citizen.password, acceptTerms: true },
  });
  expect(done.status()).toBe(200);
}

export function opensslVerify(p7sPath, contentPath, extraArgs = []) {
  return spawnSync('openssl', [
    'cms', '-verify', '-binary', '-inform', 'DER', '-in', p7sPath, '-content', contentPath,
    '-CAfile', caPem, '-purpose', 'any', '-out', '/dev/null', ...extraArgs,
  ], { encoding: 'utf8' });
}
