// A page of a test's own, served with pkg/ on an origin the relay's CORS allows (127.0.0.1 on
// PLAIN_PAGE_PORT) by a real HTTP server: a page fulfilled by page.route has no address, and
// Chromium then refuses it the loopback relay. Every answer carries `csp`.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLAIN_PAGE_PORT } from '../playwright.config.mjs';

const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
export const TEST_PAGE_ORIGIN = `http://127.0.0.1:${PLAIN_PAGE_PORT}`;
const TYPES = { js: 'text/javascript', wasm: 'application/wasm' };

/**
 * Serves `html` at `/`, `script` at `/page.js` and pkg/ at `/pkg/`. Resolves to the server
 * (close it when done).
 */
export async function serveTestPage({ html, script, csp }) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, TEST_PAGE_ORIGIN).pathname;
    const headers = { 'content-security-policy': csp };
    if (path === '/') return res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(html);
    if (path === '/page.js') return res.writeHead(200, { ...headers, 'content-type': TYPES.js }).end(script);
    const file = normalize(join(pkgDir, path.replace(/^\/pkg\//, '')));
    if (!path.startsWith('/pkg/') || !file.startsWith(pkgDir)) return res.writeHead(404).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[path.split('.').pop()] ?? 'text/plain' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(PLAIN_PAGE_PORT, '127.0.0.1', resolve));
  return server;
}
