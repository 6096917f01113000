//! The relay's benchmark (run by `scripts/bench.sh`, never by the tests): starts a release relay
//! in `--dev` on a temporary folder, makes citizens with certificates over HTTP as a portal
//! would, trades SMS codes from `/dev/outbox` for SADs as a client would, and measures
//! `signHash` (1 and 100 hashes per call) at saturation and at a fixed rate, `auth/login` with
//! 4 clients, and the relay's resident memory; `openssl speed` runs in the same run as the
//! anchor. Prints and writes one JSON object.
//!
//! Every security limit stays as the relay ships it. A SAD is single use and needs an SMS code,
//! and each account gets one signing code per 30 s: so the bench makes many citizens and asks
//! every one of them for a code per round, 30 s apart. Limits per client address (logins,
//! activations, office calls) are met by giving each citizen her own loopback address
//! (127.1.x.y), as different people's browsers have different addresses.
//!
//! `cargo run --profile relay-release -p nubefirma-relay --example relay_bench -- --relay
//! target/relay-release/nubefirma-relay --out relay.json`

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use futures_util::StreamExt;
use futures_util::stream;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const SHA256_OID: &str = "2.16.840.1.101.3.4.2.1";
const ECDSA_SHA256_OID: &str = "1.2.840.10045.4.3.2";
const PASSWORD: &str = "Bench-tortuga-azul-57";
/// One signing code per account per 30 s (limits.rs); a little more, for clock edges.
const ROUND_GAP: Duration = Duration::from_secs(31);

#[derive(Parser)]
struct Args {
    /// The relay binary (built with `--profile relay-release`).
    #[arg(long)]
    relay: PathBuf,
    /// Where to write the JSON results.
    #[arg(long)]
    out: PathBuf,
    /// Citizens made (each gives one SAD per round).
    #[arg(long, default_value_t = 1500)]
    citizens: usize,
    /// Logins in the burst.
    #[arg(long, default_value_t = 2000)]
    logins: usize,
    /// Calls per second of the fixed-rate run.
    #[arg(long, default_value_t = 1000)]
    rate: u32,
    /// Calls in flight during the saturation runs of single-hash signHash.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Calls of signHash with 100 hashes.
    #[arg(long, default_value_t = 1000)]
    batch_calls: usize,
    /// Only the login burst and resident memory (to compare allocators).
    #[arg(long)]
    memory_only: bool,
    /// KEY=VALUE set in the relay's environment (e.g. LD_PRELOAD=…libmimalloc.so.2).
    #[arg(long)]
    relay_env: Vec<String>,
    /// Where the relay's temporary data folder goes (default: the system's temporary folder).
    #[arg(long)]
    data_in: Option<PathBuf>,
}

/// The relay under test, a child process.
struct RelayProcess {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl RelayProcess {
    fn start(binary: &PathBuf, env: &[String], data_in: Option<&PathBuf>) -> Fallible<Self> {
        let data = match data_in {
            Some(dir) => tempfile::tempdir_in(dir)?,
            None => tempfile::tempdir()?,
        };
        let env = env
            .iter()
            .map(|kv| kv.split_once('=').ok_or("--relay-env takes KEY=VALUE"))
            .collect::<Result<Vec<_>, _>>()?;
        let mut child = Command::new(binary)
            .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path())
            .envs(env)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on http://").nth(1) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.to_owned());
                }
                // Keep reading so the relay never blocks on a full pipe.
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(60))?;
        Ok(Self {
            child,
            base: format!("http://{addr}"),
            _data: data,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn operator_token(&self) -> Fallible<String> {
        Ok(
            std::fs::read_to_string(self._data.path().join("operator.token"))?
                .trim()
                .to_owned(),
        )
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory (VmRSS) and its peak (VmHWM) of a process, in MiB.
fn memory_mib(pid: u32) -> Fallible<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> Fallible<f64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(name))
            .ok_or("no such field")?;
        let kib: f64 = line.split_whitespace().nth(1).ok_or("no value")?.parse()?;
        Ok(kib / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: &str) -> Fallible<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')').ok_or("bad stat")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat, so 12 and 13 after the name.
    let ticks: f64 = fields.get(11).ok_or("utime")?.parse::<f64>()?
        + fields.get(12).ok_or("stime")?.parse::<f64>()?;
    Ok(ticks / clock_ticks())
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU seconds the relay and this load generator use while `work` runs.
struct CpuSplit {
    relay: String,
    relay_start: f64,
    me_start: f64,
}

impl CpuSplit {
    fn start(pid: u32) -> Fallible<Self> {
        let relay = pid.to_string();
        Ok(Self {
            relay_start: cpu_seconds(&relay)?,
            me_start: cpu_seconds("self")?,
            relay,
        })
    }

    fn stop(&self) -> Fallible<(f64, f64)> {
        Ok((
            cpu_seconds(&self.relay)? - self.relay_start,
            cpu_seconds("self")? - self.me_start,
        ))
    }
}

fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

fn latency_summary(mut samples: Vec<Duration>) -> Value {
    samples.sort_unstable();
    json!({
        "p50Ms": percentile_ms(&samples, 50.0),
        "p99Ms": percentile_ms(&samples, 99.0),
        "maxMs": samples.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
    })
}

/// A DNI with its check letter.
fn dni(number: u32) -> String {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    format!("{number:08}{}", char::from(LETTERS[(number % 23) as usize]))
}

/// A citizen's own loopback address, so limits per client address count her alone.
fn address_of(i: usize) -> IpAddr {
    let i = i as u32;
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (i / 62_500) as u8,
        ((i / 250) % 250) as u8,
        (i % 250 + 1) as u8,
    ))
}

