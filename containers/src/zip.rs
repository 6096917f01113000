//! A small ZIP writer and reader for ASiC containers (PKWARE APPNOTE 6.3.x; ETSI EN 319 162-1
//! §A.1 restricts ASiC to ZIP, with `mimetype` first, stored, without an extra field).
//!
//! Writing stores entries (method 0), streaming-friendly: the caller emits the bytes each call
//! returns, in order, and emits each data chunk itself after passing it to
//! [`ZipWriter::write`] (or measures it elsewhere, say in a Web Worker, and closes the entry with
//! [`ZipWriter::end_entry_measured`]), so a browser can assemble a `Blob` from parts without
//! holding the whole archive. No ZIP64: an entry, or the archive, reaching 4 GiB is an error
//! ([`ZipError::TooLarge`]), as is a 65 536th entry.
//!
//! Reading ([`read_entries`]) goes through the central directory, accepts stored and deflated
//! entries (made by other producers), and checks CRC-32 and sizes, names (no absolute paths, no
//! `..`, no duplicates) and limits against zip bombs.

use core::fmt;

/// Signatures of the records (APPNOTE §4.3.7, §4.3.9, §4.3.12, §4.3.16).
const LOCAL_HEADER: u32 = 0x0403_4b50;
const DATA_DESCRIPTOR: u32 = 0x0807_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// General purpose bit 3: CRC and sizes follow the data (APPNOTE §4.4.4).
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
/// General purpose bit 11: the name is UTF-8 (APPNOTE Appendix D).
const FLAG_UTF8: u16 = 1 << 11;
/// Version needed to extract: 2.0 (data descriptors; stored alone would be 1.0).
const VERSION: u16 = 20;
/// 1980-01-01 00:00 in MS-DOS format: no clock here, and a fixed time keeps output reproducible.
const DOS_DATE: u16 = (1 << 5) | 1;
const DOS_TIME: u16 = 0;

/// Most entries [`read_entries`] accepts.
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes [`read_entries`] inflates, all entries together (zip bomb guard).
pub const MAX_TOTAL_SIZE: u64 = 1 << 30;
/// Deepest accepted ratio of inflated to deflated size for one entry (zip bomb guard).
const MAX_RATIO: u64 = 1100;

/// Why an archive could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZipError {
    /// An entry name that is empty, absolute, has `..`, `\`, NUL or is too long.
    BadName(String),
    /// The same name twice.
    DuplicateName(String),
    /// `begin_entry` while an entry is open, `write`/`end_entry` without one, `finish` with one open.
    OutOfOrder(&'static str),
    /// An entry or the archive would need ZIP64 (4 GiB or 65 535 entries), which is not supported.
    TooLarge,
    /// The bytes are not a ZIP archive this reader accepts.
    Malformed(String),
    /// Beyond [`MAX_ENTRIES`], [`MAX_TOTAL_SIZE`] or a sane compression ratio.
    Limit(String),
    /// An entry's data does not match its CRC-32 or size.
    Corrupt(String),
    /// Encryption, ZIP64, or a compression method other than stored and deflate.
    Unsupported(String),
}

impl fmt::Display for ZipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName(n) => write!(f, "zip: unacceptable entry name {n:?}"),
            Self::DuplicateName(n) => write!(f, "zip: entry name {n:?} appears twice"),
            Self::OutOfOrder(what) => write!(f, "zip: {what}"),
            Self::TooLarge => f.write_str("zip: 4 GiB or 65 535 entries reached (no ZIP64)"),
            Self::Malformed(m) => write!(f, "zip: malformed: {m}"),
            Self::Limit(m) => write!(f, "zip: over a limit: {m}"),
            Self::Corrupt(m) => write!(f, "zip: corrupt entry: {m}"),
            Self::Unsupported(m) => write!(f, "zip: unsupported: {m}"),
        }
    }
}

impl std::error::Error for ZipError {}

/// A name is a relative path of clean segments: readers extract it as is, so an absolute path or
/// `..` would write outside the target folder (APPNOTE §4.4.17.1 forbids drive letters and a
/// leading slash).
pub(crate) fn check_name(name: &str) -> Result<(), ZipError> {
    let bad = || ZipError::BadName(name.to_owned());
    if name.is_empty() || name.len() > 0xFFFF || name.starts_with('/') {
        return Err(bad());
    }
    if name.contains(['\\', '\0', ':']) {
        return Err(bad());
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return Err(bad());
    }
    Ok(())
}

