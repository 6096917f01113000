//! Reading a PDF through its cross-reference data (ISO 32000-1 §7.5): classic tables and
//! cross-reference streams (§7.5.8), every revision through `/Prev` (§7.5.6), hybrid files'
//! `/XRefStm` (§7.5.8.4), and objects inside object streams (§7.5.7). Every count and offset
//! comes from the file, so each is bounded before use.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use super::object::{Dict, Lexer, Object, parse_unsigned};

/// Most cross-reference sections followed through `/Prev`.
const MAX_SECTIONS: usize = 4096;
/// Largest stream decoded (FlateDecode output), against decompression bombs.
const MAX_DECODED: usize = 64 << 20;
/// Longest chain of references followed to reach a value.
const MAX_RESOLVE: usize = 32;
/// How far from the end `startxref` is looked for (§7.5.5 puts it in the last lines).
const TAIL: usize = 4096;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    Free,
    InUse { offset: u64, generation: u16 },
    Compressed { stream: u32, index: u32 },
}

/// Which kind of cross-reference section the file ends with: an update must write the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum XrefKind {
    Table,
    Stream,
}

/// A decoded object stream: its objects' numbers and offsets, and the data.
struct ObjectStream {
    data: Vec<u8>,
    first: usize,
    offsets: Vec<(u32, usize)>,
}

pub(crate) struct Document<'a> {
    pub(crate) data: &'a [u8],
    entries: BTreeMap<u32, Entry>,
    /// The newest trailer (for a cross-reference stream, its dictionary).
    pub(crate) trailer: Dict,
    pub(crate) startxref: u64,
    pub(crate) kind: XrefKind,
    object_streams: RefCell<HashMap<u32, Rc<ObjectStream>>>,
}

pub(crate) fn damaged(what: impl Into<String>) -> String {
    what.into()
}

impl<'a> Document<'a> {
    pub(crate) fn open(data: &'a [u8]) -> Result<Self, String> {
        let startxref = find_startxref(data)?;
        let mut doc = Document {
            data,
            entries: BTreeMap::new(),
            trailer: Dict::default(),
            startxref,
            kind: XrefKind::Table,
            object_streams: RefCell::new(HashMap::new()),
        };
        let mut seen = BTreeSet::new();
        let mut next = Some(startxref);
        let mut newest = true;
        while let Some(offset) = next {
            if !seen.insert(offset) {
                return Err(damaged("the cross-reference /Prev chain loops"));
            }
            if seen.len() > MAX_SECTIONS {
                return Err(damaged("too many cross-reference sections"));
            }
            let section = doc.read_section(offset)?;
            if newest {
                doc.trailer = section.trailer.clone();
                doc.kind = section.kind;
                newest = false;
            }
            // Newer sections come first: an object keeps the first entry seen.
            for (num, entry) in section.entries {
                doc.entries.entry(num).or_insert(entry);
            }
            next = match section.trailer.get(b"Prev") {
                Some(Object::Int(p)) => {
                    Some(u64::try_from(*p).map_err(|_| damaged("negative /Prev"))?)
                }
                None => None,
                Some(_) => return Err(damaged("/Prev is not an offset")),
            };
        }
        Ok(doc)
    }

