// Verifying in the browser: the SDK's verify(signed, { content }) reports each signature of a
// PDF, XML, ASiC-E or CMS file (integrity, signer, times, trust in the relay's root CA, the
// certificate's validity then). Nothing is uploaded.
import { createClient } from '/pkg/verify.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
// A page that only verifies: the one module that signs and verifies, loaded once.
const client = await createClient({ relayUrl: RELAY_URL });

$('verify').addEventListener('click', async () => {
  const report = $('report');
  report.replaceChildren();
  const signature = $('signature').files[0];
  const content = $('content').files[0];
  if (!signature) {
    report.className = 'error';
    report.textContent = 'Choose the signed file.';
    return;
  }
  try {
    const reports = await client.verify(signature, content ? { content } : {});
    report.className = reports.every((r) => r.ok) ? 'ok' : 'error';
    for (const [i, r] of reports.entries()) {
      const item = document.createElement('section');
      item.className = r.ok ? 'signature ok' : 'signature error';
      const rows = [
        ['Result', r.ok ? 'VALID' : 'NOT VALID'],
        ['Format', r.format || '(unknown)'],
        ['Signer', r.signer ?? '(unknown)'],
        ['Signing time', r.signingTime ?? '(none)'],
        ['Timestamp', r.timestamp ? `${r.timestamp} (TSA ${r.timestampTrusted ? 'trusted' : 'NOT trusted'})` : 'none (level B)'],
        ['Intact', r.intact ? 'yes' : 'no'],
        ['Signature valid', r.valid ? 'yes' : 'no'],
        ['Trusted', r.trusted ? `yes (${r.trust})` : 'no'],
        ['Certificate valid then', r.certificateValid ? 'yes' : 'no'],
        ['Revocation', r.revocation],
        ...r.covers.map((c) => ['Covers', c]),
        ...r.problems.map((p) => ['Problem', p]),
      ];
      const h = document.createElement('h2');
      h.textContent = `Signature ${i + 1}`;
      const dl = document.createElement('dl');
      for (const [k, v] of rows) {
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.textContent = v;
        dl.append(dt, dd);
      }
      item.append(h, dl);
      report.append(item);
    }
  } catch (err) {
    report.className = 'error';
    report.textContent = `Not verified (${err.code ?? 'error'}): ${err.message}`;
  }
});

$('verify').dataset.ready = 'true';
