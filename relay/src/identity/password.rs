//! Password policy and argon2id: the verifier stored as a PHC string, and the password-derived
//! key-encryption key (KEK) that unlocks the citizen's signing key.
//!
//! One argon2id run per login: its 32-byte output is expanded with HKDF-SHA256 into the
//! verifier (info "nubefirma verifier", stored) and the KEK (info "nubefirma kek", salted with
//! the account's KEK salt, never stored). HKDF is one-way, so the stored verifier tells nothing
//! about the KEK; a guess still costs one argon2id run, as before. Its PHC string is tagged
//! `$nubefirma-argon2id-hkdf$`. Accounts made before keep a plain `$argon2id$` verifier and a
//! KEK from a second argon2id run over the KEK salt (`legacy`): both paths stay, so their
//! sealed keys keep opening.

use argon2::password_hash::{Ident, Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use hkdf::Hkdf;
use rand_core::OsRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::Error;
use crate::limits::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// The PHC identifier of verifiers whose argon2id output also gives the KEK.
pub const ONE_RUN_IDENT: &str = "nubefirma-argon2id-hkdf";
const VERIFIER_INFO: &[u8] = b"nubefirma verifier";
const KEK_INFO: &[u8] = b"nubefirma kek";
/// argon2id's output length, and the verifier's and the KEK's.
const KEY_LEN: usize = 32;

/// The argon2id cost of new verifiers: OWASP's first choice (m = 19 MiB, t = 2, p = 1),
/// argon2's `Params::DEFAULT` (docs/security-model.md says why).
pub fn params() -> Params {
    Params::DEFAULT
}

/// Which verifier a PHC string is, and what it needs to be checked.
enum Verifier<'a> {
    /// One argon2id run gives the verifier and the KEK.
    OneRun {
        params: Params,
        salt: &'a [u8],
        verifier: Output,
    },
    /// A plain argon2id verifier; the KEK needs a second run (accounts made before).
    Legacy {
        params: Params,
        salt: &'a [u8],
        expected: Output,
    },
}

fn parse_verifier<'a>(
    phc: &'a PasswordHash<'a>,
    salt_buf: &'a mut [u8; 64],
) -> Option<Verifier<'a>> {
    let (salt, hash) = (phc.salt?, phc.hash?);
    let salt = salt.decode_b64(salt_buf).ok()?;
    if phc.version != Some(Version::V0x13.into()) && phc.version.is_some() {
        return None;
    }
    match phc.algorithm.as_str() {
        ONE_RUN_IDENT if hash.len() == KEY_LEN => Some(Verifier::OneRun {
            params: Params::try_from(phc).ok()?,
            salt,
            verifier: hash,
        }),
        "argon2id" => Some(Verifier::Legacy {
            params: Params::try_from(phc).ok()?,
            salt,
            expected: hash,
        }),
        _ => None,
    }
}

/// HKDF-SHA256 of one argon2id output into a 32-byte key for `info`.
fn expand(argon2_out: &[u8; KEY_LEN], salt: Option<&[u8]>, info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit, so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(salt, argon2_out).expand(info, out.as_mut_slice());
    out
}

/// Policy (DESIGN.md): 8..=128 characters, not containing the ID number or the citizen's names.
pub fn check_policy(
    password: &str,
    id_number: &str,
    given_name: &str,
    surname: &str,
) -> Result<(), Error> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(Error::WeakPassword("it must have at least 8 characters"));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(Error::WeakPassword("it must have at most 128 characters"));
    }
    let lower = password.to_lowercase();
    let id_digits: String = id_number.chars().filter(char::is_ascii_digit).collect();
    // An empty ID (an operator; a decoy reset) has nothing to compare with.
    if (!id_number.is_empty() && lower.contains(&id_number.to_lowercase()))
        || (id_digits.len() >= 7 && lower.contains(&id_digits))
    {
        return Err(Error::WeakPassword("it must not contain your ID number"));
    }
    let names = given_name
        .split_whitespace()
        .chain(surname.split_whitespace());
    if names
        .map(str::to_lowercase)
        .any(|name| name.chars().count() >= 3 && lower.contains(&name))
    {
        return Err(Error::WeakPassword("it must not contain your name"));
    }
    Ok(())
}

/// An argon2id worker's memory: the blocks of one run, allocated once and reused, so a burst
/// of logins does not leave the allocator holding a fresh 19 MiB per run.
pub struct Hasher {
    blocks: Vec<Block>,
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    pub fn new() -> Self {
        Self {
            blocks: vec![Block::default(); Params::DEFAULT.block_count()],
        }
    }

