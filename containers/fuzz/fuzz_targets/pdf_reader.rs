//! PAdES on arbitrary bytes: `pades::validate` reads the PDF (xref, objects, the signature
//! fields) and checks each signature; statuses or a `StructureError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nubefirma_containers::pades::validate(data);
});
