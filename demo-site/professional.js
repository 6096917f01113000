// The page an entity's invitation email links to (R13): `/professional#invitation=…&token=…`.
// The fragment never reaches a server (nor a Referer); the page reads it once, takes it out of
// the address bar and the history, and hands it to the SDK's professional() widget, which sends
// the token only in request bodies.
import { createClient } from '/pkg/index.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
const link = new URLSearchParams(location.hash.slice(1));
const invitation = link.get('invitation');
const token = link.get('token');
if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);

const lang = new URLSearchParams(location.search).get('lang') ?? undefined;
const client = await createClient({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang });

function say(text, ok) {
  $('result').className = ok ? 'ok' : 'error';
  $('result').textContent = text;
}

if (!invitation || !token) {
  say('This page opens from the link in your invitation email.', false);
} else {
  try {
    const { newAccount } = await client.professional({ invitation, token });
    say(newAccount
      ? 'Issued, and your account is active: sign in with your password on the Sign page to sign with it.'
      : 'Issued: it is beside your other certificates when you sign on the Sign page.', true);
  } catch (err) {
    // The widget already said why in the employee's language; the portal says what next.
    say(err.code === 'ERR_NUBEFIRMA_USER_CANCELLED'
      ? 'Cancelled. Open the link in your email again to go on.'
      : err.code === 'ERR_NUBEFIRMA_INVITATION_INVALID'
        ? 'This invitation cannot be used any more: ask your entity for a new one.'
        : err.message, false);
  }
}
