//! A real overloaded server: an axum service on loopback with a fixed capacity (a few workers
//! behind a semaphore, the rest queued) that stalls for a few seconds, and a fleet of
//! clients calling it through reqwest under `#[retry]`, at a steady rate whatever the
//! answers (an open loop, as users are). Three runs: no limit, a `RetryBudget` per client,
//! and a `CircuitBreaker` per client. For each it prints, on the wall clock, when the service
//! was healthy again after the stall and the attempts the server received per second.
//!
//! The server does what many servers do: once a request is queued it is worked on, even
//! after its client gave up (the work is a task of its own), so attempts queued during the
//! stall are load afterwards. `docs/overload.md` has the figures and the command.
//!
//! ```text
//! cargo run --release -p retry-examples --example overload
//! cargo run --release -p retry-examples --example overload -- --seconds 12 --stall 2s --check 2
//!                      # exits 1 unless the breaker recovers at least 2 times sooner
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use clap::Parser;
use retry_runtime::{CircuitBreaker, Jitter, Policy, Rejected, RetryBudget, retry};
use tokio::sync::{Semaphore, oneshot};

/// Runs a fleet through a stall of a real server, with no limit, a budget and a breaker.
#[derive(Debug, Parser)]
struct Args {
    /// Concurrent clients.
    #[arg(long, default_value_t = 200)]
    clients: u32,
    /// Requests each client starts per second, whatever the answers.
    #[arg(long, default_value_t = 2.0)]
    rate: f64,
    /// Workers serving at once.
    #[arg(long, default_value_t = 4)]
    workers: u32,
    /// The time one request takes a worker.
    #[arg(long, default_value = "5ms", value_parser = humantime::parse_duration)]
    service: Duration,
    /// How long a client waits for an answer (`attempt_timeout`).
    #[arg(long, default_value = "250ms", value_parser = humantime::parse_duration)]
    timeout: Duration,
    /// When the stall starts, from the start of a run.
    #[arg(long, default_value = "4s", value_parser = humantime::parse_duration)]
    stall_at: Duration,
    /// How long the server stalls.
    #[arg(long, default_value = "3s", value_parser = humantime::parse_duration)]
    stall: Duration,
    /// How long each run lasts.
    #[arg(long, default_value_t = 25)]
    seconds: u64,
    /// Exit 1 unless the breaker's run recovers at least this many times sooner than the
    /// run without a limit (a run that never recovers counts as recovering at its end).
    #[arg(long)]
    check: Option<f64>,
}

/// The server's state: its workers, when it stalls, and the attempts it received.
struct Server {
    workers: Semaphore,
    service: Duration,
    /// The stall, as times from `epoch`.
    stall: (Duration, Duration),
    epoch: Instant,
    /// Attempts received, per second since `epoch`.
    received: Vec<AtomicU32>,
}

impl Server {
    /// One request: queued for a worker, then its work; a stalled server holds its workers
    /// until the stall ends. The work goes on if the client hangs up.
    async fn work(self: Arc<Self>) {
        let Ok(_worker) = self.workers.acquire().await else {
            return;
        };
        let stall_end = self.epoch + self.stall.1;
        let now = Instant::now();
        if now >= self.epoch + self.stall.0 && now < stall_end {
            tokio::time::sleep_until(stall_end.into()).await;
        }
        tokio::time::sleep(self.service).await;
    }
}

