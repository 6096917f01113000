//! PAdES-BASELINE-B and -T signatures (ETSI EN 319 142-1) in PDF files, staged for remote
//! signing like [`cades`](crate::cades), and their validation.
//!
//! Signing appends one incremental update (ISO 32000-1 §7.5.6) and never changes a byte of
//! the input, so earlier signatures stay valid: a signature dictionary (`/Type /Sig`,
//! `/Filter /Adobe.PPKLite`, `/SubFilter /ETSI.CAdES.detached`, §12.8.1; EN 319 142-1 §5.3) with
//! `/ByteRange` and `/Contents` placeholders, a signature field merged with its widget
//! annotation on a page, a new version of that page (or of its `/Annots` array), the
//! catalog's `/AcroForm` with `/SigFlags 3`, and a cross-reference section of the same kind as
//! the file's last one. [`prepare`] writes all of it, hashes the byte range and builds the
//! CAdES signed attributes (without `signing-time`: EN 319 142-1 §5.3 puts the time in `/M`);
//! [`PreparedPades::finish`] writes the CMS into `/Contents` in place.
//!
//! Why our own PDF reader and writer rather than `lopdf`: an incremental update needs little —
//! find objects through the cross-reference data, read a handful of dictionaries, append new
//! objects — while lopdf parses and can rewrite whole documents. lopdf 0.43+ pulls
//! sha2/digest 0.11 beside our 0.10 (two copies in the browser's `.wasm`), 0.42 is the last on
//! 0.10, and it needs a feature switch for wasm; its `IncrementalDocument` would also serialise
//! objects its own way. Ours is a tokenizer, an object parser, the cross-reference reader
//! (tables, streams, object streams, `/Prev`, `/XRefStm`) and an appender, with only
//! `miniz_oxide` (already small and pure) for FlateDecode. Every offset, count and nesting
//! depth read from the file is bounded, so hostile input gives an error, never a panic or a
//! corrupt output.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::expect_used, clippy::panic)
)]

mod appearance;
mod object;
mod reader;
#[cfg(test)]
pub(crate) mod tests;

use core::fmt;

use sha2::{Digest, Sha256};

use crate::cades::{CadesDetachedRequest, ContainerError, PreparedCades};
use crate::validation::{SignatureStatus, StructureError};
use object::{Dict, Lexer, Object, write_dict, write_object};
use reader::{Document, XrefKind};

/// DER room reserved in `/Contents` for level B: the CMS with a chain of 2–3 certificates.
const RESERVED_B: usize = 8 * 1024;
/// For level T, room for the time-stamp token (with the TSA's certificates) as well.
const RESERVED_T: usize = 24 * 1024;
/// Width of the `/ByteRange` array written, padded with spaces: four offsets of up to 10 digits.
const BYTE_RANGE_WIDTH: usize = 48;

/// What to sign, and how.
#[derive(Clone, Copy, Debug)]
pub struct PadesRequest<'a> {
    /// The PDF to sign; the output starts with exactly these bytes.
    pub pdf: &'a [u8],
    /// The citizen's X.509 certificate, DER (an EC key: ECDSA with SHA-256).
    pub signer_certificate_der: &'a [u8],
    /// The issuing CA(s) and root, DER.
    pub chain_der: &'a [Vec<u8>],
    /// Unix seconds; written as the /M of the signature dictionary (no signing-time in the CMS).
    pub signing_time_unix_seconds: i64,
    /// Where to show the signature, or `None` for an invisible one.
    pub visible: Option<VisibleSignature>,
    /// Reserve room in /Contents for a signature-time-stamp token (level T).
    pub with_timestamp: bool,
}

/// A visible signature's box, and the words it is drawn with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VisibleSignature {
    /// 1-based page number.
    pub page: u32,
    /// PDF points, from the page's lower-left corner.
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// In the citizen's language: this crate has no texts of its own.
    pub labels: AppearanceLabels,
}

