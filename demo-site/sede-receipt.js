// The registry receipt: the entry the portal's server registered (GET
// /sede/submissions/{number}/receipt?csv=…), the signed PDF it keeps, and that PDF checked in the
// browser by the SDK's verify (signer, signing time, valid, trusted). The CSV (secure
// verification code) in the link is what lets this browser read the entry back.
import { createClient } from '/pkg/verify.js';
import { RELAY_URL } from '/config.js';
import { t } from './sede-i18n.js';
import { initialLanguage, translatePage, languageSelector, formatBytes, formatDateTime } from './sede-common.js';

const $ = (id) => document.getElementById(id);
const PROCEDURES = { empadronamiento: 'procedureName' };

let lang = initialLanguage();
let receipt = null;
// The signature check as shown: { state: 'checking' | 'done' | 'error', report?, message? }.
let check = null;

/** The CN of an RFC 4514 subject (the citizen's name and ID number), else the whole subject. */
function commonName(subject) {
  const match = subject?.match(/(?:^|,)CN=((?:\\.|[^,])+)/);
  return match ? match[1].replace(/\\(.)/g, '$1') : subject;
}

function renderCheck() {
  const box = $('signature');
  if (!check) { box.replaceChildren(); return; }
  if (check.state === 'checking') {
    box.className = '';
    box.textContent = t(lang, 'signatureChecking');
    return;
  }
  if (check.state === 'error') {
    box.className = 'error';
    box.textContent = t(lang, 'signatureError', { message: check.message });
    return;
  }
  const r = check.report;
  const yesNo = (v) => t(lang, v ? 'yes' : 'no');
  const rows = [
    ['signer', r.signer ? commonName(r.signer) : t(lang, 'unknown'), 'signer'],
    ['signingTime', r.signingTime ? formatDateTime(lang, r.signingTime) : t(lang, 'unknown'), 'signing-time'],
    ['signatureValid', yesNo(r.intact && r.valid), 'signature-valid'],
    ['signatureTrusted', yesNo(r.trusted), 'signature-trusted'],
  ];
  const dl = document.createElement('dl');
  dl.className = 'receipt-data';
  for (const [key, value, id] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = t(lang, key);
    const dd = document.createElement('dd');
    dd.id = id;
    dd.textContent = value;
    dl.append(dt, dd);
  }
  const verdict = document.createElement('p');
  verdict.id = 'signature-result';
  verdict.className = r.ok ? 'notice ok' : 'notice error';
  verdict.textContent = r.ok ? t(lang, 'signatureOk') : t(lang, 'signatureBad', { problems: r.problems.join('; ') });
  box.className = '';
  box.replaceChildren(verdict, dl);
}

function render() {
  translatePage(lang);
  if (receipt) {
    $('entry-number').textContent = receipt.number;
    $('received-at').textContent = formatDateTime(lang, receipt.receivedAt);
    $('procedure').textContent = PROCEDURES[receipt.procedure] ? t(lang, PROCEDURES[receipt.procedure]) : receipt.procedure;
    $('document-name').textContent = receipt.documentName;
    $('document-size').textContent = formatBytes(lang, receipt.size);
    $('sha256').textContent = receipt.sha256;
    $('csv').textContent = receipt.csv;
  }
  renderCheck();
}

let client = null;
languageSelector($('lang'), lang, (chosen) => {
  lang = chosen;
  client?.setLanguage(chosen);
  render();
});
$('print').addEventListener('click', () => window.print());
render();

const params = new URLSearchParams(location.search);
const entry = params.get('entry') ?? '';
const csv = params.get('csv') ?? '';
const base = `/sede/submissions/${encodeURIComponent(entry)}`;
const query = `?csv=${encodeURIComponent(csv)}`;
const res = await fetch(`${base}/receipt${query}`).catch(() => null);
if (!res?.ok) {
  $('not-found').hidden = false;
} else {
  receipt = await res.json();
  $('download-pdf').href = `${base}${query}`;
  $('download-pdf').download = receipt.documentName;
  $('receipt').hidden = false;
  check = { state: 'checking' };
  render();
  try {
    // The copy the registry keeps, checked here against the relay's root CA.
    const pdf = await (await fetch(`${base}${query}`)).blob();
    client = await createClient({ relayUrl: RELAY_URL, lang, mount: document.createElement('div') });
    const [report] = await client.verify(new File([pdf], receipt.documentName, { type: 'application/pdf' }));
    check = report ? { state: 'done', report } : { state: 'error', message: 'no signature' };
  } catch (err) {
    check = { state: 'error', message: err.message };
  }
  render();
}
document.body.dataset.ready = 'true';
