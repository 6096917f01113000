//! The storage contract every backend keeps, one suite run against each backend: the lists are
//! `for_each_backend!` and, for backends several relays share, `for_each_shared_backend!` at
//! the bottom (SQLite in memory and in a file, and PostgreSQL on a throwaway cluster,
//! `postgres::test_cluster`: a database per test). Each test says what the relay's
//! rules rely on: compare-and-set, one transaction per domain operation, the audit chain,
//! counting across callers.

use std::sync::Arc;

use futures_util::future::join_all;
use nubefirma_protocol::{AuthKey, Level};
use tempfile::TempDir;

use super::Store;
use super::postgres::{PgStore, test_cluster};
use super::sqlite::SqliteStore;
use crate::Error;
use crate::audit::{Event, GENESIS, verify};
use crate::domain::{CredentialId, Digests};
use crate::identity::account::{AccountState, AccountStatus};
use crate::identity::credential::StoredStatus;
use crate::identity::one_time::SecretState;
use crate::records::{
    Activation, Code, ContactChange, Credential, NewCitizen, NewSession, Session,
};
use crate::store::ContactChanged;
use crate::store::SecretRow;

/// A store under test, and what must outlive it (a file backend's folder).
struct Backend {
    store: Store,
    _dir: Option<TempDir>,
}

async fn sqlite_in_memory() -> Backend {
    let store = SqliteStore::in_memory().await.expect("in-memory SQLite");
    Backend {
        store: Store::new(Arc::new(store)),
        _dir: None,
    }
}

async fn sqlite_file() -> Backend {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("relay.sqlite"))
        .await
        .expect("SQLite file");
    Backend {
        store: Store::new(Arc::new(store)),
        _dir: Some(dir),
    }
}

/// Two relays' stores on one SQLite file, as several relay processes share it.
async fn sqlite_file_two_relays() -> (Backend, Store) {
    let first = sqlite_file().await;
    let dir = first._dir.as_ref().expect("a folder");
    let second = SqliteStore::open(&dir.path().join("relay.sqlite"))
        .await
        .expect("SQLite file again");
    (first, Store::new(Arc::new(second)))
}

/// A fresh database on the test binary's throwaway PostgreSQL cluster
/// (`postgres::test_cluster`; it fails, never skips, when PostgreSQL is not installed).
async fn postgres() -> Backend {
    let url = test_cluster::fresh_database().await;
    let store = PgStore::connect(&url).await.expect("PostgreSQL");
    Backend {
        store: Store::new(Arc::new(store)),
        _dir: None,
    }
}

/// Two relays' stores (two pools) on one PostgreSQL database.
async fn postgres_two_relays() -> (Backend, Store) {
    let url = test_cluster::fresh_database().await;
    let first = PgStore::connect(&url).await.expect("PostgreSQL");
    let second = PgStore::connect(&url).await.expect("PostgreSQL again");
    (
        Backend {
            store: Store::new(Arc::new(first)),
            _dir: None,
        },
        Store::new(Arc::new(second)),
    )
}

const NOW: i64 = 1_800_000_000;
const UNUSED: SecretState = SecretState {
    attempts: 0,
    used: false,
};
/// One entry tried, the secret still live.
const TRIED: SecretState = SecretState {
    attempts: 1,
    used: false,
};
/// One entry tried, and it spent the secret.
const TRIED_AND_SPENT: SecretState = SecretState {
    attempts: 1,
    used: true,
};
/// A SAD spent (it has no attempts).
const SAD_SPENT: SecretState = SecretState {
    attempts: 0,
    used: true,
};

/// A pending account numbered `n`, with its own ID number and phone and `email`.
fn new_citizen(n: u32, email: &str) -> NewCitizen {
    NewCitizen {
        id: format!("citizen-{n}"),
        id_number: format!("{n:08}Z"),
        given_name: "Ane".into(),
        surname: "Lasa".into(),
        birth_date: "1990-01-01".into(),
        phone: format!("+346000{n:05}"),
        email: email.into(),
        activation_code_hash: vec![n as u8; 32],
        activation_expires_at: NOW + 3600,
        created_at: NOW,
    }
}

