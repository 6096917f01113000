//! Identification at a level (R1–R4, R27): `login({ level, nonce })`. The login widget offers
//! the keys that meet the level the portal asks for — for `low`, the password or a PIN by SMS;
//! for `reinforced`, the password and then an SMS code — and the relay's signed assertion of
//! who she is goes back to the portal, whose server checks it. The session ends before the
//! promise resolves.

use nubefirma_protocol::{AuthKey, ErrorCode as Wire, Level};

use super::client::{CredentialSummary, RelayClient, RelayError};
use super::flow::{
    LoggedIn, asked, cancelled, code_format_problem, dom_failure, entries_left, fail_with,
    is_six_digits, log_in_offering, relay_failure, resent, say_and_stay, typed_id_number,
    wrong_code,
};
use super::widgets::{Action, WidgetHost};
use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Msg;
use nubefirma_protocol::IdNumber;

/// What `login` resolves to.
pub(crate) struct Identified {
    pub id_number: IdNumber,
    pub key: AuthKey,
    pub level: Level,
    /// Her valid certificates (a password login only: a PIN session cannot list them).
    pub certificates: Vec<CredentialSummary>,
    /// The relay's compact JWS for the portal's server, when the portal gave a nonce.
    pub assertion: Option<String>,
}

/// The PIN key (R4): her DNI/NIE and birth date, then the PIN from the SMS. `None` when she
/// goes back to the password.
pub(super) async fn pin_key(
    ui: &WidgetHost,
    relay: &RelayClient,
    typed_id: &str,
) -> Result<Option<LoggedIn>, SdkError> {
    let mut id_text = typed_id.to_owned();
    let mut why_again: Option<Msg> = None;
    loop {
        ui.show_pin_start(&id_text);
        if let Some(msg) = why_again.take() {
            ui.set_error(&ui.t(&msg));
        }
        let (pin_id, id_number) = loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Err(cancelled(ui)),
                Action::UsePassword => return Ok(None),
                Action::Submit => {}
                Action::Resend | Action::Forgot | Action::UsePin | Action::Panel => continue,
            }
            id_text = ui.value("nf-id");
            let Some(id_number) = typed_id_number(ui) else {
                continue;
            };
            // `<input type=date>` gives YYYY-MM-DD, or nothing while the date is incomplete.
            let birth_date = ui.value("nf-birth");
            if birth_date.trim().is_empty() {
                ui.set_field_error("nf-birth", &ui.t(&Msg::BirthDateMissing));
                continue;
            }
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay.start_pin(id_number.as_str(), &birth_date).await;
            ui.set_busy(false);
            match answer {
                Ok(id) => break (id, id_number),
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidRequest => {
                    ui.set_field_error("nf-birth", &ui.t(&Msg::BirthDateMissing));
                }
                Err(other) => say_and_stay(ui, other)?,
            }
        };
        ui.show_pin_code();
        loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Err(cancelled(ui)),
                // "Send another": back to the first step, her ID kept.
                Action::Resend => break,
                Action::Submit => {}
                Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            }
            let pin = ui.value("nf-pin").trim().to_owned();
            if !is_six_digits(&pin) {
                ui.set_field_error("nf-pin", &ui.t(&Msg::OtpFormat));
                continue;
            }
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay.pin_login(&pin_id, &pin).await;
            ui.set_busy(false);
            match answer {
                Ok(token) => {
                    return Ok(Some(LoggedIn {
                        token,
                        id_number,
                        key: AuthKey::Pin,
                    }));
                }
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                    match entries_left(&body) {
                        Some(left) => {
                            ui.clear("nf-pin");
                            ui.set_field_error(
                                "nf-pin",
                                &ui.t(&Msg::WrongPin {
                                    attempts_left: left,
                                }),
                            );
                        }
                        _ => {
                            why_again = Some(Msg::PinDead);
                            break;
                        }
                    }
                }
                Err(other) => say_and_stay(ui, other)?,
            }
        }
    }
}

/// The SMS step to the reinforced level (R1): a code to her phone, entered in the widget. A
/// wrong code counts toward the account's five entries, as at signing (R20).
async fn reinforce(ui: &WidgetHost, relay: &RelayClient, token: &str) -> Result<(), SdkError> {
    let asked_at = js_sys::Date::now();
    let first = relay.session_otp(token).await;
    ui.show_reinforce();
    let mut card: Option<String> = None;
    match first {
        Ok(position) => {
            ui.set_code_sent_at(asked_at);
            asked(ui, "nf-otp", &mut card, position);
        }
        Err(RelayError::RateLimited(seconds)) => {
            ui.set_status("");
            ui.wait_before_new_code(seconds);
        }
        Err(other) => return Err(relay_failure(ui, &other)),
    }
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            Action::Resend => {
                ui.set_busy(true);
                let asked_at = js_sys::Date::now();
                let sent = relay.session_otp(token).await;
                ui.set_busy(false);
                if let Some(position) = resent(ui, sent, "nf-otp", asked_at)? {
                    asked(ui, "nf-otp", &mut card, position);
                }
                continue;
            }
            Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            Action::Submit => {}
        }
        let code = ui.value("nf-otp").trim().to_owned();
        if let Some(problem) = code_format_problem(&code, card.as_deref()) {
            ui.set_field_error("nf-otp", &ui.t(&problem));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.reinforce(token, &code).await;
        ui.set_busy(false);
        match answer {
            Ok(()) => return Ok(()),
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                wrong_code(ui, &body, "nf-otp")?;
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}

/// Logs her in at `level` and, with a `nonce`, brings back the relay's assertion for the
/// portal. The session is revoked whatever happens after the login.
pub(crate) async fn identify(
    ui: &WidgetHost,
    relay: &RelayClient,
    level: Level,
    nonce: Option<&str>,
) -> Result<Identified, SdkError> {
    let logged_in = log_in_offering(ui, relay, level == Level::Low).await?;
    let outcome = after_login(ui, relay, &logged_in, level, nonce).await;
    let _ = relay.revoke(&logged_in.token).await;
    let (certificates, assertion) = outcome?;
    ui.remove();
    Ok(Identified {
        id_number: logged_in.id_number,
        key: logged_in.key,
        level,
        certificates,
        assertion,
    })
}

async fn after_login(
    ui: &WidgetHost,
    relay: &RelayClient,
    logged_in: &LoggedIn,
    level: Level,
    nonce: Option<&str>,
) -> Result<(Vec<CredentialSummary>, Option<String>), SdkError> {
    let token = logged_in.token.as_str();
    if level == Level::Reinforced {
        reinforce(ui, relay, token).await?;
    }
    let certificates = match logged_in.key {
        AuthKey::Password => relay
            .valid_credentials(token)
            .await
            .map_err(|e| relay_failure(ui, &e))?,
        AuthKey::Pin => Vec::new(),
    };
    let assertion = match nonce {
        None => None,
        Some(nonce) => match relay.assertion(token, level, nonce).await {
            Ok(answer) => Some(answer.assertion),
            // The relay does not serve this page's origin: the portal's set-up, not hers.
            Err(RelayError::Refused(body)) if body.error == Wire::AccessDenied => {
                return Err(fail_with(
                    ui,
                    ErrorCode::Protocol,
                    Msg::Unexpected,
                    &body.error_description,
                ));
            }
            Err(other) => return Err(relay_failure(ui, &other)),
        },
    };
    Ok((certificates, assertion))
}
