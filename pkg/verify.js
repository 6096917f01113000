// @nubefirma/sdk/verify: the same createClient, on the one module that both signs and verifies
// (for pages that check signatures: one download instead of two). Types: verify.d.ts.
import initVerify, * as verifyModule from './nubefirma-verify.js';
import { makeCreateClient } from './client.js';

export { NubeFirmaError, NUBEFIRMA_ERROR_CODES } from './client.js';

const load = async () => {
  await initVerify({ module_or_path: new URL('./nubefirma-verify_bg.wasm', import.meta.url) });
  return verifyModule;
};

// The hashing Worker runs the signing module (smaller; it has the same digestBlob).
export const createClient = makeCreateClient(
  load,
  load,
  () => new Worker(new URL('./hash-worker.js', import.meta.url), { type: 'module' }),
);
