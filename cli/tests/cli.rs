//! The built `nubefirma` binary against a real relay process (`nubefirma-relay serve --dev`):
//! a citizen signs two files at level T with one SMS code, openssl and `nubefirma verify` accept
//! both signatures; a changed byte is caught; a wrong SMS code fails with the relay's words.
//!
//! The relay binary is taken from the same target folder as this CLI: run
//! `cargo build -p nubefirma-relay` first.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use serde_json::{Value, json};

fn cli() -> &'static str {
    env!("CARGO_BIN_EXE_nubefirma")
}

fn relay_binary() -> PathBuf {
    let path = Path::new(cli())
        .parent()
        .expect("the binary has a folder")
        .join(format!("nubefirma-relay{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p nubefirma-relay` (same CARGO_TARGET_DIR) before these tests",
        path.display()
    );
    path
}

struct Relay {
    child: Child,
    base: String,
    data: tempfile::TempDir,
    client: Client,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: StatusCode,
    body: Value,
}

impl Relay {
    fn start() -> Self {
        let data = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(relay_binary())
            .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("relay starts");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the relay did not start");
        Self {
            child,
            base: format!("http://{addr}"),
            data,
            client: Client::new(),
        }
    }

    fn operator_token(&self) -> String {
        std::fs::read_to_string(self.data.path().join("operator.token"))
            .expect("operator token")
            .trim()
            .to_owned()
    }

    fn post(&self, path: &str, authorization: Option<&str>, body: Value) -> Answer {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(a) = authorization {
            request = request.header("authorization", a);
        }
        let response = request.send().expect("relay answers");
        let status = response.status();
        let text = response.text().expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, body }
    }

    fn sms_to(&self, phone: &str) -> Vec<String> {
        let text = self
            .client
            .get(format!(
                "{}/dev/outbox?to={}",
                self.base,
                phone.replace('+', "%2B")
            ))
            .send()
            .expect("outbox")
            .text()
            .expect("body");
        let list: Value = serde_json::from_str(&text).expect("outbox json");
        list.as_array()
            .expect("list")
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    fn last_sms(&self, phone: &str) -> String {
        self.sms_to(phone).pop().expect("an SMS")
    }

    /// Registers, activates, logs in and creates her certificate.
    fn citizen_with_certificate(&self, citizen: &Citizen) {
        let auth = self.activated(citizen);
        self.create_certificate(citizen, &auth);
    }

    /// Creates her certificate (code from the SMS).
    fn create_certificate(&self, citizen: &Citizen, auth: &str) {
        let auth = auth.to_owned();
        let answer = self.post("/api/v1/credentials", Some(&auth), json!({}));
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.body);
        let challenge = answer.body["challengeId"].as_str().expect("id").to_owned();
        let code = six_digits(&self.last_sms(&citizen.phone));
        let answer = self.post(
            &format!("/api/v1/credentials/{challenge}/confirm"),
            Some(&auth),
            json!({ "smsCode": code }),
        );
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    }

    /// Registers, activates and logs in: `Bearer <token>`.
    fn activated(&self, citizen: &Citizen) -> String {
        let answer = self.post(
            "/office/v1/citizens",
            Some(&format!("Bearer {}", self.operator_token())),
            json!({
                "idNumber": citizen.id_number, "givenName": "Ane", "surname": "Etxeberria Goñi",
                "birthDate": "1988-11-30", "phone": citizen.phone, "email": format!("ane.{}@example.eus", citizen.id_number),
            }),
        );
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        let activation_code = answer.body["activationCode"].as_str().expect("code");
        let answer = self.post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": citizen.id_number, "activationCode": activation_code }),
        );
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let activation_id = answer.body["activationId"].as_str().expect("id").to_owned();
        let code = six_digits(&self.last_sms(&citizen.phone));
        let answer = self.post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": activation_id, "smsCode": code, "password": citizen.password, "acceptTerms": true }),
        );
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);

        let basic = STANDARD.encode(format!("{}:{}", citizen.id_number, citizen.password));
        let answer = self.post(
            "/csc/v2/auth/login",
            Some(&format!("Basic {basic}")),
            json!({}),
        );
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        format!(
            "Bearer {}",
            answer.body["access_token"].as_str().expect("token")
        )
    }
}

struct Citizen {
    id_number: String,
    phone: String,
    password: String,
}

impl Citizen {
    fn new(n: u32) -> Self {
        const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
        let number = 30_000_000 + n;
        Self {
            id_number: format!("{number:08}{}", char::from(LETTERS[(number % 23) as usize])),
            phone: format!("+3462000{n:04}"),
            password: format!("Caracol-verde-{n}-x"),
        }
    }
}

/// The first run of exactly six digits in a text (the code in an SMS).
fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap_or_else(|| panic!("no six-digit code in {text:?}"))
        .to_owned()
}

