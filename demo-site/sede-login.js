// "Mi carpeta": log in with nubefirma (R27) as a portal integrates it. The portal's server
// gives a nonce for the level this page needs; the SDK's login widget offers the keys that meet
// it (R3: password or PIN for the low level; password and an SMS code for the reinforced one)
// and brings back the relay's signed assertion; the portal's server checks it
// (portal-login.mjs) and only then says who she is. The page itself believes nothing.
import { createClient } from '/pkg/index.js';
import { RELAY_URL } from '/config.js';
import { t } from './sede-i18n.js';
import { initialLanguage, translatePage, languageSelector } from './sede-common.js';

const $ = (id) => document.getElementById(id);

let lang = initialLanguage();
let status = null; // key
let failure = null; // { key, values }
let person = null; // what the portal's server accepted

function render() {
  translatePage(lang);
  $('status').textContent = status ? t(lang, status) : '';
  $('failure').textContent = failure ? t(lang, failure.key, failure.values) : '';
  $('signed-out').hidden = person !== null;
  $('signed-in').hidden = person === null;
  if (person) {
    $('welcome').textContent = t(lang, 'loginWelcome', { name: `${person.givenName} ${person.familyName}` });
    const key = person.methods.includes('pwd')
      ? (person.methods.includes('sms') ? 'keyPasswordSms' : 'keyPassword')
      : 'keyPin';
    $('details').textContent = t(lang, 'loginDetails', {
      id: person.idNumber,
      level: t(lang, person.level === 'reinforced' ? 'levelReinforced' : 'levelLow'),
      key: t(lang, key),
    });
  }
}

async function postJson(path, body) {
  const answer = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  return { ok: answer.ok, body: await answer.json().catch(() => ({})) };
}

const client = await createClient({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang });

async function logIn(level) {
  failure = null;
  status = null;
  render();
  for (const button of document.querySelectorAll('#signed-out button')) button.disabled = true;
  try {
    const started = await postJson('/portal/login/nonce', { level });
    if (!started.ok) throw new Error(started.body.error_description ?? 'nonce');
    let identity;
    try {
      identity = await client.login({ level, nonce: started.body.nonce });
    } catch (err) {
      failure = err.code === 'ERR_NUBEFIRMA_USER_CANCELLED'
        ? { key: 'errLoginCancelled' }
        : { key: 'errLoginFailed', values: { message: err.message } };
      return;
    }
    status = 'loginChecking';
    render();
    const checked = await postJson('/portal/login/session', { assertion: identity.assertion });
    status = null;
    if (!checked.ok) {
      failure = { key: 'errLoginRefused' };
      return;
    }
    person = checked.body;
  } catch (err) {
    failure = { key: 'errLoginFailed', values: { message: err.message } };
  } finally {
    for (const button of document.querySelectorAll('#signed-out button')) button.disabled = false;
    render();
    if (person) $('welcome').focus();
  }
}

// Her nubefirma account's panel (R26): the SDK draws it, and says how it ended.
$('manage-account').addEventListener('click', async () => {
  failure = null;
  status = null;
  render();
  $('manage-account').disabled = true;
  try {
    const outcome = await client.account();
    if (outcome.status === 'revoked') {
      person = null;
      status = 'accountRevokedNote';
    }
  } catch (err) {
    if (err.code !== 'ERR_NUBEFIRMA_USER_CANCELLED') failure = { key: 'errLoginFailed', values: { message: err.message } };
  } finally {
    $('manage-account').disabled = false;
    render();
  }
});
$('login-low').addEventListener('click', () => logIn('low'));
$('login-reinforced').addEventListener('click', () => logIn('reinforced'));
$('logout').addEventListener('click', () => {
  person = null;
  render();
  $('login-low').focus();
});
languageSelector($('lang'), lang, (chosen) => {
  lang = chosen;
  client.setLanguage(chosen);
  render();
});
render();
