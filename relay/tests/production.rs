//! A production relay as an operator runs it: `check-config`, `ca init --config` and
//! `serve --config` on a configuration file with TLS, secrets in files outside the data folder,
//! SMS through an HTTP gateway (a stand-in that keeps what it got) and email through a real SMTP
//! server (aiosmtpd, STARTTLS and AUTH required). Citizens register, activate and sign over
//! HTTPS; failed deliveries are told to her; the logs are JSON and hold no secret; SIGTERM lets
//! a request in flight finish.

mod process;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use process::gateway::Gateway;
use process::{Phone, RelayProcess, TestCitizen, binary, six_digits};
use reqwest::StatusCode;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde_json::{Value, json};

const OPERATOR_TOKEN: &str = "operator-token-for-the-production-test-0123456789";
const SMS_SECRET: &str = "gateway-api-key-7f3a9c";
const SMTP_USER: &str = "relay";
const SMTP_PASSWORD: &str = "smtp-password-5b2e";
const MASTER_KEY: &str = "3f2e1d0c0b0a09080706050403020100ffeeddccbbaa99887766554433221100";

fn run(program: &str, args: &[&str], dir: &Path) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A test CA and a server certificate for localhost and 127.0.0.1, made with openssl.
struct Tls {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

fn make_tls(dir: &Path) -> Tls {
    run(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=nubefirma test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
        dir,
    );
    run(
        "openssl",
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ],
        dir,
    );
    std::fs::write(
        dir.join("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .expect("ext");
    run(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
        dir,
    );
    Tls {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
    }
}

/// A client that trusts only the test CA; `http1_only` refuses HTTP/2 in ALPN.
fn client(ca: &Path, http1_only: bool) -> reqwest::Client {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(ca).expect("ca.pem"))
        .expect("root");
    let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tls.alpn_protocols = if http1_only {
        vec![b"http/1.1".to_vec()]
    } else {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    };
    let mut builder = reqwest::Client::builder().use_preconfigured_tls(tls);
    if http1_only {
        builder = builder.http1_only();
    }
    builder.build().expect("client")
}

fn secret_file(path: &Path, value: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, value).expect("secret");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    path.to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// aiosmtpd from the project's .venv (scripts/setup.sh installs it).
struct SmtpSink {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl SmtpSink {
    fn start(tls: &Tls, folder: PathBuf) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = root.join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/setup.sh (it installs aiosmtpd)",
            python.display()
        );
        let port = free_port();
        let mut child = Command::new(python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/process/smtp_sink.py"))
            .arg(port.to_string())
            .arg(&tls.cert)
            .arg(&tls.key)
            .args([SMTP_USER, SMTP_PASSWORD])
            .arg(&folder)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("smtp sink starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
            .expect("smtp sink says ready");
        assert_eq!(line.trim(), "ready", "aiosmtpd did not start");
        Self {
            child,
            port,
            folder,
        }
    }

    /// Every message received, oldest first.
    fn messages(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.folder)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("message")).expect("json")
            })
            .collect()
    }

    async fn wait_for(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(Instant::now() < deadline, "no email arrived: {messages:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folders and files of one production installation.
struct Installation {
    root: tempfile::TempDir,
    tls: Tls,
    config: PathBuf,
}

impl Installation {
    fn new(gateway: &Gateway, smtp_port: u16, make_tls_files: impl FnOnce(&Path) -> Tls) -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let secrets = root.path().join("secrets");
        std::fs::create_dir(&secrets).expect("secrets");
        let tls = make_tls_files(root.path());
        let master = secret_file(&secrets.join("master.key"), MASTER_KEY);
        let token = secret_file(&secrets.join("operator.token"), OPERATOR_TOKEN);
        let sms = secret_file(&secrets.join("sms.token"), SMS_SECRET);
        let smtp = secret_file(&secrets.join("smtp.password"), SMTP_PASSWORD);
        let config = root.path().join("relay.toml");
        std::fs::write(
            &config,
            format!(
                r#"data = {data:?}

[server]
listen = "127.0.0.1:0"
public_url = "https://localhost"
cors_origins = ["https://sede.example.org"]

[server.tls]
certificate = {cert:?}
key = {key:?}

[secrets]
master_key_file = {master:?}
operator_token_file = {token:?}

[sms]
url = "{gateway}"
body = '{{"to": "{{to}}", "text": "{{text}}"}}'
headers = {{ Authorization = "Bearer {{secret}}" }}
secret_file = {sms:?}
attempts = 3
timeout_seconds = 5

[email]
host = "localhost"
port = {smtp_port}
security = "starttls"
from = "nubefirma <no-reply@firma.example.org>"
username = "{SMTP_USER}"
password_file = {smtp:?}
ca_file = {ca:?}

[log]
format = "json"
"#,
                data = root.path().join("data"),
                cert = tls.cert,
                key = tls.key,
                gateway = gateway.url,
                ca = tls.ca,
            ),
        )
        .expect("config");
        Self { root, tls, config }
    }

    fn relay(&self, command: &[&str]) -> std::process::Output {
        Command::new(binary())
            .args(command)
            .arg("--config")
            .arg(&self.config)
            .output()
            .expect("nubefirma-relay runs")
    }
}

fn ok(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_relay_serves_https_and_delivers_through_the_gateway_and_smtp() {
    let gateway = Gateway::start().await;
    let mail = tempfile::tempdir().expect("mail");
    let tls_dir = tempfile::tempdir().expect("tls");
    let tls = make_tls(tls_dir.path());
    let smtp = SmtpSink::start(&tls, mail.path().to_owned());
    let place = Installation::new(&gateway, smtp.port, |_| Tls {
        ca: tls.ca.clone(),
        cert: tls.cert.clone(),
        key: tls.key.clone(),
    });

    // As an operator: check the file, then the key ceremony, then start.
    let checked = Command::new(binary())
        .arg("check-config")
        .arg(&place.config)
        .output()
        .expect("check-config");
    let summary = ok(&checked);
    assert!(summary.contains("configuration OK"), "{summary}");
    assert!(summary.contains("https"), "{summary}");
    for secret in [OPERATOR_TOKEN, SMS_SECRET, SMTP_PASSWORD, MASTER_KEY] {
        assert!(!summary.contains(secret), "check-config printed a secret");
    }
    let root_key = place.root.path().join("offline-root.key");
    ok(&place.relay(&[
        "ca",
        "init",
        "--root-key-out",
        root_key.to_str().expect("path"),
    ]));
    assert!(root_key.exists());

    let data = tempfile::tempdir().expect("unused");
    let relay = RelayProcess::start_configured(
        data,
        &place.config,
        &[],
        client(&place.tls.ca, false),
        Phone::Gateway(gateway.clone()),
        OPERATOR_TOKEN,
    );
    assert!(
        relay.base.starts_with("https://127.0.0.1:"),
        "{}",
        relay.base
    );

    // HTTPS with HTTP/2 offered first, HTTP/1.1 still served; security headers on every answer.
    let answer = relay
        .client
        .get(format!("{}/healthz", relay.base))
        .send()
        .await
        .expect("https");
    assert_eq!(answer.version(), reqwest::Version::HTTP_2);
    let headers = answer.headers();
    assert_eq!(headers["x-request-id"].len(), 36);
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("default-src 'none'")
    );
    let answer = client(&place.tls.ca, true)
        .get(format!("{}/healthz", relay.base))
        .send()
        .await
        .expect("http/1.1");
    assert_eq!(answer.version(), reqwest::Version::HTTP_11);
    assert_eq!(answer.status(), StatusCode::OK);
    // No dev outbox outside --dev.
    let outbox = relay
        .client
        .get(format!("{}/dev/outbox", relay.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(outbox.status(), StatusCode::NOT_FOUND);

    // A citizen activates and signs: every code came through the gateway, with its key.
    let ane = TestCitizen::new(9101);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let hashes = vec!["n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=".to_owned()];
    let sad = relay.sad_for(&ane, &auth, &credential, &hashes).await;
    let signed = relay.sign_hash(&auth, &credential, &sad, &hashes).await;
    assert_eq!(signed.status, StatusCode::OK, "{:?}", signed.body);
    let received = gateway.received.lock().expect("received").clone();
    assert!(received.len() >= 3, "{received:?}");
    assert!(
        received
            .iter()
            .all(|r| r.authorization == format!("Bearer {SMS_SECRET}"))
    );

    // A citizen without a mobile gets her codes by email (R11), over STARTTLS and AUTH.
    let mut itziar = TestCitizen::new(9102);
    itziar.phone = String::new();
    let activation_code = relay.register(&itziar).await;
    let started = relay.start_activation(&itziar, &activation_code).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let messages = smtp.wait_for(1).await;
    let message = messages.last().expect("an email");
    assert_eq!(message["rcpt_tos"], json!([itziar.email]));
    assert_eq!(message["mail_from"], "no-reply@firma.example.org");
    assert_eq!(message["tls"], true, "sent before STARTTLS");
    assert_eq!(message["login"], SMTP_USER);
    let data = message["data"].as_str().expect("data");
    assert!(data.contains("Subject: nubefirma"), "{data}");
    let email_code = six_digits(data.split("\r\n\r\n").nth(1).unwrap_or(data));
    let completed = relay
        .post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": started.body["activationId"], "smsCode": email_code,
                    "password": itziar.password, "acceptTerms": true }),
        )
        .await;
    assert_eq!(completed.status, StatusCode::OK, "{:?}", completed.body);

    // The gateway fails twice: the relay tries again, and she gets her code.
    let cara = TestCitizen::new(9104);
    let code = relay.register(&cara).await;
    gateway.behaviour.fail_next.store(2, Ordering::SeqCst);
    let before = gateway.behaviour.requests.load(Ordering::SeqCst);
    let started = relay.start_activation(&cara, &code).await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    assert_eq!(
        gateway.behaviour.requests.load(Ordering::SeqCst) - before,
        3
    );
    assert_eq!(gateway.texts_to(&cara.phone).len(), 1);

    // The gateway is down: she is told, nothing is silently lost, and the relay stays up.
    gateway.behaviour.down.store(true, Ordering::SeqCst);
    let bea = TestCitizen::new(9103);
    let code = relay.register(&bea).await;
    let refused = relay.start_activation(&bea, &code).await;
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{:?}",
        refused.body
    );
    assert_eq!(refused.error(), Some("delivery_failed"));
    gateway.behaviour.down.store(false, Ordering::SeqCst);

    // Readiness, and the metrics of what just ran (Prometheus beside the relay: no token).
    let ready = relay
        .client
        .get(format!("{}/readyz", relay.base))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    let metrics = relay
        .client
        .get(format!("{}/metrics", relay.base))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for line in [
        r#"nubefirma_logins_total{outcome="ok"} 1"#,
        r#"nubefirma_messages_total{channel="email",outcome="sent"} 1"#,
        r#"nubefirma_messages_total{channel="sms",outcome="failed"} 1"#,
        "nubefirma_signatures_total 1",
        r#"nubefirma_http_requests_total{method="POST",route="/csc/v2/signatures/signHash",status="200"} 1"#,
        r#"nubefirma_http_requests_total{method="POST",route="/api/v1/activation/start",status="503"} 1"#,
        "nubefirma_active_sessions 1",
    ] {
        assert!(metrics.contains(line), "{line} missing in:\n{metrics}");
    }
    assert!(
        metrics.contains(r#"nubefirma_messages_total{channel="sms",outcome="sent"}"#),
        "{metrics}"
    );

    // A backup while it runs: a database that verifies on its own, never written over.
    let copies = tempfile::tempdir().expect("copies");
    let copy = copies.path().join("relay.sqlite");
    let made = place.relay(&["backup", "--out", copy.to_str().expect("path")]);
    assert!(ok(&made).contains("backup written"));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).expect("copy").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the copy holds personal data");
    }
    let verified = Command::new(binary())
        .args(["audit", "verify", "--data"])
        .arg(copies.path())
        .output()
        .expect("audit verify");
    assert!(ok(&verified).contains("audit trail intact"));
    let again = place.relay(&["backup", "--out", copy.to_str().expect("path")]);
    assert!(!again.status.success(), "a backup overwrote a file");

    // JSON logs, one object per line, with no secret and no code in them.
    let codes: Vec<String> = gateway
        .received
        .lock()
        .expect("received")
        .iter()
        .filter_map(|r| {
            r.text
                .split(|c: char| !c.is_ascii_digit())
                .find(|d| d.len() == 6)
                .map(str::to_owned)
        })
        .chain([email_code.clone()])
        .collect();
    let lines = relay.log.lock().expect("log").clone();
    let json_lines: Vec<Value> = lines
        .iter()
        .filter(|l| !l.contains("listening on"))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not a JSON log line: {l}")))
        .collect();
    assert!(json_lines.len() > 5, "{lines:?}");
    // What a request logs names the request: the id its answer carried.
    let registered = json_lines
        .iter()
        .find(|l| l["message"] == "citizen registered")
        .unwrap_or_else(|| panic!("no registration logged: {lines:?}"));
    let id = registered["span"]["id"].as_str().unwrap_or_default();
    assert_eq!(id.len(), 36, "a UUID request id: {registered}");
    for mut line in json_lines {
        if let Some(fields) = line.as_object_mut() {
            fields.remove("timestamp");
        }
        let text = line.to_string();
        for secret in [
            OPERATOR_TOKEN,
            SMS_SECRET,
            SMTP_PASSWORD,
            MASTER_KEY,
            &ane.password,
            &itziar.password,
        ] {
            assert!(!text.contains(secret), "a secret in the log: {text}");
        }
        for code in &codes {
            assert!(!text.contains(code.as_str()), "a code in the log: {text}");
        }
    }
    drop(smtp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_in_flight_finish_over_https() {
    sigterm_drains(true, 9201).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_in_flight_finish_over_plain_http() {
    sigterm_drains(false, 9202).await;
}

/// A request in flight when SIGTERM comes is answered, then the relay exits 0.
async fn sigterm_drains(https: bool, n: u32) {
    let gateway = Gateway::start().await;
    let tls_dir = tempfile::tempdir().expect("tls");
    let tls = make_tls(tls_dir.path());
    let mail = tempfile::tempdir().expect("mail");
    let smtp = SmtpSink::start(&tls, mail.path().to_owned());
    let place = Installation::new(&gateway, smtp.port, |_| Tls {
        ca: tls.ca.clone(),
        cert: tls.cert.clone(),
        key: tls.key.clone(),
    });
    if !https {
        // Behind a proxy that terminates TLS: no [server.tls] section.
        let text = std::fs::read_to_string(&place.config).expect("config");
        let start = text.find("[server.tls]").expect("tls section");
        let end = start + text[start..].find("\n\n").expect("section end");
        std::fs::write(&place.config, format!("{}{}", &text[..start], &text[end..]))
            .expect("write");
    }
    ok(&place.relay(&[
        "ca",
        "init",
        "--root-key-out",
        place.root.path().join("root.key").to_str().expect("path"),
    ]));
    let relay = RelayProcess::start_configured(
        tempfile::tempdir().expect("unused"),
        &place.config,
        &[],
        if https {
            client(&place.tls.ca, false)
        } else {
            process::http_client()
        },
        Phone::Gateway(gateway.clone()),
        OPERATOR_TOKEN,
    );
    assert_eq!(relay.base.starts_with("https://"), https, "{}", relay.base);
    let ane = TestCitizen::new(n);
    let code = relay.register(&ane).await;

    // Her activation SMS takes two seconds at the gateway; the relay is told to stop meanwhile.
    gateway.behaviour.delay_ms.store(2000, Ordering::SeqCst);
    let in_flight = relay.start_activation(&ane, &code);
    let pid = relay.pid();
    let stop = async {
        while gateway.behaviour.requests.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    };
    let (answer, ()) = tokio::join!(in_flight, stop);
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(gateway.texts_to(&ane.phone).len(), 1);
    let log = relay.log.clone();
    let status = relay.wait_exit();
    assert!(
        status.success(),
        "exit {status:?}: {:?}",
        log.lock().map(|l| l.clone())
    );
    assert!(
        log.lock()
            .expect("log")
            .iter()
            .any(|l| l.contains("finishing the requests in flight")),
        "no shutdown line"
    );
}

#[test]
fn a_bad_configuration_is_named_and_refused_before_anything_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("relay.toml");
    let check = |text: &str, envs: &[(&str, &str)]| {
        std::fs::write(&config, text).expect("write");
        let output = Command::new(binary())
            .arg("check-config")
            .arg(&config)
            .env_remove("NUBEFIRMA_MASTER_KEY")
            .env_remove("NUBEFIRMA_OPERATOR_TOKEN")
            .envs(envs.iter().copied())
            .output()
            .expect("runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let base = format!(
        "data = {:?}\n[server]\npublic_url = \"https://firma.example.org\"\n",
        dir.path().join("data")
    );
    let (code, err) = check(&format!("{base}lissten = \"0.0.0.0:1\"\n"), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("server.lissten: unknown field"), "{err}");
    let (code, err) = check(&base, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("secrets.master_key_file: missing"), "{err}");
    let (code, err) = check(
        &base,
        &[
            ("NUBEFIRMA_MASTER_KEY", MASTER_KEY),
            ("NUBEFIRMA_OPERATOR_TOKEN", OPERATOR_TOKEN),
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("sms: missing"), "{err}");
    // serve refuses the same file before listening.
    let output = Command::new(binary())
        .args(["serve", "--config"])
        .arg(&config)
        .env("NUBEFIRMA_MASTER_KEY", MASTER_KEY)
        .env("NUBEFIRMA_OPERATOR_TOKEN", OPERATOR_TOKEN)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sms: missing"));
    // --config with a development flag is refused by the command line itself.
    let output = Command::new(binary())
        .args(["serve", "--dev", "--config"])
        .arg(&config)
        .output()
        .expect("runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"));
}
