#![allow(clippy::unwrap_used)]

use super::*;
use crate::cades::tests::{SIGNING_TIME_2024, TestPki, test_pki};
use crate::xades::tests::{FILES, Tsa, file_list, objects, pem, python, run, sign_hash};
use std::path::Path;
use std::process::Command;

fn files() -> Vec<(&'static str, &'static [u8])> {
    FILES.iter().map(|(n, _, d)| (*n, *d)).collect()
}

fn cades_container(pki: &TestPki, tsa: Option<&Tsa>) -> Vec<u8> {
    let prepared = prepare_cades(
        &objects(),
        &pki.leaf_der,
        std::slice::from_ref(&pki.root_der),
        SIGNING_TIME_2024,
    )
    .unwrap();
    let signature = sign_hash(pki, &prepared.data_to_be_signed_sha256());
    let token = tsa.map(|t| t.stamp(&prepared.timestamp_imprint(&signature)));
    let meta_inf = prepared.finish(&signature, token.as_deref()).unwrap();
    assert_eq!(
        meta_inf.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [CADES_MANIFEST, CADES_SIGNATURE]
    );
    write_container(&files(), &meta_inf).unwrap()
}

fn xades_container(pki: &TestPki) -> Vec<u8> {
    let prepared = crate::xades::prepare_detached(
        &objects(),
        &pki.leaf_der,
        std::slice::from_ref(&pki.root_der),
        SIGNING_TIME_2024,
    )
    .unwrap();
    let signature = sign_hash(pki, &prepared.data_to_be_signed_sha256());
    let xml = prepared.finish(&signature, None).unwrap();
    write_container(&files(), &[(XADES_SIGNATURES.to_owned(), xml)]).unwrap()
}

fn unzip_to(dir: &Path, container: &[u8]) {
    std::fs::write(dir.join("c.asice"), container).unwrap();
    run(Command::new("/usr/bin/unzip")
        .current_dir(dir)
        .args(["-q", "-o", "c.asice", "-d", "x"]))
    .unwrap();
}

/// EN 319 162-1 §A.1 as unzip and zipinfo see it: mimetype first, stored, no extra field, the
/// archive tests clean, and the files are where their names say.
fn check_structure(container: &[u8], meta_inf: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    unzip_to(dir.path(), container);
    let test = run(Command::new("/usr/bin/unzip")
        .current_dir(dir.path())
        .args(["-t", "c.asice"]))
    .unwrap();
    assert!(test.contains("No errors detected"), "{test}");
    let listing = run(Command::new("/usr/bin/unzip")
        .current_dir(dir.path())
        .args(["-Z1", "c.asice"]))
    .unwrap();
    let names: Vec<&str> = listing.lines().collect();
    let mut expected = vec!["mimetype"];
    expected.extend(FILES.iter().map(|(n, _, _)| *n));
    expected.extend(meta_inf);
    assert_eq!(names, expected);
    let verbose = run(Command::new("/usr/bin/zipinfo")
        .current_dir(dir.path())
        .args(["-v", "c.asice"]))
    .unwrap();
    let first = verbose.split("Central directory entry #2").next().unwrap();
    assert!(first.contains("mimetype"), "{first}");
    assert!(
        first.contains("compression method:                             none (stored)"),
        "{first}"
    );
    assert!(
        first.contains("length of extra field:                          0 bytes"),
        "{first}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("x/mimetype")).unwrap(),
        MIMETYPE.as_bytes()
    );
    for (name, _, data) in FILES {
        assert_eq!(
            std::fs::read(dir.path().join("x").join(name)).unwrap(),
            *data
        );
    }
}

