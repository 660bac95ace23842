//! Hedging in a fleet: where it cuts the tail, and where, under load, the extra requests
//! it sends make everything slower.
//!
//! The model (all times in milliseconds):
//! - `clients` clients each start calls at random (Poisson) times, `rate_per_client` per
//!   second.
//! - The server has `workers` workers and one first-come, first-served queue. An attempt
//!   takes a service time of `fast` (uniform between its bounds), or of `slow` for
//!   `slow_share` of the attempts: the long tail. Waiting in the queue adds to it, so
//!   latency grows with the queue. Each hop takes `|Normal(0.5, 0.1)|`.
//! - A hedged call sends attempt k + 1 `hedge` after attempt k while no answer has come
//!   back, up to `max_attempts` in all (the library's rule), and ends with the first answer.
//!   The server does not learn that the other attempts were abandoned: it serves them all,
//!   as an HTTP/1 server that has started a request does.
//! - With a budget, each client has its own [`RetryBudget`] (as each process would): each
//!   hedge takes a token, as the library's hedged calls do ([`RetryBudget::try_acquire`]),
//!   each call that ends gives some back, and a hedge starts only while the budget allows it.
//!
//! Latency is a call's time from its start to its first answer, for the calls started
//! after the first `warm_up_ms` (a call still unanswered at the end counts with the time it
//! has waited). Load is the attempts the server received per call.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use retry_runtime::RetryBudget;

use crate::{Arrivals, Event, Network, Queue, budgets, derive_seed};

/// The experiment's settings.
#[derive(Debug, Clone, Copy)]
pub struct Hedging {
    /// Clients in the fleet.
    pub clients: usize,
    /// Calls each client starts per second, on average.
    pub rate_per_client: f64,
    /// How long the simulation runs, in milliseconds.
    pub duration_ms: f64,
    /// Calls started before this are not measured.
    pub warm_up_ms: f64,
    /// Attempts the server serves at once.
    pub workers: usize,
    /// The service time of most attempts, uniform between the bounds (ms).
    pub fast_ms: (f64, f64),
    /// The service time of the slow ones (ms).
    pub slow_ms: (f64, f64),
    /// The share of attempts that are slow.
    pub slow_share: f64,
    /// The hedge, or `None` for calls of one attempt.
    pub hedge_ms: Option<f64>,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// Each client's budget `(max_tokens, token_ratio)`, if any.
    pub budget: Option<(u32, f64)>,
}

impl Hedging {
    /// 400 clients; a server of 8 workers where 98% of attempts take 2 to 5 ms and 2% take
    /// 200 to 400 ms; 60 s, the first 10 s not measured; no hedging. The load is set by
    /// [`Hedging::at_load`].
    pub fn standard() -> Self {
        Hedging {
            clients: 400,
            rate_per_client: 1.0,
            duration_ms: 60_000.0,
            warm_up_ms: 10_000.0,
            workers: 8,
            fast_ms: (2.0, 5.0),
            slow_ms: (200.0, 400.0),
            slow_share: 0.02,
            hedge_ms: None,
            max_attempts: 3,
            budget: None,
        }
    }

    /// The mean service time of an attempt (ms).
    pub fn mean_service_ms(&self) -> f64 {
        let mean = |(low, high): (f64, f64)| f64::midpoint(low, high);
        (1.0 - self.slow_share) * mean(self.fast_ms) + self.slow_share * mean(self.slow_ms)
    }

    /// Calls per second the server can serve, one attempt each.
    #[allow(clippy::cast_precision_loss)]
    pub fn capacity_per_s(&self) -> f64 {
        self.workers as f64 * 1000.0 / self.mean_service_ms()
    }

    /// These settings with the clients calling at `load` times the server's capacity
    /// (counting one attempt per call).
    #[allow(clippy::cast_precision_loss)]
    pub fn at_load(self, load: f64) -> Self {
        Hedging {
            rate_per_client: load * self.capacity_per_s() / self.clients as f64,
            ..self
        }
    }

    /// These settings with hedged calls: another attempt every `hedge_ms`.
    pub fn hedged(self, hedge_ms: f64) -> Self {
        Hedging {
            hedge_ms: Some(hedge_ms),
            ..self
        }
    }