async fn citizen(store: &Store, n: u32) -> String {
    let c = new_citizen(n, &format!("person{n}@example.eus"));
    store.insert_citizen(&c).await.expect("insert citizen");
    c.id
}

async fn credential(store: &Store, citizen_id: &str) -> CredentialId {
    let id = CredentialId::new_random();
    let c = Credential {
        id: id.clone(),
        citizen_id: citizen_id.into(),
        cert_der: vec![0x30, 0x00],
        wrapped_key: vec![1; 48],
        status: StoredStatus::Active,
        not_after: NOW + 86_400,
        serial_hex: Some(hex::encode(crate::crypto::random_bytes::<8>())),
        revoked_at: None,
        revocation_reason: None,
    };
    store
        .insert_credential(&c, NOW)
        .await
        .expect("insert credential");
    id
}

fn code(id: &str, citizen_id: &str, expires_at: i64) -> Code {
    Code {
        id: id.into(),
        citizen_id: citizen_id.into(),
        purpose: "sign".into(),
        credential_id: None,
        code_mac: vec![7; 32],
        hashes: None,
        card_position: None,
        state: UNUSED,
        expires_at,
    }
}

fn digests() -> Digests {
    Digests::new(vec![[0xab; 32]]).expect("one digest")
}

/// The session of `token_hash`, read as every request reads it (with its citizen).
async fn read_session(store: &Store, token_hash: &[u8]) -> Option<Session> {
    let found = store.session_with_citizen(token_hash).await.expect("read");
    found.map(|(session, citizen)| {
        assert_eq!(session.citizen_id, citizen.id);
        session
    })
}

async fn audit_kinds(store: &Store) -> Vec<String> {
    let page = store.audit_page(0, 1000).await.expect("audit page");
    page.into_iter().map(|e| e.kind).collect()
}

// --- single-use secrets ---

/// A citizen with one live signing code, `c1`.
async fn live_code(store: &Store) -> SecretRow<'static> {
    let who = citizen(store, 1).await;
    store
        .replace_code(&code("c1", &who, NOW + 300), NOW)
        .await
        .expect("code");
    SecretRow::Code { id: "c1" }
}

async fn secret_compare_and_set_lets_exactly_one_of_two_parallel_updates_win(store: &Store) {
    let row = live_code(store).await;
    let (a, b) = (TRIED, TRIED_AND_SPENT);
    let (won_a, won_b) = tokio::join!(
        store.update_secret(row, UNUSED, a),
        store.update_secret(row, UNUSED, b)
    );
    let (won_a, won_b) = (won_a.expect("a"), won_b.expect("b"));
    assert!(won_a ^ won_b, "exactly one update wins: {won_a} {won_b}");
    let now = store.secret_state(row).await.expect("state");
    assert_eq!(now, Some(if won_a { a } else { b }));
}

async fn secret_compare_and_set_refuses_a_stale_state(store: &Store) {
    let row = live_code(store).await;
    assert!(store.update_secret(row, UNUSED, TRIED).await.expect("cas"));
    let late = store.update_secret(row, UNUSED, TRIED_AND_SPENT).await;
    assert!(!late.expect("cas"));
    assert_eq!(store.secret_state(row).await.expect("state"), Some(TRIED));
    let missing = SecretRow::Code { id: "nope" };
    assert_eq!(store.secret_state(missing).await.expect("state"), None);
    let missing_tried = store.update_secret(missing, UNUSED, TRIED).await;
    assert!(!missing_tried.expect("cas"));
}

async fn codes_sent_at_once_leave_exactly_one_live(store: &Store) {
    let who = citizen(store, 1).await;
    let ids: Vec<String> = (0..8).map(|n| format!("c{n}")).collect();
    let codes: Vec<Code> = ids.iter().map(|id| code(id, &who, NOW + 300)).collect();
    let sent: Result<Vec<()>, Error> = join_all(codes.iter().map(|c| store.replace_code(c, NOW)))
        .await
        .into_iter()
        .collect();
    sent.expect("replace");
    let mut live = Vec::new();
    for id in &ids {
        let c = store.code(id).await.expect("read").expect("kept");
        if !c.state.used {
            live.push(c.id);
        }
    }
    assert_eq!(live.len(), 1, "only the newest SMS is valid: {live:?}");
    let newest = store.live_code(&who, "sign").await.expect("live");
    assert_eq!(newest.map(|c| c.id), live.pop());
}