/// openssl verifies the CAdES over the manifest, and python (lxml + hashlib) finds every
/// manifest digest equal to its file's SHA-256; Ok only when both hold.
fn outside_checks(pki: &TestPki, container: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    unzip_to(dir.path(), container);
    let x = dir.path().join("x");
    std::fs::write(x.join("root.pem"), pem("CERTIFICATE", &pki.root_der)).unwrap();
    run(Command::new("openssl").current_dir(&x).args([
        "cms",
        "-verify",
        "-cades",
        "-binary",
        "-inform",
        "DER",
        "-in",
        CADES_SIGNATURE,
        "-content",
        CADES_MANIFEST,
        "-CAfile",
        "root.pem",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]))?;
    run(Command::new(python()).current_dir(&x).args([
        "-c",
        "import base64, hashlib, sys, urllib.parse\n\
         from lxml import etree\n\
         ns = {'asic': 'http://uri.etsi.org/02918/v1.2.1#', 'ds': 'http://www.w3.org/2000/09/xmldsig#'}\n\
         m = etree.parse('META-INF/ASiCManifest.xml')\n\
         assert m.find('asic:SigReference', ns).get('URI') == 'META-INF/signature001.p7s'\n\
         refs = m.findall('asic:DataObjectReference', ns)\n\
         assert len(refs) == int(sys.argv[1]), len(refs)\n\
         for r in refs:\n\
         \x20   assert r.find('ds:DigestMethod', ns).get('Algorithm') == 'http://www.w3.org/2001/04/xmlenc#sha256'\n\
         \x20   data = open(urllib.parse.unquote(r.get('URI')), 'rb').read()\n\
         \x20   if base64.b64decode(r.find('ds:DigestValue', ns).text) != hashlib.sha256(data).digest():\n\
         \x20       sys.exit('digest mismatch: ' + r.get('URI'))\n",
        &FILES.len().to_string(),
    ]))?;
    Ok(())
}

#[test]
fn asic_e_with_cades_is_well_formed_and_verified_by_openssl_and_python() {
    let pki = test_pki();
    let container = cades_container(&pki, None);
    check_structure(&container, &[CADES_MANIFEST, CADES_SIGNATURE]);
    outside_checks(&pki, &container).unwrap();

    let report = validate(&container).unwrap();
    assert!(report.holds(), "{report:?}");
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].signing_time, Some(SIGNING_TIME_2024));
    assert_eq!(
        report.scopes[0],
        SignatureScope {
            signature_file: CADES_SIGNATURE.into(),
            format: SignatureFormat::Cades,
            files: FILES.iter().map(|(n, _, _)| (*n).to_owned()).collect(),
        }
    );
    assert_eq!(
        report.files,
        FILES
            .iter()
            .map(|(n, _, d)| ((*n).to_owned(), d.len() as u64))
            .collect::<Vec<_>>()
    );

    // A changed data file byte: the manifest check fails outside and here.
    let at = container
        .windows(FILES[0].2.len())
        .position(|w| w == FILES[0].2)
        .unwrap();
    let mut changed = container.clone();
    changed[at + 2] ^= 0x01;
    // (The stored CRC would give it away to unzip: rewrite the container instead.)
    let mut data = FILES[0].2.to_vec();
    data[2] ^= 0x01;
    let mut changed_files = files();
    changed_files[0].1 = &data;
    let entries = crate::zip::read_entries(&container).unwrap();
    let meta_inf: Vec<(String, Vec<u8>)> = entries
        .iter()
        .filter(|e| e.name.starts_with("META-INF/"))
        .map(|e| (e.name.clone(), e.data.clone()))
        .collect();
    let rewritten = write_container(&changed_files, &meta_inf).unwrap();
    let refused = outside_checks(&pki, &rewritten).unwrap_err();
    assert!(refused.contains("digest mismatch"), "{refused}");
    let report = validate(&rewritten).unwrap();
    assert!(
        !report.signatures[0].intact && report.signatures[0].valid,
        "{report:?}"
    );
    assert!(!report.holds());
    // The byte changed in place: a CRC error, so not even a readable ZIP.
    assert!(validate(&changed).is_err());
}

#[test]
fn asic_e_with_cades_level_t_carries_a_timestamp_over_the_signature_value() {
    let pki = test_pki();
    let tsa = Tsa::new();
    let container = cades_container(&pki, Some(&tsa));
    outside_checks(&pki, &container).unwrap();
    let report = validate(&container).unwrap();
    assert!(report.holds(), "{report:?}");
    assert!(report.signatures[0].timestamp.is_some());
}

