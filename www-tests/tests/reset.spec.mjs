// A forgotten password, as a blocked citizen meets it in the middle of signing (R20, R26): the
// login widget's "Forgot your password?" → her DNI/NIE → one code by SMS and one by email →
// both codes and a new password → back at the login, which now takes the new password; her old
// certificate was revoked with the old password, so she makes a new one and signs, and openssl
// verifies the signature. In Basque, SMS included, under the demo portal's strict CSP.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { codeIn, nthSms, nthEmail, opensslVerify, operatorToken, postFromAddress, waitForSmsWindow } from './helpers.mjs';
import { citizen as newCitizenFor, startSigning } from './widget-helpers.mjs';

const NEW_PASSWORD = 'Itsasargi-berria-2026';

test('a blocked citizen resets her password from the login widget, then makes a new certificate and signs', async ({ page, request }, testInfo) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  const certificateCodeSent = Date.now();
  // Five wrong passwords from her device block the account (R20).
  const wrong = Buffer.from(`${citizen.idNumber}:Ez-da-nirea-123`).toString('base64');
  for (let i = 0; i < 5; i++) {
    const res = await postFromAddress(citizen.address, '/csc/v2/auth/login', {}, { authorization: `Basic ${wrong}` });
    expect(res.status).toBe(401);
  }
  const violations = [];
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text()); });
  const doc = testInfo.outputPath('eskaera.txt');
  writeFileSync(doc, `eskaera ${randomBytes(8).toString('hex')}`);
  await startSigning(page, doc, { lang: 'eu' });

  // Her right password no longer opens the blocked account.
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).not.toBeEmpty();

  await page.locator('#nf-forgot').click();
  await expect(page.locator('#nf-title')).toHaveText('Berrezarri pasahitza');
  await expect(page.locator('#nf-id')).toHaveValue(citizen.idNumber);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-sms-code')).toBeVisible();
  await expect(page.locator('#nf-sms-code')).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(page.locator('#nf-password')).toHaveAttribute('autocomplete', 'new-password');
  // SMS 0 activation, 1 certificate, 2 this reset; the email brings the other code.
  const sms = await nthSms(request, citizen.phone, 2);
  expect(sms).toContain('pasahitza berrezartzeko');
  const email = await nthEmail(request, citizen.email, 0);
  expect(email).toContain('posta-kodea');
  await page.locator('#nf-sms-code').fill(codeIn(sms));
  await page.locator('#nf-email-code').fill(codeIn(email));
  // Too short a password is refused before anything is sent, and keeps the codes.
  await page.locator('#nf-password').fill('labur');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toContainText('8 karaktere');
  await expect(page.locator('#nf-sms-code')).toHaveValue(codeIn(sms));
  await page.locator('#nf-password').fill(NEW_PASSWORD);
  await page.locator('#nf-submit').click();

  // Back at the login: the new password opens the account.
  await expect(page.locator('#nf-status')).toHaveText('Pasahitza aldatu da. Sartu berriarekin.');
  expect(await nthSms(request, citizen.phone, 3)).toContain('pasahitza aldatu da');
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(NEW_PASSWORD);
  await page.locator('#nf-submit').click();
  // Her old certificate went with the old password: she makes a new one (R15) and signs.
  await expect(page.locator('#nf-generate')).toBeVisible();
  // One certificate code per 30 s per account: the first one went out at set-up.
  await waitForSmsWindow(page, certificateCodeSent);
  await page.locator('#nf-generate').click();
  await page.locator('#nf-cert-code').fill(codeIn(await nthSms(request, citizen.phone, 4)));
  await page.locator('#nf-submit').click();
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 5)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#download')).toBeVisible();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const p7s = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(p7s);
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);
  expect(violations).toEqual([]);
});

test('at the office: a new activation letter resets a forgotten password, and an account is revoked', async ({ page, request }) => {
  const citizen = await newCitizenFor(request);
  const activationSmsSent = Date.now();
  await page.goto('/office.html');
  await page.locator('#token').fill(operatorToken());
  await page.locator('#regenerateId').fill(citizen.idNumber);
  await page.locator('#regenerate button[type=submit]').click();
  const letter = (await page.locator('#new-activation-code').textContent()).trim();
  expect(letter).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  // The printable letter carries her ID, the code and where to activate.
  await expect(page.locator('#letter')).toBeVisible();
  await expect(page.locator('#letter-code')).toHaveText(letter);
  await expect(page.locator('#letter-id')).toHaveText(citizen.idNumber);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('#register')).toBeHidden();
  await expect(page.locator('#letter-code')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });

  // She activates again with the letter (SMS 0 was her first activation, 1 this one; one
  // activation SMS per 30 s).
  await waitForSmsWindow(page, activationSmsSent);
  await page.goto('/activate.html');
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-activation-code').fill(letter);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-sms-code')).toBeVisible();
  await page.locator('#nf-sms-code').fill(codeIn(await nthSms(request, citizen.phone, 1)));
  await page.locator('#nf-password').fill(NEW_PASSWORD);
  await page.locator('#nf-terms').check();
  await page.locator('#nf-submit').click();
  await expect(page.locator('#result')).toContainText('active');
  const login = (password) => postFromAddress(citizen.address, '/csc/v2/auth/login', {}, {
    authorization: `Basic ${Buffer.from(`${citizen.idNumber}:${password}`).toString('base64')}`,
  });
  expect((await login(citizen.password)).status).toBe(401);
  expect((await login(NEW_PASSWORD)).status).toBe(200);

  // The office revokes her account: no login any more, and she is told.
  await page.goto('/office.html');
  await page.locator('#token').fill(operatorToken());
  await page.locator('#revokeId').fill(citizen.idNumber);
  await page.locator('#revoke button[type=submit]').click();
  await expect(page.locator('#revoked')).toContainText('Revoked');
  expect((await login(NEW_PASSWORD)).status).toBe(401);
  // In the language she last activated in (the widget's: this browser's English), not the
  // operator's.
  expect(await nthSms(request, citizen.phone, 2)).toContain('have been revoked');
});
