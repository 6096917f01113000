// Accessibility of every widget state in every language: axe-core finds no violation in the
// widgets' shadow root (login empty, with an error, with the caps-lock hint; certificate offer
// and code; chooser; SMS code, with an error, with "send another code" limited; progress;
// result), and the widgets reflow at 320 px wide and at 200 % zoom without horizontal
// scrolling, cut or overlapping controls. Everything runs under the demo portal's strict CSP.
//
// SMS: one code per purpose per 30 s per account, so each language takes two fresh citizens —
// one without a certificate (offer, certificate code) and one with (chooser … result), whose
// "send another code" right after the first code meets the relay's real 429.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { nthSms, codeIn, wrongCode } from './helpers.mjs';
import {
  citizen, citizen as newCitizenFor, LANGS, startSigning, logIn, audit, hold, withSecondCertificate, expectFits,
} from './widget-helpers.mjs';

function document(testInfo, name) {
  const path = testInfo.outputPath(name);
  writeFileSync(path, `${name} ${randomBytes(32).toString('hex')}`);
  return path;
}

for (const lang of LANGS) {
  test(`axe finds no violation in any widget state (${lang})`, async ({ page, request }, testInfo) => {
    const [newcomer, holder] = await Promise.all([
      citizen(request),
      citizen(request, { certificate: true }),
    ]);
    const doc = document(testInfo, 'solicitud.txt');
    const card = page.locator('#nubefirma .nf-card');
    const error = page.locator('#nf-error');

    // Login: empty, with an error, with the caps-lock hint.
    await startSigning(page, doc, { lang });
    await expect(card).toHaveAttribute('lang', lang);
    await audit(page, `${lang}: login`);
    const wrongLetter = newcomer.idNumber.slice(0, 8) + (newcomer.idNumber.endsWith('A') ? 'B' : 'A');
    await logIn(page, wrongLetter, newcomer.password);
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: login with an error`);
    await page.locator('#nf-password').dispatchEvent('keydown', { key: 'a', modifierCapsLock: true });
    await expect(page.locator('#nf-caps')).not.toBeEmpty();
    await audit(page, `${lang}: caps-lock hint`);

    // A forgotten password: the first step, then the codes and the new password (and an error).
    await page.locator('#nf-forgot').click();
    await expect(page.locator('#nf-explain')).toBeVisible();
    await audit(page, `${lang}: password reset`);
    await page.locator('#nf-id').fill(newcomer.idNumber);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-email-code')).toBeVisible();
    await audit(page, `${lang}: password reset codes`);
    await page.locator('#nf-submit').click();
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: password reset codes with an error`);
    await page.locator('[data-action=cancel]').click();
    await expect(page.locator('#nf-forgot')).toBeVisible();

    // No certificate: the offer, then its code.
    await logIn(page, newcomer.idNumber, newcomer.password);
    await expect(page.locator('#nf-generate')).toBeVisible();
    await audit(page, `${lang}: certificate offer`);
    await page.locator('#nf-generate').click();
    await expect(page.locator('#nf-cert-code')).toBeVisible();
    await expect(page.locator('#nf-expiry')).not.toBeEmpty();
    await audit(page, `${lang}: certificate code`);
    await page.locator('[data-action=cancel]').click();
    await expect(page.locator('#nf-close')).toBeVisible();
    await audit(page, `${lang}: the journey's end with an error`);

    // Her certificate and a made-up second one: the chooser, then the SMS code.
    const realId = await withSecondCertificate(page);
    await startSigning(page, doc, { lang });
    await logIn(page, holder.idNumber, holder.password);
    await expect(page.locator('#nf-choose')).toBeVisible();
    await audit(page, `${lang}: chooser`);
    await page.locator(`#nf-choose input[value="${realId()}"]`).check();
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-otp')).toBeVisible();
    await expect(page.locator('#nf-expiry')).not.toBeEmpty();
    await audit(page, `${lang}: SMS code`);
    const code = codeIn(await nthSms(request, holder.phone, 2));
    await page.locator('#nf-otp').fill(wrongCode(code));
    await page.locator('#nf-submit').click();
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: SMS code with an error`);
    await page.locator('#nf-resend').click();
    await expect(page.locator('#nf-resend')).toBeDisabled();
    await expect(page.locator('#nf-resend-wait')).toHaveText(/\d+ s/);
    await audit(page, `${lang}: send another code, limited`);

    // Progress (held at signHash), then the result.
    const release = await hold(page, '/signatures/signHash');
    await page.locator('#nf-otp').fill(code);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-files progress')).toHaveCount(1);
    await audit(page, `${lang}: progress`);
    await release();
    await expect(page.locator('#nf-done')).toBeVisible();
    await audit(page, `${lang}: result`);
    await expect(page.locator('#download')).toBeVisible();
  });
}

/** Login (empty and with an error), SMS code, "send another code" limited and the result. */
async function reflowJourney(page, request, testInfo, label) {
  const citizen = await newCitizenFor(request, { certificate: true });
  const docs = ['contrato-de-arrendamiento-de-vivienda-habitual-2026.txt', 'anexo.txt']
    .map((name) => document(testInfo, name));
  await startSigning(page, docs, { lang: 'es' });
  await expectFits(page, `${label} login`);
  await page.locator('#nf-id').fill('12345678A');
  await page.locator('#nf-password').fill('x');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).not.toBeEmpty();
  await expectFits(page, `${label} login with an error`);
  await logIn(page, citizen.idNumber, 'wrong password');
  await expect(page.locator('#nf-error')).toContainText('incorrectos');
  await expectFits(page, `${label} login with the long error`);
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expectFits(page, `${label} SMS code`);
  await page.locator('#nf-resend').click();
  await expect(page.locator('#nf-resend')).toBeDisabled();
  await expectFits(page, `${label} send another code, limited`);
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-done')).toBeVisible();
  await expectFits(page, `${label} result`);
}

test('at 320 px wide every control fits, none overlaps, nothing scrolls sideways', async ({ browser, request }, testInfo) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'es-ES' });
  const page = await context.newPage();
  await reflowJourney(page, request, testInfo, '320 px');
  await context.close();
});

test('at 200 % zoom (a 1280 px window: 640 CSS px at 2 device pixels each) the widgets reflow', async ({ browser, request }, testInfo) => {
  // Browser zoom halves the CSS pixels across the window and doubles the pixels per CSS pixel:
  // exactly this viewport and scale factor, with the page's own layout (no CSS zoom tricks).
  const context = await browser.newContext({
    viewport: { width: 640, height: 400 }, deviceScaleFactor: 2, locale: 'es-ES',
  });
  const page = await context.newPage();
  await reflowJourney(page, request, testInfo, '200 %');
  const ratio = await page.evaluate(() => window.devicePixelRatio);
  expect(ratio).toBe(2);
  await context.close();
});
