//! The self-service panel (R26), `account()`: she logs in with her password, sees her account
//! (contacts masked by the relay), and changes her password, mobile or email, renews the
//! account, revokes a certificate or the whole account (R24). Every change is the relay's
//! to check; the panel only says what happened, in her language. The session ends before the
//! promise resolves.

use nubefirma_protocol::ErrorCode as Wire;
use nubefirma_protocol::api::{AccountOverview, ContactKind};

use super::client::{RelayClient, RelayError};
use super::flow::{
    dom_failure, fail, is_six_digits, log_in_offering, relay_failure, say_and_stay, wrong_code,
};
use super::widgets::{Action, ContactField, PanelCertificate, PanelView, WidgetHost};
use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Msg;
use crate::wire::unix_date;

/// How the panel ended.
pub(crate) enum PanelOutcome {
    /// She closed it: her account as it is now.
    Closed(AccountOverview),
    /// She revoked her account.
    Revoked,
}

/// What a confirmed password is for.
enum Confirmed {
    RevokeCertificate(String),
    Renew,
    RevokeAccount,
    SwitchToSms,
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn view(ui: &WidgetHost, overview: &AccountOverview) -> PanelView {
    let date = |seconds: i64| unix_date(seconds);
    PanelView {
        name: format!("{} {}", overview.given_name, overview.surname),
        id_number: overview.id_number.clone(),
        phone: overview.phone.clone(),
        email: overview.email.clone(),
        valid_until: overview
            .expires_at
            .and_then(date)
            .map(|d| ui.t(&Msg::AccountValidUntil(d))),
        certificates: overview
            .certificates
            .iter()
            .map(|c| {
                let status = match c.status.as_str() {
                    "valid" => Msg::CertValid,
                    "revoked" => Msg::CertRevoked,
                    "suspended" => Msg::CertSuspended,
                    _ => Msg::CertExpired,
                };
                let until = date(c.not_after)
                    .map(|d| format!(" · {}", ui.t(&Msg::ValidUntil(d))))
                    .unwrap_or_default();
                PanelCertificate {
                    id: c.id.clone(),
                    name: c.subject_cn.clone(),
                    detail: format!("{}{until} · {}", ui.t(&status), c.serial),
                    revocable: c.status == "valid",
                }
            })
            .collect(),
        renewable: overview
            .renewable_from
            .is_some_and(|from| from <= now_seconds()),
        card: overview.second_factor == "card",
    }
}

/// A wrong password inside the panel: the field says how many entries are left; the entry that
/// blocked the account ends the panel (R20).
fn wrong_password(ui: &WidgetHost, input_id: &str, left: Option<u32>) -> Result<(), SdkError> {
    match left {
        Some(0) | None => Err(fail(ui, ErrorCode::AccountBlocked, Msg::AccountBlocked)),
        Some(left) => {
            ui.clear(input_id);
            ui.set_field_error(
                input_id,
                &ui.t(&Msg::WrongPassword {
                    attempts_left: left,
                }),
            );
            Ok(())
        }
    }
}

/// Logs her in with her password and runs the panel until she closes it.
pub(crate) async fn account(
    ui: &WidgetHost,
    relay: &RelayClient,
) -> Result<PanelOutcome, SdkError> {
    let logged_in = log_in_offering(ui, relay, false).await?;
    let outcome = panel(ui, relay, &logged_in.token).await;
    let _ = relay.revoke(&logged_in.token).await;
    outcome
}

async fn panel(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
) -> Result<PanelOutcome, SdkError> {
    let mut notice: Option<Msg> = None;
    loop {
        let overview = relay
            .account(token)
            .await
            .map_err(|e| relay_failure(ui, &e))?;
        ui.show_panel(&view(ui, &overview));
        if let Some(msg) = notice.take() {
            ui.set_status(&ui.t(&msg));
        }
        let choice = loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => {
                    ui.remove();
                    return Ok(PanelOutcome::Closed(overview));
                }
                Action::Panel => {
                    if let Some(choice) = ui.take_choice() {
                        break choice;
                    }
                }
                _ => {}
            }
        };
        notice = match choice.as_str() {
            "password" => change_password(ui, relay, token).await?,
            "phone" => change_contact(ui, relay, token, ContactField::Phone).await?,
            "email" => change_contact(ui, relay, token, ContactField::Email).await?,
            "renew" => confirm(ui, relay, token, Confirmed::Renew).await?,
            "sms" => confirm(ui, relay, token, Confirmed::SwitchToSms).await?,
            "revoke-account" => match confirm(ui, relay, token, Confirmed::RevokeAccount).await? {
                Some(msg) => {
                    ui.show_final(&ui.t(&msg));
                    return Ok(PanelOutcome::Revoked);
                }
                None => None,
            },
            other => match other.strip_prefix("revoke-cert:") {
                Some(id) => {
                    confirm(
                        ui,
                        relay,
                        token,
                        Confirmed::RevokeCertificate(id.to_owned()),
                    )
                    .await?
                }
                None => None,
            },
        };
    }
}

