//! The JavaScript API under the typed one of `pkg/index.js`: `new NubeFirma({ relayUrl, mount,
//! lang })`, then `await nubefirma.signFile(file, { format, level })` → a signed `File`, or
//! `await nubefirma.signFiles(files, { format, level })` → one per file (one for all in an
//! ASiC-E) with one SMS code; `login()` → who she is; `setLanguage(lang)`. Rejections
//! are `Error`s with a stable `code` (see `errors.rs`). `pkg/index.d.ts` types this surface by
//! hand: a change here is a change there.

mod activate;
mod client;
pub mod file_hash;
mod flow;
mod identify;
mod panel;
mod professional;
pub mod professional_forms;
pub mod widgets;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
#[cfg(feature = "verify")]
use web_sys::Blob;
use web_sys::{File, FilePropertyBag, HtmlElement};

use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Lang;
use client::RelayClient;
use nubefirma_containers::format::Format;
use nubefirma_containers::pades::{AppearanceLabels, VisibleSignature};
use widgets::WidgetHost;

fn js_error(err: &SdkError) -> JsValue {
    let e = js_sys::Error::new(&err.message);
    e.set_name("NubeFirmaError");
    let _ = Reflect::set(&e, &"code".into(), &err.code.as_str().into());
    e.into()
}