struct Citizen {
    id_number: String,
    phone: String,
    client: reqwest::Client,
    token: String,
    credential: String,
}

#[derive(Clone)]
struct Http {
    base: Arc<str>,
}

impl Http {
    async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        authorization: Option<&str>,
        body: &Value,
    ) -> Fallible<(u16, Value)> {
        let mut request = client.post(format!("{}{path}", self.base)).json(body);
        if let Some(auth) = authorization {
            request = request.header("authorization", auth);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Ok((status, value))
    }

    async fn expect(
        &self,
        client: &reqwest::Client,
        path: &str,
        authorization: Option<&str>,
        body: &Value,
        status: u16,
    ) -> Fallible<Value> {
        let (got, value) = self.post(client, path, authorization, body).await?;
        if got != status {
            return Err(format!("{path}: {got} {value}").into());
        }
        Ok(value)
    }

    /// The six-digit code of the newest SMS to `phone`.
    async fn last_code(&self, client: &reqwest::Client, phone: &str) -> Fallible<String> {
        let to = phone.replace('+', "%2B");
        let rows: Value = client
            .get(format!("{}/dev/outbox?to={to}", self.base))
            .send()
            .await?
            .json()
            .await?;
        let text = rows
            .as_array()
            .and_then(|rows| rows.iter().rev().find(|r| r["channel"] == "sms"))
            .and_then(|r| r["text"].as_str())
            .ok_or("no SMS")?;
        Ok(text
            .split(|c: char| !c.is_ascii_digit())
            .find(|run| run.len() == 6)
            .ok_or("no code in the SMS")?
            .to_owned())
    }
}

fn text(value: &Value, field: &str) -> Fallible<String> {
    Ok(value[field]
        .as_str()
        .ok_or_else(|| format!("no {field} in {value}"))?
        .to_owned())
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{user}:{password}").as_bytes())
    )
}

/// Register at the office, activate with the SMS code, log in, make her certificate.
async fn make_citizen(http: &Http, operator: &str, i: usize) -> Fallible<Citizen> {
    let client = reqwest::Client::builder()
        .local_address(address_of(i))
        .build()?;
    let id_number = dni(20_000_000 + i as u32);
    let phone = format!("+346{:08}", i);
    let office = format!("Bearer {operator}");
    let registered = http
        .expect(
            &client,
            "/office/v1/citizens",
            Some(&office),
            &json!({ "idNumber": id_number, "givenName": "Carmen", "surname": "Prueba Ruiz",
                     "birthDate": "1990-02-03", "phone": phone, "email": format!("bench.{i}@example.es") }),
            201,
        )
        .await?;
    let started = http
        .expect(
            &client,
            "/api/v1/activation/start",
            None,
            &json!({ "idNumber": id_number, "activationCode": text(&registered, "activationCode")? }),
            200,
        )
        .await?;
    let code = http.last_code(&client, &phone).await?;
    http.expect(
        &client,
        "/api/v1/activation/complete",
        None,
        &json!({ "activationId": text(&started, "activationId")?, "smsCode": code,
                 "password": PASSWORD, "acceptTerms": true }),
        200,
    )
    .await?;
    let login = http
        .expect(
            &client,
            "/csc/v2/auth/login",
            Some(&basic(&id_number, PASSWORD)),
            &json!({}),
            200,
        )
        .await?;
    let token = format!("Bearer {}", text(&login, "access_token")?);
    let challenge = http
        .expect(
            &client,
            "/api/v1/credentials",
            Some(&token),
            &json!({}),
            202,
        )
        .await?;
    let code = http.last_code(&client, &phone).await?;
    let confirmed = http
        .expect(
            &client,
            &format!(
                "/api/v1/credentials/{}/confirm",
                text(&challenge, "challengeId")?
            ),
            Some(&token),
            &json!({ "smsCode": code }),
            201,
        )
        .await?;
    Ok(Citizen {
        id_number,
        phone,
        client,
        token,
        credential: text(&confirmed, "credentialID")?,
    })
}

