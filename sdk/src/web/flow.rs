//! The signing journey, step by step: login widget → hash the file in the browser → build the
//! CAdES data-to-be-signed → SMS OTP widget → SAD → signHash → finish the .p7s.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::verification::verification_code;
use nubefirma_protocol::{ErrorCode as Wire, IdNumber, IdNumberError};
use web_sys::File;

use super::client::{RelayClient, RelayError};
use super::file_hash::sha256_of_blob;
use super::widgets::{Action, WidgetHost};
use crate::container::cades::{self, CadesDetachedRequest};
use crate::errors::{ErrorCode, SdkError};
use crate::i18n::Msg;

fn is_six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// Shows the message of a failure that ends the journey and turns it into the SDK error.
fn fail(ui: &WidgetHost, code: ErrorCode, msg: Msg) -> SdkError {
    let text = ui.t(&msg);
    ui.show_message(&text, true);
    SdkError::new(code, text)
}

/// Like `fail`, with a technical detail added for the portal (not shown in the widget).
fn fail_with(
    ui: &WidgetHost,
    code: ErrorCode,
    msg: Msg,
    detail: impl std::fmt::Display,
) -> SdkError {
    let mut e = fail(ui, code, msg);
    e.message = format!("{}: {detail}", e.message);
    e
}

fn dom_failure(ui: &WidgetHost, err: wasm_bindgen::JsValue) -> SdkError {
    fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, format!("{err:?}"))
}

/// A relay failure that ends the journey.
fn relay_failure(ui: &WidgetHost, err: &RelayError) -> SdkError {
    match err {
        RelayError::Unreachable(detail) => fail_with(
            ui,
            ErrorCode::RelayUnreachable,
            Msg::RelayUnreachable,
            detail,
        ),
        RelayError::Refused(body) => match body.error {
            Wire::AccountBlocked => fail(ui, ErrorCode::AccountBlocked, Msg::AccountBlocked),
            Wire::AccountNotActive => fail(ui, ErrorCode::AccountNotActive, Msg::AccountNotActive),
            Wire::InvalidToken => fail(ui, ErrorCode::Protocol, Msg::SessionExpired),
            _ => fail_with(
                ui,
                ErrorCode::Protocol,
                Msg::Unexpected,
                &body.error_description,
            ),
        },
        RelayError::Malformed(detail) => {
            fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, detail)
        }
    }
}

fn cancelled(ui: &WidgetHost) -> SdkError {
    ui.remove();
    SdkError::new(ErrorCode::UserCancelled, "the citizen cancelled")
}

/// The login widget until the relay accepts DNI/NIE + password. Returns the bearer token.
async fn log_in(ui: &WidgetHost, relay: &RelayClient) -> Result<String, SdkError> {
    ui.show_login();
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            Action::Resend => continue,
            Action::Submit => {}
        }
        // The check letter is validated here, before anything is sent.
        let id_number = match ui.value("nf-id").parse::<IdNumber>() {
            Ok(id) => id,
            Err(IdNumberError::Malformed) => {
                ui.set_error(&ui.t(&Msg::IdMalformed));
                continue;
            }
            Err(IdNumberError::WrongCheckLetter { expected }) => {
                ui.set_error(&ui.t(&Msg::IdWrongLetter(expected)));
                continue;
            }
        };
        let password = ui.value("nf-password");
        if password.is_empty() {
            ui.set_error(&ui.t(&Msg::PasswordMissing));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.login(id_number.as_str(), &password).await;
        ui.set_busy(false);
        match answer {
            Ok(token) => return Ok(token),
            Err(RelayError::Refused(body)) if body.error == Wire::AuthenticationFailed => {
                ui.set_error(&ui.t(&Msg::WrongPassword {
                    attempts_left: body.attempts_left.unwrap_or(0),
                }));
                ui.clear("nf-password");
            }
            Err(RelayError::Unreachable(_)) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
            Err(other) => return Err(relay_failure(ui, &other)),
        }
    }
}

