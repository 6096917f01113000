//! XAdES-BASELINE-B and -T signatures (ETSI EN 319 132-1 over W3C XML-DSig 1.1,
//! xmldsig-core1), ECDSA P-256 with SHA-256 and exclusive canonicalization, staged for remote
//! signing like [`crate::cades`]: `prepare_*` fixes what is signed and gives the hash of the
//! canonical `ds:SignedInfo`; the relay signs it; `finish` writes the signature.
//!
//! - Detached ([`prepare_detached`]): one `ds:Reference` per container file (its name as a
//!   relative URI, the file's bytes digested as they are), for `META-INF/signatures001.xml` of
//!   an ASiC-E (EN 319 162-1 §4.4.3.3), under an `asic:XAdESSignatures` root.
//! - Enveloped ([`prepare_enveloped`]): the signature becomes the last child of the document's
//!   root element, referenced with `URI=""` and the enveloped-signature and exclusive C14N
//!   transforms (xmldsig-core1 §6.6.4, §6.6.1). The document's bytes are kept as they are; the
//!   signature's text goes just before the root's end tag.
//!
//! What we sign is written directly in exclusive canonical form (namespace declarations on each
//! digested element, attributes sorted, no empty-element tags, C14N escaping), so its bytes in
//! the file are the bytes hashed; [`crate::c14n`] canonicalizes what others wrote when
//! validating. Level T adds a `SignatureTimeStamp` over the canonical `ds:SignatureValue`
//! element (EN 319 132-1 §5.3).
//!
//! Validation reads what XML-DSig producers write (xmlsec1, signxml, …): same-document
//! references (`URI=""`, `#id`) with an optional enveloped-signature transform then at most one
//! canonicalization — none meaning inclusive C14N 1.0 (xmldsig-core1 §4.4.3.2) — among
//! Canonical XML 1.0 and 1.1 and exclusive C14N with its `InclusiveNamespaces PrefixList`; the
//! same for `ds:SignedInfo` and the timestamp; container files by the digest of their bytes,
//! without transforms. Any other transform (XPath, XSLT, base64, …) is a reported problem.

use core::fmt;
use core::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use der::{Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use roxmltree::{Document, Node};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;

use crate::asic::{
    DS_NAMESPACE as DS, DataObject, SHA256_URI, check_objects, name_to_uri, uri_to_name,
};
use crate::c14n::{Method, canonicalize, canonicalize_with, escape_attribute, escape_text};
use crate::ess::IssuerSerial;
use crate::tsp::read_token;
use crate::validation::{SignatureStatus, StructureError};

/// XAdES 1.3.2 namespace (EN 319 132-1 §4.2).
pub const XADES: &str = "http://uri.etsi.org/01903/v1.3.2#";
/// Exclusive XML Canonicalization 1.0, without comments (xml-exc-c14n §3).
pub const EXC_C14N: &str = crate::c14n::EXC_C14N;
/// ECDSA with SHA-256 (RFC 6931 §2.3.6; xmldsig-core1 §6.4.3).
pub const ECDSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
/// The enveloped-signature transform (xmldsig-core1 §6.6.4).
pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// `Type` of the reference to the signed properties (EN 319 132-1 §4.3.1 / XAdES §6.3.1).
pub const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903#SignedProperties";
const ASIC: &str = crate::asic::ASIC_NAMESPACE;
/// The media type DataObjectFormat declares for an enveloped document.
const XML_MIME_TYPE: &str = "text/xml";

/// Why a XAdES signature could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum XadesError {
    /// The files to sign: none, or a name or media type a container cannot hold.
    Objects(crate::asic::AsicError),
    /// A certificate that is not DER X.509 (or not an EC key, for the signer).
    BadCertificate(String),
    /// The XML document to sign: not UTF-8, not well formed, with a DOCTYPE, or too deep.
    BadDocument(String),
    /// The signature is not a DER `ECDSA-Sig-Value` of P-256.
    BadSignature,
    /// The timestamp token is unreadable or over something else.
    BadTimestamp(String),
    /// The signing time is before 1970 or after 9999.
    SigningTimeOutOfRange(i64),
}

impl fmt::Display for XadesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Objects(e) => write!(f, "XAdES: {e}"),
            Self::BadCertificate(e) => write!(f, "XAdES: certificate: {e}"),
            Self::BadDocument(e) => write!(f, "XAdES: the document to sign: {e}"),
            Self::BadSignature => {
                f.write_str("XAdES: the signature is not a DER P-256 ECDSA-Sig-Value")
            }
            Self::BadTimestamp(e) => write!(f, "XAdES: timestamp: {e}"),
            Self::SigningTimeOutOfRange(t) => {
                write!(
                    f,
                    "XAdES: signing time {t} (Unix seconds) is outside 1970..=9999"
                )
            }
        }
    }
}

impl std::error::Error for XadesError {}

