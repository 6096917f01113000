//! Activation (R12, R14), `activate()`: her DNI/NIE and the activation code from the office's
//! letter → the SMS code, her password (or a first one by SMS, which she changes at first use)
//! and the terms → the account is active. The same journey resets a forgotten password with a
//! new letter (R10, R20); the relay tells which and refuses a password by SMS there.

use nubefirma_protocol::{ErrorCode as Wire, IdNumber};

use super::client::{RelayClient, RelayError};
use super::flow::{
    cancelled, dom_failure, entries_left, is_six_digits, say_and_stay, typed_id_number,
};
use super::widgets::{Action, WidgetHost};
use crate::errors::SdkError;
use crate::i18n::Msg;

/// What `activate()` resolves to.
pub(crate) struct Activated {
    pub id_number: IdNumber,
    pub password_by_sms: bool,
}

pub(crate) async fn activate(ui: &WidgetHost, relay: &RelayClient) -> Result<Activated, SdkError> {
    let mut id_text = String::new();
    let mut why_again: Option<Msg> = None;
    loop {
        ui.show_activation_start(&id_text);
        if let Some(msg) = why_again.take() {
            ui.set_error(&ui.t(&msg));
        }
        let (activation_id, id_number) = loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Err(cancelled(ui)),
                Action::Submit => {}
                _ => continue,
            }
            id_text = ui.value("nf-id");
            let Some(id_number) = typed_id_number(ui) else {
                continue;
            };
            let code = ui.value("nf-activation-code").trim().to_owned();
            if code.is_empty() {
                ui.set_field_error("nf-activation-code", &ui.t(&Msg::ActivationCodeMissing));
                continue;
            }
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay.start_activation(id_number.as_str(), &code).await;
            ui.set_busy(false);
            match answer {
                Ok(id) => break (id, id_number),
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidActivationCode => {
                    let msg = match body.attempts_left {
                        Some(left) if left > 0 => Msg::WrongActivationCode {
                            attempts_left: left,
                        },
                        _ => Msg::ActivationCodeBlocked,
                    };
                    ui.clear("nf-activation-code");
                    ui.set_field_error("nf-activation-code", &ui.t(&msg));
                }
                Err(RelayError::Refused(body)) if body.error == Wire::Conflict => {
                    ui.set_error(&ui.t(&Msg::AlreadyActive));
                }
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidRequest => {
                    ui.set_field_error("nf-id", &ui.t(&Msg::IdMalformed));
                }
                Err(other) => say_and_stay(ui, other)?,
            }
        };
        ui.show_activation_complete();
        loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Err(cancelled(ui)),
                Action::Submit => {}
                _ => continue,
            }
            let sms_code = ui.value("nf-sms-code").trim().to_owned();
            if !is_six_digits(&sms_code) {
                ui.set_field_error("nf-sms-code", &ui.t(&Msg::OtpFormat));
                continue;
            }
            let by_sms = ui.is_checked("nf-password-by-sms");
            let password = ui.value("nf-password");
            if !by_sms && password.chars().count() < 8 {
                ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
                continue;
            }
            if !ui.is_checked("nf-terms") {
                ui.set_field_error("nf-terms", &ui.t(&Msg::TermsMissing));
                continue;
            }
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay
                .complete_activation(
                    &activation_id,
                    &sms_code,
                    (!by_sms).then_some(password.as_str()),
                )
                .await;
            ui.set_busy(false);
            match answer {
                Ok(()) => {
                    ui.show_final(&ui.t(if by_sms {
                        &Msg::ActivatedBySms
                    } else {
                        &Msg::Activated
                    }));
                    return Ok(Activated {
                        id_number,
                        password_by_sms: by_sms,
                    });
                }
                Err(RelayError::Refused(body)) if body.error == Wire::WeakPassword => {
                    ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
                }
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                    match entries_left(&body) {
                        Some(left) => {
                            ui.clear("nf-sms-code");
                            ui.set_field_error(
                                "nf-sms-code",
                                &ui.t(&Msg::WrongCode {
                                    attempts_left: left,
                                }),
                            );
                        }
                        None => {
                            why_again = Some(Msg::ActivationDead);
                            break;
                        }
                    }
                }
                // A password by SMS on a reset by letter: she chooses one instead.
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidRequest && by_sms => {
                    ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
                }
                Err(other) => say_and_stay(ui, other)?,
            }
        }
    }
}
