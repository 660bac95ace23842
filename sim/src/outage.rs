//! An outage: a fleet calls a service that rejects everything for a while, then recovers.
//!
//! The model (all times in milliseconds):
//! - `clients` clients each start requests at random (Poisson) times, `rate_per_client`
//!   per second. A request is a call under `policy` (max attempts, backoff, jitter): each
//!   failed attempt is retried after the policy's next jittered delay, drawn from
//!   [`Policy::jittered_delays`], until the attempts run out.
//! - With a budget, each client has its own [`RetryBudget`] (as each process would): an
//!   attempt that would be retried takes a token, a success gives some back, and a retry
//!   happens only while the budget allows it. The first attempt of a request always goes.
//! - With a breaker or a throttle, each client has its own [`CircuitBreaker`] or
//!   [`Throttle`], the library's types driven by the simulation's clock (their `*_at`
//!   methods), used as the engine uses them: every attempt, the first included, is admitted
//!   first (a retry when it is scheduled, before its sleep); a refused first attempt fails
//!   the request at once, a refused retry ends it with its last failure; every outcome is
//!   counted (a timeout is a failure).
//! - Each hop takes `|Normal(10, 2)|`. During the outage (`outage_start` to `outage_end`)
//!   the server rejects every attempt at once ([`Mode::Reject`]), or stalls: it queues
//!   attempts and serves none ([`Mode::Stall`]). Otherwise it serves attempts first come,
//!   first served, at `capacity` attempts per second; a client that gets no reply within
//!   `timeout` counts the attempt as failed (the server still does the work).
//!
//! Load amplification is attempts per request, for the requests started during the outage.
//! Time to recover is how long after the outage ends the first one-second window comes in
//! which at least 99% of the requests that finished, succeeded. Capacity is set above the
//! normal load and below what a fleet retrying every request `max` times sends, so a
//! backlog left by the outage drains only if the clients do not keep the load at `max`
//! times the normal.

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use retry_runtime::{CircuitBreaker, Jitter, JitteredDelays, Policy, RetryBudget, Throttle};

use crate::{Arrivals, Event, Network, Queue, budgets, derive_seed, millis};

/// The length of one bucket of [`Report::reaching`], in milliseconds.
pub const BUCKET_MS: f64 = 250.0;

/// What the server does during the outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// It rejects every attempt at once (a fast 503).
    Reject,
    /// It stalls: attempts queue up and none is served until the outage ends (a lock held,
    /// a long pause, a failover); clients time out meanwhile, and the server still works
    /// through the queue afterwards.
    Stall,
}

/// The experiment's settings.
#[derive(Debug, Clone, Copy)]
pub struct Outage {
    /// What the server does during the outage.
    pub mode: Mode,
    /// Clients in the fleet.
    pub clients: usize,
    /// Requests each client starts per second, on average.
    pub rate_per_client: f64,
    /// How long the simulation runs, in milliseconds.
    pub duration_ms: f64,
    /// When the server starts rejecting everything.
    pub outage_start_ms: f64,
    /// When it recovers.
    pub outage_end_ms: f64,
    /// Attempts the server serves per second outside the outage.
    pub capacity_per_s: f64,
    /// How long a client waits for a reply.
    pub timeout_ms: f64,
    /// The clients' retry policy.
    pub policy: Policy,
    /// Each client's budget `(max_tokens, token_ratio)`, if any.
    pub budget: Option<(u32, f64)>,
    /// Each client's circuit breaker, made by this, if any.
    pub breaker: Option<fn() -> CircuitBreaker>,
    /// Each client's adaptive throttle, made by this, if any.
    pub throttle: Option<fn() -> Throttle>,
}

