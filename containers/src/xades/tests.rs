#![allow(clippy::unwrap_used)]

use super::*;
use crate::asic::{DataObject, XADES_SIGNATURES, write_container};
use crate::cades::tests::{SIGNING_TIME_2024, TestPki, test_pki};
use ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::DerSignature;
use std::path::{Path, PathBuf};
use std::process::Command;

// ------------------------------------------------------------------ helpers shared with asic

pub(crate) fn pem(label: &str, der: &[u8]) -> String {
    let b64 = BASE64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub(crate) fn python() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup.sh",
        python.display()
    );
    python
}

/// Runs a checker; Ok(stdout) or Err(stderr + stdout). A missing tool fails the test.
pub(crate) fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}: run scripts/setup.sh"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(text)
    }
}

pub(crate) fn sign_hash(pki: &TestPki, hash: &[u8; 32]) -> Vec<u8> {
    let signature: DerSignature = pki.leaf_key.sign_prehash(hash).unwrap();
    signature.as_bytes().to_vec()
}

/// An RFC 3161 TSA made with openssl (`openssl ts -reply`), self-signed with the critical
/// timeStamping extended key usage.
pub(crate) struct Tsa {
    dir: tempfile::TempDir,
}

impl Tsa {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("serial"), "01\n").unwrap();
        std::fs::write(
            d.join("ts.cnf"),
            format!(
                "[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = {}/serial\nsigner_digest = sha256\n\
                 default_policy = 1.2.3.4.1\ndigests = sha256\ness_cert_id_alg = sha256\n\
                 accuracy = secs:1\n",
                d.display()
            ),
        )
        .unwrap();
        run(Command::new("openssl").current_dir(d).args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.pem",
            "-days",
            "1",
            "-subj",
            "/CN=Prueba TSA/O=nubefirma pruebas/C=ES",
            "-addext",
            "extendedKeyUsage=critical,timeStamping",
            "-addext",
            "keyUsage=critical,digitalSignature",
        ]))
        .unwrap();
        Self { dir }
    }

    pub(crate) fn stamp(&self, imprint: &[u8; 32]) -> Vec<u8> {
        let d = self.dir.path();
        run(Command::new("openssl").current_dir(d).args([
            "ts",
            "-query",
            "-sha256",
            "-digest",
            &hex(imprint),
            "-cert",
            "-out",
            "q.tsq",
        ]))
        .unwrap();
        run(Command::new("openssl").current_dir(d).args([
            "ts",
            "-reply",
            "-queryfile",
            "q.tsq",
            "-signer",
            "tsa.pem",
            "-inkey",
            "tsa.key",
            "-config",
            "ts.cnf",
            "-token_out",
            "-out",
            "token.der",
        ]))
        .unwrap();
        std::fs::read(d.join("token.der")).unwrap()
    }

    /// `openssl ts -verify` of a token against an imprint.
    pub(crate) fn openssl_verifies(
        &self,
        token: &[u8],
        imprint: &[u8; 32],
    ) -> Result<String, String> {
        let d = self.dir.path();
        std::fs::write(d.join("check.der"), token).unwrap();
        run(Command::new("openssl").current_dir(d).args([
            "ts",
            "-verify",
            "-digest",
            &hex(imprint),
            "-in",
            "check.der",
            "-token_in",
            "-CAfile",
            "tsa.pem",
        ]))
    }
}

// ------------------------------------------------------------------ fixtures

pub(crate) const FILES: &[(&str, &str, &[u8])] = &[
    (
        "informe.pdf",
        "application/pdf",
        b"%PDF-1.7\n% fake but binary \xe2\xe3\n",
    ),
    (
        "datos/tabla a\u{f1}o & co.csv",
        "text/csv",
        b"a;b\r\n1;2\r\n",
    ),
];

pub(crate) fn objects() -> Vec<DataObject<'static>> {
    FILES
        .iter()
        .map(|(name, mime, data)| DataObject {
            name,
            mime_type: mime,
            sha256: sha256(data),
        })
        .collect()
}

pub(crate) fn file_list() -> Vec<(String, Vec<u8>)> {
    FILES
        .iter()
        .map(|(n, _, d)| ((*n).to_owned(), d.to_vec()))
        .collect()
}

/// A detached XAdES (level T with a TSA) as `META-INF/signatures001.xml`.
fn detached(pki: &TestPki, tsa: Option<&Tsa>) -> Vec<u8> {
    let prepared = prepare_detached(
        &objects(),
        &pki.leaf_der,
        std::slice::from_ref(&pki.root_der),
        SIGNING_TIME_2024,
    )
    .unwrap();
    let signature = sign_hash(pki, &prepared.data_to_be_signed_sha256());
    let token = tsa.map(|t| t.stamp(&prepared.timestamp_imprint(&signature).unwrap()));
    prepared.finish(&signature, token.as_deref()).unwrap()
}

