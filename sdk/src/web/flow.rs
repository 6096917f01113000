//! The signing journey, step by step: login widget → her valid certificates (none: offer to
//! create one, confirmed by SMS; several: let her choose) → hash the file in the browser →
//! build the CAdES data-to-be-signed → SMS OTP widget → SAD → signHash → finish the .p7s.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::verification::verification_code;
use nubefirma_protocol::{AuthKey, ErrorBody, ErrorCode as Wire, IdNumber, IdNumberError};
use web_sys::File;

use super::client::{CredentialSummary, RelayClient, RelayError};
use super::file_hash::{Hashing, for_each_chunk_while};
use super::widgets::{Action, CertificateChoice, ProgressRow, Signed, WidgetHost};
use crate::errors::{ErrorCode, SdkError};
use crate::i18n::{DocumentProblem, Msg};
use crate::wire;
use nubefirma_containers::asic::{self, DataObject};
use nubefirma_containers::format::{Format, MAX_IN_MEMORY_MIB, safe_name};
use nubefirma_containers::pades::{PdfError, VisibleSignature};
use nubefirma_containers::staged::{
    Document, Finished, Signer, StageError, StageOptions, Staged, stage, stage_asice,
};
use nubefirma_containers::zip::{ZipError, ZipWriter};

pub(super) fn is_six_digits(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A code as asked: six digits by SMS, or three from her coordinate card (R21). `None` when it
/// is well formed; otherwise what to say.
pub(super) fn code_format_problem(code: &str, card: Option<&str>) -> Option<Msg> {
    match card {
        Some(_) if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) => None,
        Some(_) => Some(Msg::CardNumberFormat),
        None if is_six_digits(code) => None,
        None => Some(Msg::OtpFormat),
    }
}

/// After a code was asked: a card position changes the field to ask for it (R21).
pub(super) fn asked(
    ui: &WidgetHost,
    input_id: &str,
    card: &mut Option<String>,
    position: Option<String>,
) {
    if let Some(position) = position {
        ui.ask_card_position(input_id, &position);
        *card = Some(position);
    }
}

/// Shows the message of a failure that ends the journey and turns it into the SDK error.
pub(super) fn fail(ui: &WidgetHost, code: ErrorCode, msg: Msg) -> SdkError {
    let text = ui.t(&msg);
    ui.show_message(&text, true);
    SdkError::new(code, text)
}

/// Like `fail`, with a technical detail added for the portal (not shown in the widget).
pub(super) fn fail_with(
    ui: &WidgetHost,
    code: ErrorCode,
    msg: Msg,
    detail: impl std::fmt::Display,
) -> SdkError {
    let mut e = fail(ui, code, msg);
    e.message = format!("{}: {detail}", e.message);
    e
}

pub(super) fn dom_failure(ui: &WidgetHost, err: wasm_bindgen::JsValue) -> SdkError {
    fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, format!("{err:?}"))
}

/// A relay failure that ends the journey.
pub(super) fn relay_failure(ui: &WidgetHost, err: &RelayError) -> SdkError {
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
            Wire::CredentialUnusable => fail_with(
                ui,
                ErrorCode::CredentialUnusable,
                Msg::CredentialUnusable,
                &body.error_description,
            ),
            Wire::InvalidToken => fail(ui, ErrorCode::Protocol, Msg::SessionExpired),
            Wire::DeliveryFailed => fail_with(
                ui,
                ErrorCode::RelayUnreachable,
                Msg::DeliveryFailed,
                &body.error_description,
            ),
            _ => fail_with(
                ui,
                ErrorCode::Protocol,
                Msg::Unexpected,
                &body.error_description,
            ),
        },
        // Every call the journey expects to be limited keeps its widget; a 429 elsewhere is not
        // something this SDK knows how to wait for.
        RelayError::RateLimited(seconds) => fail_with(
            ui,
            ErrorCode::Protocol,
            Msg::TooManyAttempts { seconds: *seconds },
            "429 rate_limited",
        ),
        RelayError::Malformed(detail) => {
            fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, detail)
        }
    }
}

/// A relay failure a form can live with: too many tries from here, or the relay out of reach,
/// said on the error line while she stays; anything else ends the journey.
pub(super) fn say_and_stay(ui: &WidgetHost, err: RelayError) -> Result<(), SdkError> {
    match err {
        RelayError::RateLimited(seconds) => ui.set_error(&ui.t(&Msg::TooManyAttempts { seconds })),
        RelayError::Unreachable(_) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
        RelayError::Refused(body) if body.error == Wire::DeliveryFailed => {
            ui.set_error(&ui.t(&Msg::DeliveryFailed))
        }
        other => return Err(relay_failure(ui, &other)),
    }
    Ok(())
}