/// Where the finished signature goes.
#[derive(Clone, Debug)]
enum Placement {
    /// Alone in an `asic:XAdESSignatures` document.
    Detached,
    /// Inside `document`, at byte `at`; `close` is the root's end tag to add after it when the
    /// root was an empty-element tag (whose `/>` ends at `resume`).
    Enveloped {
        document: Vec<u8>,
        at: usize,
        resume: usize,
        close: Option<String>,
    },
}

/// A XAdES signature whose signed parts are fixed, waiting for its signature value.
#[derive(Clone, Debug)]
pub struct PreparedXades {
    id: String,
    signed_info: String,
    signed_properties: String,
    key_info: String,
    data_to_be_signed_sha256: [u8; 32],
    placement: Placement,
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses a certificate, insisting on DER (so the bytes written are the bytes digested).
fn certificate(der: &[u8]) -> Result<Certificate, XadesError> {
    let cert = Certificate::from_der(der).map_err(|e| XadesError::BadCertificate(e.to_string()))?;
    if cert.to_der().ok().as_deref() != Some(der) {
        return Err(XadesError::BadCertificate("not DER".into()));
    }
    Ok(cert)
}

/// xsd:dateTime in UTC, as `SigningTime` wants (EN 319 132-1 §5.2.1).
fn xsd_date_time(unix_seconds: i64) -> Result<String, XadesError> {
    let out = || XadesError::SigningTimeOutOfRange(unix_seconds);
    let seconds = u64::try_from(unix_seconds).map_err(|_| out())?;
    let t = der::DateTime::from_unix_duration(Duration::from_secs(seconds)).map_err(|_| out())?;
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    ))
}

/// One data reference of `ds:SignedInfo`.
struct DataReference {
    uri: String,
    transforms: &'static [&'static str],
    sha256: [u8; 32],
    mime_type: String,
}

fn prepare(
    references: &[DataReference],
    signer_certificate_der: &[u8],
    chain_der: &[Vec<u8>],
    signing_time_unix_seconds: i64,
    placement: Placement,
) -> Result<PreparedXades, XadesError> {
    let signer = certificate(signer_certificate_der)?;
    if signer.tbs_certificate.subject_public_key_info.algorithm.oid
        != const_oid::db::rfc5912::ID_EC_PUBLIC_KEY
    {
        return Err(XadesError::BadCertificate(
            "the signer's key is not an EC key".into(),
        ));
    }
    let mut certificates = vec![signer_certificate_der];
    for der in chain_der {
        certificate(der)?;
        if !certificates.contains(&der.as_slice()) {
            certificates.push(der);
        }
    }
    let signing_time = xsd_date_time(signing_time_unix_seconds)?;

    // Ids must be unique in the document; derived from what is signed, as nothing random or
    // clock-based is at hand, and unlikely to meet an Id already in an enveloping document.
    let mut seed = Sha256::new();
    seed.update(signer_certificate_der);
    seed.update(signing_time.as_bytes());
    for r in references {
        seed.update(r.uri.as_bytes());
        seed.update(r.sha256);
    }
    let id = format!("id-{}", hex(&seed.finalize()[..10]));

    // EN 319 132-1 §5.2.2.2: SigningCertificateV2 names the signer's certificate by digest and
    // by IssuerSerialV2, the base64 DER of RFC 5035's IssuerSerial.
    let issuer_serial = IssuerSerial {
        issuer: vec![GeneralName::DirectoryName(
            signer.tbs_certificate.issuer.clone(),
        )],
        serial_number: signer.tbs_certificate.serial_number.clone(),
    }
    .to_der()
    .map_err(|e| XadesError::BadCertificate(e.to_string()))?;
    let mut props = format!(
        "<xades:SignedProperties xmlns:xades=\"{XADES}\" Id=\"{id}-signedprops\">\
         <xades:SignedSignatureProperties>\
         <xades:SigningTime>{signing_time}</xades:SigningTime>\
         <xades:SigningCertificateV2><xades:Cert><xades:CertDigest>\
         <ds:DigestMethod xmlns:ds=\"{DS}\" Algorithm=\"{SHA256_URI}\"></ds:DigestMethod>\
         <ds:DigestValue xmlns:ds=\"{DS}\">{}</ds:DigestValue>\
         </xades:CertDigest><xades:IssuerSerialV2>{}</xades:IssuerSerialV2></xades:Cert>\
         </xades:SigningCertificateV2></xades:SignedSignatureProperties>\
         <xades:SignedDataObjectProperties>",
        BASE64.encode(sha256(signer_certificate_der)),
        BASE64.encode(issuer_serial),
    );
    // EN 319 132-1 §5.2.4 and §6.3 (B-B): a DataObjectFormat with MimeType per data reference.
    for (n, r) in references.iter().enumerate() {
        props.push_str(&format!(
            "<xades:DataObjectFormat ObjectReference=\"#{id}-ref-{n}\"><xades:MimeType>"
        ));
        let mut mime = Vec::new();
        escape_text(&mut mime, &r.mime_type);
        props.push_str(&String::from_utf8_lossy(&mime));
        props.push_str("</xades:MimeType></xades:DataObjectFormat>");
    }
    props.push_str("</xades:SignedDataObjectProperties></xades:SignedProperties>");

    let mut info = format!(
        "<ds:SignedInfo xmlns:ds=\"{DS}\">\
         <ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"></ds:CanonicalizationMethod>\
         <ds:SignatureMethod Algorithm=\"{ECDSA_SHA256}\"></ds:SignatureMethod>"
    );
    let reference = |info: &mut String, attrs: &str, transforms: &[&str], digest: &[u8; 32]| {
        info.push_str(&format!("<ds:Reference {attrs}>"));
        if !transforms.is_empty() {
            info.push_str("<ds:Transforms>");
            for t in transforms {
                info.push_str(&format!("<ds:Transform Algorithm=\"{t}\"></ds:Transform>"));
            }
            info.push_str("</ds:Transforms>");
        }
        info.push_str(&format!(
            "<ds:DigestMethod Algorithm=\"{SHA256_URI}\"></ds:DigestMethod>\
             <ds:DigestValue>{}</ds:DigestValue></ds:Reference>",
            BASE64.encode(digest)
        ));
    };
    for (n, r) in references.iter().enumerate() {
        let mut uri = Vec::new();
        escape_attribute(&mut uri, &r.uri);
        // Attributes in C14N order: Id, Type, URI (Canonical XML §2.2).
        let attrs = format!(
            "Id=\"{id}-ref-{n}\" URI=\"{}\"",
            String::from_utf8_lossy(&uri)
        );
        reference(&mut info, &attrs, r.transforms, &r.sha256);
    }
    reference(
        &mut info,
        &format!("Type=\"{SIGNED_PROPERTIES_TYPE}\" URI=\"#{id}-signedprops\""),
        &[EXC_C14N],
        &sha256(props.as_bytes()),
    );
    info.push_str("</ds:SignedInfo>");

    let mut key_info = String::from("<ds:KeyInfo><ds:X509Data>");
    for der in certificates {
        key_info.push_str(&format!(
            "<ds:X509Certificate>{}</ds:X509Certificate>",
            BASE64.encode(der)
        ));
    }
    key_info.push_str("</ds:X509Data></ds:KeyInfo>");

    Ok(PreparedXades {
        data_to_be_signed_sha256: sha256(info.as_bytes()),
        id,
        signed_info: info,
        signed_properties: props,
        key_info,
        placement,
    })
}