fn enveloped(pki: &TestPki, xml: &[u8], tsa: Option<&Tsa>) -> Vec<u8> {
    let prepared = prepare_enveloped(
        xml,
        &pki.leaf_der,
        std::slice::from_ref(&pki.root_der),
        SIGNING_TIME_2024,
    )
    .unwrap();
    let signature = sign_hash(pki, &prepared.data_to_be_signed_sha256());
    let token = tsa.map(|t| t.stamp(&prepared.timestamp_imprint(&signature).unwrap()));
    prepared.finish(&signature, token.as_deref()).unwrap()
}

/// Documents to sign enveloped, each with a unique piece of content whose first byte the tests
/// change.
const DOCUMENTS: &[(&str, &str)] = &[
    (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- prologue -->\n<?xml-stylesheet href=\"a.xsl\"?>\n\
         <f:Factura xmlns:f=\"urn:factura\" xmlns=\"urn:default\" xmlns:unused=\"urn:u\" b=\"2\" a=\"1\">\r\n\
         <Importe moneda=\"EUR\">12&amp;3 &#x20AC; <![CDATA[<x>]]></Importe>\r\n\
         <!-- inside --><vacio/><sin xmlns=\"\"><n/></sin>\r\n</f:Factura>\n<!-- epilogue -->\n",
        "12&amp;3",
    ),
    ("<r a=\"1\"/>", "1\""),
    (
        "<!-- no PI outside the root: see signxml below -->\n<r:a xmlns:r=\"urn:r\">\r\n<b c=\"&#9;&lt;\"/>\n<!-- c --><?pi in?>&gt;</r:a>\n<!-- end -->",
        "pi in",
    ),
    (
        "<r xmlns=\"urn:r\" xmlns:ds=\"urn:not-dsig\"><ds:x/></r>",
        "r\" xmlns:ds",
    ),
    // A byte order mark, kept.
    (
        "\u{feff}<?xml version='1.0' encoding='utf-8'?><r>xyz</r>",
        "xyz",
    ),
];

// ------------------------------------------------------------------ checkers

fn xmlsec1(dir: &Path, file: &str, root_der: &[u8]) -> Result<String, String> {
    std::fs::write(dir.join("root.pem"), pem("CERTIFICATE", root_der)).unwrap();
    run(Command::new("/usr/bin/xmlsec1").current_dir(dir).args([
        "--verify",
        "--trusted-pem",
        "root.pem",
        "--id-attr:Id",
        "http://uri.etsi.org/01903/v1.3.2#:SignedProperties",
        file,
    ]))
}

/// signxml's XAdESVerifier, CA trust through `ca_pem_file`; detached references resolved as
/// paths under `dir` (percent-decoded).
fn signxml(dir: &Path, file: &str, root_der: &[u8], references: usize) -> Result<String, String> {
    std::fs::write(dir.join("root.pem"), pem("CERTIFICATE", root_der)).unwrap();
    run(Command::new(python()).current_dir(dir).args([
        "-c",
        "import sys, urllib.parse\n\
         from signxml.xades import XAdESVerifier, XAdESSignatureConfiguration\n\
         data = open(sys.argv[1], 'rb').read()\n\
         resolve = lambda uri: open(urllib.parse.unquote(uri), 'rb').read()\n\
         results = XAdESVerifier().verify(data, ca_pem_file='root.pem', uri_resolver=resolve,\n\
             expect_config=XAdESSignatureConfiguration(expect_references=int(sys.argv[2])))\n\
         print(len(results))\n",
        file,
        &references.to_string(),
    ]))
}

fn unzip(container: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.asice"), container).unwrap();
    run(Command::new("/usr/bin/unzip")
        .current_dir(dir.path())
        .args(["-q", "c.asice", "-d", "x"]))
    .unwrap();
    dir
}

fn container_with(signatures_xml: &[u8], files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    write_container(
        &files,
        &[(XADES_SIGNATURES.to_owned(), signatures_xml.to_vec())],
    )
    .unwrap()
}

/// lxml's exclusive C14N of the first element named `tag` (Clark notation) in `xml`.
fn lxml_c14n_of(xml: &[u8], tag: &str) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.xml"), xml).unwrap();
    run(Command::new(python()).current_dir(dir.path()).args([
        "-c",
        "import sys; from lxml import etree\n\
         el = next(etree.parse('s.xml').iter(sys.argv[1]))\n\
         sys.stdout.buffer.write(etree.tostring(el, method='c14n', exclusive=True, with_comments=False))",
        tag,
    ]))
    .map(String::into_bytes)
    .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ------------------------------------------------------------------ tests

