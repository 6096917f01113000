//! The visible signature's appearance (ISO 32000-1 §12.5.5, §12.7.4.5): who signed, their ID
//! number and when, in Helvetica (a standard 14 font, §9.6.2.2, so nothing is embedded) with
//! WinAnsiEncoding (Annex D.2).

use const_oid::ObjectIdentifier;
use der::{Decode, Tag, Tagged};
use x509_cert::Certificate;

const CN: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");

/// The signer as the certificate subject names them.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Signer {
    pub(crate) name: String,
    pub(crate) id_number: Option<String>,
}

pub(crate) fn signer_of(certificate_der: &[u8]) -> Signer {
    let Ok(cert) = Certificate::from_der(certificate_der) else {
        return Signer::default();
    };
    let (mut cn, mut given, mut surname, mut serial) = (None, None, None, None);
    for rdn in cert.tbs_certificate.subject.0.iter() {
        for atv in rdn.0.iter() {
            let slot = match atv.oid {
                CN => &mut cn,
                SURNAME => &mut surname,
                GIVEN_NAME => &mut given,
                SERIAL_NUMBER => &mut serial,
                _ => continue,
            };
            if slot.is_none() {
                *slot = directory_string(&atv.value);
            }
        }
    }
    let name = match (given, surname) {
        (Some(g), Some(s)) => format!("{g} {s}"),
        _ => cn.unwrap_or_default(),
    };
    Signer {
        name,
        id_number: serial.map(|s| strip_semantics_identifier(&s).to_owned()),
    }
}

/// ETSI EN 319 412-1 §5.1.3: `IDCES-12345678Z` is type `IDC`, country `ES`, then the number.
fn strip_semantics_identifier(serial: &str) -> &str {
    let bytes = serial.as_bytes();
    if bytes.len() > 6
        && bytes.get(5) == Some(&b'-')
        && bytes.iter().take(5).all(u8::is_ascii_uppercase)
    {
        serial.get(6..).unwrap_or(serial)
    } else {
        serial
    }
}

/// A DirectoryString (RFC 5280 §4.1.2.4) as text.
fn directory_string(value: &der::Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String => {
            String::from_utf8(bytes.to_vec()).ok()
        }
        // T.61 is close enough to Latin-1 for names.
        Tag::TeletexString => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c.first().copied()?, c.get(1).copied()?]).into())
                .collect::<Option<Vec<u16>>>()
                .unwrap_or_default();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// A character in WinAnsiEncoding (ISO 32000-1 Annex D.2), or `?` when it has none.
pub(crate) fn win_ansi(c: char) -> u8 {
    let code = c as u32;
    match code {
        0x20..=0x7e | 0xa0..=0xff => code as u8,
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            _ => b'?',
        },
    }
}

/// Helvetica advance widths (Adobe's AFM), per 1000 em, for codes 32..=126.
const HELVETICA_ASCII: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 48-63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 80-95
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 96-111
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // 112-126
];

/// Width of WinAnsi text in Helvetica, in em/1000; accented letters are as wide as their
/// base letter, near enough to fit text in a box.
fn text_width(text: &[u8]) -> u32 {
    text.iter()
        .map(|&b| {
            let width = |c: u8| {
                HELVETICA_ASCII
                    .get(usize::from(c.saturating_sub(32)))
                    .copied()
                    .unwrap_or(556)
            };
            u32::from(match b {
                32..=126 => width(b),
                0xc0..=0xc6 => width(b'A'),
                0xc8..=0xcb => width(b'E'),
                0xcc..=0xcf => width(b'I'),
                0xd1 => width(b'N'),
                0xd2..=0xd6 | 0xd8 => width(b'O'),
                0xd9..=0xdc => width(b'U'),
                0xe0..=0xe6 => width(b'a'),
                0xe7 => width(b'c'),
                0xe8..=0xeb => width(b'e'),
                0xec..=0xef => width(b'i'),
                0xf1 => width(b'n'),
                0xf2..=0xf6 | 0xf8 => width(b'o'),
                0xf9..=0xfc => width(b'u'),
                _ => 556,
            })
        })
        .sum()
}

