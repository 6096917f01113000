//! The JavaScript API: `new NubeFirma({ relayUrl, mount, lang })`, then
//! `await nubefirma.signFile(file, { level })` → a `.p7s` Blob, or
//! `await nubefirma.signFiles(files, { level })` → one per file with one SMS code. Rejections
//! are `Error`s with a stable `code` (see `errors.rs`).

mod client;
pub mod file_hash;
mod flow;
pub mod widgets;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{Blob, BlobPropertyBag, File, HtmlElement};

use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Lang;
use client::RelayClient;
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
    mount: HtmlElement,
    lang: Lang,
}

#[wasm_bindgen]
impl NubeFirma {
    /// `options`: `relayUrl` (string), `mount` (the element the widgets draw in), `lang`
    /// (optional: es, ca, eu, gl, en; defaults to the browser's language).
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
            mount,
            lang,
        })
    }

    /// Signs `file` with the citizen's cloud key. The file is hashed here; only its digest is
    /// sent. `options.level`: `'B'` (default) or `'T'` (a trusted time from the relay's TSA).
    /// Resolves to the detached CAdES signature (`application/pkcs7-signature`).
    #[wasm_bindgen(js_name = signFile)]
    pub fn sign_file(&self, file: File, options: JsValue) -> js_sys::Promise {
        let promise = self.sign_files(Array::of1(&file).into(), options);
        future_to_promise(async move {
            let blobs = wasm_bindgen_futures::JsFuture::from(promise).await?;
            Ok(Array::from(&blobs).get(0))
        })
    }

    /// Signs several files with one login and one SMS code (which names how many and shows the
    /// one verification code). `files`: an array or a `FileList` of at most 100 files;
    /// `options.level` as for `signFile`. Resolves to one `.p7s` Blob per file, in order.
    #[wasm_bindgen(js_name = signFiles)]
    pub fn sign_files(&self, files: JsValue, options: JsValue) -> js_sys::Promise {
        let relay = self.relay.clone();
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
            let ui = WidgetHost::attach(&mount, lang)?;
            let now = (js_sys::Date::now() / 1000.0) as i64;
            let signed = flow::sign_files(&ui, &relay, &files, level, now)
                .await
                .map_err(|e| js_error(&e))?;
            let blobs = Array::new();
            for p7s in signed {
                let parts = Array::of1(&Uint8Array::from(p7s.as_slice()));
                let bag = BlobPropertyBag::new();
                bag.set_type("application/pkcs7-signature");
                blobs.push(&Blob::new_with_u8_array_sequence_and_options(&parts, &bag)?.into());
            }
            Ok(blobs.into())
        })
    }
}

#[cfg(feature = "verify")]
#[wasm_bindgen]
impl NubeFirma {
    /// Verifies a detached CAdES signature (`signature`: the `.p7s` as a Blob or File) over
    /// `options.content` (the signed document; hashed here, streaming). `options.trust`: PEM
    /// trust anchors (default: the relay's root CA). Resolves to one report per signature
    /// (`ok`, `intact`, `valid`, `signerBound`, `trusted`, `trust`, `signer`, `signingTime`,
    /// `timestamp`, `problems`); a damaged file resolves to a report saying what is wrong.
    pub fn verify(&self, signature: Blob, options: JsValue) -> js_sys::Promise {
        let relay = self.relay.clone();
        future_to_promise(async move {
            let invalid = |why: &str| js_error(&SdkError::new(ErrorCode::InvalidOptions, why));
            let content = option(&options, "content")
                .dyn_into::<Blob>()
                .map_err(|_| invalid("content: the signed document (a File or Blob)"))?;
            if signature.size() > MAX_SIGNATURE_BYTES {
                return Err(invalid(
                    "signature: larger than a detached signature can be",
                ));
            }
            let buffer = wasm_bindgen_futures::JsFuture::from(signature.array_buffer()).await?;
            let p7s = Uint8Array::new(&buffer).to_vec();
            let digest = file_hash::sha256_of_blob(&content, |_, _| {})
                .await
                .map_err(|e| {
                    js_error(&SdkError::new(
                        ErrorCode::FileUnreadable,
                        format!("content: {e:?}"),
                    ))
                })?;
            let trust = match option(&options, "trust").as_string() {
                Some(pem) => pem,
                None => relay.root_pem().await.map_err(|e| {
                    js_error(&SdkError::new(
                        ErrorCode::RelayUnreachable,
                        format!("the relay's CA certificate: {e:?}"),
                    ))
                })?,
            };
            let reports = crate::report::verify_detached(&p7s, &digest, &trust);
            serde_wasm_bindgen::to_value(&reports).map_err(JsValue::from)
        })
    }
}

/// A detached signature with its chain is a few KiB; anything far larger is not one.
#[cfg(feature = "verify")]
const MAX_SIGNATURE_BYTES: f64 = 1024.0 * 1024.0;

/// The SDK's version, for support requests.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
