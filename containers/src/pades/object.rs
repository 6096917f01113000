//! PDF objects (ISO 32000-1 §7.3): a tokenizer and parser that never panics on input, and a
//! serializer for the few objects an incremental update writes back.

use std::fmt::Write as _;

/// Deepest nesting of arrays and dictionaries accepted: real files stay far below; hostile
/// ones would otherwise exhaust the stack.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(u32, u16),
}

/// A dictionary, in file order (so a rewritten object reads like the original).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dict(pub(crate) Vec<(Vec<u8>, Object)>);

impl Dict {
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn set(&mut self, key: &[u8], value: Object) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.0.push((key.to_vec(), value)),
        }
    }

    pub(crate) fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn int(&self, key: &[u8]) -> Option<i64> {
        match self.get(key) {
            Some(Object::Int(i)) => Some(*i),
            _ => None,
        }
    }
}

impl Object {
    pub(crate) fn as_dict(&self) -> Option<&Dict> {
        match self {
            Object::Dict(d) => Some(d),
            _ => None,
        }
    }
}

pub(crate) fn is_whitespace(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

pub(crate) fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A cursor over the file (or a decoded object stream).
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize) -> Self {
        Self { data, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.data.get(self.pos.checked_add(ahead)?).copied()
    }

    /// Skips white space and comments (§7.2.3, §7.2.4).
    pub(crate) fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The run of regular characters at the cursor (a keyword or a number), after white space.
    pub(crate) fn token(&mut self) -> &'a [u8] {
        self.skip_ws();
        let start = self.pos;
        while self.peek().is_some_and(is_regular) {
            self.pos += 1;
        }
        self.data.get(start..self.pos).unwrap_or_default()
    }

    pub(crate) fn expect_keyword(&mut self, keyword: &[u8]) -> Result<(), String> {
        let at = self.pos;
        let token = self.token();
        if token == keyword {
            Ok(())
        } else {
            Err(format!(
                "expected `{}` at byte {at}",
                String::from_utf8_lossy(keyword)
            ))
        }
    }

    /// A non-negative integer token, as in xref tables and object headers.
    pub(crate) fn unsigned(&mut self) -> Result<u64, String> {
        let at = self.pos;
        let token = self.token();
        parse_unsigned(token).ok_or_else(|| format!("expected an unsigned integer at byte {at}"))
    }

    pub(crate) fn parse_object(&mut self) -> Result<Object, String> {
        self.object(0)
    }

    fn object(&mut self, depth: usize) -> Result<Object, String> {
        if depth > MAX_DEPTH {
            return Err("objects nested too deeply".into());
        }
        self.skip_ws();
        let at = self.pos;
        let Some(b) = self.peek() else {
            return Err("unexpected end of data".into());
        };
        match b {
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.pos += 2;
                let mut dict = Dict::default();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'>') if self.peek_at(1) == Some(b'>') => {
                            self.pos += 2;
                            return Ok(Object::Dict(dict));
                        }
                        Some(b'/') => {
                            let Object::Name(key) = self.object(depth + 1)? else {
                                return Err(format!("bad dictionary key at byte {at}"));
                            };
                            let value = self.object(depth + 1)?;
                            // A null value is the same as no entry (§7.3.7).
                            if value != Object::Null {
                                dict.set(&key, value);
                            }
                        }
                        _ => return Err(format!("bad dictionary at byte {at}")),
                    }
                }
            }
            b'<' => {
                self.pos += 1;
                let mut out = Vec::new();
                let mut high: Option<u8> = None;
                loop {
                    let Some(c) = self.peek() else {
                        return Err(format!("unterminated hex string at byte {at}"));
                    };
                    self.pos += 1;
                    if c == b'>' {
                        break;
                    }
                    if is_whitespace(c) {
                        continue;
                    }
                    let v = hex_value(c).ok_or_else(|| format!("bad hex string at byte {at}"))?;
                    match high.take() {
                        Some(h) => out.push(h << 4 | v),
                        None => high = Some(v),
                    }
                }
                // An odd final digit is followed by an implied 0 (§7.3.4.3).
                if let Some(h) = high {
                    out.push(h << 4);
                }
                Ok(Object::Str(out))
            }
            b'(' => self.literal_string().map(Object::Str),
            b'/' => {
                self.pos += 1;
                let mut name = Vec::new();
                while let Some(c) = self.peek().filter(|c| is_regular(*c)) {
                    self.pos += 1;
                    if c == b'#'
                        && let (Some(h), Some(l)) = (
                            self.peek().and_then(hex_value),
                            self.peek_at(1).and_then(hex_value),
                        )
                    {
                        name.push(h << 4 | l);
                        self.pos += 2;
                        continue;
                    }
                    name.push(c);
                }
                Ok(Object::Name(name))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Object::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            _ => {
                let token = self.token();
                match token {
                    b"true" => Ok(Object::Bool(true)),
                    b"false" => Ok(Object::Bool(false)),
                    b"null" => Ok(Object::Null),
                    _ => self.number_or_ref(token, at),
                }
            }
        }
    }

    fn number_or_ref(&mut self, token: &[u8], at: usize) -> Result<Object, String> {
        if let Some(num) = parse_unsigned(token).and_then(|n| u32::try_from(n).ok()) {
            // `n g R` (§7.3.10): look ahead, and rewind if it is just a number.
            let save = self.pos;
            let generation = self.token();
            if let Some(generation) = parse_unsigned(generation).and_then(|g| u16::try_from(g).ok())
                && self.token() == b"R"
            {
                return Ok(Object::Ref(num, generation));
            }
            self.pos = save;
            return Ok(Object::Int(i64::from(num)));
        }
        let text = std::str::from_utf8(token).map_err(|_| format!("bad token at byte {at}"))?;
        if text.is_empty() {
            return Err(format!("unexpected byte at {at}"));
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Object::Int(i));
        }
        // Reals have no exponent in PDF (§7.3.3); Rust's parser also takes "+.5" and "-3.".
        if text
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.'))
            && let Ok(r) = text.parse::<f64>()
        {
            return Ok(Object::Real(r));
        }
        Err(format!("unexpected token at byte {at}"))
    }

    /// `( … )` with balanced parentheses and the escapes of §7.3.4.2.
    fn literal_string(&mut self) -> Result<Vec<u8>, String> {
        let at = self.pos;
        self.pos += 1;
        let mut out = Vec::new();
        let mut open = 1usize;
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("unterminated string at byte {at}"));
            };
            self.pos += 1;
            match c {
                b'(' => {
                    open += 1;
                    out.push(c);
                }
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Ok(out);
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(format!("unterminated string at byte {at}"));
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            // High-order overflow is ignored (§7.3.4.2).
                            out.push((v & 0xff) as u8);
                        }
                        // A backslash at the end of a line continues the string.
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }
}

