// The demo portal as an integrator copies it: the sede electrónica of a fictional town council,
// whose procedure makes an application form as a PDF in the browser, has the SDK sign it (PAdES,
// visible signature) and submits it to the portal's own registry, which answers a receipt. The
// journey runs in several languages against the real relay; the registered PDF is checked with
// pyHanko, pdfsig, qpdf and pdftotext; bad input is refused without losing what she typed; the
// registry refuses what is not a signed PDF; axe finds nothing on the sede pages in any
// language; every demo page is photographed at 320 px and 1280 px (kept in test-results/).
//
// SMS to one phone, in order: 0 activation, 1 certificate, 2 signing.
import { test, expect } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  RELAY, caPem, citizenWithCertificate, nthSms, codeIn, smsTo, watchCspViolations,
} from './helpers.mjs';
import { LANGS, STRINGS } from '../../demo-site/sede-i18n.js';
import { Page, onePagePdf } from '../../demo-site/sede-pdf.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PYHANKO = new URL('../../.venv/bin/pyhanko', import.meta.url).pathname;
const DEMO_SITE = new URL('../../demo-site/', import.meta.url).pathname;
const run = (cmd, args) => spawnSync(cmd, args, { encoding: 'utf8' });
const SUBMISSIONS = '/sede/submissions?procedure=empadronamiento&name=solicitud_signed.pdf';
// The SMS's words before the verification code, in each language (the relay's own).
const VC_LABEL = { en: 'Verification code', es: 'Código de verificación', ca: 'Codi de verificació', eu: 'Egiaztapen-kodea', gl: 'Código de verificación' };

/** What the citizen types: a name and an address with the letters WinAnsi must carry. */
function applicationFor(citizen) {
  return {
    givenName: citizen.givenName,
    surname: citizen.surname,
    idNumber: citizen.idNumber,
    address: 'Calle de la Peña, 7, 2.º izq. (Güeñes)',
    reason: 'school',
  };
}

async function openSede(page, lang) {
  await page.goto('/sede.html');
  await expect(page.locator('#submit[data-ready=true]')).toBeAttached();
  if (lang !== 'es') await page.locator('#lang').selectOption(lang);
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  await expect(page.locator('h1')).toHaveText(STRINGS[lang].procedureTitle);
}

async function fillForm(page, form, { declaration = true } = {}) {
  for (const field of ['givenName', 'surname', 'idNumber', 'address']) await page.locator(`#${field}`).fill(form[field]);
  await page.locator('#reason').selectOption(form.reason);
  await page.locator('#declaration').setChecked(declaration);
}

async function expectFormKeeps(page, form, { declaration = true } = {}) {
  for (const field of ['givenName', 'surname', 'idNumber', 'address', 'reason']) {
    await expect(page.locator(`#${field}`)).toHaveValue(form[field]);
  }
  if (declaration) await expect(page.locator('#declaration')).toBeChecked();
  else await expect(page.locator('#declaration')).not.toBeChecked();
}

