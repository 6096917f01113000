//! The citizen's identity life cycle: registration at the office, activation, login sessions,
//! one-time passwords and signature activation data (SAD). Each file adds operations to
//! `Relay`; the rules are here, the HTTP shapes are in `csc` and `api`.

pub mod account;
pub mod activation;
pub mod otp;
pub mod password;
pub mod registration;
pub mod sad;
pub mod session;