/// Prepares a detached XAdES-BASELINE-B over container files hashed beforehand: one reference
/// per file (URI = its name, percent-encoded), plus the SignedProperties reference. `finish`
/// gives `META-INF/signatures001.xml`.
pub fn prepare_detached(
    objects: &[DataObject<'_>],
    signer_certificate_der: &[u8],
    chain_der: &[Vec<u8>],
    signing_time_unix_seconds: i64,
) -> Result<PreparedXades, XadesError> {
    check_objects(objects).map_err(XadesError::Objects)?;
    let references: Vec<DataReference> = objects
        .iter()
        .map(|o| DataReference {
            uri: name_to_uri(o.name),
            transforms: &[],
            sha256: o.sha256,
            mime_type: o.mime_type.to_owned(),
        })
        .collect();
    prepare(
        &references,
        signer_certificate_der,
        chain_der,
        signing_time_unix_seconds,
        Placement::Detached,
    )
}

/// Prepares an enveloped XAdES-BASELINE-B over an XML document (UTF-8; a DOCTYPE is refused):
/// the digest is of the exclusive canonical form of the document without the signature
/// (comments removed, as `URI=""` implies, xmldsig-core1 §4.4.3.3); `finish` gives the whole
/// signed document.
pub fn prepare_enveloped(
    xml: &[u8],
    signer_certificate_der: &[u8],
    chain_der: &[Vec<u8>],
    signing_time_unix_seconds: i64,
) -> Result<PreparedXades, XadesError> {
    let bad = |e: &dyn fmt::Display| XadesError::BadDocument(e.to_string());
    let doc = crate::c14n::parse(xml).map_err(|e| bad(&e))?;
    let digest = sha256(&canonicalize(doc.root(), None).map_err(|e| bad(&e))?);
    let root = doc.root_element();
    let range = root.range();
    let text = doc.input_text();
    let source = text
        .get(range.clone())
        .ok_or_else(|| bad(&"root position"))?;
    let placement = if source.ends_with("/>") {
        let qname = source
            .get(1..)
            .and_then(|s| {
                s.split(|c: char| c.is_whitespace() || c == '/' || c == '>')
                    .next()
            })
            .ok_or_else(|| bad(&"root name"))?;
        // `<r/>` becomes `<r>` + signature + `</r>`: the same element to C14N.
        Placement::Enveloped {
            document: xml.to_vec(),
            at: range.end - 2,
            resume: range.end,
            close: Some(format!("></{qname}>")),
        }
    } else {
        let at = range.start + source.rfind("</").ok_or_else(|| bad(&"root end tag"))?;
        Placement::Enveloped {
            document: xml.to_vec(),
            at,
            resume: at,
            close: None,
        }
    };
    let reference = DataReference {
        uri: String::new(),
        transforms: &[ENVELOPED_SIGNATURE, EXC_C14N],
        sha256: digest,
        mime_type: XML_MIME_TYPE.to_owned(),
    };
    prepare(
        std::slice::from_ref(&reference),
        signer_certificate_der,
        chain_der,
        signing_time_unix_seconds,
        placement,
    )
}

/// The raw `r‖s` form XML-DSig wants for ECDSA (xmldsig-core1 §6.4.3), from the DER the relay
/// returns.
fn raw_signature(signature_der: &[u8]) -> Result<[u8; 64], XadesError> {
    let signature = Signature::from_der(signature_der).map_err(|_| XadesError::BadSignature)?;
    let bytes = signature.to_bytes();
    <[u8; 64]>::try_from(&bytes[..]).map_err(|_| XadesError::BadSignature)
}

impl PreparedXades {
    /// SHA-256 of the canonical `ds:SignedInfo`: the hash the relay signs.
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        self.data_to_be_signed_sha256
    }

    /// The `ds:SignatureValue` element, written in its exclusive canonical form.
    fn signature_value(&self, signature_der: &[u8]) -> Result<String, XadesError> {
        Ok(format!(
            "<ds:SignatureValue xmlns:ds=\"{DS}\" Id=\"{}-sigvalue\">{}</ds:SignatureValue>",
            self.id,
            BASE64.encode(raw_signature(signature_der)?)
        ))
    }

    /// For level T: what a TSA stamps, the SHA-256 of the exclusive canonical form of the
    /// `ds:SignatureValue` element with this signature (EN 319 132-1 §5.3, SignatureTimeStamp).
    pub fn timestamp_imprint(&self, signature_der: &[u8]) -> Result<[u8; 32], XadesError> {
        Ok(sha256(self.signature_value(signature_der)?.as_bytes()))
    }

    /// Writes the signature with its value (the relay's DER `ECDSA-Sig-Value`) and, for level
    /// T, the RFC 3161 token over [`timestamp_imprint`](Self::timestamp_imprint). Detached:
    /// the bytes of `META-INF/signatures001.xml`; enveloped: the whole signed document.
    pub fn finish(
        self,
        signature_der: &[u8],
        timestamp_token_der: Option<&[u8]>,
    ) -> Result<Vec<u8>, XadesError> {
        let value = self.signature_value(signature_der)?;
        let id = &self.id;
        let unsigned = match timestamp_token_der {
            None => String::new(),
            Some(token) => {
                let info =
                    read_token(token).map_err(|e| XadesError::BadTimestamp(e.to_string()))?;
                if info.sha256_imprint != sha256(value.as_bytes()) {
                    return Err(XadesError::BadTimestamp(
                        "the token is over something else than this signature value".into(),
                    ));
                }
                format!(
                    "<xades:UnsignedProperties><xades:UnsignedSignatureProperties>\
                     <xades:SignatureTimeStamp Id=\"{id}-ts\">\
                     <ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"></ds:CanonicalizationMethod>\
                     <xades:EncapsulatedTimeStamp>{}</xades:EncapsulatedTimeStamp>\
                     </xades:SignatureTimeStamp></xades:UnsignedSignatureProperties>\
                     </xades:UnsignedProperties>",
                    BASE64.encode(token)
                )
            }
        };
        let signature = format!(
            "<ds:Signature xmlns:ds=\"{DS}\" Id=\"{id}\">{}{value}{}<ds:Object>\
             <xades:QualifyingProperties xmlns:xades=\"{XADES}\" Target=\"#{id}\">{}{unsigned}\
             </xades:QualifyingProperties></ds:Object></ds:Signature>",
            self.signed_info, self.key_info, self.signed_properties
        );
        Ok(match self.placement {
            Placement::Detached => format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
                 <asic:XAdESSignatures xmlns:asic=\"{ASIC}\">{signature}</asic:XAdESSignatures>\n"
            )
            .into_bytes(),
            Placement::Enveloped {
                document,
                at,
                resume,
                close,
            } => {
                let (head, tail) = (
                    document.get(..at).unwrap_or_default(),
                    document.get(resume..).unwrap_or_default(),
                );
                let mut out = Vec::with_capacity(document.len() + signature.len() + 64);
                out.extend_from_slice(head);
                match close {
                    Some(close) => {
                        // `<r/>`: open with `>`, then the signature, then `</r>`.
                        let (open, end) = close.split_at(1);
                        out.extend_from_slice(open.as_bytes());
                        out.extend_from_slice(signature.as_bytes());
                        out.extend_from_slice(end.as_bytes());
                    }
                    None => out.extend_from_slice(signature.as_bytes()),
                }
                out.extend_from_slice(tail);
                out
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Base64 as XML carries it (line breaks and spaces allowed, xmldsig-core1 §4.5, §6.2).
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64.decode(compact)
}

fn child<'a, 'i>(node: Node<'a, 'i>, ns: &str, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name((ns, name)))
}

fn path<'a, 'i>(node: Node<'a, 'i>, steps: &[(&str, &str)]) -> Option<Node<'a, 'i>> {
    steps
        .iter()
        .try_fold(node, |n, (ns, name)| child(n, ns, name))
}

/// Every enveloped (or enveloping) signature in an XML document.
pub fn validate_enveloped(xml: &[u8]) -> Result<Vec<SignatureStatus>, StructureError> {
    let doc = crate::c14n::parse(xml).map_err(|e| StructureError(e.to_string()))?;
    let statuses = signatures(&doc)?
        .into_iter()
        .map(|s| check_signature(&doc, s, None).0)
        .collect();
    Ok(statuses)
}

/// Every signature of a detached XAdES document (`META-INF/signatures*.xml`), with the
/// container's files it references by name.
pub fn validate_detached(
    signatures_xml: &[u8],
    files: &[(String, Vec<u8>)],
) -> Result<Vec<SignatureStatus>, StructureError> {
    Ok(validate_detached_scoped(signatures_xml, files)?
        .into_iter()
        .map(|(status, _)| status)
        .collect())
}

/// Like [`validate_detached`], with the files each signature references.
pub(crate) fn validate_detached_scoped(
    signatures_xml: &[u8],
    files: &[(String, Vec<u8>)],
) -> Result<Vec<(SignatureStatus, Vec<String>)>, StructureError> {
    let doc = crate::c14n::parse(signatures_xml).map_err(|e| StructureError(e.to_string()))?;
    Ok(signatures(&doc)?
        .into_iter()
        .map(|s| check_signature(&doc, s, Some(files)))
        .collect())
}

fn signatures<'a, 'i>(doc: &'a Document<'i>) -> Result<Vec<Node<'a, 'i>>, StructureError> {
    let found: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name((DS, "Signature")))
        .collect();
    if found.is_empty() {
        return Err(StructureError("no ds:Signature in the document".into()));
    }
    Ok(found)
}

/// The one element of the document whose `Id` (or `ID`, `id`) is `id`; none when two share
/// it, so a copy elsewhere cannot stand in for the signed one (signature wrapping).
fn by_id<'a, 'i>(doc: &'a Document<'i>, id: &str) -> Option<Node<'a, 'i>> {
    let mut found = doc.descendants().filter(|n| {
        ["Id", "ID", "id"]
            .iter()
            .any(|name| n.attribute(*name) == Some(id))
    });
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

struct Reference<'a, 'i> {
    node: Node<'a, 'i>,
    uri: Option<&'a str>,
    is_signed_properties: bool,
}

/// What one `ds:Reference` digests, computed (xmldsig-core1 §4.4.3): a container file by name,
/// or a same-document node-set after the supported transforms.
fn dereference(
    doc: &Document<'_>,
    signature: Node<'_, '_>,
    reference: &Reference<'_, '_>,
    files: Option<&[(String, Vec<u8>)]>,
    covered: &mut Vec<String>,
) -> Result<[u8; 32], String> {
    let method = child(reference.node, DS, "DigestMethod").and_then(|n| n.attribute("Algorithm"));
    if method != Some(SHA256_URI) {
        return Err(format!("digest method {method:?} is not SHA-256"));
    }
    let transforms: Vec<Node<'_, '_>> = child(reference.node, DS, "Transforms")
        .map(|t| t.children().filter(Node::is_element).collect())
        .unwrap_or_default();
    let uri = reference.uri.ok_or("a reference without URI")?;
    if let Some(id) = uri.strip_prefix('#') {
        let node = by_id(doc, id).ok_or_else(|| format!("no single element with Id {id}"))?;
        same_document(signature, node, &transforms)
    } else if uri.is_empty() {
        same_document(signature, doc.root(), &transforms)
    } else {
        let name = uri_to_name(uri).ok_or_else(|| format!("unusable URI {uri:?}"))?;
        let files = files.ok_or_else(|| format!("{name}: not in this document"))?;
        covered.push(name.clone());
        if !transforms.is_empty() {
            return Err(format!(
                "{name}: transforms on a container file are not supported"
            ));
        }
        let (_, data) = files
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("{name} is not in the container"))?;
        Ok(sha256(data))
    }
}

/// The canonicalization a `ds:Transform` or `ds:CanonicalizationMethod` names: Canonical XML
/// 1.0 or 1.1, or exclusive C14N with at most one `InclusiveNamespaces PrefixList`, each with
/// or without comments; anything else (XPath, XSLT, base64, other parameters) is an error.
fn c14n_method(node: Node<'_, '_>) -> Result<Method, String> {
    let algorithm = node.attribute("Algorithm").unwrap_or("");
    let mut prefixes: Option<Vec<String>> = None;
    for parameter in node.children().filter(Node::is_element) {
        if Method::is_exclusive_uri(algorithm)
            && prefixes.is_none()
            && parameter.has_tag_name((EXC_C14N, "InclusiveNamespaces"))
        {
            prefixes = Some(
                parameter
                    .attribute("PrefixList")
                    .unwrap_or("")
                    .split_ascii_whitespace()
                    .map(str::to_owned)
                    .collect(),
            );
        } else {
            return Err(format!(
                "unsupported parameter {} of {algorithm:?}",
                parameter.tag_name().name()
            ));
        }
    }
    Method::from_uri(algorithm, prefixes.as_deref().unwrap_or_default())
        .ok_or_else(|| format!("unsupported canonicalization {algorithm:?}"))
}

/// Same-document references (xmldsig-core1 §4.4.3): the chains XML-DSig producers write, an
/// optional enveloped-signature transform (§6.6.4) then at most one canonicalization (§6.6.1:
/// inclusive 1.0 or 1.1, exclusive with its PrefixList). With none, the node-set becomes
/// octets by inclusive Canonical XML 1.0 (§4.4.3.2). `URI=""` and `#id` name node-sets
/// without comments (§4.4.3.3), so a `#WithComments` canonicalization finds none to keep.
fn same_document(
    signature: Node<'_, '_>,
    node: Node<'_, '_>,
    transforms: &[Node<'_, '_>],
) -> Result<[u8; 32], String> {
    let unsupported = || {
        let algorithms: Vec<&str> = transforms
            .iter()
            .map(|t| t.attribute("Algorithm").unwrap_or(""))
            .collect();
        format!("unsupported transforms {algorithms:?} (enveloped-signature and one C14N at most)")
    };
    if transforms
        .iter()
        .any(|t| !t.has_tag_name((DS, "Transform")))
    {
        return Err(unsupported());
    }
    let (exclude, rest) = match transforms.split_first() {
        Some((first, rest)) if first.attribute("Algorithm") == Some(ENVELOPED_SIGNATURE) => {
            if first.first_element_child().is_some() {
                return Err(unsupported());
            }
            (Some(signature.id()), rest)
        }
        _ => (None, transforms),
    };
    let mut method = match rest {
        [] => Method::inclusive(),
        [one] => c14n_method(*one).map_err(|e| format!("{}: {e}", unsupported()))?,
        _ => return Err(unsupported()),
    };
    method.with_comments = false;
    canonicalize_with(node, exclude, &method)
        .map(|c| sha256(&c))
        .map_err(|e| e.to_string())
}

/// xsd:dateTime to Unix seconds (`Z`, an offset, or none taken as UTC; fractions dropped).
fn parse_date_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let number = |s: &str| s.parse::<u32>().ok();
    let (date, time) = text.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day) = (number(d.next()?)?, number(d.next()?)?, number(d.next()?)?);
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(at) => time.split_at(at),
        None => (time, ""),
    };
    let mut c = clock.split(':');
    let (hour, minute) = (number(c.next()?)?, number(c.next()?)?);
    let second = number(c.next()?.split('.').next()?)?;
    let offset_seconds: i64 = match offset.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(sign) => {
            let (h, m) = offset.get(1..)?.split_once(':')?;
            let s = i64::from(number(h)? * 3600 + number(m)? * 60);
            if *sign == b'-' { -s } else { s }
        }
    };
    let t = der::DateTime::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    i64::try_from(t.unix_duration().as_secs())
        .ok()?
        .checked_sub(offset_seconds)
}

