//! `nubefirma-relay`: `serve` runs the relay; `ca init` is the CA's key ceremony; `office
//! register` registers a citizen from a shell, as a registry officer would, straight into the
//! relay's database.
//!
//! Secrets come from outside the data folder: the master key from `--master-key-file` or
//! `NUBEFIRMA_MASTER_KEY`, the operator token from `--operator-token-file` or
//! `NUBEFIRMA_OPERATOR_TOKEN`. Only `--dev` may create them beside the database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use nubefirma_protocol::api::RegisterCitizenRequest;
use nubefirma_relay::clock::{Clock, SystemClock};
use nubefirma_relay::config::secrets::{Secrets, parse_master_key};
use nubefirma_relay::config::{Config, ConfigError, DATABASE_URL_ENV, LogFormat};
use nubefirma_relay::crypto::{random_bytes, random_token};
use nubefirma_relay::identity::rate::AddressLimits;
use nubefirma_relay::keys::{Custody, Pkcs11Config, Pkcs11Custody, SoftCustody};
use nubefirma_relay::notify::sms_gateway::SmsGateway;
use nubefirma_relay::notify::smtp::SmtpMailer;
use nubefirma_relay::notify::{Delivery, DevOutbox};
use nubefirma_relay::pki::Ca;
use nubefirma_relay::server;
use nubefirma_relay::store::Store;
use nubefirma_relay::{Relay, RelayOptions};

