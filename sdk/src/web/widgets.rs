//! The widgets, drawn in the portal's mount element inside an open shadow root so the portal's
//! CSS cannot break them and theirs cannot leak out. Every outside text goes through
//! `html::escape`. One widget is shown at a time; `next_action` waits for the citizen.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AddEventListenerOptions, CssStyleSheet, Element, Event, HtmlButtonElement, HtmlElement,
    HtmlInputElement, KeyboardEvent, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::html::escape;
use crate::i18n::{Lang, Msg, text};

/// The widgets' one stylesheet, adopted by the shadow root as a constructed `CSSStyleSheet`
/// (a `<style>` element would need `style-src 'unsafe-inline'` in the portal's CSP). Theming goes
/// through the `--nf-*` custom properties (documented in pkg/README.md), which inherit into the
/// shadow tree; every one has a default.
const STYLE: &str = r#"
:host { all: initial; display: block; font-family: var(--nf-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif); font-size: var(--nf-font-size, 1rem); line-height: 1.4; color: var(--nf-fg, #1b1b1b); }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.nf-card { width: 100%; max-width: var(--nf-max-width, 28rem); padding: 1.25rem; border: 1px solid var(--nf-border, #8a8a8a); border-radius: var(--nf-radius, 8px); background: var(--nf-bg, #fff); color: var(--nf-fg, #1b1b1b); overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; line-height: 1.3; margin: 0 0 1rem; }
h2:focus { outline: none; }
h2:focus-visible { outline: 3px solid var(--nf-focus, var(--nf-accent, #1f4e9c)); outline-offset: 2px; }
p { margin: 0 0 .8rem; }
label, .nf-label { display: block; font-weight: 600; margin: 0 0 .3rem; }
.nf-field { margin: 0 0 .6rem; }
input:not([type=radio]) { display: block; width: 100%; min-height: 2.75rem; padding: .5rem; font: inherit; color: var(--nf-fg, #1b1b1b); background: var(--nf-bg, #fff); border: 1px solid var(--nf-border, #8a8a8a); border-radius: calc(var(--nf-radius, 8px) / 2); }
input[aria-invalid=true] { border: 2px solid var(--nf-error, #b00020); }
:focus-visible { outline: 3px solid var(--nf-focus, var(--nf-accent, #1f4e9c)); outline-offset: 2px; }
.nf-password { display: flex; flex-wrap: wrap; gap: .5rem; }
.nf-password input { flex: 1 1 11rem; width: auto; min-width: 0; }
.nf-hint { min-height: 1.4em; margin: .3rem 0 0; font-size: .95rem; color: var(--nf-muted, #4a4a4a); }
.nf-error, .nf-error-sizer { min-height: 1.4em; margin: .4rem 0 .6rem; font-weight: 600; color: var(--nf-error, #b00020); }
.nf-error-slot { display: grid; margin: .4rem 0 .6rem; }
.nf-error-slot > *, .nf-error-sizer > span { grid-area: 1 / 1; margin: 0; }
.nf-error-sizer { display: grid; visibility: hidden; }
.nf-status { min-height: 1.4em; color: var(--nf-muted, #35506b); }
.nf-timer { min-height: 1.4em; margin: .3rem 0 0; font-size: .95rem; color: var(--nf-muted, #4a4a4a); }
.nf-vc { font-size: 1.6rem; letter-spacing: .3rem; font-family: ui-monospace, "Cascadia Mono", Menlo, monospace; }
.nf-actions { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: flex-end; align-items: center; }
.nf-wait { min-height: 1.4em; margin: .4rem 0 0; text-align: end; font-size: .95rem; color: var(--nf-muted, #4a4a4a); }
button { font: inherit; min-height: 2.75rem; padding: .5rem 1rem; border: 1px solid var(--nf-accent, #1f4e9c); border-radius: calc(var(--nf-radius, 8px) / 2); background: var(--nf-bg, #fff); color: var(--nf-accent, #1f4e9c); cursor: pointer; }
button[type=submit], button.nf-primary { background: var(--nf-accent, #1f4e9c); color: var(--nf-on-accent, #fff); }
button:disabled { opacity: .55; cursor: not-allowed; }
button.nf-link { border: 0; background: none; padding: .25rem 0; min-height: 2.75rem; text-decoration: underline; color: var(--nf-accent, #1f4e9c); }
.nf-aside { margin: 0 0 .2rem; }
button[aria-pressed=true] { background: var(--nf-accent, #1f4e9c); color: var(--nf-on-accent, #fff); }
ul { margin: 0 0 .8rem; padding-inline-start: 1.2rem; }
fieldset { border: 0; margin: 0 0 .4rem; padding: 0; min-width: 0; }
.nf-choice { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; padding: .5rem; margin: 0 0 .5rem; border: 1px solid var(--nf-border, #8a8a8a); border-radius: calc(var(--nf-radius, 8px) / 2); cursor: pointer; }
.nf-choice input { margin: .25rem 0 0; flex: none; width: 1.1rem; height: 1.1rem; accent-color: var(--nf-accent, #1f4e9c); }
.nf-cn { display: block; font-weight: 600; }
.nf-detail, .nf-size, .nf-state { color: var(--nf-muted, #4a4a4a); font-size: .95rem; }
.nf-detail { display: block; }
.nf-files { list-style: none; padding: 0; }
.nf-file { display: flex; flex-wrap: wrap; align-items: center; gap: .2rem .6rem; margin: 0 0 .6rem; }
.nf-file .nf-name { flex: 1 1 10rem; min-width: 0; }
.nf-file progress { flex: 1 1 100%; width: 100%; height: .9rem; accent-color: var(--nf-accent, #1f4e9c); }
dl { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr); gap: .2rem .8rem; margin: 0 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; }
h3 { font-size: 1.05rem; margin: 1rem 0 .5rem; }
.nf-certs { list-style: none; padding: 0; }
.nf-cert { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .8rem; padding: .5rem 0; border-top: 1px solid var(--nf-border, #8a8a8a); }
.nf-cert > span { flex: 1 1 12rem; min-width: 0; }
.nf-check { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; margin: 0 0 .6rem; }
.nf-check input { flex: none; width: 1.2rem; height: 1.2rem; min-height: 0; margin: .15rem 0 0; padding: 0; accent-color: var(--nf-accent, #1f4e9c); }
.nf-panel-actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0 .4rem; }
"#;

/// An SMS code lives this long at the relay (`OTP_LIFETIME_SECONDS`): the countdown starts when
/// the code was asked for, so it never promises more time than the relay gives.
const CODE_LIFETIME_MS: f64 = 5.0 * 60.0 * 1000.0;

/// One certificate in the chooser, its texts already in the citizen's language (escaped here).
pub struct CertificateChoice {
    pub credential_id: String,
    pub name: String,
    pub detail: String,
}

/// One line of the progress widget: a document (or output) and, when known, its size.
pub struct ProgressRow {
    pub name: String,
    pub size: Option<f64>,
}

/// What the result widget says was signed.
pub struct Signed<'a> {
    /// The documents, by name and size.
    pub documents: &'a [(String, f64)],
    /// The files handed to the portal.
    pub outputs: &'a [String],
    /// The format as people who sign know it ("PAdES", "ASiC-E (XAdES)" …).
    pub format: &'a str,
    pub level: Msg,
}

/// What the citizen did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Cancel,
    Resend,
    /// "Forgot your password?" in the login widget.
    Forgot,
    /// "Identify me with a PIN by SMS" in the login widget (low level only, R3, R4).
    UsePin,
    /// Back from the PIN widget to the password.
    UsePassword,
    /// One of the panel's actions; `WidgetHost::take_choice` says which.
    Panel,
}

/// A certificate as the panel lists it, its texts already in the citizen's language.
pub struct PanelCertificate {
    pub id: String,
    pub name: String,
    pub detail: String,
    pub revocable: bool,
}

/// What the panel shows (R26), its texts already in the citizen's language.
pub struct PanelView {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub valid_until: Option<String>,
    pub certificates: Vec<PanelCertificate>,
    pub renewable: bool,
    /// Her second factor is a legacy coordinate card she may switch from (R21).
    pub card: bool,
}

/// The panel's contact forms: which address changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactField {
    Phone,
    Email,
}

/// The clocks of the widget on screen: when its SMS code expires, and when a new code may be
/// asked for (after a 429). Milliseconds since the epoch, as `Date.now()`.
#[derive(Default)]
struct Clocks {
    code_expires_at: Option<f64>,
    resend_at: Option<f64>,
    /// The error line said when a new code may be asked for: cleared when that time comes.
    resend_error: Option<String>,
}

type Listener = Closure<dyn FnMut(Event)>;

pub struct WidgetHost {
    shadow: ShadowRoot,
    lang: Lang,
    clocks: Rc<RefCell<Clocks>>,
    cancel_requested: Rc<Cell<bool>>,
    /// Listeners for the widgets' own behaviour (show password, caps lock, cancel while
    /// working), removed when the host is dropped.
    listeners: Vec<(&'static str, Listener)>,
    _tick: Closure<dyn FnMut()>,
    interval: Option<i32>,
    /// The panel action last chosen (`data-panel` of the button pressed).
    choice: Rc<RefCell<Option<String>>>,
}

impl Drop for WidgetHost {
    fn drop(&mut self) {
        for (kind, listener) in &self.listeners {
            let _ = self
                .shadow
                .remove_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        }
        if let (Some(id), Some(window)) = (self.interval, web_sys::window()) {
            window.clear_interval_with_handle(id);
        }
    }
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn by_id(shadow: &ShadowRoot, id: &str) -> Option<Element> {
    shadow.get_element_by_id(id)
}

fn set_text(shadow: &ShadowRoot, id: &str, value: &str) {
    if let Some(el) = by_id(shadow, id)
        && el.text_content().as_deref() != Some(value)
    {
        el.set_text_content(Some(value));
    }
}

/// Brings the widget's clocks up to date: the code's time left, and the buttons that ask for a
/// new code disabled (with the seconds left shown) until the relay allows one.
fn update_clocks(shadow: &ShadowRoot, lang: Lang, clocks: &RefCell<Clocks>) {
    let now = now_ms();
    let mut clocks = clocks.borrow_mut();
    if let Some(at) = clocks.code_expires_at {
        let left = ((at - now) / 1000.0).ceil();
        if left > 0.0 {
            let seconds = left as u32;
            set_text(
                shadow,
                "nf-expiry",
                &text(lang, &Msg::CodeExpiresIn { seconds }),
            );
        } else {
            clocks.code_expires_at = None;
            set_text(shadow, "nf-expiry", "");
            set_text(shadow, "nf-error", &text(lang, &Msg::CodeExpired));
        }
    }
    let waiting = match clocks.resend_at {
        Some(at) if at > now => Some(((at - now) / 1000.0).ceil() as u32),
        Some(_) => {
            clocks.resend_at = None;
            if let (Some(said), Some(error)) =
                (clocks.resend_error.take(), by_id(shadow, "nf-error"))
                && error.text_content().as_deref() == Some(said.as_str())
            {
                error.set_text_content(Some(""));
            }
            None
        }
        None => None,
    };
    if let Ok(buttons) = shadow.query_selector_all("[data-limited]") {
        for i in 0..buttons.length() {
            if let Some(button) = buttons
                .get(i)
                .and_then(|n| n.dyn_into::<HtmlButtonElement>().ok())
                && waiting.is_some()
            {
                button.set_disabled(true);
            }
        }
    }
    let wait_text = waiting
        .map(|seconds| text(lang, &Msg::NewCodeIn { seconds }))
        .unwrap_or_default();
    set_text(shadow, "nf-resend-wait", &wait_text);
}

/// The errors each widget can show while she stays in it (the others end the journey in an
/// error card of their own), with the longest numbers they can carry: the error line reserves
/// room for the tallest.
const LOGIN_ERRORS: [Msg; 6] = [
    Msg::IdMalformed,
    Msg::IdWrongLetter('W'),
    Msg::PasswordMissing,
    Msg::WrongCredentials,
    Msg::TooManyAttempts { seconds: 60 },
    Msg::RelayUnreachable,
];
const CODE_ERRORS: [Msg; 7] = [
    Msg::OtpFormat,
    Msg::CardNumberFormat,
    Msg::WrongOtp {
        attempts_left: Some(4),
    },
    Msg::OtpDead {
        attempts_left: Some(4),
    },
    Msg::ResendIn { seconds: 3600 },
    Msg::CodeExpired,
    Msg::RelayUnreachable,
];
const RESET_START_ERRORS: [Msg; 4] = [
    Msg::IdMalformed,
    Msg::IdWrongLetter('W'),
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const RESET_CODES_ERRORS: [Msg; 5] = [
    Msg::OtpFormat,
    Msg::WrongResetCodes { attempts_left: 2 },
    Msg::ResetDead,
    Msg::WeakPassword,
    Msg::RelayUnreachable,
];
const PIN_START_ERRORS: [Msg; 5] = [
    Msg::IdMalformed,
    Msg::IdWrongLetter('W'),
    Msg::BirthDateMissing,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const PIN_CODE_ERRORS: [Msg; 5] = [
    Msg::OtpFormat,
    Msg::WrongPin { attempts_left: 2 },
    Msg::PinDead,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
/// The SMS code errors, and the per-address limit the reinforced level's code is under.
const REINFORCE_ERRORS: [Msg; 8] = [
    Msg::OtpFormat,
    Msg::CardNumberFormat,
    Msg::WrongOtp {
        attempts_left: Some(4),
    },
    Msg::OtpDead {
        attempts_left: Some(4),
    },
    Msg::ResendIn { seconds: 3600 },
    Msg::CodeExpired,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const PANEL_ERRORS: [Msg; 2] = [
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const CHANGE_PASSWORD_ERRORS: [Msg; 5] = [
    Msg::PasswordMissing,
    Msg::WeakPassword,
    Msg::WrongPassword { attempts_left: 4 },
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const CONTACT_START_ERRORS: [Msg; 6] = [
    Msg::PhoneInvalid,
    Msg::EmailInvalid,
    Msg::ContactTaken,
    Msg::SameContact,
    Msg::ResendIn { seconds: 3600 },
    Msg::RelayUnreachable,
];
const CONTACT_CODES_ERRORS: [Msg; 6] = [
    Msg::OtpFormat,
    Msg::WrongOtp {
        attempts_left: Some(4),
    },
    Msg::OtpDead {
        attempts_left: Some(4),
    },
    Msg::ContactTaken,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const ACTIVATION_START_ERRORS: [Msg; 8] = [
    Msg::IdMalformed,
    Msg::IdWrongLetter('W'),
    Msg::ActivationCodeMissing,
    Msg::WrongActivationCode { attempts_left: 4 },
    Msg::ActivationCodeBlocked,
    Msg::AlreadyActive,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const ACTIVATION_COMPLETE_ERRORS: [Msg; 7] = [
    Msg::OtpFormat,
    Msg::WrongCode { attempts_left: 4 },
    Msg::WeakPassword,
    Msg::TermsMissing,
    Msg::ActivationDead,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const CONFIRM_ERRORS: [Msg; 5] = [
    Msg::RenewNeedsNewEmail,
    Msg::PasswordMissing,
    Msg::WrongPassword { attempts_left: 4 },
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const OFFER_ERRORS: [Msg; 2] = [Msg::ResendIn { seconds: 3600 }, Msg::RelayUnreachable];
const CHOOSER_ERRORS: [Msg; 2] = [Msg::ChooseTitle, Msg::RelayUnreachable];

impl WidgetHost {
    pub fn attach(mount: &HtmlElement, lang: Lang) -> Result<Self, JsValue> {
        let shadow = match mount.shadow_root() {
            Some(existing) => existing,
            None => mount.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        };
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(STYLE)?;
        shadow.set_adopted_style_sheets(&Array::of1(&sheet));

        let clocks = Rc::new(RefCell::new(Clocks::default()));
        let cancel_requested = Rc::new(Cell::new(false));
        let mut listeners: Vec<(&'static str, Listener)> = Vec::new();

        // Show password, and Cancel while the documents are read or signed.
        let on_click = {
            let shadow = shadow.clone();
            let cancel_requested = cancel_requested.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| {
                let action = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("[data-action]").ok().flatten());
                let Some(button) = action else { return };
                match button.get_attribute("data-action").as_deref() {
                    Some("toggle-password") => {
                        let shown = button.get_attribute("aria-pressed").as_deref() == Some("true");
                        let _ = button
                            .set_attribute("aria-pressed", if shown { "false" } else { "true" });
                        if let Some(input) = by_id(&shadow, "nf-password")
                            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
                        {
                            input.set_type(if shown { "password" } else { "text" });
                        }
                    }
                    Some("cancel") => cancel_requested.set(true),
                    _ => {}
                }
            })
        };
        listeners.push(("click", on_click));

        // Caps lock, said under the password field while she types in it.
        let caps_text = text(lang, &Msg::CapsLockOn);
        for kind in ["keydown", "keyup"] {
            let shadow = shadow.clone();
            let caps_text = caps_text.clone();
            let listener = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
                let in_password = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .is_some_and(|el| el.id() == "nf-password");
                if !in_password {
                    return;
                }
                if let Ok(key) = event.dyn_into::<KeyboardEvent>() {
                    let on = key.get_modifier_state("CapsLock");
                    set_text(&shadow, "nf-caps", if on { &caps_text } else { "" });
                }
            });
            listeners.push((kind, listener));
        }
        for (kind, listener) in &listeners {
            shadow.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref())?;
        }

        let tick = {
            let shadow = shadow.clone();
            let clocks = clocks.clone();
            Closure::<dyn FnMut()>::new(move || update_clocks(&shadow, lang, &clocks))
        };
        let interval = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                1000,
            )
            .ok()
        });
        Ok(Self {
            shadow,
            lang,
            clocks,
            cancel_requested,
            listeners,
            _tick: tick,
            interval,
            choice: Rc::new(RefCell::new(None)),
        })
    }

    /// The panel action `Action::Panel` stood for, once.
    pub fn take_choice(&self) -> Option<String> {
        self.choice.borrow_mut().take()
    }

    pub fn t(&self, msg: &Msg) -> String {
        text(self.lang, msg)
    }

    /// The language tag the forms carry in `lang`.
    pub(super) fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }

    pub(super) fn render(&self, body: &str) {
        *self.clocks.borrow_mut() = Clocks::default();
        self.cancel_requested.set(false);
        self.shadow.set_inner_html(body);
    }

    fn element(&self, id: &str) -> Option<Element> {
        self.shadow.get_element_by_id(id)
    }

    /// The error line every widget has: one live region, its space reserved so nothing moves
    /// when it fills — exactly: in the same grid cell, hidden, lie every error this widget can
    /// show while she stays in it, in her language, so the line is as tall as the tallest of
    /// them at whatever width the portal gives.
    pub(super) fn error_line(&self, possible: &[Msg]) -> String {
        let sizers: String = possible
            .iter()
            .map(|msg| format!("<span>{}</span>", escape(&self.t(msg))))
            .collect();
        format!(
            r#"<div class="nf-error-slot"><p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p><div class="nf-error-sizer" aria-hidden="true">{sizers}</div></div>"#
        )
    }

    /// DNI/NIE + password, with a show-password toggle and a caps-lock hint.
    pub fn show_login(&self) {
        self.show_login_offering(false);
    }

    /// The login widget; with `pin`, it also offers the PIN key (a service that asks for the
    /// low level accepts either, R3).
    pub fn show_login_offering(&self, pin: bool) {
        let t = |m| escape(&self.t(&m));
        let pin_link = if pin {
            format!(
                r#"<button type="button" class="nf-link" id="nf-use-pin" data-action="pin">{}</button>"#,
                t(Msg::UsePin)
            )
        } else {
            String::new()
        };
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <div class="nf-field"><label for="nf-id">{id_label}</label><input id="nf-id" name="username" autocomplete="username" autocapitalize="characters" spellcheck="false" maxlength="16" aria-required="true" aria-describedby="nf-id-hint nf-error"><p id="nf-id-hint" class="nf-hint">{id_hint}</p></div>
  <div class="nf-field"><label for="nf-password">{pw_label}</label><div class="nf-password"><input id="nf-password" name="password" type="password" autocomplete="current-password" maxlength="128" aria-required="true" aria-describedby="nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div><p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>
  <p class="nf-aside"><button type="button" class="nf-link" id="nf-forgot" data-action="forgot">{forgot}</button>{pin_link}</p>
  <p id="nf-status" class="nf-status" role="status"></p>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            forgot = t(Msg::ForgotPassword),
            title = t(Msg::LoginTitle),
            id_label = t(Msg::IdLabel),
            id_hint = t(Msg::IdHint),
            pw_label = t(Msg::PasswordLabel),
            show = t(Msg::ShowPassword),
            error = self.error_line(&LOGIN_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::Continue),
        ));
        self.focus("nf-id");
    }

    /// The SMS code field, its hint (time left) and the line that says when a new code may be
    /// asked for: shared by the signing and the certificate code widgets.
    pub(super) fn code_field(&self, input_id: &str) -> String {
        let t = |m| escape(&self.t(&m));
        format!(
            r#"<div class="nf-field"><label for="{input_id}">{otp_label}</label><input id="{input_id}" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-expiry nf-error"><p id="nf-expiry" class="nf-timer" role="timer"></p></div>"#,
            otp_label = t(Msg::OtpLabel),
        )
    }

    pub(super) fn code_actions(&self, submit: Msg) -> String {
        let t = |m| escape(&self.t(&m));
        format!(
            r#"<div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="button" id="nf-resend" data-action="resend" data-limited aria-describedby="nf-resend-wait">{resend}</button><button type="submit" id="nf-submit">{submit}</button></div>
  <p id="nf-resend-wait" class="nf-wait" role="timer"></p>"#,
            cancel = t(Msg::Cancel),
            resend = t(Msg::ResendCode),
            submit = t(submit),
        )
    }

    /// The DNI/NIE field with its hint, holding what she typed before.
    fn id_field(&self, value: &str) -> String {
        let t = |m| escape(&self.t(&m));
        format!(
            r#"<div class="nf-field"><label for="nf-id">{id_label}</label><input id="nf-id" name="username" autocomplete="username" autocapitalize="characters" spellcheck="false" maxlength="16" aria-required="true" aria-describedby="nf-id-hint nf-error" value="{id}"><p id="nf-id-hint" class="nf-hint">{id_hint}</p></div>"#,
            id_label = t(Msg::IdLabel),
            id = escape(value),
            id_hint = t(Msg::IdHint),
        )
    }

    /// The self-service panel (R26): who she is, her contacts (masked), her account's and her
    /// certificates' validity, and what she can do with them. Close (`data-action=cancel`)
    /// ends it.
    pub fn show_panel(&self, view: &PanelView) {
        let t = |m| escape(&self.t(&m));
        let certificates = if view.certificates.is_empty() {
            format!(r#"<p id="nf-no-certs">{}</p>"#, t(Msg::PanelNoCertificates))
        } else {
            let items: String = view
                .certificates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let revoke = if c.revocable {
                        format!(
                            r#"<button type="button" data-action="panel" data-panel="revoke-cert:{id}" aria-describedby="nf-cert-{i}">{label}</button>"#,
                            id = escape(&c.id),
                            label = t(Msg::RevokeCertificate),
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        r#"<li class="nf-cert"><span id="nf-cert-{i}"><span class="nf-cn">{name}</span><span class="nf-detail">{detail}</span></span>{revoke}</li>"#,
                        name = escape(&c.name),
                        detail = escape(&c.detail),
                    )
                })
                .collect();
            format!(
                r#"<ul id="nf-certs" class="nf-certs" aria-labelledby="nf-certs-title">{items}</ul>"#
            )
        };
        let renew = if view.renewable {
            format!(
                r#"<button type="button" data-action="panel" data-panel="renew" id="nf-renew">{}</button>"#,
                t(Msg::RenewAccount)
            )
        } else {
            String::new()
        };
        let (card_line, switch) = if view.card {
            (
                format!(
                    r#"<p id="nf-second-factor">{}</p>"#,
                    t(Msg::SecondFactorCard)
                ),
                format!(
                    r#"<button type="button" data-action="panel" data-panel="sms" id="nf-switch-sms">{}</button>"#,
                    t(Msg::SwitchToSms)
                ),
            )
        } else {
            (String::new(), String::new())
        };
        let valid_until = view
            .valid_until
            .as_deref()
            .map(|v| format!(r#"<p id="nf-account-validity">{}</p>"#, escape(v)))
            .unwrap_or_default();
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title" tabindex="-1">{title}</h2>
  <p id="nf-holder"><span class="nf-cn">{name}</span> <span class="nf-detail">{id}</span></p>
  <dl><dt>{mobile}</dt><dd id="nf-phone">{phone}</dd><dt>{email_label}</dt><dd id="nf-email">{email}</dd></dl>
  {valid_until}
  {card_line}
  <h3 id="nf-certs-title">{certs_title}</h3>
  {certificates}
  <div class="nf-panel-actions">
    <button type="button" data-action="panel" data-panel="password" id="nf-change-password">{change_password}</button>
    <button type="button" data-action="panel" data-panel="phone" id="nf-change-phone">{change_phone}</button>
    <button type="button" data-action="panel" data-panel="email" id="nf-change-email">{change_email}</button>
    {switch}
    {renew}
    <button type="button" data-action="panel" data-panel="revoke-account" id="nf-revoke-account">{revoke_account}</button>
  </div>
  <p id="nf-status" class="nf-status" role="status"></p>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel" id="nf-panel-close" class="nf-primary">{close}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::PanelTitle),
            name = escape(&view.name),
            id = escape(&view.id_number),
            mobile = t(Msg::PanelMobile),
            phone = escape(&view.phone),
            email_label = t(Msg::PanelEmail),
            email = escape(&view.email),
            certs_title = t(Msg::PanelCertificates),
            change_password = t(Msg::ChangePassword),
            change_phone = t(Msg::ChangePhone),
            change_email = t(Msg::ChangeEmail),
            revoke_account = t(Msg::RevokeAccount),
            error = self.error_line(&PANEL_ERRORS),
            close = t(Msg::Close),
        ));
        self.focus("nf-title");
    }

    /// Activation, step one (R12): her DNI/NIE and the activation code of the office's letter.
    pub fn show_activation_start(&self, id_number: &str) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  {id_field}
  <div class="nf-field"><label for="nf-activation-code">{code_label}</label><input id="nf-activation-code" name="activation-code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" aria-required="true" aria-describedby="nf-code-hint nf-error"><p id="nf-code-hint" class="nf-hint">{code_hint}</p></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ActivateTitle),
            id_field = self.id_field(id_number),
            code_label = t(Msg::ActivationCodeLabel),
            code_hint = t(Msg::ActivationCodeHint),
            error = self.error_line(&ACTIVATION_START_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::Continue),
        ));
        self.focus("nf-id");
    }

    /// Activation, step two: the SMS code, her password (or one by SMS, R14) and the terms.
    pub fn show_activation_complete(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  <div class="nf-field"><label for="nf-sms-code">{sms}</label><input id="nf-sms-code" name="sms-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>
  <div class="nf-field"><label for="nf-password">{new}</label><div class="nf-password"><input id="nf-password" name="new-password" type="password" autocomplete="new-password" maxlength="128" aria-describedby="nf-policy nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div><p id="nf-policy" class="nf-hint">{policy}</p><p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>
  <label class="nf-check"><input type="checkbox" id="nf-password-by-sms"><span>{by_sms}</span></label>
  <label class="nf-check"><input type="checkbox" id="nf-terms" aria-required="true"><span>{terms}</span></label>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ActivateCodesTitle),
            sent = t(Msg::CodeSent),
            sms = t(Msg::SmsCodeLabel),
            new = t(Msg::NewPasswordLabel),
            show = t(Msg::ShowPassword),
            policy = t(Msg::PasswordPolicyHint),
            by_sms = t(Msg::PasswordBySmsLabel),
            terms = t(Msg::TermsLabel),
            error = self.error_line(&ACTIVATION_COMPLETE_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::Activate),
        ));
        self.focus("nf-sms-code");
    }

    /// The code field `input_id` asks for the number at a position of her coordinate card
    /// instead of an SMS code (R21): its label, the status line, three digits; no "send
    /// another code" (asking again draws a new position, which she may still do).
    pub fn ask_card_position(&self, input_id: &str, position: &str) {
        let position = position.to_owned();
        if let Ok(Some(label)) = self
            .shadow
            .query_selector(&format!("label[for={input_id}]"))
        {
            label.set_text_content(Some(&self.t(&Msg::CardNumberLabel {
                position: position.clone(),
            })));
        }
        if let Some(input) = self.element(input_id) {
            let _ = input.set_attribute("maxlength", "3");
            let _ = input.set_attribute("autocomplete", "off");
        }
        self.set_status(&self.t(&Msg::CardAsked { position }));
    }

    /// Whether the checkbox `id` is checked.
    pub fn is_checked(&self, id: &str) -> bool {
        self.element(id)
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
            .is_some_and(|input| input.checked())
    }

    /// Her first password came by SMS (R14): she chooses her own to go on.
    pub fn show_first_password(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-explain">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  <div class="nf-field"><label for="nf-password">{new}</label><div class="nf-password"><input id="nf-password" name="new-password" type="password" autocomplete="new-password" maxlength="128" aria-required="true" aria-describedby="nf-policy nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div><p id="nf-policy" class="nf-hint">{policy}</p><p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::FirstPasswordTitle),
            explain = t(Msg::FirstPasswordExplain),
            new = t(Msg::NewPasswordLabel),
            show = t(Msg::ShowPassword),
            policy = t(Msg::PasswordPolicyHint),
            error = self.error_line(&CHANGE_PASSWORD_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::Continue),
        ));
        self.focus("nf-password");
    }

    /// Her password changed in the panel: the current one, then the new one.
    pub fn show_change_password(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <div class="nf-field"><label for="nf-current-password">{current}</label><input id="nf-current-password" name="current-password" type="password" autocomplete="current-password" maxlength="128" aria-required="true" aria-describedby="nf-error"></div>
  <div class="nf-field"><label for="nf-password">{new}</label><div class="nf-password"><input id="nf-password" name="new-password" type="password" autocomplete="new-password" maxlength="128" aria-required="true" aria-describedby="nf-policy nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div><p id="nf-policy" class="nf-hint">{policy}</p><p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{back}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ChangePassword),
            current = t(Msg::CurrentPasswordLabel),
            new = t(Msg::NewPasswordLabel),
            show = t(Msg::ShowPassword),
            policy = t(Msg::PasswordPolicyHint),
            error = self.error_line(&CHANGE_PASSWORD_ERRORS),
            back = t(Msg::Back),
            go = t(Msg::ChangePassword),
        ));
        self.focus("nf-current-password");
    }

    /// A new phone or email: the relay sends a code to it (and, for a phone, to the current one).
    pub fn show_contact_start(&self, field: ContactField) {
        let t = |m| escape(&self.t(&m));
        let (title, label, input) = match field {
            ContactField::Phone => (
                Msg::ChangePhone,
                Msg::NewPhoneLabel,
                r#"type="tel" name="tel" autocomplete="tel" inputmode="tel" maxlength="20""#,
            ),
            ContactField::Email => (
                Msg::ChangeEmail,
                Msg::NewEmailLabel,
                r#"type="email" name="email" autocomplete="email" maxlength="254""#,
            ),
        };
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <div class="nf-field"><label for="nf-contact">{label}</label><input id="nf-contact" {input} spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{back}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(title),
            label = t(label),
            error = self.error_line(&CONTACT_START_ERRORS),
            back = t(Msg::Back),
            go = t(Msg::SendCode),
        ));
        self.focus("nf-contact");
    }

    /// The codes that prove the new address is hers, and for a phone that she still has the
    /// current one (which receives every signing code, R19).
    pub fn show_contact_codes(&self, field: ContactField, held_by_another_account: bool) {
        let t = |m| escape(&self.t(&m));
        let code_input = |id: &str, label: Msg| {
            format!(
                r#"<div class="nf-field"><label for="{id}">{}</label><input id="{id}" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>"#,
                t(label)
            )
        };
        let fields = match field {
            ContactField::Phone => format!(
                "{}\n  {}",
                code_input("nf-code-new", Msg::CodeToNewPhone),
                code_input("nf-code-current", Msg::CodeToCurrentPhone)
            ),
            ContactField::Email => code_input("nf-code-new", Msg::CodeToNewEmail),
        };
        let notice = if held_by_another_account {
            format!(
                r#"<p id="nf-phone-taken">{}</p>"#,
                t(Msg::PhoneOnAnotherAccount)
            )
        } else {
            String::new()
        };
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  {notice}
  {fields}
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{back}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ContactCodesTitle),
            sent = t(Msg::CodeSent),
            error = self.error_line(&CONTACT_CODES_ERRORS),
            back = t(Msg::Back),
            go = t(Msg::Confirm),
        ));
        self.focus("nf-code-new");
    }

    /// Her password again before an act that cannot be undone or that extends her account.
    pub fn show_confirm_password(&self, explain: Msg, submit: Msg) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-explain">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  <div class="nf-field"><label for="nf-password">{pw_label}</label><input id="nf-password" name="password" type="password" autocomplete="current-password" maxlength="128" aria-required="true" aria-describedby="nf-error"></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{back}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ConfirmTitle),
            explain = t(explain),
            pw_label = t(Msg::PasswordLabel),
            error = self.error_line(&CONFIRM_ERRORS),
            back = t(Msg::Back),
            go = t(submit),
        ));
        self.focus("nf-password");
    }

    /// The PIN key, step one (R4): her DNI/NIE and birth date; the relay sends a PIN by SMS.
    pub fn show_pin_start(&self, id_number: &str) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-explain">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  {id_field}
  <div class="nf-field"><label for="nf-birth">{birth_label}</label><input id="nf-birth" name="bday" type="date" autocomplete="bday" aria-required="true" aria-describedby="nf-error"></div>
  <p class="nf-aside"><button type="button" class="nf-link" id="nf-use-password" data-action="password">{password}</button></p>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::PinTitle),
            explain = t(Msg::PinExplain),
            id_field = self.id_field(id_number),
            birth_label = t(Msg::BirthDateLabel),
            password = t(Msg::UsePassword),
            error = self.error_line(&PIN_START_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::SendPin),
        ));
        self.focus("nf-id");
    }

    /// The PIN key, step two: the PIN from the SMS ("send another" goes back to step one).
    pub fn show_pin_code(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  <div class="nf-field"><label for="nf-pin">{pin_label}</label><input id="nf-pin" name="pin" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="button" id="nf-resend" data-action="resend">{resend}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::PinCodeTitle),
            sent = t(Msg::PinSent),
            pin_label = t(Msg::PinLabel),
            error = self.error_line(&PIN_CODE_ERRORS),
            cancel = t(Msg::Cancel),
            resend = t(Msg::ResendCode),
            go = t(Msg::Continue),
        ));
        self.focus("nf-pin");
    }

    /// The SMS code that raises a password login to the reinforced level (R1).
    pub fn show_reinforce(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-explain">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  {field}
  {error}
  {actions}
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ReinforceTitle),
            explain = t(Msg::ReinforceExplain),
            sent = t(Msg::CodeSent),
            field = self.code_field("nf-otp"),
            error = self.error_line(&REINFORCE_ERRORS),
            actions = self.code_actions(Msg::Continue),
        ));
        self.focus("nf-otp");
    }

    /// A forgotten password, step one: her DNI/NIE (kept from the login widget), and the
    /// relay sends one code by SMS and one by email.
    pub fn show_reset_start(&self, id_number: &str) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  {id_field}
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ResetTitle),
            explain = t(Msg::ResetExplain),
            id_field = self.id_field(id_number),
            error = self.error_line(&RESET_START_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::SendCodes),
        ));
        self.focus("nf-id");
    }

    /// A forgotten password, step two: the SMS code, the email code and the new password.
    pub fn show_reset_codes(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  <div class="nf-field"><label for="nf-sms-code">{sms}</label><input id="nf-sms-code" name="sms-code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>
  <div class="nf-field"><label for="nf-email-code">{email}</label><input id="nf-email-code" name="email-code" inputmode="numeric" autocomplete="off" pattern="[0-9]*" maxlength="6" spellcheck="false" aria-required="true" aria-describedby="nf-error"></div>
  <div class="nf-field"><label for="nf-password">{pw_label}</label><div class="nf-password"><input id="nf-password" name="new-password" type="password" autocomplete="new-password" maxlength="128" aria-required="true" aria-describedby="nf-policy nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div><p id="nf-policy" class="nf-hint">{policy}</p><p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ResetCodesTitle),
            explain = t(Msg::ResetCodesExplain),
            sms = t(Msg::SmsCodeLabel),
            email = t(Msg::EmailCodeLabel),
            pw_label = t(Msg::NewPasswordLabel),
            show = t(Msg::ShowPassword),
            policy = t(Msg::PasswordPolicyHint),
            error = self.error_line(&RESET_CODES_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::ChangePassword),
        ));
        self.focus("nf-sms-code");
    }

    /// The SMS code widget: every document by name and size, and the verification code.
    pub fn show_otp(&self, documents: &[(String, f64)], verification_code: &str) {
        let t = |m| escape(&self.t(&m));
        let items: String = documents
            .iter()
            .map(|(name, size)| {
                format!(
                    r#"<li><span class="nf-name">{}</span> <span class="nf-size">{}</span></li>"#,
                    escape(name),
                    crate::i18n::file_size(*size)
                )
            })
            .collect();
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-signing">{signing}</p><ul id="nf-documents" aria-labelledby="nf-signing">{items}</ul>
  <p>{vc_label}: <strong id="nf-vc" class="nf-vc">{vc}</strong></p>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  {field}
  {error}
  {actions}
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::OtpTitle),
            signing = t(Msg::YouAreSigning),
            vc_label = t(Msg::VerificationCode),
            vc = escape(verification_code),
            sent = t(Msg::CodeSent),
            field = self.code_field("nf-otp"),
            error = self.error_line(&CODE_ERRORS),
            actions = self.code_actions(Msg::Sign),
        ));
        self.focus("nf-otp");
    }

    /// No valid certificate yet (R15): what it is, and a button to create one now.
    pub fn show_certificate_offer(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-explain">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  <p id="nf-status" class="nf-status" role="status"></p>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-generate" data-limited aria-describedby="nf-resend-wait nf-error">{generate}</button></div>
  <p id="nf-resend-wait" class="nf-wait" role="timer"></p>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::CertTitle),
            explain = t(Msg::CertExplain),
            error = self.error_line(&OFFER_ERRORS),
            cancel = t(Msg::Cancel),
            generate = t(Msg::Generate),
        ));
        self.focus("nf-generate");
    }

    /// The SMS code that confirms the new certificate (R16), in the OTP widget's style.
    pub fn show_certificate_code(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{sent}</p>
  {field}
  {error}
  {actions}
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::CertCodeTitle),
            sent = t(Msg::CodeSent),
            field = self.code_field("nf-cert-code"),
            error = self.error_line(&CODE_ERRORS),
            actions = self.code_actions(Msg::Confirm),
        ));
        self.focus("nf-cert-code");
    }

    /// Several valid certificates (R17): a radio list, the first one preselected.
    pub fn show_chooser(&self, choices: &[CertificateChoice]) {
        let t = |m| escape(&self.t(&m));
        let items: String = choices
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    r#"<label class="nf-choice"><input type="radio" name="nf-credential" value="{id}" aria-describedby="nf-cert-{i}-detail"{checked}><span><span class="nf-cn">{name}</span><span class="nf-detail" id="nf-cert-{i}-detail">{detail}</span></span></label>"#,
                    id = escape(&c.credential_id),
                    checked = if i == 0 { " checked" } else { "" },
                    name = escape(&c.name),
                    detail = escape(&c.detail),
                )
            })
            .collect();
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-choose-title">
  <h2 id="nf-choose-title">{title}</h2>
  <fieldset id="nf-choose" aria-labelledby="nf-choose-title" aria-describedby="nf-error">{items}</fieldset>
  {error}
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ChooseTitle),
            error = self.error_line(&CHOOSER_ERRORS),
            cancel = t(Msg::Cancel),
            go = t(Msg::Continue),
        ));
        if let Ok(Some(first)) = self.shadow.query_selector("input[name=nf-credential]")
            && let Ok(first) = first.dyn_into::<HtmlElement>()
        {
            let _ = first.focus();
        }
    }

    /// The value of the checked radio button named `name`.
    pub fn checked(&self, name: &str) -> Option<String> {
        self.shadow
            .query_selector(&format!("input[name={name}]:checked"))
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
    }

    /// The documents being read or signed, each with its own progress bar, the stage in a
    /// status line, and Cancel (`cancel_requested`).
    pub fn show_progress(&self, status: &str, rows: &[ProgressRow]) {
        let t = |m| escape(&self.t(&m));
        let items: String = rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let size = row
                    .size
                    .map(|s| format!(r#" <span class="nf-size">{}</span>"#, crate::i18n::file_size(s)))
                    .unwrap_or_default();
                format!(
                    r#"<li class="nf-file"><span class="nf-name" id="nf-file-{i}">{name}</span>{size} <span class="nf-state" id="nf-file-{i}-state"></span><progress id="nf-progress-{i}" max="100" value="0" aria-labelledby="nf-file-{i}"></progress></li>"#,
                    name = escape(&row.name),
                )
            })
            .collect();
        self.render(&format!(
            r#"<section class="nf-card" lang="{lang}" aria-labelledby="nf-title" aria-busy="true">
  <h2 id="nf-title" tabindex="-1">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{status}</p>
  <ul id="nf-files" class="nf-files">{items}</ul>
  <div class="nf-actions"><button type="button" data-action="cancel" id="nf-cancel">{cancel}</button></div>
</section>"#,
            lang = self.lang.tag(),
            title = t(Msg::ProgressTitle),
            status = escape(status),
            cancel = t(Msg::Cancel),
        ));
        self.focus("nf-title");
    }

    /// One row of the progress widget: `fraction` of it done, and in words where it is.
    pub fn set_progress(&self, row: usize, fraction: f64, state: &str) {
        if let Some(bar) = self.element(&format!("nf-progress-{row}")) {
            let percent = (fraction.clamp(0.0, 1.0) * 100.0).round();
            let _ = bar.set_attribute("value", &format!("{percent}"));
        }
        set_text(&self.shadow, &format!("nf-file-{row}-state"), state);
    }

    /// Whether she pressed Cancel since the widget on screen was drawn.
    pub fn cancel_requested(&self) -> bool {
        self.cancel_requested.get()
    }

    /// The last widget: what was signed (names, format, level) and a button that closes it. The
    /// portal already has the files; closing only clears the widget.
    pub fn show_result(&self, signed: &Signed<'_>) {
        let t = |m| escape(&self.t(&m));
        let items: String = signed
            .documents
            .iter()
            .map(|(name, size)| {
                format!(
                    r#"<li><span class="nf-name">{}</span> <span class="nf-size">{}</span></li>"#,
                    escape(name),
                    crate::i18n::file_size(*size)
                )
            })
            .collect();
        let outputs: Vec<String> = signed.outputs.iter().map(|o| escape(o)).collect();
        self.render(&format!(
            r#"<section class="nf-card" lang="{lang}" aria-labelledby="nf-title">
  <h2 id="nf-title" tabindex="-1">{title}</h2>
  <p id="nf-status" class="nf-status" role="status">{summary}</p>
  <ul id="nf-signed">{items}</ul>
  <dl id="nf-signed-as"><dt>{format_label}</dt><dd id="nf-format">{format}</dd><dt>{level_label}</dt><dd id="nf-level">{level}</dd><dt>{outputs_label}</dt><dd id="nf-outputs">{outputs}</dd></dl>
  <div class="nf-actions"><button type="button" class="nf-primary" id="nf-done">{done}</button></div>
</section>"#,
            lang = self.lang.tag(),
            title = t(Msg::ResultTitle),
            summary = t(Msg::SignedCount {
                count: signed.documents.len() as u32
            }),
            format_label = t(Msg::FormatLabel),
            format = escape(signed.format),
            level_label = t(Msg::LevelLabel),
            level = t(signed.level.clone()),
            outputs_label = t(Msg::OutputsLabel),
            outputs = outputs.join(", "),
            done = t(Msg::Close),
        ));
        self.close_with("nf-done");
        self.focus("nf-title");
    }

    /// `id` clears the widget when pressed, also after the journey (and this host) ended: a
    /// one-shot listener that frees itself when it runs.
    fn close_with(&self, id: &str) {
        let Some(button) = self.element(id) else {
            return;
        };
        let shadow = self.shadow.clone();
        let close = Closure::once_into_js(move || shadow.set_inner_html(""));
        let options = AddEventListenerOptions::new();
        options.set_once(true);
        let _ = button.add_event_listener_with_callback_and_add_event_listener_options(
            "click",
            close.unchecked_ref(),
            &options,
        );
    }

    /// The last word of a journey that ended well (she revoked her account): a status line and a
    /// Close button that clears the widget.
    pub fn show_final(&self, message: &str) {
        self.render(&format!(
            r#"<section class="nf-card" lang="{}"><p id="nf-status" class="nf-status" role="status">{}</p><div class="nf-actions"><button type="button" id="nf-close">{}</button></div></section>"#,
            self.lang.tag(),
            escape(message),
            escape(&self.t(&Msg::Close)),
        ));
        self.close_with("nf-close");
        self.focus("nf-close");
    }

    /// A card with one line of text: progress, or a final error with a Close button.
    pub fn show_message(&self, message: &str, is_error: bool) {
        if is_error {
            self.render(&format!(
                r#"<section class="nf-card" lang="{}"><p id="nf-error" class="nf-error" role="alert">{}</p><div class="nf-actions"><button type="button" id="nf-close">{}</button></div></section>"#,
                self.lang.tag(),
                escape(message),
                escape(&self.t(&Msg::Close)),
            ));
            self.close_with("nf-close");
            self.focus("nf-close");
        } else {
            self.render(&format!(
                r#"<div class="nf-card" lang="{}"><p id="nf-status" class="nf-status" role="status">{}</p></div>"#,
                self.lang.tag(),
                escape(message)
            ));
        }
    }

    /// Says what is wrong in the error line (an empty message clears it, and every field's
    /// invalid mark).
    pub fn set_error(&self, message: &str) {
        if let Some(el) = self.element("nf-error") {
            el.set_text_content(Some(message));
        }
        if message.is_empty()
            && let Ok(inputs) = self.shadow.query_selector_all("[aria-invalid]")
        {
            for i in 0..inputs.length() {
                if let Some(el) = inputs.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = el.remove_attribute("aria-invalid");
                }
            }
        }
    }

    /// An error about one field: said, the field marked invalid and focused.
    pub fn set_field_error(&self, input_id: &str, message: &str) {
        self.set_error(message);
        if let Some(el) = self.element(input_id) {
            let _ = el.set_attribute("aria-invalid", "true");
        }
        self.focus(input_id);
    }

    pub fn set_status(&self, message: &str) {
        if let Some(el) = self.element("nf-status") {
            el.set_text_content(Some(message));
        }
    }

    /// The SMS code on screen was asked for at `sent_at` (ms): the widget counts down its
    /// lifetime (the relay's, 5 minutes) and says when it has expired.
    pub fn set_code_sent_at(&self, sent_at: f64) {
        self.clocks.borrow_mut().code_expires_at = Some(sent_at + CODE_LIFETIME_MS);
        self.refresh_clocks();
    }

    /// No new code for `seconds` (the relay's 429 + Retry-After): says so once in the error
    /// line, and disables the buttons that would ask for one, counting down.
    pub fn wait_before_new_code(&self, seconds: u32) {
        let message = self.t(&Msg::ResendIn { seconds });
        self.set_error(&message);
        {
            let mut clocks = self.clocks.borrow_mut();
            clocks.resend_at = Some(now_ms() + f64::from(seconds) * 1000.0);
            clocks.resend_error = Some(message);
        }
        self.refresh_clocks();
    }

    fn refresh_clocks(&self) {
        update_clocks(&self.shadow, self.lang, &self.clocks);
    }

    pub fn value(&self, id: &str) -> String {
        self.element(id)
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }

    pub fn clear(&self, id: &str) {
        if let Some(input) = self
            .element(id)
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        {
            input.set_value("");
            let _ = input.focus();
        }
    }

    pub fn focus(&self, id: &str) {
        if let Some(el) = self
            .element(id)
            .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }

    /// Disables the buttons while a request is in flight, so a double click sends nothing twice.
    /// Buttons that ask for a new code stay disabled while the relay does not allow one.
    pub fn set_busy(&self, busy: bool) {
        if let Ok(buttons) = self.shadow.query_selector_all("button") {
            for i in 0..buttons.length() {
                if let Some(button) = buttons
                    .get(i)
                    .and_then(|n| n.dyn_into::<HtmlButtonElement>().ok())
                {
                    button.set_disabled(busy);
                }
            }
        }
        if let Ok(Some(form)) = self.shadow.query_selector(".nf-card") {
            let _ = if busy {
                form.set_attribute("aria-busy", "true")
            } else {
                form.remove_attribute("aria-busy")
            };
        }
        if !busy {
            self.refresh_clocks();
        }
    }

    pub fn remove(&self) {
        *self.clocks.borrow_mut() = Clocks::default();
        self.shadow.set_inner_html("");
    }

    /// Waits for the form's submit or a click on a `data-action` button. The listeners are
    /// attached when this is called, not when the future is first polled, so an event that
    /// comes before the first poll is not lost.
    pub fn next_action(&self) -> impl Future<Output = Result<Action, JsValue>> + use<> {
        let resolver: Rc<RefCell<Option<Function>>> = Rc::new(RefCell::new(None));
        let slot = resolver.clone();
        let promise = Promise::new(&mut |resolve, _reject| {
            *slot.borrow_mut() = Some(resolve);
        });
        let choice = self.choice.clone();
        let fire = |resolver: &Rc<RefCell<Option<Function>>>, action: &'static str| {
            if let Some(resolve) = resolver.borrow().as_ref() {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(action));
            }
        };
        let on_submit = {
            let resolver = resolver.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| {
                event.prevent_default();
                fire(&resolver, "submit");
            })
        };
        let on_click = {
            let resolver = resolver.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| {
                let button = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("[data-action]").ok().flatten());
                let action = button
                    .as_ref()
                    .and_then(|el| el.get_attribute("data-action"));
                match action.as_deref() {
                    Some("panel") => {
                        *choice.borrow_mut() = button
                            .as_ref()
                            .and_then(|el| el.get_attribute("data-panel"));
                        fire(&resolver, "panel");
                    }
                    Some("cancel") => fire(&resolver, "cancel"),
                    Some("resend") => fire(&resolver, "resend"),
                    Some("forgot") => fire(&resolver, "forgot"),
                    Some("pin") => fire(&resolver, "pin"),
                    Some("password") => fire(&resolver, "password"),
                    _ => {}
                }
            })
        };
        let shadow = self.shadow.clone();
        let attached = shadow
            .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())
            .and_then(|()| {
                shadow.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
            });
        async move {
            attached?;
            let outcome = JsFuture::from(promise).await;
            // Remove before the closures drop: a later event must not call a dropped closure.
            let _ = shadow
                .remove_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
            let _ = shadow
                .remove_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
            Ok(match outcome?.as_string().as_deref() {
                Some("cancel") => Action::Cancel,
                Some("resend") => Action::Resend,
                Some("forgot") => Action::Forgot,
                Some("pin") => Action::UsePin,
                Some("password") => Action::UsePassword,
                Some("panel") => Action::Panel,
                _ => Action::Submit,
            })
        }
    }
}