pub(crate) fn parse_unsigned(token: &[u8]) -> Option<u64> {
    if token.is_empty() || token.len() > 19 || !token.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(token).ok()?.parse().ok()
}

/// Writes an object as PDF syntax.
pub(crate) fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Bool(true) => out.extend_from_slice(b"true"),
        Object::Bool(false) => out.extend_from_slice(b"false"),
        Object::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        // `Display` for f64 never uses an exponent, which PDF would not read.
        Object::Real(r) if r.is_finite() => out.extend_from_slice(r.to_string().as_bytes()),
        Object::Real(_) => out.push(b'0'),
        Object::Name(name) => write_name(out, name),
        Object::Str(s) => write_string(out, s),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dict(dict) => write_dict(out, dict),
        Object::Ref(num, generation) => {
            out.extend_from_slice(format!("{num} {generation} R").as_bytes());
        }
    }
}

pub(crate) fn write_dict(out: &mut Vec<u8>, dict: &Dict) {
    out.extend_from_slice(b"<<");
    for (key, value) in &dict.0 {
        write_name(out, key);
        out.push(b' ');
        write_object(out, value);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &c in name {
        if (0x21..=0x7e).contains(&c) && !is_delimiter(c) && c != b'#' {
            out.push(c);
        } else {
            let mut hex = String::new();
            let _ = write!(hex, "#{c:02X}");
            out.extend_from_slice(hex.as_bytes());
        }
    }
}

/// A literal string, or a hex string when it has bytes outside printable ASCII (binary IDs,
/// UTF-16): the file stays 7-bit around our objects and no end-of-line conversion can change
/// a string.
pub(crate) fn write_string(out: &mut Vec<u8>, s: &[u8]) {
    if s.iter().filter(|c| !(0x20..=0x7e).contains(*c)).count() > s.len() / 4 {
        out.push(b'<');
        for c in s {
            out.extend_from_slice(format!("{c:02x}").as_bytes());
        }
        out.push(b'>');
        return;
    }
    out.push(b'(');
    for &c in s {
        match c {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            0x20..=0x7e => out.push(c),
            _ => out.extend_from_slice(format!("\\{c:03o}").as_bytes()),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(text: &[u8]) -> Object {
        Lexer::new(text, 0).parse_object().unwrap()
    }

    #[test]
    fn parses_the_object_kinds() {
        let obj = parse(
            b"<< /Type /Page /Kids [1 0 R 2 0 R] /N -3 /R 1.5 /S (a\\(b\\)c\\101\\\n) /H <48 49 5> /Na#20me true /Z null >>",
        );
        let dict = obj.as_dict().unwrap();
        assert_eq!(dict.name(b"Type"), Some(&b"Page"[..]));
        assert_eq!(
            dict.get(b"Kids"),
            Some(&Object::Array(vec![Object::Ref(1, 0), Object::Ref(2, 0)]))
        );
        assert_eq!(dict.int(b"N"), Some(-3));
        assert_eq!(dict.get(b"R"), Some(&Object::Real(1.5)));
        assert_eq!(dict.get(b"S"), Some(&Object::Str(b"a(b)cA".to_vec())));
        assert_eq!(dict.get(b"H"), Some(&Object::Str(b"HIP".to_vec())));
        assert_eq!(dict.get(b"Na me"), Some(&Object::Bool(true)));
        assert_eq!(dict.get(b"Z"), None);
    }

    #[test]
    fn writes_what_it_reads() {
        let text = b"<</A [1 2.25 (x\\)\\351) /B#20C] /D 4 0 R /E <</F false>>>>";
        let obj = parse(text);
        let mut out = Vec::new();
        write_object(&mut out, &obj);
        assert_eq!(parse(&out), obj);
    }

    #[test]
    fn hostile_syntax_is_an_error_not_a_panic() {
        let deep = "[".repeat(10_000);
        assert!(Lexer::new(deep.as_bytes(), 0).parse_object().is_err());
        for bad in [
            &b""[..],
            b"<<",
            b"<< /A",
            b"(unterminated",
            b"<4G>",
            b"]",
            b"99999999999999999999999",
            b"1 0",
            b"\\",
        ] {
            let _ = Lexer::new(bad, 0).parse_object();
        }
    }
}
