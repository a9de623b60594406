//! Listening and serving: the route table, the accept loop, and the
//! handle a caller keeps while the emulator runs.
//!
//! The accept loop is hand-written rather than `axum::serve` because the
//! `drop` fault must close one connection without answering, and only the
//! task that owns a connection can do that.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Json, Router};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::ServiceExt as _;

use crate::middleware::{self, ConnectionKill};
use crate::options::Options;
use crate::state::EmulatorState;
use crate::{control, graphql, rest};

/// A running emulator; dropping it stops the server.
#[derive(Debug)]
pub struct RunningEmulator {
    base_url: String,
    state: Arc<EmulatorState>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`, with no trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The live state, for tests that prefer it to the control API.
    pub fn state(&self) -> &Arc<EmulatorState> {
        &self.state
    }

    /// Stops accepting, closes open connections and waits for the loop.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        // The loop and every connection watch this channel.
        let _ = self.stop.send(true);
    }
}

/// Starts an emulator on 127.0.0.1 and returns once it accepts requests.
///
/// The server runs as tasks on the caller's tokio runtime, so that runtime
/// must keep running (a multi-thread runtime, or the test's own) while
/// clients talk to it.
pub async fn spawn(options: Options) -> anyhow::Result<RunningEmulator> {
    let port = options.port;
    let state = Arc::new(EmulatorState::new(options).context("loading the fixture")?);
    let listener = TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
    let address = listener.local_addr().context("reading the bound address")?;

    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, router(state.clone()), stopped));
    Ok(RunningEmulator {
        base_url: format!("http://{address}"),
        state,
        stop,
        task: Some(task),
    })
}

/// Every route: the API at the root and under `/v1`, and the control API.
pub fn router(state: Arc<EmulatorState>) -> Router {
    let api = rest::routes()
        .route("/public/graphql", post(graphql::handler))
        .layer(Extension(graphql::schema(state.clone())))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::api,
        ));
    Router::new()
        .merge(api.clone())
        .nest("/v1", api)
        .nest("/__emulator", control::routes())
        .fallback(unknown_path)
        .with_state(state)
}

async fn unknown_path(request: Request) -> (StatusCode, Json<serde_json::Value>) {
    let text = format!("no such path: {}", request.uri().path());
    (StatusCode::NOT_FOUND, Json(json!({ "message": text })))
}

async fn accept_loop(listener: TcpListener, router: Router, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => serve(stream, router.clone(), stopped.clone()),
                // Running out of file descriptors passes; wait, then retry.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            _ = stopped.changed() => return,
        }
    }
}

/// Serves one connection until it ends, a `drop` fault kills it, or the
/// emulator stops.
fn serve(stream: TcpStream, router: Router, mut stopped: watch::Receiver<bool>) {
    let kill = ConnectionKill::default();
    let handle = kill.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        router.clone().oneshot(request.map(Body::new))
    });
    tokio::spawn(async move {
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .serve_connection(TokioIo::new(stream), service);
        // Leaving the select drops the connection, which closes the socket.
        tokio::select! {
            _ = connection => {}
            _ = kill.0.notified() => {}
            _ = stopped.changed() => {}
        }
    });
}
