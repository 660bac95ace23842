//! The 2015 AWS "Exponential Backoff And Jitter" experiment, re-implemented on the
//! library's own delays.
//!
//! The model: N clients and one server holding one row with a version number (optimistic
//! concurrency). Each network hop takes `|Normal(10 ms, 2 ms)|`. A client reads the version,
//! then writes it; the server counts every write, accepts it and bumps the version when the
//! version matches, else rejects it; the reply takes one more hop. On a rejected write the
//! client increments its attempt counter `n` and sends a new read that arrives after one hop
//! plus `backoff(n)`; it stops after its first accepted write. Server work and capacity are
//! unlimited.
//!
//! The strategies, with the 2015 parameters (base 5 ms, cap 2 s): no backoff; exponential
//! `min(2000, 5 * 2^n)` ms, so the first sleep is 10 ms; full, equal and decorrelated
//! jitter on that (decorrelated: `min(2000, U(5, 3 * previous))`, `previous` starting at 5).
//! Each is a [`Policy`], and each client draws its sleeps from
//! [`Policy::jittered_delays`].

use std::time::Duration;

use retry_runtime::{Backoff, Jitter, JitteredDelays, Policy};

use crate::{Network, Queue, derive_seed, millis};

/// A backoff strategy of the 2015 post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// `min(2000, 5 * 2^n)` ms.
    Exponential,
    /// `min(2000, U(5, 3 * previous))` ms.
    Decorrelated,
    /// `d/2 + U(0, d/2)` on the exponential delay.
    EqualJitter,
    /// `U(0, d)` on the exponential delay.
    FullJitter,
    /// No backoff at all.
    None,
}

impl Strategy {
    /// Every strategy, in the order of the reference CSV.
    pub const ALL: [Strategy; 5] = [
        Strategy::Exponential,
        Strategy::Decorrelated,
        Strategy::EqualJitter,
        Strategy::FullJitter,
        Strategy::None,
    ];

    /// The name used in the CSV (the 2015 simulator's).
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Exponential => "Exponential",
            Strategy::Decorrelated => "Decorr",
            Strategy::EqualJitter => "EqualJitter",
            Strategy::FullJitter => "FullJitter",
            Strategy::None => "None",
        }
    }

    /// The strategy named `name` in the CSV.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The strategy as a `Policy` without an attempt limit: the clients retry until their
    /// write is accepted.
    pub fn policy(self) -> Policy {
        let cap = Duration::from_secs(2);
        // Retry n (1-based) of the post is retry k = n - 1 of the library: base 10 ms gives
        // 5 * 2^n.
        let exponential = Policy::new()
            .max_attempts(u32::MAX)
            .base(Duration::from_millis(10))
            .backoff(Backoff::Exponential)
            .factor(2.0)
            .max_delay(cap);
        match self {
            Strategy::Exponential => exponential,
            Strategy::EqualJitter => exponential.jitter(Jitter::Equal),
            Strategy::FullJitter => exponential.jitter(Jitter::Full),
            Strategy::Decorrelated => Policy::new()
                .max_attempts(u32::MAX)
                .base(Duration::from_millis(5))
                .max_delay(cap)
                .jitter(Jitter::Decorrelated),
            Strategy::None => Policy::new()
                .max_attempts(u32::MAX)
                .base(Duration::ZERO)
                .backoff(Backoff::Fixed),
        }
    }
}

/// The outcome of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run {
    /// When the last event happened, in milliseconds.
    pub time_ms: f64,
    /// Writes the server received, accepted or not.
    pub writes: u64,
}

#[derive(Debug, Clone, Copy)]
enum Message {
    /// A client's read reaches the server.
    Read,
    /// The server's reply to a read reaches the client.
    ReadReply { version: u64 },
    /// A client's write reaches the server.
    Write { version: u64 },
    /// The server's verdict on a write reaches the client.
    WriteReply { accepted: bool },
}

/// One run of `clients` clients with `strategy`.
pub fn run(clients: usize, strategy: Strategy, seed: u64) -> Run {
    let policy = strategy.policy();
    let mut network = Network::new(10.0, 2.0, seed);
    let mut schedules: Vec<JitteredDelays> = (0..clients as u64)
        .map(|client| policy.jittered_delays(derive_seed(seed, client)))
        .collect();
    let mut queue = Queue::new();
    for client in 0..clients {
        let hop = network.hop();
        queue.push(hop, client, Message::Read);
    }
    let (mut version, mut writes, mut now) = (0u64, 0u64, 0.0f64);
    while let Some(event) = queue.pop() {
        now = event.time;
        let client = event.client;
        match event.kind {
            Message::Read => {
                let at = now + network.hop();
                queue.push(at, client, Message::ReadReply { version });
            }
            Message::ReadReply { version: read } => {
                let at = now + network.hop();
                queue.push(at, client, Message::Write { version: read });
            }
            Message::Write { version: written } => {
                writes += 1;
                let accepted = written == version;
                if accepted {
                    version += 1;
                }
                let at = now + network.hop();
                queue.push(at, client, Message::WriteReply { accepted });
            }
            Message::WriteReply { accepted: true } => {}
            Message::WriteReply { accepted: false } => {
                let backoff = schedules[client].next().map_or(0.0, millis);
                let at = now + network.hop() + backoff;
                queue.push(at, client, Message::Read);
            }
        }
    }
    Run {
        time_ms: now,
        writes,
    }
}

