//! A professional certificate (R6, R13), `professional({ invitation, token })`: the employee
//! followed the email's link (step 1; the portal read the invitation and its token from the
//! link's fragment), then, one form each: (2) "send me the code" and the SMS registration code,
//! (3) the expiry date of her DNI/NIE, (4) her password (a new account's, or her account's
//! current one: the relay's answer to step 3 says which), (5) the terms, (6) the final SMS code
//! → the certificate is issued. The token goes only in request bodies, never in a URL or a log.
//!
//! Every step is a call the relay takes once and in order, so a form that fails stays on screen
//! with what she typed; an invitation that cannot go on (unknown, expired, withdrawn, used, its
//! steps left halfway, or void after three wrong dates) ends the journey with
//! `ERR_NUBEFIRMA_INVITATION_INVALID`.

use nubefirma_protocol::ErrorCode as Wire;
use nubefirma_protocol::api::{
    ProfessionalCode, ProfessionalIdentity, ProfessionalPassword, ProfessionalProgress,
    ProfessionalTerms, ProfessionalToken,
};

use serde::Serialize;

use super::client::{RelayClient, RelayError};
use super::flow::{cancelled, dom_failure, entries_left, fail, is_six_digits, relay_failure};
use super::professional_forms::ProCode;
use super::widgets::{Action, WidgetHost};
use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Msg;

/// What `professional()` resolves to.
pub(crate) struct Issued {
    pub credential_id: String,
    pub new_account: bool,
}

/// An invitation id or token as the relay makes them (URL-safe base64): checked before it goes
/// into a URL path, so nothing the page was given can reach another endpoint.
pub(crate) fn is_link_value(value: &str, max_len: usize) -> bool {
    (1..=max_len).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The one invitation and its token, and the relay.
struct Invitation<'a> {
    relay: &'a RelayClient,
    id: &'a str,
    token: &'a str,
}

impl Invitation<'_> {
    /// One step's call, the form busy (no second submit) meanwhile.
    async fn call<B: Serialize>(
        &self,
        ui: &WidgetHost,
        step: &str,
        body: &B,
    ) -> Result<ProfessionalProgress, RelayError> {
        ui.set_busy(true);
        let answer = self.relay.professional_step(self.id, step, body).await;
        ui.set_busy(false);
        answer
    }

    async fn send_code(
        &self,
        ui: &WidgetHost,
        which: ProCode,
    ) -> Result<ProfessionalProgress, RelayError> {
        let step = match which {
            ProCode::Registration => "start",
            ProCode::Issuance => "complete",
        };
        let body = ProfessionalToken {
            token: self.token.to_owned(),
        };
        self.call(ui, step, &body).await
    }

    async fn check_code(
        &self,
        ui: &WidgetHost,
        which: ProCode,
        code: &str,
    ) -> Result<ProfessionalProgress, RelayError> {
        let step = match which {
            ProCode::Registration => "sms",
            ProCode::Issuance => "confirm",
        };
        let body = ProfessionalCode {
            token: self.token.to_owned(),
            code: code.to_owned(),
        };
        self.call(ui, step, &body).await
    }
}

/// The invitation cannot go on: said, and the journey ends.
fn dead(ui: &WidgetHost) -> SdkError {
    fail(ui, ErrorCode::InvitationInvalid, Msg::InvitationDead)
}

/// A failure any step can meet. The relay gives one answer (400 without a count) to an unknown,
/// expired, used or void invitation and a wrong token, and 409 to a step out of order or no SMS
/// codes left: for her, all the same dead invitation. Limits and the network she can wait out.
fn step_failed(ui: &WidgetHost, err: RelayError) -> Result<(), SdkError> {
    match err {
        RelayError::Refused(body)
            if (body.error == Wire::InvalidRequest && body.attempts_left.is_none())
                || body.error == Wire::Conflict =>
        {
            Err(dead(ui))
        }
        RelayError::RateLimited(seconds) => {
            ui.set_error(&ui.t(&Msg::TooManyAttempts { seconds }));
            Ok(())
        }
        RelayError::Unreachable(_) => {
            ui.set_error(&ui.t(&Msg::RelayUnreachable));
            Ok(())
        }
        other => Err(relay_failure(ui, &other)),
    }
}

