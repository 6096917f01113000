//! The relay's configuration in production: one TOML file (`serve --config FILE`, checked
//! without starting by `check-config FILE`), with environment overrides for what should not sit
//! in a file (docs/configuration.md lists every setting and its default).
//!
//! Two kinds of override, read after the file:
//! - any setting as `NUBEFIRMA__SECTION__KEY=value` (double underscores between the parts, the
//!   value written as in TOML, a bare word taken as text), e.g. `NUBEFIRMA__SERVER__LISTEN`;
//! - the secrets under their own names: `NUBEFIRMA_MASTER_KEY`, `NUBEFIRMA_OPERATOR_TOKEN`,
//!   `NUBEFIRMA_DATABASE_URL`, `NUBEFIRMA_PKCS11_PIN`, `NUBEFIRMA_SMS_SECRET`,
//!   `NUBEFIRMA_SMTP_PASSWORD` (see `secrets`).
//!
//! Every error names the key it is about (`server.public_url: …`), so an operator knows which
//! line to fix. Nothing here opens a socket or a database: this is pure checking, tested natively.

pub mod secrets;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::identity::rate::AddressLimits;

/// The prefix of a setting's environment override.
pub const ENV_PREFIX: &str = "NUBEFIRMA__";
/// `database.url`, kept out of the file when it holds a password.
pub const DATABASE_URL_ENV: &str = "NUBEFIRMA_DATABASE_URL";

/// What a bad configuration is: one message naming the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

fn bad(key: &str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError(format!("{key}: {why}"))
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder of the SQLite database (`relay.sqlite`) and of `ca.pem`, which the relay writes
    /// for portals and verifiers. Never the place of a secret.
    pub data: PathBuf,
    pub server: Server,
    #[serde(default)]
    pub database: Database,
    #[serde(default)]
    pub secrets: Secrets,
    pub pkcs11: Option<Pkcs11>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub signing: Signing,
    pub sms: Option<SmsGateway>,
    pub email: Option<Smtp>,
    #[serde(default)]
    pub log: Log,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Address and port to listen on.
    #[serde(default = "default_listen")]
    pub listen: SocketAddr,
    /// The relay's public base URL as citizens' browsers reach it: written into certificates
    /// (CRL and OCSP pointers) and emails.
    pub public_url: String,
    /// Browser origins allowed to call the relay: the portals that embed the SDK.
    #[serde(default)]
    pub cors_origins: Vec<String>,
    /// Serve HTTPS (HTTP/1.1 and HTTP/2) with this certificate chain and key; without it, plain
    /// HTTP for a reverse proxy in front.
    pub tls: Option<Tls>,
    /// Reverse proxies in front (their addresses as the relay sees them): for a connection from
    /// one of them, the client is the last address of `X-Forwarded-For`.
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token `/metrics` asks for (or `NUBEFIRMA_METRICS_TOKEN`); without one,
    /// `/metrics` answers this machine only.
    pub metrics_token_file: Option<PathBuf>,
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8787))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// PEM: the server certificate first, then its intermediates.
    pub certificate: PathBuf,
    /// PEM: the private key (PKCS#8, SEC1 or PKCS#1).
    pub key: PathBuf,
    /// `Strict-Transport-Security` max-age in seconds (browsers then refuse plain HTTP).
    #[serde(default = "default_hsts_seconds")]
    pub hsts_max_age_seconds: u64,
}

fn default_hsts_seconds() -> u64 {
    31_536_000
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// `sqlite://PATH` or `postgres://…`; without it, `DATA/relay.sqlite`. A URL with a password
    /// belongs in `NUBEFIRMA_DATABASE_URL`.
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secrets {
    /// The 32-byte master key (raw, or 64 hex digits) that seals every key the relay keeps;
    /// or `NUBEFIRMA_MASTER_KEY`. Not needed with `[pkcs11]`.
    pub master_key_file: Option<PathBuf>,
    /// The registry-office operator token (at least 32 characters); or
    /// `NUBEFIRMA_OPERATOR_TOKEN`.
    pub operator_token_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pkcs11 {
    /// The PKCS#11 module, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: PathBuf,
    #[serde(default = "default_pkcs11_token")]
    pub token: String,
    /// The token's user PIN; or `NUBEFIRMA_PKCS11_PIN`.
    pub pin_file: Option<PathBuf>,
    #[serde(default = "default_pkcs11_master_key_label")]
    pub master_key_label: String,
}

fn default_pkcs11_token() -> String {
    "nubefirma".into()
}

fn default_pkcs11_master_key_label() -> String {
    "nubefirma-master".into()
}

/// Calls per minute per client address.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    #[serde(default = "default_logins")]
    pub logins_per_minute: u32,
    #[serde(default = "default_activations")]
    pub activations_per_minute: u32,
    #[serde(default = "default_office_calls")]
    pub office_calls_per_minute: u32,
}

fn default_logins() -> u32 {
    AddressLimits::default().login_per_minute
}

fn default_activations() -> u32 {
    AddressLimits::default().activation_per_minute
}

fn default_office_calls() -> u32 {
    AddressLimits::default().office_per_minute
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            logins_per_minute: default_logins(),
            activations_per_minute: default_activations(),
            office_calls_per_minute: default_office_calls(),
        }
    }
}

