//! ASiC-E containers (ETSI EN 319 162-1): a ZIP holding the signed files and, under
//! `META-INF/`, the signatures over them.
//!
//! - With CAdES (§4.4.3.2): `META-INF/ASiCManifest.xml` lists each file with its SHA-256
//!   (a `DataObjectReference` per file, Annex A.4), and a detached CAdES signature over the
//!   manifest's bytes, `META-INF/signature001.p7s`, is named by its `SigReference`.
//! - With XAdES (§4.4.3.3): `META-INF/signatures001.xml` holds a detached XAdES signature with
//!   one reference per file ([`crate::xades::prepare_detached`]).
//!
//! The ZIP starts with the `mimetype` entry, stored, without extra field (§A.1, as
//! [`write_container`] does); files are hashed elsewhere (streaming), so preparing a signature
//! takes names and digests only.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use core::fmt;
use sha2::{Digest, Sha256};

use crate::c14n::escape_attribute;
use crate::cades::{CadesDetachedRequest, ContainerError, PreparedCades};
use crate::validation::{SignatureStatus, StructureError, validate_cades_detached};
use crate::zip::{ZipError, ZipWriter, check_name, read_entries};

/// The `mimetype` entry's content for ASiC-E (EN 319 162-1 §4.4.1, §A.1).
pub const MIMETYPE: &str = "application/vnd.etsi.asic-e+zip";
/// Where the CAdES flavour keeps its manifest and signature (EN 319 162-1 §4.4.3.2: names
/// matching `META-INF/ASiCManifest*.xml` and `META-INF/*signature*.p7s`).
pub const CADES_MANIFEST: &str = "META-INF/ASiCManifest.xml";
pub const CADES_SIGNATURE: &str = "META-INF/signature001.p7s";
/// Where the XAdES flavour keeps its signature (§4.4.3.3: `META-INF/*signatures*.xml`).
pub const XADES_SIGNATURES: &str = "META-INF/signatures001.xml";

pub(crate) const ASIC_NAMESPACE: &str = "http://uri.etsi.org/02918/v1.2.1#";
pub(crate) const DS_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";
pub(crate) const SHA256_URI: &str = "http://www.w3.org/2001/04/xmlenc#sha256";

/// One file of the container, hashed beforehand.
#[derive(Clone, Copy, Debug)]
pub struct DataObject<'a> {
    /// Its name (path) inside the container, e.g. `informe.pdf`.
    pub name: &'a str,
    /// Its media type, e.g. `application/pdf`.
    pub mime_type: &'a str,
    pub sha256: [u8; 32],
}

/// Why a container could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum AsicError {
    /// No file to sign.
    NoFiles,
    /// A file name the container cannot hold: unsafe as a ZIP name, `mimetype`, under
    /// `META-INF/`, or twice.
    BadName(String),
    /// A media type with characters outside printable ASCII.
    BadMimeType(String),
    /// The CAdES signature could not be built.
    Cades(ContainerError),
    /// The ZIP could not be written.
    Zip(ZipError),
}

impl fmt::Display for AsicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoFiles => f.write_str("ASiC: no file to sign"),
            Self::BadName(n) => write!(f, "ASiC: a container cannot hold a file named {n:?}"),
            Self::BadMimeType(m) => write!(f, "ASiC: bad media type {m:?}"),
            Self::Cades(e) => write!(f, "ASiC: {e}"),
            Self::Zip(e) => write!(f, "ASiC: {e}"),
        }
    }
}

impl std::error::Error for AsicError {}

impl From<ZipError> for AsicError {
    fn from(e: ZipError) -> Self {
        Self::Zip(e)
    }
}

/// The names a signature may cover: safe ZIP names, outside `META-INF/`, not `mimetype`
/// (EN 319 162-1 §4.4.2), each once.
pub(crate) fn check_objects(objects: &[DataObject<'_>]) -> Result<(), AsicError> {
    if objects.is_empty() {
        return Err(AsicError::NoFiles);
    }
    for (i, object) in objects.iter().enumerate() {
        let name = object.name;
        if check_name(name).is_err()
            || name.ends_with('/')
            || name == "mimetype"
            || name.starts_with("META-INF/")
            || objects[..i].iter().any(|o| o.name == name)
        {
            return Err(AsicError::BadName(name.to_owned()));
        }
        let mime = object.mime_type;
        if mime.is_empty() || !mime.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(AsicError::BadMimeType(mime.to_owned()));
        }
    }
    Ok(())
}