/// Sends an SMS code (step 2 or 6) from the code form: on its way (the countdown starts), or
/// when a new one may be asked for.
async fn send_code(
    ui: &WidgetHost,
    invitation: &Invitation<'_>,
    which: ProCode,
) -> Result<(), SdkError> {
    let asked_at = js_sys::Date::now();
    match invitation.send_code(ui, which).await {
        Ok(_) => {
            ui.set_error("");
            ui.set_status(&ui.t(&Msg::CodeSent));
            ui.set_code_sent_at(asked_at);
            ui.clear(which.input_id());
            Ok(())
        }
        // The per-account SMS limit: the buttons that would ask again wait with her.
        Err(RelayError::RateLimited(seconds)) => {
            ui.wait_before_new_code(seconds);
            Ok(())
        }
        Err(other) => step_failed(ui, other),
    }
}

/// Waits for Submit, ending the journey on Cancel; `Ok(false)` for "send another code".
async fn submitted(ui: &WidgetHost) -> Result<bool, SdkError> {
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            Action::Submit => return Ok(true),
            Action::Resend => return Ok(false),
            _ => {}
        }
    }
}

/// The code form of step 2 or 6 until the relay takes a code.
async fn enter_code(
    ui: &WidgetHost,
    invitation: &Invitation<'_>,
    which: ProCode,
) -> Result<ProfessionalProgress, SdkError> {
    let input = which.input_id();
    loop {
        if !submitted(ui).await? {
            send_code(ui, invitation, which).await?;
            continue;
        }
        let code = ui.value(input).trim().to_owned();
        if !is_six_digits(&code) {
            ui.set_field_error(input, &ui.t(&Msg::OtpFormat));
            continue;
        }
        ui.set_error("");
        match invitation.check_code(ui, which, &code).await {
            Ok(progress) => return Ok(progress),
            // The code's own budget (3 entries): a dead code needs "send another code".
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                let msg = match entries_left(&body) {
                    Some(left) => Msg::WrongCode {
                        attempts_left: left,
                    },
                    None => Msg::OtpDead {
                        attempts_left: None,
                    },
                };
                ui.clear(input);
                ui.set_field_error(input, &ui.t(&msg));
            }
            Err(other) => step_failed(ui, other)?,
        }
    }
}

/// Step 2: "send me the code" until the relay sends it, then the code.
async fn registration(ui: &WidgetHost, invitation: &Invitation<'_>) -> Result<(), SdkError> {
    ui.show_pro_start();
    let asked_at = loop {
        if !submitted(ui).await? {
            continue;
        }
        ui.set_error("");
        let asked_at = js_sys::Date::now();
        match invitation.send_code(ui, ProCode::Registration).await {
            Ok(_) => break asked_at,
            Err(RelayError::RateLimited(seconds)) => ui.wait_before_new_code(seconds),
            Err(other) => step_failed(ui, other)?,
        }
    };
    ui.show_pro_code(ProCode::Registration);
    ui.set_status(&ui.t(&Msg::CodeSent));
    ui.set_code_sent_at(asked_at);
    enter_code(ui, invitation, ProCode::Registration).await?;
    Ok(())
}

