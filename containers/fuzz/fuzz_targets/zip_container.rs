//! ASiC-E on arbitrary bytes: `asic::validate` reads the ZIP (entries, deflate, CRCs) and
//! checks the CAdES or XAdES signatures in it; a report or a `StructureError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nubefirma_containers::asic::validate(data);
});
