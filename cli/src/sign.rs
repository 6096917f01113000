//! `nubefirma sign`: log in, pick the certificate, hash the files, one SMS code for all of them,
//! sign the hashes, (level T) time-stamp each signature value, write each `.p7s`, log out.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_containers::asic::{self, DataObject};
use nubefirma_containers::format::Format;
use nubefirma_containers::pades::VisibleSignature;
use nubefirma_containers::staged::{
    Document, Finished, Signer, StageOptions, Staged, stage, stage_asice,
};
use nubefirma_containers::zip::{ZipError, ZipWriter};
use nubefirma_protocol::csc::{
    AuthorizeRequest, AuthorizeResponse, CertificatesWanted, CredentialInfo,
    CredentialsInfoRequest, CredentialsListRequest, CredentialsListResponse, LoginRequest,
    LoginResponse, MAX_HASHES_PER_CALL, OID_ECDSA_WITH_SHA256, OID_SHA256, SendOtpRequest,
    SignHashRequest, SignHashResponse, TimestampRequest, TimestampResponse,
};
use nubefirma_protocol::verification::verification_code;
use sha2::{Digest, Sha256};

use crate::Level;
use crate::relay::Relay;

/// Read the files in pieces of this size: any file size, little memory.
const READ_CHUNK: usize = 1 << 20;

/// What to sign and how.
pub struct SignArgs<'a> {
    pub relay_url: &'a str,
    pub id: &'a str,
    pub format: Format,
    pub level: Level,
    /// PAdES: where to draw the signature.
    pub visible: Option<VisibleSignature>,
    /// ASiC-E: XAdES instead of CAdES.
    pub asice_xades: bool,
    pub out: Option<&'a Path>,
    pub files: &'a [PathBuf],
}

pub fn run(args: &SignArgs<'_>) -> Result<(), String> {
    let SignArgs {
        relay_url,
        id,
        format,
        out,
        files,
        ..
    } = *args;
    if files.len() > MAX_HASHES_PER_CALL {
        return Err(format!(
            "{} files given; at most {MAX_HASHES_PER_CALL} can be signed at once",
            files.len()
        ));
    }
    let outputs = if format.one_output_for_all() {
        // One container for all: named after the first file.
        let outputs = output_paths(&files[..1], out, format)?;
        if outputs.iter().any(|o| files.contains(o)) {
            return Err("the container would overwrite an input".into());
        }
        outputs
    } else {
        output_paths(files, out, format)?
    };
    let relay = Relay::new(relay_url)?;
    let mut stdin = std::io::stdin().lock();
    let password = match std::env::var("NUBEFIRMA_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => read_line(
            &mut stdin,
            "the password (set NUBEFIRMA_PASSWORD, or give it as the first line of standard input)",
        )?,
    };

    let login: LoginResponse =
        relay.post_basic("auth/login", id.trim(), &password, &LoginRequest::default())?;
    drop(password);
    let token = login.access_token;
    let outcome = sign_in_session(&relay, &token, args, &outputs, &mut stdin);
    // The session is of no further use: end it rather than leave a live token behind.
    if let Err(e) = relay.post_no_content("auth/revoke", &token, &serde_json::json!({})) {
        eprintln!("nubefirma: warning: could not end the session: {e}");
    }
    outcome
}

