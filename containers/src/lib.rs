//! nubefirma's signed containers, pure Rust: no web-sys, no clock, no network, no disk. Time,
//! certificates and signatures come in as arguments, so the same code runs natively (tests, a
//! command line) and in the browser (the SDK's wasm).
//!
//! Signing and validation stay apart. Signing is staged around a remote signature:
//! `prepare` → the digest to sign → (the relay signs it) → `finish`. Validation reports a status
//! per signature and errors only for broken structure.
//!
//! - `cades` — CAdES-BASELINE-B detached (`.p7s`).
//! - `ess` — RFC 5035 `SigningCertificateV2`, the signer binding CAdES requires.
//! - `tsp` — level T: an RFC 3161 timestamp over the signature value.
//! - `pades` — PAdES-BASELINE-B and -T: signing a PDF by incremental update, and validating
//!   its signatures.
//! - `validation` — what a signature says and whether it holds.
//! - `trust` — whether a signer's certificate chains to the caller's trust anchors.

#![forbid(unsafe_code)]

pub mod cades;
pub mod ess;
pub mod pades;
pub mod trust;
pub mod tsp;
pub mod validation;
