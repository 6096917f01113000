//! The secrets a configured relay needs, each from its environment variable or, without one,
//! from the file its setting names. A secret file must lie outside the data folder (a copy of
//! the database must not be a copy of the key that opens it) and be readable by its owner only.

use std::path::Path;

use zeroize::Zeroizing;

use super::{Config, ConfigError, bad};

pub const MASTER_KEY_ENV: &str = "NUBEFIRMA_MASTER_KEY";
pub const OPERATOR_TOKEN_ENV: &str = "NUBEFIRMA_OPERATOR_TOKEN";
pub const PKCS11_PIN_ENV: &str = "NUBEFIRMA_PKCS11_PIN";
pub const SMS_SECRET_ENV: &str = "NUBEFIRMA_SMS_SECRET";
pub const SMTP_PASSWORD_ENV: &str = "NUBEFIRMA_SMTP_PASSWORD";
pub const METRICS_TOKEN_ENV: &str = "NUBEFIRMA_METRICS_TOKEN";

/// Every secret of a configuration, read.
pub struct Secrets {
    /// None with `[pkcs11]`, whose token keeps the master key.
    pub master_key: Option<Zeroizing<[u8; 32]>>,
    pub operator_token: Zeroizing<String>,
    pub pkcs11_pin: Option<Zeroizing<String>>,
    pub sms_secret: Option<Zeroizing<String>>,
    pub smtp_password: Option<Zeroizing<String>>,
    pub metrics_token: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(…)")
    }
}

/// 32 bytes, raw or as 64 hex digits (with or without a final newline).
pub fn parse_master_key(bytes: &[u8]) -> Result<[u8; 32], String> {
    if let Ok(raw) = <[u8; 32]>::try_from(bytes) {
        return Ok(raw);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "the master key is neither 32 bytes nor hex".to_owned())?;
    let decoded = hex::decode(text.trim())
        .map_err(|_| "the master key is neither 32 bytes nor hex".to_owned())?;
    <[u8; 32]>::try_from(decoded.as_slice())
        .map_err(|_| "the master key must be 32 bytes (64 hex digits)".to_owned())
}

impl Secrets {
    /// Reads every secret `config` needs, the environment first (`env` looks a variable up).
    pub fn read(
        config: &Config,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let reader = Reader {
            data: &config.data,
            env,
        };
        let master_key = match &config.pkcs11 {
            Some(_) => None,
            None => {
                // From the environment only as text: 64 hex digits, never 32 raw characters (a
                // passphrase or 32 hex digits would pass as a weaker key).
                if let Some(value) = env(MASTER_KEY_ENV).filter(|v| !v.trim().is_empty()) {
                    let text = value.trim();
                    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return Err(bad(
                            "secrets.master_key_file",
                            format!("{MASTER_KEY_ENV} must be 64 hex digits"),
                        ));
                    }
                }
                let bytes = reader
                    .bytes(
                        "secrets.master_key_file",
                        MASTER_KEY_ENV,
                        config.secrets.master_key_file.as_deref(),
                    )?
                    .ok_or_else(|| {
                        bad(
                            "secrets.master_key_file",
                            format!("missing: name a file, or set {MASTER_KEY_ENV} (or configure [pkcs11])"),
                        )
                    })?;
                let key =
                    parse_master_key(&bytes).map_err(|why| bad("secrets.master_key_file", why))?;
                Some(Zeroizing::new(key))
            }
        };
        let operator_token = reader
            .text(
                "secrets.operator_token_file",
                OPERATOR_TOKEN_ENV,
                config.secrets.operator_token_file.as_deref(),
            )?
            .ok_or_else(|| {
                bad(
                    "secrets.operator_token_file",
                    format!("missing: name a file, or set {OPERATOR_TOKEN_ENV}"),
                )
            })?;
        if operator_token.chars().count() < crate::limits::MIN_OPERATOR_TOKEN_CHARS {
            return Err(bad(
                "secrets.operator_token_file",
                format!(
                    "the operator token has fewer than {} characters",
                    crate::limits::MIN_OPERATOR_TOKEN_CHARS
                ),
            ));
        }
        let pkcs11_pin = match &config.pkcs11 {
            None => None,
            Some(p) => Some(
                reader
                    .text("pkcs11.pin_file", PKCS11_PIN_ENV, p.pin_file.as_deref())?
                    .ok_or_else(|| {
                        bad(
                            "pkcs11.pin_file",
                            format!("missing: name a file, or set {PKCS11_PIN_ENV}"),
                        )
                    })?,
            ),
        };
        let sms_secret = match &config.sms {
            None => None,
            Some(sms) => {
                let secret = reader.text(
                    "sms.secret_file",
                    SMS_SECRET_ENV,
                    sms.secret_file.as_deref(),
                )?;
                let wanted = sms.url.contains("{secret}")
                    || sms.body.contains("{secret}")
                    || sms.headers.values().any(|v| v.contains("{secret}"));
                if wanted && secret.is_none() {
                    return Err(bad(
                        "sms.secret_file",
                        format!(
                            "the gateway's templates use {{secret}}: name a file, or set {SMS_SECRET_ENV}"
                        ),
                    ));
                }
                secret
            }
        };
        let smtp_password = match &config.email {
            None => None,
            Some(email) => {
                let password = reader.text(
                    "email.password_file",
                    SMTP_PASSWORD_ENV,
                    email.password_file.as_deref(),
                )?;
                if password.is_some() && email.username.is_none() {
                    return Err(bad(
                        "email.username",
                        format!(
                            "missing, while a password is given ({SMTP_PASSWORD_ENV} or email.password_file)"
                        ),
                    ));
                }
                if email.username.is_some() && password.is_none() {
                    return Err(bad(
                        "email.password_file",
                        format!(
                            "missing for email.username: name a file, or set {SMTP_PASSWORD_ENV}"
                        ),
                    ));
                }
                password
            }
        };
        let metrics_token = reader.text(
            "server.metrics_token_file",
            METRICS_TOKEN_ENV,
            config.server.metrics_token_file.as_deref(),
        )?;
        if let Some(token) = &metrics_token
            && token.chars().count() < 16
        {
            return Err(bad(
                "server.metrics_token_file",
                "the metrics token has fewer than 16 characters",
            ));
        }
        Ok(Self {
            master_key,
            operator_token,
            pkcs11_pin,
            sms_secret,
            smtp_password,
            metrics_token,
        })
    }
}