fn sign_in_session(
    relay: &Relay,
    token: &str,
    args: &SignArgs<'_>,
    outputs: &[PathBuf],
    stdin: &mut impl BufRead,
) -> Result<(), String> {
    let SignArgs {
        format,
        level,
        files,
        ..
    } = *args;
    let list: CredentialsListResponse = relay.post(
        "credentials/list",
        token,
        &CredentialsListRequest {
            only_valid: true,
            ..Default::default()
        },
    )?;
    let credential_id = match list.credential_ids.as_slice() {
        [] => {
            return Err("no valid certificate: create one first, e.g. in the portal".into());
        }
        [only] => only.clone(),
        [first, ..] => {
            eprintln!(
                "{} valid certificates; using the first, {first}",
                list.credential_ids.len()
            );
            first.clone()
        }
    };
    let info: CredentialInfo = relay.post(
        "credentials/info",
        token,
        &CredentialsInfoRequest {
            credential_id: credential_id.clone(),
            certificates: CertificatesWanted::Chain,
            cert_info: true,
            auth_info: false,
        },
    )?;
    let chain = info
        .cert
        .certificates
        .iter()
        .map(|c| STANDARD.decode(c))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the relay sent a certificate that is not base64: {e}"))?;
    let (signer, issuers) = chain
        .split_first()
        .ok_or("the relay sent no certificate for the credential")?;
    if let Some(subject) = &info.cert.subject_dn {
        eprintln!("Certificate: {subject}");
    }

    let signing_time = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| format!("the system clock is before 1970: {e}"))?
        .as_secs();
    let signing_time = i64::try_from(signing_time).map_err(|e| format!("system clock: {e}"))?;
    let signer = Signer {
        certificate_der: signer,
        chain_der: issuers,
        signing_time_unix_seconds: signing_time,
    };
    let options = StageOptions {
        visible: args.visible,
        with_timestamp: level == Level::T,
    };
    let mut prepared: Vec<Staged> = Vec::with_capacity(files.len());
    // ASiC-E: each document's name in the container and its SHA-256, as signed.
    let mut asice_objects: Vec<(String, [u8; 32])> = Vec::new();
    if format.one_output_for_all() {
        for file in files {
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .ok_or_else(|| format!("{}: no file name, or not UTF-8", file.display()))?;
            asice_objects.push((name.to_owned(), sha256_of_file(file)?));
        }
        let objects: Vec<DataObject<'_>> = asice_objects
            .iter()
            .map(|(name, sha256)| DataObject {
                name,
                mime_type: "application/octet-stream",
                sha256: *sha256,
            })
            .collect();
        prepared.push(
            stage_asice(&objects, &signer, args.asice_xades)
                .map_err(|e| format!("cannot prepare the container: {e}"))?,
        );
    } else {
        for file in files {
            let document = if format.reads_whole_document() {
                Document::Bytes(
                    std::fs::read(file)
                        .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
                )
            } else {
                Document::Digest(sha256_of_file(file)?)
            };
            prepared.push(
                stage(format, document, &signer, &options).map_err(|e| {
                    format!("cannot prepare the signature of {}: {e}", file.display())
                })?,
            );
        }
    }
    let dtbs: Vec<[u8; 32]> = prepared
        .iter()
        .map(Staged::data_to_be_signed_sha256)
        .collect();
    let hashes: Vec<String> = dtbs.iter().map(|d| STANDARD.encode(d)).collect();

    relay.post_no_content(
        "credentials/sendOTP",
        token,
        &SendOtpRequest {
            credential_id: credential_id.clone(),
            hashes: Some(hashes.clone()),
            hash_algorithm_oid: Some(OID_SHA256.into()),
        },
    )?;
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "Signing {} document(s). Verification code: {} — the SMS must show the same code.",
        files.len(),
        verification_code(&dtbs)
    );
    let _ = write!(stderr, "SMS code: ");
    let _ = stderr.flush();
    drop(stderr);
    let otp = read_line(stdin, "the SMS code")?.trim().to_owned();
    if !std::io::stdin().is_terminal() {
        // Typed input ends the prompt's line; piped input does not.
        eprintln!();
    }

    let authorized: AuthorizeResponse = relay.post(
        "credentials/authorize",
        token,
        &AuthorizeRequest {
            credential_id: credential_id.clone(),
            num_signatures: u32::try_from(hashes.len()).map_err(|e| e.to_string())?,
            hashes: hashes.clone(),
            hash_algorithm_oid: OID_SHA256.into(),
            otp: Some(otp),
            auth_data: None,
        },
    )?;
    let signed: SignHashResponse = relay.post(
        "signatures/signHash",
        token,
        &SignHashRequest {
            credential_id,
            sad: authorized.sad,
            hashes,
            hash_algorithm_oid: OID_SHA256.into(),
            sign_algo: OID_ECDSA_WITH_SHA256.into(),
        },
    )?;
    if signed.signatures.len() != prepared.len() {
        return Err(format!(
            "the relay sent {} signature(s) for {} document(s)",
            signed.signatures.len(),
            prepared.len()
        ));
    }

    for ((prepared, signature), (file, output)) in prepared
        .into_iter()
        .zip(&signed.signatures)
        .zip(files.iter().zip(outputs))
    {
        let signature = STANDARD
            .decode(signature)
            .map_err(|e| format!("the relay sent a signature that is not base64: {e}"))?;
        let token_der = match level {
            Level::B => None,
            Level::T => {
                let imprint = prepared
                    .timestamp_imprint(&signature)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                let stamped: TimestampResponse = relay.post(
                    "signatures/timestamp",
                    token,
                    &TimestampRequest {
                        hash: STANDARD.encode(imprint),
                        hash_algorithm_oid: OID_SHA256.into(),
                        nonce: None,
                    },
                )?;
                Some(STANDARD.decode(&stamped.timestamp).map_err(|e| {
                    format!("the relay sent a timestamp token that is not base64: {e}")
                })?)
            }
        };
        let finished = prepared
            .finish(&signature, token_der.as_deref())
            .map_err(|e| format!("cannot assemble the signature of {}: {e}", file.display()))?;
        match finished {
            Finished::File(container) => {
                std::fs::write(output, &container)
                    .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
                eprintln!("Signed {} → {}", file.display(), output.display());
            }
            Finished::MetaInf(entries) => {
                let written = write_asice(output, files, &asice_objects, &entries);
                if written.is_err() {
                    // Never leave half a container behind.
                    let _ = std::fs::remove_file(output);
                }
                written?;
                eprintln!("Signed {} file(s) → {}", files.len(), output.display());
            }
        }
    }
    Ok(())
}

