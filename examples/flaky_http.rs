//! A real HTTP service that answers `503 Service Unavailable` to its first requests, and a
//! client whose `async fn` retries with exponential backoff, a cap and full jitter.
//!
//! ```text
//! cargo run --example flaky_http                   # 10 failures, then 200 OK; exits 0
//! cargo run --example flaky_http -- --max 10       # gives up on the 10th 503; exits 1
//! cargo run --example flaky_http -- --real-delays  # base 1 s, cap 60 s, as in production
//! cargo run --example flaky_http -- --tracing      # the same story as `tracing` events
//! cargo run --example flaky_http -- --hang 2 --failures 1 --attempt-timeout 300ms
//!                                                  # two requests never answered: each is cut
//!                                                  # after 300 ms and retried
//! ```
//!
//! Colours (with `--tracing`) are written only when the output is a terminal.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use retry_examples::{Client, FlakyServer, Script};
use retry_runtime::{Jitter, Policy};

/// Calls a flaky HTTP service with retries.
#[derive(Debug, Parser)]
struct Args {
    /// How many requests the service answers with 503 before it recovers.
    #[arg(long, default_value_t = 10)]
    failures: u32,
    /// How many requests (before those failures) the service accepts and never answers.
    #[arg(long, default_value_t = 0)]
    hang: u32,
    /// How long an attempt may wait for its answer before it is dropped and retried.
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    attempt_timeout: Duration,
    /// Total attempts, the first call included.
    #[arg(long, default_value_t = 12)]
    max: u32,
    /// The delay before the first retry.
    #[arg(long, default_value = "20ms", value_parser = humantime::parse_duration)]
    base: Duration,
    /// No delay is longer than this.
    #[arg(long, default_value = "400ms", value_parser = humantime::parse_duration)]
    max_delay: Duration,
    /// Use the production values: base 1 s, cap 60 s (a run then takes minutes).
    #[arg(long)]
    real_delays: bool,
    /// Show the retries as the runtime's `tracing` events instead of this program's lines.
    #[arg(long)]
    tracing: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let (base, max_delay) = if args.real_delays {
        (Duration::from_secs(1), Duration::from_secs(60))
    } else {
        (args.base, args.max_delay)
    };
    let policy = Policy::new()
        .max_attempts(args.max)
        .base(base)
        .max_delay(max_delay)
        .jitter(Jitter::Full);
    if args.tracing {
        tracing_subscriber::fmt()
            .with_target(true)
            .with_ansi(std::io::stdout().is_terminal())
            .init();
    }

    let server = match FlakyServer::start(Script {
        hang: args.hang,
        fail: args.failures,
        retry_after: None,
    })
    .await
    {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cannot start the service on a loopback port: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "service at {} never answers {} and fails {} times; client: max {}, base {base:?}, \
         max_delay {max_delay:?}, full jitter, attempt_timeout {:?}",
        server.url(),
        args.hang,
        args.failures,
        args.max,
        args.attempt_timeout,
    );
    let quiet = args.tracing;
    let client = Client::new(server.url(), policy, args.attempt_timeout).on_retry(move |attempt| {
        if !quiet {
            let reason = attempt
                .error()
                .map_or_else(|| "-".to_string(), ToString::to_string);
            println!(
                "attempt {:>2} failed: {reason}; retrying in {} ms",
                attempt.number,
                attempt.delay.as_millis()
            );
        }
    });

    let start = Instant::now();
    let result = client.get().await;
    let (attempts, elapsed) = (server.hits(), start.elapsed());
    match result {
        Ok(body) => {
            println!("200 OK {body} ({attempts} attempts, {elapsed:.2?})");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("gave up: {error} ({attempts} attempts, {elapsed:.2?})");
            ExitCode::FAILURE
        }
    }
}
