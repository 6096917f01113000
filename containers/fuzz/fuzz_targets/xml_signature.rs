//! XAdES on arbitrary bytes: `xades::validate_enveloped` parses the XML, canonicalizes and
//! checks every ds:Signature in it; statuses or a `StructureError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nubefirma_containers::xades::validate_enveloped(data);
});
