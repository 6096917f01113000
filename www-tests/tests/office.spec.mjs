// The registry office page as a named operator uses it (R7): she signs in with her password and
// the SMS code sent to her phone, then registers a citizen who showed a Spanish passport; a
// passport without a well-formed number is refused with the relay's reason, and nothing is lost
// from the form.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { codeIn, newCitizen, nthSms } from './helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const relayBin = resolve(here, '..', '..', process.env.CARGO_TARGET_DIR ?? 'target', 'debug/nubefirma-relay');
const dataDir = resolve(here, '..', '.work/data');

/** A named operator, added with the relay's own command on the running relay's database. */
function addOperator() {
  const operator = { name: `maite.${randomInt(1e6, 1e7)}`, phone: `6${randomInt(1e7, 1e8)}`, password: 'Mostrador-de-registro-7' };
  const added = spawnSync(relayBin, ['office', 'add-operator', '--data', dataDir, '--name', operator.name, '--phone', operator.phone], {
    env: { ...process.env, NUBEFIRMA_OPERATOR_PASSWORD: operator.password },
    encoding: 'utf8',
  });
  expect(added.status, added.stderr).toBe(0);
  return operator;
}

test('a named operator signs in with password and SMS code and registers a citizen who showed a passport', async ({ page, request }) => {
  const operator = addOperator();
  await page.goto('/office.html');
  await page.locator('#operatorName').fill(operator.name);
  await page.locator('#operatorPassword').fill('Not-her-password-1');
  await page.locator('#operator-login button').click();
  await expect(page.locator('#operator-status')).toContainText('Not signed in');
  await page.locator('#operatorPassword').fill(operator.password);
  await page.locator('#operator-login button').click();
  await expect(page.locator('#operator-confirm')).toBeVisible();
  await page.locator('#operatorCode').fill(codeIn(await nthSms(request, operator.phone, 0)));
  await page.locator('#operator-confirm button').click();
  await expect(page.locator('#operator-status')).toHaveText(`Signed in as ${operator.name}.`);

  const citizen = newCitizen();
  for (const field of ['idNumber', 'givenName', 'surname', 'phone', 'email']) {
    await page.locator(`#${field}`).fill(citizen[field]);
  }
  await page.locator('#birthDate').fill(citizen.birthDate);
  await page.locator('#idDocument').selectOption('passport');
  await page.locator('#passportNumber').fill('PA12345');
  await page.locator('#register button[type=submit]').click();
  await expect(page.locator('#result')).toContainText('passportNumber');
  await expect(page.locator('#givenName')).toHaveValue(citizen.givenName);
  await page.locator('#passportNumber').fill('paa123456');
  await page.locator('#register button[type=submit]').click();
  await expect(page.locator('#activation-code')).toHaveText(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
});