/// One line of the experiment's CSV: means over the runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Clients contending.
    pub clients: usize,
    /// Mean time of the last event, in milliseconds.
    pub time_ms: f64,
    /// Mean writes per run.
    pub writes: f64,
    /// The strategy.
    pub strategy: Strategy,
}

impl Row {
    /// `clients,time_ms,writes,algorithm`, rounded like the reference.
    pub fn csv(&self) -> String {
        format!(
            "{},{:.0},{:.0},{}",
            self.clients,
            self.time_ms,
            self.writes,
            self.strategy.name()
        )
    }
}

/// The CSV header.
pub const CSV_HEADER: &str = "clients,time_ms,writes,algorithm";

/// Every strategy for each client count, `runs` runs each, seeded from `seed`.
pub fn experiment(clients: &[usize], runs: u32, seed: u64) -> Vec<Row> {
    let mut rows = Vec::new();
    for &n in clients {
        for strategy in Strategy::ALL {
            let (mut time, mut writes) = (0.0, 0u64);
            for r in 0..runs {
                let run = run(
                    n,
                    strategy,
                    derive_seed(seed, (n as u64) << 32 | u64::from(r)),
                );
                time += run.time_ms;
                writes += run.writes;
            }
            #[allow(clippy::cast_precision_loss)]
            rows.push(Row {
                clients: n,
                time_ms: time / f64::from(runs),
                writes: writes as f64 / f64::from(runs),
                strategy,
            });
        }
    }
    rows
}

/// The published figures: `(clients, strategy) -> (time_ms, writes)`, averaged over the
/// reference's seeds. Lines starting with `#` are comments.
///
/// # Errors
///
/// A line that is not `seed,clients,time_ms,writes,algorithm`.
pub fn parse_reference(csv: &str) -> Result<Vec<Row>, String> {
    let mut sums: Vec<(Row, u32)> = Vec::new();
    for line in csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
    {
        let fields: Vec<&str> = line.split(',').collect();
        let [_, clients, time, writes, name] = fields[..] else {
            return Err(format!("not 5 fields: {line:?}"));
        };
        let bad = |what: &str| format!("bad {what} in {line:?}");
        let clients: usize = clients.parse().map_err(|_| bad("clients"))?;
        let time: f64 = time.parse().map_err(|_| bad("time"))?;
        let writes: f64 = writes.parse().map_err(|_| bad("writes"))?;
        let strategy = Strategy::from_name(name).ok_or_else(|| bad("algorithm"))?;
        match sums
            .iter_mut()
            .find(|(r, _)| r.clients == clients && r.strategy == strategy)
        {
            Some((row, count)) => {
                row.time_ms += time;
                row.writes += writes;
                *count += 1;
            }
            None => sums.push((
                Row {
                    clients,
                    time_ms: time,
                    writes,
                    strategy,
                },
                1,
            )),
        }
    }
    Ok(sums
        .into_iter()
        .map(|(row, count)| Row {
            time_ms: row.time_ms / f64::from(count),
            writes: row.writes / f64::from(count),
            ..row
        })
        .collect())
}

/// Checks `ours` against `reference`: writes within `tolerance` (0.1 for 10%) for every
/// jittered strategy at `min_clients` clients or more, and the same ordering of the
/// strategies by writes. Returns the problems found (none when it matches).
pub fn compare(ours: &[Row], reference: &[Row], min_clients: usize, tolerance: f64) -> Vec<String> {
    let mut problems = Vec::new();
    let jittered = [
        Strategy::Decorrelated,
        Strategy::EqualJitter,
        Strategy::FullJitter,
    ];
    let find = |rows: &[Row], n: usize, s: Strategy| {
        rows.iter()
            .find(|r| r.clients == n && r.strategy == s)
            .map(|r| r.writes)
    };
    let mut counts: Vec<usize> = ours
        .iter()
        .map(|r| r.clients)
        .filter(|n| *n >= min_clients)
        .collect();
    counts.dedup();
    for &n in &counts {
        for s in jittered {
            match (find(ours, n, s), find(reference, n, s)) {
                (Some(ours), Some(theirs)) => {
                    let off = (ours - theirs).abs() / theirs;
                    if off > tolerance {
                        problems.push(format!(
                            "{} at {n} clients: {ours:.0} writes vs {theirs:.0} ({:.1}% off)",
                            s.name(),
                            off * 100.0
                        ));
                    }
                }
                _ => problems.push(format!("{} at {n} clients: missing", s.name())),
            }
        }
        // Per client count: None > Exponential > Decorr > both of the others, which swap
        // places in the reference itself at 170 clients and above.
        let w = |s| find(ours, n, s).unwrap_or(f64::NAN);
        let order_ok = w(Strategy::None) > w(Strategy::Exponential)
            && w(Strategy::Exponential) > w(Strategy::Decorrelated)
            && w(Strategy::Decorrelated) > w(Strategy::EqualJitter).max(w(Strategy::FullJitter));
        if !order_ok {
            problems.push(format!(
                "ordering at {n} clients differs from the reference"
            ));
        }
    }
    // Over all those client counts: the reference's full order.
    let total = |rows: &[Row], s: Strategy| -> f64 {
        counts.iter().filter_map(|&n| find(rows, n, s)).sum()
    };
    let order = |rows: &[Row]| {
        let mut order = Strategy::ALL.to_vec();
        order.sort_by(|a, b| total(rows, *b).total_cmp(&total(rows, *a)));
        order
    };
    if order(ours) != order(reference) {
        problems.push(format!(
            "total writes order {:?} differs from the reference's {:?}",
            order(ours),
            order(reference)
        ));
    }
    problems
}