/// A container path as a relative URI reference (RFC 3986 §2: everything but unreserved
/// characters and `/` percent-encoded), as ASiC and XML-DSig references need.
pub(crate) fn name_to_uri(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The container path a relative URI reference names (percent-decoded, UTF-8), if any.
pub(crate) fn uri_to_name(uri: &str) -> Option<String> {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = core::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    let name = String::from_utf8(out).ok()?;
    Some(name.strip_prefix("./").unwrap_or(&name).to_owned())
}

/// The ASiCManifest (EN 319 162-1 Annex A.4) naming `signature` and listing every object.
fn manifest(objects: &[DataObject<'_>], signature: &str) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
    out.extend_from_slice(
        format!(
            "<asic:ASiCManifest xmlns:asic=\"{ASIC_NAMESPACE}\" xmlns:ds=\"{DS_NAMESPACE}\">\n\
             <asic:SigReference MimeType=\"application/pkcs7-signature\" URI=\"{}\"/>\n",
            name_to_uri(signature)
        )
        .as_bytes(),
    );
    for object in objects {
        out.extend_from_slice(b"<asic:DataObjectReference MimeType=\"");
        escape_attribute(&mut out, object.mime_type);
        out.extend_from_slice(b"\" URI=\"");
        escape_attribute(&mut out, &name_to_uri(object.name));
        out.extend_from_slice(
            format!(
                "\">\n<ds:DigestMethod Algorithm=\"{SHA256_URI}\"/>\n<ds:DigestValue>{}</ds:DigestValue>\n</asic:DataObjectReference>\n",
                BASE64.encode(object.sha256)
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(b"</asic:ASiCManifest>\n");
    out
}

/// Prepares an ASiC-E with CAdES over `objects`: the manifest is fixed now, and the CAdES
/// signature's signed attributes over it (CAdES-BASELINE-B, `signing-time` included).
pub fn prepare_cades(
    objects: &[DataObject<'_>],
    signer_certificate_der: &[u8],
    chain_der: &[Vec<u8>],
    signing_time_unix_seconds: i64,
) -> Result<PreparedAsicCades, AsicError> {
    check_objects(objects)?;
    let manifest = manifest(objects, CADES_SIGNATURE);
    let cades = crate::cades::prepare(&CadesDetachedRequest {
        content_sha256: Sha256::digest(&manifest).into(),
        signer_certificate_der,
        chain_der,
        signing_time_unix_seconds: Some(signing_time_unix_seconds),
    })
    .map_err(AsicError::Cades)?;
    Ok(PreparedAsicCades { manifest, cades })
}

/// An ASiC-E with CAdES waiting for its signature.
#[derive(Clone, Debug)]
pub struct PreparedAsicCades {
    manifest: Vec<u8>,
    cades: PreparedCades,
}

impl PreparedAsicCades {
    /// The hash the relay signs (over the CAdES signed attributes).
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        self.cades.data_to_be_signed_sha256()
    }

    /// For level T: the SHA-256 a TSA stamps, over the signature value (EN 319 122-1 §5.3).
    pub fn timestamp_imprint(&self, signature_der: &[u8]) -> [u8; 32] {
        crate::tsp::signature_value_imprint(signature_der)
    }

    /// The `META-INF/` entries to write after the data files, in this order:
    /// `META-INF/ASiCManifest.xml` and `META-INF/signature001.p7s` (with the timestamp token
    /// as `signature-time-stamp` for level T).
    pub fn finish(
        self,
        signature_der: &[u8],
        timestamp_token_der: Option<&[u8]>,
    ) -> Result<Vec<(String, Vec<u8>)>, AsicError> {
        let p7s = match timestamp_token_der {
            None => self.cades.finish(signature_der),
            Some(token) => self.cades.finish_with_timestamp(signature_der, token),
        }
        .map_err(AsicError::Cades)?;
        Ok(vec![
            (CADES_MANIFEST.to_owned(), self.manifest),
            (CADES_SIGNATURE.to_owned(), p7s),
        ])
    }
}

/// The whole container in memory (command line, tests): `mimetype` first (stored, no extra
/// field), then `files`, then the `META-INF/` entries `finish` gave. The browser streams the
/// same with [`ZipWriter`].
pub fn write_container(
    files: &[(&str, &[u8])],
    meta_inf: &[(String, Vec<u8>)],
) -> Result<Vec<u8>, AsicError> {
    let mut zip = ZipWriter::new();
    let mut out = zip.stored_entry("mimetype", MIMETYPE.as_bytes())?;
    for (name, data) in files {
        if *name == "mimetype" || name.starts_with("META-INF/") {
            return Err(AsicError::BadName((*name).to_owned()));
        }
        out.extend(zip.stored_entry(name, data)?);
    }
    for (name, data) in meta_inf {
        if !name.starts_with("META-INF/") {
            return Err(AsicError::BadName(name.clone()));
        }
        out.extend(zip.stored_entry(name, data)?);
    }
    out.extend(zip.finish()?);
    Ok(out)
}

/// Which kind of signature a container file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureFormat {
    /// A detached CAdES signature over an ASiCManifest.
    Cades,
    /// A detached XAdES signature in an `XAdESSignatures` document.
    Xades,
}

/// Where one signature is and which files it covers (same order as `AsicReport::signatures`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureScope {
    /// The `META-INF/` entry holding the signature.
    pub signature_file: String,
    pub format: SignatureFormat,
    /// The container files the signature references (whether or not their digests match).
    pub files: Vec<String>,
}

/// What a container holds and what each signature in it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsicReport {
    /// The data files (outside `META-INF/`, `mimetype` excluded): name and size.
    pub files: Vec<(String, u64)>,
    /// One status per signature.
    pub signatures: Vec<SignatureStatus>,
    /// For each of `signatures`, at the same index: where it is and what it covers.
    pub scopes: Vec<SignatureScope>,
    /// Container-level problems: the `mimetype` entry, files no signature covers, signature
    /// files that could not be read.
    pub problems: Vec<String>,
}

impl AsicReport {
    /// Every signature holds, every file is covered by one, and nothing else is wrong.
    pub fn holds(&self) -> bool {
        !self.signatures.is_empty()
            && self.signatures.iter().all(SignatureStatus::holds)
            && self.problems.is_empty()
    }
}

fn failed_status(problem: String) -> SignatureStatus {
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

/// Reads an ASiC-E container and checks every signature in it (CAdES with manifests, XAdES).
/// An error only when it is not a readable ZIP; everything else is in the report.
pub fn validate(container: &[u8]) -> Result<AsicReport, StructureError> {
    let entries = read_entries(container).map_err(|e| StructureError(e.to_string()))?;
    let mut problems = Vec::new();
    // EN 319 162-1 §A.1: `mimetype` first, stored, without extra field, naming ASiC-E.
    match entries.first() {
        Some(first) if first.name == "mimetype" => {
            if first.data != MIMETYPE.as_bytes() {
                problems.push(format!(
                    "the mimetype is {:?}, not {MIMETYPE}",
                    String::from_utf8_lossy(&first.data)
                ));
            }
            if !first.stored || first.local_extra_len != 0 {
                problems.push("the mimetype entry is compressed or has an extra field".into());
            }
        }
        _ => {
            if entries.iter().any(|e| e.name == "mimetype") {
                problems.push("the mimetype entry is not the first".into());
            } else {
                problems.push("no mimetype entry".into());
            }
        }
    }
    let files: Vec<(String, Vec<u8>)> = entries
        .iter()
        .filter(|e| e.name != "mimetype" && !e.name.starts_with("META-INF/"))
        .map(|e| (e.name.clone(), e.data.clone()))
        .collect();

    let mut signatures = Vec::new();
    let mut scopes = Vec::new();
    for entry in entries.iter().filter(|e| e.name.starts_with("META-INF/")) {
        let leaf = entry.name.rsplit('/').next().unwrap_or("");
        if leaf.contains("signature") && leaf.ends_with(".p7s") {
            let (status, covered) =
                validate_cades_entry(&entry.name, &entry.data, &entries, &files);
            signatures.push(status);
            scopes.push(SignatureScope {
                signature_file: entry.name.clone(),
                format: SignatureFormat::Cades,
                files: covered,
            });
        } else if leaf.contains("signatures") && leaf.ends_with(".xml") {
            match crate::xades::validate_detached_scoped(&entry.data, &files) {
                Ok(found) => {
                    for (status, covered) in found {
                        signatures.push(status);
                        scopes.push(SignatureScope {
                            signature_file: entry.name.clone(),
                            format: SignatureFormat::Xades,
                            files: covered,
                        });
                    }
                }
                Err(e) => problems.push(format!("{}: {e}", entry.name)),
            }
        }
    }
    if signatures.is_empty() {
        problems.push("no signature in the container".into());
    }
    for (name, _) in &files {
        if !scopes.iter().any(|s| s.files.contains(name)) {
            problems.push(format!("{name} is not covered by any signature"));
        }
    }
    Ok(AsicReport {
        files: files
            .iter()
            .map(|(name, data)| (name.clone(), data.len() as u64))
            .collect(),
        signatures,
        scopes,
        problems,
    })
}

/// A CAdES signature of an ASiC-E: the manifest naming it, the signature over the manifest,
/// and the manifest's digests over the files (all of which `intact` requires).
fn validate_cades_entry(
    signature_name: &str,
    p7s: &[u8],
    entries: &[crate::zip::ZipEntry],
    files: &[(String, Vec<u8>)],
) -> (SignatureStatus, Vec<String>) {
    let manifests: Vec<(&crate::zip::ZipEntry, Manifest)> = entries
        .iter()
        .filter(|e| e.name.starts_with("META-INF/ASiCManifest") && e.name.ends_with(".xml"))
        .filter_map(|e| read_manifest(&e.data).ok().map(|m| (e, m)))
        .filter(|(_, m)| m.signature.as_deref() == Some(signature_name))
        .collect();
    let [(manifest_entry, manifest)] = manifests.as_slice() else {
        return (
            failed_status(format!(
                "{} manifests name {signature_name} (exactly one must)",
                manifests.len()
            )),
            Vec::new(),
        );
    };
    let digest: [u8; 32] = Sha256::digest(&manifest_entry.data).into();
    let mut status = match validate_cades_detached(p7s, &digest) {
        Ok(statuses) => match <[SignatureStatus; 1]>::try_from(statuses) {
            Ok([status]) => status,
            Err(_) => failed_status("the signature file holds more than one signer".into()),
        },
        Err(e) => failed_status(e.to_string()),
    };
    let covered: Vec<String> = manifest.references.iter().map(|r| r.name.clone()).collect();
    for problem in manifest.check(files) {
        status.intact = false;
        status.problems.push(problem);
    }
    (status, covered)
}

struct ManifestReference {
    name: String,
    sha256: Option<Vec<u8>>,
}

struct Manifest {
    signature: Option<String>,
    references: Vec<ManifestReference>,
}

impl Manifest {
    fn check(&self, files: &[(String, Vec<u8>)]) -> Vec<String> {
        let mut problems = Vec::new();
        if self.references.is_empty() {
            problems.push("the manifest references no file".into());
        }
        for reference in &self.references {
            match files.iter().find(|(name, _)| *name == reference.name) {
                None => problems.push(format!("{} is not in the container", reference.name)),
                Some((_, data)) => match &reference.sha256 {
                    Some(d) if d[..] == Sha256::digest(data)[..] => {}
                    Some(_) => {
                        problems.push(format!("{} does not match its digest", reference.name))
                    }
                    None => problems.push(format!(
                        "{}: no SHA-256 digest in the manifest",
                        reference.name
                    )),
                },
            }
        }
        problems
    }
}

/// Reads an ASiCManifest (EN 319 162-1 Annex A.4); only SHA-256 digests are understood.
fn read_manifest(xml: &[u8]) -> Result<Manifest, String> {
    let doc = crate::c14n::parse(xml).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    if !root.has_tag_name((ASIC_NAMESPACE, "ASiCManifest")) {
        return Err("not an ASiCManifest".into());
    }
    let signature = root
        .children()
        .find(|n| n.has_tag_name((ASIC_NAMESPACE, "SigReference")))
        .and_then(|n| n.attribute("URI"))
        .and_then(uri_to_name);
    let mut references = Vec::new();
    for reference in root
        .children()
        .filter(|n| n.has_tag_name((ASIC_NAMESPACE, "DataObjectReference")))
    {
        let Some(name) = reference.attribute("URI").and_then(uri_to_name) else {
            return Err("a DataObjectReference without a usable URI".into());
        };
        let method = reference
            .children()
            .find(|n| n.has_tag_name((DS_NAMESPACE, "DigestMethod")))
            .and_then(|n| n.attribute("Algorithm"));
        let value = reference
            .children()
            .find(|n| n.has_tag_name((DS_NAMESPACE, "DigestValue")))
            .and_then(|n| n.text())
            .and_then(|t| crate::xades::decode_base64(t).ok());
        references.push(ManifestReference {
            name,
            sha256: value.filter(|_| method == Some(SHA256_URI)),
        });
    }
    Ok(Manifest {
        signature,
        references,
    })
}

#[cfg(test)]
mod tests;
