//! Storage, behind traits grouped by entity: `CitizenStore`, `AccountStore` (an account's
//! changes that span tables), `SessionStore`, `CredentialStore`, `SecretStore` (every
//! single-use secret), `CaStore`, `AuditStore`, and small ones for operators, professional
//! certificates, rate limits, the dev outbox and housekeeping. `Storage` is all of them; the
//! relay holds one as a `Store`. The records they speak are in `crate::records`.
//!
//! Backends: `sqlite/` (all SQL for SQLite, a file per entity) and `postgres/` (the same for
//! PostgreSQL, which several relays share; docs/postgresql.md). Every backend keeps the
//! contract `contract_tests` checks:
//! - state changes that race (attempt counters, single-use secrets, credential status,
//!   invitation steps) are compare-and-set: the caller names the state it read, and `false`
//!   (or a "lost" outcome) means someone was first and nothing was written;
//! - an operation that spans entities is ONE method and ONE transaction (`consume_sad_audited`,
//!   `revoke_account`, `change_password`, `issue_professional`…): all or nothing, never split
//!   across calls.

use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

use crate::Error;

mod accounts;
mod audit;
mod ca;
mod citizens;
mod credentials;
mod housekeeping;
mod operators;
mod outbox;
pub mod postgres;
mod professional;
mod rate_limits;
mod secrets;
mod sessions;
pub mod sqlite;

#[cfg(test)]
mod contract_tests;

pub use accounts::{AccountStore, ContactChanged, PasswordChanged, Rewrapped};
pub use audit::AuditStore;
pub use ca::CaStore;
pub use citizens::CitizenStore;
pub use credentials::CredentialStore;
pub use housekeeping::Housekeeping;
pub use operators::OperatorStore;
pub use outbox::OutboxStore;
pub use professional::{InvitationWrite, Issuance, MakeCredential, ProfessionalStore};
pub use rate_limits::RateLimitStore;
pub use secrets::{SecretRow, SecretStore};
pub use sessions::SessionStore;

/// Everything the relay stores, in one object a backend implements trait by trait (and then
/// `impl Storage for ItsStore {}`).
pub trait Storage:
    CitizenStore
    + AccountStore
    + SessionStore
    + CredentialStore
    + SecretStore
    + CaStore
    + AuditStore
    + OperatorStore
    + ProfessionalStore
    + RateLimitStore
    + OutboxStore
    + Housekeeping
    + Send
    + Sync
{
}

/// The relay's handle on its storage: cheap to clone, and every `Storage` method is called on
/// it directly (`store.citizen_by_id(..)`).
#[derive(Clone)]
pub struct Store(Arc<dyn Storage>);

impl Store {
    /// A store over any backend.
    pub fn new(backend: Arc<dyn Storage>) -> Self {
        Self(backend)
    }

    /// Opens (creating if needed) the SQLite database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        Ok(Self(Arc::new(sqlite::SqliteStore::open(path).await?)))
    }

    /// Opens the database a configuration names: `sqlite://PATH` (or `sqlite:PATH`), or
    /// `postgres://…` / `postgresql://…` (a pool; the migrations of
    /// `relay/migrations-postgres/` applied before it is returned).
    pub async fn open_url(url: &str) -> Result<Self, Error> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self(Arc::new(postgres::PgStore::connect(url).await?)));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if let Some(folder) = Path::new(path).parent()
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|e| {
                    Error::InvalidConfig(format!("database.url: {}: {e}", folder.display()))
                })?;
            }
            return Self::open(Path::new(path)).await;
        }
        Err(Error::InvalidConfig(
            "database.url: this relay opens sqlite:// and postgres:// databases only".into(),
        ))
    }

    /// A private in-memory SQLite database (tests).
    pub async fn in_memory() -> Result<Self, Error> {
        Ok(Self(Arc::new(sqlite::SqliteStore::in_memory().await?)))
    }
}

impl Deref for Store {
    type Target = dyn Storage;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}
