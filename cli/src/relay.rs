//! A blocking CSC v2 client for the relay: JSON in, JSON out, and the relay's error body
//! (`{"error", "error_description"}`) turned into a message for the user.

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub struct Relay {
    base: String,
    client: Client,
    /// The user's language for the SMS the relay sends (`Accept-Language`), from the usual
    /// locale variables; the relay writes Spanish when none of ours is named.
    lang: Option<&'static str>,
}

/// The first of `NUBEFIRMA_LANG`, `LC_ALL`, `LC_MESSAGES`, `LANG` that is set (POSIX order),
/// when it names one of the five languages.
fn locale_lang() -> Option<&'static str> {
    ["NUBEFIRMA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .and_then(|value| nubefirma_protocol::Lang::from_tag(&value))
        .map(nubefirma_protocol::Lang::tag)
}

/// The relay's error body, read loosely: an error code this tool does not know still shows.
#[derive(serde::Deserialize)]
struct ErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default, rename = "attemptsLeft")]
    attempts_left: Option<u32>,
}

impl Relay {
    pub fn new(base: &str) -> Result<Self, String> {
        let base = base.trim_end_matches('/').to_owned();
        if base.starts_with("https://") {
            // reqwest is built without a TLS backend (none vetted for the workspace yet).
            return Err(
                "this build of nubefirma speaks plain http:// only; https:// relays need a TLS backend".into(),
            );
        }
        if !base.starts_with("http://") {
            return Err(format!("--relay must be an http:// URL, not {base:?}"));
        }
        let client = Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Self {
            base,
            client,
            lang: locale_lang(),
        })
    }

    fn request(&self, path: &str) -> RequestBuilder {
        let request = self.client.post(format!("{}/csc/v2/{path}", self.base));
        match self.lang {
            Some(lang) => request.header("accept-language", lang),
            None => request,
        }
    }

    /// POSTs `body` with HTTP Basic credentials (only `auth/login` does).
    pub fn post_basic<T: DeserializeOwned>(
        &self,
        path: &str,
        user: &str,
        password: &str,
        body: &impl Serialize,
    ) -> Result<T, String> {
        let text = self.send(
            path,
            self.request(path)
                .basic_auth(user, Some(password))
                .json(body),
        )?;
        parse(path, &text)
    }

    /// POSTs `body` with the session's bearer token and reads a JSON answer.
    pub fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> Result<T, String> {
        let text = self.send(path, self.request(path).bearer_auth(token).json(body))?;
        parse(path, &text)
    }

    /// POSTs `body` with the bearer token; the answer's body (204 No Content) is not read.
    pub fn post_no_content(
        &self,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> Result<(), String> {
        self.send(path, self.request(path).bearer_auth(token).json(body))
            .map(drop)
    }

    fn send(&self, path: &str, request: RequestBuilder) -> Result<String, String> {
        let response = request
            .send()
            .map_err(|e| format!("cannot reach the relay at {} ({path}): {e}", self.base))?;
        let status = response.status();
        let text = response
            .text()
            .map_err(|e| format!("the relay's answer to {path} could not be read: {e}"))?;
        if status.is_success() {
            return Ok(text);
        }
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => {
                let mut message = format!("the relay refused {path}: {}", body.error);
                match (
                    body.error_description.filter(|d| !d.is_empty()),
                    body.attempts_left,
                ) {
                    (Some(description), _) => {
                        message.push_str(": ");
                        message.push_str(&description);
                    }
                    (None, Some(left)) => message.push_str(&format!(" ({left} attempt(s) left)")),
                    (None, None) => {}
                }
                message
            }
            Err(_) => format!(
                "the relay answered {path} with HTTP {status}: {}",
                text.chars().take(300).collect::<String>()
            ),
        })
    }
}

fn parse<T: DeserializeOwned>(path: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text)
        .map_err(|e| format!("the relay's answer to {path} is not what CSC v2 says: {e}"))
}