impl Outage {
    /// 1,000 clients at 2 requests/s each (2,000/s), a server that serves 2,600 attempts/s
    /// and is down from 10 s to 40 s, a 500 ms timeout, 90 s in all; `max = 3`, 100 ms
    /// base, 1 s cap, full jitter; no budget.
    pub fn standard() -> Self {
        Outage {
            mode: Mode::Reject,
            clients: 1_000,
            rate_per_client: 2.0,
            duration_ms: 90_000.0,
            outage_start_ms: 10_000.0,
            outage_end_ms: 40_000.0,
            capacity_per_s: 2_600.0,
            timeout_ms: 500.0,
            policy: Policy::new()
                .max_attempts(3)
                .base(Duration::from_millis(100))
                .max_delay(Duration::from_secs(1))
                .jitter(Jitter::Full),
            budget: None,
            breaker: None,
            throttle: None,
        }
    }

    /// A 5-second stall (from 10 s to 15 s) instead of 30 seconds of rejections.
    pub fn stall() -> Self {
        Outage {
            mode: Mode::Stall,
            outage_end_ms: 15_000.0,
            ..Outage::standard()
        }
    }

    /// These settings with a `RetryBudget::new(max_tokens, token_ratio)` per client.
    pub fn with_budget(self, max_tokens: u32, token_ratio: f64) -> Self {
        Outage {
            budget: Some((max_tokens, token_ratio)),
            ..self
        }
    }

    /// These settings with a circuit breaker per client, made by `breaker`.
    pub fn with_breaker(self, breaker: fn() -> CircuitBreaker) -> Self {
        Outage {
            breaker: Some(breaker),
            ..self
        }
    }

    /// These settings with an adaptive throttle per client, made by `throttle`.
    pub fn with_throttle(self, throttle: fn() -> Throttle) -> Self {
        Outage {
            throttle: Some(throttle),
            ..self
        }
    }

    /// These settings with one attempt per request and no limit: the floor any retry
    /// policy is judged against.
    pub fn once(self) -> Self {
        Outage {
            policy: self.policy.max_attempts(1),
            budget: None,
            breaker: None,
            throttle: None,
            ..self
        }
    }
}

/// The circuit breaker that meets both goals of `docs/simulation.md` for these clients (2
/// requests a second each): it judges the last second only (the default 10 s remembers 20
/// successes per client, so it would need 20 failures to open, longer than a 5 s stall),
/// opens on 2 attempts of which half failed, and probes every 2.5 s (shorter sends more
/// probes into an outage, longer brings the fleet back later after it).
pub fn fast_breaker() -> CircuitBreaker {
    CircuitBreaker::new()
        .sampling(Duration::from_secs(1))
        .minimum_throughput(2)
        .failure_ratio(0.5)
        .break_for(Duration::from_millis(2500))
}

/// What an outage run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Requests started during the outage.
    pub requests: u64,
    /// Attempts those requests made: the ones that reached the server.
    pub attempts: u64,
    /// Attempts those requests asked for, the refused ones included.
    pub asked: u64,
    /// `attempts / requests`: attempts reaching the server per request.
    pub amplification: f64,
    /// Attempts reaching the server, per bucket of [`BUCKET_MS`] from the start.
    pub reaching: Vec<u32>,
    /// Milliseconds from the end of the outage to the first healthy one-second window, or
    /// `None` if the service never recovered before the simulation ended.
    pub recovery_ms: Option<f64>,
    /// The share of all requests, over the whole run, that succeeded.
    pub success_rate: f64,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A client starts a new request.
    Start,
    /// An attempt of request `request` reaches the server.
    Arrive { request: usize },
    /// The client learns how an attempt went.
    Done { request: usize, ok: bool },
    /// A retry of `request` is sent.
    Retry { request: usize },
}

struct Request {
    started: f64,
    sent: f64,
    attempts: u64,
    refused: u64,
    delays: JitteredDelays,
}

/// Runs the experiment once, seeded with `seed`.
///
/// # Panics
///
/// If `rate_per_client` is not a positive number.
pub fn run(outage: &Outage, seed: u64) -> Report {
    let mut fleet = Fleet::new(outage, seed);
    for client in 0..outage.clients {
        let first = fleet.arrivals.next(0.0);
        fleet.push(first, client, Kind::Start);
    }
    while let Some(event) = fleet.queue.pop() {
        if event.time > outage.duration_ms {
            break;
        }
        fleet.handle(&event);
    }
    fleet.report()
}

