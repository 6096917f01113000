use std::path::Path;

use super::secrets::{MASTER_KEY_ENV, OPERATOR_TOKEN_ENV, Secrets};
use super::*;

const MINIMAL: &str = r#"
data = "/var/lib/nubefirma"
[server]
public_url = "https://firma.example.org"
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, std::iter::empty())
}

fn parse_with(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Config::parse(
        text,
        env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    )
}

fn error(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_shipped_example_is_a_valid_configuration() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/relay.example.toml"),
    )
    .expect("deploy/relay.example.toml");
    let config = parse(&text).expect("the example parses");
    assert_eq!(config.server.public_url, "https://firma.example.org");
    assert_eq!(config.server.listen.port(), 8443);
    assert!(config.server.tls.is_some());
    assert_eq!(config.log.format, LogFormat::Json);
    let email = config.email.expect("[email]");
    assert_eq!(email.security, SmtpSecurity::Starttls);
    let sms = config.sms.expect("[sms]");
    assert_eq!(sms.headers["Authorization"], "Bearer {secret}");
}

#[test]
fn a_minimal_file_gets_the_documented_defaults() {
    let config = parse(MINIMAL).expect("minimal");
    assert_eq!(config.server.listen.to_string(), "127.0.0.1:8787");
    assert!(config.server.cors_origins.is_empty());
    assert!(config.server.tls.is_none());
    assert_eq!(
        config.database_url(),
        "sqlite:///var/lib/nubefirma/relay.sqlite"
    );
    let limits = AddressLimits::default();
    assert_eq!(config.limits.logins_per_minute, limits.login_per_minute);
    assert_eq!(
        config.limits.activations_per_minute,
        limits.activation_per_minute
    );
    assert_eq!(
        config.limits.office_calls_per_minute,
        limits.office_per_minute
    );
    assert!(!config.signing.require_hashes_for_otp);
    assert_eq!(config.log.format, LogFormat::Text);
    assert!(config.sms.is_none() && config.email.is_none());
}

#[test]
fn a_misspelt_key_is_named_with_its_section() {
    let e = error(&format!("{MINIMAL}lisen = \"0.0.0.0:1\"\n"));
    assert!(
        e.starts_with("server.lisen: unknown field") && e.contains("listen"),
        "{e}"
    );
    let e = error(&format!("{MINIMAL}[limits]\nlogin_per_minute = 3\n"));
    assert!(
        e.starts_with("limits.login_per_minute: unknown field"),
        "{e}"
    );
}

#[test]
fn a_value_of_the_wrong_kind_names_its_key() {
    let e = error(&MINIMAL.replace("[server]\n", "[server]\nlisten = \"all interfaces\"\n"));
    assert!(e.starts_with("server.listen:"), "{e}");
    let e = error(&format!("{MINIMAL}[limits]\nlogins_per_minute = -1\n"));
    assert!(e.starts_with("limits.logins_per_minute:"), "{e}");
    let e = error(&format!("{MINIMAL}[limits]\nlogins_per_minute = 0\n"));
    assert!(e.starts_with("limits.logins_per_minute:"), "{e}");
}

#[test]
fn a_missing_required_setting_is_named() {
    let e = error("data = \"/d\"\n[server]\nlisten = \"127.0.0.1:1\"\n");
    assert!(e.contains("server") && e.contains("public_url"), "{e}");
    let e = error("[server]\npublic_url = \"https://a.example\"\n");
    assert!(e.contains("data"), "{e}");
}

#[test]
fn a_syntax_error_names_its_line() {
    let e = error("data = \"/d\"\n[server]\npublic_url = https://a\n");
    assert!(e.starts_with("line 3: not valid TOML"), "{e}");
}

