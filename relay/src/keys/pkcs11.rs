//! The PKCS#11 custody backend: the master key and the CA keys live in an HSM and never leave it.
//!
//! - The **master key** is a 256-bit generic secret in the token (sensitive, not extractable),
//!   usable only for HMAC-SHA256 computed by the HSM. Every use of it is such an HMAC with a
//!   context label, the same role HKDF plays in `soft.rs`.
//! - A **citizen key** is a P-256 key generated in software and sealed with AES-256-GCM under
//!   HSM-HMAC(master, "citizen signing key" ‖ 0 ‖ KEK), with the credential id as associated
//!   data. A copy of the database plus the HSM cannot sign without her password, and nothing
//!   opens without the HSM. (The HSM cannot hold one object per citizen with her password in
//!   it; sealing keeps the password factor, exactly as the soft backend does.)
//! - A **CA key** is an EC P-256 key pair generated in the token. The private key is sensitive
//!   and not extractable; the relay signs SHA-256 digests with CKM_ECDSA through a `CaKey`.
//!   The `StoredKey` of a CA key is the label of its objects, `<name>-<random hex>`.
//! - `code_mac` is HSM-HMAC(master, "code hmac" ‖ 0 ‖ context ‖ 0 ‖ code).
//!
//! Sessions: one read-write session, behind a `Mutex`, shared by every thread. A PKCS#11
//! session may be used by one thread at a time only (cryptoki's `Session` is `Send`, not
//! `Sync`), and the operations here are single calls of well under a millisecond on the token,
//! so serialising them costs little and keeps the state simple: one login, one cached handle
//! of the master key, no pool to size. If the session is lost (token reset, HSM restart,
//! logout), the next call opens a new one, logs in again and retries once.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use der::Decode;
use der::asn1::OctetString;
use p256::ecdsa::{DerSignature, Signature, VerifyingKey};

use super::{CaKey, CaSign, Custody, PasswordKek, StoredKey, sealed};
use crate::Error;
use crate::crypto::{random_bytes, sha256};
use crate::domain::CredentialId;
use crate::identity::sad::VerifiedSad;

/// DER of the OID prime256v1 (1.2.840.10045.3.1.7), the CKA_EC_PARAMS of a P-256 key.
const P256_EC_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Where the HSM is and how to reach the relay's keys in it.
#[derive(Clone)]
pub struct Pkcs11Config {
    /// The PKCS#11 module (e.g. `/usr/lib/softhsm/libsofthsm2.so`).
    pub module: PathBuf,
    /// The label of the token that holds the relay's keys.
    pub token_label: String,
    /// The token's user PIN. Never logged, never in an error.
    pub user_pin: String,
    /// The label of the master key (an HMAC key), created on first use if absent.
    pub master_key_label: String,
}

impl fmt::Debug for Pkcs11Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkcs11Config")
            .field("module", &self.module)
            .field("token_label", &self.token_label)
            .field("user_pin", &"<redacted>")
            .field("master_key_label", &self.master_key_label)
            .finish()
    }
}

/// Key custody in a PKCS#11 token. See the module documentation.
pub struct Pkcs11Custody {
    hsm: Arc<Hsm>,
}

impl Pkcs11Custody {
    /// Loads the module, finds the token by label, logs in as user, and finds the master key by
    /// label, creating it if the token has none.
    pub fn open(config: &Pkcs11Config) -> Result<Self, Error> {
        let module = Module::acquire(&config.module)?;
        let slot = find_token(&module.ctx, &config.token_label)?;
        let hsm = Hsm {
            state: Mutex::new(None),
            slot,
            pin: AuthPin::from(config.user_pin.as_str()),
            master_label: config.master_key_label.clone(),
            module,
        };
        // Connect now, so that a wrong PIN or a broken token fails at start, not at first use.
        hsm.with_session(|_| Ok(()))?;
        Ok(Self { hsm: Arc::new(hsm) })
    }

    fn citizen_wrapping_key(&self, kek: &PasswordKek) -> Result<[u8; 32], Error> {
        self.hsm
            .master_hmac(&[b"citizen signing key", &[0], &kek.0])
    }
}

