//! SHA-256 of a browser `Blob`/`File`, read slice by slice so a large document is never whole
//! in memory (and never leaves the device).

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::digest::DocumentHasher;

const CHUNK_BYTES: f64 = 1024.0 * 1024.0;

/// Feeds `blob` to `each` one chunk at a time, calling `progress(bytes_done, total)` after each.
pub async fn for_each_chunk(
    blob: &Blob,
    each: impl FnMut(&[u8]),
    mut progress: impl FnMut(f64, f64),
) -> Result<(), JsValue> {
    for_each_chunk_while(blob, each, |done, total| {
        progress(done, total);
        true
    })
    .await
    .map(|_| ())
}

/// `for_each_chunk`, stopping early when `progress` answers `false` (the citizen cancelled).
/// Resolves to whether the whole blob was read.
pub async fn for_each_chunk_while(
    blob: &Blob,
    mut each: impl FnMut(&[u8]),
    mut progress: impl FnMut(f64, f64) -> bool,
) -> Result<bool, JsValue> {
    let total = blob.size();
    let mut offset = 0.0;
    while offset < total {
        let end = (offset + CHUNK_BYTES).min(total);
        let slice = blob.slice_with_f64_and_f64(offset, end)?;
        let buffer = JsFuture::from(slice.array_buffer()).await?;
        each(&Uint8Array::new(&buffer).to_vec());
        offset = end;
        if !progress(offset, total) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Hashes `blob`, calling `progress(bytes_done, total)` after each chunk.
pub async fn sha256_of_blob(
    blob: &Blob,
    progress: impl FnMut(f64, f64),
) -> Result<[u8; 32], JsValue> {
    let mut hasher = DocumentHasher::new();
    for_each_chunk(blob, |chunk| hasher.update(chunk), progress).await?;
    Ok(hasher.finish())
}

/// The whole of `blob`, for formats that rewrite or carry the document (the caller limits the
/// size), read in chunks so progress can be shown.
pub async fn read_blob(blob: &Blob, progress: impl FnMut(f64, f64)) -> Result<Vec<u8>, JsValue> {
    // The size is a browser-reported f64 below the caller's limit: the cast cannot truncate.
    let mut bytes = Vec::with_capacity(blob.size() as usize);
    for_each_chunk(blob, |chunk| bytes.extend_from_slice(chunk), progress).await?;
    Ok(bytes)
}