/** The SDK's login widget, then the SMS code from the dev outbox (in the page's language). */
async function signInWidget(page, request, citizen, lang) {
  await expect(page.locator('#nf-id')).toBeVisible();
  await expect(page.locator('#nubefirma .nf-card')).toHaveAttribute('lang', lang);
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  const sms = await nthSms(request, citizen.phone, 2);
  expect(sms).toContain(`${VC_LABEL[lang]} ${(await page.locator('#nf-vc').textContent()).trim()}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();
}

/**
 * The whole procedure in `lang`: a fresh citizen fills the form, signs in the widget, and the
 * receipt shows. `beforeSubmit(page)` runs with the form filled. Returns the receipt's fields.
 */
async function applyOnSede(page, request, lang, { beforeSubmit } = {}) {
  const citizen = await citizenWithCertificate(request);
  const form = applicationFor(citizen);
  await openSede(page, lang);
  await fillForm(page, form);
  if (beforeSubmit) await beforeSubmit(page);
  await page.locator('#submit').click();
  await signInWidget(page, request, citizen, lang);
  await page.waitForURL(/\/sede-receipt\.html\?/);
  await expect(page.locator('#signature-result')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
  const s = STRINGS[lang];
  await expect(page.locator('h1')).toHaveText(s.receiptTitle);
  await expect(page.locator('#signature-result')).toHaveText(s.signatureOk);
  await expect(page.locator('#signature-result')).toHaveClass(/ok/);
  await expect(page.locator('#signer')).toContainText(citizen.idNumber);
  await expect(page.locator('#signature-valid')).toHaveText(s.yes);
  await expect(page.locator('#signature-trusted')).toHaveText(s.yes);
  await expect(page.locator('#signing-time')).toContainText(String(new Date().getFullYear()));
  await expect(page.locator('#procedure')).toHaveText(s.procedureName);
  const receipt = {
    number: (await page.locator('#entry-number').textContent()).trim(),
    documentName: (await page.locator('#document-name').textContent()).trim(),
    size: (await page.locator('#document-size').textContent()).trim(),
    sha256: (await page.locator('#sha256').textContent()).trim(),
    csv: (await page.locator('#csv').textContent()).trim(),
    receivedAt: (await page.locator('#received-at').textContent()).trim(),
  };
  expect(receipt.number).toMatch(/^REG-\d{4}-\d{6}$/);
  expect(receipt.documentName).toBe(s.pdfFileName.replace(/\.pdf$/, '_signed.pdf'));
  expect(receipt.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(receipt.csv).toMatch(/^[0-9A-F]{20}$/);
  // Dates in her language's words (not the browser's locale data, which lacks some of them).
  const month = s.months.split(',')[Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', month: 'numeric' }).format(new Date())) - 1];
  expect(receipt.receivedAt).toContain(month);
  await expect(page.locator('#signing-time')).toContainText(month);
  return { citizen, form, receipt };
}

/**
 * The signed PDF as the receipt page offers it (a download) and as the registry serves it; both
 * equal, hashed as the receipt says; then checked by tools nobody here wrote.
 */
async function checkSubmittedPdf(page, request, testInfo, lang, { citizen, form, receipt }) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-pdf').click()]);
  expect(download.suggestedFilename()).toBe(receipt.documentName);
  const path = testInfo.outputPath(`${lang}-${receipt.documentName}`);
  await download.saveAs(path);
  const bytes = readFileSync(path);
  const served = await request.get(`/sede/submissions/${receipt.number}?csv=${receipt.csv}`);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('application/pdf');
  expect(Buffer.compare(await served.body(), bytes)).toBe(0);
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(receipt.sha256);
  expect(receipt.size.replace(/\D/g, '')).toBe(String(bytes.length));
  // Without its secure verification code, or with another, an entry does not exist.
  expect((await request.get(`/sede/submissions/${receipt.number}`)).status()).toBe(404);
  expect((await request.get(`/sede/submissions/${receipt.number}?csv=${'0'.repeat(20)}`)).status()).toBe(404);

  const judged = run(PYHANKO, ['sign', 'validate', '--trust', caPem, '--trust-replace', '--no-revocation-check', '--pretty-print', path]);
  expect(judged.status, judged.stdout + judged.stderr).toBe(0);
  expect(judged.stdout).toContain('The signature is judged VALID');
  expect(judged.stdout).toContain('The signature covers the entire file.');
  const pdfsig = run('pdfsig', [path]);
  expect(pdfsig.stdout).toContain('Signature is Valid.');
  expect(pdfsig.stdout).toContain('Total document signed');
  const check = run('qpdf', ['--check', path]);
  expect(check.status, check.stdout + check.stderr).toBe(0);
  // The form the page wrote is the signed file's first revision, whole: qpdf reads it alone, with
  // no cross-reference table to rebuild.
  const original = testInfo.outputPath(`${lang}-original.pdf`);
  writeFileSync(original, bytes.subarray(0, bytes.indexOf('%%EOF') + 6));
  const first = run('qpdf', ['--check', original]);
  expect(first.status, first.stdout + first.stderr).toBe(0);
  expect(first.stdout + first.stderr).not.toMatch(/reconstruct|warning/i);

  // What she typed, in the form's words of her language, accents and all.
  const text = run('pdftotext', ['-layout', path, '-']).stdout.replace(/[ \t]+/g, ' ');
  const s = STRINGS[lang];
  for (const expected of [
    s.procedureName, s.pdfApplicant, `${form.givenName} ${form.surname}`, form.idNumber, form.address,
    s.reasonSchool, s.pdfSignature,
  ]) {
    expect(text, `the PDF's text has «${expected}»`).toContain(expected);
  }
  return path;
}

