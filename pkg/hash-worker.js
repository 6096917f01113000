// The hashing Worker (a module Worker running the same wasm as the page): hashes each Blob it
// is sent, slice by slice, and posts its progress and its digest, so the page's thread stays free
// while a large document is read. Started by client.js; cancelling is terminating it.
//
// Messages in: { id, blob, withCrc }. Out: { ready: true } once the wasm is loaded (or
// { failed: message }), then per job { id, done, total } … and { id, digest } or { id, error }.
import init, { digestBlob } from './nubefirma.js';

const ready = init({ module_or_path: new URL('./nubefirma_bg.wasm', import.meta.url) });
ready.then(
  () => self.postMessage({ ready: true }),
  (err) => self.postMessage({ failed: String(err?.message ?? err) }),
);

self.onmessage = async ({ data: { id, blob, withCrc } }) => {
  try {
    await ready;
    const digest = await digestBlob(blob, withCrc, (done, total) => self.postMessage({ id, done, total }));
    self.postMessage({ id, digest }, [digest.sha256.buffer]);
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};
