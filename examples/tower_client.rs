//! A hyper client behind tower's retry layer, built from the same `Policy` as `#[retry]`,
//! against the flaky service: one `layer(..)` line.
//!
//! ```text
//! cargo run --example tower_client                  # 3 failures with Retry-After: 1, then 200
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use retry_examples::{FlakyServer, Script};
use retry_runtime::tower::RetryPolicy;
use retry_runtime::{Jitter, Policy};
use tower::{Service, ServiceBuilder, ServiceExt};

#[tokio::main]
async fn main() -> ExitCode {
    let script = Script {
        hang: 0,
        fail: 3,
        retry_after: Some(1),
    };
    let Ok(server) = FlakyServer::start(script).await else {
        eprintln!("cannot start the service on a loopback port");
        return ExitCode::FAILURE;
    };
    let policy = Policy::new()
        .max_attempts(5)
        .base(Duration::from_millis(100))
        .max_delay(Duration::from_millis(300))
        .jitter(Jitter::Full);
    let hyper = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let layer = RetryPolicy::http(policy)
        .on_retry(
            |a: &retry_runtime::Attempt<'_, Result<http::Response<_>, _>>| {
                let status = a.outcome.as_ref().map(http::Response::status);
                println!(
                    "attempt {} answered {status:?}; retrying in {:?}",
                    a.number, a.delay
                );
            },
        )
        .layer();
    let mut client = ServiceBuilder::new().layer(layer).service(hyper);

    println!(
        "GET {} (it answers 503, Retry-After: 1, three times)",
        server.url()
    );
    let request = http::Request::get(server.url())
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let start = Instant::now();
    let response = match client.ready().await {
        Ok(ready) => ready.call(request).await,
        Err(error) => Err(error),
    };
    match response {
        Ok(response) if response.status().is_success() => {
            println!(
                "{} after {} attempts, {:.2?} (Retry-After capped by max_delay)",
                response.status(),
                server.hits(),
                start.elapsed()
            );
            ExitCode::SUCCESS
        }
        Ok(response) => {
            println!("gave up: {}", response.status());
            ExitCode::FAILURE
        }
        Err(error) => {
            println!("gave up: {error}");
            ExitCode::FAILURE
        }
    }
}