/// Runs `nubefirma sign` until it asks for the SMS code; `answer` gets what it printed so far
/// and returns the line to type. Gives the finished process's output (stderr includes the part
/// read before the prompt).
fn sign_interactively(
    relay: &Relay,
    citizen: &Citizen,
    args: &[&str],
    files: &[&Path],
    answer: impl FnOnce(&str) -> String,
) -> Output {
    let mut child = Command::new(cli())
        .args(["sign", "--relay", &relay.base, "--id", &citizen.id_number])
        .args(args)
        .args(files)
        .env("NUBEFIRMA_PASSWORD", &citizen.password)
        // The SMS in English, as the assertions read them (the CLI takes the locale's language).
        .env("NUBEFIRMA_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nubefirma starts");
    let mut stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        loop {
            match stderr.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buffer[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut seen = Vec::new();
    while !String::from_utf8_lossy(&seen).contains("SMS code:") {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(chunk) => seen.extend(chunk),
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "nubefirma never asked for the SMS code; it said: {}",
                    String::from_utf8_lossy(&seen)
                );
            }
        }
    }
    let line = answer(&String::from_utf8_lossy(&seen));
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(format!("{line}\n").as_bytes())
            .expect("write the code");
    }
    let mut output = child.wait_with_output().expect("nubefirma ends");
    while let Ok(chunk) = rx.recv_timeout(Duration::from_secs(5)) {
        seen.extend(chunk);
    }
    output.stderr = seen;
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn verify(p7s: &Path, content: &Path, trust: &Path) -> Output {
    Command::new(cli())
        .arg("verify")
        .arg(p7s)
        .arg("--content")
        .arg(content)
        .arg("--trust")
        .arg(trust)
        .output()
        .expect("nubefirma verify runs")
}

#[test]
fn signs_two_files_at_level_t_with_one_sms_code_and_verifies_them() {
    let relay = Relay::start();
    let ane = Citizen::new(1);
    relay.citizen_with_certificate(&ane);
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("informe.txt");
    let second = dir.path().join("plano.bin");
    std::fs::write(&first, "Informe de la comisión, firmado desde la terminal.").expect("write");
    std::fs::write(&second, vec![7u8; 3 * 1024 * 1024 + 5]).expect("write");

    let output = sign_interactively(
        &relay,
        &ane,
        &["--level", "T"],
        &[&first, &second],
        |shown| {
            let sms = relay.last_sms(&ane.phone);
            assert!(sms.contains("2 document(s)"), "{sms}");
            let vc = shown
                .split("Verification code: ")
                .nth(1)
                .and_then(|rest| rest.get(..4))
                .unwrap_or_else(|| panic!("no verification code shown: {shown}"));
            assert!(vc.chars().all(|c| c.is_ascii_digit()), "{shown}");
            assert!(
                sms.contains(&format!("Verification code {vc}")),
                "SMS {sms:?} vs screen {shown:?}"
            );
            assert!(shown.contains("2 document(s)"), "{shown}");
            six_digits(&sms)
        },
    );
    println!("{}", text(&output.stderr));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(output.status.code(), Some(0));

    let ca = relay.data.path().join("ca.pem");
    for content in [&first, &second] {
        let p7s = PathBuf::from(format!("{}.p7s", content.display()));
        assert!(p7s.is_file(), "{} was not written", p7s.display());
        let checked = Command::new("openssl")
            .args([
                "cms", "-verify", "-cades", "-binary", "-inform", "DER", "-in",
            ])
            .arg(&p7s)
            .arg("-content")
            .arg(content)
            .arg("-CAfile")
            .arg(&ca)
            .args(["-purpose", "any", "-out", "/dev/null"])
            .output()
            .expect("openssl runs");
        assert!(
            checked.status.success(),
            "openssl: {}{}",
            text(&checked.stdout),
            text(&checked.stderr)
        );

        let verified = verify(&p7s, content, &ca);
        let report = text(&verified.stdout);
        println!("{report}");
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{report}{}",
            text(&verified.stderr)
        );
        assert!(report.contains(&ane.id_number), "{report}");
        assert!(report.contains("timestamp:      20"), "{report}");
        assert!(report.contains("trusted:        yes"), "{report}");
    }

    // One byte changed: not intact, exit 1.
    let mut changed = std::fs::read(&first).expect("read");
    changed[0] ^= 0x20;
    let tampered = dir.path().join("informe-changed.txt");
    std::fs::write(&tampered, changed).expect("write");
    let verified = verify(
        &PathBuf::from(format!("{}.p7s", first.display())),
        &tampered,
        &ca,
    );
    let report = text(&verified.stdout);
    println!("{report}");
    assert_eq!(verified.status.code(), Some(1), "{report}");
    assert!(report.contains("not intact"), "{report}");

    // Another trust anchor: the signature holds but is not trusted, exit 1.
    let stranger = dir.path().join("stranger.pem");
    std::fs::write(&stranger, STRANGER_CA).expect("write");
    let verified = verify(
        &PathBuf::from(format!("{}.p7s", first.display())),
        &first,
        &stranger,
    );
    let report = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(1), "{report}");
    assert!(report.contains("trusted:        NO"), "{report}");
}

