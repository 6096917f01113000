//! Incremental SHA-256 over a document fed in chunks, so a file is never whole in memory.

use sha2::{Digest, Sha256};

/// SHA-256 of a document, fed one chunk at a time.
#[derive(Default, Clone)]
pub struct DocumentHasher {
    inner: Sha256,
    bytes_seen: u64,
}

impl DocumentHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
        self.bytes_seen += chunk.len() as u64;
    }

    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    pub fn finish(self) -> [u8; 32] {
        self.inner.finalize().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_hash_equals_one_shot_hash() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
        let mut hasher = DocumentHasher::new();
        for chunk in data.chunks(777) {
            hasher.update(chunk);
        }
        assert_eq!(hasher.bytes_seen(), 10_000);
        let expected: [u8; 32] = Sha256::digest(&data).into();
        assert_eq!(hasher.finish(), expected);
    }

    #[test]
    fn empty_document_has_the_known_sha256() {
        let digest = DocumentHasher::new().finish();
        assert_eq!(
            digest[..4],
            [0xe3, 0xb0, 0xc4, 0x42],
            "SHA-256 of the empty string starts e3b0c442"
        );
    }
}
