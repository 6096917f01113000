// The walking skeleton end to end: a citizen registered at the office activates her account,
// signs a file in the demo portal with her cloud key, and openssl verifies the .p7s.
import { test, expect } from '@playwright/test';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  RELAY, newCitizen, register, activateByApi, nthSms, codeIn, opensslVerify, operatorToken,
} from './helpers.mjs';

/** Picks the file, chooses the language and presses the portal's Sign button. */
async function startSigning(page, path, lang = 'en') {
  await page.goto('/');
  await page.locator('#file').setInputFiles(path);
  await page.locator('#lang').selectOption(lang);
  await page.locator('#sign').click();
}

async function logIn(page, idNumber, password) {
  await page.locator('#nf-id').fill(idNumber);
  await page.locator('#nf-password').fill(password);
  await page.locator('#nf-submit').click();
}

test('a citizen signs a file in the browser and openssl verifies the .p7s', async ({ page, request }, testInfo) => {
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
  await page.locator('#idNumber').fill(citizen.idNumber.toLowerCase());
  await page.locator('#activationCode').fill(activationCode);
  await page.locator('#start button[type=submit]').click();
  await expect(page.locator('#complete')).toBeVisible();
  await page.locator('#smsCode').fill(codeIn(await nthSms(request, citizen.phone, 0)));
  await page.locator('#password').fill(citizen.password);
  await page.locator('#acceptTerms').check();
  await page.locator('#complete button[type=submit]').click();
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

  // The OTP widget names the document and shows the verification code the SMS repeats.
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-documents')).toHaveText('informe.txt');
  const sms = await nthSms(request, citizen.phone, 1);
  const shownCode = (await page.locator('#nf-vc').textContent()).trim();
  expect(shownCode).toMatch(/^\d{4}$/);
  expect(sms).toContain(`Verification code ${shownCode}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();

  await expect(page.locator('#download')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  expect(download.suggestedFilename()).toBe('informe.txt.p7s');
  const p7sPath = testInfo.outputPath('informe.txt.p7s');
  await download.saveAs(p7sPath);

  // openssl, which nobody here wrote, verifies signature, content and chain up to the relay's CA.
  const signerPem = testInfo.outputPath('signer.pem');
  const ok = opensslVerify(p7sPath, docPath, ['-signer', signerPem]);
  expect(ok.status, ok.stderr).toBe(0);
  expect(ok.stderr).toContain('Verification successful');
  const subject = spawnSync('openssl', ['x509', '-in', signerPem, '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' });
  expect(subject.stdout).toContain(`IDCES-${citizen.idNumber}`);

  // One byte changed: the signature no longer verifies.
  const tampered = Buffer.from(readFileSync(docPath));
  tampered[100] ^= 0x01;
  const tamperedPath = testInfo.outputPath('informe-tampered.txt');
  writeFileSync(tamperedPath, tampered);
  const bad = opensslVerify(p7sPath, tamperedPath);
  expect(bad.status).not.toBe(0);
  expect(bad.stderr).toMatch(/Verification failure|digest failure/i);

  // The document never left the browser: no request to the relay carries any of its bytes.
  expect(relayRequests.length).toBeGreaterThanOrEqual(6);
  const sample = payload.slice(5000, 5064);
  for (const { url, body } of relayRequests) {
    const text = body.toString('latin1');
    expect(text, url).not.toContain('NUBEFIRMA-PAYLOAD');
    expect(text, url).not.toContain(sample);
    expect(text, url).not.toContain(Buffer.from(sample).toString('base64').slice(0, 40));
    expect(body.length, url).toBeLessThan(4096);
  }
});

test('wrong DNI letter, wrong password and wrong SMS code each get a clear message, then signing works', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();
  await activateByApi(request, citizen, await register(request, citizen));
  const docPath = testInfo.outputPath('carta.txt');
  writeFileSync(docPath, `carta ${randomBytes(16).toString('hex')}`);

  await startSigning(page, docPath, 'en');
  const error = page.locator('#nf-error');

  const wrongLetter = citizen.idNumber.slice(0, 8) + (citizen.idNumber.endsWith('A') ? 'B' : 'A');
  await logIn(page, wrongLetter, citizen.password);
  await expect(error).toHaveText(`The letter does not match the number (it should be ${citizen.idNumber[8]}).`);

  await logIn(page, citizen.idNumber, 'not my password');
  await expect(error).toHaveText('Wrong DNI/NIE or password. 4 attempts left before the account is blocked.');

  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  const sms = await nthSms(request, citizen.phone, 1);
  const right = codeIn(sms);
  const wrong = right === '000000' ? '111111' : '000000';
  await page.locator('#nf-otp').fill(wrong);
  await page.locator('#nf-submit').click();
  // The successful login reset the counter: this is the first wrong entry since.
  await expect(error).toHaveText('Wrong or expired code. 4 attempts left before the account is blocked.');

  await page.locator('#nf-otp').fill(right);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#download')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const p7sPath = testInfo.outputPath('carta.txt.p7s');
  await download.saveAs(p7sPath);
  const ok = opensslVerify(p7sPath, docPath);
  expect(ok.status, ok.stderr).toBe(0);
});

test('the fifth wrong password blocks the account and the portal is told so', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();
  await activateByApi(request, citizen, await register(request, citizen));
  const docPath = testInfo.outputPath('x.txt');
  writeFileSync(docPath, 'x');

  await startSigning(page, docPath, 'es');
  const error = page.locator('#nf-error');
  for (let left = 4; left >= 0; left--) {
    await logIn(page, citizen.idNumber, `wrong password ${left}`);
    await expect(error).toHaveText(`DNI/NIE o contraseña incorrectos. Te quedan ${left} intentos antes del bloqueo.`);
  }
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(error).toContainText('Tu cuenta está bloqueada');
  await expect(page.locator('#result')).toContainText('ERR_NUBEFIRMA_ACCOUNT_BLOCKED');
});