/// Step 3: the expiry date of her ID document. Whether she has an account (step 4 asks for a
/// new password, or her current one).
async fn identity(ui: &WidgetHost, invitation: &Invitation<'_>) -> Result<bool, SdkError> {
    ui.show_pro_expiry();
    loop {
        if !submitted(ui).await? {
            continue;
        }
        // `<input type=date>` gives YYYY-MM-DD, or nothing while the date is incomplete.
        let date = ui.value("nf-id-expiry");
        let well_formed = date.len() == 10
            && date.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !well_formed {
            ui.set_field_error("nf-id-expiry", &ui.t(&Msg::ProExpiryMissing));
            continue;
        }
        ui.set_error("");
        let body = ProfessionalIdentity {
            token: invitation.token.to_owned(),
            id_document_expiry: date,
        };
        match invitation.call(ui, "identity", &body).await {
            Ok(progress) => return Ok(progress.new_account.unwrap_or(false)),
            // A wrong date counts; the third makes the invitation void.
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidRequest => {
                match body.attempts_left {
                    Some(0) => {
                        return Err(fail(
                            ui,
                            ErrorCode::InvitationInvalid,
                            Msg::InvitationVoided,
                        ));
                    }
                    // The date stays: she sees what she typed and corrects it.
                    Some(left) => ui.set_field_error(
                        "nf-id-expiry",
                        &ui.t(&Msg::WrongExpiry {
                            attempts_left: left,
                        }),
                    ),
                    None => return Err(dead(ui)),
                }
            }
            Err(other) => step_failed(ui, other)?,
        }
    }
}

/// Step 4: a new account's password (the policy), or her account's current one (an entry of
/// her account's budget, R20).
async fn password(
    ui: &WidgetHost,
    invitation: &Invitation<'_>,
    new_account: bool,
) -> Result<(), SdkError> {
    ui.show_pro_password(new_account);
    loop {
        if !submitted(ui).await? {
            continue;
        }
        let password = ui.value("nf-password");
        if password.is_empty() {
            ui.set_field_error("nf-password", &ui.t(&Msg::PasswordMissing));
            continue;
        }
        if new_account && password.chars().count() < 8 {
            ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            continue;
        }
        ui.set_error("");
        let body = ProfessionalPassword {
            token: invitation.token.to_owned(),
            password,
        };
        match invitation.call(ui, "password", &body).await {
            Ok(_) => return Ok(()),
            Err(RelayError::Refused(body)) if body.error == Wire::WeakPassword => {
                ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            }
            Err(RelayError::Refused(body)) if body.error == Wire::AccessDenied => {
                match body.attempts_left {
                    Some(left) if left > 0 => {
                        ui.clear("nf-password");
                        ui.set_field_error(
                            "nf-password",
                            &ui.t(&Msg::WrongPassword {
                                attempts_left: left,
                            }),
                        );
                    }
                    _ => return Err(fail(ui, ErrorCode::AccountBlocked, Msg::AccountBlocked)),
                }
            }
            Err(other) => step_failed(ui, other)?,
        }
    }
}

/// Step 5: the terms of use.
async fn terms(ui: &WidgetHost, invitation: &Invitation<'_>) -> Result<(), SdkError> {
    ui.show_pro_terms();
    loop {
        if !submitted(ui).await? {
            continue;
        }
        if !ui.is_checked("nf-terms") {
            ui.set_field_error("nf-terms", &ui.t(&Msg::ProTermsMissing));
            continue;
        }
        ui.set_error("");
        let body = ProfessionalTerms {
            token: invitation.token.to_owned(),
            accepted: true,
        };
        match invitation.call(ui, "terms", &body).await {
            Ok(_) => return Ok(()),
            Err(other) => step_failed(ui, other)?,
        }
    }
}

pub(crate) async fn professional(
    ui: &WidgetHost,
    relay: &RelayClient,
    invitation_id: &str,
    token: &str,
) -> Result<Issued, SdkError> {
    let invitation = Invitation {
        relay,
        id: invitation_id,
        token,
    };
    registration(ui, &invitation).await?;
    let new_account = identity(ui, &invitation).await?;
    password(ui, &invitation, new_account).await?;
    terms(ui, &invitation).await?;
    // Step 6: the final code is sent as its form shows; "send another code" asks again.
    ui.show_pro_code(ProCode::Issuance);
    send_code(ui, &invitation, ProCode::Issuance).await?;
    let issued = enter_code(ui, &invitation, ProCode::Issuance).await?;
    let Some(credential_id) = issued.credential_id else {
        return Err(fail(ui, ErrorCode::Protocol, Msg::Unexpected));
    };
    ui.show_final(&ui.t(&Msg::ProIssued { new_account }));
    Ok(Issued {
        credential_id,
        new_account,
    })
}
