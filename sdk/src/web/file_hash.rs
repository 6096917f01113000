//! SHA-256 of a browser `Blob`/`File`, read slice by slice so a large document is never whole
//! in memory (and never leaves the device).

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::digest::DocumentHasher;

const CHUNK_BYTES: f64 = 1024.0 * 1024.0;

/// Hashes `blob`, calling `progress(bytes_done, total)` after each chunk.
pub async fn sha256_of_blob(
    blob: &Blob,
    mut progress: impl FnMut(f64, f64),
) -> Result<[u8; 32], JsValue> {
    let total = blob.size();
    let mut hasher = DocumentHasher::new();
    let mut offset = 0.0;
    while offset < total {
        let end = (offset + CHUNK_BYTES).min(total);
        let slice = blob.slice_with_f64_and_f64(offset, end)?;
        let buffer = JsFuture::from(slice.array_buffer()).await?;
        hasher.update(&Uint8Array::new(&buffer).to_vec());
        offset = end;
        progress(offset, total);
    }
    Ok(hasher.finish())
}