/// One `xades:Cert` of a signed SigningCertificateV2 (or v1): a certificate digest.
struct CertDigest {
    algorithm: &'static str,
    value: Vec<u8>,
}

impl CertDigest {
    fn matches(&self, der: &[u8]) -> bool {
        let computed: Vec<u8> = match self.algorithm {
            SHA256_URI => Sha256::digest(der).to_vec(),
            SHA384_URI => sha2::Sha384::digest(der).to_vec(),
            SHA512_URI => sha2::Sha512::digest(der).to_vec(),
            SHA1_URI => sha1::Sha1::digest(der).to_vec(),
            _ => return false,
        };
        computed == self.value
    }
}

const SHA384_URI: &str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
const SHA512_URI: &str = "http://www.w3.org/2001/04/xmlenc#sha512";
const SHA1_URI: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// The certificate digests of `SigningCertificateV2`, or else of the v1 `SigningCertificate`
/// (EN 319 132-1 §5.2.2). Either may list several certificates (a producer such as signxml
/// lists the chain); the signer's must be among them. SHA-256, -384 and -512; SHA-1 only in v1.
///
/// v1 is accepted as binding without a problem: EN 319 132-1 deprecates it for creating new
/// signatures (B-B requires V2) but it names the certificate just as well, and validators
/// (EN 319 102-1's identification of the signing certificate) keep reading signatures made
/// with it; its SHA-1 digests remain second-preimage resistant, which is what binding needs.
/// The `IssuerSerial(V2)` hint is not needed once a digest matches, so it is not read.
fn signing_certificate_digests(properties: Node<'_, '_>) -> Vec<CertDigest> {
    let (list, v1) = match child(properties, XADES, "SigningCertificateV2") {
        Some(v2) => (v2, false),
        None => match child(properties, XADES, "SigningCertificate") {
            Some(v1) => (v1, true),
            None => return Vec::new(),
        },
    };
    list.children()
        .filter(|n| n.has_tag_name((XADES, "Cert")))
        .filter_map(|cert| {
            let digest = child(cert, XADES, "CertDigest")?;
            let algorithm = child(digest, DS, "DigestMethod")?.attribute("Algorithm")?;
            let algorithm = [SHA256_URI, SHA384_URI, SHA512_URI]
                .into_iter()
                .chain(v1.then_some(SHA1_URI))
                .find(|a| *a == algorithm)?;
            let value =
                decode_base64(child(digest, DS, "DigestValue")?.text().unwrap_or("")).ok()?;
            Some(CertDigest { algorithm, value })
        })
        .collect()
}

