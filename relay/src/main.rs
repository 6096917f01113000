//! `nubefirma-relay`: `serve` runs the relay; `office register` registers a citizen from a
//! shell, as a registry officer would, straight into the relay's database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};
use nubefirma_protocol::api::RegisterCitizenRequest;
use nubefirma_relay::clock::SystemClock;
use nubefirma_relay::crypto::{random_bytes, random_token};
use nubefirma_relay::identity::rate::AddressLimits;
use nubefirma_relay::keys::SoftCustody;
use nubefirma_relay::notify::DevOutbox;
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
    /// Run the relay.
    Serve {
        /// Development mode: SQLite and secrets under --data, SMS and email to the dev outbox.
        #[arg(long)]
        dev: bool,
        /// Folder for the database, master key, operator token and CA certificate.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// Browser origins allowed to call the relay (repeatable).
        #[arg(long = "cors-origin", default_values_t = ["http://localhost:8080".to_string(), "http://127.0.0.1:8080".to_string()])]
        cors_origins: Vec<String>,
        /// The relay's public base URL, written into certificates (CRL and OCSP pointers).
        /// Defaults to http://LISTEN.
        #[arg(long)]
        public_url: Option<String>,
        #[command(flatten)]
        limits: LimitArgs,
        /// Refuse signing codes whose SMS cannot name the documents (CSC v1 clients).
        #[arg(long)]
        require_hashes_for_otp: bool,
    },
    /// Registry office operations.
    Office {
        #[command(subcommand)]
        command: OfficeCommand,
    },
}

#[derive(Subcommand)]
enum OfficeCommand {
    /// Register a citizen whose ID was checked in person; prints the activation code once.
    Register {
        #[arg(long, default_value = "data")]
        data: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        given_name: String,
        #[arg(long)]
        surname: String,
        /// YYYY-MM-DD
        #[arg(long)]
        birth_date: String,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        email: String,
    },
}

/// Calls per minute per client address (defaults: docs/security-model.md).
#[derive(clap::Args)]
struct LimitArgs {
    #[arg(long, default_value_t = AddressLimits::default().login_per_minute)]
    logins_per_minute: u32,
    #[arg(long, default_value_t = AddressLimits::default().activation_per_minute)]
    activations_per_minute: u32,
    #[arg(long, default_value_t = AddressLimits::default().office_per_minute)]
    office_calls_per_minute: u32,
}

type Failure = Box<dyn std::error::Error>;

/// Reads a 32-byte secret file, creating it (mode 0600) on first start.
fn load_or_create_secret(path: &Path, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, Failure> {
    if path.exists() {
        return Ok(std::fs::read(path)?);
    }
    let value = make();
    std::fs::write(path, &value)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(value)
}

async fn open_relay(data: &Path, mut options: RelayOptions) -> Result<Arc<Relay>, Failure> {
    std::fs::create_dir_all(data)?;
    let master = load_or_create_secret(&data.join("master.key"), || random_bytes::<32>().to_vec())?;
    let master: [u8; 32] = master
        .try_into()
        .map_err(|_| "master.key must be exactly 32 bytes")?;
    let operator =
        load_or_create_secret(&data.join("operator.token"), || random_token().into_bytes())?;
    options.operator_token = String::from_utf8(operator)?.trim().to_owned();
    let store = Store::open(&data.join("relay.sqlite")).await?;
    let notifier = Arc::new(DevOutbox::new(store.clone()));
    let relay = Relay::new(
        store,
        Arc::new(SystemClock),
        Arc::new(SoftCustody::new(master)),
        notifier,
        options,
    )
    .await?;
    std::fs::write(data.join("ca.pem"), relay.ca().root_pem()?)?;
    Ok(relay)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve {
            dev,
            data,
            listen,
            cors_origins,
            public_url,
            limits,
            require_hashes_for_otp,
        } => {
            if !dev {
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
                ..RelayOptions::dev(String::new())
            };
            let relay = open_relay(&data, options).await?;
            relay.spawn_pruner();
            // Tests and scripts read the bound address (with --listen 127.0.0.1:0) from this line.
            eprintln!(
                "nubefirma relay (dev) listening on http://{listen}  data: {}",
                data.display()
            );
            eprintln!("  CA certificate: {}", data.join("ca.pem").display());
            eprintln!(
                "  operator token: {}",
                data.join("operator.token").display()
            );
            eprintln!("  SMS outbox:     http://{listen}/dev/outbox");
            let app = nubefirma_relay::router::app(relay)
                .into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
        Command::Office {
            command:
                OfficeCommand::Register {
                    data,
                    id,
                    given_name,
                    surname,
                    birth_date,
                    phone,
                    email,
                },
        } => {
            let relay = open_relay(&data, RelayOptions::dev(String::new())).await?;
            let req = RegisterCitizenRequest {
                id_number: id,
                given_name,
                surname,
                birth_date,
                phone,
                email,
            };
            match relay.register_citizen(&req).await {
                Ok(answer) => println!("{}", serde_json::to_string(&answer)?),
                Err(e) => return Err(e.to_string().into()),
            }
        }
    }
    Ok(())
}
