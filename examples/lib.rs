//! The pieces of the `flaky_http` example, shared with the integration tests: a real HTTP
//! service that fails on purpose, and a client whose call retries.

use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::any;
use retry_runtime::{Attempt, Policy, TimedOut, retry};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub mod grpc;

/// The body of a successful response.
pub const SUCCESS_BODY: &str = r#"{"message": "Request processed successfully"}"#;

/// What the service does with request `n` (1-based), whatever its method: the first `hang`
/// requests get no answer at all, the next `fail` get `503 Service Unavailable` (with a
/// `Retry-After` header when `retry_after` is set), the rest `200 OK`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Script {
    /// Requests that never get an answer.
    pub hang: u32,
    /// Requests answered with 503 after those.
    pub fail: u32,
    /// The `Retry-After` of the 503s, in seconds.
    pub retry_after: Option<u32>,
}

/// A flaky HTTP service on a loopback port, stopped when dropped.
#[derive(Debug)]
pub struct FlakyServer {
    addr: SocketAddr,
    hits: Arc<AtomicU32>,
    bodies: Arc<Mutex<Vec<Bytes>>>,
    task: JoinHandle<()>,
}

impl FlakyServer {
    /// Starts the service on `127.0.0.1`, on a port the system picks.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub async fn start(script: Script) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        Self::serve(listener, script)
    }

    /// Starts the service on `127.0.0.1` with `fail` 503s first (with `Retry-After:
    /// retry_after`, when given), as the tests of the HTTP doors want it.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn failing(fail: u32, retry_after: Option<u32>) -> Self {
        let script = Script {
            hang: 0,
            fail,
            retry_after,
        };
        Self::start(script).await.expect("a loopback port")
    }

    /// Starts the service on `listener`, bound already (to a port a client was refused
    /// on, say).
    ///
    /// # Errors
    ///
    /// When the listener cannot be handed to the runtime.
    pub fn start_on(listener: std::net::TcpListener, script: Script) -> std::io::Result<Self> {
        listener.set_nonblocking(true)?;
        Self::serve(TcpListener::from_std(listener)?, script)
    }

    fn serve(listener: TcpListener, script: Script) -> std::io::Result<Self> {
        let hits = Arc::new(AtomicU32::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (counter, received) = (hits.clone(), bodies.clone());
        let app = Router::new().route(
            "/",
            any(move |body: Bytes| {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                lock(&received).push(body);
                async move {
                    if n <= script.hang {
                        std::future::pending::<()>().await;
                    }
                    if n <= script.hang + script.fail {
                        let retry_after = script
                            .retry_after
                            .map(|secs| [(axum::http::header::RETRY_AFTER, secs.to_string())]);
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            retry_after,
                            "try again later",
                        )
                    } else {
                        (StatusCode::OK, None, SUCCESS_BODY)
                    }
                }
            }),
        );
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FlakyServer {
            addr,
            hits,
            bodies,
            task,
        })
    }

    /// The service's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Requests that reached the service so far.
    pub fn hits(&self) -> u32 {
        self.hits.load(Ordering::SeqCst)
    }

    /// The body of each request that reached the service, in order.
    pub fn bodies(&self) -> Vec<Bytes> {
        lock(&self.bodies).clone()
    }
}

/// `mutex`'s guard, whether or not a panic poisoned it (a test's assertion, say).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Drop for FlakyServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why a call failed.
#[derive(Debug)]
pub enum CallError {
    /// The service answered with an error status.
    Status(StatusCode),
    /// No answer: refused or reset.
    Transport(reqwest::Error),
    /// No answer within the attempt's time (`attempt_timeout`): the request was dropped.
    TimedOut(TimedOut),
}

impl From<TimedOut> for CallError {
    fn from(timed_out: TimedOut) -> Self {
        CallError::TimedOut(timed_out)
    }
}

impl CallError {
    /// Whether trying again may help: 5xx, 429, timeouts and connection failures.
    pub fn is_transient(&self) -> bool {
        match self {
            CallError::Status(status) => {
                status.is_server_error() || *status == StatusCode::TOO_MANY_REQUESTS
            }
            CallError::Transport(error) => {
                error.is_timeout() || error.is_connect() || error.is_request()
            }
            CallError::TimedOut(_) => true,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Status(status) => write!(f, "{status}"),
            CallError::Transport(error) if error.is_timeout() => f.write_str("timed out"),
            CallError::Transport(error) => write!(f, "request failed: {error}"),
            CallError::TimedOut(timed_out) => {
                write!(f, "timed out (no answer in {:?})", timed_out.after())
            }
        }
    }
}

impl std::error::Error for CallError {}

/// What `on_retry` gets for [`Client::get`].
pub type GetAttempt<'a> = Attempt<'a, Result<String, CallError>>;

/// A client of the flaky service, with its retry policy (from flags or configuration).
pub struct Client {
    http: reqwest::Client,
    url: String,
    policy: Policy,
    attempt_timeout: Duration,
    on_retry: Box<dyn Fn(&GetAttempt<'_>) + Send + Sync>,
}

impl Client {
    /// A client of `url` whose attempts get `attempt_timeout` each: a request still
    /// waiting for its answer then is dropped and retried (`attempt_timeout` of
    /// `#[retry]`).
    ///
    /// # Panics
    ///
    /// If the HTTP client cannot be built (no TLS is involved, so it always can).
    pub fn new(url: String, policy: Policy, attempt_timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .build()
            .expect("a plain HTTP client");
        Client {
            http,
            url,
            policy,
            attempt_timeout,
            on_retry: Box::new(|_| {}),
        }
    }

    /// Calls `hook` before each retry's sleep.
    pub fn on_retry(mut self, hook: impl Fn(&GetAttempt<'_>) + Send + Sync + 'static) -> Self {
        self.on_retry = Box::new(hook);
        self
    }

    /// `GET /`, retried on transient failures with the client's policy; an attempt that
    /// gets no answer within the client's attempt timeout is dropped and retried.
    ///
    /// # Errors
    ///
    /// The last failure, when the policy gives up or the failure is not transient.
    #[retry(
        policy = &self.policy,
        attempt_timeout = self.attempt_timeout,
        when = CallError::is_transient,
        on_retry = |attempt| (self.on_retry)(attempt),
    )]
    pub async fn get(&self) -> Result<String, CallError> {
        let response = self
            .http
            .get(&self.url)
            .send()
            .await
            .map_err(CallError::Transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(CallError::Status(status));
        }
        response.text().await.map_err(CallError::Transport)
    }
}

/// The text of the `tracing` events a test's subscriber wrote, as a user's log shows them.
#[derive(Clone, Default)]
pub struct Written(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Written {
    /// Writes this thread's events here, without colours, until the guard is dropped.
    pub fn subscribe(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().map(|bytes| bytes.clone()).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for Written {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut written) = self.0.lock() {
            written.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