#[test]
fn detached_in_asic_e_is_verified_by_xmlsec1_and_signxml_and_a_changed_file_is_rejected() {
    let pki = test_pki();
    let xml = detached(&pki, None);
    let container = container_with(&xml, &file_list());
    let dir = unzip(&container);
    let x = dir.path().join("x");
    let references = FILES.len() + 1;
    xmlsec1(&x, "META-INF/signatures001.xml", &pki.root_der).unwrap();
    signxml(&x, "META-INF/signatures001.xml", &pki.root_der, references).unwrap();

    let mut changed = file_list();
    changed[1].1[0] ^= 0x01;
    let dir = unzip(&container_with(&xml, &changed));
    let x = dir.path().join("x");
    let refused = xmlsec1(&x, "META-INF/signatures001.xml", &pki.root_der).unwrap_err();
    assert!(
        refused.contains("FAIL") || refused.contains("fail"),
        "{refused}"
    );
    signxml(&x, "META-INF/signatures001.xml", &pki.root_der, references).unwrap_err();
}

#[test]
fn enveloped_documents_are_verified_by_xmlsec1_and_signxml_and_a_changed_byte_is_rejected() {
    let pki = test_pki();
    for (document, needle) in DOCUMENTS {
        let signed = enveloped(&pki, document.as_bytes(), None);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("signed.xml"), &signed).unwrap();
        xmlsec1(dir.path(), "signed.xml", &pki.root_der)
            .unwrap_or_else(|e| panic!("{document}\n{}\n{e}", String::from_utf8_lossy(&signed)));
        // signxml dereferences URI="" to the root element (processor.py `_resolve_reference`),
        // dropping PIs outside it, where xmldsig-core1 §4.4.3.3 (and xmlsec1) keep them.
        let pi_outside_root = document.contains("<?xml-stylesheet");
        if !pi_outside_root {
            signxml(dir.path(), "signed.xml", &pki.root_der, 2)
                .unwrap_or_else(|e| panic!("{document}\n{e}"));
        }
        // The original bytes are kept: the signed document is the original plus the signature.
        let start = signed
            .windows(13)
            .position(|w| w == b"<ds:Signature")
            .unwrap();
        // (An empty-element root `<r/>` becomes `<r>…</r>`.)
        let kept = if document.ends_with("/>") {
            start - 1
        } else {
            start
        };
        assert_eq!(&signed[..kept], &document.as_bytes()[..kept]);

        // One changed byte of the document's content (not of the signature).
        let at = document.find(needle).unwrap();
        let mut changed = signed.clone();
        changed[at] = if changed[at] == b'1' {
            b'2'
        } else {
            changed[at] ^ 0x01
        };
        std::fs::write(dir.path().join("changed.xml"), &changed).unwrap();
        xmlsec1(dir.path(), "changed.xml", &pki.root_der).unwrap_err();
        if !pi_outside_root {
            signxml(dir.path(), "changed.xml", &pki.root_der, 2).unwrap_err();
        }
        let status = &validate_enveloped(&changed).unwrap()[0];
        assert!(!status.intact && status.valid, "{status:?}");
    }
}

#[test]
fn what_we_sign_is_in_the_canonical_form_lxml_computes() {
    let pki = test_pki();
    let tsa = Tsa::new();
    let detached = detached(&pki, Some(&tsa));
    let signed = enveloped(&pki, DOCUMENTS[0].0.as_bytes(), Some(&tsa));
    for xml in [&detached, &signed] {
        for tag in ["SignedInfo", "SignatureValue"] {
            let canonical = lxml_c14n_of(xml, &format!("{{{DS}}}{tag}"));
            assert!(
                contains(xml, &canonical),
                "{tag}: {}",
                String::from_utf8_lossy(&canonical)
            );
        }
        let canonical = lxml_c14n_of(xml, &format!("{{{XADES}}}SignedProperties"));
        // Written as C14N renders it: ds declared on each ds element inside.
        assert!(
            contains(xml, &canonical),
            "{}",
            String::from_utf8_lossy(&canonical)
        );
    }
    // And the hash signed is over those bytes.
    let prepared = prepare_detached(&objects(), &pki.leaf_der, &[], SIGNING_TIME_2024).unwrap();
    let hash = prepared.data_to_be_signed_sha256();
    let signature = sign_hash(&pki, &hash);
    let xml = prepared.finish(&signature, None).unwrap();
    let canonical = lxml_c14n_of(&xml, &format!("{{{DS}}}SignedInfo"));
    assert_eq!(sha256(&canonical), hash);
}