#[test]
fn asic_e_with_xades_is_well_formed_and_validates() {
    let pki = test_pki();
    let container = xades_container(&pki);
    check_structure(&container, &[XADES_SIGNATURES]);
    let report = validate(&container).unwrap();
    assert!(report.holds(), "{report:?}");
    assert_eq!(report.scopes[0].format, SignatureFormat::Xades);
    assert_eq!(report.scopes[0].files.len(), FILES.len());

    // A file no signature covers is reported.
    let entries = crate::zip::read_entries(&container).unwrap();
    let xml = entries.last().unwrap().data.clone();
    let mut more = files();
    more.push(("añadido.txt", b"sneaked in"));
    let sneaked = write_container(&more, &[(XADES_SIGNATURES.to_owned(), xml.clone())]).unwrap();
    let report = validate(&sneaked).unwrap();
    assert!(report.signatures[0].holds());
    assert!(!report.holds());
    assert!(
        report.problems.iter().any(|p| p.contains("añadido.txt")),
        "{report:?}"
    );
    // A changed file: not intact.
    let mut changed = file_list();
    changed[0].1[0] ^= 1;
    let changed: Vec<(&str, &[u8])> = changed
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let report =
        validate(&write_container(&changed, &[(XADES_SIGNATURES.to_owned(), xml)]).unwrap())
            .unwrap();
    assert!(!report.signatures[0].intact, "{report:?}");
}

#[test]
fn names_a_container_cannot_hold_are_refused() {
    let pki = test_pki();
    let object = |name| DataObject {
        name,
        mime_type: "text/plain",
        sha256: [0; 32],
    };
    for name in [
        "mimetype",
        "META-INF/x.xml",
        "../x",
        "/abs",
        "dir/",
        "a\\b",
        "",
    ] {
        assert!(
            matches!(
                prepare_cades(&[object(name)], &pki.leaf_der, &[], SIGNING_TIME_2024),
                Err(AsicError::BadName(_))
            ),
            "{name}"
        );
    }
    assert!(matches!(
        prepare_cades(
            &[object("a"), object("a")],
            &pki.leaf_der,
            &[],
            SIGNING_TIME_2024
        ),
        Err(AsicError::BadName(_))
    ));
    assert!(matches!(
        prepare_cades(&[], &pki.leaf_der, &[], SIGNING_TIME_2024),
        Err(AsicError::NoFiles)
    ));
    let bad_mime = DataObject {
        name: "a",
        mime_type: "text/plain\n",
        sha256: [0; 32],
    };
    assert!(matches!(
        prepare_cades(&[bad_mime], &pki.leaf_der, &[], SIGNING_TIME_2024),
        Err(AsicError::BadMimeType(_))
    ));
    assert!(write_container(&[("META-INF/evil", b"")], &[]).is_err());
    assert!(write_container(&[("a", b"")], &[("outside".into(), vec![])]).is_err());
}

#[test]
fn uris_round_trip_names() {
    for name in ["a.pdf", "datos/tabla año & co.csv", "100%.txt", "a#b?c"] {
        let uri = name_to_uri(name);
        assert!(uri.bytes().all(|b| b.is_ascii_graphic()), "{uri}");
        assert!(!uri.contains(['#', '?', '&', ' ']), "{uri}");
        assert_eq!(uri_to_name(&uri).as_deref(), Some(name));
    }
    assert_eq!(uri_to_name("%zz"), None);
    assert_eq!(uri_to_name("%"), None);
    assert_eq!(uri_to_name("%ff"), None);
}

#[test]
fn hostile_containers_are_errors_or_reports_never_panics() {
    let pki = test_pki();
    for container in [cades_container(&pki, None), xades_container(&pki)] {
        for end in (0..container.len()).step_by(5) {
            let _ = validate(&container[..end]);
        }
        let mut seed = 0x1234_5677_u32;
        for _ in 0..300 {
            let mut noisy = container.clone();
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let at = seed as usize % noisy.len();
            noisy[at] = (seed >> 8) as u8;
            let _ = validate(&noisy);
        }
    }
    assert!(validate(b"").is_err());
    assert!(validate(b"not a zip at all").is_err());
    // A zip without mimetype and without signatures: a report that does not hold.
    let mut w = crate::zip::ZipWriter::new();
    let mut zip = w.stored_entry("a.txt", b"x").unwrap();
    zip.extend(
        w.stored_entry("META-INF/signature001.p7s", b"junk")
            .unwrap(),
    );
    zip.extend(
        w.stored_entry(
            "META-INF/signatures001.xml",
            b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>",
        )
        .unwrap(),
    );
    zip.extend(w.finish().unwrap());
    let report = validate(&zip).unwrap();
    assert!(!report.holds());
    assert!(report.problems.iter().any(|p| p.contains("mimetype")));
    assert!(!report.signatures[0].holds());
}
