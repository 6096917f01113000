//! `serve --tsa-url`: CSC `signatures/timestamp` through an outside RFC 3161 TSA, with real
//! relay processes. Relay A keeps its own TSA and is the outside TSA of relay B: B's tokens
//! chain to A's root, not to B's. An outside TSA answering garbage, too much, an HTTP error, a
//! rejection, a token over another digest or with another nonce, nothing at all, or not
//! listening, gets the citizen a CSC error (502, `server_error`) and the reason in B's log,
//! never a token.

mod process;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use process::{Answer, RelayProcess, TestCitizen};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The first octets of `digest` as `openssl ts -text` dumps them ("54 e5 b4 14").
fn hex_dump_start(digest: &[u8]) -> String {
    digest[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A citizen of `relay`, activated and logged in: `Bearer <token>`.
async fn session(relay: &RelayProcess, n: u32) -> String {
    let citizen = TestCitizen::new(n);
    relay.activate(&citizen).await;
    relay.login(&citizen).await
}

async fn stamp(relay: &RelayProcess, auth: &str, digest: &[u8], nonce: Option<&str>) -> Answer {
    let mut body =
        json!({ "hash": STANDARD.encode(digest), "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1" });
    if let Some(nonce) = nonce {
        body["nonce"] = json!(nonce);
    }
    relay
        .post("/csc/v2/signatures/timestamp", Some(auth), body)
        .await
}

/// The answer of `relay`'s own TSA (`/tsa`) to an openssl query over `digest` (with a nonce),
/// the query written to `dir/name.tsq`.
async fn own_tsa_answer(
    relay: &RelayProcess,
    dir: &Path,
    name: &str,
    digest: &[u8],
    hash: &str,
) -> Vec<u8> {
    let tsq = dir.join(format!("{name}.tsq"));
    let (ok, text) = openssl(&[
        "ts",
        "-query",
        "-digest",
        &hex::encode(digest),
        hash,
        "-cert",
        "-out",
        path(&tsq),
    ]);
    assert!(ok, "{text}");
    relay
        .client
        .post(format!("{}/tsa", relay.base))
        .header("content-type", "application/timestamp-query")
        .body(std::fs::read(&tsq).expect("query"))
        .send()
        .await
        .expect("tsa")
        .bytes()
        .await
        .expect("body")
        .to_vec()
}

/// Waits (a few seconds at most) for a line of `relay`'s log containing every one of `words`.
fn logged(relay: &RelayProcess, words: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(line) = relay
            .log
            .lock()
            .expect("log")
            .iter()
            .find(|l| words.iter().all(|w| l.contains(w)))
        {
            return line.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no log line with {words:?}: {:?}",
            relay.log.lock().expect("log")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_refused(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{:?}", answer.body);
    assert_eq!(answer.error(), Some("server_error"), "{:?}", answer.body);
    assert!(answer.body.get("timestamp").is_none(), "{:?}", answer.body);
    let description = answer.body["error_description"].as_str().expect("text");
    assert!(
        description.contains("time-stamping authority"),
        "{description}"
    );
}

/// What the fake outside TSA answers.
#[derive(Clone)]
enum Reply {
    Http(u16, Vec<u8>),
    /// Reads the request and answers nothing (for 30 s).
    Silent,
    /// Passes the request on to this TSA URL (plain HTTP) and its answer back.
    Forward(String),
}

/// A request as it came: its head (request line and headers) and its body.
type Received = (String, Vec<u8>);

/// A fake outside TSA on a loopback port (behind TLS if given an acceptor): answers each
/// request as told, records what came.
struct FakeTsa {
    url: String,
    reply: Arc<Mutex<Reply>>,
    requests: Arc<Mutex<Vec<Received>>>,
}

impl FakeTsa {
    async fn start() -> Self {
        Self::start_with(None).await
    }

    async fn start_with(tls: Option<tokio_rustls::TlsAcceptor>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{}/tsa", listener.local_addr().expect("addr"));
        let reply = Arc::new(Mutex::new(Reply::Silent));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (shared_reply, shared_requests) = (reply.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let reply = shared_reply.lock().expect("reply").clone();
                let requests = shared_requests.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        None => serve(socket, reply, requests).await,
                        Some(acceptor) => {
                            let handshake = tokio::time::timeout(
                                Duration::from_secs(5),
                                acceptor.accept(socket),
                            );
                            if let Ok(Ok(stream)) = handshake.await {
                                serve(stream, reply, requests).await;
                            }
                        }
                    }
                });
            }
        });
        Self {
            url,
            reply,
            requests,
        }
    }

    fn answer(&self, reply: Reply) {
        *self.reply.lock().expect("reply") = reply;
    }

    fn requests(&self) -> Vec<Received> {
        self.requests.lock().expect("requests").clone()
    }
}