/** axe-core on the whole page (and the widgets' shadow root, if any). */
async function auditPage(page, state) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // The page's CSP allows no inline script: evaluated through the DevTools protocol instead.
    await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`),
    }));
  });
  expect(violations, `axe violations in: ${state}`).toEqual([]);
}

test('every sede string exists in all five languages, with the same placeholders, and every key the pages use is there', () => {
  const keys = Object.keys(STRINGS.es).sort();
  expect(LANGS).toEqual(['es', 'ca', 'eu', 'gl', 'en']);
  expect(Object.keys(STRINGS).sort()).toEqual([...LANGS].sort());
  const placeholders = (text) => (text.match(/\{\w+\}/g) ?? []).sort();
  for (const lang of LANGS) {
    expect(Object.keys(STRINGS[lang]).sort(), `${lang} has exactly the Spanish keys`).toEqual(keys);
    for (const key of keys) {
      expect(STRINGS[lang][key].trim(), `${lang}.${key} is not empty`).not.toBe('');
      expect(placeholders(STRINGS[lang][key]), `${lang}.${key}'s placeholders`).toEqual(placeholders(STRINGS.es[key]));
    }
  }
  // Each language is its own: most strings differ from the English ones.
  for (const lang of ['es', 'ca', 'eu', 'gl']) {
    const same = keys.filter((k) => STRINGS[lang][k] === STRINGS.en[k]);
    expect(same.length, `${lang} strings equal to English: ${same}`).toBeLessThan(6);
  }
  const used = new Set();
  for (const file of ['sede.html', 'sede-receipt.html', 'sede-login.html']) {
    for (const [, key] of readFileSync(`${DEMO_SITE}${file}`, 'utf8').matchAll(/data-i18n(?:-title)?="(\w+)"/g)) used.add(key);
  }
  for (const file of ['sede.js', 'sede-receipt.js', 'sede-login.js']) {
    const source = readFileSync(`${DEMO_SITE}${file}`, 'utf8');
    for (const [, key] of source.matchAll(/(?:t\(lang, |\bs\(|key: |status = |: )'([a-z]\w*)'/g)) {
      if (/^((err|status|pdf|reason|signature|procedure|login|level|key|account)[A-Z]\w*|yes|no|unknown)$/.test(key)) used.add(key);
    }
  }
  expect(used.size).toBeGreaterThan(60);
  for (const key of used) expect(keys, `the key ${key} is in the table`).toContain(key);
});

test('the procedure in Spanish: form, login widget, SMS code, receipt; pyHanko, pdfsig and qpdf accept the registered PDF, which holds the form', async ({ page, request }, testInfo) => {
  const violations = await watchCspViolations(page);
  const applied = await applyOnSede(page, request, 'es');
  await checkSubmittedPdf(page, request, testInfo, 'es', applied);
  // The receipt page says it again in another language, from the same entry.
  await page.locator('#lang').selectOption('gl');
  await expect(page.locator('h1')).toHaveText(STRINGS.gl.receiptTitle);
  await expect(page.locator('#signature-result')).toHaveText(STRINGS.gl.signatureOk);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'gl');
  await expect(page.locator('#entry-number')).toHaveText(applied.receipt.number);
  expect(violations).toEqual([]);

  // The watcher hears a violation when there is one (so the empty list above means something).
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { background: red; }';
    document.head.append(style);
  });
  await expect.poll(() => violations.some((v) => v.startsWith('style-src'))).toBe(true);
});

