//! A real `nubefirma-relay` process for tests that must cross a socket: parallel requests
//! against a file database (the in-memory test store has one connection and hides races), the
//! relay's own logs, and its database file as a thief would read it.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

pub mod gateway;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub struct RelayProcess {
    child: Child,
    pub base: String,
    pub data: tempfile::TempDir,
    /// The data folder it runs on: `data`'s, or another relay's when it shares that one.
    pub dir: std::path::PathBuf,
    /// Every line the relay wrote to stderr so far.
    pub log: Arc<Mutex<Vec<String>>>,
    pub client: reqwest::Client,
    /// Where her codes arrive: the dev outbox, or an SMS gateway stand-in.
    pub phone: Phone,
    /// The operator token, when it is not the dev folder's `operator.token`.
    pub operator_token: Option<String>,
}

#[derive(Clone)]
pub enum Phone {
    DevOutbox,
    Gateway(gateway::Gateway),
}

/// A parsed answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub retry_after: Option<String>,
}

impl Answer {
    pub fn error(&self) -> Option<&str> {
        self.body["error"].as_str()
    }
}

/// Per-address limits out of the way, for tests that exercise the per-account counters or
/// load a relay from one address.
pub const OPEN_LIMITS: &[&str] = &[
    "--logins-per-minute",
    "100000",
    "--activations-per-minute",
    "100000",
    "--office-calls-per-minute",
    "100000",
];

/// A plain HTTP client. The tests' reqwest has no TLS provider of its own (the relay uses ring;
/// tests/production.rs gives its HTTPS client one): ring is installed as the process default.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_nubefirma-relay")
}

impl RelayProcess {
    /// `serve --dev` on a fresh folder and a free port, plus `extra` arguments.
    pub fn start(extra: &[&str]) -> Self {
        let data = tempfile::tempdir().expect("tempdir");
        Self::start_in(data, extra)
    }

    pub fn start_in(data: tempfile::TempDir, extra: &[&str]) -> Self {
        Self::start_with(data, extra, &[])
    }

    /// `serve --dev` in `data`, with `extra` arguments and `envs` in its environment.
    pub fn start_with(data: tempfile::TempDir, extra: &[&str], envs: &[(&str, &str)]) -> Self {
        let dir = data.path().to_owned();
        Self::spawn(data, dir, extra, envs)
    }

    /// A second relay process on `other`'s data folder (the same database, keys and CA), as
    /// several relays share one database.
    pub fn start_sharing(other: &RelayProcess, extra: &[&str]) -> Self {
        Self::spawn(
            tempfile::tempdir().expect("tempdir"),
            other.dir.clone(),
            extra,
            &[],
        )
    }

    fn spawn(
        data: tempfile::TempDir,
        dir: std::path::PathBuf,
        extra: &[&str],
        envs: &[(&str, &str)],
    ) -> Self {
        let mut command = Command::new(binary());
        command
            .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
            .arg(&dir)
            .args(extra)
            .envs(envs.iter().copied())
            .env("RUST_LOG", "info");
        Self::run(command, data, dir, http_client(), Phone::DevOutbox, None)
    }

    /// `serve --config FILE` (a production relay), with `envs`; `client` must trust its TLS
    /// certificate when it serves HTTPS, and `phone` is where its SMS go.
    pub fn start_configured(
        data: tempfile::TempDir,
        config: &std::path::Path,
        envs: &[(&str, &str)],
        client: reqwest::Client,
        phone: Phone,
        operator_token: &str,
    ) -> Self {
        let dir = data.path().to_owned();
        let mut command = Command::new(binary());
        command
            .arg("serve")
            .arg("--config")
            .arg(config)
            .envs(envs.iter().copied());
        Self::run(
            command,
            data,
            dir,
            client,
            phone,
            Some(operator_token.to_owned()),
        )
    }