/// What one signHash call needs: whose, which SAD, which hashes.
struct Authorized {
    citizen: usize,
    sad: String,
    hashes: Vec<String>,
}

fn hashes_for(round: u32, citizen: usize, count: usize) -> Vec<String> {
    (0..count)
        .map(|k| STANDARD.encode(Sha256::digest(format!("bench {round} {citizen} {k}"))))
        .collect()
}

/// sendOTP, the code from the outbox, authorize: one SAD, as a client gets it.
async fn authorize(
    http: &Http,
    citizens: &[Citizen],
    i: usize,
    round: u32,
    count: usize,
) -> Fallible<Authorized> {
    let c = &citizens[i];
    let hashes = hashes_for(round, i, count);
    http.expect(
        &c.client,
        "/csc/v2/credentials/sendOTP",
        Some(&c.token),
        &json!({ "credentialID": c.credential, "hashes": hashes, "hashAlgorithmOID": SHA256_OID }),
        204,
    )
    .await?;
    let otp = http.last_code(&c.client, &c.phone).await?;
    let sad = http
        .expect(
            &c.client,
            "/csc/v2/credentials/authorize",
            Some(&c.token),
            &json!({ "credentialID": c.credential, "numSignatures": count, "hashes": hashes,
                     "hashAlgorithmOID": SHA256_OID, "OTP": otp }),
            200,
        )
        .await?;
    Ok(Authorized {
        citizen: i,
        sad: text(&sad, "SAD")?,
        hashes,
    })
}

async fn authorize_round(
    http: &Http,
    citizens: &[Citizen],
    round: u32,
    take: usize,
    count: usize,
) -> Fallible<Vec<Authorized>> {
    let results: Vec<Fallible<Authorized>> = stream::iter(0..take.min(citizens.len()))
        .map(|i| authorize(http, citizens, i, round, count))
        .buffer_unordered(8)
        .collect()
        .await;
    results.into_iter().collect()
}

/// One signHash call; checks it gave one signature per hash.
async fn sign_hash(
    http: &Http,
    client: &reqwest::Client,
    citizens: &[Citizen],
    a: &Authorized,
) -> Fallible<()> {
    let c = &citizens[a.citizen];
    let signed = http
        .expect(
            client,
            "/csc/v2/signatures/signHash",
            Some(&c.token),
            &json!({ "credentialID": c.credential, "SAD": a.sad, "hashes": a.hashes,
                     "hashAlgorithmOID": SHA256_OID, "signAlgo": ECDSA_SHA256_OID }),
            200,
        )
        .await?;
    let n = signed["signatures"].as_array().map_or(0, Vec::len);
    if n != a.hashes.len() {
        return Err(format!("{n} signatures for {} hashes", a.hashes.len()).into());
    }
    Ok(())
}

