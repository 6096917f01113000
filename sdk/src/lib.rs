//! nubefirma browser SDK.
//!
//! The signed containers are built by the pure crate `nubefirma-containers`. `digest` hashes a stream of chunks. `wire` reads what the relay says beyond its
//! JSON shapes (a DN's common name, dates, Retry-After). `web` is the thin wasm layer: widgets,
//! the relay client and the JS API; it only compiles for wasm32.

pub mod digest;
pub mod errors;
pub mod html;
pub mod i18n;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;
