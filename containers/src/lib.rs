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
//! - `format` — the containers offered, and how their outputs are named.
//! - `staged` — one signature of any format, waiting for the relay: one way to prepare, get the
//!   digest to sign, the timestamp imprint, and finish.
//! - `c14n` — exclusive XML canonicalization 1.0 (without comments), for XAdES.
//! - `ess` — RFC 5035 `SigningCertificateV2`, the signer binding CAdES requires.
//! - `tsp` — level T: an RFC 3161 timestamp over the signature value.
//! - `xades` — XAdES-BASELINE-B/T (EN 319 132-1), detached (in ASiC-E) and enveloped.
//! - `pades` — PAdES-BASELINE-B and -T: signing a PDF by incremental update, and validating
//!   its signatures.
//! - `validation` — what a signature says and whether it holds.
//! - `revocation` — OCSP (RFC 6960): the request, and a believable reading of the answer.
//! - `verify` — any container in one call: its kind, each signature, trust and validity.
//! - `trust` — whether a signer's certificate chains to the caller's trust anchors.
//! - `zip` — a stored-entry, streaming ZIP writer and a checked reader, for ASiC.

#![forbid(unsafe_code)]

pub mod asic;
pub mod c14n;
pub mod cades;
pub mod document_sha256;
pub mod ess;
pub mod format;
pub mod pades;
pub mod revocation;
pub mod staged;
pub mod trust;
pub mod tsp;
pub mod validation;
pub mod verify;
pub mod xades;
pub mod zip;
