// The portal server's half of "log in with nubefirma" (R27), as an integrator writes it with
// nothing but Node's own crypto: the page asks for a nonce, the SDK's login() brings back the
// relay's signed assertion carrying it, and this server checks that assertion before it
// believes who she is — the signature against the relay's published keys (JWKS), then the
// issuer, the audience (this portal's own origin), the time, the nonce (once) and the level.
//   POST /portal/login/nonce   {level}      → {nonce}; a cookie ties it to this browser
//   POST /portal/login/session {assertion}  → {idNumber, givenName, familyName, level, key}
// The page never decides who she is: it only carries the assertion from the SDK to here.
import { createPublicKey, randomBytes, timingSafeEqual, verify } from 'node:crypto';

const NONCE_LIFETIME_MS = 5 * 60 * 1000;
const MAX_PENDING = 10_000;
const LEVELS = ['low', 'reinforced'];
const COOKIE = 'portal_login';

/** Logins waiting for their assertion: cookie id → { nonce, level, expires }. */
const pending = new Map();

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');

function cookieOf(req) {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === COOKIE && value) return value;
  }
  return null;
}

function readJson(req, limit = 16 * 1024) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) return resolve(null);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(null);
      }
    });
  });
}

/** The relay's keys, fetched once and again when an unknown `kid` shows up (key rotation). */
let jwks = null;
async function keyFor(relayUrl, kid) {
  const find = () => jwks?.keys?.find((k) => k.kid === kid && k.kty === 'EC' && k.crv === 'P-256');
  if (!find()) {
    const answer = await fetch(`${relayUrl}/.well-known/jwks.json`);
    if (!answer.ok) throw new Error(`JWKS: HTTP ${answer.status}`);
    jwks = await answer.json();
  }
  const jwk = find();
  return jwk ? createPublicKey({ key: jwk, format: 'jwk' }) : null;
}

/** The claims of `assertion` when every check holds; otherwise why not (for the log). */
async function check(assertion, { relayUrl, audience, nonce, level }) {
  const parts = typeof assertion === 'string' ? assertion.split('.') : [];
  if (parts.length !== 3) return { why: 'not a compact JWS' };
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return { why: 'unreadable header or claims' };
  }
  // Only the algorithm the relay uses: never "none", never one the token chooses for us.
  if (header.alg !== 'ES256') return { why: `algorithm ${header.alg}` };
  const key = await keyFor(relayUrl, header.kid);
  if (!key) return { why: 'unknown key' };
  const signed = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(parts[2], 'base64url'));
  if (!signed) return { why: 'bad signature' };
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== relayUrl) return { why: `issuer ${claims.iss}` };
  if (claims.aud !== audience) return { why: `audience ${claims.aud}` };
  if (!(claims.exp > now - 5) || !(claims.nbf <= now + 5)) return { why: 'outside its time' };
  const given = Buffer.from(String(claims.nonce ?? ''));
  const expected = Buffer.from(nonce);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { why: 'nonce' };
  if (LEVELS.indexOf(claims.acr) < LEVELS.indexOf(level)) return { why: `level ${claims.acr}` };
  return { claims };
}

/**
 * Handles /portal/login/*; `origin` is this portal's own origin (the assertion's audience).
 * Answers through `sendJson` and `refuse` so the security headers are the server's.
 */
export async function portalLogin(req, res, url, { relayUrl, origin, sendJson, refuse }) {
  if (req.method !== 'POST') return refuse(res, 405, 'invalid_request', 'POST only');
  const body = await readJson(req);
  if (!body || typeof body !== 'object') return refuse(res, 400, 'invalid_request', 'a JSON body is required');
  const now = Date.now();
  for (const [id, login] of pending) if (login.expires < now) pending.delete(id);

  if (url.pathname === '/portal/login/nonce') {
    const level = body.level ?? 'low';
    if (!LEVELS.includes(level)) return refuse(res, 400, 'invalid_request', "level: 'low' or 'reinforced'");
    if (pending.size >= MAX_PENDING) return refuse(res, 503, 'server_error', 'too many logins in progress');
    const id = b64url(randomBytes(24));
    const nonce = b64url(randomBytes(24));
    pending.set(id, { nonce, level, expires: now + NONCE_LIFETIME_MS });
    return sendJson(res, 200, { nonce, level }, {
      'set-cookie': `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/portal/login; Max-Age=300`,
    });
  }
  if (url.pathname === '/portal/login/session') {
    const id = cookieOf(req);
    const login = id && pending.get(id);
    if (!login) return refuse(res, 400, 'invalid_request', 'no login in progress here: start again');
    pending.delete(id); // One try per nonce.
    const { claims, why } = await check(body.assertion, { relayUrl, audience: origin, ...login });
    if (!claims) {
      console.warn(`portal login refused: ${why}`);
      return refuse(res, 401, 'authentication_failed', 'the identity assertion was not accepted');
    }
    return sendJson(res, 200, {
      idNumber: claims.id_number,
      givenName: claims.given_name,
      familyName: claims.family_name,
      level: claims.acr,
      methods: claims.amr,
    }, { 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/portal/login; Max-Age=0` });
  }
  return refuse(res, 404, 'invalid_request', 'no such endpoint');
}