#[test]
fn urls_and_origins_are_checked() {
    let with_url = |url: &str| MINIMAL.replace("https://firma.example.org", url);
    assert!(error(&with_url("firma.example.org")).starts_with("server.public_url:"));
    assert!(error(&with_url("ftp://firma.example.org")).starts_with("server.public_url:"));
    assert!(error(&with_url("https://user:pw@firma.example.org")).contains("no user name"));
    assert!(error(&with_url("https://firma.example.org/#x")).starts_with("server.public_url:"));
    let e = error(&MINIMAL.replace(
        "[server]\n",
        "[server]\ncors_origins = [\"https://ok.example\", \"https://sede.example/\"]\n",
    ));
    assert!(
        e.starts_with("server.cors_origins[1]:") && e.contains("no path"),
        "{e}"
    );
    let e = error(&format!(
        "{MINIMAL}[database]\nurl = \"mysql://db/nubefirma\"\n"
    ));
    assert!(e.starts_with("database.url:"), "{e}");
}

#[test]
fn an_environment_override_wins_and_is_typed() {
    let config = parse_with(
        MINIMAL,
        &[
            ("NUBEFIRMA__SERVER__LISTEN", "0.0.0.0:9000"),
            ("NUBEFIRMA__LIMITS__LOGINS_PER_MINUTE", "5"),
            ("NUBEFIRMA__SERVER__CORS_ORIGINS", "[\"https://a.example\"]"),
            ("NUBEFIRMA__SIGNING__REQUIRE_HASHES_FOR_OTP", "true"),
            (
                "NUBEFIRMA_DATABASE_URL",
                "postgres://relay:s3cret@db/nubefirma",
            ),
            ("UNRELATED", "x"),
        ],
    )
    .expect("overrides");
    assert_eq!(config.server.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(config.limits.logins_per_minute, 5);
    assert_eq!(config.server.cors_origins, ["https://a.example"]);
    assert!(config.signing.require_hashes_for_otp);
    assert_eq!(
        config.database_url(),
        "postgres://relay:s3cret@db/nubefirma"
    );
}

#[test]
fn a_bad_environment_override_names_the_setting() {
    let e =
        parse_with(MINIMAL, &[("NUBEFIRMA__SERVER__LISSTEN", "0.0.0.0:1")]).expect_err("unknown");
    assert!(e.to_string().contains("lissten"), "{e}");
    let e = parse_with(MINIMAL, &[("NUBEFIRMA__LIMITS__LOGINS_PER_MINUTE", "many")])
        .expect_err("not a number");
    assert!(
        e.to_string().starts_with("limits.logins_per_minute:"),
        "{e}"
    );
    let e = parse_with(MINIMAL, &[("NUBEFIRMA__DATA__X", "1")]).expect_err("not a section");
    assert!(e.to_string().contains("NUBEFIRMA__DATA__X"), "{e}");
}

const SMS: &str = r#"
[sms]
url = "https://gw.example/send"
body = '{"to": "{to}", "text": "{text}"}'
"#;

#[test]
fn the_sms_gateway_needs_the_number_and_the_text() {
    let config = parse(&format!("{MINIMAL}{SMS}")).expect("sms");
    let sms = config.sms.expect("sms");
    assert_eq!(sms.method, "POST");
    assert_eq!(sms.content_type, "application/json");
    assert_eq!((sms.attempts, sms.timeout_seconds), (3, 10));
    let e = error(&format!("{MINIMAL}{}", SMS.replace("{text}", "hello")));
    assert!(e.starts_with("sms.body:") && e.contains("{text}"), "{e}");
    let e = error(&format!("{MINIMAL}{SMS}method = \"DELETE\"\n"));
    assert!(e.starts_with("sms.method:"), "{e}");
    let e = error(&format!("{MINIMAL}{SMS}attempts = 0\n"));
    assert!(e.starts_with("sms.attempts:"), "{e}");
    let e = error(&format!("{MINIMAL}{SMS}content_type = \"text/plain\"\n"));
    assert!(e.starts_with("sms.content_type:"), "{e}");
}

#[test]
fn a_get_gateway_carries_everything_in_its_url_and_clear_text_stays_on_this_machine() {
    let get = "[sms]\nurl = \"https://gw.example/send?to={to}&msg={text}&key={secret}\"\nmethod = \"GET\"\n";
    let config = parse(&format!("{MINIMAL}{get}")).expect("GET gateway");
    assert!(config.sms.expect("sms").body.is_empty());
    let e = error(&format!("{MINIMAL}{get}body = '{{\"to\": \"{{to}}\"}}'\n"));
    assert!(e.starts_with("sms.body:") && e.contains("GET"), "{e}");
    let e = error(&format!("{MINIMAL}{}", get.replace("&msg={text}", "")));
    assert!(e.starts_with("sms.url:") && e.contains("{text}"), "{e}");
    let e = error(&format!(
        "{MINIMAL}{}",
        SMS.replace("https://gw.example", "http://gw.example")
    ));
    assert!(e.starts_with("sms.url:") && e.contains("in clear"), "{e}");
    parse(&format!(
        "{MINIMAL}{}",
        SMS.replace("https://gw.example", "http://127.0.0.1:9000")
    ))
    .expect("local http");
}

const EMAIL: &str = r#"
[email]
host = "smtp.example.org"
from = "nubefirma <no-reply@example.org>"
"#;

#[test]
fn smtp_in_clear_only_to_this_machine() {
    let config = parse(&format!("{MINIMAL}{EMAIL}")).expect("email");
    let email = config.email.expect("email");
    assert_eq!((email.port, email.security), (587, SmtpSecurity::Starttls));
    let e = error(&format!("{MINIMAL}{EMAIL}security = \"none\"\n"));
    assert!(e.starts_with("email.security:"), "{e}");
    let local = EMAIL.replace("smtp.example.org", "127.0.0.1");
    parse(&format!("{MINIMAL}{local}security = \"none\"\n")).expect("local");
    let e = error(&format!("{MINIMAL}{EMAIL}security = \"ssl\"\n"));
    assert!(e.starts_with("email.security:"), "{e}");
    let e = error(&format!(
        "{MINIMAL}{}",
        EMAIL.replace("nubefirma <no-reply@example.org>", "nobody")
    ));
    assert!(e.starts_with("email.from:"), "{e}");
}

/// A folder with a data folder and a secrets folder beside it.
struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("data")).expect("data");
        std::fs::create_dir(dir.path().join("secrets")).expect("secrets");
        Self { dir }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn secret(&self, name: &str, value: &str, mode: u32) -> std::path::PathBuf {
        let path = self.path(name);
        std::fs::write(&path, value).expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        path
    }

    fn config(&self, secrets: &str) -> Config {
        parse(&format!(
            "data = {:?}\n[server]\npublic_url = \"https://a.example\"\n[secrets]\n{secrets}",
            self.path("data")
        ))
        .expect("config")
    }
}