struct CentralRecord {
    name: String,
    flags: u16,
    crc: u32,
    size: u32,
    offset: u32,
}

struct OpenEntry {
    name: String,
    offset: u32,
    hasher: crc32fast::Hasher,
    size: u64,
}

/// Writes a stored (uncompressed) ZIP archive piece by piece; see the module documentation.
pub struct ZipWriter {
    records: Vec<CentralRecord>,
    offset: u64,
    open: Option<OpenEntry>,
}

impl Default for ZipWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ZipWriter {
    pub fn new() -> Self {
        Self {
            records: Vec::new(),
            offset: 0,
            open: None,
        }
    }

    fn admit(&self, name: &str) -> Result<u32, ZipError> {
        if self.open.is_some() {
            return Err(ZipError::OutOfOrder("an entry is still open"));
        }
        check_name(name)?;
        if self.records.iter().any(|r| r.name == name) {
            return Err(ZipError::DuplicateName(name.to_owned()));
        }
        if self.records.len() >= 0xFFFE {
            return Err(ZipError::TooLarge);
        }
        u32::try_from(self.offset).map_err(|_| ZipError::TooLarge)
    }

    fn advance(&mut self, by: usize) -> Result<(), ZipError> {
        self.offset += by as u64;
        if self.offset >= u64::from(u32::MAX) {
            return Err(ZipError::TooLarge);
        }
        Ok(())
    }

    /// A whole entry known in advance: stored, CRC and sizes in the local header, no extra field
    /// and no data descriptor — what EN 319 162-1 §A.1 requires of `mimetype`, written first.
    /// Returns the local header followed by the data.
    pub fn stored_entry(&mut self, name: &str, data: &[u8]) -> Result<Vec<u8>, ZipError> {
        let offset = self.admit(name)?;
        let size = u32::try_from(data.len()).map_err(|_| ZipError::TooLarge)?;
        let crc = crc32fast::hash(data);
        let flags = name_flags(name);
        let mut out = local_header(name, flags, crc, size);
        out.extend_from_slice(data);
        self.advance(out.len())?;
        self.records.push(CentralRecord {
            name: name.to_owned(),
            flags,
            crc,
            size,
            offset,
        });
        Ok(out)
    }

    /// Starts a stored entry whose data is streamed: returns its local header (bit 3 set; CRC
    /// and sizes come in the data descriptor [`end_entry`](Self::end_entry) returns).
    pub fn begin_entry(&mut self, name: &str) -> Result<Vec<u8>, ZipError> {
        let offset = self.admit(name)?;
        let out = local_header(name, name_flags(name) | FLAG_DATA_DESCRIPTOR, 0, 0);
        self.advance(out.len())?;
        self.open = Some(OpenEntry {
            name: name.to_owned(),
            offset,
            hasher: crc32fast::Hasher::new(),
            size: 0,
        });
        Ok(out)
    }

