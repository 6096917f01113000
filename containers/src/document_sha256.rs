//! SHA-256 over whole documents, the hot loop when a browser signs a large PDF: sha2 0.11, whose
//! wasm SIMD backend the SDK's build enables (the RustCrypto signing types keep sha2 0.10).

use sha2_documents::{Digest, Sha256};

/// SHA-256 of `parts`, one after the other.
pub fn sha256_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}