/// The OTP widget until the relay trades a right code for a SAD.
async fn authorize(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    credential_id: &str,
    hashes: &[String],
    document_names: &[String],
    vc: &str,
) -> Result<String, SdkError> {
    relay
        .send_otp(token, credential_id, hashes)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    ui.show_otp(document_names, vc);
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            Action::Resend => {
                ui.set_busy(true);
                let sent = relay.send_otp(token, credential_id, hashes).await;
                ui.set_busy(false);
                sent.map_err(|e| relay_failure(ui, &e))?;
                ui.set_error("");
                ui.set_status(&ui.t(&Msg::CodeSent));
                continue;
            }
            Action::Submit => {}
        }
        let code = ui.value("nf-otp").trim().to_owned();
        if !is_six_digits(&code) {
            ui.set_error(&ui.t(&Msg::OtpFormat));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.authorize(token, credential_id, hashes, &code).await;
        ui.set_busy(false);
        match answer {
            Ok(sad) => return Ok(sad),
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                ui.set_error(&ui.t(&Msg::WrongOtp {
                    attempts_left: body.attempts_left.unwrap_or(0),
                }));
                ui.clear("nf-otp");
            }
            Err(RelayError::Unreachable(_)) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
            Err(other) => return Err(relay_failure(ui, &other)),
        }
    }
}

/// Signs one file; resolves to the bytes of its detached CAdES-B `.p7s`.
pub async fn sign_file(
    ui: &WidgetHost,
    relay: &RelayClient,
    file: &File,
    now_unix_seconds: i64,
) -> Result<Vec<u8>, SdkError> {
    let token = log_in(ui, relay).await?;
    let outcome = sign_in_session(ui, relay, &token, file, now_unix_seconds).await;
    // The session is of no further use: end it rather than leave a live token behind.
    let _ = relay.revoke(&token).await;
    outcome
}

async fn sign_in_session(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    file: &File,
    now_unix_seconds: i64,
) -> Result<Vec<u8>, SdkError> {
    let hashing = ui.t(&Msg::Hashing);
    ui.show_message(&hashing, false);
    let content_sha256 = sha256_of_blob(file, |done, total| {
        if total > 0.0 {
            ui.set_status(&format!("{hashing} {:.0} %", done / total * 100.0));
        }
    })
    .await
    .map_err(|e| {
        fail_with(
            ui,
            ErrorCode::FileUnreadable,
            Msg::FileUnreadable,
            format!("{e:?}"),
        )
    })?;

    let credential_id = relay
        .credentials(token)
        .await
        .map_err(|e| relay_failure(ui, &e))?
        .into_iter()
        .next()
        .ok_or_else(|| fail(ui, ErrorCode::NoCredential, Msg::NoCredential))?;
    let chain = relay
        .certificate_chain(token, &credential_id)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    let (signer, issuers) = chain
        .split_first()
        .ok_or_else(|| fail(ui, ErrorCode::Protocol, Msg::Unexpected))?;

    let prepared = cades::prepare(&CadesDetachedRequest {
        content_sha256,
        signer_certificate_der: signer,
        chain_der: issuers,
        signing_time_unix_seconds: now_unix_seconds,
    })
    .map_err(|e| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e))?;
    let dtbs = prepared.data_to_be_signed_sha256();
    let hashes = vec![STANDARD.encode(dtbs)];
    let vc = verification_code(&[dtbs]);

    let sad = authorize(
        ui,
        relay,
        token,
        &credential_id,
        &hashes,
        &[file.name()],
        &vc,
    )
    .await?;
    ui.show_message(&ui.t(&Msg::Signing), false);
    let signatures = relay
        .sign_hashes(token, &credential_id, &sad, &hashes)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    let signature = signatures
        .first()
        .ok_or_else(|| fail(ui, ErrorCode::Protocol, Msg::Unexpected))?;
    let p7s = prepared
        .finish(signature)
        .map_err(|e| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e))?;
    ui.show_message(&ui.t(&Msg::Done), false);
    Ok(p7s)
}
