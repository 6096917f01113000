// The typed client shared by index.js (signing module, verify loaded lazily) and verify.js
// (one module for both). Not an entry point of its own: its types are in index.d.ts.

/** Every code the SDK rejects with (sdk/src/errors.rs). */
export const NUBEFIRMA_ERROR_CODES = Object.freeze([
  'ERR_NUBEFIRMA_USER_CANCELLED',
  'ERR_NUBEFIRMA_RELAY_UNREACHABLE',
  'ERR_NUBEFIRMA_ACCOUNT_BLOCKED',
  'ERR_NUBEFIRMA_ACCOUNT_NOT_ACTIVE',
  'ERR_NUBEFIRMA_NO_CREDENTIAL',
  'ERR_NUBEFIRMA_CREDENTIAL_UNUSABLE',
  'ERR_NUBEFIRMA_FILE_UNREADABLE',
  'ERR_NUBEFIRMA_UNSUPPORTED_DOCUMENT',
  'ERR_NUBEFIRMA_INVALID_OPTIONS',
  'ERR_NUBEFIRMA_PROTOCOL',
  'ERR_NUBEFIRMA_INVITATION_INVALID',
]);

export class NubeFirmaError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'NubeFirmaError';
    this.code = code;
  }
}

/** Any rejection as a NubeFirmaError: the wasm's (an Error with `code`) keeps its code. */
function asNubeFirmaError(err, fallback = 'ERR_NUBEFIRMA_PROTOCOL') {
  if (err instanceof NubeFirmaError) return err;
  const code = err !== null && typeof err === 'object' && NUBEFIRMA_ERROR_CODES.includes(err.code)
    ? err.code
    : fallback;
  const message = err instanceof Error ? err.message : String(err);
  return new NubeFirmaError(code, message, { cause: err });
}

async function settled(call) {
  try {
    return await call();
  } catch (err) {
    throw asNubeFirmaError(err);
  }
}

const invalid = (message) => new NubeFirmaError('ERR_NUBEFIRMA_INVALID_OPTIONS', message);

/** Runs `load` once; a failed load may be tried again. */
function once(load) {
  let pending = null;
  return () => {
    pending ??= load().catch((err) => {
      pending = null;
      throw new NubeFirmaError(
        'ERR_NUBEFIRMA_INVALID_OPTIONS',
        `the SDK's WebAssembly could not be loaded (is the .wasm served as application/wasm, and does the page's CSP allow 'wasm-unsafe-eval'?): ${err instanceof Error ? err.message : err}`,
        { cause: err },
      );
    });
    return pending;
  };
}

const SCHEMES = ['light', 'dark', 'auto'];

/** `theme` object keys → the widgets' CSS custom properties (pkg/README.md, Theming). */
const THEME_PROPERTIES = Object.freeze({
  accent: '--nf-accent',
  onAccent: '--nf-on-accent',
  font: '--nf-font',
  fontSize: '--nf-font-size',
  radius: '--nf-radius',
  background: '--nf-bg',
  text: '--nf-fg',
  muted: '--nf-muted',
  error: '--nf-error',
  border: '--nf-border',
  focus: '--nf-focus',
  maxWidth: '--nf-max-width',
});

/**
 * `theme` as `[scheme, [[property, value]…]]`: a scheme name, or an object with `scheme` and
 * any of THEME_PROPERTIES' keys (each a CSS value as a string). Throws on anything else.
 */
function parseTheme(theme) {
  if (theme === undefined) return [undefined, []];
  if (typeof theme === 'string') {
    if (!SCHEMES.includes(theme)) throw invalid("theme: 'light', 'dark', 'auto' or an object");
    return [theme, []];
  }
  if (theme === null || typeof theme !== 'object') throw invalid("theme: 'light', 'dark', 'auto' or an object");
  const { scheme, ...rest } = theme;
  if (scheme !== undefined && !SCHEMES.includes(scheme)) throw invalid("theme.scheme: 'light', 'dark' or 'auto'");
  const properties = [];
  for (const [key, value] of Object.entries(rest)) {
    if (!Object.hasOwn(THEME_PROPERTIES, key)) {
      throw invalid(`theme.${key}: not a theme key (${['scheme', ...Object.keys(THEME_PROPERTIES)].join(', ')})`);
    }
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
      throw invalid(`theme.${key}: a CSS value as a string`);
    }
    properties.push([THEME_PROPERTIES[key], value]);
  }
  return [scheme, properties];
}

