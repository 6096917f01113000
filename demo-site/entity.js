// An entity's administrator (R6, R13): she signs in with her password and an SMS code (the
// registry office's login endpoint; her session reaches only /entity/v1), invites an employee
// to a professional certificate, and lists and withdraws her entity's invitations.
import { RELAY_URL, postJson } from '/relay.js';

const $ = (id) => document.getElementById(id);
let session = null;
const auth = () => ({ authorization: `Bearer ${session}` });

/** Says `text` in `out`, as good news or as a problem. */
function say(out, text, ok) {
  out.className = ok ? 'ok' : 'error';
  out.textContent = text;
}

let loginId = null;
$('admin-login').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const answer = await postJson('/office/v1/login', { name: $('adminName').value.trim(), password: $('adminPassword').value });
    loginId = answer.loginId;
    $('adminPassword').value = '';
    $('admin-confirm').hidden = false;
    $('adminCode').focus();
    say($('admin-status'), 'An SMS code went to your phone.', true);
  } catch (err) {
    say($('admin-status'), `Not signed in: ${err.message}`, false);
  }
});
$('admin-confirm').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const answer = await postJson(`/office/v1/login/${encodeURIComponent(loginId)}/confirm`, { smsCode: $('adminCode').value.trim() });
    session = answer.access_token;
    $('admin-confirm').hidden = true;
    $('adminCode').value = '';
    say($('admin-status'), `Signed in as ${$('adminName').value.trim()}.`, true);
    await list();
  } catch (err) {
    say($('admin-status'), `Not signed in: ${err.message}`, false);
  }
});

const FIELDS = ['idNumber', 'givenName', 'surname', 'birthDate', 'idDocumentExpiry', 'email', 'phone', 'role', 'lang'];
const day = (unixSeconds) => new Date(unixSeconds * 1000).toISOString().slice(0, 10);

$('invite').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!session) return say($('invited'), 'Sign in first.', false);
  const body = Object.fromEntries(FIELDS.map((k) => [k, $(k).value.trim()]));
  try {
    const answer = await postJson('/entity/v1/invitations', body, auth());
    say($('invited'), `Invited: the email with the link went to ${body.email}; the link works until ${day(answer.expiresAt)}.`, true);
    // The next employee's data, not this one's: the form starts empty again.
    for (const k of FIELDS) if (k !== 'lang') $(k).value = '';
    await list();
  } catch (err) {
    // What she typed stays, so she corrects it.
    say($('invited'), `Not invited: ${err.message}`, false);
  }
});

async function list() {
  if (!session) return say($('list-status'), 'Sign in first.', false);
  const res = await fetch(`${RELAY_URL}/entity/v1/invitations`, { headers: auth() });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) return say($('list-status'), `Not listed: ${answer.error_description ?? res.statusText}`, false);
  const rows = answer.invitations.map((invitation) => {
    const row = document.createElement('tr');
    row.dataset.invitation = invitation.invitationId;
    for (const text of [invitation.idNumber, invitation.role, invitation.status, invitation.step, day(invitation.expiresAt)]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    const action = document.createElement('td');
    if (invitation.status === 'pending') {
      const withdraw = document.createElement('button');
      withdraw.type = 'button';
      withdraw.className = 'withdraw';
      withdraw.textContent = 'Withdraw';
      withdraw.setAttribute('aria-label', `Withdraw the invitation of ${invitation.idNumber}`);
      withdraw.addEventListener('click', () => withdrawInvitation(invitation));
      action.append(withdraw);
    }
    row.append(action);
    return row;
  });
  $('invitations').querySelector('tbody').replaceChildren(...rows);
  $('invitations').hidden = rows.length === 0;
  say($('list-status'), rows.length ? `${rows.length} invitation(s).` : 'No invitations yet.', true);
}

async function withdrawInvitation(invitation) {
  try {
    await postJson(`/entity/v1/invitations/${encodeURIComponent(invitation.invitationId)}/withdraw`, {}, auth());
    await list();
    say($('list-status'), `Withdrawn: the link sent to ${invitation.idNumber} no longer works.`, true);
  } catch (err) {
    say($('list-status'), `Not withdrawn: ${err.message}`, false);
  }
}

$('refresh').addEventListener('click', list);
