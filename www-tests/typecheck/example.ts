// Every API of @nubefirma/sdk as an integrator writes it, checked with `tsc --strict` against
// pkg/*.d.ts through the package's `exports` (run.mjs). The `@ts-expect-error` lines prove that
// wrong options are refused at compile time.
import {
  createClient,
  NubeFirmaError,
  NUBEFIRMA_ERROR_CODES,
  type Identity,
  type NubeFirmaClient,
  type NubeFirmaErrorCode,
  type ProgressEvent,
  type SignatureReport,
  type SignOptions,
} from '@nubefirma/sdk';
import { createClient as createVerifyingClient } from '@nubefirma/sdk/verify';
import '@nubefirma/sdk/elements';
import type { NubeFirmaErrorDetail, NubeFirmaSignElement } from '@nubefirma/sdk/elements';

declare const pdf: File;
declare const xml: File;
declare const picked: FileList;

export async function everything(): Promise<void> {
  const mount = document.getElementById('signing');
  const client: NubeFirmaClient = await createClient({
    relayUrl: 'https://relay.example',
    lang: 'es',
    theme: 'auto',
    ...(mount ? { mount } : {}),
  });
  const version: string = client.version;
  const where: HTMLElement = client.mount;
  console.log(version, where);

  const p7s: File = await client.signFile(pdf);
  const [signedPdf] = await client.signFiles([pdf], {
    format: 'pades',
    level: 'T',
    visibleSignature: { page: 1, x: 36, y: 36, width: 220, height: 60 },
    onProgress: ({ stage, file, name, done, total }: ProgressEvent) => {
      const known: 'hashing' | 'waiting-for-code' | 'signing' | 'done' = stage;
      console.log(known, file, name, done / total);
    },
  });
  const p7m: File = await client.signFile(pdf, { format: 'cades', attached: true, level: 'B' });
  const signedXml: File[] = await client.signFiles([xml], { format: 'xades' });
  const asice: File[] = await client.signFiles(picked, { format: 'asice', asicSignature: 'xades' });
  console.log(p7s, signedPdf, p7m, signedXml, asice);

  const reports: SignatureReport[] = await client.verify(p7s, { content: pdf, trust: '-----BEGIN CERTIFICATE-----' });
  for (const r of reports) {
    const flags: boolean[] = [r.ok, r.intact, r.valid, r.signerBound, r.trusted, r.certificateValid, r.timestampTrusted];
    const texts: string[] = [r.format, r.trust, r.revocation, ...r.covers, ...r.problems];
    const times: (string | undefined)[] = [r.signer, r.signingTime, r.timestamp];
    console.log(flags, texts, times);
  }
  await client.verify(signedPdf ?? pdf);

  const identity: Identity = await client.login();
  const reinforced = await client.login({ level: 'reinforced', nonce: 'n0nce-from-the-portal-server' });
  const jws: string | null = reinforced.assertion;
  const key: 'password' | 'pin' = reinforced.key;
  console.log(jws, key, reinforced.level);
  // @ts-expect-error: the levels are 'low' and 'reinforced'
  await client.login({ level: 'high' });
  const reset: void = await client.resetPassword();
  const activated = await client.activate();
  const bySms: boolean = activated.passwordBySms;
  console.log(activated.idNumber, bySms);
  const issued = await client.professional({ invitation: 'aW52aXRhdGlvbg', token: 'dG9rZW4' });
  const onNewAccount: boolean = issued.newAccount;
  console.log(issued.credentialId, onNewAccount);
  // @ts-expect-error: both the invitation and its token are required
  await client.professional({ invitation: 'aW52aXRhdGlvbg' });
  const panel = await client.account();
  if (panel.status === 'active') {
    const masked: string = panel.phone;
    const until: string | null = panel.expiresAt;
    for (const certificate of panel.certificates) console.log(masked, until, certificate.serial, certificate.status);
  }
  console.log(reset);
  const dni: string = identity.idNumber;
  for (const { id, subject, validTo } of identity.certificates) {
    const shown: string = `${id} ${subject ?? ''} ${validTo ?? ''}`;
    console.log(dni, shown);
  }
  client.setLanguage('eu');

  try {
    await client.signFile(pdf);
  } catch (err) {
    if (err instanceof NubeFirmaError) {
      const code: NubeFirmaErrorCode = err.code;
      if (code === 'ERR_NUBEFIRMA_USER_CANCELLED') return;
      console.log(err.message, NUBEFIRMA_ERROR_CODES.includes(code));
    }
  }

  const verifier = await createVerifyingClient({ relayUrl: 'https://relay.example' });
  await verifier.verify(pdf);

  // The custom elements, typed through HTMLElementTagNameMap.
  const signer: NubeFirmaSignElement = document.createElement('nubefirma-sign');
  signer.setAttribute('relay', 'https://relay.example');
  signer.files = [pdf];
  signer.options = { format: 'pades', visibleSignature: { page: 1, x: 0, y: 0, width: 100, height: 40 } };
  signer.addEventListener('signed', (event) => {
    const files: File[] = event.detail;
    console.log(files);
  });
  signer.addEventListener('error', (event) => {
    const detail: NubeFirmaErrorDetail = event.detail;
    console.log(detail.code, detail.message);
  });
  signer.addEventListener('progress', (event) => console.log(event.detail.stage));
  signer.addEventListener('click', (event: MouseEvent) => console.log(event.button));
  await signer.sign();
  const login = document.querySelector('nubefirma-login');
  login?.addEventListener('login', (event) => console.log(event.detail.idNumber));
  await login?.login();
  await login?.login({ nonce: 'n0nce-from-the-portal-server' });
}

export async function refused(client: NubeFirmaClient): Promise<void> {
  // @ts-expect-error: not a format
  await client.signFile(pdf, { format: 'pdf' });
  // @ts-expect-error: the page is a number
  await client.signFile(pdf, { format: 'pades', visibleSignature: { page: '1', x: 0, y: 0, width: 1, height: 1 } });
  // @ts-expect-error: a visible signature needs its whole rectangle
  await client.signFile(pdf, { format: 'pades', visibleSignature: { page: 1, x: 0, y: 0 } });
  // @ts-expect-error: a visible signature only in a PDF
  await client.signFile(pdf, { format: 'cades', visibleSignature: { page: 1, x: 0, y: 0, width: 1, height: 1 } });
  // @ts-expect-error: attached is for CAdES only
  await client.signFile(pdf, { format: 'asice', attached: true });
  // @ts-expect-error: asicSignature is for ASiC-E only
  await client.signFile(pdf, { format: 'xades', asicSignature: 'xades' });
  // @ts-expect-error: levels are 'B' and 'T'
  await client.signFile(pdf, { level: 'LT' });
  // @ts-expect-error: a language the widgets do not speak
  client.setLanguage('fr');
  // @ts-expect-error: relayUrl is required
  await createClient({ lang: 'es' });
  // @ts-expect-error: not a theme
  await createClient({ relayUrl: 'https://relay.example', theme: 'blue' });
  // The look key by key, as CSS values.
  await createClient({ relayUrl: 'https://relay.example', theme: { scheme: 'light', accent: '#005ea5', radius: '0' } });
  // @ts-expect-error: not a theme key
  await createClient({ relayUrl: 'https://relay.example', theme: { colour: 'red' } });
  // @ts-expect-error: not a code
  const code: NubeFirmaErrorCode = 'ERR_NUBEFIRMA_TIMEOUT';
  // @ts-expect-error: the report is not a string
  const text: string = (await client.verify(pdf))[0];
  const options: SignOptions = { format: 'asice' };
  console.log(code, text, options);
}