/** How long a new hashing Worker may take to load its wasm before the page hashes instead. */
const WORKER_START_MS = 15_000;

function workerUnavailable(why) {
  const err = new Error(`the hashing Worker is unavailable: ${why instanceof Error ? why.message : why}`);
  err.name = 'WorkerUnavailable';
  return err;
}

/**
 * Hashing in a module Web Worker (hash-worker.js, the same wasm), as the wasm expects it
 * (sdk/src/web/file_hash.rs): `start(blob, withCrc)` → a job whose `next()` resolves to
 * `{ done, total }` events and at last to `{ sha256, size, crc32 }`, and whose `cancel()` stops
 * it. A Worker that cannot be made, does not load or dies rejects with `WorkerUnavailable`, and
 * the wasm then hashes on the page (the fallback when a browser or a CSP allows no Worker).
 * `warm()` starts the Worker ahead of need, while the citizen logs in.
 */
function workerHasher(makeWorker) {
  let failed = null;
  let current = null;
  let nextId = 0;

  function spawn() {
    if (failed) throw failed;
    if (current) return current;
    let worker;
    try {
      worker = makeWorker();
    } catch (err) {
      failed = workerUnavailable(err);
      throw failed;
    }
    const state = { worker, jobs: new Map() };
    let markReady;
    let markFailed;
    state.ready = new Promise((resolve, reject) => { markReady = resolve; markFailed = reject; });
    state.ready.catch(() => {});
    const timer = setTimeout(() => fail(new Error('it did not start in time')), WORKER_START_MS);
    const fail = (why) => {
      clearTimeout(timer);
      failed = workerUnavailable(why);
      worker.terminate();
      if (current === state) current = null;
      markFailed(failed);
      for (const job of state.jobs.values()) job.fail(failed);
      state.jobs.clear();
    };
    state.stop = () => {
      clearTimeout(timer);
      worker.terminate();
      if (current === state) current = null;
      for (const job of state.jobs.values()) job.fail(workerUnavailable('stopped'));
      state.jobs.clear();
    };
    worker.onmessage = ({ data }) => {
      if (data?.ready) {
        clearTimeout(timer);
        markReady();
      } else if (data?.failed !== undefined) {
        fail(new Error(data.failed));
      } else {
        state.jobs.get(data?.id)?.receive(data);
      }
    };
    // A script that cannot be fetched, a CSP that forbids it, a crash: hash on the page.
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new Error(event.message || 'it failed to load or crashed'));
    };
    worker.onmessageerror = () => fail(new Error('a message could not be read'));
    current = state;
    return state;
  }

  function start(blob, withCrc) {
    const state = spawn();
    const id = ++nextId;
    const queue = [];
    let waiting = null;
    let error = null;
    const push = (event) => {
      if (waiting) {
        waiting.resolve(event);
        waiting = null;
      } else if (event.done !== undefined && queue.at(-1)?.done !== undefined) {
        queue[queue.length - 1] = event; // only the latest progress matters
      } else {
        queue.push(event);
      }
    };
    const job = {
      receive(data) {
        if (data.error !== undefined) {
          state.jobs.delete(id);
          job.fail(new Error(data.error));
        } else if (data.digest !== undefined) {
          state.jobs.delete(id);
          push(data.digest);
        } else {
          push({ done: data.done, total: data.total });
        }
      },
      fail(err) {
        error = err;
        waiting?.reject(err);
        waiting = null;
      },
    };
    state.jobs.set(id, job);
    state.ready.then(() => state.worker.postMessage({ id, blob, withCrc }), () => {});
    return {
      next() {
        if (queue.length > 0) return Promise.resolve(queue.shift());
        if (error) return Promise.reject(error);
        return new Promise((resolve, reject) => { waiting = { resolve, reject }; });
      },
      // The Worker is busy reading: ending it is the way to stop; the next job makes another.
      cancel() {
        state.jobs.delete(id);
        state.stop();
      },
    };
  }

  return {
    start,
    warm() {
      try {
        spawn();
      } catch {
        // Hashing will happen on the page; the wasm learns it at its first start().
      }
    },
  };
}

