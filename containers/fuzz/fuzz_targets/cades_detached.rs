//! CAdES validation on arbitrary bytes: `validate_cades_detached` and `validate_cades_attached`
//! must give statuses or a `StructureError`, never panic. The seeds (containers/fuzz/make-seeds.sh)
//! are signatures over `SEED_DOCUMENT`, so the checks also run down their passing branches.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nubefirma_containers::validation::{validate_cades_attached, validate_cades_detached};
use sha2::{Digest, Sha256};

/// The document the seed signatures are over (the same bytes as in make-seeds.sh).
const SEED_DOCUMENT: &[u8] = b"Documento de prueba para el fuzzing.\n";

fuzz_target!(|data: &[u8]| {
    let seed_digest: [u8; 32] = Sha256::digest(SEED_DOCUMENT).into();
    for digest in [[0u8; 32], seed_digest] {
        if let Ok(statuses) = validate_cades_detached(data, &digest) {
            assert!(!statuses.is_empty(), "Ok without a signature status");
        }
    }
    if let Ok((_content, statuses)) = validate_cades_attached(data) {
        assert!(!statuses.is_empty(), "Ok without a signature status");
    }
});