    fn hash_into(
        &mut self,
        params: Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        if self.blocks.len() < argon2.params().block_count() {
            // A verifier made with larger parameters: this run gets its own memory.
            let mut blocks = vec![Block::default(); argon2.params().block_count()];
            return argon2.hash_password_into_with_memory(password, salt, out, &mut blocks);
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut self.blocks)
    }

    /// One argon2id run of `password` over `salt` at `params`, into a wiped buffer.
    fn run(
        &mut self,
        params: Params,
        password: &str,
        salt: &[u8],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, argon2::Error> {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        self.hash_into(params, password.as_bytes(), salt, out.as_mut_slice())?;
        Ok(out)
    }

    /// A PHC verifier (`$nubefirma-argon2id-hkdf$v=19$m=19456,t=2,p=1$…`) for a new password.
    pub fn hash_password(&mut self, password: &str) -> Result<String, Error> {
        self.new_verifier(password).map(|(phc, _)| phc)
    }

    /// A PHC verifier for a new password and, from the same argon2id run, the KEK it gives
    /// with `kek_salt`: a password change re-wraps her keys under it at once, for the price of
    /// one run.
    pub fn hash_password_and_kek(
        &mut self,
        password: &str,
        kek_salt: &[u8],
    ) -> Result<(String, [u8; 32]), Error> {
        let (phc, out) = self.new_verifier(password)?;
        Ok((phc, *expand(&out, Some(kek_salt), KEK_INFO)))
    }

    /// A new one-run verifier and the argon2id output it came from.
    fn new_verifier(
        &mut self,
        password: &str,
    ) -> Result<(String, Zeroizing<[u8; KEY_LEN]>), Error> {
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt
            .decode_b64(&mut salt_bytes)
            .map_err(|e| Error::internal("argon2 salt", e))?;
        let params = params();
        let out = self
            .run(params.clone(), password, raw_salt)
            .map_err(|e| Error::internal("argon2 hash", e))?;
        let verifier = expand(&out, None, VERIFIER_INFO);
        let hash = PasswordHash {
            algorithm: Ident::new(ONE_RUN_IDENT).map_err(|e| Error::internal("phc ident", e))?,
            version: Some(Version::V0x13.into()),
            params: (&params)
                .try_into()
                .map_err(|e| Error::internal("argon2 params", e))?,
            salt: Some(salt.as_salt()),
            hash: Some(
                Output::new(verifier.as_slice())
                    .map_err(|e| Error::internal("argon2 output", e))?,
            ),
        };
        Ok((hash.to_string(), out))
    }

    /// Checks `password` against its PHC verifier, in constant time, and when it is right
    /// gives her KEK: one argon2id run for a one-run verifier, two for a legacy one (the
    /// second only after the password proved right, so wrong passwords cost one run alike).
    pub fn verify_and_derive_kek(
        &mut self,
        password: &str,
        phc: &str,
        kek_salt: &[u8],
    ) -> Result<Option<[u8; 32]>, Error> {
        match self.check(password, phc) {
            Checked::Wrong => Ok(None),
            Checked::RightOneRun(out) => Ok(Some(*expand(&out, Some(kek_salt), KEK_INFO))),
            Checked::RightLegacy => self.legacy_kek(password, kek_salt).map(Some),
        }
    }

    /// Checks a password against its PHC verifier (either kind), in constant time.
    pub fn verify_password(&mut self, password: &str, phc: &str) -> bool {
        !matches!(self.check(password, phc), Checked::Wrong)
    }

    fn check(&mut self, password: &str, phc: &str) -> Checked {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return Checked::Wrong;
        };
        let mut salt_buf = [0u8; 64];
        match parse_verifier(&parsed, &mut salt_buf) {
            Some(Verifier::OneRun {
                params,
                salt,
                verifier,
            }) => {
                let Ok(out) = self.run(params, password, salt) else {
                    return Checked::Wrong;
                };
                let derived = expand(&out, None, VERIFIER_INFO);
                if crate::crypto::secrets_equal(derived.as_slice(), verifier.as_bytes()) {
                    Checked::RightOneRun(out)
                } else {
                    Checked::Wrong
                }
            }
            Some(Verifier::Legacy {
                params,
                salt,
                expected,
            }) => {
                let mut out = Zeroizing::new(vec![0u8; expected.len()]);
                if self
                    .hash_into(params, password.as_bytes(), salt, &mut out)
                    .is_err()
                {
                    return Checked::Wrong;
                }
                if crate::crypto::secrets_equal(&out, expected.as_bytes()) {
                    Checked::RightLegacy
                } else {
                    Checked::Wrong
                }
            }
            None => Checked::Wrong,
        }
    }

