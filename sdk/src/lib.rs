//! nubefirma browser SDK.
//!
//! `container` builds signed containers and is pure Rust (no web-sys, no clock, no I/O), tested
//! natively. `digest` hashes a stream of chunks. `web` is the thin wasm layer: widgets, the relay
//! client and the JS API; it only compiles for wasm32.

pub mod container;
pub mod digest;
pub mod errors;
pub mod html;
pub mod i18n;

#[cfg(target_arch = "wasm32")]
pub mod web;
