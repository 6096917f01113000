// Static server for the demo portal (no dependencies). Serves demo-site/ at /, the built SDK
// (pkg/) at /pkg/, and /config.js telling the pages where the relay is. Every answer carries a
// strict Content-Security-Policy, the one a portal embedding the SDK can keep: no inline script
// or style anywhere (the widgets adopt a constructed stylesheet), wasm allowed to compile,
// fetch only to this origin and the relay's.
// It is also the sede's own registry (sede.html): POST /sede/submissions takes a signed PDF
// and answers a receipt; GET /sede/submissions/{number}?csv=… gives it back. And the portal
// server's half of "log in with nubefirma" (sede-login.html): /portal/login/* (portal-login.mjs).
// /professional is professional.html, where the relay's invitation emails lead.
// Usage: node demo-site/serve.mjs [--port 8080] [--relay http://127.0.0.1:8787]
import { createServer } from 'node:http';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portalLogin } from './portal-login.mjs';

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

// The registry: submissions kept in memory (a demo; a real registry stores them durably and
// checks the signature on its side too). The oldest go first past STORE_LIMIT bytes.
const SUBMISSION_LIMIT = 20 * 1024 * 1024;
const STORE_LIMIT = 256 * 1024 * 1024;
const PROCEDURES = new Set(['empadronamiento']);
const submissions = new Map();
let storedBytes = 0;
let sequence = 0;

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { ...security, 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}
const refuse = (res, status, error, description, headers) => sendJson(res, status, { error, error_description: description }, headers);

/**
 * The request's body, or null when it is larger than `limit`. A larger body is still read to
 * its end (and dropped) so the client gets the 413 rather than a reset connection.
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : null));
    req.on('error', reject);
  });
}

/** A document name to keep: no folders, no control characters, at most 120 characters. */
function documentName(raw) {
  const name = (raw ?? '').split(/[\\/]/).pop().replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 120);
  return name || 'document.pdf';
}

async function submit(req, res, url) {
  const procedure = url.searchParams.get('procedure');
  if (!PROCEDURES.has(procedure)) {
    // Drained first, so the client reads the answer instead of a reset connection.
    await readBody(req, 0);
    return refuse(res, 400, 'unknown_procedure', `no procedure "${(procedure ?? '').slice(0, 60)}" here`);
  }
  const declared = Number(req.headers['content-length']);
  const body = declared > SUBMISSION_LIMIT ? await readBody(req, 0).then(() => null) : await readBody(req, SUBMISSION_LIMIT);
  if (body === null) return refuse(res, 413, 'too_large', `the document is larger than ${SUBMISSION_LIMIT} bytes (20 MiB)`);
  if (!body.subarray(0, 5).equals(Buffer.from('%PDF-'))) {
    return refuse(res, 400, 'not_a_pdf', 'the document is not a PDF (it does not start with %PDF-)');
  }
  if (!body.includes('/ByteRange')) {
    return refuse(res, 400, 'not_signed', 'the PDF carries no signature (no /ByteRange): sign it before submitting it');
  }
  sequence += 1;
  const now = new Date();
  const receipt = {
    number: `REG-${now.getUTCFullYear()}-${String(sequence).padStart(6, '0')}`,
    receivedAt: now.toISOString(),
    procedure,
    documentName: documentName(url.searchParams.get('name')),
    size: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    // The secure verification code: whoever has it (her receipt) can read the entry back.
    csv: randomBytes(10).toString('hex').toUpperCase(),
  };
  submissions.set(receipt.number, { receipt, pdf: body });
  storedBytes += body.length;
  for (const [number, { pdf }] of submissions) {
    if (storedBytes <= STORE_LIMIT) break;
    submissions.delete(number);
    storedBytes -= pdf.length;
  }
  return sendJson(res, 201, receipt, { location: `/sede/submissions/${receipt.number}?csv=${receipt.csv}` });
}

/** The entry `number` when `csv` is its code (compared in constant time), else undefined. */
function entryFor(number, csv) {
  const entry = submissions.get(number);
  if (!entry || typeof csv !== 'string') return undefined;
  const given = Buffer.from(csv);
  const expected = Buffer.from(entry.receipt.csv);
  return given.length === expected.length && timingSafeEqual(given, expected) ? entry : undefined;
}

function registry(req, res, url) {
  if (url.pathname === '/sede/submissions') {
    if (req.method === 'POST') return submit(req, res, url);
    return refuse(res, 405, 'method_not_allowed', 'POST a signed PDF here', { allow: 'POST' });
  }
  const match = url.pathname.match(/^\/sede\/submissions\/(REG-\d{4}-\d{6})(\/receipt)?$/);
  if (req.method !== 'GET' || !match) return refuse(res, 404, 'not_found', 'no such entry');
  // A wrong CSV answers as an entry that does not exist: entry numbers are guessable.
  const entry = entryFor(match[1], url.searchParams.get('csv'));
  if (!entry) return refuse(res, 404, 'not_found', 'no such entry, or the wrong secure verification code');
  if (match[2]) return sendJson(res, 200, entry.receipt);
  res.writeHead(200, {
    ...security,
    'content-type': 'application/pdf',
    'content-length': entry.pdf.length,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.receipt.documentName)}`,
    'cache-control': 'no-store',
  });
  return res.end(entry.pdf);
}

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/sede/submissions' || url.pathname.startsWith('/sede/submissions/')) {
    try {
      await registry(req, res, url);
    } catch (err) {
      if (!res.headersSent) refuse(res, 500, 'server_error', 'the registry failed');
      console.error(err);
    }
    return;
  }
  if (url.pathname.startsWith('/portal/login/')) {
    // This portal's own origin, as the browser names it: the audience its assertions must carry.
    const origin = `http://${req.headers.host}`;
    try {
      await portalLogin(req, res, url, { relayUrl: relayOrigin, origin, sendJson, refuse });
    } catch (err) {
      if (!res.headersSent) refuse(res, 502, 'server_error', 'the identity check failed');
      console.error(err);
    }
    return;
  }
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, { ...security, 'content-type': 'text/plain' }).end('bad path');
    return;
  }
  if (path === '/config.js') {
    res.writeHead(200, { ...security, 'content-type': types['.js'], 'cache-control': 'no-store' });
    res.end(`export const RELAY_URL = ${JSON.stringify(relayUrl)};\n`);
    return;
  }
  // The page the relay's invitation emails link to (`serve --professional-page`), without
  // the .html a link in an email should not carry.
  if (path === '/professional') path = '/professional.html';
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