    /// Burns the same work as a real verification, so an unknown identifier answers as slowly
    /// as a known one and timing does not tell which identifiers exist.
    pub fn verify_against_nothing(&mut self, password: &str) {
        let _ = self.run(params(), password, &[0u8; 16]);
    }

    /// The KEK of an account made before one-run verifiers: argon2id over its KEK salt.
    pub fn legacy_kek(&mut self, password: &str, kek_salt: &[u8]) -> Result<[u8; 32], Error> {
        let out = self
            .run(Params::DEFAULT, password, kek_salt)
            .map_err(|e| Error::internal("argon2 kdf", e))?;
        Ok(*out)
    }

    /// The KEK the account whose verifier is `phc` has, from her password, without checking
    /// the password: the procedure a thief holding the database would follow (tests).
    pub fn derive_kek(
        &mut self,
        password: &str,
        phc: &str,
        kek_salt: &[u8],
    ) -> Result<[u8; 32], Error> {
        let parsed = PasswordHash::new(phc).map_err(|e| Error::internal("phc", e))?;
        let mut salt_buf = [0u8; 64];
        match parse_verifier(&parsed, &mut salt_buf) {
            Some(Verifier::OneRun { params, salt, .. }) => {
                let out = self
                    .run(params, password, salt)
                    .map_err(|e| Error::internal("argon2 kdf", e))?;
                Ok(*expand(&out, Some(kek_salt), KEK_INFO))
            }
            Some(Verifier::Legacy { .. }) => self.legacy_kek(password, kek_salt),
            None => Err(Error::Internal("unknown verifier".into())),
        }
    }
}

enum Checked {
    Wrong,
    RightOneRun(Zeroizing<[u8; KEY_LEN]>),
    RightLegacy,
}

/// At most `size` argon2id runs at once, each on the blocking pool with a `Hasher` of its own
/// that is reused run after run: a flood of logins queues instead of taking the relay's memory.
pub struct HasherPool {
    permits: tokio::sync::Semaphore,
    idle: std::sync::Mutex<Vec<Hasher>>,
}

