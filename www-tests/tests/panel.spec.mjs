// The self-service panel (R26) as a citizen uses it from the demo sede's "Mi carpeta": the SDK's
// account() widget after her password. In Galician: a wrong current password is counted (R20),
// then the password changes and her certificate still signs; her email and her mobile change,
// each proved by the codes the relay sends (for the mobile, also to the current one); she
// revokes her certificate. In English: she revokes her whole account (R24) and can no longer
// log in. And axe finds no violation in any panel state, in every language, at 320 px.
import { test, expect } from '@playwright/test';
import { codeIn, nthEmail, nthSms, postFromAddress, waitForSmsWindow, watchCspViolations, wrongCode } from './helpers.mjs';
import { citizen as newCitizenFor, LANGS, audit, expectFits } from './widget-helpers.mjs';
import { STRINGS } from '../../demo-site/sede-i18n.js';

const NEW_PASSWORD = 'Novo-contrasinal-2026';

async function openPanel(page, citizen, lang) {
  await page.goto(`/sede-login.html?lang=${lang}`);
  await page.locator('#manage-account').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-change-password')).toBeVisible();
}

const apiLogin = (citizen, password) => postFromAddress(citizen.address, '/csc/v2/auth/login', {},
  { authorization: `Basic ${Buffer.from(`${citizen.idNumber}:${password}`).toString('base64')}` });

test('in Galician: change the password, the email and the mobile, and revoke the certificate', async ({ page, request }) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  const violations = await watchCspViolations(page);
  await openPanel(page, citizen, 'gl');
  await expect(page.locator('#nf-title')).toHaveText('A túa conta');
  await expect(page.locator('#nf-holder')).toContainText(citizen.idNumber);
  // Her contacts are masked by the relay: the last digits, never the whole number.
  await expect(page.locator('#nf-phone')).toContainText(citizen.phone.slice(-3));
  await expect(page.locator('#nf-phone')).not.toContainText(citizen.phone);
  await expect(page.locator('#nf-certs .nf-cert')).toHaveCount(1);
  await expect(page.locator('#nf-certs')).toContainText('vixente');

  // The password: a wrong current one is counted, then the change.
  await page.locator('#nf-change-password').click();
  await page.locator('#nf-current-password').fill('Non-e-o-meu-123');
  await page.locator('#nf-password').fill(NEW_PASSWORD);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('O contrasinal non é correcto. Quédanche 4 intentos antes do bloqueo.');
  await page.locator('#nf-current-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Contrasinal cambiado. Os teus certificados seguen valendo.');
  expect((await apiLogin(citizen, citizen.password)).status).toBe(401);
  expect((await apiLogin(citizen, NEW_PASSWORD)).status).toBe(200);

  // The email: a code to the new address.
  const newEmail = `novo.${citizen.email}`;
  await page.locator('#nf-change-email').click();
  await page.locator('#nf-contact').fill('non-é-un-correo');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('Ese enderezo de correo non é válido.');
  await page.locator('#nf-contact').fill(newEmail);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-code-new')).toBeVisible();
  const emailCodeSent = Date.now();
  await expect(page.locator('#nf-code-current')).toHaveCount(0);
  await page.locator('#nf-code-new').fill(codeIn(await nthEmail(request, newEmail, 0)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Correo cambiado.');
  await expect(page.locator('#nf-email')).toContainText('example.org');

  // The mobile: a code to the new one and one to the current one, which gets every signing code.
  // Contact changes share one code every 30 s per account: asked sooner, the widget says when.
  const newPhone = `7${citizen.phone.slice(1)}`;
  await page.locator('#nf-change-phone').click();
  await page.locator('#nf-contact').fill(newPhone);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText(/ \d+ s\.$/);
  await waitForSmsWindow(page, emailCodeSent);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-code-current')).toBeVisible();
  const toNew = codeIn(await nthSms(request, newPhone, 0));
  // SMS 0 activation, 1 certificate, 2 password changed, 3 this code to the current phone.
  const toCurrent = codeIn(await nthSms(request, citizen.phone, 3));
  await page.locator('#nf-code-new').fill(toNew);
  await page.locator('#nf-code-current').fill(wrongCode(toCurrent));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).not.toBeEmpty();
  await page.locator('#nf-code-new').fill(toNew);
  await page.locator('#nf-code-current').fill(toCurrent);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Móbil cambiado.');
  await expect(page.locator('#nf-phone')).toContainText(newPhone.slice(-3));
  await expect(page.locator('#nf-phone')).toContainText('7');

  // Revoke the certificate, with her (new) password again.
  await page.locator('#nf-certs button').click();
  await expect(page.locator('#nf-explain')).toContainText('deixará de asinar');
  await page.locator('#nf-password').fill(NEW_PASSWORD);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Certificado revogado.');
  await expect(page.locator('#nf-certs')).toContainText('revogado');
  await expect(page.locator('#nf-certs button')).toHaveCount(0);
  await page.locator('#nf-panel-close').click();
  await expect(page.locator('#nubefirma')).toBeEmpty();
  expect(violations).toEqual([]);
});

test('in English: she revokes her whole account and can no longer log in', async ({ page, request }) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  await openPanel(page, citizen, 'en');
  await page.locator('#nf-revoke-account').click();
  await expect(page.locator('#nf-explain')).toContainText('cannot be undone');
  // Back changes nothing.
  await page.locator('[data-action=cancel]').click();
  await expect(page.locator('#nf-revoke-account')).toBeVisible();
  await page.locator('#nf-revoke-account').click();
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Your account and your certificates are revoked.');
  await expect(page.locator('#status')).toHaveText(STRINGS.en.accountRevokedNote);
  expect((await apiLogin(citizen, citizen.password)).status).toBe(401);
  await page.locator('#nf-close').click();
  await expect(page.locator('#nubefirma')).toBeEmpty();
});

for (const lang of LANGS) {
  test(`axe finds no violation in the panel's states, which fit at 320 px (${lang})`, async ({ page, request }) => {
    const citizen = await newCitizenFor(request, { certificate: true });
    await page.setViewportSize({ width: 320, height: 900 });
    await openPanel(page, citizen, lang);
    await audit(page, `${lang}: panel`);
    await expectFits(page, `${lang}: panel`);
    await page.locator('#nf-change-password').click();
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).not.toBeEmpty();
    await audit(page, `${lang}: change password with an error`);
    await expectFits(page, `${lang}: change password with an error`);
    await page.locator('[data-action=cancel]').click();
    await page.locator('#nf-change-phone').click();
    await page.locator('#nf-contact').fill('12');
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).not.toBeEmpty();
    await audit(page, `${lang}: new mobile with an error`);
    await page.locator('#nf-contact').fill(`7${citizen.phone.slice(1)}`);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-code-current')).toBeVisible();
    await audit(page, `${lang}: mobile codes`);
    await expectFits(page, `${lang}: mobile codes`);
    await page.locator('[data-action=cancel]').click();
    await page.locator('#nf-revoke-account').click();
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-error')).not.toBeEmpty();
    await audit(page, `${lang}: confirm with the password, with an error`);
    await expectFits(page, `${lang}: confirm with the password, with an error`);
  });
}
