// The walking skeleton end to end: a citizen registered at the office activates her account,
// creates her cloud certificate at her first signature, signs a file in the demo portal with her
// cloud key, and openssl verifies the .p7s; then the refusals the widgets must explain.
//
// SMS to one phone, in order: 0 activation, 1 certificate, 2 signing, 3 … The relay sends a new
// code for the same purpose at most once per 30 s per account (certificate and signing codes
// are counted apart), so the tests that need a second code of one purpose wait for the window.
import { test, expect } from '@playwright/test';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  RELAY, newCitizen, register, activateByApi, nthSms, smsTo, codeIn, opensslVerify, operatorToken,
  citizenWithCertificate, revokeCertificatesByApi, wrongCode, waitForSmsWindow,
} from './helpers.mjs';

/** Picks the file, chooses the language and presses the portal's Sign button. */
async function startSigning(page, path, lang = 'en') {
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(path);
  await page.locator('#lang').selectOption(lang);
  await page.locator('#sign').click();
}

async function logIn(page, idNumber, password) {
  await page.locator('#nf-id').fill(idNumber);
  await page.locator('#nf-password').fill(password);
  await page.locator('#nf-submit').click();
}

/** Enters an SMS code in `input` and waits for the relay's answer to it. */
async function enterCode(page, input, code, urlPart) {
  await page.locator(input).fill(code);
  await Promise.all([
    page.waitForResponse((r) => r.url().includes(urlPart) && r.request().method() === 'POST'),
    page.locator('#nf-submit').click(),
  ]);
}

async function download(page, testInfo, name) {
  await expect(page.locator('#download')).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  expect(file.suggestedFilename()).toBe(name);
  const path = testInfo.outputPath(name);
  await file.saveAs(path);
  return path;
}

function signerSubject(signerPem) {
  return spawnSync('openssl', ['x509', '-in', signerPem, '-noout', '-subject', '-serial', '-nameopt', 'RFC2253'], { encoding: 'utf8' }).stdout;
}

const GENERIC_LOGIN_ES = 'DNI/NIE o contraseña incorrectos. Tras 5 fallos seguidos, la cuenta se bloquea.';
const GENERIC_LOGIN_EN = 'Wrong DNI/NIE or password. After 5 failures in a row, the account is blocked.';

// The main journey's citizen, for her second signature at the end of the file.
let returning = null;
// A citizen for the SMS-blocking test, prepared first so that her certificate code's 30 s window
// has passed by the time that test asks for a second certificate code.
let blockable = null;

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext();
  blockable = { citizen: await citizenWithCertificate(request), certificateSmsAt: Date.now() };
  await request.dispose();
});