impl HasherPool {
    pub fn new(size: usize) -> Self {
        Self {
            permits: tokio::sync::Semaphore::new(size),
            idle: std::sync::Mutex::new(Vec::new()),
        }
    }

    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Hasher) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::internal("argon2 permits", e))?;
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut hasher = taken.unwrap_or_default();
        let (hasher, result) = tokio::task::spawn_blocking(move || {
            let result = work(&mut hasher);
            (hasher, result)
        })
        .await
        .map_err(|e| Error::internal("argon2 task", e))?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(hasher);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(pw: &str) -> Result<(), Error> {
        check_policy(pw, "12345678Z", "María José", "García")
    }

    #[test]
    fn policy_accepts_a_reasonable_password() {
        assert!(policy("correct horse battery").is_ok());
        // Without an ID or names to compare with, only the length rules.
        assert!(check_policy("Caracola-roja-2026", "", "", "").is_ok());
        assert!(check_policy("corta", "", "", "").is_err());
    }

    #[test]
    fn policy_refuses_short_long_id_and_name() {
        assert!(matches!(policy("short1!"), Err(Error::WeakPassword(_))));
        assert!(matches!(
            policy(&"x".repeat(129)),
            Err(Error::WeakPassword(_))
        ));
        assert!(matches!(
            policy("my12345678zpass"),
            Err(Error::WeakPassword(_))
        ));
        assert!(matches!(
            policy("pw12345678xx"),
            Err(Error::WeakPassword(_))
        ));
        assert!(matches!(
            policy("GARCIA-rules-but-garcía"),
            Err(Error::WeakPassword(_))
        ));
        assert!(matches!(
            policy("i-am-maría-2024"),
            Err(Error::WeakPassword(_))
        ));
    }

    #[test]
    fn hash_verifies_only_the_right_password() {
        let mut hasher = Hasher::new();
        let phc = hasher.hash_password("correct horse battery").expect("hash");
        assert!(
            phc.starts_with("$nubefirma-argon2id-hkdf$v=19$m=19456,t=2,p=1$"),
            "{phc}"
        );
        assert!(hasher.verify_password("correct horse battery", &phc));
        assert!(!hasher.verify_password("correct horse batterY", &phc));
        assert!(!hasher.verify_password("x", "not a phc string"));
        // Another algorithm's name on the same salt and hash is not accepted.
        let renamed = phc.replace("$nubefirma-argon2id-hkdf$", "$argon2i$");
        assert!(!hasher.verify_password("correct horse battery", &renamed));
    }

    #[test]
    fn one_argon2id_output_gives_verifier_and_kek_by_hkdf() {
        let mut hasher = Hasher::new();
        let phc = hasher.hash_password("correct horse battery").expect("hash");
        let parsed = PasswordHash::new(&phc).expect("phc");
        let mut salt_buf = [0u8; 64];
        let salt = parsed
            .salt
            .expect("salt")
            .decode_b64(&mut salt_buf)
            .expect("b64");
        // The reference argon2 crate's output, expanded by hand.
        let mut out = [0u8; 32];
        Argon2::default()
            .hash_password_into(b"correct horse battery", salt, &mut out)
            .expect("argon2");
        let verifier = expand(&out, None, b"nubefirma verifier");
        assert_eq!(
            parsed.hash.expect("hash").as_bytes(),
            verifier.as_slice(),
            "the stored verifier"
        );
        let kek_salt = b"kek-salt-16bytes";
        let kek = hasher
            .verify_and_derive_kek("correct horse battery", &phc, kek_salt)
            .expect("argon2")
            .expect("right password");
        assert_eq!(kek, *expand(&out, Some(kek_salt), b"nubefirma kek"));
        assert_ne!(kek, out, "the KEK is not the raw output");
        assert_ne!(kek.as_slice(), verifier.as_slice());
        assert_eq!(
            hasher
                .derive_kek("correct horse battery", &phc, kek_salt)
                .expect("kdf"),
            kek
        );
        assert_eq!(
            hasher
                .verify_and_derive_kek("correct horse batterY", &phc, kek_salt)
                .expect("argon2"),
            None
        );
    }

    #[test]
    fn a_new_verifier_and_its_kek_come_from_one_run_and_match_a_later_login() {
        let mut hasher = Hasher::new();
        let kek_salt = b"kek-salt-16bytes";
        let (phc, kek) = hasher
            .hash_password_and_kek("correct horse battery", kek_salt)
            .expect("hash");
        assert!(hasher.verify_password("correct horse battery", &phc));
        assert_eq!(
            hasher
                .verify_and_derive_kek("correct horse battery", &phc, kek_salt)
                .expect("argon2"),
            Some(kek),
            "the KEK the next login derives"
        );
    }

    #[test]
    fn legacy_verifiers_made_by_the_argon2_crate_still_verify_and_give_the_old_kek() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let legacy = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        assert!(legacy.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let mut hasher = Hasher::new();
        assert!(hasher.verify_password("correct horse battery", &legacy));
        assert!(!hasher.verify_password("correct horse batterY", &legacy));
        let kek_salt = b"salt-salt-salt-1";
        let mut old_kek = [0u8; 32];
        Argon2::default()
            .hash_password_into(b"correct horse battery", kek_salt, &mut old_kek)
            .expect("argon2");
        assert_eq!(
            hasher
                .verify_and_derive_kek("correct horse battery", &legacy, kek_salt)
                .expect("argon2"),
            Some(old_kek)
        );
        assert_eq!(
            hasher
                .verify_and_derive_kek("wrong horse battery", &legacy, kek_salt)
                .expect("argon2"),
            None
        );
    }

    #[test]
    fn kek_depends_on_password_and_salts() {
        let mut h = Hasher::new();
        let phc = h.hash_password("pw-one-long").expect("hash");
        let other = h.hash_password("pw-one-long").expect("hash");
        let kek = |h: &mut Hasher, pw: &str, phc: &str, salt: &[u8]| {
            h.derive_kek(pw, phc, salt).expect("kdf")
        };
        let a = kek(&mut h, "pw-one-long", &phc, b"salt-salt-salt-1");
        assert_eq!(a, kek(&mut h, "pw-one-long", &phc, b"salt-salt-salt-1"));
        assert_ne!(a, kek(&mut h, "pw-two-long", &phc, b"salt-salt-salt-1"));
        assert_ne!(a, kek(&mut h, "pw-one-long", &phc, b"salt-salt-salt-2"));
        assert_ne!(a, kek(&mut h, "pw-one-long", &other, b"salt-salt-salt-1"));
    }
}
