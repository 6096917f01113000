//! Limits on cost: SMS per account and calls per client address. Counted in the database (one
//! atomic statement per event), so they hold across every relay sharing it. Refusals are
//! `429 Too Many Requests` with `Retry-After`.

use std::net::IpAddr;

use super::codes::Purpose;
use crate::limits::{SMS_PER_ACCOUNT_PER_HOUR, SMS_SAME_PURPOSE_INTERVAL_SECONDS};
use crate::{Error, Relay};

/// Calls limited per client address, each with its own budget per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressBucket {
    Login,
    Activation,
    Office,
}

impl AddressBucket {
    fn name(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::Activation => "activation",
            Self::Office => "office",
        }
    }
}

/// Calls per minute per client address. Defaults in `limits`; a test or a deployment behind
/// one NAT may raise them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressLimits {
    pub login_per_minute: u32,
    pub activation_per_minute: u32,
    pub office_per_minute: u32,
}

impl Default for AddressLimits {
    fn default() -> Self {
        Self {
            login_per_minute: crate::limits::LOGINS_PER_ADDRESS_PER_MINUTE,
            activation_per_minute: crate::limits::ACTIVATIONS_PER_ADDRESS_PER_MINUTE,
            office_per_minute: crate::limits::OFFICE_CALLS_PER_ADDRESS_PER_MINUTE,
        }
    }
}

impl Relay {
    /// Counts one event under `key`; refuses once more than `max` fell in the window.
    pub(crate) async fn limit(&self, key: &str, window: i64, max: u32) -> Result<(), Error> {
        let now = self.now();
        let (count, window_start) = self.store.count_event(key, window, now).await?;
        if count > max {
            return Err(Error::RateLimited {
                retry_after: (window_start + window - now).max(1),
            });
        }
        Ok(())
    }

    /// Before a password reset for `id_number`: one every 30 s and `MAX_RESETS_PER_HOUR` an
    /// hour, counted by the ID number asked about, so the limits answer the same whether or not
    /// it has an account (a 429 must not tell which IDs exist).
    pub(crate) async fn limit_reset(&self, id_number: &str) -> Result<(), Error> {
        self.limit(
            &format!("reset:{id_number}"),
            SMS_SAME_PURPOSE_INTERVAL_SECONDS,
            1,
        )
        .await?;
        self.limit(
            &format!("reset-hour:{id_number}"),
            3600,
            crate::limits::MAX_RESETS_PER_HOUR,
        )
        .await
    }

    /// Before sending an SMS: one code per purpose every 30 s, 20 SMS per hour per account.
    pub(crate) async fn limit_sms(&self, citizen_id: &str, purpose: Purpose) -> Result<(), Error> {
        self.limit(
            &format!("sms:{citizen_id}:{}", purpose.as_str()),
            SMS_SAME_PURPOSE_INTERVAL_SECONDS,
            1,
        )
        .await?;
        self.limit(&format!("sms:{citizen_id}"), 3600, SMS_PER_ACCOUNT_PER_HOUR)
            .await
    }

    /// Per client address, per minute.
    pub async fn limit_address(
        &self,
        bucket: AddressBucket,
        address: Option<IpAddr>,
    ) -> Result<(), Error> {
        let limits = self.address_limits();
        let max = match bucket {
            AddressBucket::Login => limits.login_per_minute,
            AddressBucket::Activation => limits.activation_per_minute,
            AddressBucket::Office => limits.office_per_minute,
        };
        let who = address.map_or_else(|| "unknown".to_owned(), |a| a.to_string());
        self.limit(&format!("addr:{}:{who}", bucket.name()), 60, max)
            .await
    }
}
