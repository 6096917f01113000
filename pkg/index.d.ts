// Types of @nubefirma/sdk, written by hand against sdk/src/web/mod.rs, sdk/src/errors.rs and
// sdk/src/report.rs: a change there is a change here (www-tests/typecheck checks them).

/** The widgets' languages. */
export type Language = 'es' | 'ca' | 'eu' | 'gl' | 'en';

/**
 * The widgets' colour scheme, set as the mount element's `data-theme` attribute (which the
 * widgets' stylesheet reads through `:host([data-theme])`).
 */
export type ColorScheme = 'light' | 'dark' | 'auto';

/**
 * The widgets' look: each key sets one of the CSS custom properties of README.md's Theming
 * table on the mount element (a CSS value, as a string: `accent: '#005ea5'`, `radius: '0'`).
 */
export interface ThemeOptions {
  scheme?: ColorScheme;
  /** `--nf-accent`: buttons, focus ring, progress bars. */
  accent?: string;
  /** `--nf-on-accent`: text on the accent. */
  onAccent?: string;
  /** `--nf-font`: font family. */
  font?: string;
  /** `--nf-font-size`: base size. */
  fontSize?: string;
  /** `--nf-radius`: card corners (fields and buttons take half). */
  radius?: string;
  /** `--nf-bg`: card and field background. */
  background?: string;
  /** `--nf-fg`: text. */
  text?: string;
  /** `--nf-muted`: hints, sizes, status. */
  muted?: string;
  /** `--nf-error`: error line, invalid fields. */
  error?: string;
  /** `--nf-border`: card, fields, choices. */
  border?: string;
  /** `--nf-focus`: focus outline. */
  focus?: string;
  /** `--nf-max-width`: the card's widest. */
  maxWidth?: string;
}

/** A colour scheme, or the look key by key. */
export type Theme = ColorScheme | ThemeOptions;

export interface ClientOptions {
  /** The relay's http(s) URL; your page's origin must be one of its `--cors-origin`s. */
  relayUrl: string;
  /** Default: the browser's language, else `'es'`. */
  lang?: Language;
  theme?: Theme;
  /**
   * The element the widgets draw in (in its open shadow root, which is reused when it has one).
   * Default: a `<div class="nubefirma">` appended to `document.body`.
   */
  mount?: HTMLElement;
}

/** Every code a `NubeFirmaError` can carry (see the table in README.md). */
export type NubeFirmaErrorCode =
  | 'ERR_NUBEFIRMA_USER_CANCELLED'
  | 'ERR_NUBEFIRMA_RELAY_UNREACHABLE'
  | 'ERR_NUBEFIRMA_ACCOUNT_BLOCKED'
  | 'ERR_NUBEFIRMA_ACCOUNT_NOT_ACTIVE'
  | 'ERR_NUBEFIRMA_NO_CREDENTIAL'
  | 'ERR_NUBEFIRMA_CREDENTIAL_UNUSABLE'
  | 'ERR_NUBEFIRMA_FILE_UNREADABLE'
  | 'ERR_NUBEFIRMA_UNSUPPORTED_DOCUMENT'
  | 'ERR_NUBEFIRMA_INVALID_OPTIONS'
  | 'ERR_NUBEFIRMA_PROTOCOL'
  | 'ERR_NUBEFIRMA_INVITATION_INVALID';

export declare const NUBEFIRMA_ERROR_CODES: readonly NubeFirmaErrorCode[];

/** What every promise of the client rejects with. */
export declare class NubeFirmaError extends Error {
  constructor(code: NubeFirmaErrorCode, message: string, options?: { cause?: unknown });
  readonly name: 'NubeFirmaError';
  readonly code: NubeFirmaErrorCode;
}

/** Where the journey is, for `onProgress`. */
export interface ProgressEvent {
  stage: 'hashing' | 'waiting-for-code' | 'signing' | 'done';
  /** The file's index in the array given (0-based). */
  file: number;
  name: string;
  /** Bytes hashed so far while `'hashing'`; otherwise `done` of `total` steps. */
  done: number;
  total: number;
}