async fn replace_code_leaves_only_the_newest_code_live(store: &Store) {
    let who = citizen(store, 1).await;
    store
        .replace_code(&code("old", &who, NOW + 300), NOW)
        .await
        .expect("old");
    store
        .replace_code(&code("new", &who, NOW + 300), NOW + 1)
        .await
        .expect("new");
    let live = store.live_code(&who, "sign").await.expect("live");
    assert_eq!(live.map(|c| c.id).as_deref(), Some("new"));
    let old = store.code("old").await.expect("read").expect("old kept");
    assert!(old.state.used, "the earlier code is retired");
}

// --- SADs and the audit trail ---

async fn sad_is_consumed_with_its_audit_entry_exactly_once(store: &Store) {
    let who = citizen(store, 1).await;
    let credential_id = credential(store, &who).await;
    let sad_hash = [9u8; 32];
    store
        .insert_sad(&sad_hash, &credential_id, &digests(), NOW + 300)
        .await
        .expect("sad");
    let stored = store.sad(&sad_hash).await.expect("read").expect("sad");
    assert_eq!(stored.state, UNUSED);
    assert_eq!(stored.digests, digests());
    let event = Event::new("signature").citizen(&who);
    let tries =
        (0..8).map(|_| store.consume_sad_audited(&sad_hash, UNUSED, SAD_SPENT, &event, NOW));
    let won: Vec<bool> = join_all(tries)
        .await
        .into_iter()
        .collect::<Result<_, Error>>()
        .expect("consume");
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    assert_eq!(audit_kinds(store).await, ["signature"]);
    let after = store.sad(&sad_hash).await.expect("read").expect("sad");
    assert!(after.state.used);
}

async fn sad_not_consumed_writes_no_audit_entry(store: &Store) {
    let event = Event::new("signature");
    let unknown = store
        .consume_sad_audited(&[1u8; 32], UNUSED, SAD_SPENT, &event, NOW)
        .await
        .expect("consume");
    assert!(!unknown);
    assert!(audit_kinds(store).await.is_empty());
}

async fn audit_appends_in_parallel_keep_one_unbroken_chain(store: &Store) {
    let events: Vec<Event> = (0..20)
        .map(|n| Event::new("test").detail(serde_json::json!({ "n": n })))
        .collect();
    let mut seqs: Vec<i64> = join_all(events.iter().map(|e| store.append_audit(e, NOW)))
        .await
        .into_iter()
        .collect::<Result<_, Error>>()
        .expect("append");
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    let entries = store.audit_page(0, 100).await.expect("page");
    assert_eq!(entries.len(), 20);
    assert_eq!(entries[0].prev_hash, GENESIS);
    for pair in entries.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    let (head, _) = verify(entries).expect("the chain verifies");
    assert_eq!(head, 20);
    let rest = store.audit_page(15, 100).await.expect("page");
    assert_eq!(
        rest.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [16, 17, 18, 19, 20]
    );
}

async fn audit_of_lists_her_events_newest_first(store: &Store) {
    for kind in ["login", "other", "logout"] {
        let event = match kind {
            "other" => Event::new(kind).citizen("someone-else"),
            _ => Event::new(kind).citizen("her"),
        };
        store.append_audit(&event, NOW).await.expect("append");
    }
    let hers = store.audit_of("her", 10).await.expect("audit of");
    let kinds: Vec<_> = hers.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["logout", "login"]);
}

async fn audit_appends_from_two_relays_on_one_database_keep_one_chain(a: &Store, b: &Store) {
    // Each relay remembers the end it wrote last; the other's appends make it stale.
    for n in 0..3 {
        let event = Event::new("test").detail(serde_json::json!({ "n": n }));
        a.append_audit(&event, NOW).await.expect("a");
        b.append_audit(&event, NOW).await.expect("b");
    }
    let event = Event::new("test");
    let both = (0..10).map(|n| if n % 2 == 0 { a } else { b }.append_audit(&event, NOW));
    let seqs: Result<Vec<i64>, Error> = join_all(both).await.into_iter().collect();
    assert_eq!(seqs.expect("append").len(), 10);
    for store in [a, b] {
        let entries = store.audit_page(0, 100).await.expect("page");
        let (head, _) = verify(entries).expect("one unbroken chain");
        assert_eq!(head, 16);
    }
}