async fn answer(State(server): State<Arc<Server>>) -> StatusCode {
    let second = server.epoch.elapsed().as_secs();
    if let Some(count) = usize::try_from(second)
        .ok()
        .and_then(|s| server.received.get(s))
    {
        count.fetch_add(1, Ordering::Relaxed);
    }
    let (done, finished) = oneshot::channel();
    let work = server.clone().work();
    tokio::spawn(async move {
        work.await;
        let _ = done.send(());
    });
    match finished.await {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A failed call: no answer in time, a 5xx, or a limit refused it.
#[derive(Debug)]
enum CallError {
    Http(#[allow(dead_code)] reqwest::Error),
    Status(#[allow(dead_code)] StatusCode),
    TimedOut,
    Rejected,
}

impl From<retry_runtime::TimedOut> for CallError {
    fn from(_: retry_runtime::TimedOut) -> Self {
        CallError::TimedOut
    }
}

impl From<Rejected> for CallError {
    fn from(_: Rejected) -> Self {
        CallError::Rejected
    }
}

/// One client (one process of the fleet), with its own budget and breaker.
struct Client {
    http: reqwest::Client,
    url: String,
    policy: Policy,
    timeout: Duration,
    budget: RetryBudget,
    breaker: CircuitBreaker,
}

impl Client {
    async fn once(&self) -> Result<(), CallError> {
        let response = self
            .http
            .get(&self.url)
            .send()
            .await
            .map_err(CallError::Http)?;
        match response.status() {
            StatusCode::OK => Ok(()),
            status => Err(CallError::Status(status)),
        }
    }

    #[retry(policy = &self.policy, attempt_timeout = self.timeout)]
    async fn plain(&self) -> Result<(), CallError> {
        self.once().await
    }

    #[retry(policy = &self.policy, attempt_timeout = self.timeout, budget = &self.budget)]
    async fn budgeted(&self) -> Result<(), CallError> {
        self.once().await
    }

    #[retry(policy = &self.policy, attempt_timeout = self.timeout, breaker = &self.breaker)]
    async fn guarded(&self) -> Result<(), CallError> {
        self.once().await
    }
}

/// Which front of the fleet a run calls through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    None,
    Budget,
    Breaker,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::None => "no limit",
            Limit::Budget => "RetryBudget::new(10, 0.1) per client",
            Limit::Breaker => "CircuitBreaker per client (1 s sampling, 2 attempts, 1 s break)",
        }
    }
}

/// What a run measured.
struct Run {
    limit: Limit,
    /// Seconds after the stall's end to the end of the first second in which at least 99%
    /// of the calls that finished succeeded; `None`: not within the run.
    recovery: Option<u64>,
    /// Attempts the server received, per second.
    received: Vec<u32>,
    /// Calls that finished, and of those succeeded.
    calls: (u64, u64),
}

async fn run(args: &Args, limit: Limit) -> Result<Run, Box<dyn std::error::Error>> {
    let seconds = usize::try_from(args.seconds)?;
    let server = Arc::new(Server {
        workers: Semaphore::new(usize::try_from(args.workers)?),
        service: args.service,
        stall: (args.stall_at, args.stall_at + args.stall),
        epoch: Instant::now(),
        received: (0..seconds + 2).map(|_| AtomicU32::new(0)).collect(),
    });
    let app = Router::new()
        .route("/", get(answer))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });

    let policy = Policy::new()
        .max_attempts(3)
        .base(Duration::from_millis(100))
        .max_delay(Duration::from_secs(1))
        .jitter(Jitter::Full);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    // Per second: calls that finished, and calls that succeeded.
    let outcomes: Arc<Vec<(AtomicU32, AtomicU32)>> = Arc::new(
        (0..seconds + 2)
            .map(|_| (AtomicU32::new(0), AtomicU32::new(0)))
            .collect(),
    );
    let end = server.epoch + Duration::from_secs(args.seconds);
    let mut fleet = Vec::new();
    for index in 0..args.clients {
        let client = Arc::new(Client {
            http: http.clone(),
            url: url.clone(),
            policy,
            timeout: args.timeout,
            budget: RetryBudget::new(10, 0.1),
            breaker: CircuitBreaker::new()
                .sampling(Duration::from_secs(1))
                .minimum_throughput(2)
                .break_for(Duration::from_secs(1)),
        });
        let (outcomes, epoch, rate) = (outcomes.clone(), server.epoch, args.rate);
        fleet.push(tokio::spawn(async move {
            let mut rng = fastrand::Rng::with_seed(u64::from(index));
            let mut calls = Vec::new();
            // Poisson arrivals: exponential gaps.
            let mut next = Instant::now() + Duration::from_secs_f64(-rng.f64().ln() / rate);
            while next < end {
                tokio::time::sleep_until(next.into()).await;
                let (client, outcomes) = (client.clone(), outcomes.clone());
                calls.push(tokio::spawn(async move {
                    let result = match limit {
                        Limit::None => client.plain().await,
                        Limit::Budget => client.budgeted().await,
                        Limit::Breaker => client.guarded().await,
                    };
                    let second = usize::try_from(epoch.elapsed().as_secs()).unwrap_or(usize::MAX);
                    if let Some((finished, ok)) = outcomes.get(second) {
                        finished.fetch_add(1, Ordering::Relaxed);
                        ok.fetch_add(u32::from(result.is_ok()), Ordering::Relaxed);
                    }
                }));
                next += Duration::from_secs_f64((-(1.0 - rng.f64()).ln() / rate).max(1e-6));
            }
            for call in calls {
                let _ = call.await;
            }
        }));
    }
    for client in fleet {
        client.await?;
    }
    serving.abort();
    let stall_end = (args.stall_at + args.stall).as_secs_f64().ceil();
    let per_second: Vec<(u32, u32)> = outcomes
        .iter()
        .map(|(n, ok)| (n.load(Ordering::Relaxed), ok.load(Ordering::Relaxed)))
        .collect();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let recovery = recovery(&per_second[..seconds], stall_end as usize);
    let calls = per_second.iter().fold((0, 0), |(n, ok), (a, b)| {
        (n + u64::from(*a), ok + u64::from(*b))
    });
    let received = server
        .received
        .iter()
        .take(seconds)
        .map(|count| count.load(Ordering::Relaxed))
        .collect();
    Ok(Run {
        limit,
        recovery,
        received,
        calls,
    })
}