/// The simulation's state.
struct Fleet<'a> {
    outage: &'a Outage,
    seed: u64,
    network: Network,
    arrivals: Arrivals,
    budgets: Vec<Option<RetryBudget>>,
    breakers: Vec<Option<CircuitBreaker>>,
    throttles: Vec<Option<Throttle>>,
    /// The throttles' random draws.
    draws: SmallRng,
    requests: Vec<Request>,
    reaching: Vec<u32>,
    queue: Queue<Kind>,
    server_free_at: f64,
    /// Per one-second window: requests finished, and of those, succeeded.
    finished: Vec<(u32, u32)>,
}

impl<'a> Fleet<'a> {
    fn new(outage: &'a Outage, seed: u64) -> Self {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let windows = (outage.duration_ms / 1000.0).ceil() as usize + 1;
        Fleet {
            outage,
            seed,
            network: Network::new(10.0, 2.0, seed),
            arrivals: Arrivals::new(outage.rate_per_client, seed),
            budgets: budgets(outage.clients, outage.budget),
            breakers: (0..outage.clients)
                .map(|_| outage.breaker.map(|b| b()))
                .collect(),
            throttles: (0..outage.clients)
                .map(|_| outage.throttle.map(|t| t()))
                .collect(),
            draws: SmallRng::seed_from_u64(derive_seed(seed, u64::MAX - 1)),
            requests: Vec::new(),
            reaching: vec![0; windows * 4],
            queue: Queue::new(),
            server_free_at: 0.0,
            finished: vec![(0, 0); windows],
        }
    }

    fn push(&mut self, time: f64, client: usize, kind: Kind) {
        self.queue.push(time, client, kind);
    }

    fn in_outage(&self, time: f64) -> bool {
        time >= self.outage.outage_start_ms && time < self.outage.outage_end_ms
    }