    /// Accounts for one chunk of the open entry's data (CRC and size). Returns nothing: the
    /// caller emits `chunk` itself, right after this call, so large data is never copied.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), ZipError> {
        let open = self
            .open
            .as_mut()
            .ok_or(ZipError::OutOfOrder("write without begin_entry"))?;
        open.hasher.update(chunk);
        open.size += chunk.len() as u64;
        if open.size >= u64::from(u32::MAX) {
            return Err(ZipError::TooLarge);
        }
        self.advance(chunk.len())
    }

    /// Closes the open entry: returns its data descriptor (APPNOTE §4.3.9, with signature).
    pub fn end_entry(&mut self) -> Result<Vec<u8>, ZipError> {
        let open = self
            .open
            .take()
            .ok_or(ZipError::OutOfOrder("end_entry without begin_entry"))?;
        let OpenEntry {
            name,
            offset,
            hasher,
            size,
        } = open;
        self.close(name, offset, hasher.finalize(), size)
    }

    /// Closes the open entry whose data was measured elsewhere (CRC-32 and size computed where
    /// the bytes were read, as in a browser's Web Worker), without any [`write`](Self::write):
    /// the caller emits exactly `size` bytes of data between the header and this descriptor.
    pub fn end_entry_measured(&mut self, crc: u32, size: u64) -> Result<Vec<u8>, ZipError> {
        let open = self.open.take().ok_or(ZipError::OutOfOrder(
            "end_entry_measured without begin_entry",
        ))?;
        if open.size != 0 {
            return Err(ZipError::OutOfOrder(
                "end_entry_measured after write: the data is measured one way",
            ));
        }
        let as_usize = usize::try_from(size).map_err(|_| ZipError::TooLarge)?;
        if size >= u64::from(u32::MAX) {
            return Err(ZipError::TooLarge);
        }
        self.advance(as_usize)?;
        self.close(open.name, open.offset, crc, size)
    }

    fn close(
        &mut self,
        name: String,
        offset: u32,
        crc: u32,
        size: u64,
    ) -> Result<Vec<u8>, ZipError> {
        let size = u32::try_from(size).map_err(|_| ZipError::TooLarge)?;
        let mut out = Vec::with_capacity(16);
        put32(&mut out, DATA_DESCRIPTOR);
        put32(&mut out, crc);
        put32(&mut out, size);
        put32(&mut out, size);
        self.advance(out.len())?;
        self.records.push(CentralRecord {
            flags: name_flags(&name) | FLAG_DATA_DESCRIPTOR,
            name,
            crc,
            size,
            offset,
        });
        Ok(out)
    }

    /// The central directory and its end record: the last bytes of the archive.
    pub fn finish(self) -> Result<Vec<u8>, ZipError> {
        if self.open.is_some() {
            return Err(ZipError::OutOfOrder("finish with an entry still open"));
        }
        let start = u32::try_from(self.offset).map_err(|_| ZipError::TooLarge)?;
        let mut out = Vec::new();
        for r in &self.records {
            put32(&mut out, CENTRAL_HEADER);
            // Made by Unix, spec 3.0: unzip then takes names as they are (for MS-DOS it would
            // convert them from an OEM code page) and the mode below for permissions.
            put16(&mut out, 0x031E);
            put16(&mut out, VERSION);
            put16(&mut out, r.flags);
            put16(&mut out, 0); // stored
            put16(&mut out, DOS_TIME);
            put16(&mut out, DOS_DATE);
            put32(&mut out, r.crc);
            put32(&mut out, r.size);
            put32(&mut out, r.size);
            put16(&mut out, r.name.len() as u16);
            put16(&mut out, 0); // extra
            put16(&mut out, 0); // comment
            put16(&mut out, 0); // disk
            put16(&mut out, 0); // internal attributes
            put32(&mut out, 0o100_644 << 16); // external attributes: a regular file, rw-r--r--
            put32(&mut out, r.offset);
            out.extend_from_slice(r.name.as_bytes());
        }
        let size = u32::try_from(out.len()).map_err(|_| ZipError::TooLarge)?;
        if u64::from(start) + u64::from(size) >= u64::from(u32::MAX) {
            return Err(ZipError::TooLarge);
        }
        let count = self.records.len() as u16;
        put32(&mut out, END_OF_CENTRAL_DIRECTORY);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, count);
        put16(&mut out, count);
        put32(&mut out, size);
        put32(&mut out, start);
        put16(&mut out, 0); // comment
        Ok(out)
    }
}

fn name_flags(name: &str) -> u16 {
    if name.is_ascii() { 0 } else { FLAG_UTF8 }
}

fn local_header(name: &str, flags: u16, crc: u32, size: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(30 + name.len());
    put32(&mut out, LOCAL_HEADER);
    put16(&mut out, VERSION);
    put16(&mut out, flags);
    put16(&mut out, 0); // stored
    put16(&mut out, DOS_TIME);
    put16(&mut out, DOS_DATE);
    put32(&mut out, crc);
    put32(&mut out, size);
    put32(&mut out, size);
    put16(&mut out, name.len() as u16);
    put16(&mut out, 0); // no extra field
    out.extend_from_slice(name.as_bytes());
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// One entry read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipEntry {
    pub name: String,
    pub data: Vec<u8>,
    /// Stored (method 0) rather than deflated.
    pub stored: bool,
    /// Length of the local header's extra field (EN 319 162-1 §A.1 wants none on `mimetype`).
    pub local_extra_len: u16,
}

