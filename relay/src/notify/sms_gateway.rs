//! SMS through an HTTP gateway (`[sms]` in the configuration): one request per message, built
//! from the configured method, URL, headers and body, where `{to}`, `{text}` and `{secret}` are
//! filled in (escaped for a JSON string in a JSON body, URL-encoded in a form body or the URL).
//!
//! A 2xx answer is a sent message. A refusal that another try may cure (no connection, a time
//! out, 408, 429, 5xx) is tried again after a doubling wait from `FIRST_RETRY_WAIT`; any other
//! answer, or the last try's failure, is `Error::DeliveryFailed`, which the citizen sees. The
//! number and the text are never logged (the text is a one-time code).

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full, Limited};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

use super::Channel;
use crate::Error;
use crate::config;
use crate::outbound::{self, HttpClient, chain};

/// The wait before the second try; each later wait doubles.
pub const FIRST_RETRY_WAIT: Duration = Duration::from_millis(500);
/// What is read of a gateway's answer (only for the log line of a refusal), and logged of it.
const MAX_ANSWER_BYTES: usize = 4096;
const MAX_LOGGED_ANSWER_CHARS: usize = 200;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    Json,
    Url,
    /// Header values: as they are (HeaderValue refuses what a header cannot carry).
    Raw,
}

pub struct SmsGateway {
    url: String,
    method: Method,
    headers: Vec<(HeaderName, String)>,
    content_type: String,
    body: String,
    secret: Option<Zeroizing<String>>,
    attempts: u32,
    timeout: Duration,
    client: HttpClient,
}

/// How one try ended.
enum Try {
    Sent,
    /// Another try may succeed.
    Again(String),
    /// It will not: give up now.
    Refused(String),
}

impl SmsGateway {
    pub fn new(
        settings: &config::SmsGateway,
        secret: Option<Zeroizing<String>>,
    ) -> Result<Self, Error> {
        let method = Method::from_bytes(settings.method.as_bytes())
            .map_err(|_| Error::InvalidConfig(format!("sms.method: {:?}", settings.method)))?;
        let mut headers = Vec::new();
        for (name, value) in &settings.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::InvalidConfig(format!("sms.headers.{name}: not a header name"))
            })?;
            headers.push((name, value.clone()));
        }
        let timeout = Duration::from_secs(settings.timeout_seconds);
        let https = settings.url.starts_with("https://");
        Ok(Self {
            url: settings.url.clone(),
            method,
            headers,
            content_type: settings.content_type.clone(),
            body: settings.body.clone(),
            secret,
            attempts: settings.attempts.max(1),
            timeout,
            client: outbound::client(https, timeout, "sms.url")?,
        })
    }

    /// `template` with `{to}`, `{text}` and `{secret}` filled in, in one pass: what a value
    /// holds is never read as a placeholder (a text containing "{secret}" stays that text).
    fn fill(&self, template: &str, escape: Escape, to: &str, text: &str) -> String {
        let put = |value: &str| match escape {
            Escape::Url => utf8_percent_encode(value, NON_ALPHANUMERIC).to_string(),
            Escape::Json => {
                let quoted = serde_json::Value::String(value.to_owned()).to_string();
                quoted
                    .strip_prefix('"')
                    .and_then(|q| q.strip_suffix('"'))
                    .unwrap_or_default()
                    .to_owned()
            }
            Escape::Raw => value.to_owned(),
        };
        let secret = self.secret.as_ref().map_or("", |s| s.as_str());
        let mut out = String::with_capacity(template.len() + text.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open..];
            let (value, len) = if after.starts_with("{to}") {
                (Some(to), 4)
            } else if after.starts_with("{text}") {
                (Some(text), 6)
            } else if after.starts_with("{secret}") {
                (Some(secret), 8)
            } else {
                (None, 1)
            };
            match value {
                Some(v) => out.push_str(&put(v)),
                None => out.push('{'),
            }
            rest = &after[len..];
        }
        out.push_str(rest);
        out
    }

    fn request(&self, to: &str, text: &str) -> Result<Request<Full<Bytes>>, Error> {
        let url: Uri = self
            .fill(&self.url, Escape::Url, to, text)
            .parse()
            .map_err(|_| Error::InvalidConfig("sms.url: not a URL once filled in".into()))?;
        let mut builder = Request::builder().method(self.method.clone()).uri(url);
        for (name, template) in &self.headers {
            // Header values are plain text: nothing to escape but what HeaderValue refuses.
            let value = HeaderValue::from_str(&self.fill(template, Escape::Raw, to, text))
                .map_err(|_| {
                    Error::InvalidConfig(format!(
                        "sms.headers.{name}: not a header value once filled in"
                    ))
                })?;
            builder = builder.header(name, value);
        }
        let body = if self.method == Method::GET {
            Full::new(Bytes::new())
        } else {
            let escape = if self.content_type == "application/json" {
                Escape::Json
            } else {
                Escape::Url
            };
            builder = builder.header(header::CONTENT_TYPE, &self.content_type);
            Full::new(Bytes::from(self.fill(&self.body, escape, to, text)))
        };
        builder
            .body(body)
            .map_err(|e| Error::internal("SMS gateway request", e))
    }

    async fn try_once(&self, to: &str, text: &str) -> Result<Try, Error> {
        let request = self.request(to, text)?;
        let exchange = async {
            let response = match self.client.request(request).await {
                Ok(r) => r,
                Err(e) => return Try::Again(format!("no answer: {}", chain(&e))),
            };
            let status = response.status();
            if status.is_success() {
                return Try::Sent;
            }
            let answer = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
                .collect()
                .await
                .map(|b| String::from_utf8_lossy(&b.to_bytes()).into_owned())
                .unwrap_or_default();
            // Logged for the operator, but a gateway may echo the message back: a short
            // excerpt, with every run of digits (a code, a number) blanked.
            let answer = match self.secret.as_deref() {
                Some(secret) if !secret.is_empty() => answer.replace(secret.as_str(), "[secret]"),
                _ => answer,
            };
            let excerpt = redact_digits(answer.trim(), MAX_LOGGED_ANSWER_CHARS);
            let why = format!("HTTP {status}: {excerpt}");
            if status.is_server_error()
                || status == StatusCode::TOO_MANY_REQUESTS
                || status == StatusCode::REQUEST_TIMEOUT
            {
                Try::Again(why)
            } else {
                Try::Refused(why)
            }
        };
        Ok(tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Try::Again(format!("no answer within {} s", self.timeout.as_secs()))
            }))
    }

    /// Sends one SMS, trying up to `attempts` times.
    pub async fn send(&self, to: &str, text: &str) -> Result<(), Error> {
        let mut wait = FIRST_RETRY_WAIT;
        for attempt in 1..=self.attempts {
            match self.try_once(to, text).await? {
                Try::Sent => {
                    if attempt > 1 {
                        tracing::info!(attempt, "SMS gateway accepted the message after a retry");
                    }
                    return Ok(());
                }
                Try::Refused(why) => {
                    tracing::warn!(%why, attempt, "SMS gateway refused a message");
                    return Err(Error::DeliveryFailed(Channel::Sms));
                }
                Try::Again(why) => {
                    tracing::warn!(%why, attempt, attempts = self.attempts, "SMS gateway failed");
                    if attempt < self.attempts {
                        tokio::time::sleep(wait).await;
                        wait *= 2;
                    }
                }
            }
        }
        Err(Error::DeliveryFailed(Channel::Sms))
    }
}

