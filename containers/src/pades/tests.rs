//! PAdES tests: a corpus generated at test time (our own minimal PDF, qpdf's object streams,
//! a Ghostscript export, a second revision, a pyHanko signature), each signed here and checked
//! by tools nobody here wrote — pyHanko, pdfsig (poppler), qpdf, openssl — and by our own
//! validator.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_MESSAGE_DIGEST, ID_SIGNING_TIME,
};
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::DerSignature;
use sha2::{Digest, Sha256};

use super::*;
use crate::cades::tests::{TestPki, test_pki};

// ---------------------------------------------------------------------------------------------
// Tools

/// An outside tool, which `scripts/setup.sh` installs; missing is a failure, never a skip.
fn tool(path: &str) -> PathBuf {
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup.sh (it installs poppler-utils, qpdf, ghostscript, openssl and pyHanko)",
        path.display()
    );
    path
}

/// pyHanko from the workspace's `.venv` (`scripts/setup.sh`); `NUBEFIRMA_PYHANKO` overrides it.
fn pyhanko() -> PathBuf {
    if let Ok(path) = std::env::var("NUBEFIRMA_PYHANKO") {
        return path.into();
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/pyhanko");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/setup.sh (it installs pyHanko)",
        venv.display()
    );
    venv
}

fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
}

fn run_ok(program: &Path, args: &[&str]) -> Output {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{} {args:?}: {}\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn openssl(args: &[&str]) -> Output {
    run_ok(&tool("/usr/bin/openssl"), args)
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

pub(crate) struct Dir(tempfile::TempDir);

impl Dir {
    pub(crate) fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    fn path(&self, name: &str) -> String {
        self.0.path().join(name).to_str().unwrap().to_owned()
    }
    fn write(&self, name: &str, data: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, data).unwrap();
        path
    }
    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }
}

// ---------------------------------------------------------------------------------------------
// The corpus

