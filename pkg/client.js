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

const THEMES = ['light', 'dark', 'auto'];

class Client {
  #wasm;
  #options;
  #loadVerify;
  #verifier = null;

  constructor(wasm, version, options, loadVerify) {
    this.#wasm = wasm;
    this.#options = options;
    this.#loadVerify = loadVerify;
    this.version = version;
    this.mount = options.mount;
    Object.freeze(this);
  }

  signFiles(files, options = {}) {
    return settled(() => this.#wasm.signFiles(files, options));
  }

  signFile(file, options = {}) {
    return settled(() => this.#wasm.signFile(file, options));
  }

  login() {
    return settled(() => this.#wasm.login());
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
 * on the first `verify` only.
 */
export function makeCreateClient(loadSigning, loadVerify) {
  const signing = once(loadSigning);
  const verifying = once(loadVerify);
  return async function createClient(options) {
    if (options === null || typeof options !== 'object') {
      throw invalid('createClient: an options object ({ relayUrl, lang?, theme?, mount? }) is required');
    }
    const { relayUrl, lang, theme } = options;
    if (typeof relayUrl !== 'string') throw invalid('relayUrl: the relay\'s http(s) URL is required');
    if (theme !== undefined && !THEMES.includes(theme)) throw invalid("theme: 'light', 'dark' or 'auto'");
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
    if (theme !== undefined) mount.setAttribute('data-theme', theme);
    const wasmOptions = { relayUrl, mount, ...(lang === undefined ? {} : { lang }) };
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
    return new Client(wasm, module.version(), wasmOptions, loadVerify);
  };
}
