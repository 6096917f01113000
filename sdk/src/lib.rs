//! nubefirma browser SDK.
//!
//! `container` builds signed containers and is pure Rust (no web-sys, no clock, no I/O), tested
//! natively. `digest` hashes a stream of chunks. `web` is the thin wasm layer: widgets, the relay
//! client and the JS API; it only compiles for wasm32.

pub mod container;
pub mod digest;

#[cfg(target_arch = "wasm32")]
mod web;