#[test]
fn a_wrong_sms_code_fails_with_the_relays_message() {
    let relay = Relay::start();
    let ane = Citizen::new(2);
    relay.citizen_with_certificate(&ane);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("carta.txt");
    std::fs::write(&file, "Carta").expect("write");
    let output = sign_interactively(&relay, &ane, &[], &[&file], |_| {
        let right = six_digits(&relay.last_sms(&ane.phone));
        // A six-digit code that is not the right one.
        let wrong: u32 = (right.parse::<u32>().expect("digits") + 1) % 1_000_000;
        format!("{wrong:06}")
    });
    let said = text(&output.stderr);
    println!("{said}");
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("invalid_otp"), "{said}");
    assert!(!dir.path().join("carta.txt.p7s").exists());
}

#[test]
fn without_a_certificate_she_is_told_to_create_one_and_a_wrong_password_is_refused() {
    let relay = Relay::start();
    let ane = Citizen::new(3);
    relay.activated(&ane);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("carta.txt");
    std::fs::write(&file, "Carta").expect("write");
    let run = |stdin: &str| {
        let mut child = Command::new(cli())
            .args(["sign", "--relay", &relay.base, "--id", &ane.id_number])
            .arg(&file)
            .env_remove("NUBEFIRMA_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let output = child.wait_with_output().expect("ends");
        (output.status.code(), text(&output.stderr))
    };
    // The password as the first line of standard input.
    let (code, said) = run(&format!("{}\n", ane.password));
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("no valid certificate: create one first, e.g. in the portal"),
        "{said}"
    );
    // A wrong password: the relay's refusal is shown.
    let (code, said) = run("Not-her-password-1\n");
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("authentication_failed"), "{said}");
}