/// Entries left for a single-use code (a reset's, a PIN) that is still alive after a wrong
/// entry; `None` when it is dead and must be asked for again.
pub(super) fn entries_left(body: &ErrorBody) -> Option<u32> {
    body.attempts_left
        .filter(|left| *left > 0 && body.code_live == Some(true))
}

/// A wrong SMS code (signing or certificate): says so, or that the code is dead and a new one
/// is needed. The wrong entry that used up the account's budget (R20) ends the journey.
pub(super) fn wrong_code(
    ui: &WidgetHost,
    body: &ErrorBody,
    input_id: &str,
) -> Result<(), SdkError> {
    let attempts_left = body.attempts_left;
    if attempts_left == Some(0) {
        return Err(fail(ui, ErrorCode::AccountBlocked, Msg::AccountBlocked));
    }
    let msg = if wire::code_is_dead(body) {
        Msg::OtpDead { attempts_left }
    } else {
        Msg::WrongOtp { attempts_left }
    };
    ui.clear(input_id);
    ui.set_field_error(input_id, &ui.t(&msg));
    Ok(())
}

pub(super) fn cancelled(ui: &WidgetHost) -> SdkError {
    ui.remove();
    SdkError::new(ErrorCode::UserCancelled, "the citizen cancelled")
}

/// The DNI/NIE in `#nf-id`, its check letter validated here, before anything is sent; when it
/// is wrong the field says why.
pub(super) fn typed_id_number(ui: &WidgetHost) -> Option<IdNumber> {
    match ui.value("nf-id").parse::<IdNumber>() {
        Ok(id) => Some(id),
        Err(IdNumberError::Malformed) => {
            ui.set_field_error("nf-id", &ui.t(&Msg::IdMalformed));
            None
        }
        Err(IdNumberError::WrongCheckLetter { expected }) => {
            ui.set_field_error("nf-id", &ui.t(&Msg::IdWrongLetter(expected)));
            None
        }
    }
}

/// Who logged in, and with which key.
pub(super) struct LoggedIn {
    pub token: String,
    pub id_number: IdNumber,
    pub key: AuthKey,
}

/// The login widget until the relay accepts DNI/NIE + password. Returns the bearer token.
async fn log_in(ui: &WidgetHost, relay: &RelayClient) -> Result<String, SdkError> {
    log_in_offering(ui, relay, false).await.map(|l| l.token)
}

