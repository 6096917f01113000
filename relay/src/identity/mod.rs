//! The citizen's identity life cycle and the rules of signing: registration at the office,
//! activation, login sessions, one-time codes, credentials, SADs and the limits on cost. Each
//! file adds operations to `Relay`; the rules are here, the wire shapes are in `csc` and `api`.
//! `account`, `one_time` and the status part of `credential` are pure state machines.

pub mod account;
pub mod activation;
pub mod assertion;
pub mod card;
pub mod codes;
pub mod credential;
pub mod invitation;
pub mod levels;
pub mod life_cycle;
pub mod one_time;
pub mod operators;
pub mod panel;
pub mod password;
pub mod professional;
pub mod rate;
pub mod registration;
pub mod sad;
pub mod session;
pub mod signing;
