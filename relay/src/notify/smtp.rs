//! Email through SMTP (`[email]` in the configuration) with `lettre`: STARTTLS that must
//! succeed (the default, port 587), TLS from the first byte (465), or, to a mail server on this
//! machine only, none. The server's certificate is checked against the system's trust anchors
//! and, when `email.ca_file` names one, a private CA.
//!
//! The subject is always "nubefirma": what the text holds (a one-time code, a link) stays out of
//! the headers that mail servers log. A temporary refusal (4xx) or a lost connection is tried
//! again after a doubling wait; a permanent refusal (5xx) or the last try's failure is
//! `Error::DeliveryFailed`, which the citizen sees.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use zeroize::Zeroizing;

use super::Channel;
use super::sms_gateway::FIRST_RETRY_WAIT;
use crate::Error;
use crate::config::{self, SmtpSecurity};

pub const SUBJECT: &str = "nubefirma";

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    attempts: u32,
}

impl SmtpMailer {
    pub fn new(
        settings: &config::Smtp,
        password: Option<Zeroizing<String>>,
    ) -> Result<Self, Error> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| Error::config("email.from", e))?;
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(settings.host.as_str())
                .port(settings.port)
                .timeout(Some(Duration::from_secs(settings.timeout_seconds)));
        if settings.security != SmtpSecurity::None {
            let mut tls = TlsParameters::builder(settings.host.clone());
            if let Some(path) = &settings.ca_file {
                let pem = std::fs::read(path).map_err(|e| {
                    Error::config("email.ca_file", format!("{}: {e}", path.display()))
                })?;
                let certificate = Certificate::from_pem(&pem).map_err(|e| {
                    Error::config("email.ca_file", format!("{}: {e}", path.display()))
                })?;
                tls = tls.add_root_certificate(certificate);
            }
            let tls = tls.build_rustls().map_err(|e| Error::config("email", e))?;
            builder = builder.tls(match settings.security {
                SmtpSecurity::Tls => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        }
        if let (Some(user), Some(password)) = (&settings.username, password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.to_string()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            attempts: settings.attempts.max(1),
        })
    }

    /// Sends `text` to `to`, trying up to `attempts` times.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), Error> {
        let to: Mailbox = to.parse().map_err(|_| {
            tracing::warn!("an email address the mail library refuses");
            Error::DeliveryFailed(Channel::Email)
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(SUBJECT)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_owned())
            .map_err(|e| Error::internal("email message", e))?;
        let mut wait = FIRST_RETRY_WAIT;
        for attempt in 1..=self.attempts {
            match self.transport.send(message.clone()).await {
                Ok(_) => return Ok(()),
                Err(e) if e.is_permanent() => {
                    tracing::warn!(error = %e, attempt, "SMTP server refused a message");
                    return Err(Error::DeliveryFailed(Channel::Email));
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, attempts = self.attempts, "SMTP delivery failed");
                    if attempt < self.attempts {
                        tokio::time::sleep(wait).await;
                        wait *= 2;
                    }
                }
            }
        }
        Err(Error::DeliveryFailed(Channel::Email))
    }
}