async fn sad_is_consumed_once_across_two_relays_on_one_database(a: &Store, b: &Store) {
    let who = citizen(a, 1).await;
    let credential_id = credential(a, &who).await;
    let sad_hash = [8u8; 32];
    a.insert_sad(&sad_hash, &credential_id, &digests(), NOW + 300)
        .await
        .expect("sad");
    // Each relay has a chain end of its own to start from.
    a.append_audit(&Event::new("a"), NOW).await.expect("a");
    b.append_audit(&Event::new("b"), NOW).await.expect("b");
    let event = Event::new("signature").citizen(&who);
    let tries = (0..8).map(|n| {
        let store = if n % 2 == 0 { a } else { b };
        store.consume_sad_audited(&sad_hash, UNUSED, SAD_SPENT, &event, NOW)
    });
    let won: Result<Vec<bool>, Error> = join_all(tries).await.into_iter().collect();
    let won = won.expect("consume");
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{won:?}");
    assert_eq!(audit_kinds(b).await, ["a", "b", "signature"]);
}

// --- citizens and accounts ---

async fn email_is_unique_among_live_accounts_in_any_letter_case(store: &Store) {
    store
        .insert_citizen(&new_citizen(1, "Ane.Lasa@Example.eus"))
        .await
        .expect("first");
    let second = store
        .insert_citizen(&new_citizen(2, "ane.lasa@EXAMPLE.EUS"))
        .await;
    assert!(matches!(second, Err(Error::Conflict(_))), "{second:?}");
    assert!(
        store
            .citizen_by_id("citizen-2")
            .await
            .expect("read")
            .is_none()
    );
    let taken = store
        .email_on_another_account("citizen-2", "ANE.LASA@example.eus", NOW)
        .await
        .expect("check");
    assert!(taken);
}

/// Registrations racing for one address (letter case apart) on `stores` in turn.
async fn race_for_one_email(stores: &[&Store]) {
    let people: Vec<NewCitizen> = (1..=8)
        .map(|n| {
            new_citizen(
                n,
                if n % 2 == 0 {
                    "ANE@example.eus"
                } else {
                    "ane@EXAMPLE.eus"
                },
            )
        })
        .collect();
    let tries = people
        .iter()
        .enumerate()
        .map(|(n, c)| stores[n % stores.len()].insert_citizen(c));
    let results = join_all(tries).await;
    let made = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(made, 1, "one account gets the address (R23): {results:?}");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(()) | Err(Error::Conflict(_)))),
        "{results:?}"
    );
}

async fn parallel_registrations_with_one_email_make_one_account(store: &Store) {
    race_for_one_email(&[store]).await;
}

async fn parallel_registrations_with_one_email_on_two_relays_make_one_account(
    a: &Store,
    b: &Store,
) {
    race_for_one_email(&[a, b]).await;
}

async fn email_of_a_revoked_account_is_free_again(store: &Store) {
    store
        .insert_citizen(&new_citizen(1, "ane@example.eus"))
        .await
        .expect("first");
    let first = store
        .citizen_by_id("citizen-1")
        .await
        .expect("read")
        .expect("first");
    let revoked = store
        .revoke_account("citizen-1", first.state, NOW, "test")
        .await
        .expect("revoke");
    assert_eq!(revoked, Some(vec![]));
    store
        .insert_citizen(&new_citizen(2, "ANE@example.eus"))
        .await
        .expect("the address is free once its account is revoked");
}

async fn id_number_or_phone_taken_is_a_conflict(store: &Store) {
    let first = new_citizen(1, "one@example.eus");
    store.insert_citizen(&first).await.expect("first");
    let mut same_id = new_citizen(2, "two@example.eus");
    same_id.id_number = first.id_number.clone();
    let mut same_phone = new_citizen(3, "three@example.eus");
    same_phone.phone = first.phone.clone();
    for again in [same_id, same_phone] {
        let refused = store.insert_citizen(&again).await;
        assert!(matches!(refused, Err(Error::Conflict(_))), "{refused:?}");
    }
    let found = store
        .citizen_by_id_number(&first.id_number)
        .await
        .expect("read")
        .expect("found");
    assert_eq!(found.id, first.id);
    assert_eq!(found.state.status, AccountStatus::PendingActivation);
    assert!(!found.activation_code.used);
}

