//! `Relay`: everything a request needs (store, clock, key custody, CA, notifier, options). Its
//! fields are private: handlers call its operations, and only `keys/` ever reaches a key.

use std::sync::Arc;

use crate::Error;
use crate::clock::Clock;
use crate::crypto::{secret_hash, secrets_equal};
use crate::identity::password::{Hasher, HasherPool};
use crate::identity::rate::AddressLimits;
use crate::keys::Custody;
use crate::limits::{MAX_CONCURRENT_ARGON2, MIN_OPERATOR_TOKEN_CHARS};
use crate::notify::Notifier;
use crate::pki::Ca;
use crate::pki::upstream::UpstreamTsa;
use crate::records::OutboxRow;
use crate::store::Store;

pub struct RelayOptions {
    /// Development mode: the outbox and `/dev/*` exist.
    pub dev: bool,
    /// Bearer token of registry-office operators (`/office/v1/*`). Kept only hashed; at least
    /// `MIN_OPERATOR_TOKEN_CHARS` characters, or the relay refuses to start.
    pub operator_token: String,
    /// Browser origins allowed to call the relay (the portals embedding the SDK).
    pub cors_origins: Vec<String>,
    /// Calls per minute per client address.
    pub address_limits: AddressLimits,
    /// Let CSC v1 clients, which cannot send hashes with `sendOTP`, get a signing code whose
    /// SMS cannot name the documents. On by default for v1 interoperability; the SAD still
    /// binds the exact hashes given to `authorize`.
    pub allow_unbound_otp: bool,
    /// The relay's public base URL, written into certificates (CRL distribution point, OCSP).
    pub public_url: String,
    /// An outside RFC 3161 TSA for CSC `signatures/timestamp` (`serve --tsa-url`); without it
    /// the relay's own TSA answers. `/tsa` is always the relay's own.
    pub tsa_url: Option<String>,
    /// The portal page where an employee completes a professional certificate's steps (R13):
    /// the invitation email links to it, the invitation and its token in the fragment
    /// (`serve --professional-page`). Without it, `{public_url}/professional`.
    pub professional_page: Option<String>,
    /// `Strict-Transport-Security` max-age, when the relay itself serves HTTPS.
    pub hsts_max_age_seconds: Option<u64>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`server.trusted_proxies`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token `/metrics` asks for; without one, it answers this machine only.
    pub metrics_token: Option<String>,
}