impl Custody for Pkcs11Custody {
    fn generate_citizen_key(
        &self,
        credential: &CredentialId,
        kek: &PasswordKek,
    ) -> Result<(VerifyingKey, StoredKey), Error> {
        sealed::generate(&self.citizen_wrapping_key(kek)?, credential)
    }

    fn sign_citizen(
        &self,
        sad: VerifiedSad,
        key: &StoredKey,
        kek: &PasswordKek,
    ) -> Result<Vec<Vec<u8>>, Error> {
        sealed::sign(&self.citizen_wrapping_key(kek)?, sad, key)
    }

    fn rewrap_citizen_key(
        &self,
        credential: &CredentialId,
        key: &StoredKey,
        old_kek: &PasswordKek,
        new_kek: &PasswordKek,
    ) -> Result<StoredKey, Error> {
        sealed::rewrap(
            &self.citizen_wrapping_key(old_kek)?,
            &self.citizen_wrapping_key(new_kek)?,
            credential,
            key,
        )
    }

    fn generate_ca_key(&self, name: &str) -> Result<(VerifyingKey, StoredKey), Error> {
        let label = format!("{name}-{}", hex::encode(random_bytes::<8>()));
        let id = label.as_bytes().to_vec();
        let public_template = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(P256_EC_PARAMS.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.clone()),
        ];
        let private_template = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Derive(false),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id),
        ];
        let point = self.hsm.with_session(|open| {
            let (public, _private) = open
                .session
                .generate_key_pair(
                    &Mechanism::EccKeyPairGen,
                    &public_template,
                    &private_template,
                )
                .map_err(Fail::hsm("pkcs11 generate CA key pair"))?;
            ec_point(&open.session, public)
        })?;
        Ok((point, StoredKey(label.into_bytes())))
    }

    fn ca_key(&self, name: &str, key: &StoredKey) -> Result<CaKey, Error> {
        let label = String::from_utf8(key.0.clone())
            .map_err(|e| Error::internal("pkcs11 CA key label", e))?;
        // The label is `<name>-<suffix>`: a key stored for one CA role does not open as another.
        let is_named = label
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|suffix| !suffix.is_empty() && !suffix.contains('-'));
        if !is_named {
            return Err(Error::Internal(format!(
                "pkcs11 CA key {label:?} is not a key of {name:?}"
            )));
        }
        let public = self.hsm.with_session(|open| {
            let handle = find_one(&open.session, ObjectClass::PUBLIC_KEY, &label)?;
            let private = find_one(&open.session, ObjectClass::PRIVATE_KEY, &label)?;
            open.ca_keys.insert(label.clone(), private);
            ec_point(&open.session, handle)
        })?;
        let signer = Pkcs11CaSigner {
            hsm: self.hsm.clone(),
            label,
        };
        Ok(CaKey::new(public, Arc::new(signer)))
    }

    fn code_mac(&self, context: &str, code: &str) -> Result<[u8; 32], Error> {
        self.hsm.master_hmac(&[
            b"code hmac",
            &[0],
            context.as_bytes(),
            &[0],
            code.as_bytes(),
        ])
    }
}

/// The HSM half of a `CaKey`: hashes in software, signs the digest in the token.
struct Pkcs11CaSigner {
    hsm: Arc<Hsm>,
    label: String,
}

impl CaSign for Pkcs11CaSigner {
    fn sign_message(&self, message: &[u8]) -> Result<DerSignature, Error> {
        let digest = sha256(message);
        let raw = self.hsm.with_session(|open| {
            let key = match open.ca_keys.get(&self.label) {
                Some(key) => *key,
                None => {
                    let key = find_one(&open.session, ObjectClass::PRIVATE_KEY, &self.label)?;
                    open.ca_keys.insert(self.label.clone(), key);
                    key
                }
            };
            open.session
                .sign(&Mechanism::Ecdsa, key, &digest)
                .map_err(Fail::hsm("pkcs11 ECDSA sign"))
        })?;
        // CKM_ECDSA answers r ‖ s, 32 bytes each for P-256.
        Signature::from_slice(&raw)
            .map(|sig| sig.to_der())
            .map_err(|e| Error::internal("pkcs11 ECDSA signature", e))
    }
}

