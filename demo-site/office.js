// The registry office: an operator registers a citizen whose DNI/NIE was checked in person,
// makes a new activation code (a lost letter, or the letter that resets a forgotten password),
// revokes an account, and prints the activation letter.
import { postJson } from '/relay.js';
const $ = (id) => document.getElementById(id);
// A named operator's session (after password and SMS code), else the shared token.
let session = null;
const operator = () => ({ authorization: `Bearer ${session ?? $('token').value.trim()}` });

let loginId = null;
$('operator-login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('operator-status');
  try {
    const answer = await postJson('/office/v1/login', { name: $('operatorName').value.trim(), password: $('operatorPassword').value });
    loginId = answer.loginId;
    $('operatorPassword').value = '';
    $('operator-confirm').hidden = false;
    $('operatorCode').focus();
    out.className = 'ok';
    out.textContent = 'An SMS code went to your phone.';
  } catch (err) {
    out.className = 'error';
    out.textContent = `Not signed in: ${err.message}`;
  }
});
$('operator-confirm').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('operator-status');
  try {
    const answer = await postJson(`/office/v1/login/${encodeURIComponent(loginId)}/confirm`, { smsCode: $('operatorCode').value.trim() });
    session = answer.access_token;
    $('operator-confirm').hidden = true;
    $('operatorCode').value = '';
    out.className = 'ok';
    out.textContent = `Signed in as ${$('operatorName').value.trim()}.`;
  } catch (err) {
    out.className = 'error';
    out.textContent = `Not signed in: ${err.message}`;
  }
});

$('idDocument').addEventListener('change', () => {
  $('passport-field').hidden = $('idDocument').value !== 'passport';
});

/** Says the code once and fills the printable letter with it. */
function showCode(where, what, id, idNumber, activationCode) {
  where.className = 'ok';
  where.replaceChildren(`${what}. Activation code (shown once, hand it to the citizen): `);
  const code = document.createElement('strong');
  code.id = id;
  code.textContent = activationCode;
  where.append(code);
  $('letter-id').textContent = idNumber.toUpperCase();
  $('letter-code').textContent = activationCode;
  $('letter-url').textContent = new URL('activate.html', location.href).href;
  $('letter').hidden = false;
}

$('print-letter').addEventListener('click', () => window.print());

$('regenerate').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('regenerated');
  const idNumber = $('regenerateId').value.trim();
  try {
    const answer = await postJson('/office/v1/citizens/activation-code', { idNumber }, operator());
    showCode(out, 'New code made; the old one no longer works', 'new-activation-code', idNumber, answer.activationCode);
  } catch (err) {
    out.className = 'error';
    out.textContent = `No new code: ${err.message}`;
  }
});

$('phone-change').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('phone-changed');
  try {
    await postJson('/office/v1/citizens/phone', { idNumber: $('phoneChangeId').value.trim(), phone: $('newPhone').value.trim() }, operator());
    out.className = 'ok';
    out.textContent = 'New mobile set: her codes go there now.';
  } catch (err) {
    out.className = 'error';
    out.textContent = `Not changed: ${err.message}`;
  }
});

$('revoke').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('revoked');
  try {
    await postJson('/office/v1/accounts/revoke', { idNumber: $('revokeId').value.trim(), reason: $('reason').value }, operator());
    out.className = 'ok';
    out.textContent = 'Revoked: she can no longer log in or sign, and her certificates are revoked.';
  } catch (err) {
    out.className = 'error';
    out.textContent = `Not revoked: ${err.message}`;
  }
});
$('register').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(['idNumber', 'givenName', 'surname', 'birthDate', 'phone', 'email'].map((k) => [k, $(k).value]));
  if ($('idDocument').value === 'passport') {
    body.idDocument = 'passport';
    body.passportNumber = $('passportNumber').value.trim();
  }
  const result = $('result');
  try {
    const answer = await postJson('/office/v1/citizens', body, operator());
    showCode(result, 'Registered', 'activation-code', body.idNumber, answer.activationCode);
  } catch (err) {
    result.className = 'error';
    result.textContent = `Not registered: ${err.message}`;
  }
});