class Client {
  #wasm;
  #options;
  #loadVerify;
  #verifier = null;

  #hasher;

  constructor(wasm, version, options, loadVerify, hasher) {
    this.#wasm = wasm;
    this.#hasher = hasher;
    this.#options = options;
    this.#loadVerify = loadVerify;
    this.version = version;
    this.mount = options.mount;
    Object.freeze(this);
  }

  signFiles(files, options = {}) {
    this.#warmHasher(options);
    return settled(() => this.#wasm.signFiles(files, options));
  }

  signFile(file, options = {}) {
    this.#warmHasher(options);
    return settled(() => this.#wasm.signFile(file, options));
  }

  /** Starts the hashing Worker while she logs in, for the formats that stream the documents
   * (PAdES, XAdES and attached CAdES read them whole on the page instead). */
  #warmHasher(options) {
    const format = options?.format ?? 'cades';
    if (format === 'asice' || (format === 'cades' && !options?.attached)) this.#hasher?.warm();
  }

  login(options) {
    return settled(() => this.#wasm.login(options));
  }

  resetPassword() {
    return settled(() => this.#wasm.resetPassword());
  }

  account() {
    return settled(() => this.#wasm.account());
  }

  activate() {
    return settled(() => this.#wasm.activate());
  }

  professional(options) {
    return settled(() => this.#wasm.professional(options));
  }

  setLanguage(lang) {
    this.#options.lang = lang;
    this.#wasm.setLanguage(lang);
    this.#verifier?.setLanguage(lang);
  }

  verify(signed, options = {}) {
    return settled(async () => {
      if (!this.#verifier) {
        const { module, sameAsSigning } = await this.#loadVerify();
        this.#verifier = sameAsSigning ? this.#wasm : new module.NubeFirma(this.#options);
      }
      return this.#verifier.verify(signed, options);
    });
  }
}

/**
 * `createClient` over two loaders, each resolving to an initialised wasm-bindgen module:
 * `loadSigning` (signFiles, login) and `loadVerify` (the same plus verify), which is called
 * on the first `verify` only; and `makeWorker`, which makes the hashing Worker (its
 * `new Worker(new URL(…, import.meta.url))` must be written in the entry module for bundlers
 * to find it).
 */
export function makeCreateClient(loadSigning, loadVerify, makeWorker) {
  const signing = once(loadSigning);
  const verifying = once(loadVerify);
  return async function createClient(options) {
    if (options === null || typeof options !== 'object') {
      throw invalid('createClient: an options object ({ relayUrl, lang?, theme?, mount? }) is required');
    }
    const { relayUrl, lang, theme } = options;
    if (typeof relayUrl !== 'string') throw invalid('relayUrl: the relay\'s http(s) URL is required');
    const [scheme, themeProperties] = parseTheme(theme);
    let { mount } = options;
    if (mount !== undefined && !(mount instanceof HTMLElement)) {
      throw invalid('mount: an HTML element for the widgets');
    }
    const module = await signing();
    if (mount === undefined) {
      mount = document.createElement('div');
      mount.className = 'nubefirma';
      document.body.append(mount);
    }
    if (scheme !== undefined) mount.setAttribute('data-theme', scheme);
    // CSSOM, not a style attribute: a CSP without 'unsafe-inline' allows it.
    for (const [property, value] of themeProperties) mount.style.setProperty(property, value);
    // No Worker in this browser: the wasm hashes on the page, as it does when one fails.
    const hasher = typeof Worker === 'function' ? workerHasher(makeWorker) : undefined;
    const wasmOptions = { relayUrl, mount, hasher, ...(lang === undefined ? {} : { lang }) };
    let wasm;
    try {
      wasm = new module.NubeFirma(wasmOptions);
    } catch (err) {
      throw asNubeFirmaError(err, 'ERR_NUBEFIRMA_INVALID_OPTIONS');
    }
    const loadVerify = async () => {
      const verifyModule = await verifying();
      return { module: verifyModule, sameAsSigning: verifyModule === module };
    };
    return new Client(wasm, module.version(), wasmOptions, loadVerify, hasher);
  };
}