struct Reader<'a> {
    data: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Reader<'_> {
    /// The variable's value, else the file's bytes, else None.
    fn bytes(
        &self,
        key: &str,
        variable: &str,
        file: Option<&Path>,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, ConfigError> {
        if let Some(value) = (self.env)(variable).filter(|v| !v.trim().is_empty()) {
            return Ok(Some(Zeroizing::new(value.into_bytes())));
        }
        let Some(path) = file else { return Ok(None) };
        self.check_place(key, path)?;
        let bytes =
            std::fs::read(path).map_err(|e| bad(key, format!("{}: {e}", path.display())))?;
        Ok(Some(Zeroizing::new(bytes)))
    }

    /// As `bytes`, as one line of text (surrounding blanks and the final newline dropped).
    fn text(
        &self,
        key: &str,
        variable: &str,
        file: Option<&Path>,
    ) -> Result<Option<Zeroizing<String>>, ConfigError> {
        let Some(bytes) = self.bytes(key, variable, file)? else {
            return Ok(None);
        };
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| bad(key, "not UTF-8 text"))?
            .trim();
        if text.is_empty() {
            return Err(bad(key, "empty"));
        }
        Ok(Some(Zeroizing::new(text.to_owned())))
    }

    /// Outside the data folder, and readable by its owner only.
    fn check_place(&self, key: &str, path: &Path) -> Result<(), ConfigError> {
        let file = std::fs::canonicalize(path)
            .map_err(|e| bad(key, format!("{}: {e}", path.display())))?;
        if let Ok(data) = std::fs::canonicalize(self.data)
            && file.starts_with(&data)
        {
            return Err(bad(
                key,
                format!(
                    "{} is inside the data folder {}: keep secrets apart, so that a copy of the database is not a copy of its key",
                    path.display(),
                    self.data.display()
                ),
            ));
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file)
                .map_err(|e| bad(key, format!("{}: {e}", path.display())))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(bad(
                    key,
                    format!(
                        "{} may be read by others (mode {:o}): chmod 600 it",
                        path.display(),
                        mode & 0o777
                    ),
                ));
            }
        }
        Ok(())
    }
}
