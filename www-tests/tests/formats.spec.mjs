// Every container format the portal offers, signed in the browser with one SMS code and checked
// by tools nobody here wrote; each checker also rejects the output with one byte changed.
import { test, expect } from '@playwright/test';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { nthSms, codeIn, caPem, citizenWithCertificate } from './helpers.mjs';

/**
 * Signs `paths` on the demo portal as `format` ('cades', 'cades-attached', 'pades', 'xades',
 * 'asice') at `level`, entering the one SMS code; returns the downloaded outputs.
 */
async function signOnPortal(page, request, testInfo, paths, { format, level = 'B', visible = false }) {
  const citizen = await citizenWithCertificate(request);
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(paths);
  await page.locator('#format').selectOption(format);
  await page.locator('#level').selectOption(level);
  if (visible) await page.locator('#visible').check();
  await page.locator('#lang').selectOption('en');
  await page.locator('#sign').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-documents .nf-name')).toHaveCount(paths.length);
  const sms = await nthSms(request, citizen.phone, 2);
  expect(sms).toContain(`Verification code ${(await page.locator('#nf-vc').textContent()).trim()}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();
  await expect(page.locator('#result.ok')).toBeVisible({ timeout: 30_000 });
  const outputs = [];
  const links = page.locator('#result a');
  for (let i = 0; i < await links.count(); i += 1) {
    const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
    const path = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(path);
    outputs.push(path);
  }
  return { citizen, outputs };
}

/** A copy of `path` with one byte changed at `offset` (from the end when negative). */
function tampered(path, offset) {
  const bytes = Buffer.from(readFileSync(path));
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] ^= 0x01;
  const out = `${path}.tampered`;
  writeFileSync(out, bytes);
  return out;
}

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

/** The demo's Verify page (the SDK's verify, in the browser) on `path`: its report text. */
async function verifyOnPage(page, path, expectedSignatures = 1) {
  await page.goto('/verify.html');
  await expect(page.locator('#verify[data-ready=true]')).toBeAttached();
  await page.locator('#signature').setInputFiles(path);
  await page.locator('#verify').click();
  await expect(page.locator('#report section')).toHaveCount(expectedSignatures);
  return page.locator('#report').innerText();
}

test('CAdES attached at level T: the .p7m carries the document and openssl verifies it', async ({ page, request }, testInfo) => {
  const doc = testInfo.outputPath('acta.txt');
  const content = `acta ${randomBytes(16).toString('hex')}`;
  writeFileSync(doc, content);
  const { outputs } = await signOnPortal(page, request, testInfo, [doc], { format: 'cades-attached', level: 'T' });
  expect(outputs.map((p) => p.split('/').pop())).toEqual(['acta.txt.p7m']);
  const out = testInfo.outputPath('acta.out');
  const ok = run('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', outputs[0],
    '-CAfile', caPem, '-purpose', 'any', '-out', out]);
  expect(ok.status, ok.stderr).toBe(0);
  expect(readFileSync(out, 'utf8')).toBe(content);
  // Level T: the signer carries a signature-time-stamp from the relay's TSA.
  const parsed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', outputs[0]]);
  expect(parsed.stdout).toContain('id-smime-aa-timeStampToken');
  // The document sits inside the .p7m: change one of its bytes there.
  const at = readFileSync(outputs[0]).indexOf(Buffer.from(content));
  const bad = run('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER', '-in', tampered(outputs[0], at),
    '-CAfile', caPem, '-purpose', 'any', '-out', '/dev/null']);
  expect(bad.status).not.toBe(0);

  const report = await verifyOnPage(page, outputs[0]);
  expect(report).toMatch(/Result\s+VALID/);
  expect(report).toContain('CAdES (attached)');
  expect(report).toMatch(/Timestamp\s+\d{4}-/);
  expect(await verifyOnPage(page, tampered(outputs[0], at))).toContain('NOT VALID');
});