#[test]
fn level_b_into_an_out_folder() {
    let relay = Relay::start();
    let ane = Citizen::new(4);
    let auth = relay.activated(&ane);
    relay.create_certificate(&ane, &auth);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("acta.pdf");
    std::fs::write(&file, b"%PDF-1.7 acta").expect("write");
    let output = sign_interactively(
        &relay,
        &ane,
        &["--level", "b", "--out", out.path().to_str().expect("utf8")],
        &[&file],
        |shown| {
            assert!(shown.contains("1 document(s)"), "{shown}");
            six_digits(&relay.last_sms(&ane.phone))
        },
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(!dir.path().join("acta.pdf.p7s").exists());
    let p7s = out.path().join("acta.pdf.p7s");
    let verified = verify(&p7s, &file, &relay.data.path().join("ca.pem"));
    let report = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{report}");
    assert!(report.contains("none (level B)"), "{report}");
}

#[test]
fn arguments_are_checked_before_anything_is_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |args: &[String]| {
        let output = Command::new(cli())
            .args(args)
            .env("NUBEFIRMA_PASSWORD", "unused-password")
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        (output.status.code(), text(&output.stderr))
    };
    let base = |more: Vec<String>| {
        let mut args: Vec<String> = ["sign", "--relay", "http://127.0.0.1:9", "--id", "12345678Z"]
            .map(String::from)
            .to_vec();
        args.extend(more);
        args
    };
    let files: Vec<String> = (0..101)
        .map(|i| {
            let path = dir.path().join(format!("f{i}.txt"));
            std::fs::write(&path, "x").expect("write");
            path.to_str().expect("utf8").to_owned()
        })
        .collect();
    let (code, said) = run(&base(files));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("at most 100"), "{said}");

    let missing = dir.path().join("missing.txt");
    let (code, said) = run(&base(vec![missing.to_str().expect("utf8").to_owned()]));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("not a readable file"), "{said}");

    // Nothing listens on port 9: a clear error, exit 1.
    let one = dir.path().join("f0.txt");
    let (code, said) = run(&base(vec![one.to_str().expect("utf8").to_owned()]));
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("cannot reach the relay"), "{said}");

    // verify: a file that is not a container.
    let (code, said) = run(&[
        "verify".into(),
        one.to_str().expect("utf8").into(),
        "--content".into(),
        one.to_str().expect("utf8").into(),
        "--trust".into(),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stranger-ca.pem").into(),
    ]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("not a readable signed container"), "{said}");

    // verify: an empty trust file is a clear error, not a panic (found by fuzzing).
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "\n").expect("write");
    let (code, said) = run(&[
        "verify".into(),
        one.to_str().expect("utf8").into(),
        "--trust".into(),
        empty.to_str().expect("utf8").into(),
    ]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("no certificate"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

/// A self-signed P-256 CA nobody here uses (openssl req -x509 -newkey ec, prime256v1).
const STRANGER_CA: &str = include_str!("stranger-ca.pem");

fn verify_alone(signed: &Path, trust: &Path) -> Output {
    Command::new(cli())
        .arg("verify")
        .arg(signed)
        .arg("--trust")
        .arg(trust)
        .output()
        .expect("nubefirma verify runs")
}

/// A PDF made by another producer (Ghostscript) signed as PAdES at level T with a visible
/// signature, and two files as one ASiC-E with XAdES: `nubefirma verify` and pyHanko accept them,
/// and refuse them with one byte changed.
#[test]
fn pades_visible_at_level_t_and_an_asice_with_xades() {
    let relay = Relay::start();
    let ca = relay.data.path().join("ca.pem");
    let dir = tempfile::tempdir().expect("tempdir");
    let ps = dir.path().join("solicitud.ps");
    std::fs::write(
        &ps,
        "%!PS\n/Helvetica findfont 20 scalefont setfont 72 720 moveto (Solicitud de ayuda) show showpage\n",
    )
    .expect("write");
    let pdf = dir.path().join("solicitud.pdf");
    let gs = Command::new("gs")
        .args(["-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite"])
        .arg(format!("-sOutputFile={}", pdf.display()))
        .arg(&ps)
        .output()
        .expect("gs runs (scripts/setup.sh installs ghostscript)");
    assert!(gs.status.success(), "{}", text(&gs.stderr));

    let ane = Citizen::new(5);
    let auth = relay.activated(&ane);
    relay.create_certificate(&ane, &auth);
    let output = sign_interactively(
        &relay,
        &ane,
        &[
            "--format",
            "pades",
            "--visible",
            "1,36,36,220,60",
            "--level",
            "T",
        ],
        &[&pdf],
        |_| six_digits(&relay.last_sms(&ane.phone)),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let signed = dir.path().join("solicitud_signed.pdf");
    let original = std::fs::read(&pdf).expect("read");
    let signed_bytes = std::fs::read(&signed).expect("signed PDF written");
    assert!(signed_bytes.starts_with(&original), "incremental update");
    let verified = verify_alone(&signed, &ca);
    let report = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{report}");
    assert!(
        report.contains("(PAdES)") && report.contains("the whole file"),
        "{report}"
    );
    let pyhanko = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/pyhanko");
    let judged = Command::new(&pyhanko)
        .args(["sign", "validate", "--trust"])
        .arg(&ca)
        .args(["--trust-replace", "--no-revocation-check", "--pretty-print"])
        .arg(&signed)
        .output()
        .expect("pyhanko runs (scripts/setup.sh makes .venv)");
    let judged_text = text(&judged.stdout);
    assert!(
        judged.status.success(),
        "{judged_text}{}",
        text(&judged.stderr)
    );
    assert!(
        judged_text.contains("The signature is judged VALID"),
        "{judged_text}"
    );
    let mut tampered = signed_bytes.clone();
    tampered[original.len() / 2] ^= 0x01;
    let tampered_path = dir.path().join("tampered.pdf");
    std::fs::write(&tampered_path, &tampered).expect("write");
    assert_eq!(verify_alone(&tampered_path, &ca).status.code(), Some(1));

    let bea = Citizen::new(6);
    let auth = relay.activated(&bea);
    relay.create_certificate(&bea, &auth);
    let (a, b) = (
        dir.path().join("contrato.txt"),
        dir.path().join("anexo.txt"),
    );
    std::fs::write(&a, b"contrato de arrendamiento").expect("write");
    std::fs::write(&b, b"anexo I").expect("write");
    let output = sign_interactively(
        &relay,
        &bea,
        &["--format", "asice", "--asic-signature", "xades"],
        &[&a, &b],
        |_| six_digits(&relay.last_sms(&bea.phone)),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let container = dir.path().join("contrato.asice");
    let verified = verify_alone(&container, &ca);
    let report = text(&verified.stdout);
    assert_eq!(verified.status.code(), Some(0), "{report}");
    assert!(report.contains("covers:         contrato.txt"), "{report}");
    assert!(report.contains("covers:         anexo.txt"), "{report}");
    let mut zip = std::fs::read(&container).expect("read");
    let at = zip
        .windows(7)
        .position(|w| w == b"anexo I")
        .expect("stored data");
    zip[at] ^= 0x01;
    let tampered_zip = dir.path().join("tampered.asice");
    std::fs::write(&tampered_zip, &zip).expect("write");
    assert_eq!(verify_alone(&tampered_zip, &ca).status.code(), Some(1));
}