async fn account_state_compare_and_set_refuses_a_stale_state(store: &Store) {
    let who = citizen(store, 1).await;
    let read = store.citizen_by_id(&who).await.expect("read").expect("her");
    let failed = AccountState {
        password_failures: 1,
        ..read.state
    };
    assert!(
        store
            .update_account_state(&who, read.state, failed)
            .await
            .expect("cas")
    );
    assert!(
        !store
            .update_account_state(&who, read.state, failed)
            .await
            .expect("cas")
    );
    let now = store.citizen_by_id(&who).await.expect("read").expect("her");
    assert_eq!(now.state, failed);
}

async fn revoke_account_revokes_her_credentials_and_ends_her_sessions_together(store: &Store) {
    let who = citizen(store, 1).await;
    let credential_id = credential(store, &who).await;
    let session = NewSession {
        token_hash: &[5; 32],
        citizen_id: &who,
        sealed_kek: &[6; 48],
        key: AuthKey::Password,
        level: Level::Low,
    };
    store.insert_session(&session, NOW).await.expect("session");
    let read = store.citizen_by_id(&who).await.expect("read").expect("her");
    let revoked = store
        .revoke_account(&who, read.state, NOW, "her wish")
        .await
        .expect("revoke");
    assert_eq!(revoked, Some(vec![credential_id.as_str().to_owned()]));
    let c = store
        .credential(&credential_id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(c.status, StoredStatus::Revoked);
    assert_eq!(c.revocation_reason.as_deref(), Some("her wish"));
    assert!(read_session(store, &[5; 32]).await.is_none());
    let again = store
        .revoke_account(&who, read.state, NOW, "twice")
        .await
        .expect("revoke");
    assert_eq!(again, None, "a stale state revokes nothing");
}

// --- sessions, credentials, CA material ---

async fn session_is_stored_touched_raised_and_deleted(store: &Store) {
    let who = citizen(store, 1).await;
    let token_hash = [3u8; 32];
    let new = NewSession {
        token_hash: &token_hash,
        citizen_id: &who,
        sealed_kek: &[4; 48],
        key: AuthKey::Password,
        level: Level::Low,
    };
    store.insert_session(&new, NOW).await.expect("insert");
    let live = store.count_live_sessions(NOW - 1).await.expect("count");
    let idle = store.count_live_sessions(NOW).await.expect("count");
    assert_eq!((live, idle), (1, 0), "used after NOW - 1, not after NOW");
    let s = read_session(store, &token_hash).await.expect("s");
    assert_eq!((s.citizen_id.as_str(), s.last_used_at), (who.as_str(), NOW));
    assert_eq!((s.key, s.level), (AuthKey::Password, Level::Low));
    store
        .touch_session(&token_hash, NOW + 60)
        .await
        .expect("touch");
    store
        .raise_session_level(&token_hash, Level::Reinforced)
        .await
        .expect("raise");
    let s = read_session(store, &token_hash).await.expect("s");
    assert_eq!((s.last_used_at, s.level), (NOW + 60, Level::Reinforced));
    store.delete_session(&token_hash).await.expect("delete");
    assert!(read_session(store, &token_hash).await.is_none());
    assert_eq!(store.count_live_sessions(0).await.expect("count"), 0);
}

async fn credential_status_compare_and_set_records_the_revocation_once(store: &Store) {
    let who = citizen(store, 1).await;
    let id = credential(store, &who).await;
    let (active, revoked) = (StoredStatus::Active, StoredStatus::Revoked);
    let first = store
        .update_credential_status(&id, active, revoked, Some(NOW), Some("keyCompromise"))
        .await
        .expect("cas");
    let second = store
        .update_credential_status(&id, active, revoked, Some(NOW + 1), Some("other"))
        .await
        .expect("cas");
    assert!(first && !second);
    let listed = store.revoked_credentials().await.expect("crl");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(NOW));
    assert_eq!(
        listed[0].revocation_reason.as_deref(),
        Some("keyCompromise")
    );
    let by_serial = store
        .credential_by_serial(listed[0].serial_hex.as_deref().expect("serial"))
        .await
        .expect("read");
    assert_eq!(by_serial.map(|c| c.id), Some(id));
}

