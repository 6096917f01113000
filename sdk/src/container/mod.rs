//! Signed containers. Pure Rust: no web-sys, no clock, no I/O; time and signatures come in.
pub mod cades;
pub mod ess;
