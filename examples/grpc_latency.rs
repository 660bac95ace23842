//! The latency of a unary tonic call on loopback with and without the retry layer: wall
//! time, the median (and the 99th percentile) of many calls that all succeed at once, in
//! alternating rounds so that both see the same machine. The figure of `BENCHMARKS.md`.
//!
//! ```text
//! cargo run --release -p retry-examples --example grpc_latency -- --calls 20000
//! ```

use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use retry_examples::grpc::{EchoClient, GrpcServer};
use retry_runtime::Policy;
use retry_runtime::tower::RetryPolicy;
use tonic::transport::Channel;
use tower::ServiceBuilder;

#[derive(Parser)]
struct Args {
    /// Calls in all, half of them through the layer.
    #[arg(long, default_value_t = 20_000)]
    calls: usize,
    /// Rounds, alternating between the two clients.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Bytes in each call's message.
    #[arg(long, default_value_t = 16)]
    message: usize,
}

const POLICY: Policy = Policy::new()
    .max_attempts(3)
    .base(Duration::from_millis(10));

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let server = GrpcServer::start([]).await.expect("a loopback port");
    let channel = Channel::from_shared(server.url())
        .expect("a URL")
        .connect()
        .await
        .expect("the server");
    let mut plain = EchoClient::new(channel.clone());
    let mut retried = EchoClient::new(
        ServiceBuilder::new()
            .layer(RetryPolicy::grpc(POLICY).layer())
            .service(channel),
    );
    let message = Bytes::from(vec![7; args.message]);
    let per_round = (args.calls / 2 / args.rounds).max(1);
    let (mut without, mut with) = (Vec::new(), Vec::new());
    // One round of each first, not counted: connections and buffers warm.
    for round in 0..=args.rounds {
        for _ in 0..per_round {
            let started = Instant::now();
            plain.unary(message.clone()).await.expect("an echo");
            if round > 0 {
                without.push(started.elapsed());
            }
        }
        for _ in 0..per_round {
            let started = Instant::now();
            retried.unary(message.clone()).await.expect("an echo");
            if round > 0 {
                with.push(started.elapsed());
            }
        }
    }
    let (median_without, p99_without) = quantiles(&mut without);
    let (median_with, p99_with) = quantiles(&mut with);
    println!(
        "{} unary calls of {} bytes each way on loopback, wall time per call:",
        without.len(),
        args.message
    );
    println!("| client | median | p99 |");
    println!("| --- | --- | --- |");
    println!("| `Channel` | {median_without:.1?} | {p99_without:.1?} |");
    println!("| `RetryPolicy::grpc` layer over it | {median_with:.1?} | {p99_with:.1?} |");
    let added = median_with.as_secs_f64() - median_without.as_secs_f64();
    println!(
        "the layer adds {:.1} µs to the median ({:+.1}%)",
        added * 1e6,
        100.0 * added / median_without.as_secs_f64()
    );
}

/// The median and the 99th percentile of `times`.
fn quantiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort_unstable();
    let at = |per_mille: usize| times[(times.len() - 1) * per_mille / 1000];
    (at(500), at(990))
}