/// A minimal PDF with a classic cross-reference table, one page per text.
pub(crate) fn minimal_pdf(texts: &[&str]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let n = texts.len();
    // 1 catalog, 2 page tree, 3 font, then a page and its content per text.
    objects.push("<</Type/Catalog/Pages 2 0 R>>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!(
        "<</Type/Pages/Kids[{}]/Count {n}>>",
        kids.join(" ")
    ));
    objects.push("<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".into());
    for (i, text) in texts.iter().enumerate() {
        objects.push(format!(
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents {} 0 R>>",
            5 + 2 * i
        ));
        let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
        objects.push(format!(
            "<</Length {}>>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<</Size {}/Root 1 0 R/ID[<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>]>>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A new revision by hand: `body` as object `num` (a new one if `None`), in a classic table
/// with /Prev.
fn append_object(pdf: &[u8], num: Option<u32>, body: &str, info: bool) -> Vec<u8> {
    let doc = Document::open(pdf).unwrap();
    let size = doc.next_object_number();
    let num = num.unwrap_or(size);
    let size = size.max(num + 1);
    let mut out = pdf.to_vec();
    let at = out.len();
    out.extend_from_slice(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    let xref = out.len();
    let info = if info {
        format!("/Info {num} 0 R")
    } else {
        String::new()
    };
    out.extend_from_slice(
        format!(
            "xref\n{num} 1\n{at:010} 00000 n\r\ntrailer\n<</Size {size}/Root 1 0 R{info}/Prev {}>>\nstartxref\n{xref}\n%%EOF\n",
            doc.startxref
        )
        .as_bytes(),
    );
    out
}

/// A second revision: a new document information dictionary.
fn add_revision(pdf: &[u8]) -> Vec<u8> {
    append_object(pdf, None, "<</Producer (second revision)>>", true)
}

fn qpdf_object_streams(dir: &Dir, pdf: &[u8]) -> Vec<u8> {
    let input = dir.write("for-qpdf.pdf", pdf);
    let output = dir.path("objstm.pdf");
    run_ok(
        &tool("/usr/bin/qpdf"),
        &["--object-streams=generate", &input, &output],
    );
    let out = dir.read("objstm.pdf");
    assert!(
        find(&out, b"/ObjStm").is_some() && find(&out, b"/XRef").is_some(),
        "qpdf made object streams and an xref stream"
    );
    out
}

fn ghostscript_pdf(dir: &Dir) -> Vec<u8> {
    let ps = dir.write(
        "in.ps",
        b"%!PS\n/Helvetica findfont 24 scalefont setfont\n72 720 moveto (Hola desde Ghostscript) show\nshowpage\n72 720 moveto (Segunda pagina) show\nshowpage\n",
    );
    let output = format!("-sOutputFile={}", dir.path("gs.pdf"));
    run_ok(
        &tool("/usr/bin/gs"),
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=pdfwrite",
            &output,
            &ps,
        ],
    );
    dir.read("gs.pdf")
}

/// A PDF signed by pyHanko with its own P-256 key; gives the PDF and its certificate's path.
fn pyhanko_signed(dir: &Dir, pdf: &[u8]) -> (Vec<u8>, String) {
    let (key, cert) = (dir.path("hanko.key"), dir.path("hanko.pem"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        &cert,
        "-days",
        "1",
        "-subj",
        "/CN=Firmante pyHanko/serialNumber=IDCES-99999999R/C=ES",
        "-addext",
        "keyUsage=critical,digitalSignature,nonRepudiation",
    ]);
    let input = dir.write("for-hanko.pdf", pdf);
    let output = dir.path("hanko-signed.pdf");
    run_ok(
        &pyhanko(),
        &[
            "sign",
            "addsig",
            "--field",
            // Our first name, so ours must pick another (§12.7.3.2: names are unique).
            "Signature1",
            "--use-pades",
            "pemder",
            "--key",
            &key,
            "--cert",
            &cert,
            "--no-pass",
            &input,
            &output,
        ],
    );
    (dir.read("hanko-signed.pdf"), cert)
}

// ---------------------------------------------------------------------------------------------
// Signing

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A time-stamping authority made with openssl (`openssl ts -reply`).
pub(crate) struct Tsa {
    pub(crate) cert: String,
    key: String,
    config: String,
}

pub(crate) fn tsa(dir: &Dir) -> Tsa {
    let (key, cert) = (dir.path("tsa.key"), dir.path("tsa.pem"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        &key,
        "-out",
        &cert,
        "-days",
        "1",
        "-subj",
        "/CN=Prueba TSA/C=ES",
        "-addext",
        "extendedKeyUsage=critical,timeStamping",
        "-addext",
        "keyUsage=critical,digitalSignature",
    ]);
    dir.write("tsaserial", b"01\n");
    let config = dir.write(
        "tsa.cnf",
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = {}\ncrypto_device = builtin\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = no\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n",
            dir.path("tsaserial")
        )
        .as_bytes(),
    );
    Tsa { cert, key, config }
}

/// A token over `signature_der`'s imprint, as the relay's TSA would give.
pub(crate) fn timestamp(dir: &Dir, tsa: &Tsa, signature_der: &[u8]) -> Vec<u8> {
    let data = dir.write("sigvalue.bin", signature_der);
    let (query, token) = (dir.path("q.tsq"), dir.path("token.der"));
    openssl(&[
        "ts",
        "-query",
        "-data",
        &data,
        "-sha256",
        "-cert",
        "-no_nonce",
        "-out",
        &query,
    ]);
    openssl(&[
        "ts",
        "-reply",
        "-queryfile",
        &query,
        "-signer",
        &tsa.cert,
        "-inkey",
        &tsa.key,
        "-config",
        &tsa.config,
        "-out",
        &token,
        "-token_out",
    ]);
    std::fs::read(&token).unwrap()
}

fn sign_with(
    pki: &TestPki,
    pdf: &[u8],
    visible: Option<VisibleSignature>,
    tsa: Option<(&Dir, &Tsa)>,
) -> Vec<u8> {
    let chain = [pki.root_der.clone()];
    let prepared = prepare(&PadesRequest {
        pdf,
        signer_certificate_der: &pki.leaf_der,
        chain_der: &chain,
        signing_time_unix_seconds: now(),
        visible,
        with_timestamp: tsa.is_some(),
    })
    .unwrap();
    let signature: DerSignature = pki
        .leaf_key
        .sign_prehash(&prepared.data_to_be_signed_sha256())
        .unwrap();
    let token = tsa.map(|(dir, tsa)| timestamp(dir, tsa, signature.as_bytes()));
    let out = prepared
        .finish(signature.as_bytes(), token.as_deref())
        .unwrap();
    assert!(
        out.starts_with(pdf),
        "the output starts with the input, byte for byte"
    );
    out
}

fn sign(pki: &TestPki, pdf: &[u8]) -> Vec<u8> {
    sign_with(pki, pdf, None, None)
}

// ---------------------------------------------------------------------------------------------
// Checkers

/// pyHanko's report on every signature; `Ok` when it judges them all intact and valid.
fn pyhanko_validate(dir: &Dir, pdf: &[u8], trust: &[&str]) -> (bool, String) {
    let path = dir.write("to-validate.pdf", pdf);
    let mut args = vec![
        "sign",
        "validate",
        "--pretty-print",
        "--no-revocation-check",
    ];
    for t in trust {
        args.extend(["--trust", t]);
    }
    args.extend(["--trust-replace", &path]);
    let out = run(&pyhanko(), &args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn assert_pyhanko_accepts(dir: &Dir, pdf: &[u8], trust: &[&str]) -> String {
    let (ok, text) = pyhanko_validate(dir, pdf, trust);
    assert!(ok, "pyHanko rejects:\n{text}");
    assert!(
        text.contains("The signature is cryptographically sound"),
        "pyHanko:\n{text}"
    );
    text
}

/// pdfsig's verdict per signature: `Signature is Valid.` lines.
fn pdfsig(dir: &Dir, pdf: &[u8]) -> String {
    let path = dir.write("to-pdfsig.pdf", pdf);
    let out = run(&tool("/usr/bin/pdfsig"), &[&path]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_pdfsig_accepts(dir: &Dir, pdf: &[u8], signatures: usize) {
    let text = pdfsig(dir, pdf);
    assert_eq!(
        text.matches("Signature Validation: Signature is Valid.")
            .count(),
        signatures,
        "pdfsig:\n{text}"
    );
    // Said of the newest signature, whose range runs to the end of the file.
    assert!(text.contains("Total document signed"), "pdfsig:\n{text}");
}

/// `qpdf --check` must find no error and no warning (exit 0; 2 is errors, 3 warnings).
fn assert_qpdf_checks(dir: &Dir, pdf: &[u8]) {
    let path = dir.write("to-check.pdf", pdf);
    run_ok(&tool("/usr/bin/qpdf"), &["--check", &path]);
}

/// The CMS of the last signature in the file, from its `/Contents`.
fn last_cms(pdf: &[u8]) -> Vec<u8> {
    let at = rfind_bytes(pdf, b"/Contents<").unwrap() + b"/Contents<".len();
    let end = at + pdf[at..].iter().position(|b| *b == b'>').unwrap();
    let hex = &pdf[at..end];
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect();
    bytes[..der_length(&bytes)].to_vec()
}

/// `pdf` with the first `from` replaced by `to` (the trailer, at the end: no offset moves).
fn replace(pdf: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = rfind_bytes(pdf, from).unwrap();
    [&pdf[..at], to, &pdf[at + from.len()..]].concat()
}

fn rfind_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// One byte changed inside the signed range, in the original content.
fn tampered(pdf: &[u8], marker: &[u8]) -> Vec<u8> {
    let at = find(pdf, marker).unwrap();
    let mut out = pdf.to_vec();
    out[at] ^= 0x01;
    out
}

/// Every outside check on a signed output, and the same checks rejecting a changed byte.
fn check_all(dir: &Dir, pki: &TestPki, out: &[u8], signatures: usize, marker: &[u8]) {
    check_all_trusting(dir, pki, out, signatures, marker, &[]);
}

fn check_all_trusting(
    dir: &Dir,
    pki: &TestPki,
    out: &[u8],
    signatures: usize,
    marker: &[u8],
    also_trusted: &[&str],
) {
    let root = dir.write("root.pem", pem("CERTIFICATE", &pki.root_der).as_bytes());
    let trust: Vec<&str> = std::iter::once(root.as_str())
        .chain(also_trusted.iter().copied())
        .collect();
    let report = assert_pyhanko_accepts(dir, out, &trust);
    assert!(
        report.contains("The signature covers the entire file"),
        "pyHanko:\n{report}"
    );
    assert_pdfsig_accepts(dir, out, signatures);
    assert_qpdf_checks(dir, out);
    let ours = validate(out).unwrap();
    assert_eq!(ours.len(), signatures);
    let last = ours.last().unwrap();
    assert!(last.status.holds(), "{:?}", last.status.problems);
    assert!(last.covers_whole_file && !last.revision_modified_after);

    let changed = tampered(out, marker);
    let (ok, report) = pyhanko_validate(dir, &changed, &trust);
    assert!(!ok, "pyHanko accepts a changed byte:\n{report}");
    assert!(
        pdfsig(dir, &changed).contains("Signature is Invalid")
            || pdfsig(dir, &changed).contains("Digest Mismatch"),
        "pdfsig accepts a changed byte:\n{}",
        pdfsig(dir, &changed)
    );
    let ours = validate(&changed).unwrap();
    assert!(!ours.last().unwrap().status.intact);
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn a_classic_xref_pdf_signed_at_level_b_passes_every_checker() {
    let (pki, dir) = (test_pki(), Dir::new());
    let pdf = minimal_pdf(&["Solicitud de empadronamiento"]);
    let out = sign(&pki, &pdf);
    // The update is classic too: a table with /Prev, and the trailer's /ID kept.
    let update = &out[pdf.len()..];
    assert!(find(update, b"\nxref\n").is_some());
    assert!(find(update, b"/Prev ").is_some());
    assert!(find(update, b"/ID [<0123456789abcdef").is_some());
    check_all(&dir, &pki, &out, 1, b"Solicitud");
}

/// ETSI EN 319 142-1 §5.3 (PAdES-B-B) / §6.3: content-type, message-digest and
/// signing-certificate-v2 signed; no signing-time in the CMS, the time in /M.
#[test]
fn level_b_has_the_baseline_attributes_and_no_signing_time() {
    let pki = test_pki();
    let pdf = minimal_pdf(&["Hola"]);
    let out = sign(&pki, &pdf);
    let cms = last_cms(&out);
    let sd = ContentInfo::from_der(&cms)
        .unwrap()
        .content
        .decode_as::<SignedData>()
        .unwrap();
    assert!(sd.encap_content_info.econtent.is_none(), "detached");
    let signer = sd.signer_infos.0.get(0).unwrap();
    let attrs = signer.signed_attrs.as_ref().unwrap();
    let has = |oid| attrs.iter().any(|a| a.oid == oid);
    assert!(has(ID_CONTENT_TYPE) && has(ID_MESSAGE_DIGEST) && has(ID_AA_SIGNING_CERTIFICATE_V_2));
    assert!(!has(ID_SIGNING_TIME), "EN 319 142-1 §5.3: no signing-time");
    assert!(signer.unsigned_attrs.is_none());
    // The message digest is the SHA-256 of the byte range.
    let status = &validate(&out).unwrap()[0];
    let [a, b, c, d] = status.byte_range.map(|v| v as usize);
    let digest = Sha256::new()
        .chain_update(&out[a..a + b])
        .chain_update(&out[c..c + d])
        .finalize();
    let md = attrs.iter().find(|a| a.oid == ID_MESSAGE_DIGEST).unwrap();
    assert_eq!(md.values.get(0).unwrap().value(), &digest[..]);
    // /M, and the dictionary says what EN 319 142-1 §5.3 requires.
    let update = &out[pdf.len()..];
    assert!(find(update, b"/SubFilter/ETSI.CAdES.detached").is_some());
    assert!(find(update, b"/Filter/Adobe.PPKLite").is_some());
    let m = status.signing_time_m.unwrap();
    assert!((now() - m).abs() < 120);
    assert_eq!(status.field_name, "Signature1");
}

#[test]
fn object_streams_and_an_xref_stream_get_an_xref_stream_update() {
    let (pki, dir) = (test_pki(), Dir::new());
    let pdf = qpdf_object_streams(&dir, &minimal_pdf(&["Uno", "Dos", "Tres"]));
    let out = sign(&pki, &pdf);
    let update = &out[pdf.len()..];
    assert!(find(update, b"/Type /XRef").is_some());
    assert!(find(update, b"\nxref\n").is_none());
    check_all(&dir, &pki, &out, 1, b"%PDF");
}

#[test]
fn a_ghostscript_export_signs_visibly_on_page_two() {
    let (pki, dir) = (test_pki(), Dir::new());
    let pdf = ghostscript_pdf(&dir);
    let visible = VisibleSignature {
        page: 2,
        x: 300.0,
        y: 60.0,
        width: 220.0,
        height: 70.0,
        labels: AppearanceLabels::SPANISH,
    };
    let out = sign_with(&pki, &pdf, Some(visible), None);
    let update = &out[pdf.len()..];
    assert!(find(update, b"/Rect[300 60 520 130]").is_some());
    assert!(find(update, b"/BaseFont/Helvetica").is_some());
    assert!(find(update, b"GARCIA LOPEZ MARIA - 12345678Z").is_some());
    assert!(find(update, b"NIF/NIE: 12345678Z").is_some());
    check_all(&dir, &pki, &out, 1, b"%PDF");
    assert!(matches!(
        prepare(&PadesRequest {
            pdf: &pdf,
            signer_certificate_der: &pki.leaf_der,
            chain_der: &[],
            signing_time_unix_seconds: now(),
            visible: Some(VisibleSignature { page: 3, ..visible }),
            with_timestamp: false,
        }),
        Err(PdfError::NoSuchPage { page: 3, pages: 2 })
    ));
}

#[test]
fn a_pdf_with_two_revisions_signs_and_then_signs_again() {
    let (pki, dir) = (test_pki(), Dir::new());
    let pdf = add_revision(&minimal_pdf(&["Primera revision"]));
    let once = sign(&pki, &pdf);
    check_all(&dir, &pki, &once, 1, b"Primera");
    let twice = sign(&pki, &once);
    check_all(&dir, &pki, &twice, 2, b"Primera");
    let statuses = validate(&twice).unwrap();
    assert_eq!(statuses[0].field_name, "Signature1");
    assert_eq!(statuses[1].field_name, "Signature2");
    assert!(statuses[0].status.holds() && statuses[0].revision_modified_after);
    assert!(!statuses[0].covers_whole_file);
}

#[test]
fn a_pdf_signed_by_pyhanko_keeps_its_signature_valid() {
    let (pki, dir) = (test_pki(), Dir::new());
    let (pdf, hanko_cert) = pyhanko_signed(&dir, &minimal_pdf(&["Firmado antes"]));
    let theirs = validate(&pdf).unwrap();
    assert_eq!(theirs.len(), 1);
    assert!(theirs[0].status.holds(), "{:?}", theirs[0].status.problems);
    assert!(theirs[0].covers_whole_file);
    assert_eq!(theirs[0].field_name, "Signature1");

    let out = sign(&pki, &pdf);
    let root = dir.write("root.pem", pem("CERTIFICATE", &pki.root_der).as_bytes());
    let report = assert_pyhanko_accepts(&dir, &out, &[&root, &hanko_cert]);
    assert_eq!(
        report
            .matches("The signature is cryptographically sound")
            .count(),
        2,
        "pyHanko:\n{report}"
    );
    assert_pdfsig_accepts(&dir, &out, 2);
    assert_qpdf_checks(&dir, &out);
    let both = validate(&out).unwrap();
    assert_eq!(both[1].field_name, "Signature2");
    assert!(both.iter().all(|s| s.status.holds()), "{both:?}");
    assert!(both[0].revision_modified_after && both[1].covers_whole_file);
}

/// Level T (EN 319 142-1 §5.4 / §6.3 B-T): exactly one signature-time-stamp, over the
/// signature value; openssl verifies the token taken back out of the PDF.
#[test]
fn level_t_carries_one_timestamp_over_the_signature_value() {
    let (pki, dir) = (test_pki(), Dir::new());
    let tsa = tsa(&dir);
    let pdf = minimal_pdf(&["Con sello de tiempo"]);
    let out = sign_with(&pki, &pdf, None, Some((&dir, &tsa)));
    let cms = last_cms(&out);
    let sd = ContentInfo::from_der(&cms)
        .unwrap()
        .content
        .decode_as::<SignedData>()
        .unwrap();
    let signer = sd.signer_infos.0.get(0).unwrap();
    let unsigned = signer.unsigned_attrs.as_ref().unwrap();
    let stamps: Vec<_> = unsigned
        .iter()
        .filter(|a| a.oid == crate::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .collect();
    assert_eq!(stamps.len(), 1);
    assert_eq!(stamps[0].values.len(), 1);
    let token = stamps[0].values.get(0).unwrap().to_der().unwrap();
    let info = crate::tsp::read_token(&token).unwrap();
    let imprint: [u8; 32] = Sha256::digest(signer.signature.as_bytes()).into();
    assert_eq!(info.sha256_imprint, imprint);

    let token_path = dir.write("from-pdf.tst", &token);
    let hex: String = imprint.iter().map(|b| format!("{b:02x}")).collect();
    openssl(&[
        "ts",
        "-verify",
        "-in",
        &token_path,
        "-token_in",
        "-digest",
        &hex,
        "-CAfile",
        &tsa.cert,
    ]);

    let status = &validate(&out).unwrap()[0];
    assert!(status.status.holds(), "{:?}", status.status.problems);
    assert!(status.status.timestamp.is_some());
    check_all_trusting(&dir, &pki, &out, 1, b"Con sello", &[&tsa.cert]);
    assert!(
        assert_pyhanko_accepts(&dir, &out, &[&dir.path("root.pem"), &tsa.cert])
            .contains("The timestamp token is cryptographically sound")
    );
}

#[test]
fn our_validator_spots_appended_bytes() {
    let pki = test_pki();
    let out = sign(&pki, &minimal_pdf(&["Hola"]));
    let mut appended = out.clone();
    appended.extend_from_slice(b"% appended after signing\n");
    let status = &validate(&appended).unwrap()[0];
    assert!(status.status.holds());
    assert!(!status.covers_whole_file && status.revision_modified_after);
}

#[test]
fn a_signature_too_big_for_its_room_is_an_error() {
    let pki = test_pki();
    let pdf = minimal_pdf(&["Hola"]);
    let prepared = prepare(&PadesRequest {
        pdf: &pdf,
        signer_certificate_der: &pki.leaf_der,
        chain_der: &[],
        signing_time_unix_seconds: now(),
        visible: None,
        with_timestamp: false,
    })
    .unwrap();
    let signature: DerSignature = pki
        .leaf_key
        .sign_prehash(&prepared.data_to_be_signed_sha256())
        .unwrap();
    // A "token" of 9 KiB does not fit the 8 KiB reserved for level B.
    let big = der::asn1::OctetString::new(vec![0u8; 9 * 1024])
        .unwrap()
        .to_der()
        .unwrap();
    assert!(matches!(
        prepared.finish(signature.as_bytes(), Some(&big)),
        Err(PdfError::TooBig)
    ));
}

#[test]
fn encrypted_and_damaged_inputs_are_refused() {
    let pki = test_pki();
    let request = |pdf: &[u8]| {
        prepare(&PadesRequest {
            pdf,
            signer_certificate_der: &pki.leaf_der,
            chain_der: &[],
            signing_time_unix_seconds: now(),
            visible: None,
            with_timestamp: false,
        })
    };
    let pdf = minimal_pdf(&["Hola"]);
    let encrypted = replace(&pdf, b"/Root 1 0 R", b"/Root 1 0 R/Encrypt<<>>");
    assert!(matches!(request(&encrypted), Err(PdfError::Encrypted)));
    for bad in [&b""[..], b"garbage", &pdf[..pdf.len() / 2]] {
        assert!(matches!(request(bad), Err(PdfError::Damaged(_))));
    }
    // /Prev pointing to itself.
    let xref = find(&pdf, b"\nxref\n").unwrap() + 1;
    let looping = replace(
        &pdf,
        b"/Root 1 0 R",
        format!("/Root 1 0 R/Prev {xref}").as_bytes(),
    );
    assert!(matches!(request(&looping), Err(PdfError::Damaged(_))));
    assert!(validate(&looping).is_err());
}

/// Hostile input: every truncation and many byte flips of signed PDFs give an error or a
/// status, never a panic; a huge /Count and deep nesting too.
#[test]
fn hostile_inputs_never_panic() {
    let pki = test_pki();
    let dir = Dir::new();
    let classic = sign(&pki, &minimal_pdf(&["Hola", "Adios"]));
    let streams = sign(&pki, &qpdf_object_streams(&dir, &minimal_pdf(&["Hola"])));
    for pdf in [&classic, &streams] {
        for end in (0..pdf.len()).step_by(7) {
            let _ = validate(&pdf[..end]);
        }
        // A cheap deterministic generator: flips all over the file.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut changed = pdf.to_vec();
            let at = (state % changed.len() as u64) as usize;
            changed[at] = (state >> 32) as u8;
            let _ = validate(&changed);
            if state.is_multiple_of(16) {
                let _ = prepare(&PadesRequest {
                    pdf: &changed,
                    signer_certificate_der: &pki.leaf_der,
                    chain_der: &[],
                    signing_time_unix_seconds: 0,
                    visible: Some(VisibleSignature {
                        page: 1,
                        x: 0.0,
                        y: 0.0,
                        width: 10.0,
                        height: 10.0,
                        labels: AppearanceLabels::SPANISH,
                    }),
                    with_timestamp: false,
                });
            }
        }
    }
    let pdf = minimal_pdf(&["Hola"]);
    let huge = append_object(
        &pdf,
        Some(2),
        "<</Type/Pages/Kids[4 0 R]/Count 4294967295>>",
        false,
    );
    let result = prepare(&PadesRequest {
        pdf: &huge,
        signer_certificate_der: &pki.leaf_der,
        chain_der: &[],
        signing_time_unix_seconds: now(),
        visible: Some(VisibleSignature {
            page: 4_000_000_000,
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
            labels: AppearanceLabels::SPANISH,
        }),
        with_timestamp: false,
    });
    assert!(
        matches!(result, Err(PdfError::NoSuchPage { .. })),
        "{result:?}"
    );
    let nested = format!(
        "<</X {}{}/Type/Catalog/Pages 2 0 R>>",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep = append_object(&pdf, Some(1), &nested, false);
    assert!(validate(&deep).is_err());
}

/// A PKI whose citizen has accented given name and surname attributes.
fn accented_pki() -> TestPki {
    use p256::ecdsa::SigningKey;
    use rand_core::OsRng;
    use spki::SubjectPublicKeyInfoOwned;
    use std::str::FromStr;
    use std::time::Duration;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::time::Validity;

    let root_key = SigningKey::random(&mut OsRng);
    let root_name = Name::from_str("CN=Prueba Root CA,C=ES").unwrap();
    let root = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(1u32),
        Validity::from_now(Duration::from_secs(3600)).unwrap(),
        root_name.clone(),
        SubjectPublicKeyInfoOwned::from_key(*root_key.verifying_key()).unwrap(),
        &root_key,
    )
    .unwrap()
    .build::<DerSignature>()
    .unwrap();
    let leaf_key = SigningKey::random(&mut OsRng);
    let leaf = CertificateBuilder::new(
        Profile::Leaf {
            issuer: root_name,
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        SerialNumber::from(2u32),
        Validity::from_now(Duration::from_secs(3600)).unwrap(),
        Name::from_str(
            "CN=IBAÑEZ ETXEBERRIA IÑIGO - 87654321X,2.5.4.42=Íñigo,2.5.4.4=Ibáñez Etxeberria,SERIALNUMBER=IDCES-87654321X,C=ES",
        )
        .unwrap(),
        SubjectPublicKeyInfoOwned::from_key(*leaf_key.verifying_key()).unwrap(),
        &root_key,
    )
    .unwrap()
    .build::<DerSignature>()
    .unwrap();
    TestPki {
        root_der: root.to_der().unwrap(),
        leaf_der: leaf.to_der().unwrap(),
        leaf,
        leaf_key,
    }
}

#[test]
fn an_accented_name_renders_in_the_visible_signature() {
    let (pki, dir) = (accented_pki(), Dir::new());
    let signer = appearance::signer_of(&pki.leaf_der);
    assert_eq!(signer.name, "Íñigo Ibáñez Etxeberria");
    assert_eq!(signer.id_number.as_deref(), Some("87654321X"));
    let pdf = minimal_pdf(&["Hola"]);
    let out = sign_with(
        &pki,
        &pdf,
        Some(VisibleSignature {
            page: 1,
            x: 50.0,
            y: 50.0,
            width: 250.0,
            height: 80.0,
            labels: AppearanceLabels::SPANISH,
        }),
        None,
    );
    check_all(&dir, &pki, &out, 1, b"Hola");
    // Ghostscript draws the appearance stream; its text output shows what a reader sees.
    let path = dir.write("visible.pdf", &out);
    let text = dir.path("visible.txt");
    run_ok(
        &tool("/usr/bin/gs"),
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=txtwrite",
            &format!("-sOutputFile={text}"),
            &path,
        ],
    );
    let text = String::from_utf8_lossy(&dir.read("visible.txt")).into_owned();
    assert!(text.contains("Íñigo Ibáñez Etxeberria"), "{text}");
    assert!(text.contains("87654321X"), "{text}");
}

/// A hybrid-reference file (ISO 32000-1 §7.5.8.4): the catalog and page tree live in an object
/// stream that only the `/XRefStm` stream lists; the classic table marks them free.
fn hybrid_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = std::collections::BTreeMap::new();
    let mut object = |out: &mut Vec<u8>, num: u32, body: &[u8]| {
        offsets.insert(num, out.len());
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(
        &mut out,
        3,
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    );
    object(
        &mut out,
        4,
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents 5 0 R>>",
    );
    let content = b"BT /F1 24 Tf 72 720 Td (Documento hibrido) Tj ET";
    object(
        &mut out,
        5,
        &[
            format!("<</Length {}>>\nstream\n", content.len()).as_bytes(),
            content,
            b"\nendstream",
        ]
        .concat(),
    );
    let catalog = b"<</Type/Catalog/Pages 2 0 R>>";
    let pages = b"<</Type/Pages/Kids[4 0 R]/Count 1>>";
    let header = format!("1 0 2 {} ", catalog.len() + 1);
    let body = [header.as_bytes(), catalog, b" ", pages].concat();
    object(
        &mut out,
        6,
        &[
            format!(
                "<</Type/ObjStm/N 2/First {}/Length {}>>\nstream\n",
                header.len(),
                body.len()
            )
            .as_bytes(),
            &body,
            b"\nendstream",
        ]
        .concat(),
    );
    // Objects 1 and 2: type 2 (compressed) in stream 6, at indexes 0 and 1.
    let rows = [2u8, 0, 6, 0, 2, 0, 6, 1];
    object(
        &mut out,
        7,
        &[
            &b"<</Type/XRef/Size 8/Index[1 2]/W[1 2 1]/Length 8>>\nstream\n"[..],
            &rows,
            b"\nendstream",
        ]
        .concat(),
    );
    let xref = out.len();
    out.extend_from_slice(
        b"xref\n0 8\n0000000000 65535 f\r\n0000000000 65535 f\r\n0000000000 65535 f\r\n",
    );
    for num in 3..=7 {
        out.extend_from_slice(format!("{:010} 00000 n\r\n", offsets[&num]).as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<</Size 8/Root 1 0 R/XRefStm {}>>\nstartxref\n{xref}\n%%EOF\n",
            offsets[&7]
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_hybrid_reference_file_signs_with_a_table() {
    let (pki, dir) = (test_pki(), Dir::new());
    let pdf = hybrid_pdf();
    assert_qpdf_checks(&dir, &pdf);
    let out = sign(&pki, &pdf);
    assert!(find(&out[pdf.len()..], b"\nxref\n").is_some());
    assert_pdfsig_accepts(&dir, &out, 1);
    assert_qpdf_checks(&dir, &out);
    let status = &validate(&out).unwrap()[0];
    assert!(status.status.holds() && status.covers_whole_file);
    // pyHanko reads hybrid files only when told to relax.
    let root = dir.write("root.pem", pem("CERTIFICATE", &pki.root_der).as_bytes());
    let path = dir.write("hybrid-signed.pdf", &out);
    let report = run_ok(
        &pyhanko(),
        &[
            "sign",
            "validate",
            "--no-strict-syntax",
            "--pretty-print",
            "--no-revocation-check",
            "--trust",
            &root,
            "--trust-replace",
            &path,
        ],
    );
    let report = String::from_utf8_lossy(&report.stdout);
    assert!(
        report.contains("The signature covers the entire file"),
        "{report}"
    );
}

#[test]
fn a_linearized_pdf_signs_on_its_last_page() {
    let (pki, dir) = (test_pki(), Dir::new());
    let input = dir.write("plain.pdf", &minimal_pdf(&["Uno", "Dos", "Tres"]));
    let output = dir.path("linear.pdf");
    run_ok(&tool("/usr/bin/qpdf"), &["--linearize", &input, &output]);
    let pdf = dir.read("linear.pdf");
    assert!(find(&pdf, b"/Linearized").is_some());
    let out = sign_with(
        &pki,
        &pdf,
        Some(VisibleSignature {
            page: 3,
            x: 72.0,
            y: 72.0,
            width: 200.0,
            height: 50.0,
            labels: AppearanceLabels::SPANISH,
        }),
        None,
    );
    check_all(&dir, &pki, &out, 1, b"%PDF");
}

/// `/Annots`, `/AcroForm` and its `/Fields` as indirect objects: the update writes new versions
/// of those objects and leaves the page and the catalog alone.
#[test]
fn indirect_annots_and_form_get_new_versions_of_themselves() {
    let (pki, dir) = (test_pki(), Dir::new());
    let base = minimal_pdf(&["Formulario"]);
    let n = Document::open(&base).unwrap().next_object_number();
    let mut pdf = append_object(&base, None, "[]", false);
    pdf = append_object(&pdf, None, "[]", false);
    pdf = append_object(
        &pdf,
        None,
        &format!("<</Fields {} 0 R/DA (/Helv 0 Tf 0 g)>>", n + 1),
        false,
    );
    pdf = append_object(
        &pdf,
        Some(1),
        &format!("<</Type/Catalog/Pages 2 0 R/AcroForm {} 0 R>>", n + 2),
        false,
    );
    pdf = append_object(
        &pdf,
        Some(4),
        &format!(
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>/Contents 5 0 R/Annots {n} 0 R>>"
        ),
        false,
    );
    let out = sign(&pki, &pdf);
    let update = &out[pdf.len()..];
    for num in [n, n + 1, n + 2] {
        assert!(
            find(update, format!("\n{num} 0 obj\n").as_bytes()).is_some(),
            "object {num} rewritten"
        );
    }
    assert!(
        find(update, b"\n1 0 obj\n").is_none(),
        "the catalog is untouched"
    );
    assert!(
        find(update, b"\n4 0 obj\n").is_none(),
        "the page is untouched"
    );
    check_all(&dir, &pki, &out, 1, b"Formulario");
    let twice = sign(&pki, &out);
    check_all(&dir, &pki, &twice, 2, b"Formulario");
}
