//! The relay's own vocabulary, independent of any wire format: the CSC v1 and v2 modules parse
//! their JSON into these types and shape answers from them, so the rules in `identity` never see
//! a request struct.

use std::fmt;

use crate::crypto::random_id;

/// A credential (a cloud key and its certificate). Random, URL-safe; shown to clients.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(String);

impl CredentialId {
    pub fn new_random() -> Self {
        Self(random_id())
    }

    /// An id as a client sent it. Unknown ids are found out by the store, not here; this only
    /// refuses text that no id of ours can be (so it never reaches a query or a log).
    pub fn parse(text: &str) -> Option<Self> {
        let ok = !text.is_empty()
            && text.len() <= 64
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(text.to_owned()))
    }

    /// An id read back from our own database.
    pub(crate) fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// SHA-256 digests to sign, 1..=`MAX_HASHES_PER_CALL` of them, in the client's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests(Vec<[u8; 32]>);

impl Digests {
    pub fn new(digests: Vec<[u8; 32]>) -> Option<Self> {
        (!digests.is_empty() && digests.len() <= crate::limits::MAX_HASHES_PER_CALL)
            .then_some(Self(digests))
    }

    pub fn as_slice(&self) -> &[[u8; 32]] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Canonical text for storage and comparison: lowercase hex, comma separated.
    pub fn to_canonical(&self) -> String {
        self.0.iter().map(hex::encode).collect::<Vec<_>>().join(",")
    }

    pub fn from_canonical(text: &str) -> Option<Self> {
        let digests = text
            .split(',')
            .map(|h| {
                hex::decode(h)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
            })
            .collect::<Option<Vec<_>>>()?;
        Self::new(digests)
    }
}

/// A SAD just issued by `credentials/authorize`: the secret (shown once) and its lifetime.
pub struct IssuedSad {
    pub sad: String,
    pub expires_in: i64,
}

/// A bearer token just issued by `auth/login`.
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: i64,
    /// Her first password came by SMS: the session can only change it (R14).
    pub must_change_password: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_ids_refuse_text_no_id_of_ours_can_be() {
        assert!(CredentialId::parse("aZ09-_").is_some());
        for bad in ["", "a b", "x'; DROP TABLE", "\u{202e}abc", &"a".repeat(65)] {
            assert!(CredentialId::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn digests_round_trip_and_are_bounded() {
        let d = Digests::new(vec![[1u8; 32], [2u8; 32]]).expect("two digests");
        assert_eq!(Digests::from_canonical(&d.to_canonical()), Some(d));
        assert!(Digests::new(Vec::new()).is_none());
        assert!(Digests::new(vec![[0u8; 32]; 101]).is_none());
        assert!(Digests::from_canonical("zz").is_none());
    }
}
