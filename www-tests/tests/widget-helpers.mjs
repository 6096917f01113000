// Helpers for the widget tests (a11y.spec.mjs, widgets.spec.mjs): driving the journey through the
// demo portal, axe-core on the widgets' shadow root, the geometry checks, and holding a relay call
// so a passing state (progress) can be looked at.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from '@playwright/test';
import { RELAY, newCitizen, register, nthSms, codeIn, postFromAddress } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const LANGS = ['es', 'ca', 'eu', 'gl', 'en'];

/**
 * A registered and activated citizen (with a certificate when asked). The relay limits
 * activations and logins per client address and minute; these tests make many citizens, each
 * of whom activates (and creates her certificate) from her own loopback address, as citizens do
 * from their own devices, so the rest of the suite keeps the budget of 127.0.0.1. A 429 is
 * still waited out (Retry-After) rather than failed.
 */
export async function citizen(request, { certificate = false } = {}) {
  const c = newCitizen();
  const activationCode = await register(request, c);
  const post = (path, data, headers) => postFromAddress(c.address, path, data, headers);
  const start = await post('/api/v1/activation/start', { idNumber: c.idNumber, activationCode });
  expect(start.status, start.text).toBe(200);
  const { activationId } = start.json();
  const smsCode = codeIn(await nthSms(request, c.phone, 0));
  const done = await post('/api/v1/activation/complete', {
    activationId, smsCode, password: c.password, acceptTerms: true,
  });
  expect(done.status, done.text).toBe(200);
  if (certificate) {
    const basic = Buffer.from(`${c.idNumber}:${c.password}`).toString('base64');
    const login = await post('/csc/v2/auth/login', {}, { authorization: `Basic ${basic}` });
    expect(login.status, login.text).toBe(200);
    const auth = { authorization: `Bearer ${login.json().access_token}` };
    const challenge = await post('/api/v1/credentials', {}, auth);
    expect(challenge.status, challenge.text).toBe(202);
    const sms = await nthSms(request, c.phone, 1);
    const confirmed = await post(`/api/v1/credentials/${challenge.json().challengeId}/confirm`, {
      smsCode: codeIn(sms),
    }, auth);
    expect(confirmed.status, confirmed.text).toBe(201);
    await post('/csc/v2/auth/revoke', {}, auth);
  }
  return c;
}

/** Picks the files, the language (and format) and presses the portal's Sign button. */
export async function startSigning(page, paths, { lang = 'en', format = 'cades' } = {}) {
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(paths);
  await page.locator('#format').selectOption(format);
  await page.locator('#lang').selectOption(lang);
  await page.locator('#sign').click();
  await expect(page.locator('#nf-id')).toBeVisible();
}

export async function logIn(page, idNumber, password) {
  await page.locator('#nf-id').fill(idNumber);
  await page.locator('#nf-password').fill(password);
  await page.locator('#nf-submit').click();
}

/**
 * axe-core over the widget host (axe follows the open shadow root). The page's CSP allows no
 * inline script, so `addScriptTag` cannot be used: the source is evaluated through the DevTools
 * protocol, which the page's CSP does not govern (and which adds no <script> to the page).
 */
export async function audit(page, state) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(`${AXE_SOURCE}\n;void 0`);
  }
  const { violations, shadowChecks } = await page.evaluate(async () => {
    const host = document.getElementById('nubefirma');
    const result = await window.axe.run(host, { resultTypes: ['violations'] });
    return {
      violations: result.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`),
      })),
      // Checks that passed on nodes inside the shadow root (a target through a shadow host is
      // an array of selectors): proof that axe looked inside.
      shadowChecks: result.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0])).length,
    };
  });
  expect(violations, `axe violations in: ${state}`).toEqual([]);
  expect(shadowChecks, `axe checked nodes inside the shadow root in: ${state}`).toBeGreaterThan(5);
}

/**
 * Holds every call to `urlPart` until `release()` is called, so the widget that waits for it
 * stays on screen.
 */
export async function hold(page, urlPart) {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const passed = [];
  const pattern = (url) => url.href.includes(urlPart);
  await page.route(pattern, (route) => {
    passed.push(gate.then(() => route.continue()));
  });
  return async () => {
    release();
    await Promise.all(passed);
    await page.unroute(pattern);
  };
}

/**
 * Adds a made-up second certificate, first in the list, to the relay's real answer, so the
 * chooser shows without a second certificate code (one per 30 s). Resolves the real one's id.
 */
export async function withSecondCertificate(page) {
  let realId = null;
  await page.route(`${RELAY}/csc/v2/credentials/list`, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    realId = json.credentialIDs[0];
    const other = structuredClone(json.credentialInfos[0]);
    other.credentialID = 'made-up-credential';
    other.cert.subjectDN = 'CN=OTRA PERSONA - 00000000T,C=ES';
    other.cert.validTo = '20300101000000Z';
    json.credentialIDs.unshift(other.credentialID);
    json.credentialInfos.unshift(other);
    await route.fulfill({ response, json });
  });
  return () => realId;
}

/**
 * The widget fits its width: no horizontal scrolling of the page, every control inside the
 * viewport and inside the widget's card, no two controls overlapping, no control's text cut.
 */
export async function expectFits(page, state) {
  const report = await page.evaluate(() => {
    const root = document.getElementById('nubefirma').shadowRoot;
    const card = root.querySelector('.nf-card').getBoundingClientRect();
    const controls = [...root.querySelectorAll('input, button, progress, label.nf-choice')]
      .filter((el) => el.getClientRects().length > 0 && !(el.type === 'radio'));
    const boxes = controls.map((el) => {
      const r = el.getBoundingClientRect();
      return {
        what: el.id || el.dataset.action || el.tagName,
        left: r.left, right: r.right, top: r.top, bottom: r.bottom,
        clipped: el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1,
      };
    });
    return {
      viewport: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      card: { left: card.left, right: card.right },
      boxes,
    };
  });
  const where = `${state} at ${report.viewport} px`;
  expect(report.scrollWidth, `${where}: no horizontal scroll`).toBeLessThanOrEqual(report.viewport);
  for (const b of report.boxes) {
    expect(b.left, `${where}: ${b.what} inside the viewport`).toBeGreaterThanOrEqual(0);
    expect(b.right, `${where}: ${b.what} inside the viewport`).toBeLessThanOrEqual(report.viewport);
    expect(b.left, `${where}: ${b.what} inside the card`).toBeGreaterThanOrEqual(report.card.left);
    expect(b.right, `${where}: ${b.what} inside the card`).toBeLessThanOrEqual(report.card.right);
    expect(b.clipped, `${where}: ${b.what}'s text is not cut`).toBe(false);
  }
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  for (let i = 0; i < report.boxes.length; i++) {
    for (let j = i + 1; j < report.boxes.length; j++) {
      const [a, b] = [report.boxes[i], report.boxes[j]];
      // A choice's label holds its radio button: only siblings are compared.
      expect(overlap(a, b), `${where}: ${a.what} and ${b.what} do not overlap`).toBe(false);
    }
  }
}
