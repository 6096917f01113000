//! RFC 3161 timestamps on arbitrary bytes: `tsp::read_token`, `tsp::signature_imprint` and
//! `tsp::add_signature_timestamp` must answer or refuse, never panic.
//!
//! Input: the whole of it goes to `read_token` and `signature_imprint`; for
//! `add_signature_timestamp` it is split as `len: u16 (big-endian) ‖ p7s[..len] ‖ token`, the
//! layout of the seed `p7s+token` (containers/fuzz/make-seeds.sh).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nubefirma_containers::tsp::{add_signature_timestamp, read_token, signature_imprint};

fuzz_target!(|data: &[u8]| {
    let _ = read_token(data);
    let _ = signature_imprint(data);

    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let (p7s, token) = rest.split_at(usize::from(u16::from_be_bytes(*len)).min(rest.len()));
    if let Ok(stamped) = add_signature_timestamp(p7s, token) {
        // Level T adds an unsigned attribute: the signature value, hence its imprint, and the
        // token's reading stay as they were.
        let before = signature_imprint(p7s).expect("add_signature_timestamp read it");
        let after = signature_imprint(&stamped).expect("a container we wrote reads back");
        assert_eq!(before, after, "the timestamp changed the signature value");
        assert_eq!(
            read_token(token)
                .expect("add_signature_timestamp read it")
                .sha256_imprint,
            after
        );
    }
});
