// Several documents with one SMS code, at level T: the portal passes two files; the SMS and the
// widget name both and show one verification code; each .p7s verifies with openssl and with
// pyHanko, and the RFC 3161 timestamp inside each (from the relay's TSA, over the signature
// value) verifies with `openssl ts`.
import { test, expect } from '@playwright/test';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { nthSms, codeIn, opensslVerify, caPem, citizenWithCertificate } from './helpers.mjs';

/** pyHanko's command line, from the test venv that scripts/setup.sh makes. */
const PYHANKO = fileURLToPath(new URL('../../.venv/bin/pyhanko', import.meta.url));

/** [offset, headerLength, length] of each line of `openssl asn1parse`, with its text. */
function asn1(path) {
  const out = spawnSync('openssl', ['asn1parse', '-inform', 'DER', '-in', path], { encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout.split('\n').filter(Boolean).map((line) => {
    const m = line.match(/^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)/);
    return { offset: Number(m[1]), hl: Number(m[2]), l: Number(m[3]), line };
  });
}

/** The signer's signature value and the signature-time-stamp token of a one-signer .p7s. */
function signatureAndToken(p7sPath) {
  const bytes = readFileSync(p7sPath);
  const items = asn1(p7sPath);
  const ts = items.findIndex((i) => i.line.includes('id-smime-aa-timeStampToken'));
  expect(ts, 'a signature-time-stamp attribute').toBeGreaterThan(0);
  const tokenItem = items.slice(ts + 1).find((i) => i.line.includes('cons: SEQUENCE'));
  const token = bytes.subarray(tokenItem.offset, tokenItem.offset + tokenItem.hl + tokenItem.l);
  const algo = items.slice(0, ts).map((i) => i.line.includes('ecdsa-with-SHA256')).lastIndexOf(true);
  const sigItem = items.slice(algo + 1).find((i) => i.line.includes('OCTET STRING'));
  const signature = bytes.subarray(sigItem.offset + sigItem.hl, sigItem.offset + sigItem.hl + sigItem.l);
  return { signature, token };
}

test('two documents, one SMS code, level T: both verify, and so do their timestamps', async ({ page, request }, testInfo) => {
  const citizen = await citizenWithCertificate(request);
  const docs = ['contrato.txt', 'anexo.txt'].map((name) => {
    const path = testInfo.outputPath(name);
    writeFileSync(path, `${name} ${randomBytes(24).toString('hex')}`);
    return { name, path };
  });

  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(docs.map((d) => d.path));
  await page.locator('#level').selectOption('T');
  await page.locator('#lang').selectOption('en');
  await page.locator('#sign').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();

  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-documents .nf-name')).toHaveText(['contrato.txt', 'anexo.txt']);
  const shown = (await page.locator('#nf-vc').textContent()).trim();
  const sms = await nthSms(request, citizen.phone, 2);
  expect(sms).toContain('to sign 2 document(s)');
  expect(sms).toContain(`Verification code ${shown}`);
  await page.locator('#nf-otp').fill(codeIn(sms));
  await page.locator('#nf-submit').click();

  const signed = [];
  for (const [i, doc] of docs.entries()) {
    const link = page.locator(i === 0 ? '#download' : `#download-${i}`);
    await expect(link).toBeVisible();
    const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(file.suggestedFilename()).toBe(`${doc.name}.p7s`);
    const p7s = testInfo.outputPath(`${doc.name}.p7s`);
    await file.saveAs(p7s);

    const ok = opensslVerify(p7s, doc.path, ['-cades']);
    expect(ok.status, ok.stderr).toBe(0);
    const other = opensslVerify(p7s, docs[1 - i].path, ['-cades']);
    expect(other.status, 'the other document must not verify').not.toBe(0);

    // The timestamp: over this signature's value, from a TSA that chains to the relay's root.
    const { signature, token } = signatureAndToken(p7s);
    const tokenPath = testInfo.outputPath(`${doc.name}.tst`);
    writeFileSync(tokenPath, token);
    const certs = testInfo.outputPath(`${doc.name}.certs.pem`);
    const printed = spawnSync('openssl', ['pkcs7', '-inform', 'DER', '-in', p7s, '-print_certs', '-out', certs], { encoding: 'utf8' });
    expect(printed.status, printed.stderr).toBe(0);
    const digest = createHash('sha256').update(signature).digest('hex');
    const ts = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', tokenPath, '-digest', digest,
      '-CAfile', caPem, '-untrusted', certs], { encoding: 'utf8' });
    expect(ts.stdout + ts.stderr).toContain('Verification: OK');
    const wrong = spawnSync('openssl', ['ts', '-verify', '-token_in', '-in', tokenPath,
      '-digest', createHash('sha256').update('another signature').digest('hex'),
      '-CAfile', caPem, '-untrusted', certs], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);

    // pyHanko, another checker nobody here wrote: signer trusted, timestamp trusted, VALID; and
    // INVALID for the other document.
    const pyhanko = (content) => spawnSync(PYHANKO, ['sign', 'validate', '--detached', p7s,
      '--trust', caPem, '--trust-replace', '--no-revocation-check', '--pretty-print', content], { encoding: 'utf8' });
    const judged = pyhanko(doc.path);
    expect(judged.status, judged.stdout + judged.stderr).toBe(0);
    expect(judged.stdout).toContain("The signer's certificate is trusted.");
    expect(judged.stdout).toContain('The TSA certificate is trusted.');
    expect(judged.stdout).toContain('The signature is judged VALID.');
    expect(pyhanko(docs[1 - i].path).status).not.toBe(0);
    signed.push({ p7s, doc });
  }

  // The demo's Verify page, with the SDK's verify: valid over its own document, with its
  // timestamp and signer; not intact over the other one.
  await page.goto('/verify.html');
  await expect(page.locator('#verify[data-ready=true]')).toBeAttached();
  const verify = async (p7s, content) => {
    await page.locator('#signature').setInputFiles(p7s);
    await page.locator('#content').setInputFiles(content);
    await page.locator('#verify').click();
    await expect(page.locator('#report section')).toHaveCount(1);
    return page.locator('#report').innerText();
  };
  for (const { p7s, doc } of signed) {
    const report = await verify(p7s, doc.path);
    expect(report).toContain('VALID');
    expect(report).not.toContain('NOT VALID');
    expect(report).toContain(`IDCES-${citizen.idNumber}`);
    expect(report).toMatch(/Timestamp\s+\d{4}-\d\d-\d\dT/);
    expect(report).toContain('nubefirma Root CA');
  }
  const report = await verify(signed[0].p7s, signed[1].doc.path);
  expect(report).toContain('NOT VALID');
  expect(report).toMatch(/Intact\s+no/);
});