/// The token connection shared by the custody and its CA key handles.
///
/// Field order matters: `state` (the session) drops before `module` (which may finalize the
/// library).
struct Hsm {
    state: Mutex<Option<OpenSession>>,
    slot: Slot,
    pin: AuthPin,
    master_label: String,
    module: Module,
}

/// A logged-in session and the object handles found through it.
struct OpenSession {
    session: Session,
    master: ObjectHandle,
    /// Private CA keys by label, so a signature costs one call, not a search and a call.
    ca_keys: HashMap<String, ObjectHandle>,
}

/// Why an operation inside a session failed: the token said no (and the session may be lost),
/// or the relay did.
enum Fail {
    Hsm(&'static str, CkError),
    Relay(Error),
}

impl Fail {
    fn hsm(context: &'static str) -> impl Fn(CkError) -> Fail {
        move |e| Fail::Hsm(context, e)
    }

    /// Whether a new session (and login) might cure it.
    fn session_lost(&self) -> bool {
        matches!(
            self,
            Fail::Hsm(
                _,
                CkError::Pkcs11(
                    RvError::SessionHandleInvalid
                        | RvError::SessionClosed
                        | RvError::UserNotLoggedIn
                        | RvError::ObjectHandleInvalid
                        | RvError::KeyHandleInvalid
                        | RvError::DeviceRemoved
                        | RvError::TokenNotPresent,
                    _
                )
            )
        )
    }
}

impl From<Fail> for Error {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::Hsm(context, e) => Error::internal(context, e),
            Fail::Relay(e) => e,
        }
    }
}

impl Hsm {
    /// Runs `op` in the logged-in session; if the session turns out to be lost, opens a new one
    /// and runs `op` once more.
    fn with_session<T>(
        &self,
        op: impl Fn(&mut OpenSession) -> Result<T, Fail>,
    ) -> Result<T, Error> {
        let mut state = self.lock();
        for attempt in 0..2 {
            if state.is_none() {
                *state = Some(self.connect()?);
            }
            let Some(open) = state.as_mut() else {
                return Err(Error::Internal("pkcs11 session missing".into()));
            };
            match op(open) {
                Ok(value) => return Ok(value),
                Err(fail) if attempt == 0 && fail.session_lost() => {
                    tracing::warn!("pkcs11 session lost; opening a new one");
                    *state = None;
                }
                Err(fail) => return Err(fail.into()),
            }
        }
        Err(Error::Internal("pkcs11 session lost twice".into()))
    }

    fn lock(&self) -> MutexGuard<'_, Option<OpenSession>> {
        self.state.lock().unwrap_or_else(|poisoned| {
            // A thread panicked while holding the session: do not trust its state, start over.
            self.state.clear_poison();
            let mut state = poisoned.into_inner();
            *state = None;
            state
        })
    }

    /// A new read-write session, logged in as user, with the master key found or created.
    fn connect(&self) -> Result<OpenSession, Error> {
        let session = self
            .module
            .ctx
            .open_rw_session(self.slot)
            .map_err(|e| Error::internal("pkcs11 open session", e))?;
        match session.login(UserType::User, Some(&self.pin)) {
            // Login state is per application: another live session may have logged in already.
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(Error::internal("pkcs11 login", e)),
        }
        let master = match find(&session, ObjectClass::SECRET_KEY, &self.master_label)? {
            Some(key) => key,
            None => self.create_master_key(&session)?,
        };
        Ok(OpenSession {
            session,
            master,
            ca_keys: HashMap::new(),
        })
    }

    fn create_master_key(&self, session: &Session) -> Result<ObjectHandle, Error> {
        let template = [
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(KeyType::GENERIC_SECRET),
            Attribute::ValueLen(32.into()),
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Verify(false),
            Attribute::Derive(false),
            Attribute::Label(self.master_label.as_bytes().to_vec()),
        ];
        let key = session
            .generate_key(&Mechanism::GenericSecretKeyGen, &template)
            .map_err(|e| Error::internal("pkcs11 create master key", e))?;
        tracing::info!(label = %self.master_label, "pkcs11 master key created");
        Ok(key)
    }

    /// HMAC-SHA256 under the master key, computed by the token, over the concatenated `parts`.
    fn master_hmac(&self, parts: &[&[u8]]) -> Result<[u8; 32], Error> {
        let data = parts.concat();
        let mac = self.with_session(|open| {
            open.session
                .sign(&Mechanism::Sha256Hmac, open.master, &data)
                .map_err(Fail::hsm("pkcs11 HMAC"))
        })?;
        mac.try_into().map_err(|mac: Vec<u8>| {
            Error::Internal(format!("pkcs11 HMAC of {} bytes, not 32", mac.len()))
        })
    }
}