/// Seconds from `first` to the end of the first second in which at least 99% of the calls
/// that finished succeeded.
fn recovery(per_second: &[(u32, u32)], first: usize) -> Option<u64> {
    let healthy = per_second
        .iter()
        .enumerate()
        .skip(first)
        .find(|(_, (n, ok))| *n > 0 && f64::from(*ok) >= 0.99 * f64::from(*n))?;
    u64::try_from(healthy.0 + 1 - first).ok()
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let args = Args::parse();
    let capacity = f64::from(args.workers) / args.service.as_secs_f64();
    println!(
        "{} clients at {} requests/s each ({:.0}/s); the server serves {:.0}/s ({} workers, {:?} \
         each) and stalls from {:?} to {:?}; timeout {:?}; max = 3, 100 ms base, 1 s cap, full \
         jitter; {} s per run, wall clock\n",
        args.clients,
        args.rate,
        f64::from(args.clients) * args.rate,
        capacity,
        args.workers,
        args.service,
        args.stall_at,
        args.stall_at + args.stall,
        args.timeout,
        args.seconds,
    );
    let mut runs = Vec::new();
    for limit in [Limit::None, Limit::Budget, Limit::Breaker] {
        runs.push(run(&args, limit).await?);
    }
    println!("| limits | time to recover after the stall | calls that succeeded |");
    println!("| --- | --- | --- |");
    let never = args.seconds - (args.stall_at + args.stall).as_secs();
    for run in &runs {
        let recovery = run
            .recovery
            .map_or_else(|| format!("not within {never} s"), |s| format!("{s} s"));
        #[allow(clippy::cast_precision_loss)]
        let rate = run.calls.1 as f64 / run.calls.0.max(1) as f64 * 100.0;
        println!("| {} | {recovery} | {rate:.1}% |", run.limit.name());
    }
    println!("\nAttempts the server received, per second:\n");
    print!("| second |");
    for run in &runs {
        print!(" {} |", run.limit.name());
    }
    println!();
    println!("| --- |{}", " --- |".repeat(runs.len()));
    for second in 0..runs[0].received.len() {
        print!("| {second} |");
        for run in &runs {
            print!(" {} |", run.received[second]);
        }
        println!();
    }
    let Some(ratio) = args.check else {
        return Ok(ExitCode::SUCCESS);
    };
    // A run that never recovered counts as recovering at its end.
    #[allow(clippy::cast_precision_loss)]
    let recovery = |run: &Run| run.recovery.unwrap_or(never) as f64;
    let cut = recovery(&runs[0]) / recovery(&runs[2]).max(1.0);
    println!(
        "\nthe breaker recovers {cut:.1} times sooner than no limit (at least {ratio} required)"
    );
    Ok(if cut >= ratio {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