/** A visible PAdES signature: a 1-based page, a rectangle in PDF points from its lower-left corner. */
export interface VisibleSignature {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type SignFormat = 'cades' | 'pades' | 'xades' | 'asice';
export type SignLevel = 'B' | 'T';

interface CommonSignOptions {
  /** `'B'` (default) or `'T'`: each signature also gets an RFC 3161 timestamp. */
  level?: SignLevel;
  onProgress?: (event: ProgressEvent) => void;
}

/** CAdES (the default): a detached `name.p7s`, or with `attached: true` a `name.p7m`. */
export interface CadesSignOptions extends CommonSignOptions {
  format?: 'cades';
  attached?: boolean;
  visibleSignature?: never;
  asicSignature?: never;
}

/** PAdES: `name_signed.pdf`, the signature inside the PDF (incremental update). */
export interface PadesSignOptions extends CommonSignOptions {
  format: 'pades';
  visibleSignature?: VisibleSignature;
  attached?: false;
  asicSignature?: never;
}

/** XAdES enveloped: `name_signed.xml`. */
export interface XadesSignOptions extends CommonSignOptions {
  format: 'xades';
  attached?: false;
  visibleSignature?: never;
  asicSignature?: never;
}

/** ASiC-E: one `first.asice` with every file and one signature over all. */
export interface AsiceSignOptions extends CommonSignOptions {
  format: 'asice';
  /** The signature inside the container: `'cades'` (default) or `'xades'`. */
  asicSignature?: 'cades' | 'xades';
  attached?: false;
  visibleSignature?: never;
}

export type SignOptions = CadesSignOptions | PadesSignOptions | XadesSignOptions | AsiceSignOptions;

/** One of her valid certificates, as the relay lists it. */
export interface CertificateSummary {
  /** The relay's credential id. */
  id: string;
  /** The certificate's subject DN (RFC 4514), when the relay gave it. */
  subject: string | null;
  /** The end of its validity, RFC 3339 UTC (`2028-01-31T10:00:00Z`), when the relay gave it. */
  validTo: string | null;
}

/** Who logged in: the DNI/NIE the relay accepted with her password, and her valid certificates. */
/** One of her certificates as the panel lists it. */
export interface AccountCertificate {
  id: string;
  status: 'valid' | 'suspended' | 'revoked' | 'expired';
  /** RFC 3339, UTC. */
  notAfter: string;
  /** Upper-case hex. */
  serial: string;
  /** The certificate's common name. */
  subject: string;
}

/** Her account when she closed the panel. */
export interface AccountSummary {
  status: 'active';
  idNumber: string;
  givenName: string;
  surname: string;
  /** Masked by the relay, e.g. `6•••••233`. */
  phone: string;
  /** Masked by the relay, e.g. `m•••@example.org`. */
  email: string;
  /** RFC 3339, UTC. */
  expiresAt: string | null;
  certificates: AccountCertificate[];
}

/** She revoked her account in the panel (R24). */
export interface RevokedAccount {
  status: 'revoked';
}

/** A level of assurance: `low` (her password, or a PIN by SMS: identification only) or
 * `reinforced` (her password and an SMS code; every signature is made at this level). */
export type AssuranceLevel = 'low' | 'reinforced';

export interface LoginOptions {
  /** The level the service needs (default `low`); the widget offers only the keys that meet it. */
  level?: AssuranceLevel;
  /**
   * Made by the portal's server for this login (16–128 characters of `A-Za-z0-9-_.~`): asks
   * the relay for a signed identity assertion that carries it back.
   */
  nonce?: string;
}

/** What `professional()` takes: the invitation's link fragment, `#invitation=…&token=…`. */
export interface ProfessionalOptions {
  /** The invitation id (URL-safe base64, up to 64 characters). */
  invitation: string;
  /** The link's single-use token (URL-safe base64, up to 128 characters). */
  token: string;
}

/** What `professional()` resolves to. */
export interface ProfessionalIssued {
  /** The professional certificate's credential id: it signs like any other (CSC). */
  credentialId: string;
  /** Whether the invitation made her account (now active), rather than using her one. */
  newAccount: boolean;
}

export interface Identity {
  idNumber: string;
  /** The key she used: her password, or a PIN by SMS. */
  key: 'password' | 'pin';
  level: AssuranceLevel;
  /** Her valid certificates (none after a PIN login, which cannot list them). */
  certificates: CertificateSummary[];
  /**
   * The relay's compact JWS (ES256) naming her, for the portal's server: check it against the
   * relay's `/.well-known/jwks.json`, with `aud` this page's origin, `iss` the relay, `nonce`
   * the one given and `acr` the level asked for. `null` when no nonce was given.
   */
  assertion: string | null;
}

export interface VerifyOptions {
  /** The signed document, for a detached `.p7s` (hashed in the browser). */
  content?: Blob;
  /** PEM trust anchors (default: the relay's root CA, from `/pki/ca.pem`). */
  trust?: string;
}

/** One signature's checks (sdk/src/report.rs). */
export interface SignatureReport {
  /** Every check passed. */
  ok: boolean;
  /** The container; `''` when the file is not one the SDK reads. */
  format: 'CAdES (detached)' | 'CAdES (attached)' | 'PAdES' | 'XAdES' | 'ASiC-E' | '';
  intact: boolean;
  valid: boolean;
  signerBound: boolean;
  trusted: boolean;
  /** The path to the trust anchor, or why there is none. */
  trust: string;
  /** The signer's certificate was within its validity at the signature's (trusted) time. */
  certificateValid: boolean;
  /** What the signature covers beyond the one document (e.g. an ASiC-E's files). */
  covers: string[];
  /** The relay's OCSP answer: `good`, `revoked …`, `unknown…` or `not checked: …`. */
  revocation: string;
  signer: string | undefined;
  /** RFC 3339, UTC. */
  signingTime: string | undefined;
  /** A signature timestamp's time (level T), RFC 3339, UTC. */
  timestamp: string | undefined;
  /** The timestamp's TSA signed it and chains to the trust anchors. */
  timestampTrusted: boolean;
  problems: string[];
}

export interface NubeFirmaClient {
  /** The SDK's version. */
  readonly version: string;
  /** The element the widgets draw in. */
  readonly mount: HTMLElement;
  /** One login and one SMS code for 1 to 100 files; one output per file (one for all with ASiC-E). */
  signFiles(files: readonly File[] | FileList, options?: SignOptions): Promise<File[]>;
  /** `signFiles` for one file. */
  signFile(file: File, options?: SignOptions): Promise<File>;
  /** Every signature of `signed`; loads the verify module on its first call. */
  verify(signed: Blob, options?: VerifyOptions): Promise<SignatureReport[]>;
  /**
   * The login widget alone, at the level the service needs; with a nonce, the relay's signed
   * assertion of who she is comes back for the portal's server. Her session is ended before
   * this resolves. Cancel rejects with ERR_NUBEFIRMA_USER_CANCELLED; bad options with
   * ERR_NUBEFIRMA_INVALID_OPTIONS.
   */
  login(options?: LoginOptions): Promise<Identity>;
  /**
   * The forgotten password's widgets alone: her DNI/NIE, then the code sent by SMS, the code
   * sent by email and a new password. Resolves when the password changed (the account is
   * unblocked; her certificates are revoked and a new one is made at her next signature).
   * The login widget offers the same journey. Cancel rejects with ERR_NUBEFIRMA_USER_CANCELLED.
   */
  resetPassword(): Promise<void>;
  /**
   * The self-service panel: after her password, her account (contacts masked) and what she can
   * change — password, mobile, email (each proved by codes), renewal, revoking a certificate or
   * the account. Resolves when she closes it, or with `{ status: 'revoked' }` after she revoked
   * her account. Cancel at the login rejects with ERR_NUBEFIRMA_USER_CANCELLED.
   */
  account(): Promise<AccountSummary | RevokedAccount>;
  /**
   * Activation: her DNI/NIE and the activation code of the office's letter, then the SMS code,
   * her password (or a first one by SMS, changed at her first login) and the terms. Resolves
   * once the account is active. Cancel rejects with ERR_NUBEFIRMA_USER_CANCELLED.
   */
  activate(): Promise<{ idNumber: string; passwordBySms: boolean }>;
  /**
   * A professional certificate (R6, R13): the journey an entity's invitation email leads to.
   * `invitation` and `token` as the link's fragment carries them (`#invitation=…&token=…`).
   * Six steps, one form each: the link (done), an SMS registration code, the expiry date of her
   * DNI/NIE, her password (a new account's, or her account's current one), the terms, and a
   * final SMS code. Resolves once the certificate is issued. A dead invitation rejects with
   * ERR_NUBEFIRMA_INVITATION_INVALID; Cancel with ERR_NUBEFIRMA_USER_CANCELLED.
   */
  professional(options: ProfessionalOptions): Promise<ProfessionalIssued>;
  /** The widgets' language from the next widget on. */
  setLanguage(lang: Language): void;
}

/** Loads the WebAssembly (once per page) and makes a client. */
export declare function createClient(options: ClientOptions): Promise<NubeFirmaClient>;
