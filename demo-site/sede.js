// The sede's procedure, as a portal integrates the SDK: the citizen fills the form; the page
// checks it (the DNI/NIE's check letter first), makes the application form as a one-page PDF
// right here, has the SDK sign it (PAdES with a visible signature, her cloud certificate), checks
// who signed, and submits the signed PDF to the portal's own registry (POST /sede/submissions),
// whose receipt the next page shows. Nothing she typed is lost on any error.
import { createClient } from '/pkg/index.js';
import { RELAY_URL } from '/config.js';
import { t } from './sede-i18n.js';
import {
  initialLanguage, translatePage, languageSelector, idProblem, normaliseId, formatDate,
} from './sede-common.js';
import { Page, onePagePdf, wrap } from './sede-pdf.js';

const $ = (id) => document.getElementById(id);
const PROCEDURE = 'empadronamiento';
const FIELDS = ['givenName', 'surname', 'idNumber', 'address', 'reason', 'declaration'];
const REASONS = { school: 'reasonSchool', housing: 'reasonHousing', administration: 'reasonAdministration', other: 'reasonOther' };
// Where the SDK draws the signer's name, ID number and date: the box the form leaves for it.
const SIGNATURE_BOX = { page: 1, x: 56, y: 150, width: 300, height: 80 };

let lang = initialLanguage();
// What the page says is kept as string keys, so a change of language says it again in the new one.
let problems = []; // [{ field, key }]
let status = null; // key
let failure = null; // { key, values }

function render() {
  translatePage(lang);
  for (const field of FIELDS) {
    const problem = problems.find((p) => p.field === field);
    if (problem) $(field).setAttribute('aria-invalid', 'true');
    else $(field).removeAttribute('aria-invalid');
    $(`${field}-error`).textContent = problem ? t(lang, problem.key) : '';
  }
  $('errors').hidden = problems.length === 0;
  $('errors-list').replaceChildren(...problems.map(({ field, key }) => {
    const link = document.createElement('a');
    link.href = `#${field}`;
    link.textContent = t(lang, key);
    const item = document.createElement('li');
    item.append(link);
    return item;
  }));
  $('status').textContent = status ? t(lang, status) : '';
  $('failure').textContent = failure ? t(lang, failure.key, failure.values) : '';
}

/** The form's problems, in the form's order; the DNI/NIE is checked before anything is made or sent. */
function check() {
  const value = (id) => $(id).value.trim();
  const found = [];
  if (!value('givenName')) found.push({ field: 'givenName', key: 'errGivenName' });
  if (!value('surname')) found.push({ field: 'surname', key: 'errSurname' });
  const idIssue = value('idNumber') === '' ? 'missing' : idProblem(value('idNumber'));
  if (idIssue) found.push({ field: 'idNumber', key: { missing: 'errIdMissing', format: 'errIdFormat', letter: 'errIdLetter' }[idIssue] });
  if (!value('address')) found.push({ field: 'address', key: 'errAddress' });
  if (!REASONS[value('reason')]) found.push({ field: 'reason', key: 'errReason' });
  if (!$('declaration').checked) found.push({ field: 'declaration', key: 'errDeclaration' });
  return found;
}

/** The application form as a PDF, in her language, leaving SIGNATURE_BOX for the signature. */
function applicationPdf(form, now = new Date()) {
  const s = (key, values) => t(lang, key, values);
  const page = new Page(595, 842);
  const left = 56;
  const width = 595 - 2 * left;
  const accent = [0.478, 0.122, 0.169]; // the sede's colour
  const grey = [0.29, 0.29, 0.29];
  page.rect(0, 782, 595, 60, { fill: accent });
  page.text(left, 806, s('pdfHeader'), { font: 'F2', size: 13, color: [1, 1, 1] });
  let y = 742;
  const paragraph = (text, { font = 'F1', size = 11, x = left, w = width, color } = {}) => {
    for (const line of wrap(text, font, size, w)) {
      page.text(x, y, line, { font, size, color });
      y -= size * 1.35;
    }
  };
  paragraph(s('procedureName'), { font: 'F2', size: 17 });
  y -= 12;
  paragraph(s('pdfApplicant'), { font: 'F2', size: 12, color: accent });
  page.line(left, y + 8, left + width, y + 8, { color: accent, lineWidth: 0.75 });
  y -= 6;
  const rows = [
    [s('pdfName'), `${form.givenName} ${form.surname}`],
    [s('pdfId'), form.idNumber],
    [s('pdfAddress'), form.address],
    [s('pdfReason'), s(REASONS[form.reason])],
  ];
  for (const [label, value] of rows) {
    const top = y;
    paragraph(label, { font: 'F2', size: 10, w: 130, color: grey });
    const afterLabel = y;
    y = top;
    paragraph(value, { x: left + 140, w: width - 140 });
    y = Math.min(y, afterLabel) - 4;
  }
  y -= 10;
  paragraph(s('pdfRequest'));
  y -= 10;
  paragraph(s('legendDeclaration'), { font: 'F2', size: 12, color: accent });
  page.line(left, y + 8, left + width, y + 8, { color: accent, lineWidth: 0.75 });
  y -= 6;
  // A ticked box: she ticked the declaration before the form could be made.
  page.rect(left, y - 1, 10, 10, { stroke: [0, 0, 0], lineWidth: 0.8 });
  page.line(left + 2, y + 1, left + 8, y + 7, { lineWidth: 1.2 });
  page.line(left + 2, y + 7, left + 8, y + 1, { lineWidth: 1.2 });
  paragraph(s('pdfDeclaration'), { x: left + 18, w: width - 18 });
  y -= 14;
  paragraph(s('pdfPlaceDate', { date: formatDate(lang, now) }));
  const box = SIGNATURE_BOX;
  page.text(left, box.y + box.height + 12, s('pdfSignature'), { font: 'F2', size: 10, color: grey });
  page.line(left, 84, left + width, 84, { color: [0.6, 0.6, 0.6], lineWidth: 0.5 });
  y = 70;
  paragraph(s('pdfFooter'), { size: 8, color: grey });
  return onePagePdf(page, { title: s('procedureName'), author: `${form.givenName} ${form.surname}` }, now);
}

