//! The audit trail: every security event (registration, activation, logins, locks, codes sent,
//! certificates, signatures, revocations, operator actions) appended to one hash-chained table.
//!
//! Each entry's hash is SHA-256 over a domain label, the previous entry's hash and the entry's
//! fields, each length-prefixed (so no two different entries encode alike). Editing a row
//! breaks its own hash; re-computing that hash breaks the next row's link; deleting or
//! inserting a row breaks the numbering or a link. Cutting rows off the end cannot be seen from
//! the chain alone: `audit verify` prints the head's hash for the operator to record elsewhere.
//!
//! Pure logic here (hashing, checking); storing is `store::AuditStore` (SQL in
//! `store/sqlite/audit.rs`).

use sha2::{Digest, Sha256};

/// The operator name recorded for actions taken with the shared operator token.
pub const SHARED_OPERATOR_TOKEN: &str = "operator-token";
/// The operator name recorded for `nubefirma-relay office …` run from a shell on the server.
pub const COMMAND_LINE: &str = "command-line";

/// The hash before the first entry.
pub const GENESIS: [u8; 32] = [0; 32];

/// What happened, as written into the trail. `detail` is JSON made by the relay (ids, purposes,
/// digests, reasons) — never a secret and never free text the citizen typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: &'static str,
    pub citizen_id: Option<String>,
    pub operator: Option<String>,
    pub detail: serde_json::Value,
}

impl Event {
    pub fn new(kind: &'static str) -> Self {
        Self {
            kind,
            citizen_id: None,
            operator: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn citizen(mut self, id: &str) -> Self {
        self.citizen_id = Some(id.to_owned());
        self
    }

    pub fn operator(mut self, name: &str) -> Self {
        self.operator = Some(name.to_owned());
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// One stored entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub seq: i64,
    pub at: i64,
    pub kind: String,
    pub citizen_id: Option<String>,
    pub operator: Option<String>,
    pub detail: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

fn put(hasher: &mut Sha256, field: &[u8]) {
    hasher.update((field.len() as u64).to_be_bytes());
    hasher.update(field);
}

fn put_optional(hasher: &mut Sha256, field: Option<&str>) {
    match field {
        None => hasher.update([0]),
        Some(text) => {
            hasher.update([1]);
            put(hasher, text.as_bytes());
        }
    }
}

/// The hash of entry `seq` with these fields, chained to `prev`.
pub fn link_hash(
    prev: &[u8],
    seq: i64,
    at: i64,
    kind: &str,
    citizen_id: Option<&str>,
    operator: Option<&str>,
    detail: &str,
) -> [u8; 32] {
    let mut h = Sha256::new();
    put(&mut h, b"nubefirma audit v1");
    put(&mut h, prev);
    h.update(seq.to_be_bytes());
    h.update(at.to_be_bytes());
    put(&mut h, kind.as_bytes());
    put_optional(&mut h, citizen_id);
    put_optional(&mut h, operator);
    put(&mut h, detail.as_bytes());
    h.finalize().into()
}

impl Entry {
    fn computed_hash(&self) -> [u8; 32] {
        link_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            &self.kind,
            self.citizen_id.as_deref(),
            self.operator.as_deref(),
            &self.detail,
        )
    }
}

/// Where the chain breaks first, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub seq: i64,
    pub why: &'static str,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "entry {}: {}", self.seq, self.why)
    }
}

/// Checks the chain one entry at a time, in `seq` order, so a long trail is read in pages and
/// never whole in memory.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    prev: [u8; 32],
}

impl Default for Verifier {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev: GENESIS,
        }
    }
}

impl Verifier {
    /// The next entry: Ok if it follows the chain so far.
    pub fn push(&mut self, entry: &Entry) -> Result<(), Broken> {
        if entry.seq != self.expected_seq {
            return Err(Broken {
                seq: self.expected_seq,
                why: "missing: the numbering jumps here (an entry was deleted or inserted)",
            });
        }
        if entry.prev_hash != self.prev {
            return Err(Broken {
                seq: entry.seq,
                why: "does not follow the entry before it (that one, or this link, was changed)",
            });
        }
        let computed = entry.computed_hash();
        if entry.hash != computed {
            return Err(Broken {
                seq: entry.seq,
                why: "its content does not match its hash (the entry was changed)",
            });
        }
        self.prev = computed;
        self.expected_seq += 1;
        Ok(())
    }

    /// The last checked entry's number (0: none) and the hash that chains to it.
    pub fn head(&self) -> (i64, [u8; 32]) {
        (self.expected_seq - 1, self.prev)
    }
}

/// Walks a whole chain (tests and small trails). Ok: how many entries and the head's hash.
pub fn verify(entries: impl IntoIterator<Item = Entry>) -> Result<(i64, [u8; 32]), Broken> {
    let mut verifier = Verifier::default();
    for entry in entries {
        verifier.push(&entry)?;
    }
    Ok(verifier.head())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Entry> {
        let mut prev = GENESIS.to_vec();
        (1..=n)
            .map(|seq| {
                let detail = format!("{{\"n\":{seq}}}");
                let hash = link_hash(
                    &prev,
                    seq,
                    1000 + seq,
                    "login_failed",
                    Some("c1"),
                    None,
                    &detail,
                );
                let entry = Entry {
                    seq,
                    at: 1000 + seq,
                    kind: "login_failed".into(),
                    citizen_id: Some("c1".into()),
                    operator: None,
                    detail,
                    prev_hash: prev.clone(),
                    hash: hash.to_vec(),
                };
                prev = hash.to_vec();
                entry
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_names_its_head() {
        let entries = chain(5);
        let head = entries[4].hash.clone();
        let (count, got) = verify(entries).expect("intact");
        assert_eq!(count, 5);
        assert_eq!(got.to_vec(), head);
        assert_eq!(verify(Vec::new()), Ok((0, GENESIS)));
    }

    #[test]
    fn a_changed_field_is_named_at_its_entry() {
        for change in 0..5 {
            let mut entries = chain(5);
            let e = &mut entries[2];
            match change {
                0 => e.detail = "{\"n\":99}".into(),
                1 => e.at += 1,
                2 => e.kind = "login_succeeded".into(),
                3 => e.citizen_id = None,
                _ => e.operator = Some("mallory".into()),
            }
            assert_eq!(
                verify(entries).map_err(|b| b.seq),
                Err(3),
                "change {change}"
            );
        }
    }

    #[test]
    fn a_rehashed_change_is_named_at_the_next_link() {
        let mut entries = chain(5);
        entries[2].detail = "{\"n\":99}".into();
        entries[2].hash = entries[2].computed_hash().to_vec();
        let broken = verify(entries).expect_err("broken");
        assert_eq!(broken.seq, 4);
        assert!(broken.why.contains("does not follow"));
    }

    #[test]
    fn deleted_and_inserted_entries_break_the_numbering() {
        let mut entries = chain(5);
        entries.remove(1);
        assert_eq!(verify(entries).map_err(|b| b.seq), Err(2));
        let mut entries = chain(3);
        let mut extra = entries[1].clone();
        extra.seq = 3;
        entries.insert(2, extra);
        assert!(verify(entries).is_err());
    }

    #[test]
    fn fields_are_not_ambiguous() {
        // Moving bytes between fields changes the hash.
        let a = link_hash(&GENESIS, 1, 1, "ab", Some("c"), None, "{}");
        let b = link_hash(&GENESIS, 1, 1, "a", Some("bc"), None, "{}");
        let c = link_hash(&GENESIS, 1, 1, "ab", None, Some("c"), "{}");
        assert_ne!(a, b);
        assert_ne!(a, c);
    }
}