fn option(options: &JsValue, key: &str) -> JsValue {
    Reflect::get(options, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen]
pub struct NubeFirma {
    relay: RelayClient,
    hashing: file_hash::Hashing,
    mount: HtmlElement,
    lang: Lang,
}

#[wasm_bindgen]
impl NubeFirma {
    /// `options`: `relayUrl` (string), `mount` (the element the widgets draw in), `lang`
    /// (optional: es, ca, eu, gl, en; defaults to the browser's language), `hasher` (optional:
    /// the Web Worker that hashes documents, from `pkg/client.js`; see `file_hash`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<NubeFirma, JsValue> {
        let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
        let window = web_sys::window()
            .ok_or_else(|| invalid("no window: the SDK runs in a browser page"))?;
        if !window.is_secure_context() {
            return Err(invalid(
                "the SDK only runs in a secure context (https or localhost)",
            ));
        }
        let relay_url = option(&options, "relayUrl")
            .as_string()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .ok_or_else(|| invalid("relayUrl: the relay's http(s) URL is required"))?;
        let mount = option(&options, "mount")
            .dyn_into::<HtmlElement>()
            .map_err(|_| invalid("mount: an HTML element for the widgets is required"))?;
        let lang = option(&options, "lang")
            .as_string()
            .or_else(|| window.navigator().language())
            .map(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::Es);
        Ok(NubeFirma {
            relay: RelayClient::new(&relay_url),
            hashing: file_hash::Hashing::from_option(option(&options, "hasher")),
            mount,
            lang,
        })
    }

    /// Signs `file` with the citizen's cloud key: `signFiles` for one file, resolving to its
    /// one signed output.
    #[wasm_bindgen(js_name = signFile)]
    pub fn sign_file(&self, file: File, options: JsValue) -> js_sys::Promise {
        let promise = self.sign_files(Array::of1(&file).into(), options);
        future_to_promise(async move {
            let blobs = wasm_bindgen_futures::JsFuture::from(promise).await?;
            Ok(Array::from(&blobs).get(0))
        })
    }

    /// The language of the widgets from now on (es, ca, eu, gl, en; another tag: es).
    #[wasm_bindgen(js_name = setLanguage)]
    pub fn set_language(&mut self, lang: &str) {
        self.lang = Lang::from_tag(lang);
    }

    /// The language the widgets speak (`es`, `ca`, `eu`, `gl` or `en`).
    #[wasm_bindgen(getter)]
    pub fn lang(&self) -> String {
        self.lang.tag().to_owned()
    }

    /// The login widget alone, at the level of assurance the portal asks for (R1–R4).
    /// `options` (optional): `level`, `'low'` (default: her password, or a PIN by SMS after her
    /// DNI/NIE and birth date, identification only) or `'reinforced'` (her password and an SMS
    /// code); `nonce`, 16–128 characters of `A-Za-z0-9-_.~` made by the portal's server for this
    /// login, which asks the relay for a signed identity assertion (R27).
    ///
    /// Resolves to `{ idNumber, key, level, certificates: [{ id, subject, validTo }],
    /// assertion }`: the DNI/NIE the relay accepted; `key`, `'password'` or `'pin'`; her valid
    /// certificates (`subject`: the certificate's subject DN; `validTo`: RFC 3339, UTC; none
    /// after a PIN login, which cannot list them); `assertion`, the relay's compact JWS (ES256)
    /// for the portal's server to check against `/.well-known/jwks.json` (its `aud` is this
    /// page's origin, its `nonce` the one given), or `null` without a nonce. The session is
    /// revoked before it resolves. Cancel rejects with `ERR_NUBEFIRMA_USER_CANCELLED`; bad
    /// options with `ERR_NUBEFIRMA_INVALID_OPTIONS`, before any widget shows.
    pub fn login(&self, options: JsValue) -> js_sys::Promise {
        // The reset its widget offers sends SMS and email in her language.
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
            let (level, nonce) = if options.is_undefined() || options.is_null() {
                (nubefirma_protocol::Level::Low, None)
            } else {
                let level = match option(&options, "level") {
                    v if v.is_undefined() => nubefirma_protocol::Level::Low,
                    v => v
                        .as_string()
                        .and_then(|name| nubefirma_protocol::Level::from_name(&name))
                        .ok_or_else(|| invalid("level: 'low' or 'reinforced'"))?,
                };
                let nonce = match option(&options, "nonce") {
                    v if v.is_undefined() || v.is_null() => None,
                    v => Some(
                        v.as_string()
                            .filter(|n| nubefirma_protocol::level::is_acceptable_nonce(n))
                            .ok_or_else(|| {
                                invalid("nonce: 16 to 128 characters of A-Z a-z 0-9 - _ . ~, made by the portal's server")
                            })?,
                    ),
                };
                (level, nonce)
            };
            let ui = WidgetHost::attach(&mount, lang)?;
            let identified = identify::identify(&ui, &relay, level, nonce.as_deref())
                .await
                .map_err(|e| js_error(&e))?;
            let certificates = Array::new();
            for credential in identified.certificates {
                let entry = js_sys::Object::new();
                let text =
                    |value: Option<String>| value.map(JsValue::from).unwrap_or(JsValue::NULL);
                Reflect::set(&entry, &"id".into(), &credential.id.into())?;
                Reflect::set(&entry, &"subject".into(), &text(credential.subject_dn))?;
                let valid_to = credential
                    .valid_to
                    .as_deref()
                    .and_then(rfc3339_of_generalized);
                Reflect::set(&entry, &"validTo".into(), &text(valid_to))?;
                certificates.push(&entry);
            }
            let identity = js_sys::Object::new();
            Reflect::set(
                &identity,
                &"idNumber".into(),
                &identified.id_number.as_str().into(),
            )?;
            Reflect::set(&identity, &"key".into(), &identified.key.as_str().into())?;
            Reflect::set(
                &identity,
                &"level".into(),
                &identified.level.as_str().into(),
            )?;
            Reflect::set(&identity, &"certificates".into(), &certificates)?;
            Reflect::set(
                &identity,
                &"assertion".into(),
                &identified
                    .assertion
                    .map(JsValue::from)
                    .unwrap_or(JsValue::NULL),
            )?;
            Ok(identity.into())
        })
    }

    /// The self-service panel (R26): she logs in with her password, then sees her account
    /// (names, DNI/NIE, her mobile and email masked, until when the account is valid, her
    /// certificates) and can change her password (her certificates keep working), her mobile
    /// or email (proved by codes sent to the new one, and for a mobile also to the current
    /// one), renew the account in its last 90 days, revoke a certificate or revoke the whole
    /// account (R24), each with her password again. Resolves when she closes it, to `{ status:
    /// 'active', idNumber, givenName, surname, phone, email, expiresAt, certificates: [{ id,
    /// status, notAfter, serial, subject }] }` (contacts masked; times RFC 3339, UTC), or to
    /// `{ status: 'revoked' }` after she revoked her account. Cancel at the login rejects with
    /// `ERR_NUBEFIRMA_USER_CANCELLED`.
    pub fn account(&self) -> js_sys::Promise {
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let ui = WidgetHost::attach(&mount, lang)?;
            let outcome = panel::account(&ui, &relay)
                .await
                .map_err(|e| js_error(&e))?;
            let result = js_sys::Object::new();
            let overview = match outcome {
                panel::PanelOutcome::Revoked => {
                    Reflect::set(&result, &"status".into(), &"revoked".into())?;
                    return Ok(result.into());
                }
                panel::PanelOutcome::Closed(overview) => overview,
            };
            let iso = |seconds: i64| -> JsValue {
                js_sys::Date::new(&JsValue::from_f64(seconds as f64 * 1000.0))
                    .to_iso_string()
                    .into()
            };
            Reflect::set(&result, &"status".into(), &overview.status.as_str().into())?;
            Reflect::set(
                &result,
                &"idNumber".into(),
                &overview.id_number.as_str().into(),
            )?;
            Reflect::set(
                &result,
                &"givenName".into(),
                &overview.given_name.as_str().into(),
            )?;
            Reflect::set(
                &result,
                &"surname".into(),
                &overview.surname.as_str().into(),
            )?;
            Reflect::set(&result, &"phone".into(), &overview.phone.as_str().into())?;
            Reflect::set(&result, &"email".into(), &overview.email.as_str().into())?;
            Reflect::set(
                &result,
                &"expiresAt".into(),
                &overview.expires_at.map(iso).unwrap_or(JsValue::NULL),
            )?;
            let certificates = Array::new();
            for c in &overview.certificates {
                let entry = js_sys::Object::new();
                Reflect::set(&entry, &"id".into(), &c.id.as_str().into())?;
                Reflect::set(&entry, &"status".into(), &c.status.as_str().into())?;
                Reflect::set(&entry, &"notAfter".into(), &iso(c.not_after))?;
                Reflect::set(&entry, &"serial".into(), &c.serial.as_str().into())?;
                Reflect::set(&entry, &"subject".into(), &c.subject_cn.as_str().into())?;
                certificates.push(&entry);
            }
            Reflect::set(&result, &"certificates".into(), &certificates)?;
            Ok(result.into())
        })
    }

    /// Activation (R12): her DNI/NIE and the activation code from the registry office's
    /// letter, then the SMS code, her new password (or, if she prefers, a first password by
    /// SMS that she changes at her first login, R14) and the terms. Resolves to `{ idNumber,
    /// passwordBySms }` once the account is active (the widget then says so, with a Close
    /// button). A new letter from the office resets a forgotten password the same way. Cancel
    /// rejects with `ERR_NUBEFIRMA_USER_CANCELLED`.
    pub fn activate(&self) -> js_sys::Promise {
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let ui = WidgetHost::attach(&mount, lang)?;
            let activated = activate::activate(&ui, &relay)
                .await
                .map_err(|e| js_error(&e))?;
            let result = js_sys::Object::new();
            Reflect::set(
                &result,
                &"idNumber".into(),
                &activated.id_number.as_str().into(),
            )?;
            Reflect::set(
                &result,
                &"passwordBySms".into(),
                &activated.password_by_sms.into(),
            )?;
            Ok(result.into())
        })
    }

    /// The forgotten password's widgets alone (R20, R26): her DNI/NIE, then the code sent by
    /// SMS, the code sent by email and a new password. Resolves when the password changed (the
    /// account is unblocked; her certificates were revoked and a new one is made at her next
    /// signature). The login widget offers the same journey ("Forgot your password?"). Cancel
    /// rejects with `ERR_NUBEFIRMA_USER_CANCELLED`.
    #[wasm_bindgen(js_name = resetPassword)]
    pub fn reset_password(&self) -> js_sys::Promise {
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let ui = WidgetHost::attach(&mount, lang)?;
            flow::reset_only(&ui, &relay)
                .await
                .map_err(|e| js_error(&e))?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Signs several files with one login and one SMS code (the widget lists every document;
    /// the SMS repeats the one verification code). `files`: an array or a `FileList` of at most
    /// 100 files. `options`:
    /// - `format`: `'cades'` (default: a detached `.p7s` per file; with `attached: true` a
    ///   `.p7m` that carries it), `'pades'` (the signature inside each PDF), `'xades'` (inside
    ///   each XML document), `'asice'` (one ASiC-E zip with every file and one signature);
    /// - `level`: `'B'` (default) or `'T'` (a trusted time from the relay's TSA);
    /// - `visibleSignature` (PAdES): `{ page, x, y, width, height }` in PDF points from the
    ///   page's lower-left corner; the signer's name, ID number and the date are drawn there;
    /// - `asicSignature` (ASiC-E): `'cades'` (default) or `'xades'`;
    /// - `onProgress`: called with `{ stage, file, name, done, total }`, `stage` one of
    ///   `'hashing'`, `'waiting-for-code'`, `'signing'`, `'done'`.
    ///
    /// Only digests reach the relay. Resolves to `File`s (named after their input), in order.
    #[wasm_bindgen(js_name = signFiles)]
    pub fn sign_files(&self, files: JsValue, options: JsValue) -> js_sys::Promise {
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let hashing = self.hashing.clone();
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
            let files: Vec<File> = Array::from(&files)
                .iter()
                .map(|f| f.dyn_into::<File>())
                .collect::<Result<_, _>>()
                .map_err(|_| invalid("files: an array or FileList of File objects"))?;
            if files.is_empty() || files.len() > nubefirma_protocol::csc::MAX_HASHES_PER_CALL {
                return Err(invalid("files: between 1 and 100 files"));
            }
            let level = match option(&options, "level").as_string().as_deref() {
                None | Some("B") => flow::Level::B,
                Some("T") => flow::Level::T,
                Some(_) => return Err(invalid("level: 'B' or 'T'")),
            };
            let format_option = option(&options, "format");
            if !format_option.is_undefined() && format_option.as_string().is_none() {
                return Err(invalid("format: 'pades', 'cades', 'asice' or 'xades'"));
            }
            let format = Format::from_options(
                format_option.as_string().as_deref(),
                option(&options, "attached").is_truthy(),
            )
            .map_err(invalid)?;
            let on_progress = option(&options, "onProgress")
                .dyn_into::<js_sys::Function>()
                .ok();
            let progress = |p: flow::Progress<'_>| {
                if let Some(callback) = &on_progress {
                    let event = js_sys::Object::new();
                    let _ = Reflect::set(&event, &"stage".into(), &p.stage.into());
                    let _ = Reflect::set(&event, &"file".into(), &(p.file as f64).into());
                    let _ = Reflect::set(&event, &"name".into(), &p.name.into());
                    let _ = Reflect::set(&event, &"done".into(), &p.done.into());
                    let _ = Reflect::set(&event, &"total".into(), &p.total.into());
                    // A portal's failing callback must not break the citizen's signature.
                    let _ = callback.call1(&JsValue::NULL, &event);
                }
            };
            let ui = WidgetHost::attach(&mount, lang)?;
            let visible = visible_signature(&option(&options, "visibleSignature"))
                .map_err(|why: String| invalid(why.as_str()))?
                // Drawn in the citizen's words: the same language as the widgets.
                .map(|v| VisibleSignature {
                    labels: crate::i18n::appearance_labels(lang),
                    ..v
                });
            if visible.is_some() && format != Format::Pades {
                return Err(invalid("visibleSignature: only for format 'pades'"));
            }
            let asice_xades = match option(&options, "asicSignature").as_string().as_deref() {
                None | Some("cades") => false,
                Some("xades") if format == Format::Asice => true,
                Some("xades") => return Err(invalid("asicSignature: only for format 'asice'")),
                Some(_) => return Err(invalid("asicSignature: 'cades' or 'xades'")),
            };
            let request = flow::SignRequest {
                format,
                level,
                visible,
                asice_xades,
                now_unix_seconds: (js_sys::Date::now() / 1000.0) as i64,
            };
            let signed = flow::sign_files(&ui, &relay, &hashing, &files, request, &progress)
                .await
                .map_err(|e| js_error(&e))?;
            let outputs = Array::new();
            for output in signed {
                outputs.push(&output_file(output)?.into());
            }
            Ok(outputs.into())
        })
    }

    /// A professional certificate (R6, R13): the widget journey an entity's invitation email
    /// leads to. `options`: `invitation` and `token`, as the link's fragment carries them
    /// (`#invitation=…&token=…`; the portal reads them and should clear the fragment). Six
    /// steps, one form each: the link (done), an SMS registration code ("send me the code"),
    /// the expiry date of her DNI/NIE, her password (a new account's, or her account's current
    /// one; the widget says which), the terms, and a final SMS code. Resolves to
    /// `{ credentialId, newAccount }` once the certificate is issued (the widget then says so,
    /// with a Close button). An invitation that cannot go on (unknown, expired, withdrawn, used,
    /// its steps left halfway, or void after three wrong dates) rejects with
    /// `ERR_NUBEFIRMA_INVITATION_INVALID`; Cancel with `ERR_NUBEFIRMA_USER_CANCELLED`; bad
    /// options with `ERR_NUBEFIRMA_INVALID_OPTIONS`, before any widget shows. The token goes
    /// only in request bodies, never in a URL.
    pub fn professional(&self, options: JsValue) -> js_sys::Promise {
        // The SMS codes go out in the widgets' language.
        let relay = self.relay.clone().with_lang(self.lang.tag());
        let mount = self.mount.clone();
        let lang = self.lang;
        future_to_promise(async move {
            let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
            let link_value = |key: &str, max_len: usize| {
                option(&options, key)
                    .as_string()
                    .filter(|v| professional::is_link_value(v, max_len))
            };
            let invitation = link_value("invitation", 64).ok_or_else(|| {
                invalid("invitation: the invitation id from the link's #invitation=")
            })?;
            let token = link_value("token", 128)
                .ok_or_else(|| invalid("token: the token from the link's &token="))?;
            let ui = WidgetHost::attach(&mount, lang)?;
            let issued = professional::professional(&ui, &relay, &invitation, &token)
                .await
                .map_err(|e| js_error(&e))?;
            let result = js_sys::Object::new();
            Reflect::set(
                &result,
                &"credentialId".into(),
                &issued.credential_id.into(),
            )?;
            Reflect::set(&result, &"newAccount".into(), &issued.new_account.into())?;
            Ok(result.into())
        })
    }
}