async fn ca_material_is_saved_all_or_nothing(store: &Store) {
    store
        .save_ca_material(&[("root_cert", vec![1, 2, 3])])
        .await
        .expect("first");
    let again = store
        .save_ca_material(&[("issuing_cert", vec![4]), ("root_cert", vec![5])])
        .await;
    assert!(again.is_err(), "an item is written once");
    assert_eq!(
        store.ca_material("root_cert").await.expect("read"),
        Some(vec![1, 2, 3])
    );
    assert_eq!(store.ca_material("issuing_cert").await.expect("read"), None);
}

// --- rate limits, housekeeping ---

async fn rate_limit_counts_every_parallel_event_and_reopens_its_window(store: &Store) {
    let counted: Vec<(u32, i64)> = join_all((0..10).map(|_| store.count_event("k", 60, NOW)))
        .await
        .into_iter()
        .collect::<Result<_, Error>>()
        .expect("count");
    let mut counts: Vec<u32> = counted.iter().map(|(n, _)| *n).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=10).collect::<Vec<_>>());
    assert!(counted.iter().all(|(_, start)| *start == NOW));
    assert_eq!(
        store.count_event("k", 60, NOW + 59).await.expect("count"),
        (11, NOW)
    );
    assert_eq!(
        store.count_event("k", 60, NOW + 60).await.expect("count"),
        (1, NOW + 60)
    );
    assert_eq!(
        store
            .count_event("other", 60, NOW + 60)
            .await
            .expect("count"),
        (1, NOW + 60)
    );
}

async fn prune_deletes_only_what_can_no_longer_be_used(store: &Store) {
    let day = 24 * 3600;
    let who = citizen(store, 1).await;
    store
        .replace_code(&code("dead", &who, NOW - 2 * day), NOW - 2 * day)
        .await
        .expect("dead code");
    let mut live = code("live", &who, NOW + 300);
    live.purpose = "certificate".into();
    store.replace_code(&live, NOW).await.expect("live code");
    for (hash, last_used) in [([1u8; 32], NOW - 3600), ([2u8; 32], NOW - 10)] {
        let s = NewSession {
            token_hash: &hash,
            citizen_id: &who,
            sealed_kek: &[],
            key: AuthKey::Pin,
            level: Level::Low,
        };
        store.insert_session(&s, last_used).await.expect("session");
    }
    store
        .count_event("old", 60, NOW - 2 * day)
        .await
        .expect("old window");
    store.count_event("new", 60, NOW).await.expect("new window");

    let deleted = store.prune(NOW, 900).await.expect("prune");

    assert_eq!(
        deleted, 3,
        "the dead code, the idle session, the old window"
    );
    assert!(store.code("dead").await.expect("read").is_none());
    assert!(store.code("live").await.expect("read").is_some());
    assert!(read_session(store, &[1; 32]).await.is_none());
    assert!(read_session(store, &[2; 32]).await.is_some());
    assert_eq!(
        store.count_event("old", 60, NOW).await.expect("count"),
        (1, NOW),
        "the old window started again"
    );
    assert_eq!(store.prune(NOW, 900).await.expect("prune"), 0);
}

/// One module per backend, each with every test of the contract.
/// An active account numbered `n`.
async fn active_citizen(store: &Store, n: u32) -> String {
    let id = citizen(store, n).await;
    let activation = Activation {
        id: format!("activation-{n}"),
        citizen_id: id.clone(),
        sms_code_mac: vec![n as u8; 32],
        state: UNUSED,
        expires_at: NOW + 600,
    };
    store
        .insert_activation(&activation)
        .await
        .expect("activation");
    assert!(
        store
            .activate_citizen(&id, "verifier", &[0; 16], &activation, NOW + 86_400, false)
            .await
            .expect("activate")
    );
    id
}

