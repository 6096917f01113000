//! Password policy and argon2id: the verifier stored as a PHC string, and a separate
//! password-derived key-encryption key (KEK) that unlocks the citizen's signing key.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand_core::OsRng;

use crate::Error;
use crate::limits::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

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
    if lower.contains(&id_number.to_lowercase())
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

    /// A PHC verifier (`$argon2id$v=19$m=…`) for a new password.
    pub fn hash_password(&mut self, password: &str) -> Result<String, Error> {
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt
            .decode_b64(&mut salt_bytes)
            .map_err(|e| Error::internal("argon2 salt", e))?;
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        self.hash_into(Params::DEFAULT, password.as_bytes(), raw_salt, &mut out)
            .map_err(|e| Error::internal("argon2 hash", e))?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: (&Params::DEFAULT)
                .try_into()
                .map_err(|e| Error::internal("argon2 params", e))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| Error::internal("argon2 output", e))?),
        };
        Ok(hash.to_string())
    }

    /// Checks a password against its PHC verifier, in constant time.
    pub fn verify_password(&mut self, password: &str, phc: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Some(salt), Some(expected), Ok(params)) =
            (parsed.salt, parsed.hash, Params::try_from(&parsed))
        else {
            return false;
        };
        let mut salt_bytes = [0u8; 64];
        let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut out = vec![0u8; expected.len()];
        if self
            .hash_into(params, password.as_bytes(), raw_salt, &mut out)
            .is_err()
        {
            return false;
        }
        crate::crypto::secrets_equal(&out, expected.as_bytes())
    }

    /// Burns the same work as a real verification, so an unknown identifier answers as slowly
    /// as a known one and timing does not tell which identifiers exist.
    pub fn verify_against_nothing(&mut self, password: &str) {
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        let _ = self.hash_into(Params::DEFAULT, password.as_bytes(), &[0u8; 16], &mut out);
    }

    /// The password-derived key-encryption key (argon2id with its own salt).
    pub fn derive_kek(&mut self, password: &str, salt: &[u8]) -> Result<[u8; 32], Error> {
        let mut out = [0u8; 32];
        self.hash_into(Params::DEFAULT, password.as_bytes(), salt, &mut out)
            .map_err(|e| Error::internal("argon2 kdf", e))?;
        Ok(out)
    }
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
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher.verify_password("correct horse battery", &phc));
        assert!(!hasher.verify_password("correct horse batterY", &phc));
        assert!(!hasher.verify_password("x", "not a phc string"));
    }

    #[test]
    fn verifiers_agree_with_the_argon2_crate_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let reference = Argon2::default();
        let salt = SaltString::generate(&mut OsRng);
        let theirs = reference
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        let mut hasher = Hasher::new();
        assert!(hasher.verify_password("correct horse battery", &theirs));
        let ours = hasher.hash_password("correct horse battery").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(
            reference
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
    }

    #[test]
    fn kek_depends_on_password_and_salt() {
        let mut h = Hasher::new();
        let a = h
            .derive_kek("pw-one-long", b"salt-salt-salt-1")
            .expect("kdf");
        assert_eq!(
            a,
            h.derive_kek("pw-one-long", b"salt-salt-salt-1")
                .expect("kdf")
        );
        assert_ne!(
            a,
            h.derive_kek("pw-two-long", b"salt-salt-salt-1")
                .expect("kdf")
        );
        assert_ne!(
            a,
            h.derive_kek("pw-one-long", b"salt-salt-salt-2")
                .expect("kdf")
        );
    }
}