impl Limits {
    pub fn address_limits(&self) -> AddressLimits {
        AddressLimits {
            login_per_minute: self.logins_per_minute,
            activation_per_minute: self.activations_per_minute,
            office_per_minute: self.office_calls_per_minute,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// Refuse signing codes whose SMS cannot name the documents (CSC v1 clients).
    #[serde(default)]
    pub require_hashes_for_otp: bool,
    /// An outside RFC 3161 TSA for CSC `signatures/timestamp`, instead of the relay's own.
    pub tsa_url: Option<String>,
    /// The portal page where employees complete a professional certificate; without it,
    /// `PUBLIC_URL/professional`.
    pub professional_page: Option<String>,
}

/// An HTTP SMS gateway: one request per message, built from templates where `{to}` is the
/// number, `{text}` the message and `{secret}` the gateway secret; in a JSON body each is
/// written as a JSON string's content, in a form body URL-encoded.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsGateway {
    pub url: String,
    #[serde(default = "default_sms_method")]
    pub method: String,
    /// Extra request headers (values are templates too, e.g. `Bearer {secret}`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default = "default_sms_content_type")]
    pub content_type: String,
    /// Empty for a GET gateway, whose URL then carries `{to}` and `{text}`.
    #[serde(default)]
    pub body: String,
    /// The gateway's API key or token, for `{secret}`; or `NUBEFIRMA_SMS_SECRET`.
    pub secret_file: Option<PathBuf>,
    /// Tries per message (the first and the retries), with doubling waits from half a second.
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Each try's time limit.
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_sms_method() -> String {
    "POST".into()
}

fn default_sms_content_type() -> String {
    "application/json".into()
}

fn default_attempts() -> u32 {
    3
}

fn default_timeout_seconds() -> u64 {
    10
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a mail server on this machine (127.0.0.1 or ::1).
    None,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default = "default_smtp_security")]
    pub security: SmtpSecurity,
    /// The sender, e.g. `nubefirma <no-reply@firma.example.org>`.
    pub from: String,
    pub username: Option<String>,
    /// Or `NUBEFIRMA_SMTP_PASSWORD`.
    pub password_file: Option<PathBuf>,
    /// A PEM certificate to trust for the server besides the system's (a private CA).
    pub ca_file: Option<PathBuf>,
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: u64,
}

fn default_smtp_port() -> u16 {
    587
}

fn default_smtp_security() -> SmtpSecurity {
    SmtpSecurity::Starttls
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    #[serde(default)]
    pub format: LogFormat,
    /// A `tracing` filter (`RUST_LOG` syntax); `RUST_LOG` itself wins when set.
    #[serde(default = "default_log_filter")]
    pub filter: String,
}

pub fn default_log_filter() -> String {
    "info,sqlx=warn,tower_http=warn".into()
}

impl Default for Log {
    fn default() -> Self {
        Self {
            format: LogFormat::default(),
            filter: default_log_filter(),
        }
    }
}

