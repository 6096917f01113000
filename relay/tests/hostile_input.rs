//! Hostile input through every endpoint, as a table: malformed and oversized JSON, wrong
//! types, bad base64, hashes of the wrong length, unknown OIDs, absurd counts, control and
//! bidi characters, SQL and HTML metacharacters, header injection, expired and foreign tokens,
//! other citizens' credential ids. Each answers a 4xx with a CSC error body, never a 5xx, and
//! changes nothing in the database (read from the file after every case).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sqlx::Row;

use common::{Citizen, OPERATOR_TOKEN, TestRelay, basic, bearer, relay_on_file, signer};

#[derive(Clone)]
enum Auth {
    Anonymous,
    /// Lucia's live session.
    Holder,
    /// Mallory's live session (another citizen).
    Other,
    /// A token revoked with `auth/revoke`.
    Revoked,
    Operator,
    Raw(String),
}

struct Case {
    name: String,
    method: Method,
    path: String,
    auth: Auth,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    /// The exact status, when one is owed; otherwise any 4xx.
    expect: Option<StatusCode>,
}

fn case(name: &str, path: &str, auth: Auth, body: Value) -> Case {
    Case {
        name: name.to_owned(),
        method: Method::POST,
        path: path.to_owned(),
        auth,
        content_type: Some("application/json"),
        body: body.to_string().into_bytes(),
        expect: None,
    }
}

fn raw(
    name: &str,
    path: &str,
    auth: Auth,
    content_type: Option<&'static str>,
    body: &[u8],
) -> Case {
    Case {
        name: name.to_owned(),
        method: Method::POST,
        path: path.to_owned(),
        auth,
        content_type,
        body: body.to_vec(),
        expect: None,
    }
}

const CLOSED_SET: [&str; 14] = [
    "invalid_request",
    "invalid_token",
    "authentication_failed",
    "account_blocked",
    "account_not_active",
    "access_denied",
    "invalid_otp",
    "invalid_sad",
    "invalid_activation_code",
    "weak_password",
    "conflict",
    "credential_unusable",
    "rate_limited",
    "server_error",
];

/// Every table's rows, as text; what a request may change without changing state is left out
/// (a session's last use, rate-limit windows).
async fn fingerprint(pool: &sqlx::SqlitePool) -> String {
    let mut out = String::new();
    for table in [
        "ca_material",
        "citizens",
        "activations",
        "sessions",
        "credentials",
        "codes",
        "sads",
        "outbox",
    ] {
        let columns: Vec<String> =
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info({table})")))
                .fetch_all(pool)
                .await
                .expect("columns")
                .iter()
                .map(|r| r.get::<String, _>("name"))
                .filter(|c| c != "last_used_at")
                .collect();
        let select = columns
            .iter()
            .map(|c| format!("quote({c})"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        for row in sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {select} FROM {table} ORDER BY rowid"
        )))
        .fetch_all(pool)
        .await
        .expect("rows")
        {
            out.push_str(table);
            out.push(':');
            out.push_str(&row.get::<String, _>(0));
            out.push('\n');
        }
    }
    out
}

