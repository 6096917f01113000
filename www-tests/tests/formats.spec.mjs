// Every container format the portal offers, signed in the browser with one SMS code and checked
// by tools nobody here wrote; each checker also rejects the output with one byte changed.
import { test, expect } from '@playwright/test';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { RELAY, nthSms, codeIn, caPem, citizenWithCertificate, smsTo } from './helpers.mjs';

/**
 * Signs `paths` on the demo portal as `format` ('cades', 'cades-attached', 'pades', 'xades',
 * 'asice') at `level`, entering the one SMS code; returns the downloaded outputs.
 */
async function signOnPortal(page, request, testInfo, paths, { format, level = 'B', visible = false, lang = 'en' }) {
  const citizen = await citizenWithCertificate(request);
  const relayRequests = [];
  page.on('request', (req) => {
    if (req.url().startsWith(RELAY)) relayRequests.push({ url: req.url(), body: req.postDataBuffer() ?? Buffer.alloc(0) });
  });
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(paths);
  await page.locator('#format').selectOption(format);
  await page.locator('#level').selectOption(level);
  if (visible) await page.locator('#visible').check();
  await page.locator('#lang').selectOption(lang);
  await page.locator('#sign').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#nf-otp')).toBeVisible();
  await expect(page.locator('#nf-documents .nf-name')).toHaveCount(paths.length);
  const sms = await nthSms(request, citizen.phone, 2);
  // The relay writes the SMS in the widgets' language (the SDK names it in Accept-Language).
  const label = { en: 'Verification code', es: 'Código de verificación', ca: 'Codi de verificació', eu: 'Egiaztapen-kodea', gl: 'Código de verificación' }[lang];
  expect(sms).toContain(`${label} ${(await page.locator('#nf-vc').textContent()).trim()}`);
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
  // The documents never left the browser, whatever the format: no request to the relay carries
  // their bytes (raw or base64), and each is small (digests and protocol fields only).
  expect(relayRequests.length).toBeGreaterThan(0);
  for (const path of paths) {
    const sample = readFileSync(path).subarray(0, 48);
    for (const { url, body } of relayRequests) {
      expect(body.includes(sample), url).toBe(false);
      expect(body.toString('latin1'), url).not.toContain(sample.toString('base64').slice(0, 40));
      expect(body.length, url).toBeLessThan(4096);
    }
  }
  return { citizen, outputs };
}

/** A copy of `path` with one byte changed at `offset` (from the end when negative). */
function tampered(path, offset) {
  const bytes = Buffer.from(readFileSync(path));
  const at = Math.floor(offset < 0 ? bytes.length + offset : offset);
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
  const { outputs } = await signOnPortal(page, request, testInfo, [doc], { format: 'cades-attached', level: 'T', lang: 'ca' });
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

/** A one-page PDF made by Ghostscript (another producer than ours). */
function ghostscriptPdf(testInfo, name, text) {
  const ps = testInfo.outputPath(`${name}.ps`);
  writeFileSync(ps, `%!PS\n/Helvetica findfont 20 scalefont setfont 72 720 moveto (${text}) show showpage\n`);
  const pdf = testInfo.outputPath(name);
  const made = run('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', '-sDEVICE=pdfwrite', `-sOutputFile=${pdf}`, ps]);
  expect(made.status, made.stderr).toBe(0);
  return pdf;
}

const PYHANKO = new URL('../../.venv/bin/pyhanko', import.meta.url).pathname;
const pyhankoValidate = (pdf) => run(PYHANKO, ['sign', 'validate', '--trust', caPem, '--trust-replace',
  '--no-revocation-check', '--pretty-print', pdf]);

test('PAdES at level T with a visible signature: pyHanko, pdfsig and qpdf accept it; one changed byte is refused', async ({ page, request }, testInfo) => {
  const pdf = ghostscriptPdf(testInfo, 'solicitud.pdf', 'Solicitud de empadronamiento');
  const { citizen, outputs } = await signOnPortal(page, request, testInfo, [pdf], { format: 'pades', level: 'T', visible: true });
  expect(outputs.map((p) => p.split('/').pop())).toEqual(['solicitud_signed.pdf']);
  const signed = outputs[0];
  const original = readFileSync(pdf);
  expect(readFileSync(signed).subarray(0, original.length).equals(original), 'the output starts with the input').toBe(true);

  const judged = pyhankoValidate(signed);
  expect(judged.status, judged.stdout + judged.stderr).toBe(0);
  expect(judged.stdout).toContain('The signature is judged VALID');
  expect(judged.stdout).toContain('The signature covers the entire file.');
  expect(judged.stdout).toContain('The TSA certificate is trusted.');
  const pdfsig = run('pdfsig', [signed]);
  expect(pdfsig.stdout).toContain('Signature is Valid.');
  expect(pdfsig.stdout).toContain('Total document signed');
  expect(run('qpdf', ['--check', signed]).status).toBe(0);
  // The visible signature's appearance names her ID number, in the widgets' language.
  const text = run('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', '-sDEVICE=txtwrite', '-sOutputFile=-', signed]);
  expect(text.stdout).toContain(citizen.idNumber);
  expect(text.stdout).toContain('Digitally signed by');

  const bad = tampered(signed, original.length / 2);
  expect(pyhankoValidate(bad).status).not.toBe(0);
  expect(run('pdfsig', [bad]).stdout).not.toContain('Signature is Valid.');

  const report = await verifyOnPage(page, signed);
  expect(report).toMatch(/Result\s+VALID/);
  expect(report).toContain('PAdES');
  expect(report).toMatch(/Timestamp\s+\d{4}-/);
  expect(report).toMatch(/Revocation\s+good/);
  expect(await verifyOnPage(page, bad)).toContain('NOT VALID');
});

