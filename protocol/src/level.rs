//! Levels of assurance and the keys that reach them (R1–R4). A service asks for a level; the
//! citizen may use any key that meets it. The **PIN key** (a short-lived code by SMS after her
//! ID number and birth date) and the **password** alone reach `Low`, identification only; the
//! password with an SMS one-time code reaches `Reinforced`, the level every signature is made
//! at (R2, R19).

use serde::{Deserialize, Serialize};

/// A level of assurance, lowest first (the order is what `meets` compares).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Identification: the PIN key, or the password alone.
    Low,
    /// Password and an SMS one-time code: identification at any level, and signing.
    Reinforced,
}

impl Level {
    pub const ALL: [Level; 2] = [Level::Low, Level::Reinforced];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Reinforced => "reinforced",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == name)
    }

    /// This level is enough for a service that asks for `asked`.
    pub fn meets(self, asked: Level) -> bool {
        self >= asked
    }
}

/// The key a session was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AuthKey {
    /// The PIN key: identification only, never signing, never the panel (R4).
    Pin,
    /// The permanent key: her password (R1, R4).
    Password,
}

impl AuthKey {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pin => "pin",
            Self::Password => "password",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Pin, Self::Password]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    /// The keys that can reach `level`: what a login widget offers for it (R3).
    pub fn offered_for(level: Level) -> &'static [AuthKey] {
        match level {
            Level::Low => &[AuthKey::Password, AuthKey::Pin],
            Level::Reinforced => &[AuthKey::Password],
        }
    }

    /// The highest level this key reaches, with the SMS step where it has one.
    pub fn reaches(self) -> Level {
        match self {
            Self::Pin => Level::Low,
            Self::Password => Level::Reinforced,
        }
    }
}

/// RFC 8176 authentication method references for what a session proved: what the identity
/// assertion's `amr` says.
pub fn methods(key: AuthKey, level: Level) -> &'static [&'static str] {
    match (key, level) {
        (AuthKey::Pin, _) => &["sms"],
        (AuthKey::Password, Level::Low) => &["pwd"],
        (AuthKey::Password, Level::Reinforced) => &["pwd", "sms", "mfa"],
    }
}

/// A portal's nonce for an identity assertion: 16 to 128 characters of the URL-safe set
/// (`A-Za-z0-9-_.~`), so any portal's random token fits and nothing else does. The relay and
/// the SDK check it alike.
pub fn is_acceptable_nonce(nonce: &str) -> bool {
    (16..=128).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_portal_tokens_and_nothing_else() {
        assert!(is_acceptable_nonce("abcdefghijklmnop"));
        assert!(is_acceptable_nonce("A1-_.~A1-_.~A1-_.~"));
        assert!(is_acceptable_nonce(&"x".repeat(128)));
        for bad in [
            "short",
            "sixteen chars ok",
            "ñandú-ñandú-ñandú",
            &"x".repeat(129),
        ] {
            assert!(!is_acceptable_nonce(bad), "{bad}");
        }
    }

    #[test]
    fn r3_a_higher_level_meets_a_lower_request_and_not_the_reverse() {
        assert!(Level::Reinforced.meets(Level::Low));
        assert!(Level::Reinforced.meets(Level::Reinforced));
        assert!(Level::Low.meets(Level::Low));
        assert!(!Level::Low.meets(Level::Reinforced));
    }

    #[test]
    fn r4_only_the_permanent_key_reaches_the_reinforced_level() {
        assert_eq!(
            AuthKey::offered_for(Level::Reinforced),
            &[AuthKey::Password]
        );
        assert!(AuthKey::offered_for(Level::Low).contains(&AuthKey::Pin));
        assert_eq!(AuthKey::Pin.reaches(), Level::Low);
        for level in Level::ALL {
            for key in AuthKey::offered_for(level) {
                assert!(key.reaches().meets(level), "{key:?} offered for {level:?}");
            }
        }
    }

    #[test]
    fn names_round_trip_and_match_serde() {
        for level in Level::ALL {
            assert_eq!(Level::from_name(level.as_str()), Some(level));
            assert_eq!(
                serde_json::to_string(&level).ok(),
                Some(format!("\"{}\"", level.as_str()))
            );
        }
        for key in [AuthKey::Pin, AuthKey::Password] {
            assert_eq!(AuthKey::from_name(key.as_str()), Some(key));
        }
        assert_eq!(Level::from_name("high"), None);
    }

    #[test]
    fn methods_name_what_was_proved() {
        assert_eq!(methods(AuthKey::Pin, Level::Low), &["sms"]);
        assert_eq!(methods(AuthKey::Password, Level::Low), &["pwd"]);
        assert!(methods(AuthKey::Password, Level::Reinforced).contains(&"mfa"));
    }
}
