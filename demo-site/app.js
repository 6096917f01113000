// The integration a portal copies: create the SDK with the relay URL and a mount element,
// call signFile(file), offer the resulting .p7s Blob for download.
import init, { NubeFirma } from '/pkg/nubefirma.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
$('ca-link').href = `${RELAY_URL}/pki/ca.pem`;
$('lang').value = ['es', 'ca', 'eu', 'gl', 'en'].find((l) => navigator.language.startsWith(l)) ?? 'es';

await init();

$('sign').addEventListener('click', async () => {
  const file = $('file').files[0];
  const result = $('result');
  result.className = '';
  result.textContent = '';
  if (!file) {
    result.className = 'error';
    result.textContent = 'Choose a document first.';
    return;
  }
  $('sign').disabled = true;
  try {
    const sdk = new NubeFirma({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang: $('lang').value });
    const p7s = await sdk.signFile(file);
    const link = document.createElement('a');
    link.id = 'download';
    link.href = URL.createObjectURL(p7s);
    link.download = `${file.name}.p7s`;
    link.textContent = `Download ${file.name}.p7s`;
    result.className = 'ok';
    result.append('Signed. ', link);
  } catch (err) {
    // err.code is one of the SDK's stable codes (pkg/README.md); the widget already told the citizen.
    if (err.code !== 'ERR_NUBEFIRMA_USER_CANCELLED') {
      result.className = 'error';
      result.textContent = `Not signed (${err.code ?? 'error'}): ${err.message}`;
    }
  } finally {
    $('sign').disabled = false;
  }
});