/// The login widget until the relay accepts DNI/NIE + password, or, with `pin`, a PIN key
/// (offered for the low level only, R3, R4).
pub(super) async fn log_in_offering(
    ui: &WidgetHost,
    relay: &RelayClient,
    pin: bool,
) -> Result<LoggedIn, SdkError> {
    ui.show_login_offering(pin);
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            Action::Resend | Action::UsePassword | Action::Panel => continue,
            Action::UsePin if !pin => continue,
            Action::UsePin => {
                let typed = ui.value("nf-id");
                if let Some(logged_in) = super::identify::pin_key(ui, relay, &typed).await? {
                    return Ok(logged_in);
                }
                ui.show_login_offering(pin);
                continue;
            }
            Action::Forgot => {
                let typed = ui.value("nf-id");
                let changed = reset_password(ui, relay, &typed).await?;
                ui.show_login_offering(pin);
                if changed {
                    ui.set_status(&ui.t(&Msg::PasswordChanged));
                }
                continue;
            }
            Action::Submit => {}
        }
        let Some(id_number) = typed_id_number(ui) else {
            continue;
        };
        let password = ui.value("nf-password");
        if password.is_empty() {
            ui.set_field_error("nf-password", &ui.t(&Msg::PasswordMissing));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.login(id_number.as_str(), &password).await;
        ui.set_busy(false);
        match answer {
            Ok((token, must_change_password)) => {
                if must_change_password {
                    first_password(ui, relay, &token, &password).await?;
                }
                return Ok(LoggedIn {
                    token,
                    id_number,
                    key: AuthKey::Password,
                });
            }
            // One answer for an unknown ID, a wrong password and a blocked account alike.
            Err(RelayError::Refused(body)) if body.error == Wire::AuthenticationFailed => {
                ui.clear("nf-password");
                ui.set_field_error("nf-password", &ui.t(&Msg::WrongCredentials));
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}

/// Her first password came by SMS at activation (R14): before anything else she chooses her
/// own, with the one she just typed as the current one (the login's answer says so).
async fn first_password(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    current: &str,
) -> Result<(), SdkError> {
    ui.show_first_password();
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => {
                let _ = relay.revoke(token).await;
                return Err(cancelled(ui));
            }
            Action::Submit => {}
            _ => continue,
        }
        let new = ui.value("nf-password");
        if new.chars().count() < 8 || new == current {
            ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.change_password(token, current, &new).await;
        ui.set_busy(false);
        match answer {
            Ok(()) => return Ok(()),
            Err(RelayError::Refused(body)) if body.error == Wire::WeakPassword => {
                ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
            }
            Err(other) => say_and_stay(ui, other)?,
        }
    }
}

/// A forgotten password (R20, R26): her DNI/NIE → one code by SMS and one by email → both
/// codes and a new password. Resolves to whether the password changed (false: she went back).
/// A reset whose codes died starts again from the first step.
pub(super) async fn reset_password(
    ui: &WidgetHost,
    relay: &RelayClient,
    typed_id: &str,
) -> Result<bool, SdkError> {
    let mut id_text = typed_id.to_owned();
    let mut why_again: Option<Msg> = None;
    loop {
        ui.show_reset_start(&id_text);
        if let Some(msg) = why_again.take() {
            ui.set_error(&ui.t(&msg));
        }
        let reset_id = loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Ok(false),
                Action::Submit => {}
                Action::Resend
                | Action::Forgot
                | Action::UsePin
                | Action::UsePassword
                | Action::Panel => continue,
            }
            id_text = ui.value("nf-id");
            let Some(id_number) = typed_id_number(ui) else {
                continue;
            };
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay.start_reset(id_number.as_str()).await;
            ui.set_busy(false);
            match answer {
                Ok(id) => break id,
                Err(other) => say_and_stay(ui, other)?,
            }
        };
        ui.show_reset_codes();
        loop {
            match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
                Action::Cancel => return Ok(false),
                Action::Submit => {}
                Action::Resend
                | Action::Forgot
                | Action::UsePin
                | Action::UsePassword
                | Action::Panel => continue,
            }
            let sms_code = ui.value("nf-sms-code");
            let email_code = ui.value("nf-email-code");
            let password = ui.value("nf-password");
            if !is_six_digits(&sms_code) {
                ui.set_field_error("nf-sms-code", &ui.t(&Msg::OtpFormat));
                continue;
            }
            if !is_six_digits(&email_code) {
                ui.set_field_error("nf-email-code", &ui.t(&Msg::OtpFormat));
                continue;
            }
            if password.chars().count() < 8 {
                ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
                continue;
            }
            ui.set_error("");
            ui.set_busy(true);
            let answer = relay
                .complete_reset(&reset_id, &sms_code, &email_code, &password)
                .await;
            ui.set_busy(false);
            match answer {
                Ok(()) => return Ok(true),
                Err(RelayError::Refused(body)) if body.error == Wire::WeakPassword => {
                    ui.set_field_error("nf-password", &ui.t(&Msg::WeakPassword));
                }
                Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                    match entries_left(&body) {
                        Some(left) => {
                            ui.clear("nf-sms-code");
                            ui.clear("nf-email-code");
                            ui.set_field_error(
                                "nf-sms-code",
                                &ui.t(&Msg::WrongResetCodes {
                                    attempts_left: left,
                                }),
                            );
                        }
                        _ => {
                            why_again = Some(Msg::ResetDead);
                            break;
                        }
                    }
                }
                Err(other) => say_and_stay(ui, other)?,
            }
        }
    }
}

/// The OTP widget until the relay trades a right code for a SAD.
#[allow(clippy::too_many_arguments)]
async fn authorize(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
    credential_id: &str,
    hashes: &[String],
    documents: &[(String, f64)],
    vc: &str,
    progress: &dyn Fn(Progress<'_>),
) -> Result<String, SdkError> {
    let asked_at = js_sys::Date::now();
    let first = relay.send_otp(token, credential_id, hashes).await;
    ui.show_otp(documents, vc);
    progress(Progress {
        stage: "waiting-for-code",
        file: 0,
        name: documents
            .first()
            .map(|(name, _)| name.as_str())
            .unwrap_or(""),
        done: 0.0,
        total: documents.len() as f64,
    });
    let mut card: Option<String> = None;
    match first {
        Ok(position) => {
            ui.set_code_sent_at(asked_at);
            asked(ui, "nf-otp", &mut card, position);
        }
        // Too soon after the previous code: the widget stays, and the citizen asks again later.
        Err(RelayError::RateLimited(seconds)) => {
            ui.set_status("");
            ui.wait_before_new_code(seconds);
        }
        Err(other) => return Err(relay_failure(ui, &other)),
    }
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            // Only the login widget offers it.
            Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            Action::Resend => {
                ui.set_busy(true);
                let asked_at = js_sys::Date::now();
                let sent = relay.send_otp(token, credential_id, hashes).await;
                ui.set_busy(false);
                if let Some(position) = resent(ui, sent, "nf-otp", asked_at)? {
                    asked(ui, "nf-otp", &mut card, position);
                }
                continue;
            }
            Action::Submit => {}
        }
        let code = ui.value("nf-otp").trim().to_owned();
        if let Some(problem) = code_format_problem(&code, card.as_deref()) {
            ui.set_field_error("nf-otp", &ui.t(&problem));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        let answer = relay.authorize(token, credential_id, hashes, &code).await;
        ui.set_busy(false);
        match answer {
            Ok(sad) => return Ok(sad),
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                wrong_code(ui, &body, "nf-otp")?;
            }
            Err(RelayError::Unreachable(_)) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
            Err(other) => return Err(relay_failure(ui, &other)),
        }
    }
}

