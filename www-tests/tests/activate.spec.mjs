// Activation with the SDK's activate() widget (R12), as the demo's activation page embeds it,
// and a first password by SMS (R14): in Basque she asks for one, the SMS brings it, and at her
// first login the widget makes her choose her own before anything else — here before her
// first signature, which then goes on and openssl verifies.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { codeIn, newCitizen, nthSms, opensslVerify, register, wrongCode } from './helpers.mjs';
import { LANGS, audit, expectFits, startSigning } from './widget-helpers.mjs';

const OWN_PASSWORD = 'Nire-pasahitz-berria-9';

test('in Basque: a first password by SMS, changed at her first login, then her first signature', async ({ page, request }, testInfo) => {
  const citizen = newCitizen();
  const activationCode = await register(request, citizen);
  await page.goto('/activate.html?lang=eu');
  await expect(page.locator('#nf-title')).toHaveText('Aktibatu zure kontua');
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-activation-code').fill('AAAA-BBBB-CCCC');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('Aktibazio-kodea ez da zuzena. 4 saiakera geratzen zaizkizu.');
  await page.locator('#nf-activation-code').fill(activationCode);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-sms-code')).toBeVisible();
  const code = codeIn(await nthSms(request, citizen.phone, 0));
  await page.locator('#nf-sms-code').fill(wrongCode(code));
  await page.locator('#nf-password-by-sms').check();
  await page.locator('#nf-terms').check();
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('Kodea ez da zuzena. 4 saiakera geratzen zaizkizu.');
  await page.locator('#nf-sms-code').fill(code);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toContainText('SMS bidez doa');
  await expect(page.locator('#result')).toContainText('first password');
  const sms = await nthSms(request, citizen.phone, 1);
  expect(sms).toContain('lehen pasahitza');
  const first = sms.split(/\s+/).find((w) => /^[A-Za-z0-9]{12}$/.test(w));
  expect(first).toBeTruthy();

  // Her first login, to sign: the widget asks for her own password before anything else.
  const doc = testInfo.outputPath('eskaera.txt');
  writeFileSync(doc, `eskaera ${randomBytes(8).toString('hex')}`);
  await startSigning(page, doc, { lang: 'eu' });
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(first);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-title')).toHaveText('Aukeratu zure pasahitza');
  await page.locator('#nf-password').fill(first);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).not.toBeEmpty();
  await audit(page, 'eu: choose your own password, with an error');
  await page.locator('#nf-password').fill(OWN_PASSWORD);
  await page.locator('#nf-submit').click();
  // Then the journey goes on: her first certificate (R15), the SMS code, the signature.
  await expect(page.locator('#nf-generate')).toBeVisible();
  await page.locator('#nf-generate').click();
  await page.locator('#nf-cert-code').fill(codeIn(await nthSms(request, citizen.phone, 3)));
  await page.locator('#nf-submit').click();
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 4)));
  await page.locator('#nf-submit').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const p7s = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(p7s);
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);
});

for (const lang of LANGS) {
  test(`axe finds no violation in the activation widget, which fits at 320 px (${lang})`, async ({ page, request }) => {
    const citizen = newCitizen();
    const activationCode = await register(request, citizen);
    await page.setViewportSize({ width: 320, height: 900 });
    await page.goto(`/activate.html?lang=${lang}`);
    await expect(page.locator('#nf-activation-code')).toBeVisible();
    await audit(page, `${lang}: activation`);
    await page.locator('#nf-id').fill(citizen.idNumber);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).not.toBeEmpty();
    await audit(page, `${lang}: activation with an error`);
    await expectFits(page, `${lang}: activation with an error`);
    await page.locator('#nf-activation-code').fill(activationCode);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-terms')).toBeVisible();
    await audit(page, `${lang}: SMS code and password`);
    await page.locator('#nf-sms-code').fill(codeIn(await nthSms(request, citizen.phone, 0)));
    await page.locator('#nf-password').fill(citizen.password);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).not.toBeEmpty();
    await audit(page, `${lang}: SMS code and password, with an error`);
    await expectFits(page, `${lang}: SMS code and password, with an error`);
  });
}
