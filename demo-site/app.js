// The integration a portal copies: create the SDK with the relay URL and a mount element,
// call signFile(file) (or signFiles(files) for several, one SMS code), offer the .p7s Blobs.
import init, { NubeFirma } from '/pkg/nubefirma.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
$('ca-link').href = `${RELAY_URL}/pki/ca.pem`;
$('lang').value = ['es', 'ca', 'eu', 'gl', 'en'].find((l) => navigator.language.startsWith(l)) ?? 'es';

await init();

$('sign').addEventListener('click', async () => {
  const files = [...$('file').files];
  const result = $('result');
  result.className = '';
  result.textContent = '';
  if (files.length === 0) {
    result.className = 'error';
    result.textContent = 'Choose a document first.';
    return;
  }
  $('sign').disabled = true;
  try {
    const sdk = new NubeFirma({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang: $('lang').value });
    const options = { level: $('level').value };
    // One file: signFile; several: signFiles, with one SMS code for all of them.
    const signatures = files.length === 1
      ? [await sdk.signFile(files[0], options)]
      : await sdk.signFiles(files, options);
    result.className = 'ok';
    result.append('Signed. ');
    signatures.forEach((p7s, i) => {
      const link = document.createElement('a');
      link.id = i === 0 ? 'download' : `download-${i}`;
      link.href = URL.createObjectURL(p7s);
      link.download = `${files[i].name}.p7s`;
      link.textContent = `Download ${files[i].name}.p7s`;
      result.append(link, ' ');
    });
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

// The button works from here on (tests wait for this rather than race the wasm's loading).
$('sign').dataset.ready = 'true';