impl RelayOptions {
    /// Development defaults around an operator token.
    pub fn dev(operator_token: impl Into<String>) -> Self {
        Self {
            dev: true,
            operator_token: operator_token.into(),
            cors_origins: Vec::new(),
            address_limits: AddressLimits::default(),
            allow_unbound_otp: true,
            public_url: "http://127.0.0.1:8787".into(),
            tsa_url: None,
            professional_page: None,
            hsts_max_age_seconds: None,
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

pub struct Relay {
    pub(crate) store: Store,
    clock: Arc<dyn Clock>,
    pub(crate) custody: Arc<dyn Custody>,
    pub(crate) ca: Ca,
    pub(crate) notifier: Arc<dyn Notifier>,
    pub(crate) options: RelayOptions,
    pub(crate) metrics: Arc<crate::ops::metrics::Metrics>,
    pub(crate) upstream_tsa: Option<UpstreamTsa>,
    operator_token_hash: Vec<u8>,
    hashers: HasherPool,
}

impl Relay {
    pub async fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        custody: Arc<dyn Custody>,
        notifier: Arc<dyn Notifier>,
        options: RelayOptions,
    ) -> Result<Arc<Self>, Error> {
        if options.operator_token.trim().chars().count() < MIN_OPERATOR_TOKEN_CHARS {
            return Err(Error::InvalidConfig(format!(
                "the operator token is empty or shorter than {MIN_OPERATOR_TOKEN_CHARS} characters; office authentication would be guessable"
            )));
        }
        let upstream_tsa = options
            .tsa_url
            .as_deref()
            .map(UpstreamTsa::new)
            .transpose()?;
        let now = clock.now();
        let ca = match Ca::load(&store, custody.as_ref(), now, &options.public_url).await? {
            Some(ca) => ca,
            // A development relay (and every test relay) makes its CA at first start and
            // discards the root key; a real one has had its key ceremony (`ca init`).
            None if options.dev => {
                Ca::init(&store, custody.as_ref(), now, &options.public_url)
                    .await?
                    .0
            }
            None => {
                return Err(Error::InvalidConfig(
                    "this relay has no CA yet: run `nubefirma-relay ca init` first".into(),
                ));
            }
        };
        let metrics = Arc::new(crate::ops::metrics::Metrics::new());
        let notifier = Arc::new(crate::ops::CountedNotifier {
            inner: notifier,
            metrics: metrics.clone(),
        });
        Ok(Arc::new(Self {
            store,
            clock,
            custody,
            ca,
            notifier,
            metrics,
            upstream_tsa,
            operator_token_hash: secret_hash("operator", options.operator_token.trim()),
            options,
            hashers: HasherPool::new(MAX_CONCURRENT_ARGON2),
        }))
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Appends a security event to the audit trail. An operation whose event cannot be written
    /// fails: nothing the trail should show happens unrecorded.
    pub(crate) async fn audit(&self, event: crate::audit::Event) -> Result<(), Error> {
        self.store.append_audit(&event, self.now()).await?;
        Ok(())
    }

    pub fn is_dev(&self) -> bool {
        self.options.dev
    }

    /// Sends what goes to her phone: by SMS, or to her email when she gave no mobile (R11).
    pub(crate) async fn send_sms(
        &self,
        citizen: &crate::records::Citizen,
        text: &str,
        now: i64,
    ) -> Result<(), Error> {
        let (channel, to) = crate::notify::sms_route(&citizen.phone, &citizen.email);
        self.notifier.send(channel, to, text, now).await
    }

    /// The relay's base URL as portals reach it (the `iss` of its identity assertions).
    pub fn public_url(&self) -> &str {
        self.options.public_url.trim_end_matches('/')
    }

    /// The page the invitation email links to (R13): the portal's, or the relay's own URL's
    /// `/professional`.
    pub fn professional_page(&self) -> String {
        match &self.options.professional_page {
            Some(page) => page.clone(),
            None => format!("{}/professional", self.public_url()),
        }
    }

    pub fn cors_origins(&self) -> &[String] {
        &self.options.cors_origins
    }

    pub fn address_limits(&self) -> AddressLimits {
        self.options.address_limits
    }

    pub fn ca(&self) -> &Ca {
        &self.ca
    }

    /// The outside TSA CSC `signatures/timestamp` asks, if one is configured.
    pub fn upstream_tsa(&self) -> Option<&UpstreamTsa> {
        self.upstream_tsa.as_ref()
    }

    pub fn is_operator_token(&self, token: &str) -> bool {
        secrets_equal(
            &secret_hash("operator", token.trim()),
            &self.operator_token_hash,
        )
    }

    /// Runs argon2id work on the blocking pool, at most `MAX_CONCURRENT_ARGON2` at once, each
    /// with reused memory, so a flood of logins queues instead of taking the relay's memory.
    pub(crate) async fn argon2<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Hasher) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        self.hashers.run(work).await
    }

    /// Development outbox rows (what SMS and email would have carried).
    pub async fn outbox(&self, recipient: Option<&str>) -> Result<Vec<OutboxRow>, Error> {
        self.store.outbox(recipient).await
    }

    /// Deletes expired sessions, codes, SADs, activations, rate windows and old outbox rows.
    pub async fn prune(&self) -> Result<u64, Error> {
        self.store
            .prune(self.now(), crate::limits::SESSION_IDLE_SECONDS)
            .await
    }

    /// Prunes now and then for as long as the relay lives.
    pub fn spawn_pruner(self: &Arc<Self>) {
        let relay = Arc::downgrade(self);
        tokio::spawn(async move {
            let period = std::time::Duration::from_secs(crate::limits::PRUNE_INTERVAL_SECONDS);
            loop {
                tokio::time::sleep(period).await;
                let Some(relay) = relay.upgrade() else { return };
                match relay.prune().await {
                    Ok(n) if n > 0 => tracing::info!(rows = n, "pruned expired rows"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "pruning failed"),
                }
                // The expiry notices (R25): idempotent, so running it every period is the
                // daily task without a calendar of its own.
                match relay.send_expiry_notices().await {
                    Ok(n) if n > 0 => tracing::info!(sent = n, "expiry notices sent"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "expiry notices failed"),
                }
            }
        });
    }
}
