// The legacy coordinate card (R21) in the browser: an account the office gave a card (with the
// relay's own `office issue-card`) signs with the number at the position the widget asks — no
// SMS — and openssl verifies the signature; then, in her panel, she switches to SMS codes.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { opensslVerify, smsTo } from './helpers.mjs';
import { citizen as newCitizenFor, startSigning } from './widget-helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const relayBin = resolve(here, '..', '..', process.env.CARGO_TARGET_DIR ?? 'target', 'debug/nubefirma-relay');
const dataDir = resolve(here, '..', '.work/data');

function issueCard(idNumber) {
  const issued = spawnSync(relayBin, ['office', 'issue-card', '--data', dataDir, '--id', idNumber], { encoding: 'utf8' });
  expect(issued.status, issued.stderr).toBe(0);
  return JSON.parse(issued.stdout).numbers;
}

test('a coordinate card signs without an SMS, then she switches to SMS codes in her panel', async ({ page, request }, testInfo) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  const numbers = issueCard(citizen.idNumber);
  const smsBefore = (await smsTo(request, citizen.phone)).length;
  const doc = testInfo.outputPath('instancia.txt');
  writeFileSync(doc, `instancia ${randomBytes(8).toString('hex')}`);
  await startSigning(page, doc, { lang: 'es' });
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toContainText('tarjeta de coordenadas');
  const position = (await page.locator('#nf-status').textContent()).match(/\b([A-D][1-4])\b/)[1];
  await expect(page.locator('label[for=nf-otp]')).toHaveText(`Número en ${position} (3 cifras)`);
  // Two digits are not a card number: said at once, nothing sent.
  await page.locator('#nf-otp').fill('12');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('El número de la tarjeta tiene 3 cifras.');
  await page.locator('#nf-otp').fill(numbers[position]);
  await page.locator('#nf-submit').click();
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const p7s = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(p7s);
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);
  expect((await smsTo(request, citizen.phone)).length).toBe(smsBefore);

  // Her panel says she has a card, and switches her to SMS codes with her password.
  await page.goto('/sede-login.html?lang=es');
  await page.locator('#manage-account').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-second-factor')).toHaveText('Segundo factor: tarjeta de coordenadas');
  await page.locator('#nf-switch-sms').click();
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Desde ahora los códigos llegan por SMS.');
  await expect(page.locator('#nf-second-factor')).toHaveCount(0);
  await expect(page.locator('#nf-switch-sms')).toHaveCount(0);
});