test('a citizen creates her certificate at her first signature and openssl verifies the .p7s', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();

  // Registration as the officer does it, in the registry office page.
  await page.goto('/office.html');
  await page.locator('#token').fill(operatorToken());
  for (const field of ['idNumber', 'givenName', 'surname', 'birthDate', 'phone', 'email']) {
    await page.locator(`#${field}`).fill(citizen[field]);
  }
  await page.locator('#register button[type=submit]').click();
  const activationCode = (await page.locator('#activation-code').textContent()).trim();
  expect(activationCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);

  // Activation as the citizen does it, in the demo's activation page.
  await page.goto('/activate.html');
  await page.locator('#nf-id').fill(citizen.idNumber.toLowerCase());
  await page.locator('#nf-activation-code').fill(activationCode);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-sms-code')).toBeVisible();
  await page.locator('#nf-sms-code').fill(codeIn(await nthSms(request, citizen.phone, 0)));
  await page.locator('#nf-password').fill(citizen.password);
  // The terms must be accepted: said in the widget, nothing sent.
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toContainText('terms');
  await page.locator('#nf-terms').check();
  await page.locator('#nf-submit').click();
  await expect(page.locator('#result')).toContainText('active');

  // A document with a recognisable random payload, to look for in the traffic.
  const payload = `NUBEFIRMA-PAYLOAD-${randomBytes(48 * 1024).toString('hex')}`;
  const docPath = testInfo.outputPath('informe.txt');
  writeFileSync(docPath, payload);

  const relayRequests = [];
  page.on('request', (req) => {
    if (req.url().startsWith(RELAY)) relayRequests.push({ url: req.url(), body: req.postDataBuffer() ?? Buffer.alloc(0) });
  });

  await startSigning(page, docPath);
  await logIn(page, citizen.idNumber, citizen.password);

  // No certificate yet (R15): the widget explains it and offers to create one now.
  await expect(page.locator('#nf-generate')).toBeVisible();
  await expect(page.locator('#nubefirma h2')).toHaveText('You do not have a cloud certificate yet');
  await expect(page.locator('#nf-generate')).toHaveText('Create my certificate');
  await page.locator('#nf-generate').click();

  // Confirmed with an SMS code (R16), in a one-time-code field.
  const certCode = page.locator('#nf-cert-code');
  await expect(certCode).toBeVisible();
  await expect(certCode).toHaveAttribute('autocomplete', 'one-time-code');
  const certSms = await nthSms(request, citizen.phone, 1);
  expect(certSms).toContain('create your cloud signing certificate');
  await certCode.fill(codeIn(certSms));
  await page.locator('#nf-submit').click();

  // Then the signature goes on with the new certificate, without logging in again.
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-documents .nf-name')).toHaveText('informe.txt');
  await expect(page.locator('#nf-documents .nf-size')).toHaveText(/^\d+ KB$/);
  const sms = await nthSms(request, citizen.phone, 2);
  const signingSmsAt = Date.now();
  const shownCode = (await page.locator('#nf-vc').textContent()).trim();
  expect(shownCode).toMatch(/^\d{4}$/);
  expect(sms).toContain(`Verification code ${shownCode}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();

  const p7sPath = await download(page, testInfo, 'informe.txt.p7s');

  // openssl, which nobody here wrote, verifies signature, content and chain up to the relay's CA.
  const signerPem = testInfo.outputPath('signer.pem');
  const ok = opensslVerify(p7sPath, docPath, ['-signer', signerPem]);
  expect(ok.status, ok.stderr).toBe(0);
  expect(ok.stderr).toContain('Verification successful');
  const subject = signerSubject(signerPem);
  expect(subject).toContain(`IDCES-${citizen.idNumber}`);

  // One byte changed: the signature no longer verifies.
  const tampered = Buffer.from(readFileSync(docPath));
  tampered[100] ^= 0x01;
  const tamperedPath = testInfo.outputPath('informe-tampered.txt');
  writeFileSync(tamperedPath, tampered);
  const bad = opensslVerify(p7sPath, tamperedPath);
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/Verification failure|digest failure/i);

  // The document never left the browser: no request to the relay carries any of its bytes.
  // login, list, certificate start + confirm, info, sendOTP, authorize, signHash, revoke.
  expect(relayRequests.length).toBeGreaterThanOrEqual(9);
  expect(relayRequests.some(({ url }) => url.endsWith('/api/v1/credentials'))).toBeTruthy();
  const sample = payload.slice(5000, 5064);
  for (const { url, body } of relayRequests) {
    const text = body.toString('latin1');
    expect(text, url).not.toContain('NUBEFIRMA-PAYLOAD');
    expect(text, url).not.toContain(sample);
    expect(text, url).not.toContain(Buffer.from(sample).toString('base64').slice(0, 40));
    expect(body.length, url).toBeLessThan(4096);
  }

  returning = { citizen, signingSmsAt, smsSeen: 3, subject };
});

test('wrong DNI letter, a login limit, wrong password and wrong SMS code each get a clear message, then signing works', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const docPath = testInfo.outputPath('carta.txt');
  writeFileSync(docPath, `carta ${randomBytes(16).toString('hex')}`);

  await startSigning(page, docPath, 'en');
  const error = page.locator('#nf-error');

  const wrongLetter = citizen.idNumber.slice(0, 8) + (citizen.idNumber.endsWith('A') ? 'B' : 'A');
  await logIn(page, wrongLetter, citizen.password);
  await expect(error).toHaveText(`The letter does not match the number (it should be ${citizen.idNumber[8]}).`);

  // The relay limits logins per address (429 + Retry-After): the widget says how long to wait
  // and stays. Played here by the browser, since 60 real logins a minute would slow the suite.
  const loginUrl = `${RELAY}/csc/v2/auth/login`;
  await page.route(loginUrl, (route) => route.fulfill({
    status: 429,
    headers: {
      'content-type': 'application/json',
      'retry-after': '17',
      'access-control-allow-origin': 'http://127.0.0.1:8081',
      'access-control-expose-headers': 'retry-after',
    },
    body: JSON.stringify({ error: 'rate_limited', error_description: 'too many requests; try again in 17 s' }),
  }));
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(error).toHaveText('Too many attempts. Try again in 17 s.');
  await expect(page.locator('#nf-id')).toBeVisible();
  await page.unroute(loginUrl);

  await logIn(page, citizen.idNumber, 'not my password');
  await expect(error).toHaveText(GENERIC_LOGIN_EN);

  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  const sms = await nthSms(request, citizen.phone, 2);
  const right = codeIn(sms);
  await enterCode(page, '#nf-otp', wrongCode(right), '/credentials/authorize');
  // The successful login reset the password count: this is the first wrong entry since.
  await expect(error).toHaveText('Wrong code. 4 attempts left before the account is blocked.');

  await page.locator('#nf-otp').fill(right);
  await page.locator('#nf-submit').click();
  const p7sPath = await download(page, testInfo, 'carta.txt.p7s');
  const ok = opensslVerify(p7sPath, docPath);
  expect(ok.status, ok.stderr).toBe(0);
});

test('five wrong passwords get the one generic message, and then so does the right one', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();
  await activateByApi(request, citizen, await register(request, citizen));
  const docPath = testInfo.outputPath('x.txt');
  writeFileSync(docPath, 'x');

  await startSigning(page, docPath, 'es');
  const error = page.locator('#nf-error');
  const attempt = async (password) => {
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/csc/v2/auth/login') && r.request().method() === 'POST'),
      logIn(page, citizen.idNumber, password),
    ]);
    expect(answer.status()).toBe(401);
    await expect(error).toHaveText(GENERIC_LOGIN_ES);
    await expect(page.locator('#nf-password')).toHaveValue('');
  };
  for (let n = 1; n <= 5; n++) await attempt(`wrong password ${n}`);
  // Blocked now (R20), but a login never says so: a blocked account is no password oracle.
  await attempt(citizen.password);
  await expect(page.locator('#result')).toHaveText('');
  await expect(page.locator('#nf-id')).toBeVisible();
});

test('five wrong SMS codes, across two codes and two signing attempts, block the account', async ({ page, request }, testInfo) => {
  const { citizen, certificateSmsAt } = blockable;
  const docPath = testInfo.outputPath('y.txt');
  writeFileSync(docPath, `y ${randomBytes(8).toString('hex')}`);
  const error = page.locator('#nf-error');

  // First attempt: her certificate is there, so the signing code comes at once. One code takes
  // 3 wrong entries, then it is dead.
  await startSigning(page, docPath, 'en');
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  const signingCode = codeIn(await nthSms(request, citizen.phone, 2));
  await enterCode(page, '#nf-otp', wrongCode(signingCode), '/credentials/authorize');
  await expect(error).toHaveText('Wrong code. 4 attempts left before the account is blocked.');
  await enterCode(page, '#nf-otp', wrongCode(signingCode), '/credentials/authorize');
  await expect(error).toHaveText('Wrong code. 3 attempts left before the account is blocked.');
  await enterCode(page, '#nf-otp', wrongCode(signingCode), '/credentials/authorize');
  await expect(error).toHaveText('This code no longer works: ask for another. 2 attempts left before the account is blocked.');

  // A new signing code within 30 s: 429, and the widget says when, and stays.
  await page.locator('[data-action=resend]').click();
  await expect(error).toHaveText(/^You can ask for a new code in ([1-9]|[12][0-9]|30) s\.$/);
  await expect(page.locator('#nf-otp')).toBeVisible();
  await page.locator('[data-action=cancel]').click();
  await expect(page.locator('#nf-otp')).toHaveCount(0);

  // She revokes that certificate (R24); revoked ones are not offered (onlyValid), so the second
  // attempt offers to create a new one, and its code is the second code.
  await revokeCertificatesByApi(request, citizen);
  await waitForSmsWindow(page, certificateSmsAt);
  await startSigning(page, docPath, 'en');
  await logIn(page, citizen.idNumber, citizen.password);
  await page.locator('#nf-generate').click();
  await expect(page.locator('#nf-cert-code')).toBeVisible();
  const certSms = await nthSms(request, citizen.phone, 3);
  expect(certSms).toContain('create your cloud signing certificate');
  const certCode = codeIn(certSms);
  // A right password does not refill the second-factor budget.
  await enterCode(page, '#nf-cert-code', wrongCode(certCode), '/confirm');
  await expect(error).toHaveText('Wrong code. 1 attempt left before the account is blocked.');
  await enterCode(page, '#nf-cert-code', wrongCode(certCode), '/confirm');

  await expect(error).toHaveText('Your account is blocked after too many failed attempts. Reset your password to unblock it.');
  await expect(page.locator('#result')).toContainText('ERR_NUBEFIRMA_ACCOUNT_BLOCKED');
});

test('declining the certificate, before or after its code was sent, tells the portal ERR_NUBEFIRMA_NO_CREDENTIAL', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();
  await activateByApi(request, citizen, await register(request, citizen));
  const docPath = testInfo.outputPath('z.txt');
  writeFileSync(docPath, 'z');
  const result = page.locator('#result');

  // She asks for the certificate, gets the code, then cancels.
  await startSigning(page, docPath, 'ca');
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-generate')).toHaveText('Crea el meu certificat');
  await page.locator('#nf-generate').click();
  await expect(page.locator('#nf-cert-code')).toBeVisible();
  // The widgets speak Catalan, so the SMS does too.
  expect(await nthSms(request, citizen.phone, 1)).toContain('per crear el teu certificat de signatura al núvol');
  await page.locator('[data-action=cancel]').click();
  await expect(page.locator('#nf-error')).toHaveText("No s'ha signat: no tens cap certificat al núvol.");
  await expect(result).toContainText('ERR_NUBEFIRMA_NO_CREDENTIAL');

  // At once again: a new certificate code is not allowed yet (429); the widget says when and
  // stays, and declining it ends the journey the same way.
  await startSigning(page, docPath, 'ca');
  await logIn(page, citizen.idNumber, citizen.password);
  await page.locator('#nf-generate').click();
  await expect(page.locator('#nf-error')).toHaveText(/^Podràs demanar un codi nou d'aquí a \d+ s\.$/);
  await expect(page.locator('#nf-generate')).toBeVisible();
  await page.locator('[data-action=cancel]').click();
  await expect(result).toContainText('ERR_NUBEFIRMA_NO_CREDENTIAL');
  expect(await smsTo(request, citizen.phone)).toHaveLength(2);
});

test('with several certificates she chooses one by name and validity, and that one signs', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const docPath = testInfo.outputPath('eleccion.txt');
  writeFileSync(docPath, `eleccion ${randomBytes(16).toString('hex')}`);

  // A second valid certificate would take a second certificate code 30 s later; the browser
  // adds one to the relay's real answer instead, first in the list, so the real one must be
  // chosen. Signing with the made-up one would fail at the relay.
  let realId = null;
  await page.route(`${RELAY}/csc/v2/credentials/list`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    realId = json.credentialIDs[0];
    const other = structuredClone(json.credentialInfos[0]);
    other.credentialID = 'made-up-credential';
    other.cert.subjectDN = 'CN=OTRA PERSONA <b>X</b> - 00000000T,C=ES';
    other.cert.validTo = '20300101000000Z';
    other.cert.serialNumber = '0A0B';
    json.credentialIDs.unshift(other.credentialID);
    json.credentialInfos.unshift(other);
    await route.fulfill({ response, json });
  });

  await startSigning(page, docPath, 'es');
  await logIn(page, citizen.idNumber, citizen.password);
  const choices = page.locator('#nf-choose input[name=nf-credential]');
  await expect(choices).toHaveCount(2);
  await expect(choices.nth(0)).toBeChecked();
  await expect(page.locator('#nf-choose label').nth(0)).toContainText('OTRA PERSONA <b>X</b> - 00000000T');
  await expect(page.locator('#nf-choose label').nth(0)).toContainText('válido hasta el 01/01/2030');
  await expect(page.locator('#nf-choose label').nth(1)).toContainText(`ETXEBERRIA NÚÑEZ ANE - ${citizen.idNumber}`);
  await expect(page.locator('#nf-choose label').nth(1)).toContainText(/válido hasta el \d\d\/\d\d\/\d{4}/);
  await page.locator(`#nf-choose input[value="${realId}"]`).check();
  await page.locator('#nf-submit').click();

  await expect(page.locator('#nf-otp')).toBeVisible();
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
  await page.locator('#nf-submit').click();
  const p7sPath = await download(page, testInfo, 'eleccion.txt.p7s');
  const ok = opensslVerify(p7sPath, docPath);
  expect(ok.status, ok.stderr).toBe(0);
});

test('her second signature goes straight to the SMS code, with the same certificate', async ({ page, request }, testInfo) => {
  // Run alone, this test makes its own returning citizen.
  const { citizen, signingSmsAt, smsSeen, subject } = returning
    ?? { citizen: await citizenWithCertificate(request), signingSmsAt: 0, smsSeen: 2, subject: null };
  await waitForSmsWindow(page, signingSmsAt);
  const docPath = testInfo.outputPath('segunda.txt');
  writeFileSync(docPath, `segunda ${randomBytes(16).toString('hex')}`);

  await startSigning(page, docPath, 'en');
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-generate')).toHaveCount(0);
  await expect(page.locator('#nf-choose')).toHaveCount(0);
  const sms = await nthSms(request, citizen.phone, smsSeen);
  expect(sms).toContain('to sign 1 document(s)');
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();

  const p7sPath = await download(page, testInfo, 'segunda.txt.p7s');
  const signerPem = testInfo.outputPath('signer.pem');
  const ok = opensslVerify(p7sPath, docPath, ['-signer', signerPem]);
  expect(ok.status, ok.stderr).toBe(0);
  if (subject) expect(signerSubject(signerPem)).toBe(subject);
});