    /// Numbers not yet used by any object: where new objects start.
    pub(crate) fn next_object_number(&self) -> u32 {
        let size = self
            .trailer
            .int(b"Size")
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0);
        let after_last = self
            .entries
            .keys()
            .next_back()
            .map_or(0, |n| n.saturating_add(1));
        size.max(after_last).max(1)
    }

    /// The generation an object has now (0 for objects in object streams).
    pub(crate) fn generation(&self, num: u32) -> u16 {
        match self.entries.get(&num) {
            Some(Entry::InUse { generation, .. }) => *generation,
            _ => 0,
        }
    }

    fn read_section(&self, offset: u64) -> Result<Section, String> {
        let at = usize::try_from(offset).map_err(|_| damaged("xref offset too large"))?;
        if at >= self.data.len() {
            return Err(damaged(format!("xref offset {offset} beyond the end")));
        }
        let mut lexer = Lexer::new(self.data, at);
        lexer.skip_ws();
        let start = lexer.pos;
        if lexer.token() == b"xref" {
            let mut section = self.read_table(&mut lexer)?;
            // Hybrid file (§7.5.8.4): the table first, then its stream, then /Prev.
            if let Some(Object::Int(stm)) = section.trailer.get(b"XRefStm") {
                let stm = u64::try_from(*stm).map_err(|_| damaged("negative /XRefStm"))?;
                if stm != offset {
                    // Only a stream here: a table pointing to a table could recurse forever.
                    let stm = usize::try_from(stm).map_err(|_| damaged("bad /XRefStm"))?;
                    let hidden = self.read_xref_stream(&mut Lexer::new(self.data, stm))?;
                    for (num, entry) in hidden.entries {
                        match section.entries.get(&num) {
                            None | Some(Entry::Free) => {
                                section.entries.insert(num, entry);
                            }
                            Some(_) => {}
                        }
                    }
                }
            }
            Ok(section)
        } else {
            lexer.pos = start;
            self.read_xref_stream(&mut lexer)
        }
    }

    /// A classic table (§7.5.4) and its trailer (§7.5.5).
    fn read_table(&self, lexer: &mut Lexer<'_>) -> Result<Section, String> {
        let mut entries = BTreeMap::new();
        loop {
            lexer.skip_ws();
            let save = lexer.pos;
            if lexer.token() == b"trailer" {
                break;
            }
            lexer.pos = save;
            let first = lexer.unsigned()?;
            let count = lexer.unsigned()?;
            for i in 0..count {
                let offset = lexer.unsigned()?;
                let generation = lexer.unsigned()?;
                let kind = lexer.token();
                let num = first
                    .checked_add(i)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| damaged("object number out of range"))?;
                let entry = match kind {
                    b"n" => Entry::InUse {
                        offset,
                        generation: u16::try_from(generation)
                            .map_err(|_| damaged("generation out of range"))?,
                    },
                    b"f" => Entry::Free,
                    _ => return Err(damaged("bad cross-reference entry")),
                };
                entries.entry(num).or_insert(entry);
            }
        }
        let trailer = match lexer.parse_object()? {
            Object::Dict(d) => d,
            _ => return Err(damaged("trailer is not a dictionary")),
        };
        Ok(Section {
            entries,
            trailer,
            kind: XrefKind::Table,
        })
    }

    /// A cross-reference stream (§7.5.8).
    fn read_xref_stream(&self, lexer: &mut Lexer<'_>) -> Result<Section, String> {
        let (_, _, dict, raw) = self.indirect_at(lexer.pos, 0)?;
        let raw = raw.ok_or_else(|| damaged("no xref table or stream at startxref"))?;
        if dict.name(b"Type") != Some(b"XRef") {
            return Err(damaged("no xref table or stream at startxref"));
        }
        let data = self.decode(&dict, raw, 0)?;
        let widths: Vec<usize> = match dict.get(b"W") {
            Some(Object::Array(w)) if w.len() == 3 => w
                .iter()
                .map(|v| match v {
                    Object::Int(i) if (0..=8).contains(i) => Ok(*i as usize),
                    _ => Err(damaged("bad /W")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(damaged("bad /W")),
        };
        let row: usize = widths.iter().sum();
        if row == 0 {
            return Err(damaged("bad /W"));
        }
        let size = dict
            .int(b"Size")
            .and_then(|s| u64::try_from(s).ok())
            .ok_or_else(|| damaged("xref stream without /Size"))?;
        let index: Vec<u64> = match dict.get(b"Index") {
            Some(Object::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Object::Int(i) => u64::try_from(*i).map_err(|_| damaged("bad /Index")),
                    _ => Err(damaged("bad /Index")),
                })
                .collect::<Result<_, _>>()?,
            None => vec![0, size],
            Some(_) => return Err(damaged("bad /Index")),
        };
        let mut entries = BTreeMap::new();
        let mut rows = data.chunks_exact(row);
        for pair in index.chunks(2) {
            let [first, count] = pair else {
                return Err(damaged("odd /Index"));
            };
            for i in 0..*count {
                let Some(bytes) = rows.next() else {
                    return Err(damaged("xref stream shorter than its /Index"));
                };
                let mut fields = [0u64; 3];
                let mut rest = bytes;
                for (f, &w) in fields.iter_mut().zip(&widths) {
                    let (head, tail) = rest.split_at(w.min(rest.len()));
                    *f = head.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
                    rest = tail;
                }
                // A missing type field means type 1 (§7.5.8.3, Table 17).
                let kind = if widths.first() == Some(&0) {
                    1
                } else {
                    fields[0]
                };
                let num = first
                    .checked_add(i)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| damaged("object number out of range"))?;
                let entry = match kind {
                    0 => Entry::Free,
                    1 => Entry::InUse {
                        offset: fields[1],
                        generation: u16::try_from(fields[2]).unwrap_or(u16::MAX),
                    },
                    2 => Entry::Compressed {
                        stream: u32::try_from(fields[1])
                            .map_err(|_| damaged("object stream number out of range"))?,
                        index: u32::try_from(fields[2])
                            .map_err(|_| damaged("object stream index out of range"))?,
                    },
                    // Unknown types are null references (§7.5.8.3).
                    _ => Entry::Free,
                };
                entries.entry(num).or_insert(entry);
            }
        }
        Ok(Section {
            entries,
            trailer: dict,
            kind: XrefKind::Stream,
        })
    }

    /// `num gen obj <object> [stream … endstream] endobj` at `at`: its number, generation,
    /// value (a stream's value is its dictionary) and raw stream data.
    #[allow(clippy::type_complexity)]
    fn indirect_at(
        &self,
        at: usize,
        depth: usize,
    ) -> Result<(u32, u16, Dict, Option<&'a [u8]>), String> {
        let (num, generation, object, raw) = self.indirect_object_at(at, depth)?;
        match object {
            Object::Dict(d) => Ok((num, generation, d, raw)),
            _ => Err(damaged(format!("object {num} is not a dictionary"))),
        }
    }

    #[allow(clippy::type_complexity)]
    fn indirect_object_at(
        &self,
        at: usize,
        depth: usize,
    ) -> Result<(u32, u16, Object, Option<&'a [u8]>), String> {
        let mut lexer = Lexer::new(self.data, at);
        let num = u32::try_from(lexer.unsigned()?).map_err(|_| damaged("bad object number"))?;
        let generation = u16::try_from(lexer.unsigned()?).map_err(|_| damaged("bad generation"))?;
        lexer.expect_keyword(b"obj")?;
        let object = lexer.parse_object()?;
        if let Object::Dict(dict) = &object
            && lexer.token() == b"stream"
        {
            // The keyword is followed by CRLF or LF (§7.3.8.1); tolerate a lone CR.
            let mut start = lexer.pos;
            match (self.data.get(start), self.data.get(start + 1)) {
                (Some(b'\r'), Some(b'\n')) => start += 2,
                (Some(b'\n' | b'\r'), _) => start += 1,
                _ => {}
            }
            let raw = self.stream_data(dict, start, depth)?;
            return Ok((num, generation, object, Some(raw)));
        }
        Ok((num, generation, object, None))
    }

    /// The stream's bytes, by `/Length` when it is right, else up to `endstream`.
    fn stream_data(&self, dict: &Dict, start: usize, depth: usize) -> Result<&'a [u8], String> {
        let declared = match dict.get(b"Length") {
            Some(Object::Int(n)) => usize::try_from(*n).ok(),
            Some(r @ Object::Ref(..)) if depth < MAX_RESOLVE => {
                match self.resolve_depth(r, depth + 1) {
                    Ok(Object::Int(n)) => usize::try_from(n).ok(),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(len) = declared
            && let Some(end) = start.checked_add(len)
            && let Some(raw) = self.data.get(start..end)
        {
            let mut after = Lexer::new(self.data, end);
            if after.token() == b"endstream" {
                return Ok(raw);
            }
        }
        let rest = self.data.get(start..).unwrap_or_default();
        let end = find(rest, b"endstream").ok_or_else(|| damaged("stream without endstream"))?;
        let mut raw = rest.get(..end).unwrap_or_default();
        // The EOL before `endstream` is not data (§7.3.8.1).
        if let Some(stripped) = raw.strip_suffix(b"\n") {
            raw = stripped.strip_suffix(b"\r").unwrap_or(stripped);
        } else if let Some(stripped) = raw.strip_suffix(b"\r") {
            raw = stripped;
        }
        Ok(raw)
    }

    /// A stream's decoded data: no filter, or FlateDecode with optional PNG predictors
    /// (§7.4.4); anything else is unsupported here.
    pub(crate) fn decode(&self, dict: &Dict, raw: &[u8], depth: usize) -> Result<Vec<u8>, String> {
        let filter = match dict.get(b"Filter") {
            None => None,
            Some(Object::Name(n)) => Some(n.clone()),
            Some(Object::Array(a)) if a.is_empty() => None,
            Some(Object::Array(a)) if a.len() == 1 => match a.first() {
                Some(Object::Name(n)) => Some(n.clone()),
                _ => return Err(damaged("bad /Filter")),
            },
            Some(_) => return Err(damaged("unsupported filter chain")),
        };
        let data = match filter.as_deref() {
            None => raw.to_vec(),
            Some(b"FlateDecode") => {
                miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(raw, MAX_DECODED)
                    .map_err(|e| damaged(format!("FlateDecode: {e:?}")))?
            }
            Some(other) => {
                return Err(damaged(format!(
                    "unsupported filter {}",
                    String::from_utf8_lossy(other)
                )));
            }
        };
        let params = match dict.get(b"DecodeParms") {
            Some(Object::Dict(d)) => Some(d.clone()),
            Some(Object::Array(a)) => a.first().and_then(|p| p.as_dict().cloned()),
            Some(r @ Object::Ref(..)) => self
                .resolve_depth(r, depth + 1)
                .ok()
                .and_then(|p| p.as_dict().cloned()),
            _ => None,
        };
        match params.as_ref().and_then(|p| p.int(b"Predictor")) {
            None | Some(1) => Ok(data),
            Some(10..=15) => {
                let params = params.unwrap_or_default();
                let columns = params.int(b"Columns").unwrap_or(1);
                let colors = params.int(b"Colors").unwrap_or(1);
                let bits = params.int(b"BitsPerComponent").unwrap_or(8);
                png_unpredict(&data, columns, colors, bits)
            }
            Some(p) => Err(damaged(format!("unsupported predictor {p}"))),
        }
    }

    /// The value of an object by number (its current revision).
    pub(crate) fn get(&self, num: u32) -> Result<Object, String> {
        self.get_depth(num, 0).map(|(o, _)| o)
    }

    /// A stream object's dictionary and decoded data.
    pub(crate) fn get_stream(&self, num: u32) -> Result<(Dict, Vec<u8>), String> {
        match self.entries.get(&num) {
            Some(Entry::InUse { offset, .. }) => {
                let at = usize::try_from(*offset).map_err(|_| damaged("offset too large"))?;
                let (found, _, dict, raw) = self.indirect_at(at, 0)?;
                if found != num {
                    return Err(damaged(format!("xref entry of object {num} is wrong")));
                }
                let raw = raw.ok_or_else(|| damaged(format!("object {num} is not a stream")))?;
                let data = self.decode(&dict, raw, 0)?;
                Ok((dict, data))
            }
            _ => Err(damaged(format!("stream object {num} not found"))),
        }
    }

    fn get_depth(&self, num: u32, depth: usize) -> Result<(Object, bool), String> {
        if depth > MAX_RESOLVE {
            return Err(damaged("references nested too deeply"));
        }
        match self.entries.get(&num) {
            None | Some(Entry::Free) => Ok((Object::Null, false)),
            Some(Entry::InUse { offset, .. }) => {
                let at = usize::try_from(*offset).map_err(|_| damaged("offset too large"))?;
                let (found, _, object, raw) = self.indirect_object_at(at, depth)?;
                if found != num {
                    return Err(damaged(format!("xref entry of object {num} is wrong")));
                }
                Ok((object, raw.is_some()))
            }
            Some(Entry::Compressed { stream, index }) => {
                let objstm = self.object_stream(*stream)?;
                // The index is a hint; the stream's own table says which object is where.
                let offset = objstm
                    .offsets
                    .get(*index as usize)
                    .filter(|(n, _)| *n == num)
                    .or_else(|| objstm.offsets.iter().find(|(n, _)| *n == num))
                    .map(|(_, o)| *o)
                    .ok_or_else(|| damaged(format!("object {num} not in its object stream")))?;
                let at = objstm
                    .first
                    .checked_add(offset)
                    .ok_or_else(|| damaged("bad object stream offset"))?;
                let mut lexer = Lexer::new(&objstm.data, at);
                Ok((lexer.parse_object()?, false))
            }
        }
    }

    fn object_stream(&self, num: u32) -> Result<Rc<ObjectStream>, String> {
        if let Some(found) = self.object_streams.borrow().get(&num) {
            return Ok(found.clone());
        }
        let (dict, data) = self.get_stream(num)?;
        if dict.name(b"Type") != Some(b"ObjStm") {
            return Err(damaged(format!("object {num} is not an object stream")));
        }
        let n = dict
            .int(b"N")
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| damaged("object stream without /N"))?;
        let first = dict
            .int(b"First")
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| damaged("object stream without /First"))?;
        let mut lexer = Lexer::new(&data, 0);
        let mut offsets = Vec::new();
        for _ in 0..n.min(data.len()) {
            let obj = u32::try_from(lexer.unsigned()?).map_err(|_| damaged("bad object number"))?;
            let off = usize::try_from(lexer.unsigned()?).map_err(|_| damaged("bad offset"))?;
            offsets.push((obj, off));
        }
        let objstm = Rc::new(ObjectStream {
            data,
            first,
            offsets,
        });
        self.object_streams.borrow_mut().insert(num, objstm.clone());
        Ok(objstm)
    }

    /// Follows references to a direct value.
    pub(crate) fn resolve(&self, object: &Object) -> Result<Object, String> {
        self.resolve_depth(object, 0)
    }

    fn resolve_depth(&self, object: &Object, depth: usize) -> Result<Object, String> {
        let mut current = object.clone();
        let mut depth = depth;
        while let Object::Ref(num, _) = current {
            depth += 1;
            if depth > MAX_RESOLVE {
                return Err(damaged("references nested too deeply"));
            }
            current = self.get_depth(num, depth)?.0;
        }
        Ok(current)
    }

    /// The dictionary an object is or points to.
    pub(crate) fn dict(&self, object: &Object) -> Result<Dict, String> {
        match self.resolve(object)? {
            Object::Dict(d) => Ok(d),
            _ => Err(damaged("expected a dictionary")),
        }
    }

    /// The document catalog (§7.7.2) and its reference.
    pub(crate) fn catalog(&self) -> Result<(u32, Dict), String> {
        match self.trailer.get(b"Root") {
            Some(r @ Object::Ref(num, _)) => Ok((*num, self.dict(r)?)),
            _ => Err(damaged("the trailer has no /Root reference")),
        }
    }

    /// Page `page` (1-based) by walking the page tree (§7.7.3) by /Count, and the number of
    /// pages: Ok((Some((number, dict)), pages)) or Ok((None, pages)) if there is no such page.
    pub(crate) fn page(&self, page: u32) -> Result<(Option<(u32, Dict)>, u32), String> {
        let (_, catalog) = self.catalog()?;
        let root_ref = catalog
            .get(b"Pages")
            .ok_or_else(|| damaged("the catalog has no /Pages"))?
            .clone();
        let root = self.dict(&root_ref)?;
        let pages = root
            .int(b"Count")
            .and_then(|c| u32::try_from(c).ok())
            .unwrap_or(0);
        if page == 0 {
            return Ok((None, pages));
        }
        let mut remaining = page;
        let mut node = root;
        let mut visited = BTreeSet::new();
        for _ in 0..MAX_RESOLVE * 2 {
            let Some(Object::Array(kids)) = self
                .resolve(node.get(b"Kids").unwrap_or(&Object::Null))
                .ok()
            else {
                return Ok((None, pages));
            };
            let mut descended = false;
            for kid in kids {
                let Object::Ref(num, _) = kid else {
                    continue;
                };
                if !visited.insert(num) {
                    return Err(damaged("the page tree loops"));
                }
                let kid_dict = self.dict(&kid)?;
                let is_tree = kid_dict.name(b"Type") == Some(b"Pages")
                    || (kid_dict.name(b"Type") != Some(b"Page") && kid_dict.get(b"Kids").is_some());
                if is_tree {
                    let count = kid_dict
                        .int(b"Count")
                        .and_then(|c| u32::try_from(c).ok())
                        .unwrap_or(0);
                    if remaining <= count {
                        node = kid_dict;
                        descended = true;
                        break;
                    }
                    remaining -= count;
                } else if remaining == 1 {
                    return Ok((Some((num, kid_dict)), pages));
                } else {
                    remaining -= 1;
                }
            }
            if !descended {
                return Ok((None, pages));
            }
        }
        Err(damaged("the page tree is too deep"))
    }
}