const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const TOKEN: &str = "an-operator-token-of-forty-characters-xx";

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn secrets_are_read_from_their_files() {
    let place = Place::new();
    let key = place.secret("secrets/master.key", &format!("{KEY_HEX}\n"), 0o600);
    let token = place.secret("secrets/operator.token", &format!("{TOKEN}\n"), 0o400);
    let config = place.config(&format!(
        "master_key_file = {key:?}\noperator_token_file = {token:?}\n"
    ));
    let secrets = Secrets::read(&config, &no_env).expect("secrets");
    assert_eq!(secrets.master_key.as_deref().map(|k| k[31]), Some(0x1f));
    assert_eq!(secrets.operator_token.as_str(), TOKEN);
}

#[test]
fn the_environment_wins_over_a_secret_file() {
    let place = Place::new();
    let key = place.secret("secrets/master.key", KEY_HEX, 0o600);
    let config = place.config(&format!("master_key_file = {key:?}\n"));
    let other_key = "ff".repeat(32);
    let env = |name: &str| match name {
        MASTER_KEY_ENV => Some(other_key.clone()),
        OPERATOR_TOKEN_ENV => Some(TOKEN.to_owned()),
        _ => None,
    };
    let secrets = Secrets::read(&config, &env).expect("secrets");
    assert_eq!(secrets.master_key.as_deref().map(|k| k[0]), Some(0xff));
}

