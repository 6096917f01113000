//! nubefirma's signed containers, pure Rust: no web-sys, no clock, no network, no disk. Time,
//! certificates and signatures come in as arguments, so the same code runs natively (tests, a
//! command line) and in the browser (the SDK's wasm).
//!
//! Signing and validation stay apart. Signing is staged around a remote signature:
//! `prepare` → the digest to sign → (the relay signs it) → `finish`. Validation reports a status
//! per signature and errors only for broken structure.
//!
//! - `asic` — ASiC-E containers (EN 319 162-1), with CAdES (a signed manifest) or XAdES.
//! - `cades` — CAdES-BASELINE-B detached (`.p7s`).
//! - `c14n` — exclusive XML canonicalization 1.0 (without comments), for XAdES.
//! - `ess` — RFC 5035 `SigningCertificateV2`, the signer binding CAdES requires.
//! - `tsp` — level T: an RFC 3161 timestamp over the signature value.
//! - `xades` — XAdES-BASELINE-B/T (EN 319 132-1), detached (in ASiC-E) and enveloped.
//! - `validation` — what a signature says and whether it holds.
//! - `trust` — whether a signer's certificate chains to the caller's trust anchors.
//! - `zip` — a stored-entry, streaming ZIP writer and a checked reader, for ASiC.

#![forbid(unsafe_code)]

pub mod asic;
pub mod c14n;
pub mod cades;
pub mod ess;
pub mod trust;
pub mod tsp;
pub mod validation;
pub mod xades;
pub mod zip;