/// EN 319 132-1 §6.3 (XAdES-BASELINE-B): SigningTime, SigningCertificateV2 and a
/// DataObjectFormat with MimeType per data reference; §6.3 (B-T): one SignatureTimeStamp.
#[test]
fn baseline_b_and_t_properties_are_there() {
    let pki = test_pki();
    let tsa = Tsa::new();
    for (xml, level_t, data_references) in [
        (detached(&pki, None), false, FILES.len()),
        (detached(&pki, Some(&tsa)), true, FILES.len()),
        (enveloped(&pki, DOCUMENTS[1].0.as_bytes(), None), false, 1),
        (
            enveloped(&pki, DOCUMENTS[1].0.as_bytes(), Some(&tsa)),
            true,
            1,
        ),
    ] {
        let doc = crate::c14n::parse(&xml).unwrap();
        let signature = doc
            .descendants()
            .find(|n| n.has_tag_name((DS, "Signature")))
            .unwrap();
        let signed_info = child(signature, DS, "SignedInfo").unwrap();
        let references: Vec<_> = signed_info
            .children()
            .filter(|n| n.has_tag_name((DS, "Reference")))
            .collect();
        assert_eq!(references.len(), data_references + 1);
        let props = doc
            .descendants()
            .find(|n| n.has_tag_name((XADES, "SignedProperties")))
            .unwrap();
        let ssp = child(props, XADES, "SignedSignatureProperties").unwrap();
        assert_eq!(
            child(ssp, XADES, "SigningTime").unwrap().text(),
            Some("2024-05-17T10:20:30Z")
        );
        let digest = path(
            ssp,
            &[
                (XADES, "SigningCertificateV2"),
                (XADES, "Cert"),
                (XADES, "CertDigest"),
                (DS, "DigestValue"),
            ],
        )
        .unwrap();
        assert_eq!(
            decode_base64(digest.text().unwrap()).unwrap(),
            sha256(&pki.leaf_der)
        );
        let issuer_serial = path(
            ssp,
            &[
                (XADES, "SigningCertificateV2"),
                (XADES, "Cert"),
                (XADES, "IssuerSerialV2"),
            ],
        )
        .unwrap();
        let issuer_serial =
            IssuerSerial::from_der(&decode_base64(issuer_serial.text().unwrap()).unwrap()).unwrap();
        assert_eq!(
            issuer_serial.serial_number,
            pki.leaf.tbs_certificate.serial_number
        );
        let formats: Vec<_> = child(props, XADES, "SignedDataObjectProperties")
            .unwrap()
            .children()
            .filter(|n| n.has_tag_name((XADES, "DataObjectFormat")))
            .collect();
        assert_eq!(formats.len(), data_references);
        for (format, reference) in formats.iter().zip(&references) {
            assert_eq!(
                format.attribute("ObjectReference").unwrap(),
                format!("#{}", reference.attribute("Id").unwrap())
            );
            assert!(child(*format, XADES, "MimeType").unwrap().text().is_some());
        }
        let props_reference = references.last().unwrap();
        assert_eq!(
            props_reference.attribute("Type"),
            Some(SIGNED_PROPERTIES_TYPE)
        );
        assert_eq!(
            props_reference.attribute("URI").unwrap(),
            format!("#{}", props.attribute("Id").unwrap())
        );
        // KeyInfo carries the signer's certificate and the chain.
        let certs = path(signature, &[(DS, "KeyInfo"), (DS, "X509Data")])
            .unwrap()
            .children()
            .filter(|n| n.is_element())
            .count();
        assert_eq!(certs, 2);
        let stamps = doc
            .descendants()
            .filter(|n| n.has_tag_name((XADES, "SignatureTimeStamp")))
            .count();
        assert_eq!(stamps, usize::from(level_t));
    }
}

#[test]
fn level_t_token_is_over_the_canonical_signature_value_and_openssl_verifies_it() {
    let pki = test_pki();
    let tsa = Tsa::new();
    for xml in [
        detached(&pki, Some(&tsa)),
        enveloped(&pki, DOCUMENTS[0].0.as_bytes(), Some(&tsa)),
    ] {
        let doc = crate::c14n::parse(&xml).unwrap();
        let token = doc
            .descendants()
            .find(|n| n.has_tag_name((XADES, "EncapsulatedTimeStamp")))
            .and_then(|n| n.text())
            .map(|t| decode_base64(t).unwrap())
            .unwrap();
        let canonical = lxml_c14n_of(&xml, &format!("{{{DS}}}SignatureValue"));
        let imprint = sha256(&canonical);
        tsa.openssl_verifies(&token, &imprint).unwrap();
        assert!(tsa.openssl_verifies(&token, &sha256(b"other")).is_err());
        assert_eq!(read_token(&token).unwrap().sha256_imprint, imprint);
    }
    // Our validators see the time.
    let xml = detached(&pki, Some(&tsa));
    let status = &validate_detached(&xml, &file_list()).unwrap()[0];
    assert!(status.holds() && status.timestamp.is_some(), "{status:?}");
    let signed = enveloped(&pki, DOCUMENTS[0].0.as_bytes(), Some(&tsa));
    let status = &validate_enveloped(&signed).unwrap()[0];
    assert!(status.holds() && status.timestamp.is_some(), "{status:?}");
    // A token over something else is refused at finish.
    let prepared = prepare_detached(&objects(), &pki.leaf_der, &[], SIGNING_TIME_2024).unwrap();
    let signature = sign_hash(&pki, &prepared.data_to_be_signed_sha256());
    let wrong = tsa.stamp(&sha256(b"something else"));
    assert!(matches!(
        prepared.finish(&signature, Some(&wrong)),
        Err(XadesError::BadTimestamp(_))
    ));
}

