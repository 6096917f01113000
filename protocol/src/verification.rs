//! The 4-digit verification code shown next to the documents and repeated in the SMS, so a page
//! that swaps the documents is visible to the citizen (the Smart-ID rule).

use sha2::{Digest, Sha256};

/// SHA-256 over the concatenated hashes; the last two bytes as a big-endian integer mod 10000,
/// printed as four digits.
pub fn verification_code<H: AsRef<[u8]>>(hashes: &[H]) -> String {
    let mut hasher = Sha256::new();
    for h in hashes {
        hasher.update(h.as_ref());
    }
    let digest = hasher.finalize();
    let tail = u16::from_be_bytes([digest[30], digest[31]]);
    format!("{:04}", tail % 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_four_digits_and_depends_on_every_hash() {
        let a = [1u8; 32];
        let b = [2u8; 32];
        let ab = verification_code(&[a, b]);
        assert_eq!(ab.len(), 4);
        assert!(ab.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(ab, verification_code(&[b, a]), "order matters");
        assert_ne!(ab, verification_code(&[a]));
    }

    #[test]
    fn code_matches_an_independent_computation() {
        // printf 'abc' | sha256sum -> ba7816bf...f20015ad: last two bytes 0x15ad = 5549
        assert_eq!(verification_code(&[b"abc"]), "5549");
    }
}
