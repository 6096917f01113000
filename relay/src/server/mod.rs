//! Serving the router: plain HTTP (development, or behind a reverse proxy) or HTTPS with rustls
//! (HTTP/1.1 and HTTP/2), until SIGTERM or Ctrl-C; then no new connections are taken, requests
//! in flight finish, and after `SHUTDOWN_GRACE` whatever is left is dropped.

pub mod headers;
pub mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

/// How long requests in flight may run on after the signal to stop.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Resolves on SIGTERM (systemd, containers) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!(
        grace_seconds = SHUTDOWN_GRACE.as_secs(),
        "stopping: no new connections; finishing the requests in flight"
    );
}

/// Serves `app` on `listener`, over TLS when `tls` is given, until `shutdown_signal`.
pub async fn serve(
    app: Router,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> std::io::Result<()> {
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    match tls {
        None => {
            let (stopping, mut stopped) = tokio::sync::watch::channel(false);
            let server = axum::serve(listener, service).with_graceful_shutdown(async move {
                shutdown_signal().await;
                let _ = stopping.send(true);
            });
            tokio::select! {
                result = server.into_future() => result,
                () = async {
                    let _ = stopped.wait_for(|s| *s).await;
                    tokio::time::sleep(SHUTDOWN_GRACE).await;
                } => {
                    tracing::warn!("requests still in flight after the grace period: dropped");
                    Ok(())
                }
            }
        }
        Some(config) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown_signal().await;
                stopper.graceful_shutdown(Some(SHUTDOWN_GRACE));
            });
            axum_server::from_tcp_rustls(
                listener.into_std()?,
                axum_server::tls_rustls::RustlsConfig::from_config(config),
            )?
            .handle(handle)
            .serve(service)
            .await
        }
    }
}