#[test]
fn our_validators_hold_for_our_outputs_and_spot_changes() {
    let pki = test_pki();
    let xml = detached(&pki, None);
    let statuses = validate_detached(&xml, &file_list()).unwrap();
    assert_eq!(statuses.len(), 1);
    let status = &statuses[0];
    assert!(status.holds(), "{status:?}");
    assert_eq!(status.signing_time, Some(SIGNING_TIME_2024));
    assert_eq!(
        status.signer_certificate.as_deref(),
        Some(pki.leaf_der.as_slice())
    );
    assert!(
        status
            .signer_subject
            .as_deref()
            .unwrap()
            .contains("IDCES-12345678Z")
    );
    assert_eq!(status.timestamp, None);

    // A changed file byte: not intact, still valid.
    let mut changed = file_list();
    changed[0].1[3] ^= 0x20;
    let status = &validate_detached(&xml, &changed).unwrap()[0];
    assert!(
        !status.intact && status.valid && status.signer_bound,
        "{status:?}"
    );
    // A missing file: not intact.
    let status = &validate_detached(&xml, &file_list()[..1]).unwrap()[0];
    assert!(!status.intact);
    // A changed signed property (the signing time): not valid.
    let text = String::from_utf8(xml.clone()).unwrap();
    let tampered = text.replace("2024-05-17T10:20:30Z", "2023-05-17T10:20:30Z");
    let status = &validate_detached(tampered.as_bytes(), &file_list()).unwrap()[0];
    assert!(!status.valid && status.intact, "{status:?}");
    // A changed signature value: not valid.
    let value_start = text.find("-sigvalue\">").unwrap() + 11;
    let mut bytes = xml.clone();
    bytes[value_start + 5] = if bytes[value_start + 5] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let status = &validate_detached(&bytes, &file_list()).unwrap()[0];
    assert!(!status.valid, "{status:?}");
    // Signature wrapping: a second element with the SignedProperties Id makes it ambiguous.
    let parsed = crate::c14n::parse(&xml).unwrap();
    let id = parsed
        .descendants()
        .find(|n| n.has_tag_name((XADES, "SignedProperties")))
        .and_then(|n| n.attribute("Id"))
        .unwrap();
    assert!(id.ends_with("-signedprops"), "{id}");
    let wrapped = text.replace(
        "</asic:XAdESSignatures>",
        &format!("<x Id=\"{id}\"/></asic:XAdESSignatures>"),
    );
    let status = &validate_detached(wrapped.as_bytes(), &file_list()).unwrap()[0];
    assert!(!status.holds(), "{status:?}");

    for (document, _) in DOCUMENTS {
        let signed = enveloped(&pki, document.as_bytes(), None);
        let status = &validate_enveloped(&signed).unwrap()[0];
        assert!(status.holds(), "{document}: {status:?}");
    }
}

#[test]
fn documents_we_cannot_sign_safely_are_errors() {
    let pki = test_pki();
    let prepare = |xml: &[u8]| prepare_enveloped(xml, &pki.leaf_der, &[], SIGNING_TIME_2024);
    for bad in [
        &b"<!DOCTYPE r [<!ENTITY a \"x\">]><r>&a;</r>"[..],
        b"<!DOCTYPE r SYSTEM \"r.dtd\"><r/>",
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>",
        b"\xff\xfe<\0r\0/\0>\0",
        b"",
        b"<r>",
        b"not xml",
    ] {
        assert!(
            matches!(prepare(bad), Err(XadesError::BadDocument(_))),
            "{bad:?}"
        );
    }
    let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
    assert!(prepare(deep.as_bytes()).is_err());
    assert!(matches!(
        prepare_enveloped(b"<r/>", b"not a cert", &[], SIGNING_TIME_2024),
        Err(XadesError::BadCertificate(_))
    ));
    assert!(matches!(
        prepare_enveloped(b"<r/>", &pki.leaf_der, &[], -1),
        Err(XadesError::SigningTimeOutOfRange(_))
    ));
    let prepared = prepare(b"<r/>").unwrap();
    assert!(matches!(
        prepared.clone().finish(&[0x11; 64], None),
        Err(XadesError::BadSignature)
    ));
    assert!(matches!(
        prepared.timestamp_imprint(b"garbage"),
        Err(XadesError::BadSignature)
    ));
    for bad in [
        &[][..],
        &[DataObject {
            name: "../x",
            mime_type: "a/b",
            sha256: [0; 32],
        }][..],
    ] {
        assert!(matches!(
            prepare_detached(bad, &pki.leaf_der, &[], SIGNING_TIME_2024),
            Err(XadesError::Objects(_))
        ));
    }
}

