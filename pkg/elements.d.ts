// <nubefirma-sign> and <nubefirma-login> (elements.js). Importing the module defines both.
import type { Identity, NubeFirmaErrorCode, ProgressEvent, SignOptions } from './index.js';

export * from './index.js';

/** The detail of an `error` event. */
export interface NubeFirmaErrorDetail {
  code: NubeFirmaErrorCode;
  message: string;
}

export interface NubeFirmaSignElementEventMap {
  signed: CustomEvent<File[]>;
  error: CustomEvent<NubeFirmaErrorDetail>;
  progress: CustomEvent<ProgressEvent>;
}

export interface NubeFirmaLoginElementEventMap {
  login: CustomEvent<Identity>;
  error: CustomEvent<NubeFirmaErrorDetail>;
}

type Listener<E extends HTMLElement, V> = (this: E, event: V) => unknown;

/**
 * `<nubefirma-sign relay="https://relay.example" lang="es" format="pades" level="T">`
 * (also `attached`, `asic-signature="xades"`): set `files`, call `sign()`.
 */
export declare class NubeFirmaSignElement extends HTMLElement {
  files: readonly File[] | FileList;
  /** Options beyond the attributes; they win over attributes. */
  options: SignOptions;
  /** Signs `files`; the outcome comes as a `signed` or an `error` event (never a rejection). */
  sign(): Promise<void>;
  addEventListener<K extends keyof NubeFirmaSignElementEventMap>(
    type: K, listener: Listener<this, NubeFirmaSignElementEventMap[K]>,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K, listener: Listener<this, HTMLElementEventMap[K]>,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof NubeFirmaSignElementEventMap>(
    type: K, listener: Listener<this, NubeFirmaSignElementEventMap[K]>,
    options?: boolean | EventListenerOptions): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K, listener: Listener<this, HTMLElementEventMap[K]>,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

/** `<nubefirma-login relay="https://relay.example" lang="es" level="low">`: call `login()`. */
export declare class NubeFirmaLoginElement extends HTMLElement {
  /**
   * The login widget at the `level` attribute's level (`low` or `reinforced`); the outcome
   * comes as a `login` or an `error` event (never a rejection). With the portal server's
   * `nonce`, the event's `assertion` is the relay's signed identity assertion.
   */
  login(options?: { nonce?: string }): Promise<void>;
  addEventListener<K extends keyof NubeFirmaLoginElementEventMap>(
    type: K, listener: Listener<this, NubeFirmaLoginElementEventMap[K]>,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K, listener: Listener<this, HTMLElementEventMap[K]>,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof NubeFirmaLoginElementEventMap>(
    type: K, listener: Listener<this, NubeFirmaLoginElementEventMap[K]>,
    options?: boolean | EventListenerOptions): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K, listener: Listener<this, HTMLElementEventMap[K]>,
    options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'nubefirma-sign': NubeFirmaSignElement;
    'nubefirma-login': NubeFirmaLoginElement;
  }
}
