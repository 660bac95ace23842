//! Hedged attempts against a real HTTP server on loopback whose latency has a long tail: most
//! requests take a few milliseconds, a few take hundreds. Several concurrent clients send
//! the same number of calls three times, through reqwest:
//!
//! 1. without hedging (the request alone);
//! 2. through `#[retry(hedge = ...)]`, the hedge at the p95 latency of run 1;
//! 3. the same with a `RetryBudget`.
//!
//! It prints the latency percentiles of each run and the requests the server saw, and with
//! `--svg` draws them. `docs/hedging.md` has the figures and the command.
//!
//! ```text
//! cargo run --release -p retry-examples --example hedging -- --requests 20000 --svg docs/hedging.svg
//! cargo run --release -p retry-examples --example hedging -- --requests 2000 --check 3
//!                                      # exits 1 unless hedging cuts p99 at least 3 times
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use clap::Parser;
use plotters::prelude::*;
use retry_runtime::{Policy, RetryBudget, retry};

/// Measures hedged calls against a server with a long latency tail.
#[derive(Debug, Parser)]
struct Args {
    /// Calls per run.
    #[arg(long, default_value_t = 20_000)]
    requests: u64,
    /// Clients calling at the same time.
    #[arg(long, default_value_t = 16)]
    clients: u64,
    /// The share of requests the server answers slowly.
    #[arg(long, default_value_t = 0.02)]
    slow_share: f64,
    /// Attempts per hedged call, the first included.
    #[arg(long, default_value_t = 3)]
    max: u32,
    /// The hedge; by default the p95 latency of the run without hedging.
    #[arg(long, value_parser = humantime::parse_duration)]
    hedge: Option<Duration>,
    /// Draw the latency percentiles of the runs into this SVG file.
    #[arg(long)]
    svg: Option<std::path::PathBuf>,
    /// Exit 1 unless p99 without hedging is at least this many times p99 with it, and the
    /// hedged runs sent at most 15% more requests.
    #[arg(long)]
    check: Option<f64>,
    /// The seed of the server's latencies.
    #[arg(long, default_value_t = 2013)]
    seed: u64,
}

/// The server: request `n` waits a latency drawn from a generator seeded by `n`.
struct Server {
    requests: AtomicU64,
    seed: u64,
    slow_share: f64,
}

impl Server {
    /// 2 to 5 ms, or 200 to 400 ms for `slow_share` of the requests.
    fn latency(&self, n: u64) -> Duration {
        let mut rng = fastrand::Rng::with_seed(self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let ms = if rng.f64() < self.slow_share {
            200.0 + 200.0 * rng.f64()
        } else {
            2.0 + 3.0 * rng.f64()
        };
        Duration::from_secs_f64(ms / 1000.0)
    }
}

async fn answer(State(server): State<Arc<Server>>) -> &'static str {
    let n = server.requests.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(server.latency(n)).await;
    "ok"
}

/// A client of the server: `get` without retrying, `hedged` with hedged attempts.
struct Client {
    http: reqwest::Client,
    url: String,
    policy: Policy,
    hedge: Duration,
}

impl Client {
    async fn get(&self) -> Result<(), reqwest::Error> {
        self.http.get(&self.url).send().await?.error_for_status()?;
        Ok(())
    }

    #[retry(policy = &self.policy, hedge = self.hedge)]
    async fn hedged(&self) -> Result<(), reqwest::Error> {
        self.get().await
    }
}

/// One run: its name, each call's latency (sorted), and the requests the server saw.
struct Run {
    name: String,
    latencies: Vec<Duration>,
    requests: u64,
}

impl Run {
    /// The `q` quantile (nearest rank).
    fn quantile(&self, q: f64) -> Duration {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let rank = (q * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }
}

/// Sends `requests` calls from `clients` concurrent clients, hedged or not.
async fn run(
    name: String,
    client: Arc<Client>,
    server: &Server,
    (requests, clients): (u64, u64),
    hedged: bool,
) -> Result<Run, reqwest::Error> {
    let before = server.requests.load(Ordering::Relaxed);
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, next) = (client.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let start = Instant::now();
                if hedged {
                    client.hedged().await?;
                } else {
                    client.get().await?;
                }
                latencies.push(start.elapsed());
            }
            Ok::<_, reqwest::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await.expect("a client panicked")?);
    }
    latencies.sort_unstable();
    // Requests still being answered for dropped attempts count: the server saw them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests = server.requests.load(Ordering::Relaxed) - before;
    Ok(Run {
        name,
        latencies,
        requests,
    })
}

