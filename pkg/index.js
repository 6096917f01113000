// @nubefirma/sdk: createClient({ relayUrl, lang?, theme?, mount? }) loads the signing module's
// WebAssembly itself; verify() loads the verify module on its first call. Types: index.d.ts.
import initSigning, * as signingModule from './nubefirma.js';
import { makeCreateClient } from './client.js';

export { NubeFirmaError, NUBEFIRMA_ERROR_CODES } from './client.js';

export const createClient = makeCreateClient(
  async () => {
    // A literal `new URL(…, import.meta.url)`: bundlers (Vite, webpack, Rollup) emit the file.
    await initSigning({ module_or_path: new URL('./nubefirma_bg.wasm', import.meta.url) });
    return signingModule;
  },
  async () => {
    const verifyModule = await import('./nubefirma-verify.js');
    await verifyModule.default({
      module_or_path: new URL('./nubefirma-verify_bg.wasm', import.meta.url),
    });
    return verifyModule;
  },
  // Hashing off the page's thread; the literal form again, so bundlers emit the Worker.
  () => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' }),
);
