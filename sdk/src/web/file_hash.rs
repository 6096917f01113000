//! SHA-256 of a browser `Blob`/`File`, read slice by slice so a large document is never whole
//! in memory (and never leaves the device) — in a module Web Worker when the page has one, so
//! the page stays responsive, else here on the page's thread.
//!
//! The Worker (`pkg/hash-worker.js`) runs this same wasm and calls [`digest_blob`]; the page
//! side of it (`pkg/client.js`) hands the wasm an object whose `start(blob, withCrc)` returns a
//! job: `next()` resolves to `{ done, total }` while it reads and to `{ sha256, size, crc32 }` at
//! the end; `cancel()` stops it. A Worker that cannot start or dies rejects with an error named
//! `WorkerUnavailable`: the document is then hashed here, from its start, and so is every later
//! one.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ReadableStreamDefaultReader};

use crate::digest::{DocumentDigest, DocumentHasher};

/// Progress is told (and a cancel noticed) once per this many bytes, not per chunk: a stream's
/// chunks are small, and from the Worker each report is a message to the page, which redraws
/// its progress bar (every MiB cost about 6 % of the hashing rate, BENCHMARKS.md's run).
const REPORT_EVERY_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// The most of a chunk copied into the wasm's memory at once.
const PIECE_BYTES: u32 = 1024 * 1024;

/// The longest the loop keeps the thread before letting its event loop run (ms).
const YIELD_EVERY_MS: f64 = 10.0;

/// Lets the event loop run (on the page: input, rendering, timers). A stream's reads resolve as
/// microtasks when the browser has read ahead, so without this the loop would hold the page's
/// thread for the whole document. A message to itself, unlike `setTimeout`, is not clamped.
async fn yield_to_event_loop() -> Result<(), JsValue> {
    let channel = web_sys::MessageChannel::new()?;
    let woken =
        js_sys::Promise::new(&mut |resolve, _| channel.port1().set_onmessage(Some(&resolve)));
    channel.port2().post_message(&JsValue::NULL)?;
    JsFuture::from(woken).await?;
    Ok(())
}

/// Feeds `blob` to `each` one chunk at a time, calling `progress(bytes_done, total)` every 4 MiB
/// or so and at the end, and stopping early when it answers `false` (the citizen cancelled).
/// Resolves to whether the whole blob was read.
///
/// It reads `Blob.stream()`: the browser reads ahead while this hashes, and in Chromium a
/// stream reads a file several times faster than `slice().arrayBuffer()` loops do
/// (BENCHMARKS.md measures both). One buffer in the wasm is reused for every chunk: memory
/// stays flat.
pub async fn for_each_chunk_while(
    blob: &Blob,
    mut each: impl FnMut(&[u8]),
    mut progress: impl FnMut(f64, f64) -> bool,
) -> Result<bool, JsValue> {
    let total = blob.size();
    let reader: ReadableStreamDefaultReader = blob.stream().get_reader().unchecked_into();
    let mut done_bytes = 0.0;
    let mut reported = 0.0;
    let mut scratch = Vec::new();
    let mut held_since = js_sys::Date::now();
    loop {
        let next = JsFuture::from(reader.read()).await?;
        if Reflect::get(&next, &"done".into())?.is_truthy() {
            break;
        }
        let chunk: Uint8Array = Reflect::get(&next, &"value".into())?.dyn_into()?;
        // A piece at a time: engines choose their chunk sizes (WebKit hands an in-memory Blob
        // over whole), and the wasm's buffer stays one piece long whatever they choose.
        let mut at = 0;
        while at < chunk.length() {
            if js_sys::Date::now() - held_since >= YIELD_EVERY_MS {
                yield_to_event_loop().await?;
                held_since = js_sys::Date::now();
            }
            let end = chunk.length().min(at + PIECE_BYTES);
            let piece = chunk.subarray(at, end);
            scratch.resize(piece.length() as usize, 0);
            piece.copy_to(&mut scratch);
            each(&scratch);
            done_bytes += f64::from(piece.length());
            at = end;
            if done_bytes - reported >= REPORT_EVERY_BYTES {
                reported = done_bytes;
                if !progress(done_bytes, total) {
                    // Stops the browser reading ahead; what it says back does not matter.
                    let _ = reader.cancel();
                    return Ok(false);
                }
            }
        }
    }
    if done_bytes != total {
        return Err(JsValue::from_str(
            "the file changed while it was being read",
        ));
    }
    Ok(reported == done_bytes || progress(done_bytes, total))
}