#[derive(Parser)]
#[command(
    name = "nubefirma-relay",
    version,
    about = "nubefirma relay: cloud identity and CSC remote signing"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the relay: `serve --config FILE` in production (docs/configuration.md), or
    /// `serve --dev` with the flags below for development.
    Serve {
        /// Development mode: secrets may be created under --data, SMS and email go to the dev
        /// outbox, the CA is made at first start.
        #[arg(long, conflicts_with = "config")]
        dev: bool,
        #[command(flatten)]
        place: Place,
        #[arg(long, default_value = "127.0.0.1:8787", conflicts_with = "config")]
        listen: SocketAddr,
        /// Browser origins allowed to call the relay (repeatable).
        #[arg(long = "cors-origin", conflicts_with = "config", default_values_t = ["http://localhost:8080".to_string(), "http://127.0.0.1:8080".to_string()])]
        cors_origins: Vec<String>,
        /// The relay's public base URL, written into certificates (CRL and OCSP pointers).
        /// Defaults to http://LISTEN.
        #[arg(long, conflicts_with = "config")]
        public_url: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Refuse signing codes whose SMS cannot name the documents (CSC v1 clients).
        #[arg(long, conflicts_with = "config")]
        require_hashes_for_otp: bool,
        /// File holding the operator token (or NUBEFIRMA_OPERATOR_TOKEN); at least 32
        /// characters. With --dev, DATA/operator.token is made if neither is given.
        #[arg(long, conflicts_with = "config")]
        operator_token_file: Option<PathBuf>,
        /// An outside RFC 3161 TSA (http:// or https://) that CSC signatures/timestamp asks
        /// instead of the relay's own (or NUBEFIRMA_TSA_URL). /tsa stays the relay's own TSA.
        #[arg(long, conflicts_with = "config")]
        tsa_url: Option<String>,
        /// The portal page where employees complete a professional certificate (R13): the
        /// invitation email links to it, with the invitation and its token in the fragment.
        /// Defaults to PUBLIC_URL/professional, which the relay itself does not serve.
        #[arg(long, conflicts_with = "config")]
        professional_page: Option<String>,
    },
    /// The CA.
    Ca {
        #[command(subcommand)]
        command: CaCommand,
    },
    /// Registry office operations.
    Office {
        #[command(subcommand)]
        command: OfficeCommand,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A consistent copy of the relay's SQLite database while it runs (SQLite's VACUUM INTO);
    /// for PostgreSQL, use pg_dump (docs/postgresql.md). Secrets are never in it: back up the
    /// master key apart.
    Backup {
        /// The relay's configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Or the folder of a development relay's database.
        #[arg(long, default_value = "data", conflicts_with = "config")]
        data: PathBuf,
        /// Where to write the copy; must not exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Checks a configuration file without starting: the settings, the secrets (files or
    /// environment), the TLS certificate and key, the SMS gateway and SMTP settings. Prints what
    /// the relay would run with, or names the first bad setting and exits with status 2.
    CheckConfig {
        /// The configuration file (TOML).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Checks the hash chain of the whole trail: prints the number of entries and the head's
    /// hash (record it elsewhere: cutting entries off the end shows only against it), or names
    /// the first broken entry and exits with status 1. Needs no secret.
    Verify {
        /// Folder of the relay's database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Or the relay's configuration file, for its database.
        #[arg(long, conflicts_with = "data")]
        config: Option<PathBuf>,
    },
}

/// Where the relay's state is, and the key that opens it: a configuration file, or the flags.
#[derive(Args)]
struct Place {
    /// The relay's configuration file: its data folder, database and secrets.
    #[arg(long, conflicts_with_all = ["data", "master_key_file", "pkcs11_module", "pkcs11_pin_file", "database_url"])]
    config: Option<PathBuf>,
    /// Folder for the database and the CA certificate.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// File holding the 32-byte master key (raw, or 64 hex digits), or NUBEFIRMA_MASTER_KEY
    /// (64 hex digits). With --dev, DATA/master.key is made if neither is given.
    #[arg(long)]
    master_key_file: Option<PathBuf>,
    /// Keep the master key and the CA keys in an HSM through this PKCS#11 module (e.g.
    /// /usr/lib/softhsm/libsofthsm2.so) instead of sealing them under a master key file.
    #[arg(long)]
    pkcs11_module: Option<PathBuf>,
    /// The label of the HSM token holding the relay's keys.
    #[arg(long, default_value = "nubefirma")]
    pkcs11_token: String,
    /// File holding the token's user PIN (or NUBEFIRMA_PKCS11_PIN).
    #[arg(long)]
    pkcs11_pin_file: Option<PathBuf>,
    /// The label of the master HMAC key in the token (made at first use if missing).
    #[arg(long, default_value = "nubefirma-master")]
    pkcs11_master_key_label: String,
    /// The database instead of DATA/relay.sqlite: `postgres://…` (several relays may share
    /// one; docs/postgresql.md) or `sqlite://PATH`; or NUBEFIRMA_DATABASE_URL.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum CaCommand {
    /// The key ceremony: makes the root key (written to --root-key-out for offline keeping,
    /// never stored by the relay), the root certificate, and the issuing CA and TSA keys,
    /// which stay in the relay's key custody.
    Init {
        #[command(flatten)]
        place: Place,
        /// Where to write the root private key (PKCS#8 PEM, mode 0600); must not exist.
        #[arg(long)]
        root_key_out: PathBuf,
        /// The relay's public base URL, for the CRL and OCSP pointers (default: the
        /// configuration's server.public_url, else http://127.0.0.1:8787).
        #[arg(long)]
        public_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum OfficeCommand {
    /// Register a citizen whose ID was checked in person; prints the activation code once.
    Register {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        id: String,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        surname: String,
        /// YYYY-MM-DD
        #[arg(long)]
        birth_date: String,
        /// Her mobile; leave it out when she has none (R11: SMS texts then go to her email).
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long)]
        email: String,
        /// The ID document checked at the desk: dni, nie or passport (default: what --id is).
        #[arg(long)]
        id_document: Option<String>,
        /// A Spanish passport's number, with --id-document passport.
        #[arg(long)]
        passport_number: Option<String>,
    },
    /// Add a named registry-office operator, who logs in with this password and an SMS code to
    /// her phone. The password comes from NUBEFIRMA_OPERATOR_PASSWORD or, without it, the first
    /// line of standard input (never an argument, which other users could read).
    AddOperator {
        #[command(flatten)]
        place: Place,
        /// 3 to 40 of a-z, 0-9, '.', '_', '-': the name the audit trail shows.
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
    },
    /// Give an active account a coordinate card (R21: a legacy account brought over, or a
    /// replacement) and print its 16 numbers once, as JSON, for the printed card.
    IssueCard {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        id: String,
    },
    /// Add an entity (an employer) whose employees may be invited to a professional certificate
    /// (R6): its name and organizationIdentifier go into their certificates as O and
    /// 2.5.4.97.
    AddEntity {
        #[command(flatten)]
        place: Place,
        /// The entity's name, e.g. "Ayuntamiento de Ejemplo".
        #[arg(long)]
        name: String,
        /// ETSI EN 319 412-1 form: VAT (or NTR), the country, '-', the identifier, e.g.
        /// VATES-P2000000J.
        #[arg(long)]
        org_identifier: String,
    },
    /// Add an administrator of an entity, who logs in as operators do (this password and an SMS
    /// code) and may only invite that entity's employees. The password comes as for
    /// add-operator: NUBEFIRMA_OPERATOR_PASSWORD or the first line of standard input.
    AddEntityAdmin {
        #[command(flatten)]
        place: Place,
        /// The entity's organizationIdentifier (see add-entity).
        #[arg(long)]
        entity: String,
        /// 3 to 40 of a-z, 0-9, '.', '_', '-': the name she logs in with and the audit trail shows.
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
    },
}

/// An operator's password: NUBEFIRMA_OPERATOR_PASSWORD or, without it, the first line of
/// standard input (never an argument, which other users could read).
fn operator_password() -> Result<String, Failure> {
    match std::env::var("NUBEFIRMA_OPERATOR_PASSWORD") {
        Ok(p) => Ok(p),
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// Calls per minute per client address (defaults: docs/security-model.md).
#[derive(clap::Args)]
struct LimitArgs {
    #[arg(long, default_value_t = AddressLimits::default().login_per_minute, conflicts_with = "config")]
    logins_per_minute: u32,
    #[arg(long, default_value_t = AddressLimits::default().activation_per_minute, conflicts_with = "config")]
    activations_per_minute: u32,
    #[arg(long, default_value_t = AddressLimits::default().office_per_minute, conflicts_with = "config")]
    office_calls_per_minute: u32,
}

type Failure = Box<dyn std::error::Error>;

/// Writes a new secret file readable by its owner only; never overwrites.
fn write_secret(path: &Path, value: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .write_all(value)?;
    Ok(())
}

fn master_key(place: &Place, dev: bool) -> Result<[u8; 32], Failure> {
    if let Some(path) = &place.master_key_file {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(parse_master_key(&bytes)?);
    }
    if let Ok(value) = std::env::var("NUBEFIRMA_MASTER_KEY") {
        return Ok(parse_master_key(value.as_bytes())?);
    }
    if !dev {
        return Err("no master key: give --master-key-file PATH or NUBEFIRMA_MASTER_KEY (it is never made beside the database outside --dev)".into());
    }
    let path = place.data.join("master.key");
    if !path.exists() {
        write_secret(&path, &random_bytes::<32>())?;
    }
    Ok(parse_master_key(&std::fs::read(&path)?)?)
}

fn operator_token(file: Option<&Path>, data: &Path, dev: bool) -> Result<String, Failure> {
    if let Some(path) = file {
        return Ok(std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .trim()
            .to_owned());
    }
    if let Ok(value) = std::env::var("NUBEFIRMA_OPERATOR_TOKEN") {
        return Ok(value.trim().to_owned());
    }
    if !dev {
        return Err(
            "no operator token: give --operator-token-file PATH or NUBEFIRMA_OPERATOR_TOKEN".into(),
        );
    }
    let path = data.join("operator.token");
    if !path.exists() {
        write_secret(&path, random_token().as_bytes())?;
    }
    Ok(std::fs::read_to_string(&path)?.trim().to_owned())
}

/// The key custody: an HSM when a PKCS#11 module is given, else the soft backend.
fn custody(place: &Place, dev: bool) -> Result<Arc<dyn Custody>, Failure> {
    let Some(module) = &place.pkcs11_module else {
        return Ok(Arc::new(SoftCustody::new(master_key(place, dev)?)));
    };
    let user_pin = match &place.pkcs11_pin_file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .trim()
            .to_owned(),
        None => std::env::var("NUBEFIRMA_PKCS11_PIN")
            .map_err(|_| "no PKCS#11 PIN: give --pkcs11-pin-file PATH or NUBEFIRMA_PKCS11_PIN")?,
    };
    Ok(Arc::new(Pkcs11Custody::open(&Pkcs11Config {
        module: module.clone(),
        token_label: place.pkcs11_token.clone(),
        user_pin,
        master_key_label: place.pkcs11_master_key_label.clone(),
    })?))
}

/// The store and the key custody a command works on, and the data folder: from the
/// configuration file when one is given, else from the flags.
async fn open_place(
    place: &Place,
    dev: bool,
) -> Result<(PathBuf, Store, Arc<dyn Custody>), Failure> {
    if let Some(path) = &place.config {
        let config = Config::load(path)?;
        let secrets = Secrets::read(&config, &env_var)?;
        let custody = configured_custody(&config, &secrets)?;
        std::fs::create_dir_all(&config.data)
            .map_err(|e| format!("data: {}: {e}", config.data.display()))?;
        let store = Store::open_url(&config.database_url()).await?;
        return Ok((config.data, store, custody));
    }
    std::fs::create_dir_all(&place.data)?;
    let custody = custody(place, dev)?;
    let url = place
        .database_url
        .clone()
        .or_else(|| env_var(DATABASE_URL_ENV));
    let store = match url {
        Some(url) => Store::open_url(&url).await?,
        None => Store::open(&place.data.join("relay.sqlite")).await?,
    };
    Ok((place.data.clone(), store, custody))
}

fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// The key custody a configuration names: its HSM, else the soft backend under the master key.
fn configured_custody(config: &Config, secrets: &Secrets) -> Result<Arc<dyn Custody>, Failure> {
    if let (Some(hsm), Some(pin)) = (&config.pkcs11, &secrets.pkcs11_pin) {
        return Ok(Arc::new(Pkcs11Custody::open(&Pkcs11Config {
            module: hsm.module.clone(),
            token_label: hsm.token.clone(),
            user_pin: pin.to_string(),
            master_key_label: hsm.master_key_label.clone(),
        })?));
    }
    match &secrets.master_key {
        Some(key) => Ok(Arc::new(SoftCustody::new(**key))),
        None => Err("secrets.master_key_file: missing".into()),
    }
}

/// Real delivery: a relay without --dev needs both.
fn delivery(config: &Config, secrets: &Secrets) -> Result<Delivery, Failure> {
    let sms = config.sms.as_ref().ok_or_else(|| ConfigError(
        "sms: missing: a relay without --dev sends its SMS through an HTTP gateway ([sms], docs/configuration.md)".into(),
    ))?;
    let email = config.email.as_ref().ok_or_else(|| ConfigError(
        "email: missing: a relay without --dev sends its email through SMTP ([email], docs/configuration.md)".into(),
    ))?;
    Ok(Delivery {
        sms: SmsGateway::new(sms, secrets.sms_secret.clone())?,
        email: SmtpMailer::new(email, secrets.smtp_password.clone())?,
    })
}

/// `check-config FILE`: everything that can be checked without opening the database or
/// listening; prints a summary without any secret.
fn check_config(path: &Path) -> Result<(), Failure> {
    let config = Config::load(path)?;
    let secrets = Secrets::read(&config, &env_var)?;
    let tls = match &config.server.tls {
        Some(settings) => {
            server::tls::server_config(settings)?;
            "https"
        }
        None => "http (a TLS-terminating proxy in front)",
    };
    delivery(&config, &secrets)?;
    if let Some(url) = &config.signing.tsa_url {
        nubefirma_relay::pki::upstream::UpstreamTsa::new(url)?;
    }
    let database = config.database_url();
    // Never print what a PostgreSQL URL may hold besides where it leads (a password in the
    // user part or in `?password=`): its parsed host, port, database and user only.
    let database = if database.starts_with("postgres") {
        use std::str::FromStr;
        let options = sqlx::postgres::PgConnectOptions::from_str(&database)
            .map_err(|_| ConfigError("database.url: not a PostgreSQL URL".into()))?;
        format!(
            "PostgreSQL database {:?} on {}:{} as {:?}",
            options.get_database().unwrap_or_default(),
            options.get_host(),
            options.get_port(),
            options.get_username()
        )
    } else {
        database
    };
    println!("{}: configuration OK", path.display());
    println!("  listen:   {} ({tls})", config.server.listen);
    println!("  public:   {}", config.server.public_url);
    println!("  database: {database}");
    println!(
        "  keys:     {}",
        match &config.pkcs11 {
            Some(hsm) => format!("PKCS#11 token {:?} in {}", hsm.token, hsm.module.display()),
            None => "sealed under the master key".into(),
        }
    );
    if let (Some(sms), Some(email)) = (&config.sms, &config.email) {
        println!("  sms:      {} {}", sms.method, sms.url);
        let security = match email.security {
            nubefirma_relay::config::SmtpSecurity::Starttls => "starttls",
            nubefirma_relay::config::SmtpSecurity::Tls => "tls",
            nubefirma_relay::config::SmtpSecurity::None => "none",
        };
        println!("  email:    {}:{} ({security})", email.host, email.port);
    }
    println!("  cors:     {}", config.server.cors_origins.join(", "));
    Ok(())
}

/// `serve --config FILE`.
async fn serve_configured(path: &Path) -> Result<(), Failure> {
    let config = Config::load(path)?;
    init_logging(&config.log);
    let secrets = Secrets::read(&config, &env_var)?;
    let tls = config
        .server
        .tls
        .as_ref()
        .map(server::tls::server_config)
        .transpose()?;
    let notifier = Arc::new(delivery(&config, &secrets)?);
    let custody = configured_custody(&config, &secrets)?;
    std::fs::create_dir_all(&config.data)
        .map_err(|e| format!("data: {}: {e}", config.data.display()))?;
    let store = Store::open_url(&config.database_url()).await?;
    let options = RelayOptions {
        dev: false,
        operator_token: secrets.operator_token.to_string(),
        cors_origins: config.server.cors_origins.clone(),
        address_limits: config.limits.address_limits(),
        allow_unbound_otp: !config.signing.require_hashes_for_otp,
        public_url: config.server.public_url.clone(),
        tsa_url: config.signing.tsa_url.clone(),
        professional_page: config.signing.professional_page.clone(),
        hsts_max_age_seconds: config.server.tls.as_ref().map(|t| t.hsts_max_age_seconds),
        trusted_proxies: config.server.trusted_proxies.clone(),
        metrics_token: secrets.metrics_token.as_ref().map(|t| t.to_string()),
    };
    let relay = Relay::new(store, Arc::new(SystemClock), custody, notifier, options).await?;
    std::fs::write(config.data.join("ca.pem"), relay.ca().root_pem()?)?;
    relay.spawn_pruner();
    let listener = tokio::net::TcpListener::bind(config.server.listen)
        .await
        .map_err(|e| format!("server.listen: {}: {e}", config.server.listen))?;
    let listen = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    // Tests and scripts read the bound address from this line.
    eprintln!(
        "nubefirma relay listening on {scheme}://{listen}  data: {}",
        config.data.display()
    );
    tracing::info!(%listen, scheme, public_url = %config.server.public_url, "relay started");
    server::serve(nubefirma_relay::router::app(relay), listener, tls).await?;
    tracing::info!("relay stopped");
    Ok(())
}

/// Logs on standard error: text, or one JSON object per line for a log collector.
fn init_logging(log: &nubefirma_relay::config::Log) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| log.filter.as_str().into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match log.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The relay of an `office` command run on the server: straight into the database of an
/// existing relay. Its secrets are read, never made (a development folder's own master.key
/// counts), and it must already have its CA. It serves no office calls: a throwaway token.
async fn office_relay(place: &Place) -> Result<Arc<Relay>, Failure> {
    let dev_folder = place.config.is_none() && place.data.join("master.key").exists();
    let (_, store, custody) = open_place(place, dev_folder).await?;
    Ok(Relay::new(
        store.clone(),
        Arc::new(SystemClock),
        custody,
        Arc::new(DevOutbox::new(store)),
        RelayOptions {
            dev: false,
            operator_token: random_token(),
            ..RelayOptions::dev(String::new())
        },
    )
    .await?)
}

async fn open_relay(
    place: &Place,
    operator_token_file: Option<&Path>,
    mut options: RelayOptions,
) -> Result<Arc<Relay>, Failure> {
    let (_, store, custody) = open_place(place, options.dev).await?;
    options.operator_token = operator_token(operator_token_file, &place.data, options.dev)?;
    let notifier = Arc::new(DevOutbox::new(store.clone()));
    let relay = Relay::new(store, Arc::new(SystemClock), custody, notifier, options).await?;
    std::fs::write(place.data.join("ca.pem"), relay.ca().root_pem()?)?;
    Ok(relay)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse().command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Display, not Debug: an operator reads this line. An internal error's detail is
            // for her too (clients never see it; this is her terminal).
            match e.downcast_ref::<nubefirma_relay::Error>() {
                Some(nubefirma_relay::Error::Internal(detail)) => {
                    eprintln!("nubefirma-relay: internal error: {detail}")
                }
                _ => eprintln!("nubefirma-relay: {e}"),
            }
            let configuration = e.is::<nubefirma_relay::config::ConfigError>()
                || matches!(
                    e.downcast_ref::<nubefirma_relay::Error>(),
                    Some(nubefirma_relay::Error::InvalidConfig(_))
                );
            std::process::ExitCode::from(if configuration { 2 } else { 1 })
        }
    }
}

