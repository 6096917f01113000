//! Incremental SHA-256 over a document fed in chunks, so a file is never whole in memory; with
//! the CRC-32 and size a ZIP entry needs when the document goes into an ASiC-E.

use sha2_documents::{Digest, Sha256};

/// What hashing a document gives: its SHA-256, its size, and its CRC-32 when asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentDigest {
    pub sha256: [u8; 32],
    pub size: u64,
    pub crc32: Option<u32>,
}

/// SHA-256 (and optionally CRC-32) of a document, fed one chunk at a time.
#[derive(Default, Clone)]
pub struct DocumentHasher {
    inner: Sha256,
    crc: Option<crc32fast::Hasher>,
    bytes_seen: u64,
}

impl DocumentHasher {
    pub fn new() -> Self {
        Self::default()
    }

    /// A hasher that also keeps the CRC-32 (for a stored ZIP entry).
    pub fn with_crc32() -> Self {
        Self {
            crc: Some(crc32fast::Hasher::new()),
            ..Self::default()
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.inner.update(chunk);
        if let Some(crc) = &mut self.crc {
            crc.update(chunk);
        }
        self.bytes_seen += chunk.len() as u64;
    }

    pub fn bytes_seen(&self) -> u64 {
        self.bytes_seen
    }

    pub fn finish(self) -> [u8; 32] {
        self.inner.finalize().into()
    }

    pub fn finish_all(self) -> DocumentDigest {
        DocumentDigest {
            size: self.bytes_seen,
            crc32: self.crc.map(crc32fast::Hasher::finalize),
            sha256: self.inner.finalize().into(),
        }
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

    #[test]
    fn the_crc32_is_the_zip_one_and_only_when_asked_for() {
        let mut hasher = DocumentHasher::with_crc32();
        for chunk in b"123456789".chunks(4) {
            hasher.update(chunk);
        }
        let digest = hasher.finish_all();
        // CRC-32/ISO-HDLC check value (the ZIP one) of "123456789".
        assert_eq!(digest.crc32, Some(0xCBF4_3926));
        assert_eq!(digest.size, 9);
        assert_eq!(
            digest.sha256,
            <[u8; 32]>::from(Sha256::digest(b"123456789"))
        );
        let mut plain = DocumentHasher::new();
        plain.update(b"123456789");
        assert_eq!(plain.finish_all().crc32, None);
    }
}