#[test]
fn hostile_signature_documents_are_errors_or_statuses_never_panics() {
    let pki = test_pki();
    let xml = detached(&pki, None);
    let files = file_list();
    for end in (0..xml.len()).step_by(7) {
        let _ = validate_detached(&xml[..end], &files);
        let _ = validate_enveloped(&xml[..end]);
    }
    let mut seed = 0x9e37_79b9_u32;
    for _ in 0..300 {
        let mut noisy = xml.clone();
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let at = seed as usize % noisy.len();
        noisy[at] = (seed >> 8) as u8;
        let _ = validate_detached(&noisy, &files);
    }
    let laughs =
        "<!DOCTYPE l [<!ENTITY a \"ha\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>";
    assert!(validate_enveloped(laughs.as_bytes()).is_err());
    assert!(validate_enveloped(b"<r/>").is_err(), "no signature");
    let deep = format!(
        "<ds:Signature xmlns:ds=\"{DS}\"><ds:SignedInfo>{}{}</ds:SignedInfo></ds:Signature>",
        "<a>".repeat(5000),
        "</a>".repeat(5000)
    );
    let status = &validate_enveloped(deep.as_bytes()).unwrap()[0];
    assert!(!status.holds());
    let empty = format!("<ds:Signature xmlns:ds=\"{DS}\"/>");
    assert!(!validate_enveloped(empty.as_bytes()).unwrap()[0].holds());
    assert!(validate_detached(b"\x00\x01garbage", &files).is_err());
}

#[test]
fn date_times_parse() {
    assert_eq!(
        parse_date_time("2024-05-17T10:20:30Z"),
        Some(SIGNING_TIME_2024)
    );
    assert_eq!(
        parse_date_time("2024-05-17T12:20:30.123+02:00"),
        Some(SIGNING_TIME_2024)
    );
    assert_eq!(
        parse_date_time("2024-05-17T09:20:30-01:00"),
        Some(SIGNING_TIME_2024)
    );
    for bad in [
        "",
        "2024-05-17",
        "2024-13-17T10:20:30Z",
        "x-y-zTa:b:c",
        "2024-05-17T10:20Z",
    ] {
        assert_eq!(parse_date_time(bad), None, "{bad}");
    }
}

// ------------------------------------------------------------------ what other producers write

