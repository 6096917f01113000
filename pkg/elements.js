// <nubefirma-sign> and <nubefirma-login>: the SDK as HTML elements. The widgets draw in the
// element's own open shadow root; its children show there (through a <slot>) when no widget is
// shown. Importing this module defines both elements (once). Types: elements.d.ts.
import { createClient, NubeFirmaError } from './index.js';

export * from './index.js';

class NubeFirmaElement extends HTMLElement {
  #client = null;
  #clientRelay = null;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).append(document.createElement('slot'));
  }

  /** A client for the current `relay` and `lang` attributes, made once per relay. */
  async client() {
    const relay = this.getAttribute('relay');
    if (relay === null || relay === '') {
      throw new NubeFirmaError('ERR_NUBEFIRMA_INVALID_OPTIONS', `<${this.localName}>: the relay attribute is required`);
    }
    if (this.#client === null || this.#clientRelay !== relay) {
      const lang = this.getAttribute('lang');
      this.#clientRelay = relay;
      this.#client = createClient({ relayUrl: relay, mount: this, ...(lang ? { lang } : {}) });
      this.#client.catch(() => {
        this.#client = null;
      });
    }
    const client = await this.#client;
    const lang = this.getAttribute('lang');
    if (lang) client.setLanguage(lang);
    return client;
  }

  /** Runs a journey: its result as `event`, or an `error` event; never rejects. */
  async run(event, journey) {
    try {
      const detail = await journey(await this.client());
      this.dispatchEvent(new CustomEvent(event, { detail, bubbles: true }));
    } catch (err) {
      const code = err instanceof NubeFirmaError ? err.code : 'ERR_NUBEFIRMA_PROTOCOL';
      const message = err instanceof Error ? err.message : String(err);
      this.dispatchEvent(new CustomEvent('error', { detail: { code, message }, bubbles: true }));
    } finally {
      // The children show again below what the widget left (its confirmation, or nothing).
      if (!this.shadowRoot.querySelector('slot')) this.shadowRoot.append(document.createElement('slot'));
    }
  }
}

export class NubeFirmaSignElement extends NubeFirmaElement {
  /** The documents to sign (an array or a FileList). */
  files = [];
  /** Options beyond the attributes (visibleSignature, onProgress, …); they win over attributes. */
  options = {};

  /** Signs `files`: a `signed` event (detail: File[]) or an `error` event (detail: { code, message }). */
  sign() {
    return this.run('signed', (client) => {
      const attribute = (name) => this.getAttribute(name) ?? undefined;
      const options = {
        format: attribute('format'),
        level: attribute('level'),
        ...(this.hasAttribute('attached') ? { attached: true } : {}),
        asicSignature: attribute('asic-signature'),
        ...this.options,
      };
      const onProgress = options.onProgress;
      options.onProgress = (progress) => {
        this.dispatchEvent(new CustomEvent('progress', { detail: progress, bubbles: true }));
        onProgress?.(progress);
      };
      for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
      return client.signFiles(this.files, options);
    });
  }
}

export class NubeFirmaLoginElement extends NubeFirmaElement {
  /** The login widget at the `level` attribute's level (`low` by default, or `reinforced`):
   * a `login` event (detail: { idNumber, key, level, certificates, assertion }) or an `error`
   * event. `nonce`: the portal server's nonce for a signed identity assertion. */
  login({ nonce } = {}) {
    const level = this.getAttribute('level') ?? undefined;
    return this.run('login', (client) => client.login({ level, nonce }));
  }
}

if (!customElements.get('nubefirma-sign')) customElements.define('nubefirma-sign', NubeFirmaSignElement);
if (!customElements.get('nubefirma-login')) customElements.define('nubefirma-login', NubeFirmaLoginElement);
