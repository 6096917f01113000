//! Interoperability vectors: signatures made by tools nobody here wrote (`vectors/make.sh`:
//! openssl, pyHanko, signxml, over a throwaway P-256 PKI valid for 30 years), read by our
//! `verify` as their producers meant — every signature intact, valid, bound to its certificate,
//! chaining to `vectors/root.pem` and made within the certificate's validity; and not intact
//! with one byte of the signed document changed. signxml's XAdES with exclusive C14N is the
//! exception: its digests do not follow xmldsig-core1, and it is refused as xmlsec1 and
//! signxml's own verifier refuse it.

use std::path::{Path, PathBuf};

use nubefirma_containers::verify::{Kind, verify};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

fn vector(name: &str) -> Vec<u8> {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root() -> Certificate {
    Certificate::load_pem_chain(&vector("root.pem"))
        .expect("root.pem")
        .remove(0)
}

/// Every signature holds and is trusted; `one_byte_changed` (an offset into the signed
/// document's bytes within the file) makes it fail.
fn holds_and_fails_when_changed(
    name: &str,
    kind: Kind,
    content_sha256: Option<[u8; 32]>,
    document_offset: usize,
) {
    let bytes = vector(name);
    let verified = verify(&bytes, content_sha256.as_ref()).expect(name);
    assert_eq!(verified.kind, kind, "{name}");
    assert!(!verified.signatures.is_empty(), "{name}");
    let anchors = [root()];
    for checked in &verified.signatures {
        assert!(checked.status.holds(), "{name}: {:?}", checked.status);
        assert!(
            checked.trust(&anchors).is_ok(),
            "{name}: {:?}",
            checked.trust(&anchors)
        );
        assert_eq!(
            checked.certificate_valid_at_signing(&anchors),
            Some(Ok(())),
            "{name}"
        );
    }
    let mut changed = bytes.clone();
    changed[document_offset] ^= 0x01;
    let still_holds = verify(&changed, content_sha256.as_ref())
        .map(|v| v.signatures.iter().all(|c| c.status.holds()))
        .unwrap_or(false);
    assert!(!still_holds, "{name}: a changed byte must not hold");
}

fn position(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the document's bytes are in the file")
}

#[test]
fn openssl_cades_detached_and_attached() {
    let document = vector("document.txt");
    let digest: [u8; 32] = Sha256::digest(&document).into();
    // Detached: the content is outside; a different content is what changes.
    let p7s = vector("openssl-detached.p7s");
    let verified = verify(&p7s, Some(&digest)).expect("p7s");
    assert_eq!(verified.kind, Kind::CadesDetached);
    assert!(verified.signatures.iter().all(|c| c.status.holds()));
    let other: [u8; 32] = Sha256::digest(b"otro documento").into();
    let verified = verify(&p7s, Some(&other)).expect("p7s");
    assert!(!verified.signatures[0].status.intact);

    let p7m = vector("openssl-attached.p7m");
    let at = position(&p7m, &document);
    holds_and_fails_when_changed("openssl-attached.p7m", Kind::CadesAttached, None, at + 3);
}

#[test]
fn pyhanko_pades() {
    let pdf = vector("pyhanko-pades.pdf");
    // Ghostscript's text is in a compressed stream; any byte of the first revision is signed.
    holds_and_fails_when_changed("pyhanko-pades.pdf", Kind::Pades, None, pdf.len() / 4);
}

/// signxml's XAdES-B enveloped, with its default Canonical XML 1.1 and with Canonical XML 1.0:
/// the data reference has enveloped + C14N transforms, the SignedProperties and KeyInfo
/// references none (inclusive C14N 1.0 of an element whose ancestors declare namespaces), and
/// SigningCertificateV2 lists the signer's certificate and the root's.
#[test]
fn signxml_xades_enveloped() {
    for name in ["signxml-xades-inclusive.xml", "signxml-xades-c14n10.xml"] {
        let xml = vector(name);
        let at = position(&xml, b"42.00");
        holds_and_fails_when_changed(name, Kind::Xades, None, at + 1);
    }
}

/// With `c14n_algorithm` exclusive, signxml digests its transform-less references with
/// exclusive C14N, which xmldsig-core1 §4.4.3.2 does not allow (no transforms: inclusive C14N
/// 1.0). xmlsec1 and signxml's own XAdESVerifier refuse it, and so do we, saying why.
#[test]
fn signxml_xades_with_exclusive_c14n_is_refused_as_its_own_verifier_refuses_it() {
    let verified = verify(&vector("signxml-xades.xml"), None).expect("signxml-xades.xml");
    assert_eq!(verified.kind, Kind::Xades);
    let status = &verified.signatures[0].status;
    assert!(!status.holds());
    for problem in [
        "the signed properties do not match their digest",
        "does not match its digest", // the KeyInfo reference
    ] {
        assert!(
            status.problems.iter().any(|p| p.ends_with(problem)),
            "{problem}: {:?}",
            status.problems
        );
    }
    // The enveloped document itself is digested as signxml and we both mean it.
    assert!(
        !status.problems.iter().any(|p| p.contains("\"\"")),
        "{:?}",
        status.problems
    );
}
