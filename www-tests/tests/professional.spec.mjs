// The professional certificate in the browser (R6, R13): an entity and its administrator made
// with the relay's own commands; she signs in on the demo's entity page and invites a new
// employee; the employee follows the link of the email (the relay's own, to the demo's
// /professional page) and does the six steps in Catalan with one wrong code and one wrong date,
// then signs on the demo's signing page with her professional certificate, which openssl
// verifies and reads O, organizationIdentifier and title from. An employee who already has an
// account is asked for its current password instead. axe and 320 px on every step's form in
// the five languages.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { RELAY, codeIn, newCitizen, nthEmail, nthSms, opensslVerify, wrongCode } from './helpers.mjs';
import { LANGS, audit, citizen as activeCitizen, expectFits, logIn, startSigning } from './widget-helpers.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const relayBin = resolve(here, '..', '..', process.env.CARGO_TARGET_DIR ?? 'target', 'debug/nubefirma-relay');
const dataDir = resolve(here, '..', '.work/data');
const SITE = 'http://127.0.0.1:8081';

function office(args, env = {}) {
  const run = spawnSync(relayBin, ['office', ...args, '--data', dataDir], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
}

/** An entity and its administrator, made with the relay's own commands on its database. */
function entityWithAdmin() {
  const n = randomInt(1e6, 1e7);
  const entity = { name: `Ajuntament de Prova ${n}`, orgIdentifier: `VATES-P${n}J` };
  office(['add-entity', '--name', entity.name, '--org-identifier', entity.orgIdentifier]);
  const admin = { name: `laura.${n}`, phone: `6${randomInt(1e7, 1e8)}`, password: 'Administradora-de-personal-3' };
  office(['add-entity-admin', '--entity', entity.orgIdentifier, '--name', admin.name, '--phone', admin.phone], {
    NUBEFIRMA_OPERATOR_PASSWORD: admin.password,
  });
  return { entity, admin };
}

/** The link of the invitation email to `email`: the relay's, to this demo's /professional. */
async function invitationLink(request, email) {
  const text = await nthEmail(request, email, 0);
  const match = text.match(/(http:\/\/\S+\/professional#invitation=[\w-]+&token=[\w-]+)/);
  expect(match, `a link in: ${text}`).not.toBeNull();
  expect(match[1].startsWith(`${SITE}/professional#`)).toBeTruthy();
  return match[1];
}

/** A date n days from today, as YYYY-MM-DD. */
const daysFromNow = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test('an administrator invites a new employee, who does the six steps in Catalan and signs with her professional certificate', async ({ browser, page, request }, testInfo) => {
  const { entity, admin } = entityWithAdmin();
  const employee = { ...newCitizen(), idDocumentExpiry: daysFromNow(900), role: 'Tècnica de medi ambient' };

  // The administrator: password, SMS code, the invitation.
  await page.goto('/entity.html');
  await page.locator('#adminName').fill(admin.name);
  await page.locator('#adminPassword').fill(admin.password);
  await page.locator('#admin-login button').click();
  await page.locator('#adminCode').fill(codeIn(await nthSms(request, admin.phone, 0)));
  await page.locator('#admin-confirm button').click();
  await expect(page.locator('#admin-status')).toHaveText(`Signed in as ${admin.name}.`);
  for (const field of ['idNumber', 'givenName', 'surname', 'email', 'phone', 'role']) {
    await page.locator(`#${field}`).fill(employee[field]);
  }
  await page.locator('#birthDate').fill(employee.birthDate);
  await page.locator('#idDocumentExpiry').fill(employee.idDocumentExpiry);
  await page.locator('#lang').selectOption('ca');
  await page.locator('#invite button[type=submit]').click();
  await expect(page.locator('#invited')).toContainText('Invited');
  const row = page.locator('#invitations tbody tr').filter({ hasText: employee.idNumber });
  await expect(row).toContainText('pending');

  // The employee, in her own Catalan browser, from the email's link.
  const link = await invitationLink(request, employee.email);
  const context = await browser.newContext({ locale: 'ca-ES' });
  const her = await context.newPage();
  await her.goto(link);
  await expect(her.locator('#nf-title')).toHaveText('El teu certificat professional');
  // The token left the address bar (and the history) as soon as the page read it.
  expect(new URL(her.url()).hash).toBe('');
  await expect(her.locator('#nf-step')).toHaveText('Pas 2 de 6');
  await her.locator('#nf-submit').click();
  const code = codeIn(await nthSms(request, employee.phone, 0));
  await her.locator('#nf-registration-code').fill(wrongCode(code));
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-error')).toHaveText('Codi incorrecte. Et queden 2 intents.');
  await her.locator('#nf-registration-code').fill(code);
  await her.locator('#nf-submit').click();

  await expect(her.locator('#nf-step')).toHaveText('Pas 3 de 6');
  await her.locator('#nf-id-expiry').fill(daysFromNow(901));
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-error')).toHaveText(
    "No és la data que va donar la teva entitat. Et queden 2 intents abans que s'anul·li la invitació.",
  );
  // What she typed stays, to be corrected.
  await expect(her.locator('#nf-id-expiry')).toHaveValue(daysFromNow(901));
  await her.locator('#nf-id-expiry').fill(employee.idDocumentExpiry);
  await her.locator('#nf-submit').click();

  await expect(her.locator('#nf-title')).toHaveText('Tria la teva contrasenya');
  await expect(her.locator('#nf-password')).toHaveAttribute('autocomplete', 'new-password');
  await her.locator('#nf-password').fill(employee.password);
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-title')).toHaveText("Condicions d'ús");
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-error')).toHaveText("Per obtenir el certificat has d'acceptar les condicions d'ús.");
  await her.locator('#nf-terms').check();
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-step')).toHaveText('Pas 6 de 6');
  await her.locator('#nf-issuance-code').fill(codeIn(await nthSms(request, employee.phone, 1)));
  await her.locator('#nf-submit').click();
  await expect(her.locator('#nf-status')).toHaveText(
    'El teu compte és actiu i el certificat professional, a punt. Entra amb la contrasenya per signar-hi.',
  );
  await expect(her.locator('#result')).toContainText('your account is active');

  // The administrator sees it issued.
  await page.locator('#refresh').click();
  await expect(row).toContainText('issued');

  // Her first signature: the professional certificate is her only one.
  const doc = testInfo.outputPath('informe.txt');
  writeFileSync(doc, `informe ${randomBytes(8).toString('hex')}`);
  await startSigning(her, doc, { lang: 'ca' });
  await logIn(her, employee.idNumber, employee.password);
  await her.locator('#nf-otp').fill(codeIn(await nthSms(request, employee.phone, 2)));
  await her.locator('#nf-submit').click();
  const [file] = await Promise.all([her.waitForEvent('download'), her.locator('#download').click()]);
  const p7s = testInfo.outputPath(file.suggestedFilename());
  await file.saveAs(p7s);
  const verified = opensslVerify(p7s, doc);
  expect(verified.status, verified.stderr).toBe(0);

  // The signer's certificate names the entity, its identifier and her role.
  const certs = spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-in', p7s, '-print_certs'], { encoding: 'utf8' });
  expect(certs.status, certs.stderr).toBe(0);
  const signerPem = certs.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
    .find((pem) => {
      const subject = spawnSync('openssl', ['x509', '-noout', '-subject'], { input: pem, encoding: 'utf8' }).stdout;
      return subject.includes(employee.idNumber);
    });
  expect(signerPem, 'the signer certificate in the .p7s').toBeTruthy();
  const subject = spawnSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'], { input: signerPem, encoding: 'utf8' });
  expect(subject.status, subject.stderr).toBe(0);
  expect(subject.stdout).toContain(`O=${entity.name}`);
  expect(subject.stdout).toContain(`organizationIdentifier=${entity.orgIdentifier}`);
  expect(subject.stdout).toContain(`title=${employee.role}`);
  await context.close();
});

/** The administrator's session over the API, as entity.html gets it. */
async function adminSession(request, admin) {
  const login = await request.post(`${RELAY}/office/v1/login`, { data: { name: admin.name, password: admin.password } });
  expect(login.ok(), await login.text()).toBeTruthy();
  const { loginId } = await login.json();
  const confirmed = await request.post(`${RELAY}/office/v1/login/${loginId}/confirm`, {
    data: { smsCode: codeIn(await nthSms(request, admin.phone, 0)) },
  });
  expect(confirmed.ok(), await confirmed.text()).toBeTruthy();
  return { authorization: `Bearer ${(await confirmed.json()).access_token}` };
}

test('an employee who already has an account is asked for its current password, and the certificate goes on it', async ({ page, request }) => {
  const { admin } = entityWithAdmin();
  const auth = await adminSession(request, admin);
  const employee = await activeCitizen(request);
  const expiry = daysFromNow(400);
  const invited = await request.post(`${RELAY}/entity/v1/invitations`, {
    headers: auth,
    data: {
      idNumber: employee.idNumber, givenName: 'Otro', surname: 'Nombre', birthDate: employee.birthDate,
      idDocumentExpiry: expiry, email: `trabajo.${employee.email}`, phone: employee.phone, role: 'Inspectora', lang: 'en',
    },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const link = await invitationLink(request, `trabajo.${employee.email}`);
  // Her activation sent SMS 0: the invitation's codes come after it.
  await page.goto(link.replace('/professional#', '/professional?lang=en#'));
  await page.locator('#nf-submit').click();
  await page.locator('#nf-registration-code').fill(codeIn(await nthSms(request, employee.phone, 1)));
  await page.locator('#nf-submit').click();
  await page.locator('#nf-id-expiry').fill(expiry);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-title')).toHaveText("Your account's password");
  await expect(page.locator('#nf-explain')).toContainText('You already have a nubefirma account');
  await expect(page.locator('#nf-password')).toHaveAttribute('autocomplete', 'current-password');
  await page.locator('#nf-password').fill('not her password');
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toContainText('attempts left before the account is blocked');
  await expect(page.locator('#nf-password')).toHaveValue('');
  await audit(page, 'en: her current password, with an error');
  await page.locator('#nf-password').fill(employee.password);
  await page.locator('#nf-submit').click();
  await page.locator('#nf-terms').check();
  await page.locator('#nf-submit').click();
  await page.locator('#nf-issuance-code').fill(codeIn(await nthSms(request, employee.phone, 2)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-status')).toHaveText('Your professional certificate is ready. You can sign with it now.');
  await expect(page.locator('#result')).toContainText('beside your other certificates');
});

test('a withdrawn invitation ends the journey with one clear message', async ({ page, request }) => {
  const { admin } = entityWithAdmin();
  const auth = await adminSession(request, admin);
  const employee = newCitizen();
  const invited = await request.post(`${RELAY}/entity/v1/invitations`, {
    headers: auth,
    data: { ...employee, idDocumentExpiry: daysFromNow(100), role: 'Auxiliar', lang: 'es', address: undefined, password: undefined },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const link = await invitationLink(request, employee.email);
  const { invitationId } = await invited.json();
  const withdrawn = await request.post(`${RELAY}/entity/v1/invitations/${invitationId}/withdraw`, { headers: auth });
  expect(withdrawn.status()).toBe(200);
  await page.goto(link.replace('/professional#', '/professional?lang=es#'));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-error')).toHaveText(
    'Esta invitación ya no se puede usar: caducó, se retiró, ya se usó o sus pasos quedaron a medias. Pide una nueva a tu entidad.',
  );
  await expect(page.locator('#result')).toContainText('ask your entity for a new one');
});

/**
 * The relay's answers to the six steps, made up in the page (no relay call, so five languages
 * cost the per-address budget nothing): a wrong code, a wrong date and a final wrong code, so
 * every form can be looked at with an error in it.
 */
async function fakeSteps(page) {
  const cors = {
    'access-control-allow-origin': SITE,
    'access-control-allow-headers': 'content-type, accept-language',
    'access-control-allow-methods': 'POST',
  };
  const json = (status, body) => ({ status, headers: { ...cors, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const wrong = (error, left, live) => ({ error, error_description: 'wrong', attemptsLeft: left, ...(live === undefined ? {} : { codeLive: live }) });
  await page.route((url) => url.href.startsWith(`${RELAY}/api/v1/professional/`), (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
    const step = new URL(request.url()).pathname.split('/').pop();
    const body = request.postDataJSON();
    const next = { start: 'sms', sms: 'identity', identity: 'password', password: 'terms', terms: 'complete', complete: 'confirm', confirm: 'nothing' }[step];
    if ((step === 'sms' || step === 'confirm') && body.code === '000000') return route.fulfill(json(400, wrong('invalid_otp', 2, true)));
    if (step === 'identity' && body.idDocumentExpiry === '2031-01-01') return route.fulfill(json(400, wrong('invalid_request', 2)));
    return route.fulfill(json(200, {
      step, next,
      ...(step === 'identity' ? { newAccount: true } : {}),
      ...(step === 'start' || step === 'complete' ? { expiresIn: 300 } : {}),
      ...(step === 'confirm' ? { credentialID: 'made-up' } : {}),
    }));
  });
}

for (const lang of LANGS) {
  test(`axe finds no violation in the professional certificate's forms, which fit at 320 px (${lang})`, async ({ page }) => {
    await fakeSteps(page);
    await page.setViewportSize({ width: 320, height: 900 });
    await page.goto(`/professional?lang=${lang}#invitation=aW52aXRhdGlvbg&token=dG9rZW4tZm9yLWF4ZQ`);
    const look = async (state) => {
      await audit(page, `${lang}: ${state}`);
      await expectFits(page, `${lang}: ${state}`);
    };
    const withError = async (state) => {
      await page.locator('#nf-submit').click();
      await expect(page.locator('#nf-error')).not.toBeEmpty();
      await look(`${state}, with an error`);
    };
    await expect(page.locator('#nf-step')).toBeVisible();
    await look('send me the code');
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-registration-code')).toBeVisible();
    await page.locator('#nf-registration-code').fill('000000');
    await withError('registration code');
    await page.locator('#nf-registration-code').fill('123456');
    await page.locator('#nf-submit').click();
    await page.locator('#nf-id-expiry').fill('2031-01-01');
    await withError('ID expiry date');
    await page.locator('#nf-id-expiry').fill('2031-01-02');
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-password')).toHaveAttribute('autocomplete', 'new-password');
    await withError('new password');
    await page.locator('#nf-password').fill('a long enough password');
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-terms')).toBeVisible();
    await withError('terms');
    await page.locator('#nf-terms').check();
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-issuance-code')).toBeVisible();
    await page.locator('#nf-issuance-code').fill('000000');
    await withError('final code');
    await page.locator('#nf-issuance-code').fill('654321');
    await page.locator('#nf-submit').click();
    await expect(page.locator('#nf-close')).toBeVisible();
    await look('issued');
  });
}