impl Config {
    /// Reads and checks FILE, with the environment's overrides.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        Self::parse(&text, std::env::vars())
            .map_err(|e| ConfigError(format!("{}: {e}", path.display())))
    }

    /// Parses TOML text, applies the `NUBEFIRMA__…` overrides among `env`, and checks it.
    pub fn parse(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| syntax_error(&e, text))?;
        for (name, value) in env {
            if let Some(path) = name.strip_prefix(ENV_PREFIX) {
                apply_override(&mut table, &name, path, &value)?;
            } else if name == DATABASE_URL_ENV {
                // A URL with a password is a secret: its own variable, taken as text.
                apply_override(&mut table, &name, "DATABASE__URL", &format!("{value:?}"))?;
            }
        }
        let config: Config =
            serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner().message().trim().to_owned();
                if path == "." || path.is_empty() {
                    ConfigError(inner)
                } else {
                    bad(&path, inner)
                }
            })?;
        config.check()?;
        Ok(config)
    }

    /// The checks a type cannot make: URLs, origins, and what goes with what.
    fn check(&self) -> Result<(), ConfigError> {
        if self.data.as_os_str().is_empty() {
            return Err(bad("data", "empty: the folder of the database and ca.pem"));
        }
        check_http_url("server.public_url", &self.server.public_url)?;
        if self.server.public_url.contains(['?', '#']) {
            return Err(bad(
                "server.public_url",
                "a base URL without query or fragment",
            ));
        }
        for (i, origin) in self.server.cors_origins.iter().enumerate() {
            check_origin(&format!("server.cors_origins[{i}]"), origin)?;
        }
        if let Some(url) = &self.database.url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err(bad(
                "database.url",
                "sqlite://PATH or postgres://… (the password, if any, in NUBEFIRMA_DATABASE_URL)",
            ));
        }
        if let Some(url) = &self.signing.tsa_url {
            check_http_url("signing.tsa_url", url)?;
        }
        if let Some(page) = &self.signing.professional_page {
            check_http_url("signing.professional_page", page)?;
            if page.contains(['#', '?']) {
                return Err(bad(
                    "signing.professional_page",
                    "an http(s) URL without query or fragment (the email adds its own fragment)",
                ));
            }
        }
        if self.limits.logins_per_minute == 0 {
            return Err(bad("limits.logins_per_minute", "at least 1"));
        }
        if self.limits.activations_per_minute == 0 {
            return Err(bad("limits.activations_per_minute", "at least 1"));
        }
        if self.limits.office_calls_per_minute == 0 {
            return Err(bad("limits.office_calls_per_minute", "at least 1"));
        }
        if let Some(sms) = &self.sms {
            sms.check()?;
        }
        if let Some(email) = &self.email {
            email.check()?;
        }
        if let Some(tls) = &self.server.tls
            && tls.hsts_max_age_seconds == 0
        {
            return Err(bad(
                "server.tls.hsts_max_age_seconds",
                "at least 1 (HTTPS is only worth it if browsers keep to it)",
            ));
        }
        Ok(())
    }

    /// The SQLite file or PostgreSQL URL the relay opens.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data.join("relay.sqlite").display()),
        }
    }
}

impl SmsGateway {
    fn check(&self) -> Result<(), ConfigError> {
        // The URL may hold placeholders (a GET gateway), which are not URL characters.
        let plain = self
            .url
            .replace("{to}", "to")
            .replace("{text}", "text")
            .replace("{secret}", "secret");
        check_http_url("sms.url", &plain)?;
        if plain.starts_with("http://") && !is_this_machine(&plain) {
            return Err(bad(
                "sms.url",
                "http:// only to a gateway on this machine: codes and the gateway's key would cross the network in clear",
            ));
        }
        if !matches!(self.method.as_str(), "POST" | "PUT" | "GET") {
            return Err(bad("sms.method", "POST, PUT or GET"));
        }
        if !matches!(
            self.content_type.as_str(),
            "application/json" | "application/x-www-form-urlencoded"
        ) {
            return Err(bad(
                "sms.content_type",
                "application/json or application/x-www-form-urlencoded (how {to} and {text} are escaped)",
            ));
        }
        if self.method == "GET" {
            // A GET has no body: everything goes in the URL.
            if !self.body.is_empty() {
                return Err(bad(
                    "sms.body",
                    "a GET request has no body: put {to} and {text} in sms.url",
                ));
            }
            if !(self.url.contains("{text}") && self.url.contains("{to}")) {
                return Err(bad(
                    "sms.url",
                    "with GET, the URL must name {to} and {text}",
                ));
            }
        }
        if !self.body.contains("{text}") && !self.url.contains("{text}") {
            return Err(bad(
                "sms.body",
                "names no {text}: the message would not be sent",
            ));
        }
        if !self.body.contains("{to}") && !self.url.contains("{to}") {
            return Err(bad(
                "sms.body",
                "names no {to}: the gateway would not know the number",
            ));
        }
        for (name, value) in &self.headers {
            if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(bad(&format!("sms.headers.{name}"), "not a header name"));
            }
            if value.contains(['\r', '\n']) {
                return Err(bad(
                    &format!("sms.headers.{name}"),
                    "a header value on one line",
                ));
            }
        }
        check_attempts("sms", self.attempts, self.timeout_seconds)
    }
}

