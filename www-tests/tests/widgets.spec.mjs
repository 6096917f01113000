// The widgets of the signing journey as a citizen uses them: keyboard only with visible focus and
// a sensible order; the show-password toggle and the caps-lock hint; nothing moves when an error
// appears; the SMS code's countdown and "send another code" limited by the relay's 429; the
// 'waiting-for-code' progress event; progress per file with Cancel; the result widget; theming
// through --nf-* custom properties that portal CSS cannot otherwise reach; and the demo
// portal's strict Content-Security-Policy, under which a whole journey raises no violation.
import { test, expect } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { RELAY, nthSms, codeIn, wrongCode } from './helpers.mjs';
import { citizen as newCitizenFor, startSigning, logIn, hold } from './widget-helpers.mjs';
import { TEST_PAGE_ORIGIN, serveTestPage } from './test-page.mjs';

function document(testInfo, name, bytes = 32) {
  const path = testInfo.outputPath(name);
  writeFileSync(path, `${name} ${randomBytes(bytes).toString('hex')}`);
  return path;
}

/** The id of the element focused inside the widgets' shadow root. */
const focusedId = (page) => page.evaluate(() => document.getElementById('nubefirma').shadowRoot.activeElement?.id
  || document.getElementById('nubefirma').shadowRoot.activeElement?.dataset.action || null);

const box = async (locator) => {
  const b = await locator.boundingBox();
  return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
};

test('keyboard only: focus order, visible focus, show password, errors that move nothing, the code countdown, a limited resend, the result', async ({ page, request }, testInfo) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  const doc = document(testInfo, 'informe.txt');
  await startSigning(page, doc, { lang: 'en' });

  // The first field has the focus; Tab goes field, field, toggle, "forgot", Cancel, Continue.
  expect(await focusedId(page)).toBe('nf-id');
  const order = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    order.push(await focusedId(page));
  }
  expect(order).toEqual(['nf-password', 'nf-show-password', 'nf-forgot', 'cancel', 'nf-submit']);
  // Focus is visible (a 3 px outline) on a button reached by keyboard.
  const outline = await page.locator('#nf-submit').evaluate((el) => {
    const s = getComputedStyle(el);
    return `${s.outlineStyle} ${s.outlineWidth}`;
  });
  expect(outline).toBe('solid 3px');

  // Labels and descriptions: each field is named and points at its hint and the error line.
  await expect(page.getByLabel('DNI/NIE')).toHaveAttribute('id', 'nf-id');
  await expect(page.locator('#nf-id')).toHaveAttribute('aria-describedby', 'nf-id-hint nf-error');
  await expect(page.locator('#nf-password')).toHaveAttribute('aria-describedby', 'nf-caps nf-error');
  await expect(page.locator('#nf-error')).toHaveAttribute('role', 'alert');
  await expect(page.locator('#nubefirma h2')).toHaveText('Sign in to sign');

  // A wrong check letter, typed and sent with Enter: said, the field marked, nothing moved.
  const submitBefore = await box(page.locator('#nf-submit'));
  await page.locator('#nf-id').focus();
  await page.keyboard.type(`${citizen.idNumber.slice(0, 8)}${citizen.idNumber.endsWith('A') ? 'B' : 'A'}`);
  await page.keyboard.press('Enter');
  await expect(page.locator('#nf-error')).toHaveText(/^The letter does not match the number/);
  await expect(page.locator('#nf-id')).toHaveAttribute('aria-invalid', 'true');
  expect(await focusedId(page)).toBe('nf-id');
  expect(await box(page.locator('#nf-submit'))).toEqual(submitBefore);

  // Show password (Space on the toggle) and back; caps lock is said under the field.
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.keyboard.press('Tab');
  await page.keyboard.type(citizen.password);
  await expect(page.locator('#nf-password')).toHaveAttribute('type', 'password');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await expect(page.locator('#nf-show-password')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#nf-password')).toHaveAttribute('type', 'text');
  await page.keyboard.press('Space');
  await expect(page.locator('#nf-password')).toHaveAttribute('type', 'password');
  await expect(page.locator('#nf-show-password')).toHaveAttribute('aria-pressed', 'false');
  await page.locator('#nf-password').dispatchEvent('keydown', { key: 'A', modifierCapsLock: true });
  await expect(page.locator('#nf-caps')).toHaveText('Caps Lock is on.');
  expect(await box(page.locator('#nf-submit'))).toEqual(submitBefore);
  await page.locator('#nf-password').dispatchEvent('keyup', { key: 'a', modifierCapsLock: false });
  await expect(page.locator('#nf-caps')).toHaveText('');
  await page.locator('#nf-password').focus();
  await page.keyboard.press('Enter');

  // The SMS code widget: its field has the focus, a one-time-code numeric field, the countdown.
  const otp = page.locator('#nf-otp');
  await expect(otp).toBeVisible();
  expect(await focusedId(page)).toBe('nf-otp');
  await expect(otp).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(otp).toHaveAttribute('inputmode', 'numeric');
  await expect(otp).toHaveAttribute('aria-describedby', 'nf-expiry nf-error');
  await expect(page.locator('#nf-expiry')).toHaveText(/^The code expires in [45]:[0-5]\d\.$/);
  await expect(page.locator('#nf-expiry')).toHaveAttribute('role', 'timer');
  await expect(page.locator('#nf-status')).toHaveAttribute('role', 'status');
  // The portal heard 'waiting-for-code' (the demo shows each stage in #progress).
  await expect(page.locator('#progress')).toContainText('waiting-for-code');

  const code = codeIn(await nthSms(request, citizen.phone, 2));
  const signBefore = await box(page.locator('#nf-submit'));
  await page.keyboard.type(wrongCode(code));
  await page.keyboard.press('Enter');
  await expect(page.locator('#nf-error')).toHaveText('Wrong code. 4 attempts left before the account is blocked.');
  await expect(otp).toHaveAttribute('aria-invalid', 'true');
  expect(await box(page.locator('#nf-submit'))).toEqual(signBefore);

  // Send another code at once: the relay's 429; said once, and the button waits, counting down.
  await page.locator('#nf-resend').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#nf-error')).toHaveText(/^You can ask for a new code in ([1-9]|[12]\d|30) s\.$/);
  await expect(page.locator('#nf-resend')).toBeDisabled();
  await expect(page.locator('#nf-resend-wait')).toHaveText(/^New code in ([1-9]|[12]\d|30) s$/);
  const first = await page.locator('#nf-resend-wait').textContent();
  await expect(page.locator('#nf-resend-wait')).not.toHaveText(first, { timeout: 3000 });
  expect(await box(page.locator('#nf-submit'))).toEqual(signBefore);

  // The right code, by keyboard: the result widget, with the focus on its heading.
  await otp.focus();
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await expect(page.locator('#nf-done')).toBeVisible();
  expect(await focusedId(page)).toBe('nf-title');
  await expect(page.locator('#nubefirma h2')).toHaveText('Signature complete');
  await expect(page.locator('#nf-signed .nf-name')).toHaveText('informe.txt');
  await expect(page.locator('#nf-format')).toHaveText('CAdES (.p7s)');
  await expect(page.locator('#nf-level')).toHaveText('B (basic)');
  await expect(page.locator('#nf-outputs')).toHaveText('informe.txt.p7s');
  await expect(page.locator('#download')).toBeVisible();
  await page.keyboard.press('Tab');
  expect(await focusedId(page)).toBe('nf-done');
  await page.keyboard.press('Enter');
  await expect(page.locator('#nubefirma .nf-card')).toHaveCount(0);
  await expect(page.locator('#download')).toBeVisible();
});