/// `None`: she went back.
async fn change_password(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
) -> Result<Option<Msg>, SdkError> {
    ui.show_change_password();
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Ok(None),
            Action::Submit => {}
            _ => continue,
        }
        let current = ui.value("nf-current-password");
        let new = ui.value("nf-password");
        if current.is_empty() {
            ui.set_field_error("nf-current-password", &ui.t(&Msg::PasswordMissing));
            continue;
        }
        if new.chars().count() < 8 {
            ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.change_password(token, &current, &new).await;
        ui.set_busy(false);
        match answer {
            Ok(()) => return Ok(Some(Msg::PanelPasswordChanged)),
            Err(RelayError::Refused(body)) if body.error == Wire::WeakPassword => {
                ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            }
            Err(RelayError::Refused(body)) if body.error == Wire::AccessDenied => {
                wrong_password(ui, "nf-current-password", body.attempts_left)?;
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}

/// A new phone or email, proved by the codes the relay sends. `None`: she went back.
async fn change_contact(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    field: ContactField,
) -> Result<Option<Msg>, SdkError> {
    let (kind, invalid, done) = match field {
        ContactField::Phone => (ContactKind::Phone, Msg::PhoneInvalid, Msg::PhoneChanged),
        ContactField::Email => (ContactKind::Email, Msg::EmailInvalid, Msg::EmailChanged),
    };
    ui.show_contact_start(field);
    let started = loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Ok(None),
            Action::Submit => {}
            _ => continue,
        }
        let value = ui.value("nf-contact").trim().to_owned();
        if value.is_empty() {
            ui.set_field_error("nf-contact", &ui.t(&invalid));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.start_contact_change(token, kind, &value).await;
        ui.set_busy(false);
        match answer {
            Ok(started) => break started,
            Err(RelayError::Refused(body)) if body.error == Wire::Conflict => {
                ui.set_field_error("nf-contact", &ui.t(&Msg::ContactTaken));
            }
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidRequest => {
                let msg = if body.error_description.contains("already your") {
                    Msg::SameContact
                } else {
                    invalid.clone()
                };
                ui.set_field_error("nf-contact", &ui.t(&msg));
            }
            Err(RelayError::RateLimited(seconds)) => {
                ui.set_error(&ui.t(&Msg::ResendIn { seconds }));
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    };
    ui.show_contact_codes(field, started.taken_from_another_account);
    let change_id = started.change_id;
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Ok(None),
            Action::Submit => {}
            _ => continue,
        }
        let code = ui.value("nf-code-new").trim().to_owned();
        if !is_six_digits(&code) {
            ui.set_field_error("nf-code-new", &ui.t(&Msg::OtpFormat));
            continue;
        }
        let current = match field {
            ContactField::Phone => {
                let current = ui.value("nf-code-current").trim().to_owned();
                if !is_six_digits(&current) {
                    ui.set_field_error("nf-code-current", &ui.t(&Msg::OtpFormat));
                    continue;
                }
                Some(current)
            }
            ContactField::Email => None,
        };
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay
            .confirm_contact_change(token, &change_id, &code, current.as_deref())
            .await;
        ui.set_busy(false);
        match answer {
            Ok(_) => return Ok(Some(done)),
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                if field == ContactField::Phone {
                    ui.clear("nf-code-current");
                }
                wrong_code(ui, &body, "nf-code-new")?;
            }
            Err(RelayError::Refused(body)) if body.error == Wire::Conflict => {
                ui.set_error(&ui.t(&Msg::ContactTaken));
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}

/// Her password again, then the act. `None`: she went back.
async fn confirm(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    what: Confirmed,
) -> Result<Option<Msg>, SdkError> {
    let (explain, submit) = match &what {
        Confirmed::RevokeCertificate(_) => (Msg::RevokeCertExplain, Msg::RevokeCertificate),
        Confirmed::Renew => (Msg::RenewExplain, Msg::RenewAccount),
        Confirmed::RevokeAccount => (Msg::RevokeAccountExplain, Msg::RevokeAccount),
        Confirmed::SwitchToSms => (Msg::SwitchToSmsExplain, Msg::SwitchToSms),
    };
    ui.show_confirm_password(explain, submit);
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Ok(None),
            Action::Submit => {}
            _ => continue,
        }
        let password = ui.value("nf-password");
        if password.is_empty() {
            ui.set_field_error("nf-password", &ui.t(&Msg::PasswordMissing));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer =
            match &what {
                Confirmed::RevokeCertificate(id) => relay
                    .revoke_credential(token, id, &password)
                    .await
                    .map(|()| Msg::CertificateRevoked),
                Confirmed::Renew => relay.renew_account(token, &password).await.map(|until| {
                    match unix_date(until) {
                        Some(date) => Msg::AccountRenewed(date),
                        None => Msg::RenewAccount,
                    }
                }),
                Confirmed::RevokeAccount => relay
                    .revoke_account(token, &password)
                    .await
                    .map(|()| Msg::AccountRevokedDone),
                Confirmed::SwitchToSms => relay
                    .switch_to_sms(token, &password)
                    .await
                    .map(|()| Msg::SwitchedToSms),
            };
        ui.set_busy(false);
        match answer {
            Ok(msg) => return Ok(Some(msg)),
            Err(RelayError::Refused(body))
                if body.error == Wire::AccessDenied && body.attempts_left.is_some() =>
            {
                wrong_password(ui, "nf-password", body.attempts_left)?;
            }
            Err(RelayError::Refused(body)) if body.error == Wire::AccountBlocked => {
                return Err(fail(ui, ErrorCode::AccountBlocked, Msg::AccountBlocked));
            }
            Err(RelayError::Refused(body)) if body.error == Wire::EmailShared => {
                ui.set_error(&ui.t(&Msg::RenewNeedsNewEmail));
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}