impl Smtp {
    fn check(&self) -> Result<(), ConfigError> {
        if self.host.trim().is_empty() {
            return Err(bad("email.host", "empty"));
        }
        if self.security == SmtpSecurity::None && !is_loopback_host(&self.host) {
            return Err(bad(
                "email.security",
                "\"none\" only for a mail server on this machine (host 127.0.0.1, ::1 or localhost): citizens' codes go by email",
            ));
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad(
                "email.from",
                "a mailbox such as `nubefirma <no-reply@firma.example.org>`",
            ));
        }
        if self.password_file.is_some() && self.username.is_none() {
            return Err(bad("email.password_file", "given without email.username"));
        }
        check_attempts("email", self.attempts, self.timeout_seconds)
    }
}

fn check_attempts(section: &str, attempts: u32, timeout_seconds: u64) -> Result<(), ConfigError> {
    if !(1..=10).contains(&attempts) {
        return Err(bad(&format!("{section}.attempts"), "1 to 10"));
    }
    if !(1..=120).contains(&timeout_seconds) {
        return Err(bad(&format!("{section}.timeout_seconds"), "1 to 120"));
    }
    Ok(())
}

/// Whether a host is this machine (loopback by address or name): where clear text is allowed.
fn is_loopback_host(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "::1" | "[::1]" | "localhost")
}

/// Whether an http(s) URL's host is this machine.
fn is_this_machine(url: &str) -> bool {
    url.parse::<axum::http::Uri>()
        .ok()
        .and_then(|u| u.host().map(str::to_owned))
        .is_some_and(|h| is_loopback_host(&h))
}

/// An absolute http(s) URL with a host and no user name or password in it.
fn check_http_url(key: &str, url: &str) -> Result<(), ConfigError> {
    let uri: axum::http::Uri = url
        .parse()
        .map_err(|_| bad(key, format!("{url:?} is not a URL")))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err(bad(key, format!("{url:?}: an http:// or https:// URL")));
    }
    match uri.authority() {
        None => Err(bad(key, format!("{url:?} has no host"))),
        Some(a) if a.as_str().contains('@') => Err(bad(
            key,
            "no user name or password in the URL (secrets go in their own settings)",
        )),
        Some(_) => Ok(()),
    }
}

/// A browser origin: scheme, host and port only, as the `Origin` header sends it.
fn check_origin(key: &str, origin: &str) -> Result<(), ConfigError> {
    check_http_url(key, origin)?;
    let after_scheme = origin.split_once("://").map_or("", |(_, rest)| rest);
    if after_scheme.contains('/') {
        return Err(bad(
            key,
            format!("{origin:?}: an origin has no path (not even a final /)"),
        ));
    }
    Ok(())
}

/// `NUBEFIRMA__SERVER__LISTEN=…` into `table.server.listen`.
fn apply_override(
    table: &mut toml::Table,
    name: &str,
    path: &str,
    value: &str,
) -> Result<(), ConfigError> {
    let parts: Vec<String> = path.split("__").map(str::to_ascii_lowercase).collect();
    if parts.iter().any(String::is_empty) {
        return Err(ConfigError(format!(
            "{name}: a setting's path, e.g. {ENV_PREFIX}SERVER__LISTEN"
        )));
    }
    let Some((last, sections)) = parts.split_last() else {
        return Err(ConfigError(format!("{name}: names no setting")));
    };
    let mut here = table;
    for section in sections {
        let entry = here
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = entry
            .as_table_mut()
            .ok_or_else(|| ConfigError(format!("{name}: {section} is a setting, not a section")))?;
    }
    here.insert(last.clone(), override_value(value));
    Ok(())
}

/// A value as TOML writes it (`8787`, `true`, `["a", "b"]`, `"text"`), else the text itself.
fn override_value(text: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// A TOML syntax error with the line it is on.
fn syntax_error(error: &toml::de::Error, text: &str) -> ConfigError {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let before = text.as_bytes().get(..span.start).unwrap_or(text.as_bytes());
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            ConfigError(format!("line {line}: not valid TOML: {message}"))
        }
        None => ConfigError(format!("not valid TOML: {message}")),
    }
}

#[cfg(test)]
mod tests;
