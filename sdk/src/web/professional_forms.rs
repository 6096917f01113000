//! The forms of a professional certificate's six steps (R13), one per step after the email's
//! link: "send me the code", the registration code, the ID document's expiry date, her password
//! (a new account's, or her account's current one), the terms, the final code. Each says which
//! step of six she is at; each error line reserves room for every error it can show.

use crate::html::escape;
use crate::i18n::Msg;

use super::widgets::WidgetHost;

/// What can be said while she stays in each form (the rest ends the journey in an error card),
/// with the longest numbers each can carry.
const START_ERRORS: [Msg; 3] = [
    Msg::ResendIn { seconds: 3600 },
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const CODE_ERRORS: [Msg; 7] = [
    Msg::OtpFormat,
    Msg::WrongCode { attempts_left: 2 },
    Msg::OtpDead {
        attempts_left: None,
    },
    Msg::ResendIn { seconds: 3600 },
    Msg::CodeExpired,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const EXPIRY_ERRORS: [Msg; 4] = [
    Msg::ProExpiryMissing,
    Msg::WrongExpiry { attempts_left: 2 },
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const PASSWORD_ERRORS: [Msg; 5] = [
    Msg::PasswordMissing,
    Msg::WeakPassword,
    Msg::WrongPassword { attempts_left: 4 },
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];
const TERMS_ERRORS: [Msg; 3] = [
    Msg::ProTermsMissing,
    Msg::TooManyAttempts { seconds: 3600 },
    Msg::RelayUnreachable,
];

/// Which SMS code a code form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProCode {
    /// Step 2: the registration code.
    Registration,
    /// Step 6: the code that confirms the issuance.
    Issuance,
}

impl ProCode {
    pub fn input_id(self) -> &'static str {
        match self {
            Self::Registration => "nf-registration-code",
            Self::Issuance => "nf-issuance-code",
        }
    }
}

impl WidgetHost {
    /// One step's form: where she is (step n of 6), the title, what the step is about, its
    /// fields, the error line and the buttons.
    fn pro_form(
        &self,
        step: u8,
        title: Msg,
        explain: Msg,
        fields: &str,
        errors: &[Msg],
        actions: &str,
    ) {
        let t = |m| escape(&self.t(&m));
        self.render(&format!(
            r#"<form class="nf-card" novalidate lang="{lang}" aria-labelledby="nf-title" aria-describedby="nf-step nf-explain">
  <p id="nf-step" class="nf-hint">{step}</p>
  <h2 id="nf-title">{title}</h2>
  <p id="nf-explain">{explain}</p>
  {fields}
  {error}
  {actions}
</form>"#,
            lang = self.lang_tag(),
            step = t(Msg::ProStep(step)),
            title = t(title),
            explain = t(explain),
            error = self.error_line(errors),
        ));
    }

    /// Cancel and a submit button labelled `submit`.
    fn pro_actions(&self, submit: Msg) -> String {
        let t = |m| escape(&self.t(&m));
        format!(
            r#"<div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit">{submit}</button></div>"#,
            cancel = t(Msg::Cancel),
            submit = t(submit),
        )
    }

    /// Step 2 begins: what the invitation is, and "send me the code".
    pub fn show_pro_start(&self) {
        let t = |m| escape(&self.t(&m));
        let actions = format!(
            r#"<div class="nf-actions"><button type="button" data-action="cancel">{cancel}</button><button type="submit" id="nf-submit" data-limited aria-describedby="nf-resend-wait">{send}</button></div>
  <p id="nf-resend-wait" class="nf-wait" role="timer"></p>"#,
            cancel = t(Msg::Cancel),
            send = t(Msg::SendMeTheCode),
        );
        self.pro_form(
            2,
            Msg::ProTitle,
            Msg::ProExplain,
            r#"<p id="nf-status" class="nf-status" role="status"></p>"#,
            &START_ERRORS,
            &actions,
        );
        self.focus("nf-submit");
    }

    /// Steps 2 and 6: the SMS code, with "send another code" and its countdowns.
    pub fn show_pro_code(&self, which: ProCode) {
        let (step, title, explain, submit) = match which {
            ProCode::Registration => (2, Msg::ProCodeTitle, Msg::ProCodeExplain, Msg::Continue),
            ProCode::Issuance => (6, Msg::ProFinalTitle, Msg::ProFinalExplain, Msg::Confirm),
        };
        let fields = format!(
            r#"<p id="nf-status" class="nf-status" role="status"></p>
  {}"#,
            self.code_field(which.input_id())
        );
        self.pro_form(
            step,
            title,
            explain,
            &fields,
            &CODE_ERRORS,
            &self.code_actions(submit),
        );
        self.focus(which.input_id());
    }

    /// Step 3: the expiry date of her DNI/NIE, as her entity entered it.
    pub fn show_pro_expiry(&self) {
        let t = |m| escape(&self.t(&m));
        let fields = format!(
            r#"<div class="nf-field"><label for="nf-id-expiry">{label}</label><input id="nf-id-expiry" name="id-expiry" type="date" autocomplete="off" aria-required="true" aria-describedby="nf-id-expiry-hint nf-error"><p id="nf-id-expiry-hint" class="nf-hint">{hint}</p></div>"#,
            label = t(Msg::ProExpiryLabel),
            hint = t(Msg::ProExpiryHint),
        );
        self.pro_form(
            3,
            Msg::ProExpiryTitle,
            Msg::ProExpiryExplain,
            &fields,
            &EXPIRY_ERRORS,
            &self.pro_actions(Msg::Continue),
        );
        self.focus("nf-id-expiry");
    }

    /// Step 4: a new account's password, or (she has an account) its current password.
    pub fn show_pro_password(&self, new_account: bool) {
        let t = |m| escape(&self.t(&m));
        let (title, explain, label, autocomplete, policy) = if new_account {
            (
                Msg::ProNewPasswordTitle,
                Msg::ProNewPasswordExplain,
                Msg::NewPasswordLabel,
                "new-password",
                format!(
                    r#"<p id="nf-policy" class="nf-hint">{}</p>"#,
                    t(Msg::PasswordPolicyHint)
                ),
            )
        } else {
            (
                Msg::ProCurrentPasswordTitle,
                Msg::ProCurrentPasswordExplain,
                Msg::CurrentPasswordLabel,
                "current-password",
                // An empty hint keeps `aria-describedby` pointing at something.
                r#"<p id="nf-policy" class="nf-hint" hidden></p>"#.to_owned(),
            )
        };
        let fields = format!(
            r#"<div class="nf-field"><label for="nf-password">{label}</label><div class="nf-password"><input id="nf-password" name="password" type="password" autocomplete="{autocomplete}" maxlength="128" aria-required="true" aria-describedby="nf-policy nf-caps nf-error"><button type="button" id="nf-show-password" data-action="toggle-password" aria-pressed="false" aria-controls="nf-password">{show}</button></div>{policy}<p id="nf-caps" class="nf-hint" aria-live="polite"></p></div>"#,
            label = t(label),
            show = t(Msg::ShowPassword),
        );
        self.pro_form(
            4,
            title,
            explain,
            &fields,
            &PASSWORD_ERRORS,
            &self.pro_actions(Msg::Continue),
        );
        self.focus("nf-password");
    }

    /// Step 5: the terms of use, and what the certificate is (identification only).
    pub fn show_pro_terms(&self) {
        let t = |m| escape(&self.t(&m));
        let fields = format!(
            r#"<label class="nf-check"><input type="checkbox" id="nf-terms" aria-required="true" aria-describedby="nf-error"><span>{}</span></label>"#,
            t(Msg::TermsLabel)
        );
        self.pro_form(
            5,
            Msg::ProTermsTitle,
            Msg::ProTermsExplain,
            &fields,
            &TERMS_ERRORS,
            &self.pro_actions(Msg::Continue),
        );
        self.focus("nf-terms");
    }
}
