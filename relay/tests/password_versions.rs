//! Password verifiers of both kinds: accounts made before the one-argon2id login (a plain
//! argon2id verifier, and a KEK from a second argon2id run over the KEK salt) still log in,
//! and their keys, sealed under the old KEK, still sign.

mod common;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::json;
use sqlx::Row;

use common::{Citizen, MASTER_KEY, Signer, b64, bearer, digests, relay_on_file};

async fn password_hash(db: &sqlx::SqlitePool, id_number: &str) -> (String, Vec<u8>) {
    let row = sqlx::query("SELECT password_hash, kek_salt FROM citizens WHERE id_number = ?")
        .bind(id_number)
        .fetch_one(db)
        .await
        .expect("row");
    (row.get(0), row.get(1))
}

#[tokio::test]
async fn new_verifiers_are_one_run_and_an_old_account_still_logs_in_and_signs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("relay.sqlite");
    let relay = relay_on_file(&path).await;
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open");

    let fresh = Citizen::new(1);
    relay.activate(&fresh).await;
    let (phc, _) = password_hash(&db, &fresh.id_number).await;
    assert!(
        phc.starts_with("$nubefirma-argon2id-hkdf$v=19$m=19456,t=2,p=1$"),
        "{phc}"
    );

    // An account as the relay made them before: a plain argon2id verifier (here made by the
    // argon2 crate itself, not by the relay), beside the KEK salt activation stored.
    let old = Citizen::new(2);
    relay.activate(&old).await;
    let (_, kek_salt) = password_hash(&db, &old.id_number).await;
    let legacy = Argon2::default()
        .hash_password(
            old.password.as_bytes(),
            &SaltString::generate(&mut rand_core::OsRng),
        )
        .expect("argon2")
        .to_string();
    assert!(legacy.starts_with("$argon2id$v=19$"), "{legacy}");
    sqlx::query("UPDATE citizens SET password_hash = ? WHERE id_number = ?")
        .bind(&legacy)
        .bind(&old.id_number)
        .execute(&db)
        .await
        .expect("update");

    let (status, _) = relay.try_login(&old.id_number, "Tortuga-azul-58").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a wrong password");
    let token = relay.login(&old).await;
    relay.create_credential(&old, &token).await;
    let (status, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let credential_id = body["credentialIDs"][0]
        .as_str()
        .expect("one credential")
        .to_owned();

    // Her key is sealed exactly as before: under HKDF(master ‖ argon2id(password, KEK salt)).
    let mut old_kek = [0u8; 32];
    Argon2::default()
        .hash_password_into(old.password.as_bytes(), &kek_salt, &mut old_kek)
        .expect("argon2");
    let wrapped: Vec<u8> = sqlx::query("SELECT wrapped_key FROM credentials WHERE id = ?")
        .bind(&credential_id)
        .fetch_one(&db)
        .await
        .expect("row")
        .get(0);
    let mut ikm = MASTER_KEY.to_vec();
    ikm.extend_from_slice(&old_kek);
    let wrapping = nubefirma_relay::crypto::derive_key(&ikm, "citizen signing key");
    let opened = nubefirma_relay::crypto::open(&wrapping, credential_id.as_bytes(), &wrapped)
        .expect("sealed under the old KEK");
    let by_hand = *SigningKey::from_slice(&opened)
        .expect("a P-256 key")
        .verifying_key();

    // A new session (the KEK made again from her password), then a signature.
    let (status, _) = relay
        .post("/csc/v2/auth/revoke", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let token = relay.login(&old).await;
    let signer = Signer {
        relay: &relay,
        citizen: old.clone(),
        authorization: bearer(&token),
        credential_id,
    };
    let documents = digests(&["old account", "still signs"]);
    let hashes = b64(&documents);
    let sad = signer.sad_for(&hashes).await;
    let (status, body) = signer.sign_hash(&sad, &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, chain) = signer.chain().await;
    let spki = &chain[0].tbs_certificate.subject_public_key_info;
    let key =
        VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes()).expect("P-256 key");
    assert_eq!(key, by_hand);
    let signatures = body["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 2);
    for (signature, digest) in signatures.iter().zip(&documents) {
        let der = STANDARD
            .decode(signature.as_str().expect("text"))
            .expect("base64");
        let signature = Signature::from_der(&der).expect("DER");
        key.verify_prehash(digest, &signature)
            .expect("signature verifies");
    }
    // Both kinds are kept: the old account's verifier is left as it was.
    assert_eq!(password_hash(&db, &old.id_number).await.0, legacy);
}
