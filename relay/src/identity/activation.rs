//! Activation (R12): identifier + activation code → SMS code → new password (+ terms) → active.
//! On completion the relay also generates her cloud key and certificate, sealed under a key
//! derived from the new password.

use nubefirma_protocol::IdNumber;
use nubefirma_protocol::api::{
    ActivationCompleteRequest, ActivationStartRequest, ActivationStartResponse,
};

use super::account::AccountStatus;
use super::password;
use super::registration::normalize_activation_code;
use crate::crypto::{random_bytes, random_digits, random_id, secret_hash, secrets_equal};
use crate::limits::{
    CITIZEN_CERT_LIFETIME_SECONDS, MAX_ACTIVATION_CODE_FAILURES, MAX_ACTIVATION_SMS_FAILURES,
    OTP_DIGITS, OTP_LIFETIME_SECONDS,
};
use crate::notify::Channel;
use crate::pki::CitizenSubject;
use crate::store::{Activation, Credential};
use crate::{Error, Relay};

impl Relay {
    pub async fn start_activation(
        &self,
        req: &ActivationStartRequest,
    ) -> Result<ActivationStartResponse, Error> {
        let wrong = |attempts_left| Error::InvalidActivationCode { attempts_left };
        let Ok(id_number) = req.id_number.parse::<IdNumber>() else {
            return Err(Error::InvalidRequest(
                "idNumber: not a valid DNI/NIE".into(),
            ));
        };
        let Some(citizen) = self.store.citizen_by_id_number(id_number.as_str()).await? else {
            return Err(wrong(MAX_ACTIVATION_CODE_FAILURES));
        };
        if citizen.state.status != AccountStatus::PendingActivation {
            return Err(Error::Conflict("this account is already activated"));
        }
        let now = self.now();
        if citizen.activation_failures >= MAX_ACTIVATION_CODE_FAILURES
            || now > citizen.activation_expires_at
        {
            return Err(wrong(0));
        }
        let given = secret_hash(
            "activation-code",
            &normalize_activation_code(&req.activation_code),
        );
        let matches = citizen
            .activation_code_hash
            .as_deref()
            .is_some_and(|h| secrets_equal(h, &given));
        if !matches {
            let failures = self
                .store
                .record_activation_code_failure(&citizen.id)
                .await?;
            return Err(wrong(MAX_ACTIVATION_CODE_FAILURES.saturating_sub(failures)));
        }
        let sms_code = random_digits(OTP_DIGITS);
        let activation = Activation {
            id: random_id(),
            citizen_id: citizen.id.clone(),
            sms_code_hash: secret_hash("activation-sms", &sms_code),
            failures: 0,
            expires_at: now + OTP_LIFETIME_SECONDS,
            used: false,
        };
        self.store.insert_activation(&activation).await?;
        let text = format!(
            "nubefirma: {sms_code} is your activation code. It expires in 5 minutes. Never share it."
        );
        self.notifier
            .send(Channel::Sms, &citizen.phone, &text, now)
            .await?;
        Ok(ActivationStartResponse {
            activation_id: activation.id,
        })
    }

    pub async fn complete_activation(&self, req: &ActivationCompleteRequest) -> Result<(), Error> {
        if !req.accept_terms {
            return Err(Error::InvalidRequest(
                "acceptTerms: the terms of use must be accepted".into(),
            ));
        }
        let now = self.now();
        let expired = || Error::InvalidOtp { attempts_left: 0 };
        let activation = self
            .store
            .activation(&req.activation_id)
            .await?
            .ok_or_else(|| {
                Error::InvalidRequest("activationId: unknown; start the activation again".into())
            })?;
        if activation.used
            || now > activation.expires_at
            || activation.failures >= MAX_ACTIVATION_SMS_FAILURES
        {
            return Err(expired());
        }
        if !secrets_equal(
            &activation.sms_code_hash,
            &secret_hash("activation-sms", req.sms_code.trim()),
        ) {
            let failures = self
                .store
                .record_activation_sms_failure(&activation.id)
                .await?;
            return Err(Error::InvalidOtp {
                attempts_left: MAX_ACTIVATION_SMS_FAILURES.saturating_sub(failures),
            });
        }
        let citizen = self
            .store
            .citizen_by_id(&activation.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("activation without citizen".into()))?;
        password::check_policy(
            &req.password,
            &citizen.id_number,
            &citizen.given_name,
            &citizen.surname,
        )?;

        let password_text = req.password.clone();
        let kek_salt = random_bytes::<16>();
        let (password_hash, kek) = tokio::task::spawn_blocking(move || {
            Ok::<_, Error>((
                password::hash_password(&password_text)?,
                password::derive_kek(&password_text, &kek_salt)?,
            ))
        })
        .await
        .map_err(|e| Error::internal("argon2 task", e))??;

        let credential_id = random_id();
        let (public_key, wrapped_key) = self.custody.generate_citizen_key(&credential_id, &kek)?;
        let subject = CitizenSubject {
            id_number: &citizen.id_number,
            given_name: &citizen.given_name,
            surname: &citizen.surname,
        };
        let cert_der =
            self.ca
                .issue_citizen(&subject, &public_key, now, CITIZEN_CERT_LIFETIME_SECONDS)?;
        let credential = Credential {
            id: credential_id,
            citizen_id: citizen.id.clone(),
            cert_der,
            wrapped_key,
            status: "enabled".into(),
            not_after: now + CITIZEN_CERT_LIFETIME_SECONDS,
        };
        if !self
            .store
            .activate_citizen(
                &citizen.id,
                &password_hash,
                &kek_salt,
                &activation.id,
                &credential,
                now,
            )
            .await?
        {
            return Err(expired());
        }
        tracing::info!(citizen_id = %citizen.id, "citizen activated");
        Ok(())
    }
}