/// The words around the signer's name, ID number and date in a visible signature (characters
/// outside WinAnsi are drawn as `?`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppearanceLabels {
    /// The first line, e.g. "Firmado digitalmente por".
    pub signed_by: &'static str,
    /// Before the ID number, e.g. "NIF/NIE".
    pub id_number: &'static str,
    /// Before the date, e.g. "Fecha".
    pub date: &'static str,
}

impl AppearanceLabels {
    /// Spanish, the default of Spanish public administrations.
    pub const SPANISH: Self = Self {
        signed_by: "Firmado digitalmente por",
        id_number: "NIF/NIE",
        date: "Fecha",
    };
}

/// A signed PDF waiting for its signature value: the file is written, `/Contents` is zeros.
#[derive(Clone, Debug)]
pub struct PreparedPades {
    output: Vec<u8>,
    /// Offset of the first hex digit inside `/Contents <…>`.
    contents_at: usize,
    /// Room in bytes of DER (hex digits / 2).
    reserved: usize,
    cades: PreparedCades,
}

/// Why a PDF could not be signed.
#[derive(Debug)]
#[non_exhaustive]
pub enum PdfError {
    /// The file is encrypted (`/Encrypt` in the trailer); signing it would need its password.
    Encrypted,
    /// The file cannot be read as a PDF.
    Damaged(String),
    /// A valid PDF using something this module does not handle.
    Unsupported(String),
    /// The visible signature's page does not exist.
    NoSuchPage { page: u32, pages: u32 },
    /// The CMS is larger than the room reserved in `/Contents`.
    TooBig,
    /// The CAdES part could not be built (certificates, signature, time).
    Container(ContainerError),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Encrypted => f.write_str("the PDF is encrypted"),
            Self::Damaged(why) => write!(f, "the PDF is damaged: {why}"),
            Self::Unsupported(what) => write!(f, "unsupported PDF: {what}"),
            Self::NoSuchPage { page, pages } => {
                write!(f, "page {page} does not exist (the PDF has {pages} pages)")
            }
            Self::TooBig => f.write_str("the signature is larger than the room reserved for it"),
            Self::Container(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PdfError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Container(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ContainerError> for PdfError {
    fn from(e: ContainerError) -> Self {
        Self::Container(e)
    }
}

/// Appends the signature's incremental update with an empty `/Contents`, and fixes the CAdES
/// signed attributes over its byte range.
pub fn prepare(req: &PadesRequest<'_>) -> Result<PreparedPades, PdfError> {
    let when = appearance::civil(req.signing_time_unix_seconds)
        .filter(|(year, ..)| *year >= 1970)
        .ok_or(ContainerError::SigningTimeOutOfRange {
            unix_seconds: req.signing_time_unix_seconds,
        })?;
    let doc = Document::open(req.pdf).map_err(PdfError::Damaged)?;
    if doc.trailer.get(b"Encrypt").is_some() {
        return Err(PdfError::Encrypted);
    }
    let (catalog_num, catalog) = doc.catalog().map_err(PdfError::Damaged)?;
    let page_number = req.visible.map_or(1, |v| v.page);
    let (page, pages) = doc.page(page_number).map_err(PdfError::Damaged)?;
    let Some((page_num, mut page_dict)) = page else {
        return Err(PdfError::NoSuchPage {
            page: page_number,
            pages,
        });
    };

    let mut writer = Update::new(req.pdf, doc.next_object_number());
    let sig_num = writer.allocate();
    let field_num = writer.allocate();
    let ap_num = writer.allocate();

    // The field's name must not clash with another top-level field (§12.7.3.2).
    let acroform_entry = catalog.get(b"AcroForm").cloned();
    let acroform = match &acroform_entry {
        Some(entry) => doc.dict(entry).map_err(PdfError::Damaged)?,
        None => Dict::default(),
    };
    let fields_entry = acroform.get(b"Fields").cloned();
    let mut fields = match &fields_entry {
        Some(entry) => match doc.resolve(entry).map_err(PdfError::Damaged)? {
            Object::Array(items) => items,
            _ => return Err(PdfError::Damaged("/Fields is not an array".into())),
        },
        None => Vec::new(),
    };
    let taken: std::collections::BTreeSet<Vec<u8>> = fields
        .iter()
        .filter_map(|f| doc.dict(f).ok())
        .filter_map(|f| match f.get(b"T") {
            Some(Object::Str(t)) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let field_name = (1u32..)
        .map(|i| format!("Signature{i}"))
        .find(|name| !taken.contains(name.as_bytes()))
        .unwrap_or_default();

    // The signature dictionary (§12.8.1, Table 252; EN 319 142-1 §5.3).
    let signing_time = {
        let (y, mo, d, h, mi, s) = when;
        format!("D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}+00'00'")
    };
    let reserved = if req.with_timestamp {
        RESERVED_T
    } else {
        RESERVED_B
    };
    let (byte_range_at, contents_at) =
        writer.signature_dictionary(sig_num, &signing_time, reserved);

    // The appearance: the text for a visible signature, an empty form for an invisible one
    // (a widget should have one, §12.5.5; PDF/A requires it).
    let (rect, stream) = match req.visible {
        Some(v) => {
            if !(v.width.is_finite() && v.height.is_finite() && v.x.is_finite() && v.y.is_finite())
                || v.width <= 0.0
                || v.height <= 0.0
            {
                return Err(PdfError::Unsupported(
                    "the visible signature's box must have a positive size".into(),
                ));
            }
            let signer = appearance::signer_of(req.signer_certificate_der);
            (
                [v.x, v.y, v.x + v.width, v.y + v.height],
                appearance::appearance_stream(&signer, when, v.width, v.height, &v.labels),
            )
        }
        None => ([0.0; 4], Vec::new()),
    };
    let (w, h) = (rect[2] - rect[0], rect[3] - rect[1]);
    let ap_dict = format!(
        "<</Type/XObject/Subtype/Form/BBox[0 0 {} {}]/Resources<</Font<</Helv<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>>>>>/Length {}>>",
        appearance::num(w),
        appearance::num(h),
        stream.len()
    );
    writer.begin(ap_num, 0);
    writer.out.extend_from_slice(ap_dict.as_bytes());
    writer.out.extend_from_slice(b"\nstream\n");
    writer.out.extend_from_slice(&stream);
    writer.out.extend_from_slice(b"\nendstream");
    writer.end();

    // The field merged with its widget (§12.7.4.5, §12.5.6.19): print + locked (/F 132).
    let rect_text: Vec<String> = rect.iter().map(|c| appearance::num(*c)).collect();
    let mut field = Vec::new();
    field.extend_from_slice(b"<</Type/Annot/Subtype/Widget/FT/Sig/T");
    object::write_string(&mut field, field_name.as_bytes());
    field.extend_from_slice(
        format!(
            "/V {sig_num} 0 R/F 132/Rect[{}]/P {page_num} {} R/AP<</N {ap_num} 0 R>>>>",
            rect_text.join(" "),
            doc.generation(page_num)
        )
        .as_bytes(),
    );
    writer.begin(field_num, 0);
    writer.out.extend_from_slice(&field);
    writer.end();

    // The page's /Annots: a new version of the array object if it is one, else of the page.
    let widget = Object::Ref(field_num, 0);
    match page_dict.get(b"Annots").cloned() {
        Some(Object::Ref(annots_num, annots_gen)) => {
            let mut annots = match doc.get(annots_num).map_err(PdfError::Damaged)? {
                Object::Array(items) => items,
                Object::Null => Vec::new(),
                _ => return Err(PdfError::Damaged("/Annots is not an array".into())),
            };
            annots.push(widget);
            writer.object(annots_num, annots_gen, &Object::Array(annots));
        }
        Some(Object::Array(mut annots)) => {
            annots.push(widget);
            page_dict.set(b"Annots", Object::Array(annots));
            writer.object(page_num, doc.generation(page_num), &Object::Dict(page_dict));
        }
        _ => {
            page_dict.set(b"Annots", Object::Array(vec![widget]));
            writer.object(page_num, doc.generation(page_num), &Object::Dict(page_dict));
        }
    }

    // The interactive form (§12.7.2): our field added, SigFlags SignaturesExist|AppendOnly.
    fields.push(Object::Ref(field_num, 0));
    let mut acroform = acroform;
    match fields_entry {
        Some(Object::Ref(fields_num, fields_gen)) => {
            writer.object(fields_num, fields_gen, &Object::Array(fields));
        }
        _ => acroform.set(b"Fields", Object::Array(fields)),
    }
    let flags = acroform.int(b"SigFlags").unwrap_or(0) | 3;
    acroform.set(b"SigFlags", Object::Int(flags));
    match acroform_entry {
        Some(Object::Ref(form_num, form_gen)) => {
            writer.object(form_num, form_gen, &Object::Dict(acroform));
        }
        _ => {
            let mut catalog = catalog;
            catalog.set(b"AcroForm", Object::Dict(acroform));
            writer.object(
                catalog_num,
                doc.generation(catalog_num),
                &Object::Dict(catalog),
            );
        }
    }

    writer.finish_xref(&doc)?;
    let output = writer.patch_byte_range(byte_range_at, contents_at, reserved)?;

    let content_sha256 = byte_range_sha256(&output, contents_at, reserved);
    let cades = crate::cades::prepare(&CadesDetachedRequest {
        content_sha256,
        signer_certificate_der: req.signer_certificate_der,
        chain_der: req.chain_der,
        signing_time_unix_seconds: None,
    })?;
    Ok(PreparedPades {
        output,
        contents_at,
        reserved,
        cades,
    })
}

/// SHA-256 of everything but the `/Contents` hex string (`<`…`>` included, §12.8.1).
fn byte_range_sha256(output: &[u8], contents_at: usize, reserved: usize) -> [u8; 32] {
    let gap_start = contents_at.saturating_sub(1);
    let gap_end = contents_at.saturating_add(2 * reserved + 1);
    crate::document_sha256::sha256_of(&[
        output.get(..gap_start).unwrap_or_default(),
        output.get(gap_end..).unwrap_or_default(),
    ])
}

impl PreparedPades {
    /// SHA-256 of the CAdES signed attributes — the hash the relay signs.
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        self.cades.data_to_be_signed_sha256()
    }

    /// The SHA-256 of the PDF's byte range (what `message-digest` says).
    pub fn byte_range_sha256(&self) -> [u8; 32] {
        byte_range_sha256(&self.output, self.contents_at, self.reserved)
    }

    /// signature_der: DER ECDSA-Sig-Value (as CSC signHash returns); token: an RFC 3161
    /// TimeStampToken over [`crate::tsp::signature_value_imprint`]`(signature_der)`, placed as
    /// the signature-time-stamp unsigned attribute (level T, EN 319 142-1 §5.4).
    pub fn finish(
        self,
        signature_der: &[u8],
        timestamp_token_der: Option<&[u8]>,
    ) -> Result<Vec<u8>, PdfError> {
        let cms = match timestamp_token_der {
            Some(token) => self.cades.finish_with_timestamp(signature_der, token)?,
            None => self.cades.finish(signature_der)?,
        };
        if cms.len() > self.reserved {
            return Err(PdfError::TooBig);
        }
        let mut output = self.output;
        let end = self.contents_at.saturating_add(2 * cms.len());
        let slot = output
            .get_mut(self.contents_at..end)
            .ok_or(PdfError::TooBig)?;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for (pair, byte) in slot.chunks_exact_mut(2).zip(&cms) {
            for (digit, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0x0f]) {
                *digit = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            }
        }
        Ok(output)
    }
}

/// The incremental update being written after the original bytes.
struct Update {
    out: Vec<u8>,
    next: u32,
    /// (number, generation, offset) of every object written.
    written: Vec<(u32, u16, usize)>,
}

impl Update {
    fn new(pdf: &[u8], next: u32) -> Self {
        let mut out = Vec::with_capacity(pdf.len() + 64 * 1024);
        out.extend_from_slice(pdf);
        // The update starts on a line of its own (§7.5.6).
        if !matches!(pdf.last(), Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        Update {
            out,
            next,
            written: Vec::new(),
        }
    }

    fn allocate(&mut self) -> u32 {
        let num = self.next;
        self.next = self.next.saturating_add(1);
        num
    }

    fn begin(&mut self, num: u32, generation: u16) {
        self.written.push((num, generation, self.out.len()));
        self.out
            .extend_from_slice(format!("{num} {generation} obj\n").as_bytes());
    }

    fn end(&mut self) {
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn object(&mut self, num: u32, generation: u16, object: &Object) {
        self.begin(num, generation);
        write_object(&mut self.out, object);
        self.end();
    }

    /// Writes the signature dictionary with placeholders; gives the offsets of the
    /// `/ByteRange` array and of the first hex digit of `/Contents`.
    fn signature_dictionary(&mut self, num: u32, m: &str, reserved: usize) -> (usize, usize) {
        self.begin(num, 0);
        self.out
            .extend_from_slice(b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M");
        object::write_string(&mut self.out, m.as_bytes());
        self.out.extend_from_slice(b"/ByteRange");
        let byte_range_at = self.out.len();
        self.out.extend(std::iter::repeat_n(b' ', BYTE_RANGE_WIDTH));
        self.out.extend_from_slice(b"/Contents<");
        let contents_at = self.out.len();
        self.out.extend(std::iter::repeat_n(b'0', 2 * reserved));
        self.out.extend_from_slice(b">>>");
        self.end();
        (byte_range_at, contents_at)
    }

    /// The cross-reference section for the objects written, of the same kind as the file's
    /// last one (§7.5.6), then `startxref` and `%%EOF`.
    fn finish_xref(&mut self, doc: &Document<'_>) -> Result<(), PdfError> {
        let mut trailer = Dict::default();
        for key in [&b"Root"[..], b"Info", b"ID"] {
            if let Some(value) = doc.trailer.get(key) {
                trailer.set(key, value.clone());
            }
        }
        trailer.set(
            b"Prev",
            Object::Int(
                i64::try_from(doc.startxref)
                    .map_err(|_| PdfError::Damaged("startxref out of range".into()))?,
            ),
        );
        match doc.kind {
            XrefKind::Table => {
                let xref_at = self.out.len();
                let mut entries = self.written.clone();
                entries.sort_unstable();
                entries.dedup_by_key(|e| e.0);
                self.out.extend_from_slice(b"xref\n");
                for run in runs(&entries) {
                    let (first, _, _) = run.first().copied().unwrap_or_default();
                    self.out
                        .extend_from_slice(format!("{first} {}\n", run.len()).as_bytes());
                    for (_, generation, offset) in run {
                        // Exactly 20 bytes each (§7.5.4).
                        self.out.extend_from_slice(
                            format!("{offset:010} {generation:05} n\r\n").as_bytes(),
                        );
                    }
                }
                trailer.set(b"Size", Object::Int(i64::from(self.next)));
                self.out.extend_from_slice(b"trailer\n");
                write_dict(&mut self.out, &trailer);
                self.out
                    .extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
            XrefKind::Stream => {
                let xref_num = self.allocate();
                let xref_at = self.out.len();
                self.written.push((xref_num, 0, xref_at));
                let mut entries = self.written.clone();
                entries.sort_unstable();
                entries.dedup_by_key(|e| e.0);
                let offset_width = if xref_at > u32::MAX as usize { 8 } else { 4 };
                let mut index = Vec::new();
                let mut rows = Vec::new();
                for run in runs(&entries) {
                    let (first, _, _) = run.first().copied().unwrap_or_default();
                    index.push(Object::Int(i64::from(first)));
                    index.push(Object::Int(run.len() as i64));
                    for (_, generation, offset) in run {
                        rows.push(1u8);
                        let offset = (*offset as u64).to_be_bytes();
                        rows.extend_from_slice(offset.get(8 - offset_width..).unwrap_or_default());
                        rows.extend_from_slice(&generation.to_be_bytes());
                    }
                }
                trailer.set(b"Type", Object::Name(b"XRef".to_vec()));
                trailer.set(b"Size", Object::Int(i64::from(self.next)));
                trailer.set(b"Index", Object::Array(index));
                trailer.set(
                    b"W",
                    Object::Array(vec![
                        Object::Int(1),
                        Object::Int(offset_width as i64),
                        Object::Int(2),
                    ]),
                );
                trailer.set(b"Length", Object::Int(rows.len() as i64));
                self.out
                    .extend_from_slice(format!("{xref_num} 0 obj\n").as_bytes());
                write_dict(&mut self.out, &trailer);
                self.out.extend_from_slice(b"\nstream\n");
                self.out.extend_from_slice(&rows);
                self.out.extend_from_slice(b"\nendstream\nendobj\n");
                self.out
                    .extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
            }
        }
        Ok(())
    }

    /// Writes the final `/ByteRange [0 a b c]` over its placeholder (§12.8.1).
    fn patch_byte_range(
        mut self,
        byte_range_at: usize,
        contents_at: usize,
        reserved: usize,
    ) -> Result<Vec<u8>, PdfError> {
        let gap_start = contents_at.saturating_sub(1);
        let gap_end = contents_at.saturating_add(2 * reserved + 1);
        let tail = self.out.len().saturating_sub(gap_end);
        let text = format!("[0 {gap_start} {gap_end} {tail}]");
        let slot = self
            .out
            .get_mut(byte_range_at..byte_range_at.saturating_add(text.len()))
            .filter(|_| text.len() <= BYTE_RANGE_WIDTH)
            .ok_or_else(|| PdfError::Unsupported("the PDF is too large".into()))?;
        slot.copy_from_slice(text.as_bytes());
        Ok(self.out)
    }
}

/// Consecutive object numbers, as cross-reference subsections.
fn runs(entries: &[(u32, u16, usize)]) -> Vec<&[(u32, u16, usize)]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        let consecutive = match (entries.get(i - 1), entries.get(i)) {
            (Some(a), Some(b)) => a.0.checked_add(1) == Some(b.0),
            _ => false,
        };
        if !consecutive {
            if let Some(run) = entries.get(start..i) {
                runs.push(run);
            }
            start = i;
        }
    }
    runs
}

/// One signature of a PDF, as found and checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdfSignatureStatus {
    /// The CAdES checks over the byte range (intact, valid, signer bound, …).
    pub status: SignatureStatus,
    /// The field's fully qualified name (§12.7.3.2).
    pub field_name: String,
    /// The signature dictionary's `/ByteRange`.
    pub byte_range: [u64; 4],
    /// The byte range starts at 0, leaves out exactly the `/Contents` string and runs to the
    /// end of the file: nothing in the file is unsigned.
    pub covers_whole_file: bool,
    /// Bytes follow the signed range: a later incremental update (another signature, or a
    /// change) was appended after this signature's revision.
    pub revision_modified_after: bool,
    /// The signature dictionary's `/M`, Unix seconds.
    pub signing_time_m: Option<i64>,
}

/// Every signature field with a signature value in the PDF, checked against its byte range.
/// An error only when the file or its form cannot be read; a broken signature is a status.
pub fn validate(pdf: &[u8]) -> Result<Vec<PdfSignatureStatus>, StructureError> {
    let broken = |e: String| StructureError(format!("PDF: {e}"));
    let doc = Document::open(pdf).map_err(broken)?;
    if doc.trailer.get(b"Encrypt").is_some() {
        return Err(StructureError("PDF: encrypted".into()));
    }
    let (_, catalog) = doc.catalog().map_err(broken)?;
    let Some(form) = catalog.get(b"AcroForm") else {
        return Ok(Vec::new());
    };
    let form = doc.dict(form).map_err(broken)?;
    let fields = match form.get(b"Fields").map(|f| doc.resolve(f)) {
        Some(Ok(Object::Array(items))) => items,
        None => Vec::new(),
        Some(Ok(_)) => return Err(StructureError("PDF: /Fields is not an array".into())),
        Some(Err(e)) => return Err(broken(e)),
    };
    let mut signatures = Vec::new();
    let mut visited = std::collections::BTreeSet::new();
    for field in &fields {
        collect_signatures(&doc, field, "", None, 0, &mut visited, &mut signatures)?;
    }
    Ok(signatures
        .into_iter()
        .map(|(name, sig)| check_signature(pdf, name, &sig))
        .collect())
}

/// Walks a field and its kids (§12.7.3.1), keeping signature fields that have a value.
fn collect_signatures(
    doc: &Document<'_>,
    field: &Object,
    parent_name: &str,
    inherited_type: Option<Vec<u8>>,
    depth: usize,
    visited: &mut std::collections::BTreeSet<u32>,
    found: &mut Vec<(String, Dict)>,
) -> Result<(), StructureError> {
    if depth > 32 || found.len() > 1000 {
        return Err(StructureError("PDF: the form is nested too deeply".into()));
    }
    if let Object::Ref(num, _) = field
        && !visited.insert(*num)
    {
        return Ok(());
    }
    let Ok(dict) = doc.dict(field) else {
        return Ok(());
    };
    let partial = match dict.get(b"T") {
        Some(Object::Str(t)) => Some(text_string(t)),
        _ => None,
    };
    let name = match (parent_name.is_empty(), partial) {
        (_, None) => parent_name.to_owned(),
        (true, Some(p)) => p,
        (false, Some(p)) => format!("{parent_name}.{p}"),
    };
    let field_type = dict.name(b"FT").map(<[u8]>::to_vec).or(inherited_type);
    if field_type.as_deref() == Some(b"Sig")
        && let Some(value) = dict.get(b"V")
        && let Ok(sig) = doc.dict(value)
    {
        found.push((name.clone(), sig));
    }
    if let Some(kids) = dict.get(b"Kids")
        && let Ok(Object::Array(kids)) = doc.resolve(kids)
    {
        for kid in &kids {
            collect_signatures(
                doc,
                kid,
                &name,
                field_type.clone(),
                depth + 1,
                visited,
                found,
            )?;
        }
    }
    Ok(())
}

/// A text string (§7.9.2.2): UTF-16BE with a BOM, else PDFDocEncoding (read as Latin-1, which
/// it equals for letters).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| {
                    u16::from_be_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn unchecked(problem: String) -> SignatureStatus {
    SignatureStatus {
        intact: false,
        valid: false,
        signer_bound: false,
        signer_certificate: None,
        signer_subject: None,
        signing_time: None,
        timestamp: None,
        timestamp_token: None,
        problems: vec![problem],
    }
}

fn check_signature(pdf: &[u8], field_name: String, sig: &Dict) -> PdfSignatureStatus {
    let signing_time_m = match sig.get(b"M") {
        Some(Object::Str(m)) => parse_pdf_date(m),
        _ => None,
    };
    let mut byte_range = [0u64; 4];
    let range_ok = match sig.get(b"ByteRange") {
        Some(Object::Array(items)) if items.len() == 4 => items
            .iter()
            .zip(byte_range.iter_mut())
            .all(|(item, slot)| match item {
                Object::Int(v) => u64::try_from(*v).map(|v| *slot = v).is_ok(),
                _ => false,
            }),
        _ => false,
    };
    let [a, b, c, d] = byte_range;
    let ranges = range_ok
        .then(|| {
            let first =
                pdf.get(usize::try_from(a).ok()?..usize::try_from(a.checked_add(b)?).ok()?)?;
            let second =
                pdf.get(usize::try_from(c).ok()?..usize::try_from(c.checked_add(d)?).ok()?)?;
            (a.checked_add(b)? <= c).then_some((first, second))
        })
        .flatten();
    let end = c.saturating_add(d);
    let revision_modified_after = range_ok && end < pdf.len() as u64;
    let Some((first, second)) = ranges else {
        return PdfSignatureStatus {
            status: unchecked("the /ByteRange is missing or outside the file".into()),
            field_name,
            byte_range,
            covers_whole_file: false,
            revision_modified_after,
            signing_time_m,
        };
    };
    // The gap must be exactly the /Contents hex string, or unsigned bytes could hide there.
    let gap_is_contents = usize::try_from(a.saturating_add(b))
        .ok()
        .and_then(|start| {
            let gap = pdf.get(start..usize::try_from(c).ok()?)?;
            let mut lexer = Lexer::new(gap, 0);
            let ok = matches!(lexer.parse_object(), Ok(Object::Str(_)))
                && gap.first() == Some(&b'<')
                && lexer.pos == gap.len();
            Some(ok)
        })
        .unwrap_or(false);
    let covers_whole_file = a == 0 && gap_is_contents && end == pdf.len() as u64;
    let mut hasher = Sha256::new();
    hasher.update(first);
    hasher.update(second);
    let digest: [u8; 32] = hasher.finalize().into();

    let mut status = match sig.get(b"Contents") {
        Some(Object::Str(contents)) => {
            let cms = contents.get(..der_length(contents)).unwrap_or(contents);
            match crate::validation::validate_cades_detached(cms, &digest) {
                Ok(mut statuses) if !statuses.is_empty() => {
                    let mut status = statuses.remove(0);
                    if !statuses.is_empty() {
                        status
                            .problems
                            .push("more than one signer in /Contents".to_owned());
                    }
                    status
                }
                Ok(_) => unchecked("no signer in /Contents".into()),
                Err(e) => unchecked(format!("/Contents: {e}")),
            }
        }
        _ => unchecked("no /Contents string".into()),
    };
    if a != 0 || !gap_is_contents {
        status.intact = false;
        status
            .problems
            .push("the /ByteRange leaves out more than the /Contents string".to_owned());
    }
    PdfSignatureStatus {
        status,
        field_name,
        byte_range,
        covers_whole_file,
        revision_modified_after,
        signing_time_m,
    }
}

/// The length of the DER element at the start (the CMS is zero-padded in `/Contents`).
fn der_length(bytes: &[u8]) -> usize {
    let Some(&first_len) = bytes.get(1) else {
        return bytes.len();
    };
    if first_len < 0x80 {
        return 2 + usize::from(first_len);
    }
    let n = usize::from(first_len & 0x7f);
    if n == 0 || n > 4 {
        return bytes.len();
    }
    let Some(len_bytes) = bytes.get(2..2 + n) else {
        return bytes.len();
    };
    let len = len_bytes
        .iter()
        .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    len.saturating_add(2 + n)
}

/// A PDF date (§7.9.4) `D:YYYYMMDDHHmmSSOHH'mm'` as Unix seconds; missing parts default.
fn parse_pdf_date(text: &[u8]) -> Option<i64> {
    let text = text.strip_prefix(b"D:").unwrap_or(text);
    let digits = |from: usize, len: usize, default: i64| -> Option<i64> {
        match text.get(from..from + len) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => {
                std::str::from_utf8(d).ok()?.parse().ok()
            }
            Some(_) => None,
            None => Some(default),
        }
    };
    let year = digits(0, 4, -1).filter(|y| *y >= 0)?;
    let month = digits(4, 2, 1)?;
    let day = digits(6, 2, 1)?;
    let hour = digits(8, 2, 0)?;
    let minute = digits(10, 2, 0)?;
    let second = digits(12, 2, 0)?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let offset = match text.get(14) {
        Some(sign @ (b'+' | b'-')) => {
            let hours = digits(15, 2, 0)?;
            let minutes = digits(18, 2, 0).unwrap_or(0);
            let total = hours * 3600 + minutes * 60;
            if *sign == b'+' { total } else { -total }
        }
        _ => 0,
    };
    let days = appearance::days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}