/// signHash as fast as `concurrency` callers go: hashes/s, latencies, CPU split.
async fn saturate(
    http: &Http,
    client: &reqwest::Client,
    citizens: &[Citizen],
    work: &[Authorized],
    concurrency: usize,
    pid: u32,
) -> Fallible<Value> {
    let cpu = CpuSplit::start(pid)?;
    let started = Instant::now();
    let results: Vec<Fallible<Duration>> = stream::iter(work)
        .map(|a| async move {
            let t = Instant::now();
            sign_hash(http, client, citizens, a).await?;
            Ok(t.elapsed())
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let (relay_cpu, bench_cpu) = cpu.stop()?;
    let latencies = results.into_iter().collect::<Fallible<Vec<_>>>()?;
    let hashes: usize = work.iter().map(|a| a.hashes.len()).sum();
    let mut out = latency_summary(latencies);
    out["calls"] = json!(work.len());
    out["hashesPerCall"] = json!(work.first().map_or(0, |a| a.hashes.len()));
    out["concurrency"] = json!(concurrency);
    out["seconds"] = json!(seconds);
    out["hashesPerSecond"] = json!(hashes as f64 / seconds);
    out["relayCpuSeconds"] = json!(relay_cpu);
    out["benchCpuSeconds"] = json!(bench_cpu);
    out["hashesPerRelayCpuSecond"] = json!(hashes as f64 / relay_cpu);
    Ok(out)
}

/// `/healthz` every 10 ms until `stop`: the latency other requests see meanwhile.
async fn probe_healthz(
    http: Http,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> Fallible<Vec<Duration>> {
    let client = reqwest::Client::new();
    let mut samples = Vec::new();
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let t = Instant::now();
        client
            .get(format!("{}/healthz", http.base))
            .send()
            .await?
            .bytes()
            .await?;
        samples.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(samples)
}

/// signHash at a fixed rate (open loop): each call's latency counts from when it was due, so
/// a stalled relay is not hidden by a load generator that waits for it.
async fn fixed_rate(
    http: &Http,
    client: &reqwest::Client,
    citizens: &Arc<Vec<Citizen>>,
    work: Vec<Authorized>,
    rate: u32,
    pid: u32,
) -> Fallible<Value> {
    let cpu = CpuSplit::start(pid)?;
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now() + Duration::from_millis(50);
    let calls = work.len();
    let mut tasks = Vec::with_capacity(calls);
    for (n, a) in work.into_iter().enumerate() {
        let due = start + interval * n as u32;
        let (http, client, citizens) = (http.clone(), client.clone(), citizens.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(due).await;
            sign_hash(&http, &client, &citizens, &a).await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(due.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(calls);
    let mut errors = 0usize;
    for task in tasks {
        match task.await {
            Ok(Ok(latency)) => latencies.push(latency),
            _ => errors += 1,
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let (relay_cpu, bench_cpu) = cpu.stop()?;
    let mut out = latency_summary(latencies);
    out["rate"] = json!(rate);
    out["calls"] = json!(calls);
    out["errors"] = json!(errors);
    out["seconds"] = json!(seconds);
    out["relayCpuSeconds"] = json!(relay_cpu);
    out["benchCpuSeconds"] = json!(bench_cpu);
    Ok(out)
}

/// `logins` logins by `clients` callers at once, each from the citizen's own address.
async fn login_burst(
    http: &Http,
    citizens: &[Citizen],
    logins: usize,
    clients: usize,
    pid: u32,
) -> Fallible<Value> {
    let cpu = CpuSplit::start(pid)?;
    let started = Instant::now();
    let results: Vec<Fallible<Duration>> = stream::iter(0..logins)
        .map(|n| async move {
            let c = &citizens[n % citizens.len()];
            let t = Instant::now();
            http.expect(
                &c.client,
                "/csc/v2/auth/login",
                Some(&basic(&c.id_number, PASSWORD)),
                &json!({}),
                200,
            )
            .await?;
            Ok(t.elapsed())
        })
        .buffer_unordered(clients)
        .collect()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let (relay_cpu, bench_cpu) = cpu.stop()?;
    let latencies = results.into_iter().collect::<Fallible<Vec<_>>>()?;
    let mut out = latency_summary(latencies);
    out["logins"] = json!(logins);
    out["clients"] = json!(clients);
    out["seconds"] = json!(seconds);
    out["perSecond"] = json!(logins as f64 / seconds);
    out["relayCpuSeconds"] = json!(relay_cpu);
    out["benchCpuSeconds"] = json!(bench_cpu);
    Ok(out)
}

/// The database's size on disk (the file and its write-ahead log), for sizing: what each
/// citizen costs (account, certificate, sealed key, codes, audit entries).
fn database_bytes(dir: &std::path::Path) -> u64 {
    ["relay.sqlite", "relay.sqlite-wal"]
        .iter()
        .filter_map(|name| std::fs::metadata(dir.join(name)).ok())
        .map(|m| m.len())
        .sum()
}

/// How long a synced 4 KiB write takes in the folder the relay's database will be in: SQLite
/// syncs its log at every commit, and each signHash and login commits.
fn sync_write_ms(dir: &std::path::Path) -> Fallible<f64> {
    use std::io::Write;
    let path = dir.join("sync-probe");
    let mut file = std::fs::File::create(&path)?;
    let runs = 200;
    let t = Instant::now();
    for _ in 0..runs {
        file.write_all(&[0u8; 4096])?;
        file.sync_data()?;
    }
    let ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    std::fs::remove_file(path)?;
    Ok(ms)
}

/// `openssl speed -seconds 3 ecdsap256`: P-256 signatures per second on one core.
fn openssl_speed() -> Fallible<Value> {
    let out = Command::new("openssl")
        .args(["speed", "-seconds", "3", "ecdsap256"])
        .stderr(Stdio::null())
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("nistp256"))
        .ok_or("no nistp256 line from openssl speed")?;
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    // "256 bits ecdsa (nistp256) 0.0000s 0.0001s  sign/s verify/s": the last two.
    let sign = numbers
        .len()
        .checked_sub(2)
        .and_then(|i| numbers.get(i))
        .ok_or("no sign/s")?;
    let version = Command::new("openssl").arg("version").output()?;
    Ok(json!({
        "version": String::from_utf8_lossy(&version.stdout).trim(),
        "signPerSecond": sign,
    }))
}

/// The crypto alone, in this process: P-256 signatures by `p256` (the relay before) and by
/// AWS-LC (the relay now), and one argon2id run (a login now; two were a login before).
fn crypto_in_process() -> Fallible<Value> {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    let digest = [7u8; 32];
    let seconds = 1.0;
    let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let (mut n, t) = (0u32, Instant::now());
    while t.elapsed().as_secs_f64() < seconds {
        let _: p256::ecdsa::DerSignature = key.sign_prehash(&digest)?;
        n += 1;
    }
    let p256_rate = f64::from(n) / t.elapsed().as_secs_f64();
    let pkcs8 = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING)
        .map_err(|_| "aws-lc key")?
        .to_pkcs8v1()
        .map_err(|_| "aws-lc pkcs8")?;
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref())
        .map_err(|_| "aws-lc key")?;
    let imported = aws_lc_rs::digest::Digest::import_less_safe(&digest, &aws_lc_rs::digest::SHA256)
        .map_err(|_| "digest")?;
    let (mut n, t) = (0u32, Instant::now());
    while t.elapsed().as_secs_f64() < seconds {
        key.sign_digest(&imported).map_err(|_| "aws-lc sign")?;
        n += 1;
    }
    let aws_rate = f64::from(n) / t.elapsed().as_secs_f64();
    let mut hasher = nubefirma_relay::identity::password::Hasher::new();
    let phc = hasher.hash_password(PASSWORD)?;
    let runs = 20;
    let t = Instant::now();
    for _ in 0..runs {
        hasher.verify_and_derive_kek(PASSWORD, &phc, b"kek-salt-16bytes")?;
    }
    let argon2_ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(runs);
    Ok(json!({
        "p256SignPerSecond": p256_rate,
        "awsLcSignPerSecond": aws_rate,
        "loginArgon2Ms": argon2_ms,
    }))
}

async fn wait_for_round(last: Instant) {
    let ready = last + ROUND_GAP;
    tokio::time::sleep_until(tokio::time::Instant::from_std(ready)).await;
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Fallible<()> {
    // reqwest is built without a TLS provider of its own (the relay's tests choose ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let mut results: BTreeMap<&str, Value> = BTreeMap::new();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    results.insert("cores", json!(cores));

    if !args.memory_only {
        eprintln!("relay bench: openssl speed and the crypto in process");
        results.insert("openssl", openssl_speed()?);
        results.insert("crypto", crypto_in_process()?);
    }

    let relay = RelayProcess::start(&args.relay, &args.relay_env, args.data_in.as_ref())?;
    let pid = relay.pid();
    results.insert(
        "disk",
        json!({ "syncedWriteMs": sync_write_ms(relay._data.path())?,
                "folder": args.data_in.as_ref().map_or("system temporary folder".into(), |d| d.display().to_string()) }),
    );
    let http = Http {
        base: relay.base.as_str().into(),
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    // A few requests, so "idle" is a relay that has served something.
    for _ in 0..3 {
        client.get(format!("{}/healthz", http.base)).send().await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (idle_rss, _) = memory_mib(pid)?;

    eprintln!("relay bench: making {} citizens", args.citizens);
    let operator = relay.operator_token()?;
    let started = Instant::now();
    let made: Vec<Fallible<Citizen>> = stream::iter(0..args.citizens)
        .map(|i| make_citizen(&http, &operator, i))
        .buffer_unordered(8)
        .collect()
        .await;
    let mut citizens: Vec<Citizen> = made.into_iter().collect::<Fallible<_>>()?;
    citizens.sort_by(|a, b| a.id_number.cmp(&b.id_number));
    let citizens = Arc::new(citizens);
    results.insert(
        "setup",
        json!({ "citizens": citizens.len(), "seconds": started.elapsed().as_secs_f64() }),
    );
    let (after_setup_rss, _) = memory_mib(pid)?;
    let database_after_setup = database_bytes(relay._data.path());

    if args.memory_only {
        eprintln!("relay bench: {} logins, 4 clients at once", args.logins);
        results.insert(
            "login",
            login_burst(&http, &citizens, args.logins, 4, pid).await?,
        );
        let (after_logins, peak) = memory_mib(pid)?;
        tokio::time::sleep(Duration::from_secs(5)).await;
        let (end, _) = memory_mib(pid)?;
        results.insert(
            "rssMiB",
            json!({ "idle": idle_rss, "afterSetup": after_setup_rss, "afterLogins": after_logins,
                    "peakDuringLogins": peak, "end": end }),
        );
        results.insert(
            "database",
            json!({ "citizens": citizens.len(), "bytesAfterSetup": database_after_setup,
                    "bytesEnd": database_bytes(relay._data.path()) }),
        );
        let text = serde_json::to_string_pretty(&results)?;
        std::fs::write(&args.out, &text)?;
        println!("{text}");
        return Ok(());
    }

    eprintln!("relay bench: signHash, 1 hash per call, saturated");
    let work = authorize_round(&http, &citizens, 1, citizens.len(), 1).await?;
    // Counted from the round's end, so its last citizen too has waited 30 s by the next.
    let round_at = Instant::now();
    results.insert(
        "signHash1",
        saturate(&http, &client, &citizens, &work, args.concurrency, pid).await?,
    );

    wait_for_round(round_at).await;
    eprintln!("relay bench: signHash, 100 hashes per call, saturated");
    let work = authorize_round(&http, &citizens, 2, args.batch_calls, 100).await?;
    let round_at = Instant::now();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let probe = tokio::spawn(probe_healthz(http.clone(), stop.clone()));
    let mut batch = saturate(&http, &client, &citizens, &work, cores * 2, pid).await?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let healthz = probe.await??;
    batch["healthz"] = latency_summary(healthz);
    results.insert("signHash100", batch);

    wait_for_round(round_at).await;
    eprintln!("relay bench: SADs for the fixed-rate run (1 of 2)");
    let mut fixed_work = authorize_round(&http, &citizens, 3, citizens.len(), 1).await?;
    let round_at = Instant::now();

    eprintln!("relay bench: {} logins, 4 clients at once", args.logins);
    let logins = login_burst(&http, &citizens, args.logins, 4, pid).await?;
    let (after_logins_rss, peak_rss) = memory_mib(pid)?;
    results.insert("login", logins);

    wait_for_round(round_at).await;
    eprintln!("relay bench: SADs for the fixed-rate run (2 of 2)");
    fixed_work.extend(authorize_round(&http, &citizens, 4, citizens.len(), 1).await?);
    eprintln!(
        "relay bench: signHash, 1 hash per call, {} calls at {}/s",
        fixed_work.len(),
        args.rate
    );
    results.insert(
        "fixedRate",
        fixed_rate(&http, &client, &citizens, fixed_work, args.rate, pid).await?,
    );

    tokio::time::sleep(Duration::from_secs(5)).await;
    let (end_rss, end_peak) = memory_mib(pid)?;
    results.insert(
        "rssMiB",
        json!({
            "idle": idle_rss,
            "afterSetup": after_setup_rss,
            "afterLogins": after_logins_rss,
            "peakDuringLogins": peak_rss,
            "end": end_rss,
            "peak": end_peak,
        }),
    );
    // After setup: each citizen registered, activated, with a certificate. At the end: also
    // four SADs spent, logins and their sessions, and every audit entry of the run.
    results.insert(
        "database",
        json!({ "citizens": citizens.len(), "bytesAfterSetup": database_after_setup,
                "bytesEnd": database_bytes(relay._data.path()) }),
    );

    let text = serde_json::to_string_pretty(&results)?;
    std::fs::write(&args.out, &text)?;
    println!("{text}");
    Ok(())
}
