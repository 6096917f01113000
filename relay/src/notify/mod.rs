//! Sending SMS and email to citizens. A trait with two implementations: `Delivery` (an HTTP SMS
//! gateway and SMTP, in production) and the development outbox (`--dev` only), which stores
//! messages for `/dev/outbox` and the phone page.

pub mod sms_gateway;
pub mod smtp;
pub mod texts;

use std::future::Future;
use std::pin::Pin;

use crate::Error;
use crate::records::OutboxRow;
use crate::store::Store;

/// What the phone column holds for a citizen who gave no mobile number (R11), followed by her
/// account id so the column stays unique: never a number anyone can have.
pub const NO_MOBILE: &str = "none:";

/// Where what would go to her phone goes: the phone by SMS, or her email when she gave no
/// mobile number (R11).
pub fn sms_route<'a>(phone: &'a str, email: &'a str) -> (Channel, &'a str) {
    if phone.starts_with(NO_MOBILE) {
        (Channel::Email, email)
    } else {
        (Channel::Sms, phone)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
        }
    }
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, channel: Channel, to: &'a str, text: &'a str, now: i64)
    -> SendFuture<'a>;
}

/// Production: SMS through the HTTP gateway, email through SMTP. A message that cannot be
/// delivered is `Error::DeliveryFailed`, never a silent loss.
pub struct Delivery {
    pub sms: sms_gateway::SmsGateway,
    pub email: smtp::SmtpMailer,
}

impl Notifier for Delivery {
    fn send<'a>(
        &'a self,
        channel: Channel,
        to: &'a str,
        text: &'a str,
        _now: i64,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            match channel {
                Channel::Sms => self.sms.send(to, text).await,
                Channel::Email => self.email.send(to, text).await,
            }
        })
    }
}

/// Development: every message lands in the `outbox` table. Never used without `--dev`.
pub struct DevOutbox {
    store: Store,
}

impl DevOutbox {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl Notifier for DevOutbox {
    fn send<'a>(
        &'a self,
        channel: Channel,
        to: &'a str,
        text: &'a str,
        now: i64,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            self.store
                .push_outbox(&OutboxRow {
                    recipient: to.to_owned(),
                    channel: channel.as_str().to_owned(),
                    text: text.to_owned(),
                    sent_at: now,
                })
                .await
        })
    }
}