/// The SHA-256 kernel alone, over bytes already in memory (the benchmark's measure of what
/// bounds streaming hashing; not part of the documented API). Returns the hex digest.
#[doc(hidden)]
#[wasm_bindgen(js_name = benchSha256)]
pub fn bench_sha256(bytes: &[u8]) -> String {
    let mut hasher = DocumentHasher::new();
    hasher.update(bytes);
    hex_of(&hasher.finish_all().sha256)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes `blob` here, on the calling thread. `None`: cancelled.
async fn digest_here(
    blob: &Blob,
    with_crc: bool,
    progress: impl FnMut(f64, f64) -> bool,
) -> Result<Option<DocumentDigest>, JsValue> {
    let mut hasher = if with_crc {
        DocumentHasher::with_crc32()
    } else {
        DocumentHasher::new()
    };
    let read = for_each_chunk_while(blob, |chunk| hasher.update(chunk), progress).await?;
    Ok(read.then(|| hasher.finish_all()))
}

/// The Worker's entry point (`pkg/hash-worker.js`): hashes `blob`, calling
/// `onProgress(done, total)` after each chunk; resolves to `{ sha256: Uint8Array, size,
/// crc32 }` (`crc32` only when `withCrc`). Cancelling is terminating the Worker.
#[wasm_bindgen(js_name = digestBlob)]
pub async fn digest_blob(
    blob: Blob,
    with_crc: bool,
    on_progress: Function,
) -> Result<JsValue, JsValue> {
    let mut failed = None;
    let digest = digest_here(&blob, with_crc, |done, total| {
        if let Err(e) = on_progress.call2(&JsValue::NULL, &done.into(), &total.into()) {
            failed.get_or_insert(e);
        }
        true
    })
    .await?;
    if let Some(e) = failed {
        return Err(e);
    }
    let digest = digest.ok_or_else(|| JsValue::from_str("not read to its end"))?;
    let out = Object::new();
    Reflect::set(
        &out,
        &"sha256".into(),
        &Uint8Array::from(&digest.sha256[..]),
    )?;
    Reflect::set(&out, &"size".into(), &(digest.size as f64).into())?;
    if let Some(crc) = digest.crc32 {
        Reflect::set(&out, &"crc32".into(), &crc.into())?;
    }
    Ok(out.into())
}

/// Where documents are hashed: in the Worker the JS API gave (`options.hasher`), or here.
#[derive(Clone, Default)]
pub struct Hashing {
    worker: Option<JsValue>,
    /// Set once the Worker failed: every later document is hashed here without trying it again.
    worker_failed: Rc<Cell<bool>>,
}

fn call(target: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    match args {
        [] => f.call0(target),
        [a, b] => f.call2(target, a, b),
        _ => Err(JsValue::from_str("unexpected arguments")),
    }
}

fn number(value: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(value, &key.into()).ok()?.as_f64()
}

/// The Worker's answer as a digest: a malformed one is an error, never a wrong digest.
fn digest_of(answer: &JsValue, with_crc: bool) -> Result<DocumentDigest, JsValue> {
    let malformed = || JsValue::from_str("the hashing Worker's answer is malformed");
    let sha256 = Reflect::get(answer, &"sha256".into())?
        .dyn_into::<Uint8Array>()
        .map_err(|_| malformed())?
        .to_vec()
        .try_into()
        .map_err(|_| malformed())?;
    let size = number(answer, "size")
        .filter(|s| s.fract() == 0.0 && *s >= 0.0)
        .ok_or_else(malformed)? as u64;
    let crc32 = match number(answer, "crc32") {
        Some(c) if with_crc && c.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&c) => {
            Some(c as u32)
        }
        None if !with_crc => None,
        _ => return Err(malformed()),
    };
    Ok(DocumentDigest {
        sha256,
        size,
        crc32,
    })
}

fn worker_unavailable(err: &JsValue) -> bool {
    Reflect::get(err, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .is_some_and(|n| n == "WorkerUnavailable")
}

impl Hashing {
    /// `hasher` from the wasm's options: `undefined` (the raw wasm API, or no Worker in this
    /// browser) hashes here.
    pub fn from_option(hasher: JsValue) -> Self {
        Self {
            worker: (!hasher.is_undefined() && !hasher.is_null()).then_some(hasher),
            worker_failed: Rc::default(),
        }
    }

    /// SHA-256, size and (when `with_crc`) CRC-32 of `blob`, calling `progress(done, total)`
    /// as it goes; `progress` answering `false` cancels, and resolves to `None`.
    pub async fn digest(
        &self,
        blob: &Blob,
        with_crc: bool,
        mut progress: impl FnMut(f64, f64) -> bool,
    ) -> Result<Option<DocumentDigest>, JsValue> {
        if let Some(worker) = self.worker.as_ref().filter(|_| !self.worker_failed.get()) {
            match in_worker(worker, blob, with_crc, &mut progress).await {
                Err(e) if worker_unavailable(&e) => {
                    web_sys::console::warn_2(&"nubefirma: hashing on the page:".into(), &e);
                    self.worker_failed.set(true);
                }
                done => return done,
            }
        }
        digest_here(blob, with_crc, progress).await
    }
}

async fn in_worker(
    worker: &JsValue,
    blob: &Blob,
    with_crc: bool,
    progress: &mut impl FnMut(f64, f64) -> bool,
) -> Result<Option<DocumentDigest>, JsValue> {
    let job = call(worker, "start", &[blob, &with_crc.into()])?;
    loop {
        let event = JsFuture::from(js_sys::Promise::from(call(&job, "next", &[])?)).await?;
        if Reflect::has(&event, &"sha256".into())? {
            return digest_of(&event, with_crc).map(Some);
        }
        let (Some(done), Some(total)) = (number(&event, "done"), number(&event, "total")) else {
            return Err(JsValue::from_str("the hashing Worker's event is malformed"));
        };
        if !progress(done, total) {
            call(&job, "cancel", &[])?;
            return Ok(None);
        }
    }
}
