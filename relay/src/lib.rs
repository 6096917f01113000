//! nubefirma relay: the server half of cloud signing.
//!
//! Citizens are registered at a registry office, activate their account, and sign remotely over
//! the CSC API with a P-256 key the relay holds for them. The HTTP layer (`http`, `csc`, `api`)
//! is thin; the rules live in `identity` (accounts, passwords, OTP, sessions, SAD), `keys`
//! (custody of private keys), `pki` (the CA) and `store` (SQLite).

pub mod api;
pub mod clock;
pub mod crypto;
pub mod csc;
pub mod error;
pub mod http;
pub mod identity;
pub mod keys;
pub mod limits;
pub mod notify;
pub mod pki;
pub mod relay;
pub mod store;

pub use error::Error;
pub use relay::{Relay, RelayOptions};