/** The signer's subject names her ID number (the relay's certificates: serialNumber IDCES-…, CN … - ID). */
const signedBy = (subject, idNumber) => new RegExp(`(^|[^0-9A-Z])${idNumber}([^0-9A-Z]|$)`).test(subject ?? '');

/** Submits the signed PDF to the registry; resolves its receipt, or a failure to show. */
async function submit(signed) {
  let res;
  try {
    res = await fetch(`/sede/submissions?procedure=${PROCEDURE}&name=${encodeURIComponent(signed.name)}`, {
      method: 'POST', headers: { 'content-type': 'application/pdf' }, body: signed,
    });
  } catch {
    return { failure: { key: 'errNetwork' } };
  }
  const answer = await res.json().catch(() => ({}));
  if (res.status === 201) return { receipt: answer };
  if (res.status === 413) return { failure: { key: 'errTooLarge' } };
  if (['not_a_pdf', 'not_signed'].includes(answer.error)) return { failure: { key: 'errNotSigned' } };
  return { failure: { key: 'errRejected', values: { message: answer.error_description ?? res.statusText } } };
}

let client = null;
languageSelector($('lang'), lang, (chosen) => {
  lang = chosen;
  client?.setLanguage(chosen);
  render();
});
render();

// The widgets draw in #nubefirma, in her language; the language selector changes both.
client = await createClient({ relayUrl: RELAY_URL, lang, mount: $('nubefirma') });
let busy = false;

$('application').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (busy) return;
  failure = null;
  problems = check();
  render();
  if (problems.length > 0) {
    $('errors').focus();
    return;
  }
  busy = true;
  $('submit').disabled = true;
  const form = Object.fromEntries(FIELDS.map((id) => [id, $(id).value.trim()]));
  form.idNumber = normaliseId(form.idNumber);
  try {
    status = 'statusPreparing';
    render();
    const pdf = new File([applicationPdf(form)], t(lang, 'pdfFileName'), { type: 'application/pdf' });
    status = 'statusSigning';
    render();
    let signed;
    try {
      signed = await client.signFile(pdf, { format: 'pades', visibleSignature: SIGNATURE_BOX });
    } catch (err) {
      failure = err.code === 'ERR_NUBEFIRMA_USER_CANCELLED'
        ? { key: 'errSignCancelled' }
        : { key: 'errSignFailed', values: { message: err.message } };
      return;
    }
    // The registry wants the applicant's own signature: a wrong login would sign as someone else.
    status = 'statusChecking';
    render();
    const [report] = await client.verify(signed);
    if (!report?.ok) {
      failure = { key: 'errSignatureInvalid', values: { problems: report?.problems.join('; ') ?? '' } };
      return;
    }
    if (!signedBy(report.signer, form.idNumber)) {
      failure = { key: 'errSignerMismatch', values: { signer: report.signer, id: form.idNumber } };
      return;
    }
    status = 'statusSubmitting';
    render();
    const { receipt, failure: refused } = await submit(signed);
    if (refused) {
      failure = refused;
      return;
    }
    const next = new URL('sede-receipt.html', location.href);
    next.search = new URLSearchParams({ entry: receipt.number, csv: receipt.csv, lang }).toString();
    location.assign(next);
  } catch (err) {
    failure = { key: 'errSignFailed', values: { message: err.message } };
  } finally {
    busy = false;
    status = null;
    $('submit').disabled = false;
    render();
  }
});

// The form works from here on (tests wait for this rather than race the wasm's loading).
$('submit').dataset.ready = 'true';
