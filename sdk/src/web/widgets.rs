//! The widgets, drawn in the portal's mount element inside an open shadow root so the portal's
//! CSS cannot break them and theirs cannot leak out. Every outside text goes through
//! `html::escape`. One widget is shown at a time; `next_action` waits for the citizen.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Element, Event, HtmlButtonElement, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit,
    ShadowRootMode,
};

use crate::html::escape;
use crate::i18n::{Lang, Msg, text};

const STYLE: &str = r#"<style>
:host { all: initial; display: block; font: 16px/1.4 system-ui, sans-serif; color: #1b1b1b; }
.nf-card { max-width: 26rem; padding: 1.25rem; border: 1px solid #c8c8c8; border-radius: 8px; background: #fff; }
h2 { font-size: 1.15rem; margin: 0 0 1rem; }
label { display: block; margin: 0 0 .8rem; font-weight: 600; }
input { display: block; box-sizing: border-box; width: 100%; margin-top: .3rem; padding: .5rem; font: inherit; border: 1px solid #8a8a8a; border-radius: 4px; }
input:focus { outline: 3px solid #7aa7ff; }
.nf-error { color: #b00020; min-height: 1.2em; margin: .2rem 0 .8rem; }
.nf-status { color: #35506b; }
.nf-vc { font-size: 1.6rem; letter-spacing: .3rem; font-family: ui-monospace, monospace; }
.nf-actions { display: flex; gap: .5rem; justify-content: flex-end; flex-wrap: wrap; }
button { font: inherit; padding: .5rem 1rem; border-radius: 4px; border: 1px solid #1f4e9c; background: #fff; color: #1f4e9c; cursor: pointer; }
button[type=submit] { background: #1f4e9c; color: #fff; }
button:disabled { opacity: .5; cursor: wait; }
ul { margin: 0 0 .8rem; padding-left: 1.2rem; word-break: break-all; }
fieldset { border: 0; margin: 0 0 .8rem; padding: 0; }
.nf-choice { display: flex; gap: .6rem; align-items: flex-start; font-weight: 400; padding: .5rem; border: 1px solid #c8c8c8; border-radius: 4px; cursor: pointer; }
.nf-choice input { display: inline; width: auto; margin: .2rem 0 0; }
.nf-cn { display: block; font-weight: 600; word-break: break-word; }
.nf-detail { display: block; color: #4a4a4a; font-size: .9rem; }
</style>"#;

/// One certificate in the chooser, its texts already in the citizen's language (escaped here).
pub struct CertificateChoice {
    pub credential_id: String,
    pub name: String,
    pub detail: String,
}

/// What the citizen did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Cancel,
    Resend,
}

pub struct WidgetHost {
    shadow: ShadowRoot,
    lang: Lang,
}

impl WidgetHost {
    pub fn attach(mount: &HtmlElement, lang: Lang) -> Result<Self, JsValue> {
        let shadow = match mount.shadow_root() {
            Some(existing) => existing,
            None => mount.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
        };
        Ok(Self { shadow, lang })
    }

    pub fn t(&self, msg: &Msg) -> String {
        text(self.lang, msg)
    }

    fn render(&self, body: &str) {
        self.shadow.set_inner_html(&format!("{STYLE}{body}"));
    }

    fn element(&self, id: &str) -> Option<Element> {
        self.shadow.get_element_by_id(id)
    }

    /// DNI/NIE + password.
    pub fn show_login(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}">
  <h2>{title}</h2>
  <label>{id_label}<input id="nf-id" name="username" autocomplete="username" autocapitalize="characters" spellcheck="false" maxlength="16"></label>
  <label>{pw_label}<input id="nf-password" name="password" type="password" autocomplete="current-password" maxlength="128"></label>
  <p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p>
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::LoginTitle),
            id_label = t(Msg::IdLabel),
            pw_label = t(Msg::PasswordLabel),
            cancel = t(Msg::Cancel),
            go = t(Msg::Continue),
        ));
        self.focus("nf-id");
    }

    /// The documents, their verification code and the SMS code input.
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
            r#"<form class="nf-card" novalidate lang="{lang}">
  <h2>{title}</h2>
  <p>{signing}</p><ul id="nf-documents">{items}</ul>
  <p>{vc_label}: <strong id="nf-vc" class="nf-vc">{vc}</strong></p>
  <p id="nf-status" class="nf-status" aria-live="polite">{sent}</p>
  <label>{otp_label}<input id="nf-otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label>
  <p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p>
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="button" data-action="resend">{resend}</button><button type="submit" id="nf-submit">{sign}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::OtpTitle),
            signing = t(Msg::YouAreSigning),
            vc_label = t(Msg::VerificationCode),
            vc = escape(verification_code),
            sent = t(Msg::CodeSent),
            otp_label = t(Msg::OtpLabel),
            cancel = t(Msg::Cancel),
            resend = t(Msg::ResendCode),
            sign = t(Msg::Sign),
        ));
        self.focus("nf-otp");
    }

    /// No valid certificate yet (R15): what it is, and a button to create one now.
    pub fn show_certificate_offer(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}">
  <h2>{title}</h2>
  <p id="nf-explain">{explain}</p>
  <p id="nf-status" class="nf-status" aria-live="polite"></p>
  <p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p>
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-generate">{generate}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::CertTitle),
            explain = t(Msg::CertExplain),
            cancel = t(Msg::Cancel),
            generate = t(Msg::Generate),
        ));
        self.focus("nf-generate");
    }

    /// The SMS code that confirms the new certificate (R16), in the OTP widget's style.
    pub fn show_certificate_code(&self) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}">
  <h2>{title}</h2>
  <p id="nf-status" class="nf-status" aria-live="polite">{sent}</p>
  <label>{code_label}<input id="nf-cert-code" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6"></label>
  <p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p>
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="button" data-action="resend">{resend}</button><button type="submit" id="nf-submit">{confirm}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::CertCodeTitle),
            sent = t(Msg::CodeSent),
            code_label = t(Msg::OtpLabel),
            cancel = t(Msg::Cancel),
            resend = t(Msg::ResendCode),
            confirm = t(Msg::Confirm),
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
                    r#"<label class="nf-choice"><input type="radio" name="nf-credential" value="{id}"{checked}><span><span class="nf-cn">{name}</span><span class="nf-detail">{detail}</span></span></label>"#,
                    id = escape(&c.credential_id),
                    checked = if i == 0 { " checked" } else { "" },
                    name = escape(&c.name),
                    detail = escape(&c.detail),
                )
            })
            .collect();
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}">
  <h2 id="nf-choose-title">{title}</h2>
  <fieldset id="nf-choose" aria-labelledby="nf-choose-title">{items}</fieldset>
  <p id="nf-error" class="nf-error" role="alert" aria-live="assertive"></p>
  <div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{go}</button></div>
</form>"#,
            lang = self.lang.tag(),
            title = t(Msg::ChooseTitle),
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

    /// A card with one line of text: progress, success or a final error.
    pub fn show_message(&self, message: &str, is_error: bool) {
        let (id, class, role) = if is_error {
            ("nf-error", "nf-error", "alert")
        } else {
            ("nf-status", "nf-status", "status")
        };
        self.render(&format!(
            r#"<div class="nf-card" lang="{}"><p id="{id}" class="{class}" role="{role}">{}</p></div>"#,
            self.lang.tag(),
            escape(message)
        ));
    }

    pub fn set_error(&self, message: &str) {
        if let Some(el) = self.element("nf-error") {
            el.set_text_content(Some(message));
        }
    }

    pub fn set_status(&self, message: &str) {
        if let Some(el) = self.element("nf-status") {
            el.set_text_content(Some(message));
        }
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
    }

    pub fn remove(&self) {
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
                let action = event
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|el| el.closest("[data-action]").ok().flatten())
                    .and_then(|el| el.get_attribute("data-action"));
                match action.as_deref() {
                    Some("cancel") => fire(&resolver, "cancel"),
                    Some("resend") => fire(&resolver, "resend"),
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
                _ => Action::Submit,
            })
        }
    }
}
