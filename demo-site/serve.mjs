// Static server for the demo portal (no dependencies). Serves demo-site/ at /, the built SDK
// (pkg/) at /pkg/, and /config.js telling the pages where the relay is. Every answer carries a
// strict Content-Security-Policy, the one a portal embedding the SDK can keep: no inline script
// or style anywhere (the widgets adopt a constructed stylesheet), wasm allowed to compile,
// fetch only to this origin and the relay's.
// Usage: node demo-site/serve.mjs [--port 8080] [--relay http://127.0.0.1:8787]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const port = Number(arg('port', '8080'));
const host = arg('host', '127.0.0.1');
const relayUrl = arg('relay', 'http://127.0.0.1:8787');

const relayOrigin = new URL(relayUrl).origin;
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  `connect-src 'self' ${relayOrigin}`,
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
const security = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const here = fileURLToPath(new URL('.', import.meta.url));
const roots = { '/pkg/': resolve(here, '../pkg'), '/': resolve(here) };
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.ts': 'text/plain; charset=utf-8',
};

createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (path === '/config.js') {
    res.writeHead(200, { ...security, 'content-type': types['.js'], 'cache-control': 'no-store' });
    res.end(`export const RELAY_URL = ${JSON.stringify(relayUrl)};\n`);
    return;
  }
  const prefix = path.startsWith('/pkg/') ? '/pkg/' : '/';
  const root = roots[prefix];
  let file = normalize(join(root, path.slice(prefix.length)));
  if (!file.startsWith(root)) { res.writeHead(403, security).end('forbidden'); return; }
  if (path.endsWith('/')) file = join(file, 'index.html');
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...security, 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { ...security, 'content-type': 'text/plain' }).end(`not found: ${path}`);
  }
}).listen(port, host, () => {
  console.log(`demo site on http://${host}:${port}/  (relay ${relayUrl})`);
});