async fn run(command: Command) -> Result<(), Failure> {
    if let Command::CheckConfig { file } = &command {
        return check_config(file);
    }
    if let Command::Serve {
        place: Place {
            config: Some(path), ..
        },
        ..
    } = &command
    {
        return serve_configured(path).await;
    }
    init_logging(&nubefirma_relay::config::Log {
        format: LogFormat::Text,
        filter: "info,sqlx=warn,tower_http=info".into(),
    });
    match command {
        Command::CheckConfig { .. } => {}
        Command::Backup { config, data, out } => {
            let url = match config {
                Some(path) => Config::load(&path)?.database_url(),
                None => format!("sqlite://{}", data.join("relay.sqlite").display()),
            };
            if !url.starts_with("sqlite:") {
                return Err("backup copies a SQLite database; for PostgreSQL use pg_dump (docs/postgresql.md)".into());
            }
            Store::open_url(&url).await?.backup_into(&out).await?;
            println!("backup written: {}", out.display());
        }
        Command::Serve {
            dev,
            place,
            listen,
            cors_origins,
            public_url,
            limits,
            require_hashes_for_otp,
            operator_token_file,
            tsa_url,
            professional_page,
        } => {
            let tsa_url = tsa_url.or_else(|| {
                std::env::var("NUBEFIRMA_TSA_URL")
                    .ok()
                    .filter(|url| !url.trim().is_empty())
            });
            // The link gets its own fragment: a page with one, or not over http(s), would
            // break it in every email.
            if let Some(page) = &professional_page
                && (!(page.starts_with("https://") || page.starts_with("http://"))
                    || page.contains(['#', '?']))
            {
                return Err(format!(
                    "--professional-page {page}: an http(s) URL without query or fragment"
                )
                .into());
            }
            if !dev {
                // The secrets are checked first, so a misconfiguration is told before the rest.
                custody(&place, false)?;
                operator_token(operator_token_file.as_deref(), &place.data, false)?;
                if let Some(url) = &tsa_url {
                    nubefirma_relay::pki::upstream::UpstreamTsa::new(url)?;
                }
                return Err("only development mode exists so far: run `serve --dev` (SMS go to the dev outbox)".into());
            }
            let listener = tokio::net::TcpListener::bind(listen).await?;
            let listen = listener.local_addr()?;
            let options = RelayOptions {
                cors_origins,
                address_limits: AddressLimits {
                    login_per_minute: limits.logins_per_minute,
                    activation_per_minute: limits.activations_per_minute,
                    office_per_minute: limits.office_calls_per_minute,
                },
                allow_unbound_otp: !require_hashes_for_otp,
                public_url: public_url.unwrap_or_else(|| format!("http://{listen}")),
                tsa_url,
                professional_page,
                ..RelayOptions::dev(String::new())
            };
            let relay = open_relay(&place, operator_token_file.as_deref(), options).await?;
            relay.spawn_pruner();
            // Tests and scripts read the bound address (with --listen 127.0.0.1:0) from this line.
            eprintln!(
                "nubefirma relay (dev) listening on http://{listen}  data: {}",
                place.data.display()
            );
            eprintln!("  CA certificate: {}", place.data.join("ca.pem").display());
            eprintln!("  SMS outbox:     http://{listen}/dev/outbox");
            match relay.upstream_tsa() {
                Some(tsa) => eprintln!(
                    "  Timestamps:     CSC signatures/timestamp asks {}; /tsa is this relay's own TSA",
                    tsa.url()
                ),
                None => eprintln!("  Timestamps:     this relay's own TSA (/tsa)"),
            }
            server::serve(nubefirma_relay::router::app(relay), listener, None).await?;
        }
        Command::Ca {
            command:
                CaCommand::Init {
                    place,
                    root_key_out,
                    public_url,
                },
        } => {
            if root_key_out.exists() {
                return Err(format!(
                    "{} exists: refusing to overwrite a key",
                    root_key_out.display()
                )
                .into());
            }
            let public_url = match (public_url, &place.config) {
                (Some(url), _) => url,
                (None, Some(path)) => Config::load(path)?.server.public_url,
                (None, None) => "http://127.0.0.1:8787".into(),
            };
            let (data, store, custody) = open_place(&place, false).await?;
            let (ca, root) =
                Ca::init(&store, custody.as_ref(), SystemClock.now(), &public_url).await?;
            write_secret(&root_key_out, root.to_pem()?.as_bytes())?;
            std::fs::write(data.join("ca.pem"), ca.root_pem()?)?;
            println!(
                "CA ready. Root certificate: {}\nRoot private key: {} — move it off this machine; the relay never needs it.",
                data.join("ca.pem").display(),
                root_key_out.display()
            );
        }
        Command::Audit {
            command: AuditCommand::Verify { data, config },
        } => {
            let store = match config {
                Some(path) => Store::open_url(&Config::load(&path)?.database_url()).await?,
                None => {
                    let database = data.join("relay.sqlite");
                    if !database.exists() {
                        return Err(format!("no relay database at {}", database.display()).into());
                    }
                    Store::open(&database).await?
                }
            };
            let mut verifier = nubefirma_relay::audit::Verifier::default();
            loop {
                let (after, _) = verifier.head();
                let page = store.audit_page(after, 10_000).await?;
                if page.is_empty() {
                    break;
                }
                for entry in &page {
                    if let Err(broken) = verifier.push(entry) {
                        eprintln!("audit trail BROKEN at {broken}");
                        std::process::exit(1);
                    }
                }
            }
            let (count, head) = verifier.head();
            println!(
                "audit trail intact: {count} entries; head hash {}",
                hex::encode(head)
            );
        }
        Command::Office {
            command: OfficeCommand::IssueCard { place, id },
        } => {
            let relay = office_relay(&place).await?;
            let card = relay
                .issue_card(&id, nubefirma_relay::audit::COMMAND_LINE)
                .await
                .map_err(|e| e.to_string())?;
            let numbers: serde_json::Map<String, serde_json::Value> = card
                .numbers
                .into_iter()
                .map(|(position, number)| (position.to_owned(), number.into()))
                .collect();
            println!(
                "{}",
                serde_json::json!({ "serial": card.serial, "numbers": numbers })
            );
        }
        Command::Office {
            command: OfficeCommand::AddOperator { place, name, phone },
        } => {
            let password = operator_password()?;
            let relay = office_relay(&place).await?;
            relay
                .add_operator(&name, &phone, &password)
                .await
                .map_err(|e| e.to_string())?;
            println!("operator {name} added");
        }
        Command::Office {
            command:
                OfficeCommand::AddEntity {
                    place,
                    name,
                    org_identifier,
                },
        } => {
            let relay = office_relay(&place).await?;
            let entity = relay
                .add_entity(&name, &org_identifier)
                .await
                .map_err(|e| e.to_string())?;
            println!("entity {} added", entity.org_identifier);
        }
        Command::Office {
            command:
                OfficeCommand::AddEntityAdmin {
                    place,
                    entity,
                    name,
                    phone,
                },
        } => {
            let password = operator_password()?;
            let relay = office_relay(&place).await?;
            relay
                .add_entity_admin(&entity, &name, &phone, &password)
                .await
                .map_err(|e| e.to_string())?;
            println!("administrator {name} of {entity} added");
        }
        Command::Office {
            command:
                OfficeCommand::Register {
                    place,
                    id,
                    given_name,
                    surname,
                    birth_date,
                    phone,
                    email,
                    id_document,
                    passport_number,
                },
        } => {
            let relay = office_relay(&place).await?;
            let req = RegisterCitizenRequest {
                id_number: id,
                given_name,
                surname,
                birth_date,
                phone,
                email,
                id_document,
                passport_number,
            };
            match relay
                .register_citizen(&req, nubefirma_relay::audit::COMMAND_LINE)
                .await
            {
                Ok(answer) => println!("{}", serde_json::to_string(&answer)?),
                Err(e) => return Err(e.to_string().into()),
            }
        }
    }
    Ok(())
}
