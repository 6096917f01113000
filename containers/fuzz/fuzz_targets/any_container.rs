//! Any container on arbitrary bytes through `verify::verify` (what the SDK's and the CLI's
//! verify call): kind detection, every format's validation, carried certificates; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nubefirma_containers::verify::verify(data, None);
    let _ = nubefirma_containers::verify::verify(data, Some(&[0u8; 32]));
});
