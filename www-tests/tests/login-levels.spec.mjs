// Log in with nubefirma at a level (R1–R4, R27), on the demo sede's "Mi carpeta" page as a
// citizen meets it: the portal asks for the low level and she uses a PIN by SMS (identification
// only), or for the reinforced level and she gives her password and then an SMS code; the SDK
// brings back the relay's signed assertion, and the portal's own server (demo-site/
// portal-login.mjs, Node's crypto against the relay's JWKS) checks it before it greets her.
// The portal's server also refuses what an attacker would send it instead.
import { test, expect } from '@playwright/test';
import { codeIn, nthSms, postFromAddress, watchCspViolations, wrongCode } from './helpers.mjs';
import { citizen as newCitizenFor, LANGS, audit, expectFits } from './widget-helpers.mjs';
import { STRINGS } from '../../demo-site/sede-i18n.js';

const SITE = 'http://127.0.0.1:8081';

async function openFolder(page, lang) {
  await page.goto(`/sede-login.html?lang=${lang}`);
  await expect(page.locator('h1')).toHaveText(STRINGS[lang].loginTitle);
}

test('low level in Catalan: she identifies with a PIN by SMS, and the portal server greets her after checking the assertion', async ({ page, request }) => {
  const citizen = await newCitizenFor(request);
  const violations = await watchCspViolations(page);
  await openFolder(page, 'ca');
  await page.locator('#login-low').click();
  // The low level takes either key: the widget offers the PIN beside the password.
  await expect(page.locator('#nf-use-pin')).toHaveText('Identificar-me amb un PIN per SMS');
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-use-pin').click();
  await expect(page.locator('#nf-title')).toHaveText('Identificar-te amb un PIN');
  await expect(page.locator('#nf-id')).toHaveValue(citizen.idNumber);
  // Bad input is said in her language before anything is sent.
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('Escriu la data de naixement.');
  await page.locator('#nf-birth').fill(citizen.birthDate);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-pin')).toBeVisible();
  const sms = await nthSms(request, citizen.phone, 1);
  expect(sms).toContain('PIN per identificar-te');
  await page.locator('#nf-pin').fill(wrongCode(codeIn(sms)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText('PIN incorrecte. Et queden 2 intents.');
  await page.locator('#nf-pin').fill(codeIn(sms));
  await page.locator('#nf-submit').click();

  await expect(page.locator('#welcome')).toHaveText(`Hola, ${citizen.givenName} ${citizen.surname}.`);
  await expect(page.locator('#details')).toHaveText(`DNI/NIE ${citizen.idNumber} · nivell baix · amb PIN per SMS`);
  await expect(page.locator('#nubefirma')).toBeEmpty();
  expect(violations).toEqual([]);
});

test('reinforced level in Spanish: password, then the SMS code; no PIN is offered', async ({ page, request }) => {
  const citizen = await newCitizenFor(request);
  await openFolder(page, 'es');
  await page.locator('#login-reinforced').click();
  await expect(page.locator('#nf-id')).toBeVisible();
  await expect(page.locator('#nf-use-pin')).toHaveCount(0);
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-title')).toHaveText('Nivel reforzado: código SMS');
  const sms = await nthSms(request, citizen.phone, 1);
  expect(sms).toContain('nivel reforzado');
  // A wrong code counts toward her five entries (R20), and the widget says how many are left.
  await page.locator('#nf-otp').fill(wrongCode(codeIn(sms)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toContainText('4');
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#welcome')).toHaveText(`Hola, ${citizen.givenName} ${citizen.surname}.`);
  await expect(page.locator('#details')).toHaveText(
    `DNI/NIE ${citizen.idNumber} · nivel reforzado · con contraseña y código SMS`);
  // The page speaks another language on the spot, the greeting included.
  await page.locator('#lang').selectOption('eu');
  await expect(page.locator('#details')).toHaveText(
    `NAN/AIZ ${citizen.idNumber} · maila: indartua · pasahitzarekin eta SMS kodearekin`);
});

test('the portal server accepts a real assertion once, and refuses a replayed, tampered or foreign one', async ({ request }) => {
  const citizen = await newCitizenFor(request);
  const basic = Buffer.from(`${citizen.idNumber}:${citizen.password}`).toString('base64');
  const login = await postFromAddress(citizen.address, '/csc/v2/auth/login', {}, { authorization: `Basic ${basic}` });
  expect(login.status, login.text).toBe(200);
  const auth = { authorization: `Bearer ${login.json().access_token}` };
  const assertionFor = async (nonce, origin = SITE) => {
    const answer = await postFromAddress(citizen.address, '/api/v1/identity/assertion', { level: 'low', nonce }, { ...auth, origin });
    return answer;
  };
  const nonceOf = async () => {
    const res = await request.post('/portal/login/nonce', { data: { level: 'low' } });
    expect(res.status()).toBe(200);
    return (await res.json()).nonce;
  };

  // The relay gives no assertion to a page of an origin it does not serve.
  expect((await assertionFor('n0nce-for-another-portal', 'https://evil.example')).status).toBe(403);

  const real = (await assertionFor(await nonceOf())).json().assertion;
  const accepted = await request.post('/portal/login/session', { data: { assertion: real } });
  expect(accepted.status()).toBe(200);
  expect(await accepted.json()).toMatchObject({ idNumber: citizen.idNumber, level: 'low', methods: ['pwd'] });
  // Replayed: the nonce was spent.
  expect((await request.post('/portal/login/session', { data: { assertion: real } })).status()).toBe(400);

  // Made for another login's nonce.
  const stale = (await assertionFor('a-nonce-this-browser-never-had')).json().assertion;
  await nonceOf();
  expect((await request.post('/portal/login/session', { data: { assertion: stale } })).status()).toBe(401);

  // Claims changed after signing: another person's ID number.
  const nonce = await nonceOf();
  const [header, payload, signature] = (await assertionFor(nonce)).json().assertion.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  claims.id_number = '00000000T';
  const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  expect((await request.post('/portal/login/session', { data: { assertion: forged } })).status()).toBe(401);

  // "alg: none" with no signature.
  await nonceOf();
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
  expect((await request.post('/portal/login/session', { data: { assertion: none } })).status()).toBe(401);
});

for (const lang of LANGS) {
  test(`axe finds no violation in the PIN and reinforced-level widgets, which fit at 320 px (${lang})`, async ({ page, request }) => {
    const [pinHolder, reinforced] = await Promise.all([newCitizenFor(request), newCitizenFor(request)]);
    await page.setViewportSize({ width: 320, height: 800 });
    const error = page.locator('#nf-error');
    await openFolder(page, lang);
    await page.locator('#login-low').click();
    await expect(page.locator('#nf-use-pin')).toBeVisible();
    await audit(page, `${lang}: login offering the PIN`);
    await expectFits(page, `${lang}: login offering the PIN`);
    await page.locator('#nf-use-pin').click();
    await expect(page.locator('#nf-birth')).toBeVisible();
    await audit(page, `${lang}: PIN request`);
    await page.locator('#nf-submit').click();
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: PIN request with an error`);
    await expectFits(page, `${lang}: PIN request with an error`);
    await page.locator('#nf-id').fill(pinHolder.idNumber);
    await page.locator('#nf-birth').fill(pinHolder.birthDate);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-pin')).toBeVisible();
    await audit(page, `${lang}: PIN`);
    await page.locator('#nf-pin').fill('12');
    await page.locator('#nf-submit').click();
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: PIN with an error`);
    await expectFits(page, `${lang}: PIN with an error`);
    // Back to the password from the PIN request.
    await page.locator('#nf-resend').click();
    await page.locator('#nf-use-password').click();
    await expect(page.locator('#nf-password')).toBeVisible();
    await page.locator('[data-action=cancel]').click();
    await expect(page.locator('#failure')).toHaveText(STRINGS[lang].errLoginCancelled);

    await page.locator('#login-reinforced').click();
    await page.locator('#nf-id').fill(reinforced.idNumber);
    await page.locator('#nf-password').fill(reinforced.password);
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-otp')).toBeVisible();
    await expect(page.locator('#nf-expiry')).not.toBeEmpty();
    await audit(page, `${lang}: reinforced level code`);
    await page.locator('#nf-otp').fill(wrongCode(codeIn(await nthSms(request, reinforced.phone, 1))));
    await page.locator('#nf-submit').click();
    await expect(error).not.toBeEmpty();
    await audit(page, `${lang}: reinforced level code with an error`);
    await expectFits(page, `${lang}: reinforced level code with an error`);
  });
}
