//! `Relay`: everything a request needs (store, clock, key custody, CA, notifier, options),
//! shared by the HTTP handlers and the command line.

use std::sync::Arc;

use crate::Error;
use crate::clock::Clock;
use crate::crypto::secret_hash;
use crate::keys::SoftCustody;
use crate::notify::Notifier;
use crate::pki::Ca;
use crate::store::Store;

pub struct RelayOptions {
    /// Development mode: the outbox and `/dev/*` exist.
    pub dev: bool,
    /// Bearer token of registry-office operators (`/office/v1/*`). Kept only hashed.
    pub operator_token: String,
    /// Browser origins allowed to call the relay (the portals embedding the SDK).
    pub cors_origins: Vec<String>,
}

pub struct Relay {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub custody: SoftCustody,
    pub ca: Ca,
    pub notifier: Arc<dyn Notifier>,
    pub dev: bool,
    pub cors_origins: Vec<String>,
    operator_token_hash: Vec<u8>,
}

impl Relay {
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        master_key: [u8; 32],
        notifier: Arc<dyn Notifier>,
        options: RelayOptions,
    ) -> Result<Arc<Self>, Error> {
        let custody = SoftCustody::new(master_key);
        let ca = Ca::load_or_create(&store, &custody, clock.now()).await?;
        Ok(Arc::new(Self {
            store,
            clock,
            custody,
            ca,
            notifier,
            dev: options.dev,
            cors_origins: options.cors_origins,
            operator_token_hash: secret_hash("operator", &options.operator_token),
        }))
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    pub fn is_operator_token(&self, token: &str) -> bool {
        crate::crypto::secrets_equal(&secret_hash("operator", token), &self.operator_token_hash)
    }
}