struct World {
    relay: TestRelay,
    lucia_token: String,
    mallory_token: String,
    revoked_token: String,
    lucia_credential: String,
    mallory_credential: String,
    _dir: tempfile::TempDir,
    pool: sqlx::SqlitePool,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("relay.sqlite");
    let relay = relay_on_file(&path).await;
    let (lucia_token, lucia_credential, mallory_token, mallory_credential) = {
        let lucia = signer(&relay, 1).await;
        let mallory = signer(&relay, 2).await;
        (
            lucia.authorization.trim_start_matches("Bearer ").to_owned(),
            lucia.credential_id.clone(),
            mallory
                .authorization
                .trim_start_matches("Bearer ")
                .to_owned(),
            mallory.credential_id.clone(),
        )
    };
    let revoked_token = relay.login(&Citizen::new(1)).await;
    let (status, _) = relay
        .post(
            "/csc/v2/auth/revoke",
            Some(&bearer(&revoked_token)),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // A pending registration, for the activation cases.
    relay.register(&Citizen::new(3)).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("read pool");
    World {
        relay,
        lucia_token,
        mallory_token,
        revoked_token,
        lucia_credential,
        mallory_credential,
        _dir: dir,
        pool,
    }
}

fn table(w: &World) -> Vec<Case> {
    use Auth::*;
    let lucia = w.lucia_credential.as_str();
    let mallory = w.mallory_credential.as_str();
    let h = STANDARD.encode([7u8; 32]);
    let sha256 = "2.16.840.1.101.3.4.2.1";
    let ecdsa = "1.2.840.10045.4.3.2";
    let mut cases = Vec::new();

    // 1. Generic malformed bodies, through every JSON endpoint.
    let endpoints: Vec<(String, Auth)> = vec![
        ("/csc/v2/credentials/list".into(), Holder),
        ("/csc/v2/credentials/info".into(), Holder),
        ("/csc/v2/credentials/sendOTP".into(), Holder),
        ("/csc/v2/credentials/authorize".into(), Holder),
        ("/csc/v2/signatures/signHash".into(), Holder),
        ("/csc/v2/signatures/timestamp".into(), Holder),
        ("/csc/v1/credentials/list".into(), Holder),
        ("/csc/v1/credentials/info".into(), Holder),
        ("/csc/v1/credentials/sendOTP".into(), Holder),
        ("/csc/v1/credentials/authorize".into(), Holder),
        ("/csc/v1/signatures/signHash".into(), Holder),
        ("/api/v1/credentials".into(), Holder),
        (format!("/api/v1/credentials/{lucia}/revoke"), Holder),
        ("/api/v1/credentials/abc/confirm".into(), Holder),
        ("/office/v1/citizens".into(), Operator),
        (format!("/office/v1/credentials/{lucia}/revoke"), Operator),
        ("/api/v1/activation/start".into(), Anonymous),
        ("/api/v1/activation/complete".into(), Anonymous),
    ];
    let nested = format!("{}1{}", "{\"a\":[".repeat(300), "]}".repeat(300));
    let generic: Vec<(&str, Option<&'static str>, Vec<u8>)> = vec![
        ("empty body", Some("application/json"), b"".to_vec()),
        (
            "truncated JSON",
            Some("application/json"),
            b"{\"credentialID\":".to_vec(),
        ),
        ("an array", Some("application/json"), b"[]".to_vec()),
        ("null", Some("application/json"), b"null".to_vec()),
        ("a number", Some("application/json"), b"42".to_vec()),
        ("a string", Some("application/json"), b"\"text\"".to_vec()),
        (
            "300 levels of nesting",
            Some("application/json"),
            nested.into_bytes(),
        ),
        (
            "invalid UTF-8",
            Some("application/json"),
            b"{\"x\":\"\xff\xfe\"}".to_vec(),
        ),
        ("text/plain", Some("text/plain"), b"{}".to_vec()),
        ("no content type", None, b"{}".to_vec()),
    ];
    for (path, auth) in &endpoints {
        for (what, content_type, body) in &generic {
            cases.push(raw(
                &format!("{path}: {what}"),
                path,
                auth.clone(),
                *content_type,
                body,
            ));
        }
    }
    let mut big = raw(
        "a 70 KiB body",
        "/csc/v2/credentials/sendOTP",
        Holder,
        Some("application/json"),
        format!("{{\"credentialID\":\"{}\"}}", "a".repeat(70 * 1024)).as_bytes(),
    );
    big.expect = Some(StatusCode::PAYLOAD_TOO_LARGE);
    cases.push(big);

    // 2. Field by field.
    let send = "/csc/v2/credentials/sendOTP";
    cases.extend([
        case(
            "sendOTP without hashes",
            send,
            Holder,
            json!({ "credentialID": lucia }),
        ),
        case(
            "sendOTP with no hash",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": [] }),
        ),
        case(
            "sendOTP with 101 hashes",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": vec![h.clone(); 101] }),
        ),
        case(
            "sendOTP with a 31-byte hash",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": [STANDARD.encode([1u8; 31])] }),
        ),
        case(
            "sendOTP with a 33-byte hash",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": [STANDARD.encode([1u8; 33])] }),
        ),
        case(
            "sendOTP with invalid base64",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": ["!!!not base64!!!"] }),
        ),
        case(
            "sendOTP with an unknown hash OID",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": [h], "hashAlgorithmOID": "1.2.3.4" }),
        ),
        case(
            "sendOTP with SHA-1",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": [h], "hashAlgorithmOID": "1.3.14.3.2.26" }),
        ),
        case(
            "sendOTP for another citizen's credential",
            send,
            Holder,
            json!({ "credentialID": mallory, "hashes": [h] }),
        ),
        case(
            "sendOTP with SQL in the credential id",
            send,
            Holder,
            json!({ "credentialID": "x' OR '1'='1", "hashes": [h] }),
        ),
        case(
            "sendOTP with a bidi mark in the credential id",
            send,
            Holder,
            json!({ "credentialID": format!("{lucia}\u{202e}"), "hashes": [h] }),
        ),
        case(
            "sendOTP with a 10 000-character credential id",
            send,
            Holder,
            json!({ "credentialID": "a".repeat(10_000), "hashes": [h] }),
        ),
        case(
            "sendOTP with hashes as a string",
            send,
            Holder,
            json!({ "credentialID": lucia, "hashes": h }),
        ),
        case(
            "sendOTP with a numeric credential id",
            send,
            Holder,
            json!({ "credentialID": 5, "hashes": [h] }),
        ),
        case(
            "sendOTP without credential id",
            send,
            Holder,
            json!({ "hashes": [h] }),
        ),
    ]);
    let authorize = "/csc/v2/credentials/authorize";
    let auth_body = |patch: Value| {
        let mut body = json!({ "credentialID": lucia, "numSignatures": 1, "hashes": [h], "hashAlgorithmOID": sha256, "OTP": "123456" });
        for (k, v) in patch.as_object().expect("object") {
            if v.is_null() {
                body.as_object_mut().expect("object").remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        body
    };
    cases.extend([
        case(
            "authorize with numSignatures not matching",
            authorize,
            Holder,
            auth_body(json!({ "numSignatures": 2 })),
        ),
        case(
            "authorize with numSignatures 1e20",
            authorize,
            Holder,
            auth_body(json!({ "numSignatures": 1e20 })),
        ),
        case(
            "authorize with numSignatures -1",
            authorize,
            Holder,
            auth_body(json!({ "numSignatures": -1 })),
        ),
        case(
            "authorize with numSignatures 4294967296",
            authorize,
            Holder,
            auth_body(json!({ "numSignatures": 4_294_967_296u64 })),
        ),
        case(
            "authorize without OTP",
            authorize,
            Holder,
            auth_body(json!({ "OTP": null })),
        ),
        case(
            "authorize with a numeric OTP",
            authorize,
            Holder,
            auth_body(json!({ "OTP": 123456 })),
        ),
        case(
            "authorize with an unknown hash OID",
            authorize,
            Holder,
            auth_body(json!({ "hashAlgorithmOID": "1.2.3" })),
        ),
        case(
            "authorize for another citizen's credential",
            authorize,
            Holder,
            auth_body(json!({ "credentialID": mallory })),
        ),
        case(
            "authorize with 101 hashes",
            authorize,
            Holder,
            auth_body(json!({ "hashes": vec![h.clone(); 101], "numSignatures": 101 })),
        ),
        case(
            "authorize with authData not a list",
            authorize,
            Holder,
            auth_body(json!({ "OTP": null, "authData": "123456" })),
        ),
    ]);
    let sign = "/csc/v2/signatures/signHash";
    let sign_body = json!({ "credentialID": lucia, "SAD": "unknown-sad", "hashes": [h], "hashAlgorithmOID": sha256, "signAlgo": ecdsa });
    cases.extend([
        case("signHash with an RSA algorithm", sign, Holder, json!({ "credentialID": lucia, "SAD": "s", "hashes": [h], "hashAlgorithmOID": sha256, "signAlgo": "1.2.840.113549.1.1.11" })),
        case("signHash with an unknown SAD", sign, Holder, sign_body.clone()),
        case("signHash with a 31-byte hash", sign, Holder, json!({ "credentialID": lucia, "SAD": "s", "hashes": [STANDARD.encode([1u8; 31])], "hashAlgorithmOID": sha256, "signAlgo": ecdsa })),
        case("signHash for another citizen's credential", sign, Holder, json!({ "credentialID": mallory, "SAD": "s", "hashes": [h], "hashAlgorithmOID": sha256, "signAlgo": ecdsa })),
        case("signHash with a 100 000-character SAD", sign, Holder, json!({ "credentialID": lucia, "SAD": "s".repeat(60_000), "hashes": [h], "hashAlgorithmOID": sha256, "signAlgo": ecdsa })),
        case("credentials/info asking for 'all' certificates", "/csc/v2/credentials/info", Holder, json!({ "credentialID": lucia, "certificates": "all" })),
        case("credentials/info for another citizen's credential", "/csc/v2/credentials/info", Holder, json!({ "credentialID": mallory })),
        case("credentials/list with maxResults -5", "/csc/v2/credentials/list", Holder, json!({ "maxResults": -5 })),
        case("timestamp with an invalid hash", "/csc/v2/signatures/timestamp", Holder, json!({ "hash": "???", "hashAlgorithmOID": sha256 })),
        case("timestamp with SHA-1", "/csc/v2/signatures/timestamp", Holder, json!({ "hash": h, "hashAlgorithmOID": "1.3.14.3.2.26" })),
        case("timestamp with a non-hex nonce", "/csc/v2/signatures/timestamp", Holder, json!({ "hash": h, "hashAlgorithmOID": sha256, "nonce": "zz" })),
        case("v1 authorize without hash", "/csc/v1/credentials/authorize", Holder, json!({ "credentialID": lucia, "numSignatures": 1, "OTP": "123456" })),
        case("v1 signHash with SHA-1", "/csc/v1/signatures/signHash", Holder, json!({ "credentialID": lucia, "SAD": "s", "hash": [h], "hashAlgo": "1.3.14.3.2.26", "signAlgo": ecdsa })),
        case("v1 sendOTP for another citizen's credential", "/csc/v1/credentials/sendOTP", Holder, json!({ "credentialID": mallory })),
    ]);

    // 3. Tokens.
    cases.extend([
        case(
            "a revoked token",
            "/csc/v2/credentials/list",
            Revoked,
            json!({}),
        ),
        case(
            "an empty bearer",
            "/csc/v2/credentials/list",
            Raw("Bearer ".into()),
            json!({}),
        ),
        case(
            "a 10 000-character bearer",
            "/csc/v2/credentials/list",
            Raw(format!("Bearer {}", "a".repeat(10_000))),
            json!({}),
        ),
        case(
            "Basic where a bearer is due",
            "/csc/v2/credentials/list",
            Raw(basic("12345678Z", "x")),
            json!({}),
        ),
        case(
            "another citizen's token for her credential",
            "/csc/v2/credentials/info",
            Other,
            json!({ "credentialID": lucia }),
        ),
        case(
            "another citizen's token to revoke her credential",
            &format!("/api/v1/credentials/{lucia}/revoke"),
            Other,
            json!({ "password": "Tortuga-azul-57" }),
        ),
        case(
            "no token for a certificate",
            "/api/v1/credentials",
            Anonymous,
            json!({}),
        ),
        case(
            "a citizen token at the office",
            "/office/v1/citizens",
            Holder,
            Citizen::new(9).registration(),
        ),
        case(
            "a wrong operator token",
            "/office/v1/citizens",
            Raw(bearer("not-the-operator-token-0123456789abcdef")),
            Citizen::new(9).registration(),
        ),
    ]);
    for (what, header) in [
        ("Basic with invalid base64", "Basic !!!".to_owned()),
        (
            "Basic without a colon",
            format!("Basic {}", STANDARD.encode("12345678Z")),
        ),
        ("Bearer at login", "Bearer x".to_owned()),
        (
            "a DNI with the wrong letter",
            basic("12345678A", "Tortuga-azul-57"),
        ),
        ("SQL as the identifier", basic("' OR 1=1 --", "x")),
        ("an NIE with the wrong letter", basic("X1234567A", "x")),
    ] {
        cases.push(case(
            &format!("login: {what}"),
            "/csc/v2/auth/login",
            Raw(header),
            json!({}),
        ));
    }

    // 4. Our own endpoints.
    let registration = |patch: Value| {
        let mut body = Citizen::new(9).registration();
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        body
    };
    let office = "/office/v1/citizens";
    cases.extend([
        case("a name with HTML", office, Operator, registration(json!({ "givenName": "<script>alert(1)</script>" }))),
        case("a name with a bidi override", office, Operator, registration(json!({ "surname": "Pérez\u{202e}zeréP" }))),
        case("a name with a control character", office, Operator, registration(json!({ "givenName": "Ana\u{0007}" }))),
        case("a name of 101 letters", office, Operator, registration(json!({ "givenName": "a".repeat(101) }))),
        case("a phone with a header injection", office, Operator, registration(json!({ "phone": "600112233\r\nX-Injected: 1" }))),
        case("an email with a header injection", office, Operator, registration(json!({ "email": "ana@example.org\r\nBcc: all@example.org" }))),
        case("SQL as the ID number", office, Operator, registration(json!({ "idNumber": "12345678Z'; DROP TABLE citizens; --" }))),
        case("a 30 February birth date", office, Operator, registration(json!({ "birthDate": "1990-02-30" }))),
        case("a citizen under sixteen", office, Operator, registration(json!({ "birthDate": "2020-01-01" }))),
        case("a numeric phone", office, Operator, registration(json!({ "phone": 600112233 }))),
        case("a registration without email", office, Operator, json!({ "idNumber": Citizen::new(9).id_number, "givenName": "Ana", "surname": "Ruiz", "birthDate": "1990-01-01", "phone": "600998877" })),
        case("an ID number already registered", office, Operator, Citizen::new(1).registration()),
        case("an operator revocation with a free-text reason", &format!("/office/v1/credentials/{lucia}/revoke"), Operator, json!({ "reason": "because" })),
        case("an operator revocation of an unknown credential", "/office/v1/credentials/nope/revoke", Operator, json!({ "reason": "keyCompromise" })),
        case("an operator revocation with SQL in the id", "/office/v1/credentials/x'%20OR%20'1'='1/revoke", Operator, json!({ "reason": "keyCompromise" })),
        case("activation with SQL as the ID number", "/api/v1/activation/start", Anonymous, json!({ "idNumber": "' OR 1=1 --", "activationCode": "AAAA-BBBB-CCCC" })),
        case("activation with a 10 000-character code for an unknown ID", "/api/v1/activation/start", Anonymous, json!({ "idNumber": "99999999R", "activationCode": "A".repeat(10_000) })),
        case("completion of an unknown activation", "/api/v1/activation/complete", Anonymous, json!({ "activationId": "nope", "smsCode": "123456", "password": "Tortuga-azul-57", "acceptTerms": true })),
        case("completion with acceptTerms 'yes'", "/api/v1/activation/complete", Anonymous, json!({ "activationId": "nope", "smsCode": "123456", "password": "Tortuga-azul-57", "acceptTerms": "yes" })),
        case("completion without accepting the terms", "/api/v1/activation/complete", Anonymous, json!({ "activationId": "nope", "smsCode": "123456", "password": "Tortuga-azul-57", "acceptTerms": false })),
        case("a certificate body with a field", "/api/v1/credentials", Holder, json!({ "credentialID": 5 })),
        case("a confirmation of an unknown challenge", "/api/v1/credentials/unknown/confirm", Holder, json!({ "smsCode": "123456" })),
        case("a confirmation with a 100-character challenge id", &format!("/api/v1/credentials/{}/confirm", "c".repeat(100)), Holder, json!({ "smsCode": "123456" })),
        case("a confirmation with a numeric code", "/api/v1/credentials/unknown/confirm", Holder, json!({ "smsCode": 123456 })),
        case("a revocation without password", &format!("/api/v1/credentials/{lucia}/revoke"), Holder, json!({})),
        case("a revocation of another citizen's credential", &format!("/api/v1/credentials/{mallory}/revoke"), Holder, json!({ "password": "Tortuga-azul-57" })),
    ]);

    // 5. Routes and methods that do not exist; binary endpoints with the wrong media type.
    let mut unknown = case("an unknown route", "/csc/v3/info", Anonymous, json!({}));
    unknown.expect = Some(StatusCode::NOT_FOUND);
    cases.push(unknown);
    let mut wrong_method = case(
        "PUT on a POST route",
        "/csc/v2/credentials/list",
        Holder,
        json!({}),
    );
    wrong_method.method = Method::PUT;
    wrong_method.expect = Some(StatusCode::METHOD_NOT_ALLOWED);
    cases.push(wrong_method);
    let mut get_post = case(
        "GET on a POST route",
        "/csc/v2/signatures/signHash",
        Holder,
        json!({}),
    );
    get_post.method = Method::GET;
    get_post.expect = Some(StatusCode::METHOD_NOT_ALLOWED);
    cases.push(get_post);
    cases.push(raw(
        "OCSP with a JSON media type",
        "/pki/ocsp",
        Anonymous,
        Some("application/json"),
        b"{}",
    ));
    cases.push(raw(
        "TSA with no media type",
        "/tsa",
        Anonymous,
        None,
        b"\x30\x00",
    ));
    cases
}

#[tokio::test]
async fn every_hostile_input_gets_a_4xx_csc_error_and_changes_nothing() {
    let w = world().await;
    let cases = table(&w);
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let before = fingerprint(&w.pool).await;
    let mut failures = Vec::new();
    for c in &cases {
        let mut request = Request::builder().method(c.method.clone()).uri(&c.path);
        let authorization = match &c.auth {
            Auth::Anonymous => None,
            Auth::Holder => Some(bearer(&w.lucia_token)),
            Auth::Other => Some(bearer(&w.mallory_token)),
            Auth::Revoked => Some(bearer(&w.revoked_token)),
            Auth::Operator => Some(bearer(OPERATOR_TOKEN)),
            Auth::Raw(header) => Some(header.clone()),
        };
        if let Some(a) = authorization {
            request = request.header("authorization", a);
        }
        if let Some(t) = c.content_type {
            request = request.header("content-type", t);
        }
        let (status, _, bytes) = w
            .relay
            .send(request.body(Body::from(c.body.clone())).expect("request"))
            .await;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let error = body["error"].as_str().unwrap_or_default();
        let described = body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty());
        let status_ok = match c.expect {
            Some(expected) => status == expected,
            None => status.is_client_error(),
        };
        if !status_ok || !CLOSED_SET.contains(&error) || error == "server_error" || !described {
            failures.push(format!("{}: {status} {body}", c.name));
        }
        if fingerprint(&w.pool).await != before {
            failures.push(format!("{}: changed the database", c.name));
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