/// Streams the ASiC-E: `mimetype`, each document read again in pieces (and checked to be the
/// one signed: a file changed since it was hashed is an error), then the `META-INF/` entries.
fn write_asice(
    output: &Path,
    files: &[PathBuf],
    objects: &[(String, [u8; 32])],
    meta_inf: &[(String, Vec<u8>)],
) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(
        File::create(output).map_err(|e| format!("cannot create {}: {e}", output.display()))?,
    );
    let zip_error = |e: ZipError| format!("{}: {e}", output.display());
    let write_error = |e: std::io::Error| format!("cannot write {}: {e}", output.display());
    let mut zip = ZipWriter::new();
    out.write_all(
        &zip.stored_entry("mimetype", asic::MIMETYPE.as_bytes())
            .map_err(zip_error)?,
    )
    .map_err(write_error)?;
    for (path, (name, signed_sha256)) in files.iter().zip(objects) {
        out.write_all(&zip.begin_entry(name).map_err(zip_error)?)
            .map_err(write_error)?;
        let mut input =
            File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; READ_CHUNK];
        loop {
            let n = input
                .read(&mut buffer)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let Some(chunk) = buffer.get(..n).filter(|c| !c.is_empty()) else {
                break;
            };
            hasher.update(chunk);
            zip.write(chunk).map_err(zip_error)?;
            out.write_all(chunk).map_err(write_error)?;
        }
        if <[u8; 32]>::from(hasher.finalize()) != *signed_sha256 {
            return Err(format!(
                "{} changed while it was being signed; nothing was written",
                path.display()
            ));
        }
        out.write_all(&zip.end_entry().map_err(zip_error)?)
            .map_err(write_error)?;
    }
    for (name, bytes) in meta_inf {
        out.write_all(&zip.stored_entry(name, bytes).map_err(zip_error)?)
            .map_err(write_error)?;
    }
    out.write_all(&zip.finish().map_err(zip_error)?)
        .map_err(write_error)?;
    out.flush().map_err(write_error)
}

/// Each output (`FILE.p7s`, `FILE_signed.pdf`, …) next to its file, or in `out`; two files may
/// not end up in the same place, and no output may overwrite an input.
fn output_paths(
    files: &[PathBuf],
    out: Option<&Path>,
    format: Format,
) -> Result<Vec<PathBuf>, String> {
    if let Some(dir) = out
        && !dir.is_dir()
    {
        return Err(format!("--out {}: not a folder", dir.display()));
    }
    let mut seen = HashSet::new();
    let mut outputs = Vec::with_capacity(files.len());
    for file in files {
        if !file.is_file() {
            return Err(format!("{}: not a readable file", file.display()));
        }
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: no file name, or not UTF-8", file.display()))?;
        let output_name = format.output_name(name);
        let output = match out {
            Some(dir) => dir.join(&output_name),
            None => file.with_file_name(&output_name),
        };
        if files.contains(&output) {
            return Err(format!("{} would overwrite an input", output.display()));
        }
        if !seen.insert(output.clone()) {
            return Err(format!(
                "two files would be signed into the same {}",
                output.display()
            ));
        }
        outputs.push(output);
    }
    Ok(outputs)
}

/// SHA-256 of a file, read in 1 MiB pieces.
pub fn sha256_of_file(path: &Path) -> Result<[u8; 32], String> {
    let mut file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; READ_CHUNK];
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher.finalize().into())
}

/// One line from standard input, without its line end; an empty input is an error.
fn read_line(stdin: &mut impl BufRead, what: &str) -> Result<String, String> {
    let mut line = String::new();
    let n = stdin
        .read_line(&mut line)
        .map_err(|e| format!("cannot read {what} from standard input: {e}"))?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if n == 0 || line.is_empty() {
        return Err(format!("no {what} on standard input"));
    }
    Ok(line)
}