fn malformed(what: &str) -> ZipError {
    ZipError::Malformed(what.to_owned())
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, ZipError> {
    b.get(at..at + 2)
        .and_then(|s| s.try_into().ok())
        .map(u16::from_le_bytes)
        .ok_or_else(|| malformed("truncated record"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ZipError> {
    b.get(at..at + 4)
        .and_then(|s| s.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or_else(|| malformed("truncated record"))
}

fn slice(b: &[u8], at: usize, len: usize) -> Result<&[u8], ZipError> {
    at.checked_add(len)
        .and_then(|end| b.get(at..end))
        .ok_or_else(|| malformed("a record points past the end"))
}

/// Every file entry of `zip`, in central directory order (directories are left out, after their
/// names are checked). Errors for anything unsafe or inconsistent; see the module documentation.
pub fn read_entries(zip: &[u8]) -> Result<Vec<ZipEntry>, ZipError> {
    // The end record is in the last 22 + 65 535 bytes (a comment of up to 65 535).
    let lowest = zip.len().saturating_sub(22 + 0xFFFF);
    let end = (lowest..=zip.len().saturating_sub(22))
        .rev()
        .find(|&at| u32_at(zip, at).ok() == Some(END_OF_CENTRAL_DIRECTORY))
        .ok_or_else(|| malformed("no end of central directory record"))?;
    if u16_at(zip, end + 4)? != 0 || u16_at(zip, end + 6)? != 0 {
        return Err(ZipError::Unsupported("multi-disk archive".into()));
    }
    let count = usize::from(u16_at(zip, end + 10)?);
    if count != usize::from(u16_at(zip, end + 8)?) {
        return Err(malformed("entry counts disagree"));
    }
    let cd_size = u32_at(zip, end + 12)? as usize;
    let cd_start = u32_at(zip, end + 16)?;
    if cd_start == u32::MAX || count == 0xFFFF {
        return Err(ZipError::Unsupported("ZIP64".into()));
    }
    if count > MAX_ENTRIES {
        return Err(ZipError::Limit(format!("{count} entries")));
    }
    let directory = slice(zip, cd_start as usize, cd_size)?;

    let mut entries: Vec<ZipEntry> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut total: u64 = 0;
    let mut at = 0usize;
    for _ in 0..count {
        if u32_at(directory, at)? != CENTRAL_HEADER {
            return Err(malformed("bad central directory header"));
        }
        let flags = u16_at(directory, at + 8)?;
        let method = u16_at(directory, at + 10)?;
        let crc = u32_at(directory, at + 16)?;
        let compressed = u32_at(directory, at + 20)?;
        let size = u32_at(directory, at + 24)?;
        let name_len = usize::from(u16_at(directory, at + 28)?);
        let extra_len = usize::from(u16_at(directory, at + 30)?);
        let comment_len = usize::from(u16_at(directory, at + 32)?);
        let offset = u32_at(directory, at + 42)?;
        let name_bytes = slice(directory, at + 46, name_len)?;
        at = at + 46 + name_len + extra_len + comment_len;

        let name = String::from_utf8(name_bytes.to_vec())
            .map_err(|_| ZipError::BadName(String::from_utf8_lossy(name_bytes).into_owned()))?;
        check_name(&name)?;
        if names.contains(&name) {
            return Err(ZipError::DuplicateName(name));
        }
        names.push(name.clone());
        if flags & 1 != 0 {
            return Err(ZipError::Unsupported(format!("{name} is encrypted")));
        }
        if compressed == u32::MAX || size == u32::MAX || offset == u32::MAX {
            return Err(ZipError::Unsupported("ZIP64".into()));
        }

        // The local header must agree on the name; its own extra field may differ in length.
        let local = offset as usize;
        if u32_at(zip, local)? != LOCAL_HEADER {
            return Err(malformed("bad local header"));
        }
        let local_name_len = usize::from(u16_at(zip, local + 26)?);
        let local_extra_len = u16_at(zip, local + 28)?;
        if slice(zip, local + 30, local_name_len)? != name_bytes {
            return Err(malformed("local and central names differ"));
        }
        let data_start = local + 30 + local_name_len + usize::from(local_extra_len);
        let raw = slice(zip, data_start, compressed as usize)?;

        if name.ends_with('/') {
            if size != 0 {
                return Err(malformed("a directory with data"));
            }
            continue;
        }
        total += u64::from(size);
        if total > MAX_TOTAL_SIZE {
            return Err(ZipError::Limit("total size".into()));
        }
        let data = match method {
            0 => {
                if compressed != size {
                    return Err(ZipError::Corrupt(format!("{name}: stored sizes differ")));
                }
                raw.to_vec()
            }
            8 => {
                if u64::from(size) > u64::from(compressed).saturating_mul(MAX_RATIO) + 1024 {
                    return Err(ZipError::Limit(format!("{name}: compression ratio")));
                }
                // The declared size bounds the output: a lying header cannot inflate further.
                miniz_oxide::inflate::decompress_to_vec_with_limit(raw, size as usize)
                    .map_err(|_| ZipError::Corrupt(format!("{name}: bad deflate data")))?
            }
            other => {
                return Err(ZipError::Unsupported(format!(
                    "{name}: compression method {other}"
                )));
            }
        };
        if data.len() != size as usize {
            return Err(ZipError::Corrupt(format!("{name}: size")));
        }
        if crc32fast::hash(&data) != crc {
            return Err(ZipError::Corrupt(format!("{name}: CRC-32")));
        }
        entries.push(ZipEntry {
            name,
            data,
            stored: method == 0,
            local_extra_len,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::process::Command;

    fn build(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = ZipWriter::new();
        let mut out = Vec::new();
        for (i, (name, data)) in entries.iter().enumerate() {
            if i == 0 {
                out.extend(w.stored_entry(name, data).unwrap());
            } else {
                out.extend(w.begin_entry(name).unwrap());
                for chunk in data.chunks(7) {
                    w.write(chunk).unwrap();
                    out.extend_from_slice(chunk);
                }
                out.extend(w.end_entry().unwrap());
            }
        }
        out.extend(w.finish().unwrap());
        out
    }

    const ENTRIES: &[(&str, &[u8])] = &[
        ("mimetype", b"application/vnd.etsi.asic-e+zip"),
        ("documento.txt", b"hola mundo\r\n"),
        ("carpeta/informe año.pdf", b"%PDF-1.7 fake"),
        ("vacio.bin", b""),
    ];

    #[test]
    fn what_we_write_reads_back() {
        let zip = build(ENTRIES);
        let read = read_entries(&zip).unwrap();
        assert_eq!(read.len(), ENTRIES.len());
        for (entry, (name, data)) in read.iter().zip(ENTRIES) {
            assert_eq!(entry.name, *name);
            assert_eq!(entry.data, *data);
            assert!(entry.stored);
            assert_eq!(entry.local_extra_len, 0);
        }
    }

    #[test]
    fn unzip_tests_and_lists_it_with_mimetype_first_stored_without_extra_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.zip");
        std::fs::write(&path, build(ENTRIES)).unwrap();
        let out = Command::new("/usr/bin/unzip")
            .arg("-t")
            .arg(&path)
            .output()
            .expect("unzip missing: run scripts/setup.sh");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("No errors detected"), "{text}");
        let out = Command::new("/usr/bin/zipinfo")
            .arg("-v")
            .arg(&path)
            .output()
            .expect("zipinfo missing: run scripts/setup.sh");
        let text = String::from_utf8_lossy(&out.stdout);
        let first = text.split("Central directory entry #2").next().unwrap();
        assert!(first.contains("mimetype"), "{first}");
        assert!(first.contains("compression method:                             none (stored)"));
        assert!(first.contains("length of extra field:                          0 bytes"));
        // unzip extracts the non-ASCII name as UTF-8.
        let out = Command::new("/usr/bin/unzip")
            .arg("-q")
            .arg(&path)
            .arg("-d")
            .arg(dir.path().join("x"))
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(
            std::fs::read(dir.path().join("x/carpeta/informe año.pdf")).unwrap(),
            b"%PDF-1.7 fake"
        );
    }

    #[test]
    fn deflated_entries_from_another_producer_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let big = "línea repetida\n".repeat(2000);
        std::fs::write(dir.path().join("a.txt"), &big).unwrap();
        let out = Command::new("python3")
            .current_dir(dir.path())
            .args([
                "-c",
                "import zipfile; z=zipfile.ZipFile('d.zip','w',zipfile.ZIP_DEFLATED); \
                 z.write('a.txt'); z.writestr('b/c.txt','x'); z.close()",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let read = read_entries(&std::fs::read(dir.path().join("d.zip")).unwrap()).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].data, big.as_bytes());
        assert!(!read[0].stored);
        assert_eq!(read[1].data, b"x");
    }

    #[test]
    fn an_entry_measured_elsewhere_gives_the_same_archive_as_one_written_here() {
        let mut w = ZipWriter::new();
        let mut out = w.stored_entry(ENTRIES[0].0, ENTRIES[0].1).unwrap();
        for (name, data) in &ENTRIES[1..] {
            out.extend(w.begin_entry(name).unwrap());
            out.extend_from_slice(data);
            out.extend(
                w.end_entry_measured(crc32fast::hash(data), data.len() as u64)
                    .unwrap(),
            );
        }
        out.extend(w.finish().unwrap());
        assert_eq!(out, build(ENTRIES));

        // Measured one way only, and within the 4 GiB a ZIP without ZIP64 can say.
        let mut w = ZipWriter::new();
        w.begin_entry("a").unwrap();
        w.write(b"x").unwrap();
        assert!(matches!(
            w.end_entry_measured(0, 1),
            Err(ZipError::OutOfOrder(_))
        ));
        let mut w = ZipWriter::new();
        w.begin_entry("b").unwrap();
        assert_eq!(
            w.end_entry_measured(0, u64::from(u32::MAX)),
            Err(ZipError::TooLarge)
        );
        assert!(ZipWriter::new().end_entry_measured(0, 0).is_err());
    }

    #[test]
    fn writer_refuses_bad_names_duplicates_and_misuse() {
        let mut w = ZipWriter::new();
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a\\b",
            "c:x",
            "a//b",
            "./a",
        ] {
            assert!(
                matches!(w.stored_entry(bad, b""), Err(ZipError::BadName(_))),
                "{bad}"
            );
        }
        w.stored_entry("a", b"1").unwrap();
        assert!(matches!(
            w.stored_entry("a", b"2"),
            Err(ZipError::DuplicateName(_))
        ));
        assert!(w.write(b"x").is_err());
        assert!(w.end_entry().is_err());
        w.begin_entry("b").unwrap();
        assert!(w.begin_entry("c").is_err());
        assert!(w.finish().is_err());
    }

    /// Replaces every occurrence of `from` by `to` (same length) in the archive bytes.
    fn patch(zip: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut out = zip.to_vec();
        let mut i = 0;
        while i + from.len() <= out.len() {
            if &out[i..i + from.len()] == from {
                out[i..i + from.len()].copy_from_slice(to);
            }
            i += 1;
        }
        out
    }

    #[test]
    fn hostile_archives_are_errors_never_panics() {
        let zip = build(&[("mimetype", b"m"), ("abc", b"hello"), ("abd", b"world")]);
        // Path traversal and duplicates, in both headers.
        assert!(matches!(
            read_entries(&patch(&zip, b"abc", b"../")),
            Err(ZipError::BadName(_))
        ));
        assert!(matches!(
            read_entries(&patch(&zip, b"abd", b"abc")),
            Err(ZipError::DuplicateName(_))
        ));
        // A changed data byte: CRC.
        assert!(matches!(
            read_entries(&patch(&zip, b"hello", b"hellO")),
            Err(ZipError::Corrupt(_))
        ));
        // Huge declared sizes in the central directory.
        let mut huge = zip.clone();
        let cd = u32_at(&zip, zip.len() - 6).unwrap() as usize;
        huge[cd + 20..cd + 28].copy_from_slice(&[0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f]);
        assert!(read_entries(&huge).is_err());
        // A deflate bomb: 1 GiB declared out of a few bytes.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 1 << 20], 10);
        let mut w = ZipWriter::new();
        let mut z = w.stored_entry("bomb", &bomb).unwrap();
        z.extend(w.finish().unwrap());
        let cd = u32_at(&z, z.len() - 6).unwrap() as usize;
        z[cd + 10] = 8;
        z[cd + 24..cd + 28].copy_from_slice(&(1u32 << 30).to_le_bytes());
        assert!(matches!(read_entries(&z), Err(ZipError::Limit(_))));
        // Every truncation and random bytes.
        for end in 0..zip.len() {
            let _ = read_entries(&zip[..end]);
        }
        let mut seed = 0x2545_f491_u32;
        for _ in 0..200 {
            let mut noisy = zip.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let at = seed as usize % noisy.len();
                noisy[at] = (seed >> 8) as u8;
            }
            let _ = read_entries(&noisy);
        }
        assert!(read_entries(b"PK\x05\x06").is_err());
        assert!(read_entries(&[0u8; 100]).is_err());
    }
}