const QUANTILES: [(f64, &str); 4] = [(0.5, "p50"), (0.9, "p90"), (0.99, "p99"), (0.999, "p99.9")];

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn print(runs: &[Run], calls: u64) {
    println!("| run | p50 | p90 | p99 | p99.9 | requests the server saw | extra |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for run in runs {
        let cells: Vec<String> = QUANTILES
            .iter()
            .map(|&(q, _)| format!("{:.1} ms", ms(run.quantile(q))))
            .collect();
        #[allow(clippy::cast_precision_loss)]
        let extra = (run.requests as f64 / calls as f64 - 1.0) * 100.0;
        println!(
            "| {} | {} | {} | {extra:+.1}% |",
            run.name,
            cells.join(" | "),
            run.requests
        );
    }
}

/// Latency against percentile, on "nines" (p90, p99, p99.9) and a log scale.
fn draw(runs: &[Run], path: &std::path::Path) -> Result<(), String> {
    let error = |e: &dyn std::fmt::Display| e.to_string();
    let top = runs
        .iter()
        .map(|run| ms(run.quantile(0.9999)))
        .fold(10.0, f64::max);
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| error(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Latency by percentile, 2% of requests slow (loopback, axum + reqwest)",
            ("sans-serif", 18),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.3f64..3.6, (1.0f64..top * 1.5).log_scale())
        .map_err(|e| error(&e))?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("latency (ms)")
        .x_label_formatter(&|nines| {
            let percentile = format!("{:.2}", 100.0 * (1.0 - 10f64.powf(-nines)));
            format!(
                "p{}",
                percentile.trim_end_matches('0').trim_end_matches('.')
            )
        })
        .draw()
        .map_err(|e| error(&e))?;
    let colors = [RED, BLUE, GREEN];
    for (run, color) in runs.iter().zip(colors) {
        let points = (30..=360).map(|i| {
            let nines = f64::from(i) / 100.0;
            (nines, ms(run.quantile(1.0 - 10f64.powf(-nines))).max(1.0))
        });
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(|e| error(&e))?
            .label(run.name.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| error(&e))?;
    root.present().map_err(|e| error(&e))
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let args = Args::parse();
    let server = Arc::new(Server {
        requests: AtomicU64::new(0),
        seed: args.seed,
        slow_share: args.slow_share,
    });
    let app = Router::new()
        .route("/", get(answer))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let budget: &'static RetryBudget = Box::leak(Box::new(RetryBudget::new(100, 0.1)));
    let client = |policy: Policy, hedge: Duration| {
        Arc::new(Client {
            http: reqwest::Client::new(),
            url: url.clone(),
            policy,
            hedge,
        })
    };
    let policy = Policy::new().max_attempts(args.max);
    // Warm up: connections opened, the code paths run once.
    let size = (args.requests, args.clients);
    let unhedged = client(policy, Duration::ZERO);
    run(
        "warm-up".into(),
        unhedged.clone(),
        &server,
        (200, args.clients),
        false,
    )
    .await?;

    let plain = run("no hedging".into(), unhedged, &server, size, false).await?;
    let hedge = args.hedge.unwrap_or_else(|| plain.quantile(0.95));
    let name = format!("hedge = {:.1} ms (p95), max = {}", ms(hedge), args.max);
    let hedged = run(name, client(policy, hedge), &server, size, true).await?;
    let name = "the same with RetryBudget::new(100, 0.1)".to_string();
    let budgeted = run(
        name,
        client(policy.budget(budget), hedge),
        &server,
        size,
        true,
    )
    .await?;
    let runs = [plain, hedged, budgeted];
    println!(
        "{} calls per run from {} clients; {:.0}% of requests take 200-400 ms, the rest 2-5 ms\n",
        args.requests,
        args.clients,
        args.slow_share * 100.0
    );
    print(&runs, args.requests);
    if let Some(path) = &args.svg {
        draw(&runs, path)?;
    }
    let Some(ratio) = args.check else {
        return Ok(ExitCode::SUCCESS);
    };
    let p99 = |run: &Run| ms(run.quantile(0.99));
    #[allow(clippy::cast_precision_loss)]
    let extra = |run: &Run| run.requests as f64 / args.requests as f64 - 1.0;
    let mut ok = true;
    for run in &runs[1..] {
        let cut = p99(&runs[0]) / p99(run);
        println!(
            "\n{}: p99 cut {cut:.1} times (at least {ratio} required), {:+.1}% requests",
            run.name,
            extra(run) * 100.0
        );
        ok &= cut >= ratio && extra(run) <= 0.15;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
