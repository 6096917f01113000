//! Key custody, checked as a thief would: the master key never sits beside the database
//! outside `--dev`; the root CA key is made by `ca init` and never stored by the relay; the
//! database file holds no private key in the clear; and the database plus the master key still
//! cannot open a citizen's key without her password.

mod process;

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use p256::ecdsa::{SigningKey, VerifyingKey};
use p256::pkcs8::DecodePrivateKey;
use process::{RelayProcess, TestCitizen, binary};
use sha2::Digest;
use sqlx::Row;
use x509_cert::Certificate;

fn public_key_of(cert_der: &[u8]) -> VerifyingKey {
    let cert = Certificate::from_der(cert_der).expect("certificate");
    VerifyingKey::from_sec1_bytes(
        cert.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .expect("P-256 key")
}

/// Every 32-byte window of `bytes` taken as a P-256 private key: does one match `publics`?
fn finds_a_private_key(bytes: &[u8], publics: &[VerifyingKey]) -> bool {
    bytes
        .windows(32)
        .any(|w| SigningKey::from_slice(w).is_ok_and(|k| publics.contains(k.verifying_key())))
}

/// `serve` without `--dev`, with no master key in its environment.
fn serve(data: &std::path::Path) -> std::process::Output {
    Command::new(binary())
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env_remove("NUBEFIRMA_MASTER_KEY")
        .output()
        .expect("runs")
}

#[test]
fn outside_dev_the_master_key_must_come_from_a_file_or_the_environment() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = serve(data.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no master key"), "{stderr}");
    assert!(
        !data.path().join("master.key").exists(),
        "never made beside the database"
    );
}

#[test]
fn office_register_on_a_folder_without_a_relay_makes_no_secret_and_no_ca() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = Command::new(binary())
        .args(["office", "register", "--data"])
        .arg(data.path())
        .args([
            "--id",
            "12345678Z",
            "--given-name",
            "Ana",
            "--surname",
            "Ruiz",
            "--birth-date",
            "1990-01-01",
            "--phone",
            "600112233",
            "--email",
            "ana@example.org",
        ])
        .env_remove("NUBEFIRMA_MASTER_KEY")
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no master key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for made in ["master.key", "operator.token"] {
        assert!(!data.path().join(made).exists(), "{made} was made");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_register_writes_into_a_running_dev_relay_and_the_citizen_can_activate() {
    let relay = RelayProcess::start(&[]);
    let ane = TestCitizen::new(30);
    let reg = ane.registration();
    let out = Command::new(binary())
        .args(["office", "register", "--data"])
        .arg(relay.data.path())
        .args(["--id", reg["idNumber"].as_str().expect("id")])
        .args([
            "--given-name",
            "Ane",
            "--surname",
            "Etxeberria",
            "--birth-date",
            "1988-11-30",
        ])
        .args(["--phone", &ane.phone, "--email", &ane.email])
        .env_remove("NUBEFIRMA_MASTER_KEY")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("the activation code as JSON");
    let answer = relay
        .post(
            "/api/v1/activation/start",
            None,
            serde_json::json!({ "idNumber": ane.id_number, "activationCode": printed["activationCode"] }),
        )
        .await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{:?}", answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_relay_uses_the_master_key_it_is_given_and_not_one_beside_the_database() {
    let keys = tempfile::tempdir().expect("tempdir");
    let key_file = keys.path().join("master.key");
    std::fs::write(&key_file, hex::encode([3u8; 32])).expect("write");
    let data = tempfile::tempdir().expect("tempdir");
    let relay = RelayProcess::start_in(
        data,
        &["--master-key-file", key_file.to_str().expect("utf8")],
    );
    assert!(relay.get_text("/healthz").await.contains("ok"));
    assert!(!relay.data.path().join("master.key").exists());
    let data_dir = relay.data.path().to_owned();
    let mut relay = relay;
    relay.kill();

    // Another master key cannot open this relay's CA key: the file given was the one in use.
    let out = Command::new(binary())
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data_dir)
        .env("NUBEFIRMA_MASTER_KEY", hex::encode([4u8; 32]))
        .output()
        .expect("runs");
    assert!(!out.status.success(), "started with the wrong master key");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not open"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_init_writes_the_root_key_out_and_the_relay_never_stores_it() {
    let data = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    let root_key = outside.path().join("root-ca.key.pem");
    let master = hex::encode([5u8; 32]);
    let init = || {
        Command::new(binary())
            .args(["ca", "init", "--data"])
            .arg(data.path())
            .arg("--root-key-out")
            .arg(&root_key)
            .env("NUBEFIRMA_MASTER_KEY", &master)
            .output()
            .expect("runs")
    };
    let out = init();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&root_key)
            .expect("key")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the root key is readable by its owner only"
        );
    }
    let pem = std::fs::read_to_string(&root_key).expect("root key");
    let root = SigningKey::from_pkcs8_pem(&pem).expect("PKCS#8 P-256 key");
    let ca_pem = std::fs::read_to_string(data.path().join("ca.pem")).expect("ca.pem");
    let (_, der) = pem_rfc7468_decode(&ca_pem);
    assert_eq!(
        &public_key_of(&der),
        root.verifying_key(),
        "the key of the root certificate"
    );

    // Again: refused, the key file untouched.
    let out = Command::new(binary())
        .args(["ca", "init", "--data"])
        .arg(data.path())
        .arg("--root-key-out")
        .arg(outside.path().join("second.pem"))
        .env("NUBEFIRMA_MASTER_KEY", &master)
        .output()
        .expect("runs");
    assert!(!out.status.success());

    // The relay runs on that CA, and its database does not hold the root key.
    let key_file = outside.path().join("master.hex");
    std::fs::write(&key_file, &master).expect("write");
    let mut relay = RelayProcess::start_in(
        data,
        &["--master-key-file", key_file.to_str().expect("utf8")],
    );
    assert_eq!(
        relay.get_text("/pki/ca.pem").await,
        ca_pem,
        "the CA made by ca init"
    );
    relay.kill();
    let mut file = std::fs::read(relay.db_path()).expect("db");
    if let Ok(wal) = std::fs::read(relay.db_path().with_extension("sqlite-wal")) {
        file.extend(wal);
    }
    assert!(!finds_a_private_key(&file, &[*root.verifying_key()]));
}