/// After "send another code": says it was sent, or when a new one may be asked for. Only a
/// failure other than the limit or the network ends the journey.
pub(super) fn resent<T>(
    ui: &WidgetHost,
    sent: Result<T, RelayError>,
    input_id: &str,
    asked_at: f64,
) -> Result<Option<T>, SdkError> {
    match sent {
        Ok(value) => {
            ui.set_error("");
            ui.set_status(&ui.t(&Msg::CodeSent));
            ui.set_code_sent_at(asked_at);
            ui.clear(input_id);
            Ok(Some(value))
        }
        Err(RelayError::RateLimited(seconds)) => {
            ui.wait_before_new_code(seconds);
            Ok(None)
        }
        Err(RelayError::Unreachable(_)) => {
            ui.set_error(&ui.t(&Msg::RelayUnreachable));
            Ok(None)
        }
        Err(other) => Err(relay_failure(ui, &other)),
    }
}

/// She declined to create a certificate, or gave up confirming it.
fn declined(ui: &WidgetHost) -> SdkError {
    fail(ui, ErrorCode::NoCredential, Msg::NoCredential)
}

/// The credential to sign with: the only valid one, the one she chooses among several (R17),
/// or, with none, a new one she creates now (R15, R16) in this same session.
async fn pick_credential(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
) -> Result<String, SdkError> {
    let valid = relay
        .valid_credentials(token)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    match valid.as_slice() {
        [] => create_credential(ui, relay, token).await,
        [only] => Ok(only.id.clone()),
        several => choose_credential(ui, several).await,
    }
}

async fn create_credential(
    ui: &WidgetHost,
    relay: &RelayClient,
    token: &str,
) -> Result<String, SdkError> {
    ui.show_certificate_offer();
    let ((mut challenge, position), asked_at) = loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(declined(ui)),
            // Only the login widget offers it.
            Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            Action::Resend => continue,
            Action::Submit => {}
        }
        ui.set_error("");
        ui.set_busy(true);
        let asked_at = js_sys::Date::now();
        let started = relay.start_credential(token).await;
        ui.set_busy(false);
        match started {
            Ok(challenge) => break (challenge, asked_at),
            Err(RelayError::RateLimited(seconds)) => ui.wait_before_new_code(seconds),
            Err(RelayError::Unreachable(_)) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
            Err(other) => return Err(relay_failure(ui, &other)),
        }
    };
    ui.show_certificate_code();
    ui.set_code_sent_at(asked_at);
    let mut card: Option<String> = None;
    asked(ui, "nf-cert-code", &mut card, position);
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(declined(ui)),
            // Only the login widget offers it.
            Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            Action::Resend => {
                ui.set_busy(true);
                let asked_at = js_sys::Date::now();
                let started = relay.start_credential(token).await;
                ui.set_busy(false);
                if let Some((next, position)) = resent(ui, started, "nf-cert-code", asked_at)? {
                    challenge = next;
                    asked(ui, "nf-cert-code", &mut card, position);
                }
                continue;
            }
            Action::Submit => {}
        }
        let code = ui.value("nf-cert-code").trim().to_owned();
        if let Some(problem) = code_format_problem(&code, card.as_deref()) {
            ui.set_field_error("nf-cert-code", &ui.t(&problem));
            continue;
        }
        ui.set_error("");
        ui.set_busy(true);
        ui.set_status(&ui.t(&Msg::Creating));
        let answer = relay.confirm_credential(token, &challenge, &code).await;
        ui.set_busy(false);
        ui.set_status("");
        match answer {
            Ok(credential_id) => return Ok(credential_id),
            Err(RelayError::Refused(body)) if body.error == Wire::InvalidOtp => {
                wrong_code(ui, &body, "nf-cert-code")?;
            }
            Err(RelayError::Unreachable(_)) => ui.set_error(&ui.t(&Msg::RelayUnreachable)),
            Err(other) => return Err(relay_failure(ui, &other)),
        }
    }
}

