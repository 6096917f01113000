//! nubefirma browser SDK.
//!
//! The signed containers are built and validated by the pure crate `nubefirma-containers`;
//! `report` shapes what `verify` tells a portal. `digest` hashes a stream of chunks. `wire` reads what the relay says beyond its
//! JSON shapes (a DN's common name, dates, Retry-After). `web` is the thin wasm layer: widgets,
//! the relay client and the JS API; it only compiles for wasm32.

pub mod digest;
pub mod errors;
pub mod html;
pub mod i18n;
pub mod report;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;