    /// These settings with a `RetryBudget::new(max_tokens, token_ratio)` per client.
    pub fn with_budget(self, max_tokens: u32, token_ratio: f64) -> Self {
        Hedging {
            budget: Some((max_tokens, token_ratio)),
            ..self
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Calls measured.
    pub calls: u64,
    /// Attempts the server received for them, per call.
    pub load: f64,
    /// The latencies of the calls measured, sorted (ms).
    pub latencies: Vec<f64>,
}

impl Report {
    /// The `q` quantile of the latencies (nearest rank), in milliseconds.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    pub fn quantile(&self, q: f64) -> f64 {
        let rank = (q * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len().max(1)) - 1]
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A client starts a call.
    Start,
    /// An attempt of `call` reaches the server.
    Arrive { call: usize },
    /// An answer to `call` reaches its client.
    Answer { call: usize },
    /// The hedge of `call` started after attempt `after`: it fires.
    Hedge { call: usize, after: u32 },
}

struct Call {
    started: f64,
    attempts: u32,
    answered: bool,
}

/// Runs the experiment once, seeded with `seed`.
///
/// # Panics
///
/// If `rate_per_client` is not a positive number.
pub fn run(settings: &Hedging, seed: u64) -> Report {
    let mut fleet = Fleet::new(settings, seed);
    for client in 0..settings.clients {
        let first = fleet.arrivals.next(0.0);
        fleet.queue.push(first, client, Kind::Start);
    }
    while let Some(event) = fleet.queue.pop() {
        if event.time > settings.duration_ms {
            break;
        }
        fleet.handle(&event);
    }
    fleet.report()
}

/// The simulation's state.
struct Fleet<'a> {
    settings: &'a Hedging,
    network: Network,
    arrivals: Arrivals,
    service: SmallRng,
    budgets: Vec<Option<RetryBudget>>,
    calls: Vec<Call>,
    queue: Queue<Kind>,
    /// When each worker is next free.
    free_at: Vec<f64>,
    latencies: Vec<f64>,
}

impl<'a> Fleet<'a> {
    fn new(settings: &'a Hedging, seed: u64) -> Self {
        Fleet {
            settings,
            network: Network::new(0.5, 0.1, seed),
            arrivals: Arrivals::new(settings.rate_per_client, seed),
            service: SmallRng::seed_from_u64(derive_seed(seed, u64::MAX - 1)),
            budgets: budgets(settings.clients, settings.budget),
            calls: Vec::new(),
            queue: Queue::new(),
            free_at: vec![0.0; settings.workers],
            latencies: Vec::new(),
        }
    }

    fn handle(&mut self, event: &Event<Kind>) {
        let (now, client) = (event.time, event.client);
        match event.kind {
            Kind::Start => {
                let call = self.calls.len();
                self.calls.push(Call {
                    started: now,
                    attempts: 0,
                    answered: false,
                });
                self.send(now, client, call);
                let next = self.arrivals.next(now);
                self.queue.push(next, client, Kind::Start);
            }
            Kind::Arrive { call } => {
                let answered = self.serve(now);
                self.queue.push(answered, client, Kind::Answer { call });
            }
            Kind::Answer { call } => {
                if !std::mem::replace(&mut self.calls[call].answered, true) {
                    if let Some(budget) = &self.budgets[client] {
                        budget.record_success();
                    }
                    if self.calls[call].started >= self.settings.warm_up_ms {
                        self.latencies.push(now - self.calls[call].started);
                    }
                }
            }
            Kind::Hedge { call, after } => {
                let state = &self.calls[call];
                // A hedge fires only if nothing has answered and no attempt started since,
                // and then only if the budget allows it.
                if state.answered || state.attempts != after {
                    return;
                }
                let budget = self.budgets[client].as_ref();
                if budget.is_none_or(RetryBudget::try_acquire) {
                    self.send(now, client, call);
                }
            }
        }
    }

    /// Sends one more attempt of `call`, and sets the hedge's timer if another may follow.
    fn send(&mut self, now: f64, client: usize, call: usize) {
        let attempts = {
            let call = &mut self.calls[call];
            call.attempts += 1;
            call.attempts
        };
        let hop = self.network.hop();
        self.queue.push(now + hop, client, Kind::Arrive { call });
        if let Some(hedge) = self.settings.hedge_ms {
            if attempts < self.settings.max_attempts {
                let after = attempts;
                self.queue
                    .push(now + hedge, client, Kind::Hedge { call, after });
            }
        }
    }

    /// Serves an attempt that reaches the server at `now`: when its answer reaches the
    /// client.
    fn serve(&mut self, now: f64) -> f64 {
        let settings = self.settings;
        let (low, high) = if self.service.random::<f64>() < settings.slow_share {
            settings.slow_ms
        } else {
            settings.fast_ms
        };
        let service = low + (high - low) * self.service.random::<f64>();
        let (worker, free_at) = self
            .free_at
            .iter()
            .copied()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .expect("at least one worker");
        let done = free_at.max(now) + service;
        self.free_at[worker] = done;
        done + self.network.hop()
    }

    #[allow(clippy::cast_precision_loss)]
    fn report(mut self) -> Report {
        let settings = self.settings;
        let measured = self
            .calls
            .iter()
            .filter(|call| call.started >= settings.warm_up_ms);
        // A call still unanswered at the end counts with the time it has waited so far.
        let waiting = measured.clone().filter(|call| !call.answered);
        self.latencies
            .extend(waiting.map(|call| settings.duration_ms - call.started));
        let (calls, attempts) = measured.fold((0u64, 0u64), |(calls, attempts), call| {
            (calls + 1, attempts + u64::from(call.attempts))
        });
        self.latencies.sort_unstable_by(f64::total_cmp);
        Report {
            calls,
            load: attempts as f64 / calls.max(1) as f64,
            latencies: self.latencies,
        }
    }
}