async fn choose_credential(
    ui: &WidgetHost,
    listed: &[CredentialSummary],
) -> Result<String, SdkError> {
    let choices: Vec<CertificateChoice> = listed
        .iter()
        .map(|c| {
            let name = c
                .subject_dn
                .as_deref()
                .and_then(wire::common_name)
                .or_else(|| c.subject_dn.clone())
                .unwrap_or_else(|| c.id.clone());
            let mut detail: Vec<String> = Vec::new();
            if let Some(date) = c.valid_to.as_deref().and_then(wire::generalized_date) {
                detail.push(ui.t(&Msg::ValidUntil(date)));
            }
            if let Some(serial) = &c.serial_number {
                detail.push(format!("{} {serial}", ui.t(&Msg::SerialNumber)));
            }
            CertificateChoice {
                credential_id: c.id.clone(),
                name,
                detail: detail.join(" · "),
            }
        })
        .collect();
    ui.show_chooser(&choices);
    loop {
        match ui.next_action().await.map_err(|e| dom_failure(ui, e))? {
            Action::Cancel => return Err(cancelled(ui)),
            // Only the login widget offers it.
            Action::Forgot | Action::UsePin | Action::UsePassword | Action::Panel => continue,
            Action::Resend => continue,
            Action::Submit => {}
        }
        match ui.checked("nf-credential") {
            Some(id) if listed.iter().any(|c| c.id == id) => return Ok(id),
            _ => ui.set_error(&ui.t(&Msg::ChooseTitle)),
        }
    }
}

/// The signature level (ETSI baseline profiles): B, or T with a trusted time from the relay's
/// TSA over each signature value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    B,
    T,
}

/// What the portal asked `signFiles` for.
#[derive(Debug, Clone, Copy)]
pub struct SignRequest {
    pub format: Format,
    pub level: Level,
    /// PAdES: where to draw the signature.
    pub visible: Option<VisibleSignature>,
    /// ASiC-E: XAdES (`signatures001.xml`) instead of CAdES over a manifest.
    pub asice_xades: bool,
    pub now_unix_seconds: i64,
}

/// One piece of a signed output: bytes made here, or a document of the portal's itself (the
/// data entries of an ASiC-E go into the Blob as the `File`, never copied into wasm memory).
pub enum Part {
    Bytes(Vec<u8>),
    Document(File),
}

/// A signed output, ready to become a `File`.
pub struct Output {
    pub name: String,
    pub media_type: &'static str,
    pub parts: Vec<Part>,
}

/// Where the journey is, for the portal's `onProgress`.
pub struct Progress<'a> {
    pub stage: &'static str,
    pub file: usize,
    pub name: &'a str,
    pub done: f64,
    pub total: f64,
}

