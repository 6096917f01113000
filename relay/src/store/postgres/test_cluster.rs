//! A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` from Debian's
//! /usr/lib/postgresql/*/bin (scripts/setup.sh installs them), in a folder of its own under
//! the system's temporary folder, listening only on a unix socket in that folder (no TCP), on
//! a port found free so its socket's name is unique. One cluster per test binary, started at
//! first use; each test gets a database of its own (`fresh_database`).
//!
//! PostgreSQL refuses to run as root, and CI runs as root: then the cluster runs as the
//! `postgres` system user (Debian's package makes it) through `runuser`, and its folder is
//! given to that user. Test binaries are never told when they end (statics are not dropped),
//! so a watchdog shell started with the cluster waits for this process to exit, then stops
//! the server at once (SIGQUIT, what `pg_ctl stop -m immediate` sends) and deletes the folder.
//!
//! Missing binaries fail the test with a message naming scripts/setup.sh: never a silent skip.
//!
//! Shared by the crate's unit tests (`store::postgres::test_cluster`) and by integration
//! tests, which include this file with `#[path]`: it uses only std and sqlx.

#![allow(dead_code)]

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sqlx::Connection;

/// A running cluster.
pub struct Cluster {
    /// Its folder: `data/` (the cluster), the server's log and its unix socket.
    dir: PathBuf,
    port: u16,
    /// Kept, never waited for: it ends after this process does.
    _watchdog: Child,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The test binary's cluster, started at the first call. Panics (failing the test) when it
/// cannot start, with the reason.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(cluster) => cluster,
        Err(why) => panic!("no PostgreSQL cluster for the tests: {why}"),
    }
}

/// A new empty database on the test binary's cluster: its URL.
pub async fn fresh_database() -> String {
    cluster().fresh_database().await
}

impl Cluster {
    /// The URL of `database` on this cluster, through its unix socket.
    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }

    /// Creates a new empty database and returns its URL.
    pub async fn fresh_database(&self) -> String {
        let name = format!("test_{}", DATABASES.fetch_add(1, Ordering::SeqCst));
        let mut admin = sqlx::PgConnection::connect(&self.url("postgres"))
            .await
            .unwrap_or_else(|e| panic!("connecting to the test cluster: {e}"));
        // CREATE DATABASE copies template1 and refuses while another CREATE DATABASE is
        // copying it; parallel tests just try again.
        let sql = format!("CREATE DATABASE {name}");
        let mut tries = 0;
        loop {
            match sqlx::raw_sql(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut admin)
                .await
            {
                Ok(_) => break,
                Err(e) if tries < 50 && e.to_string().contains("being accessed by other users") => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("CREATE DATABASE {name}: {e}"),
            }
        }
        let _ = admin.close().await;
        self.url(&name)
    }

    fn start() -> Result<Self, String> {
        let bin = server_binaries()?;
        let as_postgres = running_as_root();
        let dir = std::env::temp_dir().join(format!(
            "nubefirma-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres {
            let (uid, gid) = postgres_user()?;
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| format!("chown {} to postgres: {e}", dir.display()))?;
        }
        // A watchdog from the start: whatever happens next, the folder (and the server, once
        // it runs) goes when this process does.
        let watchdog = start_watchdog(&dir)?;
        let port = free_port()?;
        let data = dir.join("data");
        run(
            as_postgres,
            &dir,
            &bin.join("initdb"),
            &[
                "-D",
                path_str(&data)?,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        // No TCP at all; the socket in our folder. Durability is not what tests check, so no
        // fsync; enough connections for several relays' pools and parallel tests.
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -p {port} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
             -c shared_buffers=64MB",
            path_str(&dir)?
        );
        let log = dir.join("server.log");
        run(
            as_postgres,
            &dir,
            &bin.join("pg_ctl"),
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
        .map_err(|e| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\nserver log:\n{log}")
        })?;
        Ok(Self {
            dir,
            port,
            _watchdog: watchdog,
        })
    }
}

/// The newest PostgreSQL server's binaries folder (Debian: /usr/lib/postgresql/N/bin).
fn server_binaries() -> Result<PathBuf, String> {
    let missing = "PostgreSQL's server (initdb, pg_ctl in /usr/lib/postgresql/*/bin) is not \
                   installed: run scripts/setup.sh (it installs Debian's postgresql package)";
    let versions = std::fs::read_dir("/usr/lib/postgresql").map_err(|_| missing.to_owned())?;
    let mut found: Vec<(u32, PathBuf)> = versions
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| missing.to_owned())
}

fn running_as_root() -> bool {
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The `postgres` system user's uid and gid, from /etc/passwd.
fn postgres_user() -> Result<(u32, u32), String> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| format!("/etc/passwd: {e}"))?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            match fields.as_slice() {
                ["postgres", _, uid, gid, ..] => Some((uid.parse().ok()?, gid.parse().ok()?)),
                _ => None,
            }
        })
        .ok_or_else(|| {
            "running as root, but there is no `postgres` user to run PostgreSQL as: run \
             scripts/setup.sh (Debian's postgresql package makes it)"
                .to_owned()
        })
}

fn free_port() -> Result<u16, String> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("a free port: {e}"))
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

/// Runs `program` with `args` in `dir` (as the postgres user when `as_postgres`), and fails
/// with its output when it fails.
fn run(as_postgres: bool, dir: &Path, program: &Path, args: &[&str]) -> Result<(), String> {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let output = command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{} failed ({}):\n{}{}",
        program.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// A shell that outlives nothing: it polls this process and, once it is gone, stops the
/// server immediately and deletes the cluster's folder.
fn start_watchdog(dir: &Path) -> Result<Child, String> {
    let script = r#"
        while kill -0 "$1" 2>/dev/null; do sleep 0.5; done
        pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null)
        if [ -n "$pid" ]; then
            kill -QUIT "$pid" 2>/dev/null
            for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$pid" 2>/dev/null
        fi
        rm -rf "$2"
    "#;
    Command::new("sh")
        .args(["-c", script, "watchdog"])
        .arg(std::process::id().to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the cluster's watchdog: {e}"))
}
