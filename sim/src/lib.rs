//! Simulations of fleets of clients that retry, driven by `retry_runtime`'s own schedule
//! code ([`Policy::jittered_delays`](retry_runtime::Policy::jittered_delays)), not by a copy
//! of its formulas.
//!
//! - [`herd`]: the 2015 AWS "Exponential Backoff And Jitter" experiment: N clients
//!   contending for one row under optimistic concurrency.
//! - [`outage`]: a fleet calling a service that fails completely for a while, with and
//!   without a [`RetryBudget`].
//! - [`hedging`]: a fleet hedging its calls to a server with a long latency tail, as the
//!   load on the server grows, with and without a budget.
//!
//! All are deterministic for a given seed. `docs/simulation.md` has the results and the
//! commands that reproduce them.

pub mod hedging;
pub mod herd;
pub mod outage;
pub mod plot;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, Exp, Normal};
use retry_runtime::RetryBudget;

/// Events in time order, first-in first-out among equal times: the heart of both
/// simulations.
#[derive(Debug)]
pub struct Queue<K> {
    heap: BinaryHeap<Event<K>>,
    seq: u64,
}

/// A scheduled event: `kind` happens to `client` at `time` (milliseconds).
#[derive(Debug)]
pub struct Event<K> {
    /// When it happens.
    pub time: f64,
    /// Order of scheduling, so that equal times stay first-in, first-out.
    seq: u64,
    /// Whom it happens to.
    pub client: usize,
    /// What happens.
    pub kind: K,
}

impl<K> Queue<K> {
    /// An empty queue.
    pub fn new() -> Self {
        Queue {
            heap: BinaryHeap::new(),
            seq: 0,
        }
    }

    /// Schedules `kind` for `client` at `time`.
    pub fn push(&mut self, time: f64, client: usize, kind: K) {
        self.seq += 1;
        self.heap.push(Event {
            time,
            seq: self.seq,
            client,
            kind,
        });
    }

    /// The earliest event.
    pub fn pop(&mut self) -> Option<Event<K>> {
        self.heap.pop()
    }
}

impl<K> Default for Queue<K> {
    fn default() -> Self {
        Queue::new()
    }
}

impl<K> PartialEq for Event<K> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<K> Eq for Event<K> {}

impl<K> PartialOrd for Event<K> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<K> Ord for Event<K> {
    /// Reversed: `BinaryHeap` pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then(other.seq.cmp(&self.seq))
    }
}

/// Network hops: `|Normal(mean, sd)|` milliseconds, as in the 2015 model.
#[derive(Debug)]
pub struct Network {
    hop: Normal<f64>,
    rng: SmallRng,
}

impl Network {
    /// Hops of `|Normal(mean_ms, sd_ms)|` drawn from a generator seeded with `seed`.
    ///
    /// # Panics
    ///
    /// If `sd_ms` is negative or not finite.
    pub fn new(mean_ms: f64, sd_ms: f64, seed: u64) -> Self {
        Network {
            hop: Normal::new(mean_ms, sd_ms).expect("a finite, non-negative standard deviation"),
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// The time one message takes, in milliseconds.
    pub fn hop(&mut self) -> f64 {
        self.hop.sample(&mut self.rng).abs()
    }
}

/// Clients that start requests at random (Poisson) times, each at the same mean rate.
#[derive(Debug)]
pub struct Arrivals {
    gap: Exp<f64>,
    rng: SmallRng,
}

impl Arrivals {
    /// `rate_per_client` requests per second from each client, drawn from a generator of
    /// its own derived from `seed`.
    ///
    /// # Panics
    ///
    /// If `rate_per_client` is not a positive number.
    pub fn new(rate_per_client: f64, seed: u64) -> Self {
        Arrivals {
            gap: Exp::new(rate_per_client / 1000.0).expect("a positive request rate"),
            rng: SmallRng::seed_from_u64(derive_seed(seed, u64::MAX)),
        }
    }

    /// When a client that started a request at `now` starts its next one (ms).
    pub fn next(&mut self, now: f64) -> f64 {
        now + self.gap.sample(&mut self.rng)
    }
}

/// One [`RetryBudget::new(max_tokens, token_ratio)`](RetryBudget::new) per client, as each
/// process would have its own, or none.
pub fn budgets(clients: usize, budget: Option<(u32, f64)>) -> Vec<Option<RetryBudget>> {
    (0..clients)
        .map(|_| budget.map(|(max, ratio)| RetryBudget::new(max, ratio)))
        .collect()
}

/// A seed for item `index` of a run seeded with `seed` (splitmix64), so that every client
/// draws its own, reproducible delays.
pub fn derive_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Milliseconds of a `Duration`, as the simulations count time.
pub fn millis(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
