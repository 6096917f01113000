//! Password policy and argon2id: the verifier stored as a PHC string, and a separate
//! password-derived key-encryption key (KEK) that unlocks the citizen's signing key.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::OsRng;

use crate::Error;
use crate::limits::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
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

pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal("argon2 hash", e))
}

/// Checks a password against its PHC verifier (argon2 compares in constant time).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Burns the same work as a real verification, so an unknown identifier answers as slowly as a
/// known one and timing does not tell which identifiers exist.
pub fn verify_against_nothing(password: &str) {
    let salt = [0u8; 16];
    let mut out = [0u8; 32];
    let _ = argon2().hash_password_into(password.as_bytes(), &salt, &mut out);
}

/// The password-derived key-encryption key (argon2id with its own salt).
pub fn derive_kek(password: &str, salt: &[u8]) -> Result<[u8; 32], Error> {
    let mut out = [0u8; 32];
    argon2()
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| Error::internal("argon2 kdf", e))?;
    Ok(out)
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
        let phc = hash_password("correct horse battery").expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn kek_depends_on_password_and_salt() {
        let a = derive_kek("pw-one-long", b"salt-salt-salt-1").expect("kdf");
        assert_eq!(
            a,
            derive_kek("pw-one-long", b"salt-salt-salt-1").expect("kdf")
        );
        assert_ne!(
            a,
            derive_kek("pw-two-long", b"salt-salt-salt-1").expect("kdf")
        );
        assert_ne!(
            a,
            derive_kek("pw-one-long", b"salt-salt-salt-2").expect("kdf")
        );
    }
}