test('the procedure in Basque, the language chosen on the form: the widgets, the SMS, the PDF and the receipt are in Basque', async ({ page, request }, testInfo) => {
  const violations = await watchCspViolations(page);
  const applied = await applyOnSede(page, request, 'eu');
  await checkSubmittedPdf(page, request, testInfo, 'eu', applied);
  await expect(page.locator('#document-size')).toContainText('byte');
  expect(violations).toEqual([]);
});

test('a wrong DNI/NIE and a missing declaration are refused with clear messages before anything is sent, and the form keeps every value', async ({ page }) => {
  const violations = await watchCspViolations(page);
  const sent = [];
  page.on('request', (r) => { if (r.url().startsWith(RELAY) || r.url().includes('/sede/submissions')) sent.push(r.url()); });
  await openSede(page, 'es');
  const es = STRINGS.es;
  const form = {
    givenName: 'María', surname: 'García Núñez', idNumber: '12345678A', address: 'Rúa do Príncipe, 3', reason: 'housing',
  };

  // A check letter that does not match (12345678 takes Z).
  await fillForm(page, form);
  await page.locator('#submit').click();
  await expect(page.locator('#idNumber-error')).toHaveText(es.errIdLetter);
  await expect(page.locator('#idNumber')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#errors')).toBeVisible();
  await expect(page.locator('#errors')).toBeFocused();
  await expect(page.locator('#errors-list li')).toHaveText([es.errIdLetter]);
  await expectFormKeeps(page, form);

  // Not a DNI/NIE at all, and nothing typed.
  for (const [typed, message] of [['1234', es.errIdFormat], ['X123456L', es.errIdFormat], ['', es.errIdMissing]]) {
    await page.locator('#idNumber').fill(typed);
    await page.locator('#submit').click();
    await expect(page.locator('#idNumber-error')).toHaveText(message);
    await expectFormKeeps(page, { ...form, idNumber: typed });
  }

  // The right letter, typed as people do, but the declaration left unticked.
  form.idNumber = '12.345.678-z';
  await fillForm(page, form, { declaration: false });
  await page.locator('#submit').click();
  await expect(page.locator('#errors-list li')).toHaveText([es.errDeclaration]);
  await expect(page.locator('#declaration-error')).toHaveText(es.errDeclaration);
  await expect(page.locator('#idNumber-error')).toHaveText('');
  await expect(page.locator('#idNumber')).not.toHaveAttribute('aria-invalid', 'true');
  await expectFormKeeps(page, form, { declaration: false });

  // An NIE with its letter is a valid ID too; the message follows a change of language.
  form.idNumber = 'X1234567L';
  await page.locator('#idNumber').fill(form.idNumber);
  await page.locator('#submit').click();
  await expect(page.locator('#errors-list li')).toHaveText([es.errDeclaration]);
  await page.locator('#lang').selectOption('eu');
  await expect(page.locator('#declaration-error')).toHaveText(STRINGS.eu.errDeclaration);
  await expect(page.locator('label[for=declaration]')).toHaveText(STRINGS.eu.declaration);
  await expectFormKeeps(page, form, { declaration: false });

  // Every field empty: one message each, in the form's order.
  await page.locator('#lang').selectOption('ca');
  for (const field of ['givenName', 'surname', 'idNumber', 'address']) await page.locator(`#${field}`).fill('');
  await page.locator('#reason').selectOption('');
  await page.locator('#submit').click();
  const ca = STRINGS.ca;
  await expect(page.locator('#errors-list li')).toHaveText([
    ca.errGivenName, ca.errSurname, ca.errIdMissing, ca.errAddress, ca.errReason, ca.errDeclaration,
  ]);
  // Each message links to its field.
  await page.locator('#errors-list a').nth(3).click();
  await expect(page.locator('#address')).toBeFocused();

  await expect(page.locator('#nf-id')).toHaveCount(0);
  expect(sent).toEqual([]);
  expect(violations).toEqual([]);
});

test('cancelling the signature, or signing as someone else than the applicant, submits nothing and keeps the form', async ({ page, request }) => {
  const violations = await watchCspViolations(page);
  const submitted = [];
  page.on('request', (r) => { if (r.url().includes('/sede/submissions')) submitted.push(r.url()); });
  const [applicant, other] = await Promise.all([citizenWithCertificate(request), citizenWithCertificate(request)]);
  const form = applicationFor(applicant);
  await openSede(page, 'es');
  await fillForm(page, form);

  await page.locator('#submit').click();
  await expect(page.locator('#nf-id')).toBeVisible();
  await page.locator('[data-action=cancel]').click();
  await expect(page.locator('#failure')).toHaveText(STRINGS.es.errSignCancelled);
  await expectFormKeeps(page, form);
  await expect(page.locator('#submit')).toBeEnabled();

  // Someone else logs in the widget: her signature is not the applicant's.
  await page.locator('#submit').click();
  await signInWidget(page, request, other, 'es');
  await expect(page.locator('#failure')).toHaveText(
    new RegExp(`^El formulario está firmado con el certificado de otra persona \\(.*${other.idNumber}.*\\)\\. Debe firmarlo la persona solicitante, con DNI/NIE ${applicant.idNumber}\\.$`),
    { timeout: 30_000 },
  );
  await expectFormKeeps(page, form);
  expect(submitted).toEqual([]);
  expect(await smsTo(request, applicant.phone)).toHaveLength(2);
  expect(violations).toEqual([]);
});

test('the registry refuses what is not a PDF (400), an unsigned PDF (400), an unknown procedure (400) and more than 20 MiB (413)', async ({ request }, testInfo) => {
  const post = (data, path = SUBMISSIONS) => request.post(path, { data, headers: { 'content-type': 'application/pdf' } });
  const refused = async (res, status, error) => {
    expect(res.status()).toBe(status);
    const body = await res.json();
    expect(body.error).toBe(error);
    expect(body.error_description.length).toBeGreaterThan(20);
    return body.error_description;
  };
  expect(await refused(await post(Buffer.from('Solicitud de empadronamiento, en texto')), 400, 'not_a_pdf')).toContain('%PDF-');

  // A well-formed PDF (the sede's own writer, qpdf agrees), only unsigned.
  const unsigned = Buffer.from(onePagePdf(new Page()));
  const unsignedPath = testInfo.outputPath('unsigned.pdf');
  writeFileSync(unsignedPath, unsigned);
  expect(run('qpdf', ['--check', unsignedPath]).status).toBe(0);
  expect(await refused(await post(unsigned), 400, 'not_signed')).toContain('/ByteRange');

  expect(await refused(await post(unsigned, '/sede/submissions?procedure=licencia-de-obras'), 400, 'unknown_procedure')).toContain('licencia-de-obras');

  const limit = 20 * 1024 * 1024;
  const big = Buffer.alloc(limit + 1, 0x20);
  big.write('%PDF-1.7\n/ByteRange\n', 0, 'latin1');
  await refused(await post(big), 413, 'too_large');
  // The limit itself is allowed (the registry looks no further than the brief says it does).
  const atLimit = await post(big.subarray(0, limit));
  expect(atLimit.status()).toBe(201);
  expect((await atLimit.json()).size).toBe(limit);

  expect((await request.get('/sede/submissions')).status()).toBe(405);
  // The sede's pages and the registry's answers carry the portal's strict CSP.
  for (const path of ['/sede.html', '/sede-receipt.html', '/sede.js', '/sede-pdf.js', '/sede/submissions']) {
    const csp = (await request.get(path)).headers()['content-security-policy'];
    expect(csp, path).toContain("script-src 'self' 'wasm-unsafe-eval'; style-src 'self'");
  }
  expect((await request.get('/sede/submissions/REG-2000-000001?csv=00')).status()).toBe(404);
});

/** A full-page screenshot at `width` px, kept and attached; at 320 px nothing scrolls sideways. */
async function shoot(page, testInfo, name, width) {
  await page.setViewportSize({ width, height: width === 320 ? 640 : 900 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width);
  const path = testInfo.outputPath(`${name}-${width}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
}

const shootBoth = async (page, testInfo, name) => {
  for (const width of [320, 1280]) await shoot(page, testInfo, name, width);
};

test('screenshots of every page at 320 px and 1280 px (the procedure in Galician), none scrolling sideways', async ({ page, request }, testInfo) => {
  const violations = await watchCspViolations(page);
  let signedPath = null;
  const applied = await applyOnSede(page, request, 'gl', {
    beforeSubmit: async () => {
      await shootBoth(page, testInfo, 'sede-form');
      await page.setViewportSize({ width: 1280, height: 900 });
    },
  });
  await shootBoth(page, testInfo, 'sede-receipt');
  signedPath = await checkSubmittedPdf(page, request, testInfo, 'gl', applied);

  await page.goto('/office.html');
  await shootBoth(page, testInfo, 'office');
  await page.goto('/activate.html');
  await expect(page.locator('#nf-activation-code')).toBeVisible();
  await shootBoth(page, testInfo, 'activate');
  await page.goto('/entity.html');
  await shootBoth(page, testInfo, 'entity');
  // The page an invitation's link opens (its first form asks nothing of the relay yet).
  await page.goto('/professional?lang=gl#invitation=aW52aXRhdGlvbg&token=dG9rZW4');
  await expect(page.locator('#nf-step')).toBeVisible();
  await shootBoth(page, testInfo, 'professional');
  await page.goto('/sede-login.html?lang=gl');
  await expect(page.locator('#login-low')).toBeVisible();
  await shootBoth(page, testInfo, 'sede-login');
  await page.goto(`/phone.html?to=${applied.citizen.phone}`);
  await expect(page.locator('#messages .sms')).toHaveCount(3);
  await shootBoth(page, testInfo, 'phone');
  await page.goto('/verify.html');
  await expect(page.locator('#verify[data-ready=true]')).toBeAttached();
  await page.locator('#signature').setInputFiles(signedPath);
  await page.locator('#verify').click();
  await expect(page.locator('#report section')).toHaveCount(1);
  await expect(page.locator('#report')).toContainText('VALID');
  await shootBoth(page, testInfo, 'verify');
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await shootBoth(page, testInfo, 'index');

  expect(testInfo.attachments.filter((a) => a.contentType === 'image/png')).toHaveLength(20);
  expect(violations).toEqual([]);
});

test('axe finds no violation on the sede pages in any language: the form empty, refused, and the receipt', async ({ page, request }) => {
  const violations = await watchCspViolations(page);
  const { receipt } = await applyOnSede(page, request, 'ca');
  for (const lang of LANGS) {
    await page.locator('#lang').selectOption(lang);
    await expect(page.locator('h1')).toHaveText(STRINGS[lang].receiptTitle);
    await expect(page.locator('#signature-result')).toHaveText(STRINGS[lang].signatureOk);
    await auditPage(page, `${lang}: receipt ${receipt.number}`);
  }
  await page.goto('/sede-receipt.html?entry=REG-2000-000001&csv=0');
  await expect(page.locator('#not-found')).toBeVisible();
  await auditPage(page, 'a receipt that does not exist');

  for (const lang of LANGS) {
    await page.goto(`/sede.html?lang=${lang}`);
    await expect(page.locator('#submit[data-ready=true]')).toBeAttached();
    await expect(page.locator('h1')).toHaveText(STRINGS[lang].procedureTitle);
    await expect(page).toHaveTitle(STRINGS[lang].pageTitle);
    await auditPage(page, `${lang}: the form`);
    await page.locator('#idNumber').fill('12345678A');
    await page.locator('#submit').click();
    await expect(page.locator('#idNumber-error')).toHaveText(STRINGS[lang].errIdLetter);
    await auditPage(page, `${lang}: the form refused`);
  }
  expect(violations).toEqual([]);
});
