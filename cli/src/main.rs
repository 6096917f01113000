//! `nubefirma`: the citizen's signing journey on the command line, as the browser SDK does it —
//! the files are hashed here and the containers built here; only digests go to the relay — and
//! the verification of detached CAdES signatures against a trust anchor.
//!
//! Exit codes: 0 success (for `verify`: every signature holds and is trusted), 1 anything else.

mod relay;
mod sign;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "nubefirma",
    version,
    about = "Sign files with your nubefirma cloud certificate, and verify signatures"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Signs files (by default detached CAdES, FILE.p7s). The password comes from NUBEFIRMA_PASSWORD, or
    /// else from the first line of standard input; the SMS code is read from the next line.
    Sign {
        /// The relay's base URL, e.g. https://firma.example.org
        #[arg(long)]
        relay: String,
        /// Your ID number (DNI/NIE).
        #[arg(long)]
        id: String,
        /// Container: cades (detached FILE.p7s), cades-attached (FILE.p7m carrying the file),
        /// pades (FILE_signed.pdf), xades (FILE_signed.xml), asice (one FILE.asice for all).
        #[arg(long, value_enum, default_value = "cades", ignore_case = true)]
        format: FormatArg,
        /// PAdES: a visible signature at PAGE,X,Y,WIDTH,HEIGHT (PDF points from the page's
        /// lower-left corner), showing your name, ID number and the date.
        #[arg(long, value_name = "PAGE,X,Y,W,H", value_parser = parse_visible)]
        visible: Option<nubefirma_containers::pades::VisibleSignature>,
        /// ASiC-E: the signature inside, cades (a signed manifest) or xades.
        #[arg(long, value_enum, default_value = "cades", ignore_case = true)]
        asic_signature: AsicSignature,
        /// Signature level: B (basic) or T (with a trusted time from the relay's TSA).
        #[arg(long, value_enum, default_value = "B", ignore_case = true)]
        level: Level,
        /// Write the .p7s files into this folder instead of next to each file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The files to sign (at most 100).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Verifies every signature of a signed file (PAdES PDF, XAdES XML, ASiC-E, CAdES .p7m, or a
    /// detached .p7s with --content), and that each signer's certificate chains to a
    /// certificate in the trust file and was valid when it signed.
    Verify {
        /// The signed file.
        signature: PathBuf,
        /// The signed document, for a detached .p7s.
        #[arg(long)]
        content: Option<PathBuf>,
        /// PEM file with the trusted CA certificate(s), e.g. the relay's /pki/ca.pem.
        #[arg(long)]
        trust: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum AsicSignature {
    Cades,
    Xades,
}

/// `PAGE,X,Y,W,H`: a page from 1 and a rectangle of positive size.
fn parse_visible(text: &str) -> Result<nubefirma_containers::pades::VisibleSignature, String> {
    let numbers: Vec<f32> = text
        .split(',')
        .map(|n| n.trim().parse::<f32>().map_err(|e| format!("{n:?}: {e}")))
        .collect::<Result<_, _>>()?;
    let [page, x, y, width, height] = numbers[..] else {
        return Err("five numbers: PAGE,X,Y,WIDTH,HEIGHT".into());
    };
    if page < 1.0 || page.fract() != 0.0 || page > u32::MAX as f32 {
        return Err("PAGE: a page number from 1".into());
    }
    if !(width > 0.0 && height > 0.0 && x.is_finite() && y.is_finite()) {
        return Err("WIDTH and HEIGHT above 0, X and Y finite".into());
    }
    Ok(nubefirma_containers::pades::VisibleSignature {
        // The words of Spanish public administrations; the browser SDK draws the citizen's.
        labels: nubefirma_containers::pades::AppearanceLabels::SPANISH,
        page: page as u32,
        x,
        y,
        width,
        height,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    Cades,
    CadesAttached,
    Pades,
    Xades,
    Asice,
}

impl From<FormatArg> for nubefirma_containers::format::Format {
    fn from(arg: FormatArg) -> Self {
        use nubefirma_containers::format::Format;
        match arg {
            FormatArg::Cades => Format::CadesDetached,
            FormatArg::CadesAttached => Format::CadesAttached,
            FormatArg::Pades => Format::Pades,
            FormatArg::Xades => Format::Xades,
            FormatArg::Asice => Format::Asice,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Level {
    B,
    T,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Sign {
            relay,
            id,
            format,
            visible,
            asic_signature,
            level,
            out,
            files,
        } => sign::run(&sign::SignArgs {
            relay_url: &relay,
            id: &id,
            format: format.into(),
            level,
            visible,
            asice_xades: asic_signature == AsicSignature::Xades,
            out: out.as_deref(),
            files: &files,
        })
        .map(|()| true),
        Command::Verify {
            signature,
            content,
            trust,
        } => verify::run(&signature, content.as_deref(), &trust),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("nubefirma: error: {message}");
            ExitCode::FAILURE
        }
    }
}
