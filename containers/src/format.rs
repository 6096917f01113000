//! The containers a citizen can ask for (the SDK's `signFiles` and the command line), and what
//! each gives back: how many outputs, their names and media types, and whether the document
//! must be read whole.

/// The signed container asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CAdES detached: a `.p7s` beside the untouched document. Streams: any size.
    CadesDetached,
    /// CAdES attached (enveloping): a `.p7m` that carries the document.
    CadesAttached,
    /// PAdES: the signature inside the PDF, by an incremental update.
    Pades,
    /// XAdES enveloped: the signature inside the XML document.
    Xades,
    /// ASiC-E with CAdES: one `.asice` zip holding every document and one signature over all.
    Asice,
}

/// Above this size a document that must be held in memory (PAdES, XAdES, attached CAdES) is
/// refused with a clear message rather than risking the tab: detached formats stream instead.
pub const MAX_IN_MEMORY_MIB: u32 = 256;

impl Format {
    /// From the words the SDK's options and the command line use: `format` (default `cades`)
    /// and, for CAdES, `attached`.
    pub fn from_options(format: Option<&str>, attached: bool) -> Result<Self, &'static str> {
        match (format, attached) {
            (None | Some("cades"), false) => Ok(Self::CadesDetached),
            (None | Some("cades"), true) => Ok(Self::CadesAttached),
            (Some("pades"), false) => Ok(Self::Pades),
            (Some("xades"), false) => Ok(Self::Xades),
            (Some("asice"), false) => Ok(Self::Asice),
            (Some("pades" | "xades" | "asice"), true) => {
                Err("attached: only for format 'cades' (the others carry the document already)")
            }
            _ => Err("format: 'pades', 'cades', 'asice' or 'xades'"),
        }
    }

    /// The document is read whole into memory (its bytes go into the output or are rewritten);
    /// the others only stream it through SHA-256.
    pub fn reads_whole_document(self) -> bool {
        matches!(self, Self::CadesAttached | Self::Pades | Self::Xades)
    }

    /// One output for all files (ASiC-E), or one per file.
    pub fn one_output_for_all(self) -> bool {
        self == Self::Asice
    }

    /// The output's media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::CadesDetached => "application/pkcs7-signature",
            Self::CadesAttached => "application/pkcs7-mime",
            Self::Pades => "application/pdf",
            Self::Xades => "application/xml",
            Self::Asice => "application/vnd.etsi.asic-e+zip",
        }
    }

    /// The output's file name, from the (first) input's: `a.pdf` → `a.pdf.p7s`, `a.pdf.p7m`,
    /// `a_signed.pdf`, `a_signed.xml`, `a.asice`.
    pub fn output_name(self, input_name: &str) -> String {
        let name = safe_name(input_name);
        let stem = match name.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem,
            _ => name.as_str(),
        };
        match self {
            Self::CadesDetached => format!("{name}.p7s"),
            Self::CadesAttached => format!("{name}.p7m"),
            Self::Pades => format!("{stem}_signed.pdf"),
            Self::Xades => format!("{stem}_signed.xml"),
            Self::Asice => format!("{stem}.asice"),
        }
    }
}

/// The last path segment of a name, without control characters; `document` when nothing is
/// left. A browser's `File.name` has no path, but a portal may pass any string.
pub fn safe_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "document".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_map_to_formats_and_bad_ones_say_what_is_allowed() {
        assert_eq!(Format::from_options(None, false), Ok(Format::CadesDetached));
        assert_eq!(
            Format::from_options(Some("cades"), true),
            Ok(Format::CadesAttached)
        );
        assert_eq!(
            Format::from_options(Some("pades"), false),
            Ok(Format::Pades)
        );
        assert_eq!(
            Format::from_options(Some("xades"), false),
            Ok(Format::Xades)
        );
        assert_eq!(
            Format::from_options(Some("asice"), false),
            Ok(Format::Asice)
        );
        assert!(matches!(
            Format::from_options(Some("PAdES"), false),
            Err(why) if why.contains("'pades'")
        ));
        assert!(matches!(
            Format::from_options(Some("pades"), true),
            Err(why) if why.contains("attached")
        ));
    }

    #[test]
    fn outputs_are_named_after_their_input() {
        assert_eq!(Format::CadesDetached.output_name("a.pdf"), "a.pdf.p7s");
        assert_eq!(Format::CadesAttached.output_name("a.pdf"), "a.pdf.p7m");
        assert_eq!(
            Format::Pades.output_name("solicitud.pdf"),
            "solicitud_signed.pdf"
        );
        assert_eq!(
            Format::Xades.output_name("factura.xml"),
            "factura_signed.xml"
        );
        assert_eq!(Format::Asice.output_name("contrato.odt"), "contrato.asice");
        assert_eq!(
            Format::Pades.output_name("noextension"),
            "noextension_signed.pdf"
        );
        assert_eq!(Format::Pades.output_name(".pdf"), ".pdf_signed.pdf");
    }

    #[test]
    fn names_lose_paths_and_control_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\ana\\doc.pdf"), "doc.pdf");
        assert_eq!(safe_name("a\u{0}b\n.pdf"), "ab.pdf");
        assert_eq!(safe_name(""), "document");
        assert_eq!(safe_name(".."), "document");
        assert_eq!(Format::CadesDetached.output_name("dir/"), "document.p7s");
    }

    #[test]
    fn only_enveloping_formats_read_the_whole_document() {
        assert!(!Format::CadesDetached.reads_whole_document());
        assert!(!Format::Asice.reads_whole_document());
        assert!(Format::Pades.reads_whole_document());
        assert!(Format::Xades.reads_whole_document());
        assert!(Format::CadesAttached.reads_whole_document());
        assert!(Format::Asice.one_output_for_all());
        assert!(!Format::Pades.one_output_for_all());
    }
}