/// `{ page, x, y, width, height }`: a 1-based page, and a rectangle in PDF points from the
/// page's lower-left corner with a positive size.
fn visible_signature(value: &JsValue) -> Result<Option<VisibleSignature>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let number = |key: &str| {
        option(value, key)
            .as_f64()
            .filter(|n| n.is_finite() && n.abs() < 1e6)
            .ok_or_else(|| format!("visibleSignature.{key}: a number"))
    };
    let page = number("page")?;
    if page < 1.0 || page.fract() != 0.0 {
        return Err("visibleSignature.page: a page number from 1".into());
    }
    let (width, height) = (number("width")?, number("height")?);
    if width <= 0.0 || height <= 0.0 {
        return Err("visibleSignature: width and height above 0".into());
    }
    Ok(Some(VisibleSignature {
        labels: AppearanceLabels::SPANISH,
        page: page as u32,
        x: number("x")? as f32,
        y: number("y")? as f32,
        width: width as f32,
        height: height as f32,
    }))
}

/// `YYYYMMDDHHMMSSZ` (CSC's validity) as RFC 3339, UTC; `None` for anything else.
fn rfc3339_of_generalized(text: &str) -> Option<String> {
    let digits = text.strip_suffix('Z')?;
    if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = |range: std::ops::Range<usize>| &digits[range];
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        d(0..4),
        d(4..6),
        d(6..8),
        d(8..10),
        d(10..12),
        d(12..14)
    ))
}

