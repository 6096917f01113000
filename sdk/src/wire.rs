//! Reading what the relay says, beyond its JSON shapes: the common name in a subject DN, the
//! date of a GeneralizedTime, how long a `429` asks to wait, whether a refused SMS code is dead.
//! Pure, tested natively.

/// The first `CN` of an RFC 4514 distinguished name (`CN=GARCÍA LÓPEZ MARÍA - 12345678Z,…`),
/// unescaped. `None` when the DN has no CN.
pub fn common_name(dn: &str) -> Option<String> {
    for attribute in split_unescaped(dn, &[',', '+']) {
        let Some((key, value)) = attribute.split_once('=') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("CN") || key.trim() == "2.5.4.3" {
            let value = unescape(value);
            return (!value.trim().is_empty()).then(|| value.trim().to_owned());
        }
    }
    None
}

/// Splits at separators that are not escaped with a backslash.
fn split_unescaped<'a>(text: &'a str, separators: &[char]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if separators.contains(&c) {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// RFC 4514 value escapes: `\,` and friends, and `\hh` hex pairs (UTF-8 bytes).
fn unescape(value: &str) -> String {
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b != b'\\' {
            bytes.push(b);
            rest = tail;
            continue;
        }
        let hex = tail
            .get(..2)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (hex, tail.split_first()) {
            (Some(byte), _) => {
                bytes.push(byte);
                rest = &tail[2..];
            }
            (None, Some((&escaped, after))) => {
                bytes.push(escaped);
                rest = after;
            }
            (None, None) => rest = tail,
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// The date of a GeneralizedTime text as CSC writes validity (`YYYYMMDDHHMMSSZ`, UTC).
pub fn generalized_date(text: &str) -> Option<Date> {
    let digits = text.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = Date {
        year: digits[..4].parse().ok()?,
        month: digits[4..6].parse().ok()?,
        day: digits[6..8].parse().ok()?,
    };
    ((1..=12).contains(&date.month) && (1..=31).contains(&date.day)).then_some(date)
}

/// The UTC date of a Unix time (Howard Hinnant's days-to-civil), for the panel's expiry dates.
pub fn unix_date(seconds: i64) -> Option<Date> {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(Date {
        year: u16::try_from(year).ok()?,
        month: u8::try_from(month).ok()?,
        day: u8::try_from(day).ok()?,
    })
}

/// Seconds to wait after a `429`: the `Retry-After` header (delta-seconds), else the number in
/// the description's "try again in N s", else `None`.
pub fn retry_after_seconds(header: Option<&str>, description: &str) -> Option<u32> {
    if let Some(seconds) = header.and_then(|h| h.trim().parse::<u32>().ok()) {
        return Some(seconds);
    }
    let (_, after) = description.split_once("try again in ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether a refused SMS code can no longer be used (it had its last wrong entry, expired, was
/// used or replaced), so the citizen must ask for a new one: the relay's `codeLive`, or, from a
/// relay that predates it, the wording of its description.
pub fn code_is_dead(body: &nubefirma_protocol::ErrorBody) -> bool {
    if let Some(live) = body.code_live {
        return !live;
    }
    let d = body.error_description.to_ascii_lowercase();
    d.contains("ask for a new") || d.contains("no longer be used") || d.contains("no valid code")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_become_their_utc_dates() {
        let date = |y, m, d| {
            Some(Date {
                year: y,
                month: m,
                day: d,
            })
        };
        assert_eq!(unix_date(0), date(1970, 1, 1));
        assert_eq!(unix_date(951_782_400), date(2000, 2, 29));
        assert_eq!(unix_date(1_780_000_000), date(2026, 5, 28));
        assert_eq!(
            unix_date(1_780_000_000 + 5 * 365 * 86_400),
            date(2031, 5, 27)
        );
        assert_eq!(unix_date(-86_400 * 366 * 3000), None);
    }

    #[test]
    fn common_name_of_the_relays_subject_dn() {
        let dn = "CN=ETXEBERRIA NÚÑEZ ANE - 12345678Z,GIVENNAME=Ane,SN=Etxeberria Núñez,SERIALNUMBER=IDCES-12345678Z,C=ES";
        assert_eq!(
            common_name(dn).as_deref(),
            Some("ETXEBERRIA NÚÑEZ ANE - 12345678Z")
        );
    }

    #[test]
    fn common_name_unescapes_and_finds_cn_anywhere() {
        assert_eq!(
            common_name(r"C=ES,CN=DE LA FUENTE\, JOSÉ \<X\> - 1Z,SN=x").as_deref(),
            Some("DE LA FUENTE, JOSÉ <X> - 1Z")
        );
        assert_eq!(common_name(r"cn=\23hash\c3\a9").as_deref(), Some("#hashé"));
        assert_eq!(common_name("C=ES,O=nubefirma"), None);
        assert_eq!(common_name(""), None);
        assert_eq!(common_name("CN="), None);
    }

    #[test]
    fn generalized_time_dates() {
        assert_eq!(
            generalized_date("20280203101112Z"),
            Some(Date {
                year: 2028,
                month: 2,
                day: 3
            })
        );
        assert_eq!(generalized_date("2028-02-03"), None);
        assert_eq!(generalized_date("20281303000000Z"), None);
        assert_eq!(generalized_date(""), None);
    }

    #[test]
    fn retry_after_from_header_then_description() {
        assert_eq!(
            retry_after_seconds(Some("17"), "try again in 3 s"),
            Some(17)
        );
        assert_eq!(
            retry_after_seconds(
                Some("Wed, 21 Oct 2015 07:28:00 GMT"),
                "too many requests; try again in 23 s"
            ),
            Some(23)
        );
        assert_eq!(
            retry_after_seconds(None, "too many requests; try again in 5 s"),
            Some(5)
        );
        assert_eq!(retry_after_seconds(None, "too many requests"), None);
    }

    fn refused(description: &str, code_live: Option<bool>) -> nubefirma_protocol::ErrorBody {
        nubefirma_protocol::ErrorBody {
            error: nubefirma_protocol::ErrorCode::InvalidOtp,
            error_description: description.into(),
            attempts_left: Some(3),
            code_live,
        }
    }

    #[test]
    fn dead_codes_are_told_apart_from_wrong_ones() {
        assert!(!code_is_dead(&refused("wrong code.", Some(true))));
        assert!(code_is_dead(&refused("wrong code.", Some(false))));
        // From a relay without `codeLive`, the description decides.
        assert!(!code_is_dead(&refused(
            "wrong code. 4 wrong entries left before the account is blocked",
            None
        )));
        assert!(code_is_dead(&refused(
            "wrong code; it can no longer be used: ask for a new one. 2 wrong entries left before the account is blocked",
            None
        )));
        assert!(code_is_dead(&refused(
            "no valid code: it expired, was used, was replaced by a newer one or had too many wrong entries; ask for a new one. 5 wrong entries left before the account is blocked",
            None
        )));
    }
}
