// Account activation as a portal integrates it: the SDK's activate() widget (the activation code
// from the registry office's letter → the SMS code and a password, or a first one by SMS → the
// terms). The page only says how it ended.
import { createClient } from '/pkg/index.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
const lang = new URLSearchParams(location.search).get('lang') ?? undefined;
const client = await createClient({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang });

async function activate() {
  $('again').hidden = true;
  $('result').textContent = '';
  try {
    const { idNumber, passwordBySms } = await client.activate();
    $('result').className = 'ok';
    $('result').textContent = passwordBySms
      ? `${idNumber} is active: the first password is on its way by SMS, to be changed at the first sign-in.`
      : `${idNumber} is active: sign in with your password to sign or to reach your folder.`;
  } catch (err) {
    $('result').className = err.code === 'ERR_NUBEFIRMA_USER_CANCELLED' ? '' : 'error';
    $('result').textContent = err.code === 'ERR_NUBEFIRMA_USER_CANCELLED' ? 'Activation cancelled.' : err.message;
    $('again').hidden = false;
  }
}
$('again').addEventListener('click', activate);
activate();