fn pem_rfc7468_decode(text: &str) -> (String, Vec<u8>) {
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    ("CERTIFICATE".into(), STANDARD.decode(body).expect("base64"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_file_holds_no_private_key_and_with_the_master_key_still_needs_her_password() {
    let mut relay = RelayProcess::start(&[]);
    let ane = TestCitizen::new(1);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let master_key: [u8; 32] = std::fs::read(relay.data.path().join("master.key"))
        .expect("dev master key")
        .try_into()
        .expect("32 bytes");
    relay.kill();

    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", relay.db_path().display()))
        .await
        .expect("open");
    // Every public key the relay holds a private key for: citizens', issuing CA's, TSA's.
    let mut publics = Vec::new();
    for row in sqlx::query("SELECT cert_der FROM credentials")
        .fetch_all(&db)
        .await
        .expect("rows")
    {
        publics.push(public_key_of(&row.get::<Vec<u8>, _>(0)));
    }
    for name in ["issuing_cert", "tsa_cert", "root_cert"] {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = ?")
            .bind(name)
            .fetch_one(&db)
            .await
            .expect(name);
        publics.push(public_key_of(&row.get::<Vec<u8>, _>(0)));
    }
    let names: Vec<String> = sqlx::query("SELECT name FROM ca_material")
        .fetch_all(&db)
        .await
        .expect("names")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!names.iter().any(|n| n == "root_key"), "{names:?}");
    db.close().await;
    let mut file = std::fs::read(relay.db_path()).expect("db");
    if let Ok(wal) = std::fs::read(relay.db_path().with_extension("sqlite-wal")) {
        file.extend(wal);
    }
    // The scan finds a key that is there (so its silence below means something).
    let planted = SigningKey::random(&mut rand_core::OsRng);
    let mut haystack = vec![7u8; 1000];
    haystack.splice(500..500, planted.to_bytes().iter().copied());
    assert!(finds_a_private_key(&haystack, &[*planted.verifying_key()]));
    assert!(
        !finds_a_private_key(&file, &publics),
        "a private key lies in the clear"
    );

    // The thief's procedure with the database and the master key: the wrapping key is
    // HKDF(master ‖ KEK), the KEK from one argon2id run over her password (the verifier's
    // salt and cost, expanded with her KEK salt); without her password it does not open.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", relay.db_path().display()))
        .await
        .expect("open");
    let row = sqlx::query(
        "SELECT c.wrapped_key, z.kek_salt, z.password_hash FROM credentials c JOIN citizens z ON z.id = c.citizen_id WHERE c.id = ?",
    )
    .bind(&credential)
    .fetch_one(&db)
    .await
    .expect("row");
    let wrapped: Vec<u8> = row.get(0);
    let salt: Vec<u8> = row.get(1);
    let phc: String = row.get(2);
    let try_open = |password: &str| {
        let kek = nubefirma_relay::identity::password::Hasher::new()
            .derive_kek(password, &phc, &salt)
            .expect("argon2");
        let mut ikm = master_key.to_vec();
        ikm.extend_from_slice(&kek);
        let key = nubefirma_relay::crypto::derive_key(&ikm, "citizen signing key");
        nubefirma_relay::crypto::open(&key, credential.as_bytes(), &wrapped)
    };
    for guess in ["", "123456", "Caracol-verde-1-X", "password"] {
        assert!(try_open(guess).is_err(), "opened with {guess:?}");
    }
    let opened = try_open(&ane.password).expect("her password opens it (the procedure is right)");
    let key = SigningKey::from_slice(&opened).expect("a P-256 key");
    assert!(publics.contains(key.verifying_key()));
}

/// A throwaway SoftHSM2 token: its config file, for `SOFTHSM2_CONF`.
fn softhsm_token(dir: &std::path::Path, label: &str, pin: &str) -> std::path::PathBuf {
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).expect("token dir");
    let conf = dir.join("softhsm2.conf");
    std::fs::write(
        &conf,
        format!(
            "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
            tokens.display()
        ),
    )
    .expect("conf");
    let out = Command::new("softhsm2-util")
        .args([
            "--init-token",
            "--free",
            "--label",
            label,
            "--so-pin",
            "12345678",
            "--pin",
            pin,
        ])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .expect("softhsm2-util runs (scripts/setup.sh installs softhsm2)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    conf
}

fn softhsm_module() -> String {
    std::env::var("SOFTHSM2_MODULE").unwrap_or_else(|_| "/usr/lib/softhsm/libsofthsm2.so".into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_its_keys_in_softhsm2_the_relay_makes_its_ca_and_a_citizen_signs() {
    let hsm = tempfile::tempdir().expect("tempdir");
    let conf = softhsm_token(hsm.path(), "nubefirma", "24681357");
    let conf = conf.to_str().expect("utf8");
    let module = softhsm_module();
    let pkcs11 = [
        "--pkcs11-module",
        module.as_str(),
        "--pkcs11-token",
        "nubefirma",
    ];
    let envs = [
        ("SOFTHSM2_CONF", conf),
        ("NUBEFIRMA_PKCS11_PIN", "24681357"),
    ];

    // The key ceremony with the HSM: no master key anywhere.
    let data = tempfile::tempdir().expect("tempdir");
    let root_key = hsm.path().join("root.pem");
    let out = Command::new(binary())
        .args(["ca", "init", "--data"])
        .arg(data.path())
        .arg("--root-key-out")
        .arg(&root_key)
        .args(pkcs11)
        .envs(envs)
        .env_remove("NUBEFIRMA_MASTER_KEY")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut relay = RelayProcess::start_with(data, &pkcs11, &envs);
    assert!(
        !relay.data.path().join("master.key").exists(),
        "no master key file with an HSM"
    );
    let ane = TestCitizen::new(1);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let digest = sha2::Sha256::digest(b"contrato");
    let hashes = vec![STANDARD.encode(digest)];
    let sad = relay.sad_for(&ane, &auth, &credential, &hashes).await;
    let signed = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(&auth),
            serde_json::json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await;
    assert_eq!(signed.status, reqwest::StatusCode::OK, "{:?}", signed.body);
    let info = relay
        .post(
            "/csc/v2/credentials/info",
            Some(&auth),
            serde_json::json!({ "credentialID": credential, "certificates": "chain" }),
        )
        .await;
    let chain: Vec<Vec<u8>> = info.body["cert"]["certificates"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|c| STANDARD.decode(c.as_str().expect("text")).expect("base64"))
        .collect();
    let signature = STANDARD
        .decode(signed.body["signatures"][0].as_str().expect("signature"))
        .expect("base64");
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    public_key_of(&chain[0])
        .verify_prehash(
            &digest,
            &p256::ecdsa::Signature::from_der(&signature).expect("DER"),
        )
        .expect("her signature verifies");

    // The issuing CA key the relay uses is an object in the token: the database holds its label.
    relay.kill();
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", relay.db_path().display()))
        .await
        .expect("open");
    let stored: Vec<u8> = sqlx::query("SELECT value FROM ca_material WHERE name = 'issuing_key'")
        .fetch_one(&db)
        .await
        .expect("row")
        .get(0);
    let label = String::from_utf8(stored).expect("a label, not a sealed key");
    assert!(label.starts_with("issuing_key"), "{label}");
}