/// The slot of the one token labelled `label`.
fn find_token(ctx: &Pkcs11, label: &str) -> Result<Slot, Error> {
    let slots = ctx
        .get_slots_with_token()
        .map_err(|e| Error::internal("pkcs11 slot list", e))?;
    let mut found = Vec::new();
    for slot in slots {
        let info = ctx
            .get_token_info(slot)
            .map_err(|e| Error::internal("pkcs11 token info", e))?;
        if info.label().trim_end() == label {
            found.push(slot);
        }
    }
    match found.as_slice() {
        [slot] => Ok(*slot),
        [] => Err(Error::Internal(format!(
            "pkcs11: no token labelled {label:?}"
        ))),
        _ => Err(Error::Internal(format!(
            "pkcs11: {} tokens labelled {label:?}",
            found.len()
        ))),
    }
}

/// The object of `class` labelled `label`, if there is exactly one; an error if several.
fn find(session: &Session, class: ObjectClass, label: &str) -> Result<Option<ObjectHandle>, Error> {
    let found = session
        .find_objects(&[
            Attribute::Class(class),
            Attribute::Label(label.as_bytes().to_vec()),
        ])
        .map_err(|e| Error::internal("pkcs11 find object", e))?;
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        _ => Err(Error::Internal(format!(
            "pkcs11: {} {class} objects labelled {label:?}",
            found.len()
        ))),
    }
}

fn find_one(session: &Session, class: ObjectClass, label: &str) -> Result<ObjectHandle, Fail> {
    find(session, class, label)
        .map_err(Fail::Relay)?
        .ok_or_else(|| {
            Fail::Relay(Error::Internal(format!(
                "pkcs11: no {class} object labelled {label:?}"
            )))
        })
}

/// The P-256 public key of an EC public key object. CKA_EC_POINT is a DER OCTET STRING around
/// the SEC1 point; some modules give the bare point, which is accepted too.
fn ec_point(session: &Session, public: ObjectHandle) -> Result<VerifyingKey, Fail> {
    let attrs = session
        .get_attributes(public, &[cryptoki::object::AttributeType::EcPoint])
        .map_err(Fail::hsm("pkcs11 read EC point"))?;
    let point = attrs
        .into_iter()
        .find_map(|a| match a {
            Attribute::EcPoint(p) => Some(p),
            _ => None,
        })
        .ok_or_else(|| Fail::Relay(Error::Internal("pkcs11: public key has no EC point".into())))?;
    let from_der = OctetString::from_der(&point)
        .ok()
        .and_then(|octets| VerifyingKey::from_sec1_bytes(octets.as_bytes()).ok());
    match from_der {
        Some(key) => Ok(key),
        None => VerifyingKey::from_sec1_bytes(&point)
            .map_err(|e| Fail::Relay(Error::internal("pkcs11 EC point", e))),
    }
}

/// A loaded and initialized PKCS#11 module. C_Initialize is once per process per module, so
/// every `Pkcs11Custody` on the same module shares one context; the last one to go finalizes.
struct Module {
    path: PathBuf,
    ctx: Pkcs11,
}

struct LoadedModule {
    path: PathBuf,
    ctx: Pkcs11,
    users: usize,
    /// False if something else in the process initialized the module first: then it is not
    /// ours to finalize.
    owned: bool,
}