test('progress per file while signing, and Cancel there rejects with ERR_NUBEFIRMA_USER_CANCELLED', async ({ page, request }, testInfo) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  const docs = ['uno.txt', 'dos.txt'].map((n) => document(testInfo, n));
  await startSigning(page, docs, { lang: 'gl' });
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  const release = await hold(page, '/signatures/signHash');
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
  await page.locator('#nf-submit').click();

  // One bar per output, named by it; the stage in a status line; focus on the heading.
  const bars = page.locator('#nf-files progress');
  await expect(bars).toHaveCount(2);
  await expect(page.locator('#nubefirma h2')).toHaveText('Sinatura en curso');
  await expect(page.locator('#nf-status')).toHaveText('Asinando…');
  await expect(page.locator('#nf-files .nf-name')).toHaveText(['uno.txt.p7s', 'dos.txt.p7s']);
  await expect(bars.nth(0)).toHaveAttribute('aria-labelledby', 'nf-file-0');
  expect(await focusedId(page)).toBe('nf-title');
  await page.locator('#nf-cancel').click();
  await release();
  await expect(page.locator('#nubefirma .nf-card')).toHaveCount(0);
  await expect(page.locator('#download')).toHaveCount(0);
  await expect(page.locator('#result')).toHaveText('');
});

test('the SMS code counts down its 5 minutes and then says it has expired', async ({ page, request }, testInfo) => {
  const citizen = await newCitizenFor(request, { certificate: true });
  await page.clock.install();
  await startSigning(page, document(testInfo, 'tarde.txt'), { lang: 'es' });
  await logIn(page, citizen.idNumber, citizen.password);
  await expect(page.locator('#nf-otp')).toBeVisible();
  await page.clock.runFor(2000);
  await expect(page.locator('#nf-expiry')).toHaveText(/^El código caduca en 4:5\d\.$/);
  await page.clock.runFor(5 * 60 * 1000);
  await expect(page.locator('#nf-expiry')).toHaveText('');
  await expect(page.locator('#nf-error')).toHaveText('El código ha caducado: pide otro con «Enviar otro código».');
});