/// A XAdES-B signature made by xmlsec1 (its C14N and digests, not ours) over a document whose
/// root declares namespaces and `xml:lang`, with the SignedInfo canonicalization `c14n`, the
/// data reference `data_uri` with `data_transforms`, the SignedProperties reference with
/// `props_transforms`, and `signing_certificate` (the SigningCertificate(V2) element).
fn xmlsec1_xades(
    pki: &TestPki,
    c14n: &str,
    data_uri: &str,
    data_transforms: &[String],
    props_transforms: &[String],
    signing_certificate: &str,
) -> Vec<u8> {
    use p256::pkcs8::{EncodePrivateKey, LineEnding};
    let transforms = |list: &[String]| {
        if list.is_empty() {
            String::new()
        } else {
            format!("<ds:Transforms>{}</ds:Transforms>", list.concat())
        }
    };
    let document = format!(
        "<doc xmlns=\"urn:d\" xmlns:u=\"urn:u\" xml:lang=\"es\">\n  <u:item Id=\"item\" a=\"1\">\
         <!-- nota --><amount>42.00</amount></u:item>\n\
         <ds:Signature xmlns:ds=\"{DS}\" xmlns:xades=\"{XADES}\" Id=\"S1\"><ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"{c14n}\"/>\
         <ds:SignatureMethod Algorithm=\"{ECDSA_SHA256}\"/>\
         <ds:Reference URI=\"{data_uri}\">{}<ds:DigestMethod Algorithm=\"{SHA256_URI}\"/>\
         <ds:DigestValue/></ds:Reference>\
         <ds:Reference Type=\"{SIGNED_PROPERTIES_TYPE}\" URI=\"#S1-props\">{}\
         <ds:DigestMethod Algorithm=\"{SHA256_URI}\"/><ds:DigestValue/></ds:Reference>\
         </ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo>\
         <ds:Object><xades:QualifyingProperties Target=\"#S1\"><xades:SignedProperties Id=\"S1-props\">\
         <xades:SignedSignatureProperties><xades:SigningTime>2024-05-17T10:20:30Z</xades:SigningTime>\
         {signing_certificate}</xades:SignedSignatureProperties></xades:SignedProperties>\
         </xades:QualifyingProperties></ds:Object></ds:Signature></doc>\n",
        transforms(data_transforms),
        transforms(props_transforms),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.xml"), &document).unwrap();
    std::fs::write(
        dir.path().join("key.pem"),
        pki.leaf_key
            .to_pkcs8_pem(LineEnding::LF)
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cert.pem"),
        pem("CERTIFICATE", &pki.leaf_der),
    )
    .unwrap();
    run(Command::new("/usr/bin/xmlsec1")
        .current_dir(dir.path())
        .args([
            "--sign",
            "--privkey-pem",
            "key.pem,cert.pem",
            "--id-attr:Id",
            &format!("{XADES}:SignedProperties"),
            "--id-attr:Id",
            "urn:u:item",
            "--output",
            "s.xml",
            "t.xml",
        ]))
    .unwrap_or_else(|e| panic!("{document}\n{e}"));
    std::fs::read(dir.path().join("s.xml")).unwrap()
}

fn transform(algorithm: &str) -> String {
    format!("<ds:Transform Algorithm=\"{algorithm}\"/>")
}

fn exclusive_with(prefixes: &str) -> String {
    format!(
        "<ds:Transform Algorithm=\"{EXC_C14N}\"><ec:InclusiveNamespaces xmlns:ec=\"{EXC_C14N}\" \
         PrefixList=\"{prefixes}\"/></ds:Transform>"
    )
}

/// A SigningCertificate(V2) (`element`) listing the certificates with their digests.
fn signing_certificate(element: &str, certs: &[(&str, Vec<u8>)]) -> String {
    let mut out = format!("<xades:{element}>");
    for (algorithm, digest) in certs {
        out.push_str(&format!(
            "<xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm=\"{algorithm}\"/>\
             <ds:DigestValue>{}</ds:DigestValue></xades:CertDigest></xades:Cert>",
            BASE64.encode(digest)
        ));
    }
    out.push_str(&format!("</xades:{element}>"));
    out
}

#[test]
fn xmlsec1_signatures_with_each_transform_chain_and_canonicalization_hold() {
    use crate::c14n::{
        C14N10, C14N10_WITH_COMMENTS, C14N11, C14N11_WITH_COMMENTS, EXC_C14N_WITH_COMMENTS,
    };
    let pki = test_pki();
    let v2 = signing_certificate(
        "SigningCertificateV2",
        &[(SHA256_URI, sha256(&pki.leaf_der).to_vec())],
    );
    let enveloped = transform(ENVELOPED_SIGNATURE);
    let cases: Vec<(&str, &str, Vec<String>, Vec<String>)> = vec![
        // No transforms at all but the enveloped one: inclusive C14N 1.0 (§4.4.3.2).
        (C14N10, "", vec![enveloped.clone()], vec![]),
        (
            C14N10,
            "",
            vec![enveloped.clone(), transform(C14N10)],
            vec![transform(C14N10)],
        ),
        (
            C14N11,
            "",
            vec![enveloped.clone(), transform(C14N11)],
            vec![transform(C14N11)],
        ),
        (
            EXC_C14N,
            "",
            vec![enveloped.clone(), exclusive_with("u #default")],
            vec![exclusive_with("xades")],
        ),
        (
            EXC_C14N,
            "",
            vec![enveloped.clone(), transform(EXC_C14N)],
            vec![transform(EXC_C14N)],
        ),
        // An element by Id: the node-set has no comments, whatever the C14N says (§4.4.3.3).
        (EXC_C14N_WITH_COMMENTS, "#item", vec![], vec![]),
        (
            C14N10_WITH_COMMENTS,
            "#item",
            vec![transform(C14N10_WITH_COMMENTS)],
            vec![],
        ),
        (
            C14N11_WITH_COMMENTS,
            "#item",
            vec![transform(C14N11)],
            vec![transform(EXC_C14N)],
        ),
    ];
    for (c14n, uri, data, props) in cases {
        let signed = xmlsec1_xades(&pki, c14n, uri, &data, &props, &v2);
        let text = String::from_utf8_lossy(&signed).into_owned();
        let status = &validate_enveloped(&signed).unwrap()[0];
        assert!(status.holds(), "{text}\n{status:?}");
        assert_eq!(
            status.signer_certificate.as_deref(),
            Some(&pki.leaf_der[..])
        );
        assert_eq!(status.signing_time, Some(SIGNING_TIME_2024));
        let changed = text.replace("42.00", "42.01");
        let status = &validate_enveloped(changed.as_bytes()).unwrap()[0];
        assert!(!status.intact && !status.holds(), "{status:?}");
        // Outside the signed node-set: a comment in the document, for `#item` the text
        // outside it.
        let outside = text.replace("<!-- nota -->", "<!-- otra nota -->");
        assert!(validate_enveloped(outside.as_bytes()).unwrap()[0].holds());
    }
}

/// EN 319 132-1 §5.2.2: the signer's certificate must be among those SigningCertificateV2
/// lists (a chain, in any order), by SHA-256, -384 or -512; v1 SigningCertificate is read too
/// (deprecated for new signatures, still met), SHA-1 only there.
#[test]
fn signing_certificate_v2_may_list_a_chain_and_v1_is_read() {
    let pki = test_pki();
    let leaf = &pki.leaf_der;
    let root = &pki.root_der;
    let sha384 = |d: &[u8]| sha2::Sha384::digest(d).to_vec();
    let sha512 = |d: &[u8]| sha2::Sha512::digest(d).to_vec();
    let sha1 = |d: &[u8]| sha1::Sha1::digest(d).to_vec();
    let sha384_uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    let sha512_uri = "http://www.w3.org/2001/04/xmlenc#sha512";
    let sha1_uri = "http://www.w3.org/2000/09/xmldsig#sha1";
    let cases: Vec<(String, bool)> = vec![
        (
            signing_certificate(
                "SigningCertificateV2",
                &[
                    (SHA256_URI, sha256(root).to_vec()),
                    (sha512_uri, sha512(leaf)),
                ],
            ),
            true,
        ),
        (
            signing_certificate("SigningCertificateV2", &[(sha384_uri, sha384(leaf))]),
            true,
        ),
        (
            signing_certificate("SigningCertificate", &[(sha1_uri, sha1(leaf))]),
            true,
        ),
        (
            signing_certificate("SigningCertificate", &[(SHA256_URI, sha256(leaf).to_vec())]),
            true,
        ),
        // SHA-1 is not read in V2; the root alone does not name the signer; a wrong digest.
        (
            signing_certificate("SigningCertificateV2", &[(sha1_uri, sha1(leaf))]),
            false,
        ),
        (
            signing_certificate(
                "SigningCertificateV2",
                &[(SHA256_URI, sha256(root).to_vec())],
            ),
            false,
        ),
        (
            signing_certificate("SigningCertificateV2", &[(SHA256_URI, vec![0; 32])]),
            false,
        ),
        (String::new(), false),
    ];
    let enveloped = [transform(ENVELOPED_SIGNATURE), transform(EXC_C14N)];
    for (element, bound) in cases {
        let signed = xmlsec1_xades(&pki, EXC_C14N, "", &enveloped, &[], &element);
        let status = &validate_enveloped(&signed).unwrap()[0];
        assert_eq!(status.signer_bound, bound, "{element}: {status:?}");
        assert_eq!(status.holds(), bound, "{element}: {status:?}");
        assert!(status.intact && status.valid, "{element}: {status:?}");
    }
}

/// Transforms other than the enveloped one and one C14N (XPath, XSLT, base64, two C14Ns, a
/// C14N before the enveloped transform, an unknown InclusiveNamespaces sibling) and unknown
/// canonicalizations are reported problems, never panics.
#[test]
fn other_transforms_and_canonicalizations_are_reported_problems() {
    let pki = test_pki();
    let v2 = signing_certificate(
        "SigningCertificateV2",
        &[(SHA256_URI, sha256(&pki.leaf_der).to_vec())],
    );
    let chain = [transform(ENVELOPED_SIGNATURE), transform(EXC_C14N)];
    let signed = String::from_utf8(xmlsec1_xades(&pki, EXC_C14N, "", &chain, &[], &v2)).unwrap();
    assert!(validate_enveloped(signed.as_bytes()).unwrap()[0].holds());
    let written = chain.concat();
    let xpath = format!(
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">\
         <ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>{}",
        transform(EXC_C14N)
    );
    for other in [
        xpath,
        transform("http://www.w3.org/TR/1999/REC-xslt-19991116"),
        transform("http://www.w3.org/2000/09/xmldsig#base64"),
        format!("{}{}", transform(EXC_C14N), transform(ENVELOPED_SIGNATURE)),
        format!(
            "{}{}{}",
            transform(ENVELOPED_SIGNATURE),
            transform(crate::c14n::C14N10),
            transform(EXC_C14N)
        ),
        format!(
            "{}<ds:Transform Algorithm=\"{EXC_C14N}\"><ds:XPath>1</ds:XPath></ds:Transform>",
            transform(ENVELOPED_SIGNATURE)
        ),
        format!(
            "{}{}",
            transform(ENVELOPED_SIGNATURE),
            transform("urn:unknown")
        ),
    ] {
        let changed = signed.replace(&written, &other);
        assert_ne!(changed, signed);
        let status = &validate_enveloped(changed.as_bytes()).unwrap()[0];
        assert!(!status.intact && !status.holds(), "{other}: {status:?}");
        assert!(
            status
                .problems
                .iter()
                .any(|p| p.starts_with("unsupported transforms")),
            "{other}: {status:?}"
        );
    }
    let canonicalization = format!("<ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/>");
    for other in [
        "urn:unknown",
        "http://www.w3.org/2006/12/xml-c14n11#WithComments#",
    ] {
        let changed = signed.replace(
            &canonicalization,
            &format!("<ds:CanonicalizationMethod Algorithm=\"{other}\"/>"),
        );
        assert_ne!(changed, signed);
        let status = &validate_enveloped(changed.as_bytes()).unwrap()[0];
        assert!(!status.valid && !status.holds(), "{status:?}");
        assert!(
            status
                .problems
                .iter()
                .any(|p| p.starts_with("SignedInfo canonicalization")),
            "{status:?}"
        );
    }
}