#[test]
fn a_secret_inside_the_data_folder_is_refused() {
    let place = Place::new();
    let key = place.secret("data/master.key", KEY_HEX, 0o600);
    let token = place.secret("secrets/operator.token", TOKEN, 0o600);
    let config = place.config(&format!(
        "master_key_file = {key:?}\noperator_token_file = {token:?}\n"
    ));
    let e = Secrets::read(&config, &no_env)
        .expect_err("inside data")
        .to_string();
    assert!(
        e.starts_with("secrets.master_key_file:") && e.contains("inside the data folder"),
        "{e}"
    );
}

#[cfg(unix)]
#[test]
fn a_secret_others_may_read_is_refused() {
    let place = Place::new();
    let key = place.secret("secrets/master.key", KEY_HEX, 0o644);
    let token = place.secret("secrets/operator.token", TOKEN, 0o600);
    let config = place.config(&format!(
        "master_key_file = {key:?}\noperator_token_file = {token:?}\n"
    ));
    let e = Secrets::read(&config, &no_env)
        .expect_err("world-readable")
        .to_string();
    assert!(
        e.starts_with("secrets.master_key_file:") && e.contains("chmod 600"),
        "{e}"
    );
}

#[test]
fn a_missing_or_bad_secret_is_named() {
    let place = Place::new();
    let config = place.config("");
    let e = Secrets::read(&config, &no_env)
        .expect_err("no key")
        .to_string();
    assert!(
        e.starts_with("secrets.master_key_file: missing") && e.contains(MASTER_KEY_ENV),
        "{e}"
    );

    let key = place.secret("secrets/master.key", "too short", 0o600);
    let config = place.config(&format!("master_key_file = {key:?}\n"));
    let e = Secrets::read(&config, &no_env)
        .expect_err("bad key")
        .to_string();
    assert!(e.starts_with("secrets.master_key_file:"), "{e}");

    let key = place.secret("secrets/master2.key", KEY_HEX, 0o600);
    let token = place.secret("secrets/operator.token", "short", 0o600);
    let config = place.config(&format!(
        "master_key_file = {key:?}\noperator_token_file = {token:?}\n"
    ));
    let e = Secrets::read(&config, &no_env)
        .expect_err("short token")
        .to_string();
    assert!(
        e.starts_with("secrets.operator_token_file:") && e.contains("fewer than"),
        "{e}"
    );
}

#[test]
fn a_master_key_from_the_environment_is_64_hex_digits() {
    let place = Place::new();
    let config = place.config("");
    for weak in [
        "0123456789abcdef0123456789abcdef",
        "a passphrase of thirty-two chars!",
    ] {
        let env = |name: &str| match name {
            MASTER_KEY_ENV => Some(weak.to_owned()),
            OPERATOR_TOKEN_ENV => Some(TOKEN.to_owned()),
            _ => None,
        };
        let e = Secrets::read(&config, &env).expect_err(weak).to_string();
        assert!(e.contains("64 hex digits"), "{e}");
    }
}

#[test]
fn a_gateway_template_with_a_secret_needs_one() {
    let place = Place::new();
    let text = format!(
        "data = {:?}\n[server]\npublic_url = \"https://a.example\"\n{SMS}headers = {{ Authorization = \"Bearer {{secret}}\" }}\n",
        place.path("data")
    );
    let config = parse(&text).expect("config");
    let env = |name: &str| match name {
        MASTER_KEY_ENV => Some(KEY_HEX.to_owned()),
        OPERATOR_TOKEN_ENV => Some(TOKEN.to_owned()),
        _ => None,
    };
    let e = Secrets::read(&config, &env)
        .expect_err("no sms secret")
        .to_string();
    assert!(e.starts_with("sms.secret_file:"), "{e}");
}