/// Signs `files` with one login and one SMS code; resolves to the signed outputs, in order (one
/// per file, or one for all in an ASiC-E).
pub async fn sign_files(
    ui: &WidgetHost,
    relay: &RelayClient,
    hashing: &Hashing,
    files: &[File],
    request: SignRequest,
    progress: &dyn Fn(Progress<'_>),
) -> Result<Vec<Output>, SdkError> {
    let token = log_in(ui, relay).await?;
    let outcome = sign_in_session(ui, relay, hashing, &token, files, request, progress).await;
    // The session is of no further use: end it rather than leave a live token behind.
    let _ = relay.revoke(&token).await;
    outcome
}

/// A document as the chosen format needs it: its SHA-256 (streamed), or its bytes.
enum Loaded {
    Digest([u8; 32]),
    Bytes(Vec<u8>),
}

/// An ASiC-E in the making: the zip's pieces so far (the documents themselves as `File`s) and
/// the writer that continues it once the signature is there.
struct AsiceDraft {
    zip: ZipWriter,
    parts: Vec<Part>,
    /// Each document's name in the container, media type and SHA-256.
    objects: Vec<(String, String, [u8; 32])>,
}

/// `done` of `total` as a fraction (an empty file is done at once).
fn fraction(done: f64, total: f64) -> f64 {
    if total > 0.0 { done / total } else { 1.0 }
}

/// The progress widget while the documents are read (and hashed) here, one bar each.
fn show_reading(ui: &WidgetHost, files: &[File]) {
    let rows: Vec<ProgressRow> = files
        .iter()
        .map(|f| ProgressRow {
            name: f.name(),
            size: Some(f.size()),
        })
        .collect();
    ui.show_progress(&ui.t(&Msg::Hashing), &rows);
}

/// Says which document is being read, when there are several (the bars show how far).
fn reading_file(ui: &WidgetHost, index: usize, count: usize) {
    if count > 1 {
        ui.set_status(&format!("{} {}/{count}", ui.t(&Msg::Hashing), index + 1));
    }
}

/// Hashes each file with the zip's bookkeeping (CRC, size) where `hashing` says: the documents
/// are read once, and never copied into the output, which the browser assembles from the Files.
async fn load_for_asice(
    ui: &WidgetHost,
    hashing: &Hashing,
    files: &[File],
    progress: &dyn Fn(Progress<'_>),
) -> Result<AsiceDraft, SdkError> {
    show_reading(ui, files);
    let zip_failure = |e: ZipError| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e);
    let mut zip = ZipWriter::new();
    let mut parts = vec![Part::Bytes(
        zip.stored_entry("mimetype", asic::MIMETYPE.as_bytes())
            .map_err(zip_failure)?,
    )];
    let mut objects = Vec::with_capacity(files.len());
    let count = files.len();
    for (index, file) in files.iter().enumerate() {
        let name = safe_name(&file.name());
        parts.push(Part::Bytes(zip.begin_entry(&name).map_err(
            |e| match e {
                ZipError::DuplicateName(_) => document_problem(
                    ui,
                    &name,
                    DocumentProblem::DuplicateName,
                    "two documents with one name",
                ),
                other => zip_failure(other),
            },
        )?));
        reading_file(ui, index, count);
        let digest = hashing
            .digest(file, true, |done, total| {
                reading_progress(ui, progress, index, &name, done, total)
            })
            .await
            .map_err(|e| unreadable(ui, &name, e))?;
        let Some(digest) = digest.filter(|_| !ui.cancel_requested()) else {
            return Err(cancelled(ui));
        };
        // The zip names exactly the bytes the browser will put there: the File as it is now.
        if digest.size as f64 != file.size() {
            return Err(unreadable(
                ui,
                &name,
                "the file changed while it was read".into(),
            ));
        }
        let crc = digest
            .crc32
            .ok_or_else(|| fail(ui, ErrorCode::Protocol, Msg::Unexpected))?;
        ui.set_progress(index, 1.0, &ui.t(&Msg::FileReady));
        parts.push(Part::Document(file.clone()));
        parts.push(Part::Bytes(
            zip.end_entry_measured(crc, digest.size)
                .map_err(zip_failure)?,
        ));
        let media_type = Some(file.type_())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "application/octet-stream".into());
        objects.push((name, media_type, digest.sha256));
    }
    Ok(AsiceDraft {
        zip,
        parts,
        objects,
    })
}