    fn handle(&mut self, event: &Event<Kind>) {
        let (now, client) = (event.time, event.client);
        match event.kind {
            Kind::Start => {
                let request = self.requests.len();
                let delays = self
                    .outage
                    .policy
                    .jittered_delays(derive_seed(self.seed, request as u64));
                self.requests.push(Request {
                    started: now,
                    sent: now,
                    attempts: 0,
                    refused: 0,
                    delays,
                });
                let next = self.arrivals.next(now);
                self.push(next, client, Kind::Start);
                if self.admit(now, client) {
                    self.send(now, client, request);
                } else {
                    self.requests[request].refused += 1;
                    self.finish(now, false);
                }
            }
            Kind::Retry { request } => self.send(now, client, request),
            Kind::Arrive { request } => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                if let Some(bucket) = self.reaching.get_mut((now / BUCKET_MS) as usize) {
                    *bucket += 1;
                }
                let (at, ok) = self.serve(now, self.requests[request].sent);
                self.push(at, client, Kind::Done { request, ok });
            }
            Kind::Done { request, ok } => self.done(now, client, request, ok),
        }
    }

    /// Sends an attempt of `request` at `now`.
    fn send(&mut self, now: f64, client: usize, request: usize) {
        self.requests[request].sent = now;
        self.requests[request].attempts += 1;
        let hop = self.network.hop();
        self.push(now + hop, client, Kind::Arrive { request });
    }

    /// Whether `client`'s throttle and breaker let an attempt be made at `now`, asked as the
    /// engine asks them: an open breaker first, then the throttle, then the breaker's probe.
    fn admit(&mut self, now: f64, client: usize) -> bool {
        let at = Duration::from_secs_f64(now / 1000.0);
        let breaker = self.breakers[client].as_ref();
        if breaker.is_some_and(|b| b.state_at(at) == retry_runtime::BreakerState::Open) {
            return false;
        }
        if let Some(throttle) = &self.throttles[client] {
            if throttle.admit_at(at, self.draws.random::<f64>()).is_err() {
                return false;
            }
        }
        breaker.is_none_or(|b| b.admit_at(at).is_ok())
    }

    /// Counts an attempt's outcome with `client`'s breaker and throttle.
    fn count(&self, now: f64, client: usize, ok: bool) {
        let at = Duration::from_secs_f64(now / 1000.0);
        if let Some(breaker) = &self.breakers[client] {
            if ok {
                breaker.success_at(at);
            } else {
                breaker.failure_at(at);
            }
        }
        if let (Some(throttle), true) = (&self.throttles[client], ok) {
            throttle.success_at(at);
        }
    }

    /// A request finishes at `now`.
    fn finish(&mut self, now: f64, ok: bool) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        if let Some(window) = self.finished.get_mut((now / 1000.0) as usize) {
            window.0 += 1;
            window.1 += u32::from(ok);
        }
    }

    /// When the client learns the outcome of an attempt sent at `sent` that reaches the
    /// server at `now`, and whether it succeeded.
    fn serve(&mut self, now: f64, sent: f64) -> (f64, bool) {
        let outage = self.outage;
        if outage.mode == Mode::Reject && self.in_outage(now) {
            return (now + self.network.hop(), false);
        }
        let mut start = self.server_free_at.max(now);
        if outage.mode == Mode::Stall && self.in_outage(start) {
            start = outage.outage_end_ms;
        }
        self.server_free_at = start + 1000.0 / outage.capacity_per_s;
        let reply = self.server_free_at + self.network.hop();
        if reply - sent > outage.timeout_ms {
            (sent + outage.timeout_ms, false)
        } else {
            (reply, true)
        }
    }

    /// An attempt's outcome reaches its client: retry it, or finish the request.
    fn done(&mut self, now: f64, client: usize, request: usize, ok: bool) {
        self.count(now, client, ok);
        let budget = self.budgets[client].as_ref();
        let retry = if ok {
            if let Some(budget) = budget {
                budget.record_success();
            }
            None
        } else if budget.is_none_or(RetryBudget::record_failure) {
            self.requests[request].delays.next()
        } else {
            None
        };
        if let Some(delay) = retry {
            if self.admit(now, client) {
                self.push(now + millis(delay), client, Kind::Retry { request });
                return;
            }
            self.requests[request].refused += 1;
        }
        self.finish(now, ok);
    }

    #[allow(clippy::cast_precision_loss)]
    fn report(&self) -> Report {
        let outage = self.outage;
        let during: Vec<&Request> = self
            .requests
            .iter()
            .filter(|r| self.in_outage(r.started))
            .collect();
        let attempts: u64 = during.iter().map(|r| r.attempts).sum();
        let refused: u64 = during.iter().map(|r| r.refused).sum();
        let (total, succeeded) = self.finished.iter().fold((0u64, 0u64), |(n, ok), w| {
            (n + u64::from(w.0), ok + u64::from(w.1))
        });
        // Whole windows from the end of the outage to the end of the run.
        let first = (outage.outage_end_ms / 1000.0).ceil();
        let recovery_ms = self
            .finished
            .iter()
            .zip(0u32..)
            .filter(|(_, w)| {
                f64::from(*w) >= first && (f64::from(*w) + 1.0) * 1000.0 <= outage.duration_ms
            })
            .find(|((n, ok), _)| *n > 0 && f64::from(*ok) >= 0.99 * f64::from(*n))
            .map(|(_, w)| (f64::from(w) + 1.0) * 1000.0 - outage.outage_end_ms);
        Report {
            requests: during.len() as u64,
            attempts,
            asked: attempts + refused,
            amplification: attempts as f64 / during.len().max(1) as f64,
            reaching: self.reaching.clone(),
            recovery_ms,
            success_rate: succeeded as f64 / total.max(1) as f64,
        }
    }
}
