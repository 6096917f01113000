//! nubefirma relay: the server half of cloud signing.
//!
//! Citizens are registered at a registry office, activate their account, and sign remotely over
//! the CSC API with a P-256 key the relay holds for them. The rules live in `identity`
//! (accounts, codes, sessions, credentials, SADs, limits) over the relay's own types in
//! `domain` and the records in `records`; `keys` is the only place a private key is reached;
//! `pki` is the CA; `store` is storage behind traits (SQLite today, in `store::sqlite`). The
//! HTTP layer is thin: `http` (errors, extractors), the wire modules `csc` and `api`, and
//! `router` above them all.

pub mod api;
pub mod audit;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod csc;
pub mod domain;
pub mod error;
pub mod http;
pub mod identity;
pub mod keys;
pub mod limits;
pub mod notify;
pub mod ops;
pub mod outbound;
pub mod pki;
pub mod records;
pub mod relay;
pub mod router;
pub mod server;
pub mod store;

pub use error::{Error, OtpFailure};
pub use relay::{Relay, RelayOptions};
