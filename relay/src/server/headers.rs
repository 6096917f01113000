//! Security headers on every answer. The relay serves JSON and PKI objects, never a page, so
//! the strictest policy fits everything: nothing may be framed, sniffed, cached (answers carry
//! session tokens, SADs and personal data) or referred on; HSTS when the relay itself serves
//! HTTPS.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

fn always<S>(router: Router<S>, name: HeaderName, value: &'static str) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(SetResponseHeaderLayer::overriding(
        name,
        HeaderValue::from_static(value),
    ))
}

/// `router` with the headers added; `hsts_max_age` when served over TLS.
pub fn secure<S>(router: Router<S>, hsts_max_age: Option<u64>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = always(router, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    router = always(router, header::X_FRAME_OPTIONS, "DENY");
    router = always(router, header::REFERRER_POLICY, "no-referrer");
    router = always(
        router,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    // A handler that knows its answer may be kept (none does today) sets its own.
    router = router.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    if let Some(seconds) = hsts_max_age
        && let Ok(value) = HeaderValue::from_str(&format!("max-age={seconds}"))
    {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            value,
        ));
    }
    router
}