    fn run(
        mut command: Command,
        data: tempfile::TempDir,
        dir: std::path::PathBuf,
        client: reqwest::Client,
        phone: Phone,
        operator_token: Option<String>,
    ) -> Self {
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("relay starts");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(url);
                }
                sink.lock().expect("log").push(line);
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!(
                    "the relay did not start: {:?}",
                    log.lock().map(|l| l.clone())
                )
            });
        Self {
            child,
            base: url,
            data,
            dir,
            log,
            client,
            phone,
            operator_token,
        }
    }

    pub fn operator_token(&self) -> String {
        if let Some(token) = &self.operator_token {
            return token.clone();
        }
        std::fs::read_to_string(self.dir.join("operator.token"))
            .expect("operator token")
            .trim()
            .to_owned()
    }

    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.join("relay.sqlite")
    }

    /// A read connection to the relay's database file.
    pub async fn db(&self) -> sqlx::SqlitePool {
        sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", self.db_path().display()))
            .await
            .expect("open database")
    }

    /// Stops the relay (its folder stays until this value is dropped).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub async fn post(&self, path: &str, authorization: Option<&str>, body: Value) -> Answer {
        self.try_post(path, authorization, body)
            .await
            .expect("relay answers")
    }

    /// As `post`, or the transport error when no whole answer came (a relay killed meanwhile).
    pub async fn try_post(
        &self,
        path: &str,
        authorization: Option<&str>,
        body: Value,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(a) = authorization {
            request = request.header("authorization", a);
        }
        let response = request.send().await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("relay answers")
            .text()
            .await
            .expect("body")
    }

    /// Every SMS text sent to `phone`, oldest first.
    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        if let Phone::Gateway(gateway) = &self.phone {
            return gateway.texts_to(phone);
        }
        let text = self
            .get_text(&format!("/dev/outbox?to={}", phone.replace('+', "%2B")))
            .await;
        let list: Value = serde_json::from_str(&text).expect("outbox json");
        list.as_array()
            .expect("list")
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub async fn last_code(&self, phone: &str) -> String {
        let sms = self.sms_to(phone).await;
        six_digits(sms.last().expect("an SMS"))
    }

    /// Registers through the office API: the activation code.
    pub async fn register(&self, citizen: &TestCitizen) -> String {
        let answer = self
            .post(
                "/office/v1/citizens",
                Some(&format!("Bearer {}", self.operator_token())),
                citizen.registration(),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        answer.body["activationCode"]
            .as_str()
            .expect("code")
            .to_owned()
    }

    /// `activation/start` with the code the office gave her: her SMS (or email) goes out.
    pub async fn start_activation(&self, citizen: &TestCitizen, activation_code: &str) -> Answer {
        self.post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": citizen.id_number, "activationCode": activation_code }),
        )
        .await
    }

    /// `signatures/signHash` with P-256 over SHA-256 hashes.
    pub async fn sign_hash(
        &self,
        authorization: &str,
        credential: &str,
        sad: &str,
        hashes: &[String],
    ) -> Answer {
        self.post(
            "/csc/v2/signatures/signHash",
            Some(authorization),
            json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await
    }

    /// Registers and activates.
    pub async fn activate(&self, citizen: &TestCitizen) {
        let activation_code = self.register(citizen).await;
        let answer = self.start_activation(citizen, &activation_code).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let activation_id = answer.body["activationId"].as_str().expect("id").to_owned();
        let code = self.last_code(&citizen.phone).await;
        let answer = self
            .post(
                "/api/v1/activation/complete",
                None,
                json!({ "activationId": activation_id, "smsCode": code, "password": citizen.password, "acceptTerms": true }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    }

    pub async fn try_login(&self, id_number: &str, password: &str) -> Answer {
        let basic = STANDARD.encode(format!("{id_number}:{password}"));
        self.post(
            "/csc/v2/auth/login",
            Some(&format!("Basic {basic}")),
            json!({}),
        )
        .await
    }

    /// Logs in: `Bearer <token>`.
    pub async fn login(&self, citizen: &TestCitizen) -> String {
        let answer = self.try_login(&citizen.id_number, &citizen.password).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        format!(
            "Bearer {}",
            answer.body["access_token"].as_str().expect("token")
        )
    }

    /// Generates her certificate (R15, R16): the credential id.
    pub async fn create_credential(&self, citizen: &TestCitizen, authorization: &str) -> String {
        let answer = self
            .post("/api/v1/credentials", Some(authorization), json!({}))
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.body);
        let challenge = answer.body["challengeId"].as_str().expect("id").to_owned();
        let code = self.last_code(&citizen.phone).await;
        let answer = self
            .post(
                &format!("/api/v1/credentials/{challenge}/confirm"),
                Some(authorization),
                json!({ "smsCode": code }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
        answer.body["credentialID"].as_str().expect("id").to_owned()
    }

    /// sendOTP bound to `hashes`, the code from her phone, authorize: the SAD.
    pub async fn sad_for(
        &self,
        citizen: &TestCitizen,
        authorization: &str,
        credential: &str,
        hashes: &[String],
    ) -> String {
        let sent = self
            .post(
                "/csc/v2/credentials/sendOTP",
                Some(authorization),
                json!({ "credentialID": credential, "hashes": hashes }),
            )
            .await;
        assert_eq!(sent.status, StatusCode::NO_CONTENT, "{:?}", sent.body);
        let otp = self.last_code(&citizen.phone).await;
        let authorized = self
            .post(
                "/csc/v2/credentials/authorize",
                Some(authorization),
                json!({ "credentialID": credential, "numSignatures": hashes.len(), "hashes": hashes,
                        "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": otp }),
            )
            .await;
        assert_eq!(authorized.status, StatusCode::OK, "{:?}", authorized.body);
        authorized.body["SAD"].as_str().expect("SAD").to_owned()
    }

    /// Waits until the process has exited (after a failed start), with its exit status.
    pub fn wait_exit(mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(Instant::now() < deadline, "the relay did not exit");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A citizen for process tests; `n` keeps DNI and phone unique.
#[derive(Clone)]
pub struct TestCitizen {
    pub id_number: String,
    pub phone: String,
    /// Her own address: an email belongs to one person (R23).
    pub email: String,
    pub password: String,
}

impl TestCitizen {
    pub fn new(n: u32) -> Self {
        const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
        let number = 20_000_000 + n;
        Self {
            id_number: format!("{number:08}{}", char::from(LETTERS[(number % 23) as usize])),
            phone: format!("+3461000{n:04}"),
            email: format!("ane.{n}@example.eus"),
            password: format!("Caracol-verde-{n}-x"),
        }
    }

    pub fn registration(&self) -> Value {
        json!({
            "idNumber": self.id_number, "givenName": "Ane", "surname": "Etxeberria Goñi",
            "birthDate": "1988-11-30", "phone": self.phone, "email": self.email,
        })
    }
}

/// The first run of exactly six digits in a text (the code in an SMS).
pub fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .unwrap_or_else(|| panic!("no six-digit code in {text:?}"))
        .to_owned()
}