test('ASiC-E with CAdES: two files, one container; unzip, openssl and the manifest agree; a changed file is refused', async ({ page, request }, testInfo) => {
  const docs = ['contrato.txt', 'anexo.txt'].map((name) => {
    const path = testInfo.outputPath(name);
    writeFileSync(path, `${name} ${randomBytes(16).toString('hex')}`);
    return path;
  });
  const { outputs } = await signOnPortal(page, request, testInfo, docs, { format: 'asice', lang: 'eu' });
  expect(outputs.map((p) => p.split('/').pop())).toEqual(['contrato.asice']);
  const container = outputs[0];
  expect(run('unzip', ['-t', container]).status).toBe(0);
  expect(run('unzip', ['-Z1', container]).stdout.split('\n')[0]).toBe('mimetype');
  expect(run('zipinfo', ['-v', container, 'mimetype']).stdout).toMatch(/compression method:\s+none \(stored\)/);
  const dir = testInfo.outputPath('unzipped');
  expect(run('unzip', ['-q', container, '-d', dir]).status).toBe(0);
  for (const doc of docs) {
    expect(readFileSync(`${dir}/${doc.split('/').pop()}`).equals(readFileSync(doc))).toBe(true);
  }
  const cms = run('openssl', ['cms', '-verify', '-cades', '-binary', '-inform', 'DER',
    '-in', `${dir}/META-INF/signature001.p7s`, '-content', `${dir}/META-INF/ASiCManifest.xml`,
    '-CAfile', caPem, '-purpose', 'any', '-out', '/dev/null']);
  expect(cms.status, cms.stderr).toBe(0);

  const report = await verifyOnPage(page, container);
  expect(report).toMatch(/Result\s+VALID/);
  expect(report).toMatch(/Covers\s+contrato\.txt/);
  expect(report).toMatch(/Covers\s+anexo\.txt/);
  const at = readFileSync(container).indexOf(readFileSync(docs[1]));
  expect(await verifyOnPage(page, tampered(container, at))).toContain('NOT VALID');
});

test('XAdES enveloped at level T on an XML invoice: xmlsec1 verifies it, and not with a changed byte', async ({ page, request }, testInfo) => {
  const invoice = testInfo.outputPath('factura.xml');
  writeFileSync(invoice, `<?xml version="1.0" encoding="UTF-8"?>\n<Factura xmlns="urn:ejemplo:factura">\n  <Numero>2026-${randomBytes(3).toString('hex')}</Numero>\n  <Importe moneda="EUR">121.00</Importe>\n</Factura>\n`);
  const { outputs } = await signOnPortal(page, request, testInfo, [invoice], { format: 'xades', level: 'T' });
  expect(outputs.map((p) => p.split('/').pop())).toEqual(['factura_signed.xml']);
  const signed = outputs[0];
  const xmlsec = (path) => run('xmlsec1', ['--verify', '--trusted-pem', caPem,
    '--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties', path]);
  const ok = xmlsec(signed);
  expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  expect(readFileSync(signed, 'utf8')).toContain('SignatureTimeStamp');
  const at = readFileSync(signed).indexOf(Buffer.from('121.00'));
  expect(xmlsec(tampered(signed, at)).status).not.toBe(0);

  const report = await verifyOnPage(page, signed);
  expect(report).toMatch(/Result\s+VALID/);
  expect(report).toContain('XAdES');
  expect(await verifyOnPage(page, tampered(signed, at))).toContain('NOT VALID');
});

test('ASiC-E with XAdES: xmlsec1 verifies signatures001.xml from the unzipped container', async ({ page, request }, testInfo) => {
  const doc = testInfo.outputPath('informe anual.txt');
  writeFileSync(doc, `informe ${randomBytes(16).toString('hex')}`);
  const { outputs } = await signOnPortal(page, request, testInfo, [doc], { format: 'asice-xades', lang: 'gl' });
  const dir = testInfo.outputPath('unzipped');
  expect(run('unzip', ['-q', outputs[0], '-d', dir]).status).toBe(0);
  const xmlsec = () => run('xmlsec1', ['--verify', '--trusted-pem', caPem,
    '--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties', 'META-INF/signatures001.xml'], { cwd: dir });
  const ok = xmlsec();
  expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  writeFileSync(`${dir}/informe anual.txt`, 'changed');
  expect(xmlsec().status).not.toBe(0);
});

test('an encrypted PDF is refused in her language before any SMS is sent, and nothing is signed', async ({ page, request }, testInfo) => {
  const pdf = ghostscriptPdf(testInfo, 'plain.pdf', 'Confidencial');
  const locked = testInfo.outputPath('protegido.pdf');
  expect(run('qpdf', ['--encrypt', 'user', 'owner', '256', '--', pdf, locked]).status).toBe(0);
  const citizen = await citizenWithCertificate(request);
  await page.goto('/');
  await expect(page.locator('#sign[data-ready=true]')).toBeAttached();
  await page.locator('#file').setInputFiles(locked);
  await page.locator('#format').selectOption('pades');
  await page.locator('#lang').selectOption('es');
  await page.locator('#sign').click();
  await page.locator('#nf-id').fill(citizen.idNumber);
  await page.locator('#nf-password').fill(citizen.password);
  await page.locator('#nf-submit').click();
  await expect(page.locator('#result')).toContainText('ERR_NUBEFIRMA_UNSUPPORTED_DOCUMENT');
  await expect(page.locator('#nubefirma')).toContainText('«protegido.pdf» está protegido con contraseña.');
  // Her phone got the activation and certificate codes only: no signing code.
  expect(await smsTo(request, citizen.phone)).toHaveLength(2);
});