test('theming: --nf-* custom properties reach the widgets, portal CSS does not', async ({ page }, testInfo) => {
  await startSigning(page, document(testInfo, 'tema.txt'), { lang: 'ca' });
  await expect(page.locator('#nf-submit')).toHaveCSS('background-color', 'rgb(31, 78, 156)');
  await page.evaluate(() => {
    // CSSOM, allowed by style-src 'self': what a portal's stylesheet would do.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`
      #nubefirma { --nf-accent: rgb(0, 90, 50); --nf-radius: 0px; --nf-font: Georgia, serif; }
      button, input { display: none !important; } h2 { color: red !important; }`);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  await expect(page.locator('#nf-submit')).toBeVisible();
  await expect(page.locator('#nf-submit')).toHaveCSS('background-color', 'rgb(0, 90, 50)');
  await expect(page.locator('#nf-submit')).toHaveCSS('border-radius', '0px');
  await expect(page.locator('#nubefirma h2')).toHaveCSS('font-family', 'Georgia, serif');
  await expect(page.locator('#nubefirma h2')).not.toHaveCSS('color', 'rgb(255, 0, 0)');
  // The widgets' own styles come from a constructed sheet, not from a <style> element.
  const styles = await page.evaluate(() => {
    const root = document.getElementById('nubefirma').shadowRoot;
    return { adopted: root.adoptedStyleSheets.length, elements: root.querySelectorAll('style, [style]').length };
  });
  expect(styles).toEqual({ adopted: 1, elements: 0 });
});

test('createClient({ theme }) sets the widgets\' look key by key under the strict CSP, and refuses unknown keys', async ({ page, request }) => {
  const csp = (await request.get('/')).headers()['content-security-policy'];
  const server = await serveTestPage({
    csp,
    html: '<!doctype html><html lang="en"><meta charset="utf-8"><title>theme</title><div id="signing"></div><script type="module" src="/page.js"></script></html>',
    script: `import { createClient } from '/pkg/index.js';
      const mount = document.getElementById('signing');
      const client = await createClient({ relayUrl: '${RELAY}', lang: 'en', mount,
        theme: { scheme: 'dark', accent: 'rgb(0, 94, 165)', radius: '0px', font: 'Georgia, serif' } });
      window.refused = await Promise.all([{ colour: 'red' }, { accent: 12 }, { scheme: 'blue' }, 'blue'].map((theme) =>
        createClient({ relayUrl: '${RELAY}', theme, mount: document.createElement('div') }).then(() => null, (e) => e.code + ' ' + e.message)));
      client.login().catch(() => {});`,
  });
  const violations = [];
  page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text()); });
  try {
    await page.goto(`${TEST_PAGE_ORIGIN}/`);
    await expect(page.locator('#nf-submit')).toBeVisible();
    await expect(page.locator('#nf-submit')).toHaveCSS('background-color', 'rgb(0, 94, 165)');
    await expect(page.locator('#nf-submit')).toHaveCSS('border-radius', '0px');
    await expect(page.locator('#signing h2')).toHaveCSS('font-family', 'Georgia, serif');
    await expect(page.locator('#signing')).toHaveAttribute('data-theme', 'dark');
    const refused = await page.evaluate(() => window.refused);
    expect(refused).toEqual([
      expect.stringMatching(/^ERR_NUBEFIRMA_INVALID_OPTIONS theme\.colour: not a theme key/),
      expect.stringMatching(/^ERR_NUBEFIRMA_INVALID_OPTIONS theme\.accent: a CSS value/),
      expect.stringMatching(/^ERR_NUBEFIRMA_INVALID_OPTIONS theme\.scheme:/),
      expect.stringMatching(/^ERR_NUBEFIRMA_INVALID_OPTIONS theme:/),
    ]);
    expect(violations).toEqual([]);
  } finally {
    server.close();
  }
});

test('every page carries the strict CSP, and a whole journey (certificate created, two documents signed) raises no violation', async ({ page, request }, testInfo) => {
  const expected = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    + `connect-src 'self' ${RELAY}; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`;
  for (const path of ['/', '/index.html', '/verify.html', '/office.html', '/activate.html', '/phone.html', '/app.js', '/pkg/nubefirma.js']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()['content-security-policy'], path).toBe(expected);
  }

  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    }, true);
  });
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });

  const citizen = await newCitizenFor(request);
  const docs = ['acta.txt', 'anexo.txt'].map((n) => document(testInfo, n));
  await startSigning(page, docs, { lang: 'eu', format: 'asice' });
  await logIn(page, citizen.idNumber, citizen.password);
  await page.locator('#nf-generate').click();
  await page.locator('#nf-cert-code').fill(codeIn(await nthSms(request, citizen.phone, 1)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  await page.locator('#nf-otp').fill(codeIn(await nthSms(request, citizen.phone, 2)));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-done')).toBeVisible();
  await expect(page.locator('#nf-format')).toHaveText('ASiC-E (CAdES)');
  await expect(page.locator('#nf-outputs')).toHaveText('acta.asice');
  await expect(page.locator('#download')).toBeVisible();
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(refused).toEqual([]);

  // The listener works and the policy is enforced: an inline style is refused, and heard.
  await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { background: red; }';
    document.head.append(style);
  });
  await expect.poll(() => page.evaluate(() => window.__violations.length)).toBeGreaterThan(0);
  expect(await page.evaluate(() => window.__violations[0])).toMatch(/^style-src/);
});