/// Reads one request from `stream`, records it, and answers as `reply` says.
async fn serve(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    reply: Reply,
    requests: Arc<Mutex<Vec<Received>>>,
) {
    let Ok(Some((head, body))) =
        tokio::time::timeout(Duration::from_secs(5), read_request(&mut stream)).await
    else {
        return;
    };
    requests
        .lock()
        .expect("requests")
        .push((head, body.clone()));
    let (status, answer) = match reply {
        Reply::Http(status, answer) => (status, answer),
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            return;
        }
        Reply::Forward(url) => {
            let answer = process::http_client()
                .post(url)
                .header("content-type", "application/timestamp-query")
                .body(body)
                .send()
                .await
                .expect("the TSA answers");
            (
                answer.status().as_u16(),
                answer.bytes().await.expect("body").to_vec(),
            )
        }
    };
    let head = format!(
        "HTTP/1.1 {status} Whatever\r\ncontent-type: application/timestamp-reply\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&answer).await;
    let _ = stream.shutdown().await;
}

/// One HTTP/1.1 request with a Content-Length body (at most 64 KiB).
async fn read_request(socket: &mut (impl AsyncRead + Unpin)) -> Option<Received> {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().ok())?
                })
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return Some((head, bytes[end + 4..end + 4 + length].to_vec()));
            }
        }
        if bytes.len() > 64 * 1024 {
            return None;
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_through_the_outside_tsa_chains_to_its_root_and_not_to_the_relays() {
    let a = RelayProcess::start(&[]);
    let b = RelayProcess::start(&["--tsa-url", &format!("{}/tsa", a.base)]);
    logged(&b, &["Timestamps:", &format!("asks {}/tsa", a.base)]);
    logged(&a, &["Timestamps:", "this relay's own TSA"]);
    let auth = session(&b, 1).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let digest = Sha256::digest(b"signature value");

    let answer = stamp(&b, &auth, &digest, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let token = dir.path().join("token.der");
    std::fs::write(
        &token,
        STANDARD
            .decode(answer.body["timestamp"].as_str().expect("token"))
            .expect("base64"),
    )
    .expect("write");
    // The certificates the token carries (A's TSA certificate and chain) are the untrusted ones.
    let carried = dir.path().join("carried.pem");
    let (ok, text) = openssl(&[
        "pkcs7",
        "-inform",
        "DER",
        "-in",
        path(&token),
        "-print_certs",
        "-out",
        path(&carried),
    ]);
    assert!(ok, "{text}");
    let verify = |digest: &[u8], root: &Path| {
        openssl(&[
            "ts",
            "-verify",
            "-token_in",
            "-in",
            path(&token),
            "-digest",
            &hex::encode(digest),
            "-CAfile",
            path(root),
            "-untrusted",
            path(&carried),
        ])
    };
    let a_root = a.data.path().join("ca.pem");
    let b_root = b.data.path().join("ca.pem");
    let (ok, text) = verify(&digest, &a_root);
    assert!(ok && text.contains("Verification: OK"), "{text}");
    let (ok, text) = verify(&digest, &b_root);
    assert!(!ok, "B's root must not anchor A's token: {text}");
    let (ok, text) = verify(&Sha256::digest(b"another value"), &a_root);
    assert!(!ok, "a token for another digest must not verify: {text}");
    // B asked with a nonce of its own: 64 random bits.
    let (ok, text) = openssl(&["ts", "-reply", "-token_in", "-in", path(&token), "-text"]);
    assert!(ok, "{text}");
    let nonce = text
        .lines()
        .find_map(|l| l.strip_prefix("Nonce: 0x"))
        .expect("a nonce");
    assert!((13..=16).contains(&nonce.trim().len()), "{text}");

    // A client's own nonce is the one asked for, and the one in the token.
    let answer = stamp(&b, &auth, &digest, Some("0a1b2c")).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    std::fs::write(
        &token,
        STANDARD
            .decode(answer.body["timestamp"].as_str().expect("token"))
            .expect("base64"),
    )
    .expect("write");
    let (_, text) = openssl(&["ts", "-reply", "-token_in", "-in", path(&token), "-text"]);
    assert!(text.contains("Nonce: 0x0A1B2C"), "{text}");
    let (ok, text) = verify(&digest, &a_root);
    assert!(ok && text.contains("Verification: OK"), "{text}");

    // B's own /tsa is still B's TSA.
    let reply = dir.path().join("own.tsr");
    std::fs::write(
        &reply,
        own_tsa_answer(&b, dir.path(), "own", &digest, "-sha256").await,
    )
    .expect("write");
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-in",
        path(&reply),
        "-queryfile",
        path(&dir.path().join("own.tsq")),
        "-CAfile",
        path(&b_root),
    ]);
    assert!(ok && text.contains("Verification: OK"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_tsa_answering_garbage_or_another_token_or_nothing_is_refused() {
    let a = RelayProcess::start(&[]);
    let fake = FakeTsa::start().await;
    // Configured through the environment this time.
    let b = RelayProcess::start_with(
        tempfile::tempdir().expect("tempdir"),
        &[],
        &[("NUBEFIRMA_TSA_URL", &fake.url)],
    );
    logged(&b, &["Timestamps:", &format!("asks {}", fake.url)]);
    let auth = session(&b, 2).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let digest = Sha256::digest(b"signature value");
    let other = Sha256::digest(b"another signature value");

    // Real answers of A's TSA, replayed by the fake: for another digest, for this digest but
    // A's query's nonce, and a rejection (A takes no SHA-1).
    let for_other = own_tsa_answer(&a, dir.path(), "other", &other, "-sha256").await;
    let for_digest = own_tsa_answer(&a, dir.path(), "same", &digest, "-sha256").await;
    let rejected =
        own_tsa_answer(&a, dir.path(), "sha1", &Sha256::digest(b"x")[..20], "-sha1").await;
    let garbage: Vec<u8> = (0u8..32).flat_map(|i| Sha256::digest([i])).collect();

    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::Http(200, garbage),
            "the answer is not a DER TimeStampResp",
        ),
        (
            Reply::Http(200, vec![0x30; 100 * 1024]),
            "the answer is larger than 64 KiB",
        ),
        (Reply::Http(500, for_digest.clone()), "HTTP status 500"),
        (
            Reply::Http(200, rejected),
            "the request was not granted (PKIStatus 2)",
        ),
        (
            Reply::Http(200, for_other),
            "the token's messageImprint is not SHA-256 over the digest asked",
        ),
        (
            Reply::Http(200, for_digest),
            "the token's nonce is not the request's",
        ),
    ];
    for (reply, reason) in cases {
        fake.answer(reply);
        let answer = stamp(&b, &auth, &digest, None).await;
        assert_refused(&answer);
        logged(&b, &["upstream TSA refused", reason]);
    }

    // What B sent each time: an RFC 3161 query, as RFC 3161 §3.4 sends it.
    let requests = fake.requests();
    assert_eq!(requests.len(), 6);
    let mut nonces = Vec::new();
    for (i, (head, body)) in requests.iter().enumerate() {
        assert!(head.starts_with("POST /tsa HTTP/1.1"), "{head}");
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/timestamp-query"),
            "{head}"
        );
        let tsq = dir.path().join(format!("sent{i}.tsq"));
        std::fs::write(&tsq, body).expect("write");
        let (ok, text) = openssl(&["ts", "-query", "-in", path(&tsq), "-text"]);
        assert!(ok, "{text}");
        assert!(text.contains("Hash Algorithm: sha256"), "{text}");
        assert!(text.contains(&hex_dump_start(&digest)), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
        nonces.push(
            text.lines()
                .find_map(|l| l.strip_prefix("Nonce: 0x"))
                .expect("a nonce")
                .to_owned(),
        );
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 6, "a fresh nonce each time");

    // An outside TSA that takes the request and never answers: refused after 10 s.
    fake.answer(Reply::Silent);
    let started = Instant::now();
    let answer = stamp(&b, &auth, &digest, None).await;
    let took = started.elapsed();
    assert_refused(&answer);
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(20),
        "{took:?}"
    );
    logged(
        &b,
        &["upstream TSA refused", "no complete answer within 10 s"],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_outside_tsa_is_refused_at_once_and_a_bad_url_stops_the_start() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let b = RelayProcess::start(&["--tsa-url", &format!("http://127.0.0.1:{port}/tsa")]);
    let auth = session(&b, 3).await;
    let started = Instant::now();
    let answer = stamp(&b, &auth, &Sha256::digest(b"value"), None).await;
    assert_refused(&answer);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    logged(&b, &["upstream TSA refused", "request failed"]);

    for bad in ["ftp://tsa.example/", "http://user:secret@tsa.example/tsa"] {
        let data = tempfile::tempdir().expect("tempdir");
        let out = Command::new(process::binary())
            .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .args(["--tsa-url", bad])
            .output()
            .expect("relay runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains("--tsa-url"), "{stderr}");
        assert!(!stderr.contains("secret"), "{stderr}");
    }
}

/// A test CA (`dir/tls-ca.pem`) and, under it, a TLS server certificate for 127.0.0.1, both
/// made by openssl: the CA's path, and an acceptor serving that certificate.
fn tls_server(dir: &Path) -> (PathBuf, tokio_rustls::TlsAcceptor) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let file = |name: &str| dir.join(name);
    let ext = file("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    for args in [
        [
            &["req", "-x509"][..],
            &ec,
            &["-subj", "/CN=test TLS CA", "-days", "2"],
        ]
        .concat(),
        [&["req"][..], &ec, &["-subj", "/CN=127.0.0.1"]].concat(),
    ] {
        let is_ca = args.contains(&"-x509");
        let (key, out) = if is_ca {
            (file("tls-ca.key"), file("tls-ca.pem"))
        } else {
            (file("server.key"), file("server.csr"))
        };
        let mut args = args;
        args.extend_from_slice(&["-keyout", path(&key), "-out", path(&out)]);
        let (ok, text) = openssl(&args);
        assert!(ok, "{text}");
    }
    let (ok, text) = openssl(&[
        "x509",
        "-req",
        "-in",
        path(&file("server.csr")),
        "-CA",
        path(&file("tls-ca.pem")),
        "-CAkey",
        path(&file("tls-ca.key")),
        "-set_serial",
        "1",
        "-days",
        "2",
        "-extfile",
        path(&ext),
        "-out",
        path(&file("server.pem")),
    ]);
    assert!(ok, "{text}");
    let cert = CertificateDer::from_pem_file(file("server.pem")).expect("certificate");
    let key = PrivateKeyDer::from_pem_file(file("server.key")).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .expect("server config");
    (
        file("tls-ca.pem"),
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_tsa_over_https_is_asked_only_when_its_certificate_is_trusted() {
    let a = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (tls_ca, acceptor) = tls_server(dir.path());
    let fake = FakeTsa::start_with(Some(acceptor)).await;
    fake.answer(Reply::Forward(format!("{}/tsa", a.base)));
    assert!(fake.url.starts_with("https://127.0.0.1:"), "{}", fake.url);
    let digest = Sha256::digest(b"signature value");

    // The relay's trust anchors come from the system store, which SSL_CERT_FILE replaces.
    let b = RelayProcess::start_with(
        tempfile::tempdir().expect("tempdir"),
        &["--tsa-url", &fake.url],
        &[("SSL_CERT_FILE", path(&tls_ca))],
    );
    let auth = session(&b, 4).await;
    let answer = stamp(&b, &auth, &digest, None).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let token = dir.path().join("token.der");
    std::fs::write(
        &token,
        STANDARD
            .decode(answer.body["timestamp"].as_str().expect("token"))
            .expect("base64"),
    )
    .expect("write");
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        path(&token),
        "-digest",
        &hex::encode(digest),
        "-CAfile",
        path(&a.data.path().join("ca.pem")),
    ]);
    assert!(ok && text.contains("Verification: OK"), "{text}");
    assert_eq!(fake.requests().len(), 1);

    // A relay that does not trust the TLS server's CA never sends it the request.
    let c = RelayProcess::start_with(
        tempfile::tempdir().expect("tempdir"),
        &["--tsa-url", &fake.url],
        &[("SSL_CERT_FILE", path(&a.data.path().join("ca.pem")))],
    );
    let auth = session(&c, 5).await;
    assert_refused(&stamp(&c, &auth, &digest, None).await);
    logged(
        &c,
        &["upstream TSA refused", "request failed", "certificate"],
    );
    assert_eq!(fake.requests().len(), 1);
}
