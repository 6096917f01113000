// The integration a portal copies: createClient with the relay URL and a mount element (it
// loads the wasm, and hashes documents in a Web Worker), call signFiles(files, { format, level })
// (one SMS code for all), offer the signed Files.
import { createClient } from '/pkg/index.js';
import { RELAY_URL } from '/config.js';

const $ = (id) => document.getElementById(id);
$('ca-link').href = `${RELAY_URL}/pki/ca.pem`;
$('lang').value = ['es', 'ca', 'eu', 'gl', 'en'].find((l) => navigator.language.startsWith(l)) ?? 'es';

const client = await createClient({ relayUrl: RELAY_URL, mount: $('nubefirma'), lang: $('lang').value });
$('lang').addEventListener('change', () => client.setLanguage($('lang').value));

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
    const chosen = $('format').value;
    const options = {
      format: { 'cades-attached': 'cades', 'asice-xades': 'asice' }[chosen] ?? chosen,
      attached: chosen === 'cades-attached',
      asicSignature: chosen === 'asice-xades' ? 'xades' : 'cades',
      level: $('level').value,
      onProgress: ({ stage, name, done, total }) => {
        $('progress').textContent = `${stage} ${name} ${total ? Math.round((done / total) * 100) : 0} %`;
      },
    };
    if (chosen === 'pades' && $('visible').checked) {
      const n = (id) => Number($(id).value);
      options.visibleSignature = {
        page: n('visible-page'), x: n('visible-x'), y: n('visible-y'),
        width: n('visible-width'), height: n('visible-height'),
      };
    }
    // One SMS code for all of them; each output is a File named after its input.
    const signed = await client.signFiles(files, options);
    result.className = 'ok';
    result.append('Signed. ');
    signed.forEach((file, i) => {
      const link = document.createElement('a');
      link.id = i === 0 ? 'download' : `download-${i}`;
      link.href = URL.createObjectURL(file);
      link.download = file.name;
      link.textContent = `Download ${file.name}`;
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
