//! A flaky operation under `#[retry]`: it fails with "503" a few times, then succeeds.
//! Each retry is printed, then the result and the totals.
//!
//! ```text
//! cargo run --example flaky            # 4 failures, then success
//! cargo run --example flaky -- 12      # more failures than attempts: exits with the error
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use retry_runtime::{Attempt, retry};

#[derive(Debug)]
enum ServiceError {
    Unavailable(u16),
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceError::Unavailable(code) => write!(f, "{code} Service Unavailable"),
        }
    }
}

/// How many calls fail before the service recovers.
static FAILURES: AtomicU32 = AtomicU32::new(4);
static CALLS: AtomicU32 = AtomicU32::new(0);

fn print_retry(attempt: &Attempt<'_, Result<String, ServiceError>>) {
    if let Some(error) = attempt.error() {
        println!(
            "attempt {:>2} failed: {error}; retrying in {:>4} ms",
            attempt.number,
            attempt.delay.as_millis()
        );
    }
}

/// Calls the service: exponential backoff from 20 ms, capped at 200 ms, with full jitter.
#[retry(max = 10, base = "20ms", max_delay = "200ms", jitter = "full", on_retry = print_retry)]
async fn call_service() -> Result<String, ServiceError> {
    let call = CALLS.fetch_add(1, Ordering::SeqCst) + 1;
    tokio::time::sleep(Duration::from_millis(1)).await; // the request itself
    if call <= FAILURES.load(Ordering::SeqCst) {
        Err(ServiceError::Unavailable(503))
    } else {
        Ok(r#"{"message": "Request processed successfully"}"#.to_string())
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    if let Some(failures) = std::env::args().nth(1) {
        match failures.parse() {
            Ok(failures) => FAILURES.store(failures, Ordering::SeqCst),
            Err(_) => {
                eprintln!("usage: flaky [FAILURES]");
                return ExitCode::from(2);
            }
        }
    }
    let start = Instant::now();
    let result = call_service().await;
    let (calls, time) = (CALLS.load(Ordering::SeqCst), start.elapsed());
    match result {
        Ok(body) => {
            println!("success: {body} ({calls} attempts, {time:.2?})");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("gave up: {error} ({calls} attempts, {time:.2?})");
            ExitCode::FAILURE
        }
    }
}