struct Section {
    entries: BTreeMap<u32, Entry>,
    trailer: Dict,
    kind: XrefKind,
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The offset after the last `startxref` (§7.5.5).
fn find_startxref(data: &[u8]) -> Result<u64, String> {
    let tail_start = data.len().saturating_sub(TAIL);
    let tail = data.get(tail_start..).unwrap_or_default();
    let at = rfind(tail, b"startxref")
        .ok_or_else(|| damaged("no startxref: not a PDF, or truncated"))?;
    let mut lexer = Lexer::new(tail, at + b"startxref".len());
    let token = lexer.token();
    parse_unsigned(token).ok_or_else(|| damaged("startxref is not followed by an offset"))
}

/// Undoes PNG prediction (§7.4.4.4): each row starts with its filter type byte.
fn png_unpredict(data: &[u8], columns: i64, colors: i64, bits: i64) -> Result<Vec<u8>, String> {
    let bad = || damaged("bad predictor parameters");
    let columns = usize::try_from(columns).map_err(|_| bad())?;
    let colors = usize::try_from(colors).map_err(|_| bad())?;
    let bits = usize::try_from(bits).map_err(|_| bad())?;
    let bits_per_pixel = colors.checked_mul(bits).ok_or_else(bad)?;
    let bpp = bits_per_pixel.div_ceil(8).max(1);
    let row_len = columns
        .checked_mul(bits_per_pixel)
        .map(|b| b.div_ceil(8))
        .filter(|r| *r > 0)
        .ok_or_else(bad)?
        // One partial row at most when rows are longer than the data: no need for more room.
        .min(data.len().max(1));
    let mut out = Vec::with_capacity(data.len());
    let mut previous = vec![0u8; row_len];
    for chunk in data.chunks(row_len + 1) {
        let Some((&filter, row)) = chunk.split_first() else {
            break;
        };
        let mut current = vec![0u8; row_len];
        for (i, &x) in row.iter().enumerate() {
            let a = if i >= bpp {
                current.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let b = previous.get(i).copied().unwrap_or(0);
            let c = if i >= bpp {
                previous.get(i - bpp).copied().unwrap_or(0)
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return Err(damaged("bad PNG predictor row")),
            };
            if let Some(slot) = current.get_mut(i) {
                *slot = x.wrapping_add(predicted);
            }
        }
        current.truncate(row.len());
        out.extend_from_slice(&current);
        current.resize(row_len, 0);
        previous = current;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
