//! Spanish identity numbers: DNI (8 digits + check letter) and NIE (X/Y/Z + 7 digits + check
//! letter). "Parse, don't validate": an `IdNumber` only exists with a correct check letter.

use std::fmt;
use std::str::FromStr;

/// Check letters, indexed by number mod 23 (Ministerio del Interior's table).
const CHECK_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// A DNI or NIE number with a valid check letter, in canonical form (upper case, no separators).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    /// Not 8 digits + letter (DNI) nor X/Y/Z + 7 digits + letter (NIE).
    Malformed,
    /// The shape is right but the check letter does not match the number.
    WrongCheckLetter { expected: char },
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str(
                "not a DNI (8 digits and a letter) or NIE (X, Y or Z, 7 digits and a letter)",
            ),
            Self::WrongCheckLetter { expected } => {
                write!(f, "the check letter is wrong (expected {expected})")
            }
        }
    }
}

impl std::error::Error for IdNumberError {}

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for a NIE (foreigner identity number), false for a DNI.
    pub fn is_nie(&self) -> bool {
        matches!(self.0.as_bytes().first(), Some(b'X' | b'Y' | b'Z'))
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    /// Accepts lower case and the usual separators (spaces, hyphens, dots) as people type them.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let canonical: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = canonical.as_bytes();
        if bytes.len() != 9 || !bytes.is_ascii() {
            return Err(IdNumberError::Malformed);
        }
        let (number_part, letter) = (&bytes[..8], bytes[8]);
        let nie_prefix = match number_part[0] {
            b'X' => Some(b'0'),
            b'Y' => Some(b'1'),
            b'Z' => Some(b'2'),
            _ => None,
        };
        let digits: Vec<u8> = match nie_prefix {
            Some(d) => std::iter::once(d)
                .chain(number_part[1..].iter().copied())
                .collect(),
            None => number_part.to_vec(),
        };
        if !digits.iter().all(u8::is_ascii_digit) || !letter.is_ascii_uppercase() {
            return Err(IdNumberError::Malformed);
        }
        let number = digits
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        let expected = CHECK_LETTERS[(number % 23) as usize];
        if letter != expected {
            return Err(IdNumberError::WrongCheckLetter {
                expected: char::from(expected),
            });
        }
        Ok(Self(canonical))
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_dni() {
        // 12345678 mod 23 = 14 -> 'Z'
        assert_eq!(
            "12345678Z".parse::<IdNumber>().map(|i| i.0),
            Ok("12345678Z".into())
        );
    }

    #[test]
    fn accepts_dni_typed_with_lower_case_and_separators() {
        let id: IdNumber = "12.345.678-z".parse().expect("valid");
        assert_eq!(id.as_str(), "12345678Z");
        assert!(!id.is_nie());
    }

    #[test]
    fn every_check_letter_is_reachable() {
        for (n, letter) in CHECK_LETTERS.iter().enumerate() {
            let text = format!("{:08}{}", n, char::from(*letter));
            assert!(text.parse::<IdNumber>().is_ok(), "{text}");
        }
    }

    #[test]
    fn rejects_wrong_check_letter_and_names_the_right_one() {
        assert_eq!(
            "12345678A".parse::<IdNumber>(),
            Err(IdNumberError::WrongCheckLetter { expected: 'Z' })
        );
    }

    #[test]
    fn accepts_nie_with_each_prefix() {
        // NIE: the prefix stands for a leading digit (X=0, Y=1, Z=2); X1234567: 1234567 mod 23 = 19 -> L
        for prefix in ['X', 'Y', 'Z'] {
            let digit = match prefix {
                'X' => 0,
                'Y' => 1,
                _ => 2,
            };
            let n = digit * 10_000_000 + 1_234_567;
            let letter = char::from(CHECK_LETTERS[n % 23]);
            let id: IdNumber = format!("{prefix}1234567{letter}")
                .parse()
                .expect("valid NIE");
            assert!(id.is_nie());
        }
        assert_eq!(
            "X1234567L".parse::<IdNumber>().map(|i| i.is_nie()),
            Ok(true)
        );
    }

    #[test]
    fn rejects_malformed_input() {
        for bad in [
            "",
            "1234567Z",
            "123456789",
            "A2345678Z",
            "X123456Z",
            "12345678Ñ",
            "1234567890Z",
        ] {
            assert_eq!(
                bad.parse::<IdNumber>(),
                Err(IdNumberError::Malformed),
                "{bad:?}"
            );
        }
    }
}