/// One read chunk: the file's bar, the portal's `onProgress`; answers whether to go on.
fn reading_progress(
    ui: &WidgetHost,
    progress: &dyn Fn(Progress<'_>),
    index: usize,
    name: &str,
    done: f64,
    total: f64,
) -> bool {
    ui.set_progress(index, fraction(done, total), "");
    progress(Progress {
        stage: "hashing",
        file: index,
        name,
        done,
        total,
    });
    !ui.cancel_requested()
}

fn unreadable(ui: &WidgetHost, name: &str, e: wasm_bindgen::JsValue) -> SdkError {
    fail_with(
        ui,
        ErrorCode::FileUnreadable,
        Msg::FileUnreadable,
        format!("{name}: {e:?}"),
    )
}

/// Reads or hashes each file, with progress. Enveloping formats read the document whole, up to
/// `MAX_IN_MEMORY_MIB`; the others stream it through `hashing`.
async fn load_documents(
    ui: &WidgetHost,
    hashing: &Hashing,
    files: &[File],
    format: Format,
    progress: &dyn Fn(Progress<'_>),
) -> Result<Vec<Loaded>, SdkError> {
    show_reading(ui, files);
    let count = files.len();
    let mut loaded = Vec::with_capacity(count);
    for (index, file) in files.iter().enumerate() {
        let name = file.name();
        reading_file(ui, index, count);
        let on_chunk =
            |done: f64, total: f64| reading_progress(ui, progress, index, &name, done, total);
        let document = if format.reads_whole_document() {
            if file.size() > f64::from(MAX_IN_MEMORY_MIB) * 1024.0 * 1024.0 {
                return Err(document_problem(
                    ui,
                    &name,
                    DocumentProblem::TooLarge {
                        max_mib: MAX_IN_MEMORY_MIB,
                    },
                    "too large to hold in memory",
                ));
            }
            // The size is a browser-reported f64 below the limit: the cast cannot truncate.
            let mut bytes = Vec::with_capacity(file.size() as usize);
            let read = for_each_chunk_while(file, |chunk| bytes.extend_from_slice(chunk), on_chunk)
                .await
                .map_err(|e| unreadable(ui, &name, e))?;
            read.then_some(Loaded::Bytes(bytes))
        } else {
            hashing
                .digest(file, false, on_chunk)
                .await
                .map_err(|e| unreadable(ui, &name, e))?
                .map(|d| Loaded::Digest(d.sha256))
        };
        let Some(document) = document.filter(|_| !ui.cancel_requested()) else {
            return Err(cancelled(ui));
        };
        ui.set_progress(index, 1.0, &ui.t(&Msg::FileReady));
        loaded.push(document);
    }
    Ok(loaded)
}

/// A document the format cannot take: said in the citizen's language, the journey ends and
/// nothing is signed.
fn document_problem(
    ui: &WidgetHost,
    name: &str,
    problem: DocumentProblem,
    detail: impl std::fmt::Display,
) -> SdkError {
    fail_with(
        ui,
        ErrorCode::UnsupportedDocument,
        Msg::Document {
            name: name.to_owned(),
            problem,
        },
        detail,
    )
}

/// Fixes what each output signs. Errors name the document and why, in the citizen's language.
fn stage_all(
    ui: &WidgetHost,
    files: &[File],
    loaded: Vec<Loaded>,
    signer: &Signer<'_>,
    request: SignRequest,
) -> Result<Vec<(String, Staged)>, SdkError> {
    let options = StageOptions {
        visible: request.visible,
        with_timestamp: request.level == Level::T,
    };
    let mut all = Vec::with_capacity(files.len());
    for (file, loaded) in files.iter().zip(loaded) {
        let document = match loaded {
            Loaded::Digest(digest) => Document::Digest(digest),
            Loaded::Bytes(bytes) => Document::Bytes(bytes),
        };
        let staged = stage(request.format, document, signer, &options)
            .map_err(|e| staging_failure(ui, &file.name(), e))?;
        all.push((request.format.output_name(&file.name()), staged));
    }
    Ok(all)
}

/// A document the format cannot take is said in the citizen's words; anything else is ours.
fn staging_failure(ui: &WidgetHost, name: &str, error: StageError) -> SdkError {
    let problem = match &error {
        StageError::Pdf(PdfError::Encrypted) => Some(DocumentProblem::Encrypted),
        StageError::Pdf(PdfError::Damaged(_)) => Some(DocumentProblem::NotAPdf),
        StageError::Pdf(PdfError::Unsupported(_)) => Some(DocumentProblem::UnsupportedPdf),
        StageError::Pdf(PdfError::NoSuchPage { page, pages }) => {
            Some(DocumentProblem::NoSuchPage {
                page: *page,
                pages: *pages,
            })
        }
        StageError::NotXml(_) => Some(DocumentProblem::NotXml),
        _ => None,
    };
    match problem {
        Some(problem) => document_problem(ui, name, problem, &error),
        None => fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, error),
    }
}

async fn sign_in_session(
    ui: &WidgetHost,
    relay: &RelayClient,
    hashing: &Hashing,
    token: &str,
    files: &[File],
    request: SignRequest,
    progress: &dyn Fn(Progress<'_>),
) -> Result<Vec<Output>, SdkError> {
    let credential_id = pick_credential(ui, relay, token).await?;
    let (loaded, mut asice) = if request.format.one_output_for_all() {
        (
            Vec::new(),
            Some(load_for_asice(ui, hashing, files, progress).await?),
        )
    } else {
        (
            load_documents(ui, hashing, files, request.format, progress).await?,
            None,
        )
    };

    let chain = relay
        .certificate_chain(token, &credential_id)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    let (signer, issuers) = chain
        .split_first()
        .ok_or_else(|| fail(ui, ErrorCode::Protocol, Msg::Unexpected))?;
    let signer = Signer {
        certificate_der: signer,
        chain_der: issuers,
        signing_time_unix_seconds: request.now_unix_seconds,
    };
    let staged = match &asice {
        Some(draft) => {
            let objects: Vec<DataObject<'_>> = draft
                .objects
                .iter()
                .map(|(name, mime_type, sha256)| DataObject {
                    name,
                    mime_type,
                    sha256: *sha256,
                })
                .collect();
            let name = request
                .format
                .output_name(&files.first().map(File::name).unwrap_or_default());
            let staged = stage_asice(&objects, &signer, request.asice_xades)
                .map_err(|e| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e))?;
            vec![(name, staged)]
        }
        None => stage_all(ui, files, loaded, &signer, request)?,
    };

    let dtbs: Vec<[u8; 32]> = staged
        .iter()
        .map(|(_, s)| s.data_to_be_signed_sha256())
        .collect();
    let hashes: Vec<String> = dtbs.iter().map(|d| STANDARD.encode(d)).collect();
    let vc = verification_code(&dtbs);
    let documents: Vec<(String, f64)> = files.iter().map(|f| (f.name(), f.size())).collect();

    // One SMS code for the whole batch, bound to every output's hash.
    let sad = authorize(
        ui,
        relay,
        token,
        &credential_id,
        &hashes,
        &documents,
        &vc,
        progress,
    )
    .await?;
    let rows: Vec<ProgressRow> = staged
        .iter()
        .map(|(name, _)| ProgressRow {
            name: name.clone(),
            size: None,
        })
        .collect();
    ui.show_progress(&ui.t(&Msg::Signing), &rows);
    let signatures = relay
        .sign_hashes(token, &credential_id, &sad, &hashes)
        .await
        .map_err(|e| relay_failure(ui, &e))?;
    if signatures.len() != staged.len() {
        return Err(fail(ui, ErrorCode::Protocol, Msg::Unexpected));
    }
    if ui.cancel_requested() {
        return Err(cancelled(ui));
    }
    let mut outputs = Vec::with_capacity(staged.len());
    for (index, ((name, staged), signature)) in staged.into_iter().zip(&signatures).enumerate() {
        if ui.cancel_requested() {
            return Err(cancelled(ui));
        }
        ui.set_progress(index, 0.5, "");
        progress(Progress {
            stage: "signing",
            file: index,
            name: &name,
            done: 0.0,
            total: 1.0,
        });
        let token_der = match request.level {
            Level::B => None,
            Level::T => {
                // The relay's TSA stamps the signature value; the container is assembled once.
                let imprint = staged
                    .timestamp_imprint(signature)
                    .map_err(|e| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e))?;
                Some(
                    relay
                        .timestamp(token, &imprint)
                        .await
                        .map_err(|e| relay_failure(ui, &e))?,
                )
            }
        };
        let finished = staged
            .finish(signature, token_der.as_deref())
            .map_err(|e| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e))?;
        let parts = match (finished, asice.take()) {
            (Finished::File(bytes), _) => vec![Part::Bytes(bytes)],
            (Finished::MetaInf(entries), Some(mut draft)) => {
                let zip_failure =
                    |e: ZipError| fail_with(ui, ErrorCode::Protocol, Msg::Unexpected, e);
                for (entry, bytes) in entries {
                    draft.parts.push(Part::Bytes(
                        draft
                            .zip
                            .stored_entry(&entry, &bytes)
                            .map_err(zip_failure)?,
                    ));
                }
                draft
                    .parts
                    .push(Part::Bytes(draft.zip.finish().map_err(zip_failure)?));
                draft.parts
            }
            (Finished::MetaInf(_), None) => {
                return Err(fail(ui, ErrorCode::Protocol, Msg::Unexpected));
            }
        };
        ui.set_progress(index, 1.0, &ui.t(&Msg::FileSigned));
        progress(Progress {
            stage: "done",
            file: index,
            name: &name,
            done: 1.0,
            total: 1.0,
        });
        outputs.push(Output {
            name,
            media_type: request.format.media_type(),
            parts,
        });
    }
    if ui.cancel_requested() {
        return Err(cancelled(ui));
    }
    let output_names: Vec<String> = outputs.iter().map(|o| o.name.clone()).collect();
    ui.show_result(&Signed {
        documents: &documents,
        outputs: &output_names,
        format: format_name(request),
        level: match request.level {
            Level::B => Msg::LevelB,
            Level::T => Msg::LevelT,
        },
    });
    Ok(outputs)
}

/// The forgotten password's journey alone (`resetPassword()`): resolves once her password
/// changed; going back is cancelling.
pub(crate) async fn reset_only(ui: &WidgetHost, relay: &RelayClient) -> Result<(), SdkError> {
    if reset_password(ui, relay, "").await? {
        ui.remove();
        Ok(())
    } else {
        Err(cancelled(ui))
    }
}

/// The format as people who sign know it, for the result widget.
fn format_name(request: SignRequest) -> &'static str {
    match request.format {
        Format::CadesDetached => "CAdES (.p7s)",
        Format::CadesAttached => "CAdES (.p7m)",
        Format::Pades => "PAdES",
        Format::Xades => "XAdES",
        Format::Asice if request.asice_xades => "ASiC-E (XAdES)",
        Format::Asice => "ASiC-E (CAdES)",
    }
}