/// Seconds since the epoch as (year, month, day, hour, minute, second), UTC
/// (Howard Hinnant's days-from-civil inverse). `None` outside years 0..=9999.
pub(crate) fn civil(unix_seconds: i64) -> Option<(i64, u32, u32, u32, u32, u32)> {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    Some((
        year,
        month,
        day,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    ))
}

/// Days since the epoch of a civil date (the inverse of [`civil`]).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The content stream of the appearance XObject: a thin frame and the lines of text, sized to
/// fit the box.
pub(crate) fn appearance_stream(
    signer: &Signer,
    when: (i64, u32, u32, u32, u32, u32),
    width: f32,
    height: f32,
    labels: &super::AppearanceLabels,
) -> Vec<u8> {
    let (year, month, day, hour, minute, _) = when;
    let mut lines: Vec<Vec<u8>> = vec![labels.signed_by.chars().map(win_ansi).collect()];
    if !signer.name.is_empty() {
        lines.push(signer.name.chars().map(win_ansi).collect());
    }
    if let Some(id) = &signer.id_number {
        lines.push(
            format!("{}: {id}", labels.id_number)
                .chars()
                .map(win_ansi)
                .collect(),
        );
    }
    lines.push(
        format!(
            "{}: {year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC",
            labels.date
        )
        .chars()
        .map(win_ansi)
        .collect(),
    );
    let margin = 4.0f32.min(width / 10.0).min(height / 10.0);
    let widest = lines
        .iter()
        .map(|l| text_width(l))
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    let line_count = lines.len() as f32;
    // Leading of 1.2 em; the font size is the largest that fits both ways, at most 12 pt.
    let by_height = (height - 2.0 * margin) / (line_count * 1.2);
    let by_width = (width - 2.0 * margin) * 1000.0 / widest;
    let size = by_height.min(by_width).clamp(0.5, 12.0);
    let leading = size * 1.2;

    let mut out = Vec::new();
    out.extend_from_slice(
        format!(
            "q 0.4 0.4 0.4 RG 0.75 w 0.375 0.375 {} {} re S Q\n",
            num(width - 0.75),
            num(height - 0.75)
        )
        .as_bytes(),
    );
    let top = height - margin - size;
    out.extend_from_slice(
        format!(
            "BT /Helv {} Tf 0 g {} TL {} {} Td\n",
            num(size),
            num(leading),
            num(margin),
            num(top)
        )
        .as_bytes(),
    );
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"T* ");
        }
        super::object::write_string(&mut out, line);
        out.extend_from_slice(b" Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// A number for a content stream: two decimals are plenty for points.
pub(crate) fn num(x: f32) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_render_in_win_ansi() {
        let encoded: Vec<u8> = "Íñigo Ibáñez € ☃".chars().map(win_ansi).collect();
        assert_eq!(encoded, b"\xcd\xf1igo Ib\xe1\xf1ez \x80 ?");
        assert_eq!(strip_semantics_identifier("IDCES-12345678Z"), "12345678Z");
        assert_eq!(strip_semantics_identifier("12345678Z"), "12345678Z");
    }

    #[test]
    fn dates_convert_both_ways() {
        // 2024-05-17T10:20:30Z.
        assert_eq!(civil(1_715_941_230), Some((2024, 5, 17, 10, 20, 30)));
        assert_eq!(
            days_from_civil(2024, 5, 17) * 86_400 + 37_230,
            1_715_941_230
        );
        assert_eq!(civil(0), Some((1970, 1, 1, 0, 0, 0)));
        assert_eq!(civil(i64::MAX), None);
        assert_eq!(civil(i64::MIN), None);
        assert_eq!(num(12.0), "12");
        assert_eq!(num(0.375), "0.38");
        assert_eq!(num(f32::NAN), "0");
    }
}