/// The first `max` characters of `text`, each run of four or more digits replaced by "…".
fn redact_digits(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in text.chars().take(max) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        out.push_str(if digits.len() >= 4 { "…" } else { &digits });
        digits.clear();
        out.push(c);
    }
    out.push_str(if digits.len() >= 4 { "…" } else { &digits });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(body: &str, content_type: &str) -> SmsGateway {
        let settings = config::SmsGateway {
            url: "http://127.0.0.1:9/send?to={to}".into(),
            method: "POST".into(),
            headers: [("Authorization".to_owned(), "Bearer {secret}".to_owned())].into(),
            content_type: content_type.into(),
            body: body.into(),
            secret_file: None,
            attempts: 1,
            timeout_seconds: 1,
        };
        SmsGateway::new(&settings, Some(Zeroizing::new("k3y".into()))).expect("gateway")
    }

    #[test]
    fn a_logged_answer_holds_no_code_and_no_number() {
        let echoed =
            r#"{"error": "rejected", "to": "+34600112233", "text": "Code 123456", "id": 42}"#;
        let logged = redact_digits(echoed, 200);
        assert_eq!(
            logged,
            r#"{"error": "rejected", "to": "+…", "text": "Code …", "id": 42}"#
        );
        assert_eq!(redact_digits("x".repeat(500).as_str(), 200).len(), 200);
    }

    #[test]
    fn placeholders_are_filled_in_one_pass() {
        let gw = gateway(r#"{"text":"{text}"}"#, "application/json");
        // A text that looks like a placeholder is sent as it is, never as the secret.
        let filled = gw.fill(
            r#"{"text":"{text}","k":"{secret}","x":"{other}"}"#,
            Escape::Json,
            "6",
            "say {secret} \"hi\"",
        );
        assert_eq!(
            filled,
            r#"{"text":"say {secret} \"hi\"","k":"k3y","x":"{other}"}"#
        );
        // Header values are not escaped.
        assert_eq!(
            gw.fill("Token \"{secret}\"", Escape::Raw, "", ""),
            "Token \"k3y\""
        );
    }

    #[tokio::test]
    async fn templates_are_filled_in_and_escaped_for_where_they_go() {
        let gw = gateway(r#"{"to":"+34{to}","text":"{text}"}"#, "application/json");
        let text = "Código: 123456 \"firma\" & más\n";
        let request = gw.request("600112233", text).expect("request");
        assert_eq!(request.uri(), "http://127.0.0.1:9/send?to=600112233");
        assert_eq!(request.headers()["authorization"], "Bearer k3y");
        assert_eq!(request.headers()["content-type"], "application/json");
        let body = request
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).expect("valid JSON");
        assert_eq!(json["text"], text);
        assert_eq!(json["to"], "+34600112233");

        let gw = gateway("to={to}&text={text}", "application/x-www-form-urlencoded");
        let request = gw.request("600112233", "a&b=c ñ").expect("request");
        let body = request
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
        assert_eq!(
            form,
            [
                ("to".to_owned(), "600112233".to_owned()),
                ("text".to_owned(), "a&b=c ñ".to_owned())
            ]
        );
    }
}