async fn two_accounts_taking_each_other_s_phone_at_once_end_with_one_change(store: &Store) {
    // R22: each proved the other's number hers (the second one's proof is stale by then).
    let (a, b) = (
        active_citizen(store, 21).await,
        active_citizen(store, 22).await,
    );
    let phone = |n: u32| format!("+346000{n:05}");
    let change = |n: u32, who: &str, other: &str, from: u32, to: u32| ContactChange {
        id: format!("change-{n}"),
        citizen_id: who.into(),
        kind: "phone".into(),
        old_value: phone(from),
        new_value: phone(to),
        code_mac: vec![1; 32],
        current_code_mac: Some(vec![2; 32]),
        takes_from: Some(other.into()),
        state: UNUSED,
        expires_at: NOW + 600,
    };
    let (to_b, to_a) = (change(1, &a, &b, 21, 22), change(2, &b, &a, 22, 21));
    store
        .insert_contact_change(&to_b, NOW)
        .await
        .expect("change");
    store
        .insert_contact_change(&to_a, NOW)
        .await
        .expect("change");
    let (first, second) = tokio::join!(
        store.apply_contact_change(&to_b, NOW),
        store.apply_contact_change(&to_a, NOW),
    );
    // Neither fails (no deadlock, no error): one takes the number, the other finds her
    // account revoked by it.
    let outcomes = [first.expect("first"), second.expect("second")];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, ContactChanged::Done))
            .count(),
        1,
        "{outcomes:?}"
    );
    let statuses = [
        store
            .citizen_by_id(&a)
            .await
            .expect("read")
            .expect("a")
            .state
            .status,
        store
            .citizen_by_id(&b)
            .await
            .expect("read")
            .expect("b")
            .state
            .status,
    ];
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == AccountStatus::Revoked)
            .count(),
        1,
        "{statuses:?}"
    );
}

macro_rules! suite {
    ($backend:ident: $($test:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let backend = super::$backend().await;
                    super::$test(&backend.store).await;
                }
            )*
        }
    };
}

/// One module per shared backend, each test given two relays' stores on one database.
macro_rules! shared_suite {
    ($backend:ident: $($test:ident),* $(,)?) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let (first, second) = super::$backend().await;
                    super::$test(&first.store, &second).await;
                }
            )*
        }
    };
}

/// The backends several relays can share (a file, a server), with their two-relay tests.
macro_rules! for_each_shared_backend {
    ($($test:ident),* $(,)?) => {
        shared_suite!(sqlite_file_two_relays: $($test),*);
        shared_suite!(postgres_two_relays: $($test),*);
    };
}

for_each_shared_backend!(
    audit_appends_from_two_relays_on_one_database_keep_one_chain,
    sad_is_consumed_once_across_two_relays_on_one_database,
    parallel_registrations_with_one_email_on_two_relays_make_one_account,
);

/// The backends every test runs against.
macro_rules! for_each_backend {
    ($($test:ident),* $(,)?) => {
        suite!(sqlite_in_memory: $($test),*);
        suite!(sqlite_file: $($test),*);
        suite!(postgres: $($test),*);
    };
}

for_each_backend!(
    secret_compare_and_set_lets_exactly_one_of_two_parallel_updates_win,
    secret_compare_and_set_refuses_a_stale_state,
    replace_code_leaves_only_the_newest_code_live,
    codes_sent_at_once_leave_exactly_one_live,
    sad_is_consumed_with_its_audit_entry_exactly_once,
    sad_not_consumed_writes_no_audit_entry,
    audit_appends_in_parallel_keep_one_unbroken_chain,
    audit_of_lists_her_events_newest_first,
    email_is_unique_among_live_accounts_in_any_letter_case,
    parallel_registrations_with_one_email_make_one_account,
    email_of_a_revoked_account_is_free_again,
    id_number_or_phone_taken_is_a_conflict,
    account_state_compare_and_set_refuses_a_stale_state,
    revoke_account_revokes_her_credentials_and_ends_her_sessions_together,
    session_is_stored_touched_raised_and_deleted,
    credential_status_compare_and_set_records_the_revocation_once,
    ca_material_is_saved_all_or_nothing,
    rate_limit_counts_every_parallel_event_and_reopens_its_window,
    prune_deletes_only_what_can_no_longer_be_used,
    two_accounts_taking_each_other_s_phone_at_once_end_with_one_change,
);