static MODULES: Mutex<Vec<LoadedModule>> = Mutex::new(Vec::new());

fn modules() -> MutexGuard<'static, Vec<LoadedModule>> {
    // The list stays consistent under a panic (each change is one push, remove or increment).
    MODULES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Module {
    fn acquire(path: &Path) -> Result<Self, Error> {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let mut loaded = modules();
        if let Some(module) = loaded.iter_mut().find(|m| m.path == path) {
            module.users += 1;
            return Ok(Self {
                path,
                ctx: module.ctx.clone(),
            });
        }
        let ctx = Pkcs11::new(&path).map_err(|e| Error::internal("pkcs11 load module", e))?;
        let owned = match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => true,
            Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => false,
            Err(e) => return Err(Error::internal("pkcs11 initialize", e)),
        };
        loaded.push(LoadedModule {
            path: path.clone(),
            ctx: ctx.clone(),
            users: 1,
            owned,
        });
        Ok(Self { path, ctx })
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        let mut loaded = modules();
        let Some(index) = loaded.iter().position(|m| m.path == self.path) else {
            return;
        };
        loaded[index].users -= 1;
        if loaded[index].users == 0 {
            let module = loaded.swap_remove(index);
            if module.owned
                && let Err(e) = module.ctx.finalize()
            {
                tracing::warn!(error = %e, "pkcs11 finalize");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Each test runs against throwaway SoftHSM2 tokens. SoftHSM2 reads `SOFTHSM2_CONF` once, when
    //! the module is initialized, and that state is process-wide; setting the variable in-process
    //! would race with parallel tests (and `set_var` is `unsafe` in Rust 2024, forbidden here).
    //! So each `#[test]` below makes a token directory, initializes tokens with `softhsm2-util`,
    //! and runs its body in a child process of this test binary with `SOFTHSM2_CONF` set on the
    //! `Command`. The bodies are `#[ignore]`d tests that do nothing outside such a child.

    use super::*;
    use std::process::Command;

    use cryptoki::object::{AttributeInfo, AttributeType};
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::signature::hazmat::PrehashVerifier;

    const TOKEN: &str = "nubefirma-test";
    const OTHER_TOKEN: &str = "nubefirma-other";
    const SO_PIN: &str = "1234";
    const PIN: &str = "5678";
    const MASTER: &str = "nubefirma-master";
    /// Set only in the child processes that run the bodies.
    const CHILD: &str = "NUBEFIRMA_PKCS11_TEST_CHILD";

    fn module() -> PathBuf {
        std::env::var_os("SOFTHSM2_MODULE")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
    }

    fn config(token: &str) -> Pkcs11Config {
        Pkcs11Config {
            module: module(),
            token_label: token.into(),
            user_pin: PIN.into(),
            master_key_label: MASTER.into(),
        }
    }

    /// Runs the ignored test `body` (its name inside this module) in a child process, against a
    /// fresh SoftHSM2 token directory holding the tokens `TOKEN` and `OTHER_TOKEN`.
    fn in_softhsm(body: &str) {
        let dir = tempfile::tempdir().expect("tempdir");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).expect("token dir");
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .expect("conf");
        for label in [TOKEN, OTHER_TOKEN] {
            let out = Command::new("softhsm2-util")
                .args(["--init-token", "--free", "--label", label])
                .args(["--so-pin", SO_PIN, "--pin", PIN])
                .env("SOFTHSM2_CONF", &conf)
                .output()
                .expect("softhsm2-util (apt-get install softhsm2)");
            assert!(out.status.success(), "init token: {out:?}");
        }
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .arg(format!("keys::pkcs11::tests::{body}"))
            .args(["--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env("SOFTHSM2_CONF", &conf)
            .env(CHILD, "1")
            .current_dir(dir.path())
            .output()
            .expect("run child test");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{body} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn in_child() -> bool {
        std::env::var_os(CHILD).is_some()
    }

    /// Attributes of the object of `class` labelled `label`, read in the custody's own session.
    fn attributes(
        custody: &Pkcs11Custody,
        class: ObjectClass,
        label: &str,
        types: &[AttributeType],
    ) -> (Vec<Attribute>, Vec<AttributeInfo>) {
        custody
            .hsm
            .with_session(|open| {
                let object = find_one(&open.session, class, label)?;
                let values = open
                    .session
                    .get_attributes(object, types)
                    .map_err(Fail::hsm("get attributes"))?;
                let info = open
                    .session
                    .get_attribute_info(object, &[AttributeType::Value])
                    .map_err(Fail::hsm("attribute info"))?;
                Ok((values, info))
            })
            .expect("attributes")
    }

    /// The object is a sensitive, never-extractable key whose value cannot be read.
    fn assert_locked_in(custody: &Pkcs11Custody, class: ObjectClass, label: &str) {
        let (values, value_info) = attributes(
            custody,
            class,
            label,
            &[
                AttributeType::Extractable,
                AttributeType::Sensitive,
                AttributeType::NeverExtractable,
                AttributeType::AlwaysSensitive,
                AttributeType::Token,
                AttributeType::Value,
            ],
        );
        for expected in [
            Attribute::Extractable(false),
            Attribute::Sensitive(true),
            Attribute::NeverExtractable(true),
            Attribute::AlwaysSensitive(true),
            Attribute::Token(true),
        ] {
            assert!(values.contains(&expected), "{label}: {values:?}");
        }
        assert!(
            !values.iter().any(|a| matches!(a, Attribute::Value(_))),
            "{label}: CKA_VALUE was readable"
        );
        assert!(
            matches!(value_info.as_slice(), [AttributeInfo::Sensitive]),
            "{label}: reading CKA_VALUE gave {value_info:?}, not CKR_ATTRIBUTE_SENSITIVE"
        );
    }

    #[test]
    fn a_citizen_key_signs_only_through_a_verified_sad_with_the_right_kek_and_credential() {
        in_softhsm("citizen_key_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn citizen_key_body() {
        if !in_child() {
            return;
        }
        let custody = Pkcs11Custody::open(&config(TOKEN)).expect("open");
        let kek = PasswordKek([2u8; 32]);
        let credential = CredentialId::new_random();
        let (public, sealed) = custody
            .generate_citizen_key(&credential, &kek)
            .expect("generate");
        let digests = [[9u8; 32], [10u8; 32]];
        let sigs = custody
            .sign_citizen(VerifiedSad::for_tests(&credential, &digests), &sealed, &kek)
            .expect("sign");
        assert_eq!(sigs.len(), 2);
        for (digest, sig) in digests.iter().zip(&sigs) {
            let sig = Signature::from_der(sig).expect("der");
            assert!(public.verify_prehash(digest, &sig).is_ok());
        }

        let sad = || VerifiedSad::for_tests(&credential, &digests);
        assert!(
            custody
                .sign_citizen(sad(), &sealed, &PasswordKek([3u8; 32]))
                .is_err(),
            "wrong password KEK"
        );
        let other = CredentialId::new_random();
        assert!(
            custody
                .sign_citizen(VerifiedSad::for_tests(&other, &digests), &sealed, &kek)
                .is_err(),
            "blob moved to another credential"
        );
        let other_hsm = Pkcs11Custody::open(&config(OTHER_TOKEN)).expect("open other");
        assert!(
            other_hsm.sign_citizen(sad(), &sealed, &kek).is_err(),
            "another token's master key"
        );
        // The same token opened again (a relay restart) still opens the blob.
        drop(custody);
        let reopened = Pkcs11Custody::open(&config(TOKEN)).expect("reopen");
        assert!(reopened.sign_citizen(sad(), &sealed, &kek).is_ok());
    }

    #[test]
    fn a_rewrapped_citizen_key_signs_as_before_with_the_new_kek_only() {
        in_softhsm("rewrap_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn rewrap_body() {
        if !in_child() {
            return;
        }
        let custody = Pkcs11Custody::open(&config(TOKEN)).expect("open");
        let (old_kek, new_kek) = (PasswordKek([2u8; 32]), PasswordKek([3u8; 32]));
        let credential = CredentialId::new_random();
        let (public, sealed) = custody
            .generate_citizen_key(&credential, &old_kek)
            .expect("generate");
        let rewrapped = custody
            .rewrap_citizen_key(&credential, &sealed, &old_kek, &new_kek)
            .expect("rewrap");
        let digests = [[9u8; 32]];
        let sad = || VerifiedSad::for_tests(&credential, &digests);
        let sigs = custody
            .sign_citizen(sad(), &rewrapped, &new_kek)
            .expect("sign with the new KEK");
        let sig = Signature::from_der(&sigs[0]).expect("der");
        assert!(
            public.verify_prehash(&digests[0], &sig).is_ok(),
            "the same key"
        );
        assert!(
            custody.sign_citizen(sad(), &rewrapped, &old_kek).is_err(),
            "the old KEK no longer opens it"
        );
        assert!(
            custody
                .rewrap_citizen_key(&credential, &sealed, &PasswordKek([4u8; 32]), &new_kek)
                .is_err(),
            "a wrong old KEK rewraps nothing"
        );
        let other_hsm = Pkcs11Custody::open(&config(OTHER_TOKEN)).expect("open other");
        assert!(
            other_hsm
                .rewrap_citizen_key(&credential, &sealed, &old_kek, &new_kek)
                .is_err(),
            "another token's master key rewraps nothing"
        );
    }

    #[test]
    fn a_ca_key_is_made_in_the_token_signs_there_and_cannot_be_read_out() {
        in_softhsm("ca_key_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn ca_key_body() {
        if !in_child() {
            return;
        }
        let custody = Pkcs11Custody::open(&config(TOKEN)).expect("open");
        let (public, stored) = custody.generate_ca_key("issuing").expect("generate");
        let label = String::from_utf8(stored.0.clone()).expect("label");
        assert!(label.starts_with("issuing-"), "{label}");
        let (_, again) = custody.generate_ca_key("issuing").expect("generate again");
        assert_ne!(stored, again, "labels are unique");

        let handle = custody.ca_key("issuing", &stored).expect("handle");
        assert_eq!(handle.public_key(), &public);
        let sig = handle.sign(b"tbs").expect("sign");
        let sig = Signature::from_der(sig.as_bytes()).expect("der");
        assert!(public.verify(b"tbs", &sig).is_ok());
        assert!(public.verify(b"other", &sig).is_err());

        assert_locked_in(&custody, ObjectClass::PRIVATE_KEY, &label);

        assert!(custody.ca_key("root", &stored).is_err(), "another role");
        assert!(custody.ca_key("issu", &stored).is_err(), "a prefix role");
        let other_hsm = Pkcs11Custody::open(&config(OTHER_TOKEN)).expect("open other");
        assert!(
            other_hsm.ca_key("issuing", &stored).is_err(),
            "not in the other token"
        );
        // A handle outlives its custody value: it holds the session it needs.
        drop(custody);
        assert!(handle.sign(b"later").is_ok());
    }

    #[test]
    fn the_master_key_stays_in_the_token_and_code_macs_depend_on_it() {
        in_softhsm("master_key_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn master_key_body() {
        if !in_child() {
            return;
        }
        let custody = Pkcs11Custody::open(&config(TOKEN)).expect("open");
        assert_locked_in(&custody, ObjectClass::SECRET_KEY, MASTER);
        let mac = custody.code_mac("otp", "123456").expect("mac");
        assert_eq!(mac, custody.code_mac("otp", "123456").expect("mac"));
        assert_ne!(mac, custody.code_mac("sms", "123456").expect("mac"));
        assert_ne!(mac, custody.code_mac("otp", "123457").expect("mac"));

        // Stable across a re-open, with and without another custody on the same module alive.
        let second = Pkcs11Custody::open(&config(TOKEN)).expect("open twice");
        assert_eq!(second.code_mac("otp", "123456").expect("mac"), mac);
        drop(custody);
        drop(second);
        let reopened = Pkcs11Custody::open(&config(TOKEN)).expect("reopen");
        assert_eq!(reopened.code_mac("otp", "123456").expect("mac"), mac);

        // One master key, not one per open.
        let count = reopened
            .hsm
            .with_session(|open| {
                open.session
                    .find_objects(&[Attribute::Label(MASTER.as_bytes().to_vec())])
                    .map_err(Fail::hsm("find"))
            })
            .expect("find")
            .len();
        assert_eq!(count, 1);

        let other = Pkcs11Custody::open(&config(OTHER_TOKEN)).expect("open other");
        assert_ne!(other.code_mac("otp", "123456").expect("mac"), mac);

        // A lost login (here: logged out behind its back) is recovered by a new session.
        reopened
            .hsm
            .with_session(|open| open.session.logout().map_err(Fail::hsm("logout")))
            .expect("logout");
        assert_eq!(reopened.code_mac("otp", "123456").expect("mac"), mac);
    }

    #[test]
    fn the_certificate_builder_signs_with_a_pkcs11_ca_key() {
        in_softhsm("certificate_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn certificate_body() {
        use std::str::FromStr;
        use std::time::Duration;

        use der::{DecodePem, EncodePem};
        use spki::SubjectPublicKeyInfoOwned;
        use x509_cert::Certificate;
        use x509_cert::builder::{Builder, CertificateBuilder, Profile};
        use x509_cert::name::Name;
        use x509_cert::serial_number::SerialNumber;
        use x509_cert::time::Validity;

        if !in_child() {
            return;
        }
        let custody = Pkcs11Custody::open(&config(TOKEN)).expect("open");
        let (public, stored) = custody.generate_ca_key("root").expect("generate");
        let key = custody.ca_key("root", &stored).expect("handle");
        let subject = Name::from_str("CN=nubefirma PKCS#11 test root,O=nubefirma").expect("name");
        let cert = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::new(&[1, 2, 3]).expect("serial"),
            Validity::from_now(Duration::from_secs(3600)).expect("validity"),
            subject,
            SubjectPublicKeyInfoOwned::from_key(public).expect("spki"),
            &key,
        )
        .expect("builder")
        .build::<DerSignature>()
        .expect("build");

        // The self-signature verifies with p256...
        let tbs = der::Encode::to_der(&cert.tbs_certificate).expect("tbs");
        let sig = Signature::from_der(cert.signature.raw_bytes()).expect("sig");
        assert!(public.verify(&tbs, &sig).is_ok());

        // ...and with openssl.
        let pem = cert.to_pem(der::pem::LineEnding::LF).expect("pem");
        Certificate::from_pem(&pem).expect("round trip");
        let path = std::env::temp_dir().join(format!(
            "nubefirma-pkcs11-root-{}.pem",
            hex::encode(random_bytes::<8>())
        ));
        std::fs::write(&path, &pem).expect("write pem");
        let out = Command::new("openssl")
            .args(["verify", "-CAfile"])
            .arg(&path)
            .arg(&path)
            .output()
            .expect("openssl");
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "openssl verify: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn a_wrong_pin_is_refused_without_showing_the_pin() {
        in_softhsm("wrong_pin_body");
    }

    #[test]
    #[ignore = "runs in a child process, see in_softhsm"]
    fn wrong_pin_body() {
        if !in_child() {
            return;
        }
        let wrong = "wrong-pin-73519";
        let mut config = config(TOKEN);
        config.user_pin = wrong.into();
        assert!(!format!("{config:?}").contains(wrong));
        let err = match Pkcs11Custody::open(&config) {
            Ok(_) => panic!("a wrong PIN opened the token"),
            Err(e) => e,
        };
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("login"), "{shown}");
        assert!(!shown.contains(wrong), "{shown}");
        assert!(!shown.contains(PIN), "{shown}");

        let mut unknown = super::tests::config("no-such-token");
        unknown.user_pin = wrong.into();
        let err = match Pkcs11Custody::open(&unknown) {
            Ok(_) => panic!("opened a token that does not exist"),
            Err(e) => e,
        };
        assert!(!format!("{err} {err:?}").contains(wrong));

        // The right PIN still works afterwards.
        assert!(Pkcs11Custody::open(&super::tests::config(TOKEN)).is_ok());
    }
}