/// A signed output as a `File` named after its input. The portal's own documents inside an
/// ASiC-E are passed as Blobs, so the browser assembles the zip without copying them.
fn output_file(output: flow::Output) -> Result<File, JsValue> {
    let parts = Array::new();
    for part in output.parts {
        match part {
            flow::Part::Bytes(bytes) => parts.push(&Uint8Array::from(bytes.as_slice())),
            flow::Part::Document(file) => parts.push(&file),
        };
    }
    let bag = FilePropertyBag::new();
    bag.set_type(output.media_type);
    File::new_with_blob_sequence_and_options(&parts, &output.name, &bag)
}

#[cfg(feature = "verify")]
#[wasm_bindgen]
impl NubeFirma {
    /// Verifies every signature of `signed` (a File or Blob): a PAdES PDF, an XAdES XML
    /// document, an ASiC-E, an attached CAdES `.p7m`, or a detached `.p7s` with
    /// `options.content` (the signed document; hashed here, streaming). `options.trust`: PEM
    /// trust anchors (default: the relay's root CA). Resolves to one report per signature
    /// (`ok`, `format`, `intact`, `valid`, `signerBound`, `trusted`, `trust`,
    /// `certificateValid`, `covers`, `revocation` (asked of the relay's OCSP responder),
    /// `signer`, `signingTime`, `timestamp`, `problems`); a damaged file resolves to a report
    /// saying what is wrong.
    pub fn verify(&self, signed: Blob, options: JsValue) -> js_sys::Promise {
        let relay = self.relay.clone();
        let hashing = self.hashing.clone();
        future_to_promise(async move {
            let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
            let content = option(&options, "content");
            let content = if content.is_undefined() || content.is_null() {
                None
            } else {
                Some(
                    content
                        .dyn_into::<Blob>()
                        .map_err(|_| invalid("content: the signed document (a File or Blob)"))?,
                )
            };
            if signed.size() > MAX_VERIFY_BYTES {
                return Err(invalid("signed: larger than this browser can verify"));
            }
            let buffer = wasm_bindgen_futures::JsFuture::from(signed.array_buffer()).await?;
            let bytes = Uint8Array::new(&buffer).to_vec();
            let digest = match content {
                None => None,
                Some(content) => Some(
                    hashing
                        .digest(&content, false, |_, _| true)
                        .await
                        .and_then(|d| {
                            d.map(|d| d.sha256)
                                .ok_or_else(|| JsValue::from_str("not read to its end"))
                        })
                        .map_err(|e| {
                            js_error(&SdkError::new(
                                ErrorCode::FileUnreadable,
                                format!("content: {e:?}"),
                            ))
                        })?,
                ),
            };
            let trust = match option(&options, "trust").as_string() {
                Some(pem) => pem,
                None => relay.root_pem().await.map_err(|e| {
                    js_error(&SdkError::new(
                        ErrorCode::RelayUnreachable,
                        format!("the relay's CA certificate: {e:?}"),
                    ))
                })?,
            };
            let mut reports = Vec::new();
            for (mut report, question) in
                crate::report::verify_with_questions(&bytes, digest.as_ref(), &trust)
            {
                if let Some(question) = question {
                    // The relay's responder: public ones send no CORS headers.
                    let mut nonce = [0u8; 16];
                    let answer = match getrandom::getrandom(&mut nonce) {
                        Err(e) => Err(format!("no randomness for a nonce: {e}")),
                        Ok(()) => match question.request(&nonce) {
                            Err(e) => Err(e),
                            Ok(request) => relay
                                .ocsp(request)
                                .await
                                .map_err(|e| format!("the relay's OCSP responder: {e:?}")),
                        },
                    };
                    crate::report::apply_revocation(&mut report, &question, answer, &nonce);
                }
                reports.push(report);
            }
            serde_wasm_bindgen::to_value(&reports).map_err(JsValue::from)
        })
    }
}

/// The signed file is read whole (a PDF or an ASiC-E carries its documents): as for signing.
#[cfg(feature = "verify")]
const MAX_VERIFY_BYTES: f64 =
    nubefirma_containers::format::MAX_IN_MEMORY_MIB as f64 * 1024.0 * 1024.0;

/// The SDK's version, for support requests.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