fn check_signature(
    doc: &Document<'_>,
    signature: Node<'_, '_>,
    files: Option<&[(String, Vec<u8>)]>,
) -> (SignatureStatus, Vec<String>) {
    let mut problems = Vec::new();
    let mut covered = Vec::new();
    let mut status = SignatureStatus {
        intact: false,
        valid: false,
        signer_bound: false,
        signer_certificate: None,
        signer_subject: None,
        signing_time: None,
        timestamp: None,
        timestamp_token: None,
        problems: Vec::new(),
    };
    let Some(signed_info) = child(signature, DS, "SignedInfo") else {
        status.problems.push("no ds:SignedInfo".into());
        return (status, covered);
    };

    // References: the data, and exactly one to this signature's SignedProperties.
    let references: Vec<Reference<'_, '_>> = signed_info
        .children()
        .filter(|n| n.has_tag_name((DS, "Reference")))
        .map(|node| Reference {
            node,
            uri: node.attribute("URI"),
            is_signed_properties: node.attribute("Type") == Some(SIGNED_PROPERTIES_TYPE),
        })
        .collect();
    let mut data_ok = true;
    let mut data_count = 0;
    let mut props_ok = false;
    let mut props_node = None;
    let mut props_references = 0;
    for reference in &references {
        let stated = child(reference.node, DS, "DigestValue")
            .and_then(|n| n.text())
            .and_then(|t| decode_base64(t).ok());
        let computed = dereference(doc, signature, reference, files, &mut covered);
        let matches = match (&computed, &stated) {
            (Ok(c), Some(s)) => c[..] == s[..],
            _ => false,
        };
        if reference.is_signed_properties {
            props_references += 1;
            // The signed properties must be this signature's own (EN 319 132-1 §4.3.1).
            let target = reference
                .uri
                .and_then(|u| u.strip_prefix('#'))
                .and_then(|id| by_id(doc, id))
                .filter(|n| {
                    n.has_tag_name((XADES, "SignedProperties"))
                        && n.ancestors().any(|a| a == signature)
                });
            if target.is_none() {
                problems.push(
                    "the SignedProperties reference is not to this signature's SignedProperties"
                        .into(),
                );
            }
            props_ok = matches && target.is_some();
            props_node = target;
            if !matches {
                problems.push(match &computed {
                    Err(e) => format!("signed properties: {e}"),
                    Ok(_) => "the signed properties do not match their digest".into(),
                });
            }
        } else {
            data_count += 1;
            if !matches {
                data_ok = false;
                problems.push(match computed {
                    Err(e) => e,
                    Ok(_) => format!(
                        "reference {:?} does not match its digest",
                        reference.uri.unwrap_or("")
                    ),
                });
            }
        }
    }
    if props_references != 1 {
        problems.push(format!(
            "{props_references} SignedProperties references (XAdES requires one)"
        ));
        props_ok = false;
    }
    if data_count == 0 {
        problems.push("no data reference".into());
    }
    status.intact = data_ok && data_count > 0;

    // The signer: a KeyInfo certificate the signed SigningCertificateV2 (or v1) names, the
    // one whose key verifies the signature value when it names several (a chain).
    let certificates: Vec<(Vec<u8>, Certificate)> =
        path(signature, &[(DS, "KeyInfo"), (DS, "X509Data")])
            .map(|d| {
                d.children()
                    .filter(|n| n.has_tag_name((DS, "X509Certificate")))
                    .filter_map(|n| decode_base64(n.text().unwrap_or("")).ok())
                    .filter_map(|der| Certificate::from_der(&der).ok().map(|c| (der, c)))
                    .collect()
            })
            .unwrap_or_default();
    let signed_signature_properties =
        props_node.and_then(|p| child(p, XADES, "SignedSignatureProperties"));
    let cert_digests = signed_signature_properties
        .map(signing_certificate_digests)
        .unwrap_or_default();
    let named: Vec<&(Vec<u8>, Certificate)> = certificates
        .iter()
        .filter(|(der, _)| cert_digests.iter().any(|d| d.matches(der)))
        .collect();

    // The signature value over the canonical SignedInfo (xmldsig-core1 §3.2.2), by the
    // CanonicalizationMethod it names (exclusive, inclusive 1.0 or 1.1).
    let signature_method =
        child(signed_info, DS, "SignatureMethod").and_then(|n| n.attribute("Algorithm"));
    let value_node = child(signature, DS, "SignatureValue");
    let canonical = match child(signed_info, DS, "CanonicalizationMethod").map(c14n_method) {
        None => Err("no CanonicalizationMethod".to_owned()),
        Some(method) => method.and_then(|method| {
            canonicalize_with(signed_info, None, &method).map_err(|e| e.to_string())
        }),
    };
    let canonical = match canonical {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(format!("SignedInfo canonicalization: {e}"));
            None
        }
    };
    if signature_method != Some(ECDSA_SHA256) {
        problems.push(format!(
            "signature method {signature_method:?} is not ECDSA-SHA256"
        ));
    }
    let value = value_node
        .and_then(|n| decode_base64(n.text().unwrap_or("")).ok())
        .and_then(|raw| Signature::from_slice(&raw).ok());
    let verifies = |c: &Certificate| -> bool {
        let key = VerifyingKey::from_sec1_bytes(
            c.tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes(),
        );
        match (&canonical, &value, key) {
            (Some(canonical), Some(value), Ok(key)) if signature_method == Some(ECDSA_SHA256) => {
                key.verify_prehash(&sha256(canonical), value).is_ok()
            }
            _ => false,
        }
    };
    let signer = named
        .iter()
        .copied()
        .find(|(_, c)| verifies(c))
        .or(named.first().copied())
        .or(certificates.first());
    if signer.is_none() {
        problems.push("no signer certificate in ds:KeyInfo".into());
    }
    status.signer_bound =
        props_ok && signer.is_some_and(|(der, _)| cert_digests.iter().any(|d| d.matches(der)));
    if !status.signer_bound {
        problems.push("SigningCertificateV2 does not name the signer's certificate".into());
    }
    status.signer_certificate = signer.map(|(der, _)| der.clone());
    status.signer_subject = signer.map(|(_, c)| c.tbs_certificate.subject.to_string());
    status.signing_time = signed_signature_properties
        .and_then(|p| child(p, XADES, "SigningTime"))
        .and_then(|t| t.text())
        .and_then(parse_date_time);
    let verified = signer.is_some_and(|(_, c)| verifies(c));
    if !verified {
        problems.push("the signature value does not verify with the signer's key".into());
    }
    status.valid = verified && props_ok;

    // Level T (EN 319 132-1 §5.3): a SignatureTimeStamp over the canonical SignatureValue.
    let stamps: Vec<Node<'_, '_>> = props_node
        .and_then(|p| p.parent())
        .and_then(|q| {
            path(
                q,
                &[
                    (XADES, "UnsignedProperties"),
                    (XADES, "UnsignedSignatureProperties"),
                ],
            )
        })
        .map(|u| {
            u.children()
                .filter(|n| n.has_tag_name((XADES, "SignatureTimeStamp")))
                .collect()
        })
        .unwrap_or_default();
    if let Some(stamp) = stamps.first() {
        // EN 319 132-1 §5.3: without a CanonicalizationMethod, Canonical XML 1.0.
        let method = child(*stamp, DS, "CanonicalizationMethod")
            .map_or(Ok(Method::inclusive()), c14n_method);
        let imprint = value_node
            .zip(method.ok())
            .and_then(|(v, method)| canonicalize_with(v, None, &method).ok())
            .map(|c| sha256(&c));
        let token_der = child(*stamp, XADES, "EncapsulatedTimeStamp")
            .and_then(|t| decode_base64(t.text().unwrap_or("")).ok());
        let token = token_der.as_deref().and_then(|der| read_token(der).ok());
        match (imprint, token) {
            (Some(imprint), Some(token)) if token.sha256_imprint == imprint => {
                status.timestamp = Some(token.gen_time_unix_seconds);
                status.timestamp_token = token_der;
            }
            (None, _) => problems
                .push("the signature timestamp's canonicalization is not one this reads".into()),
            _ => problems.push("the signature timestamp is not over this signature value".into()),
        }
    }
    status.problems = problems;
    (status, covered)
}

#[cfg(test)]
pub(crate) mod tests;
