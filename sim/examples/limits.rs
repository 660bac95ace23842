//! The stall and the total outage of `docs/simulation.md`, for each way of limiting a
//! fleet's load: no limit, a retry budget, a circuit breaker, an adaptive throttle, a budget
//! with a breaker, and one attempt per request. Ten seeds each.
//!
//! ```text
//! cargo run --release -p retry-sim --example limits -- --svg docs/limits.svg
//! ```

use std::time::Duration;

use retry_runtime::{CircuitBreaker, Throttle};
use retry_sim::outage::{self, Outage, Report};

/// The configurations compared, by name.
fn configurations(base: Outage) -> Vec<(&'static str, Outage)> {
    vec![
        ("no limit", base),
        ("max = 1, no limit", base.once()),
        ("budget", base.with_budget(10, 0.1)),
        ("breaker (defaults)", base.with_breaker(CircuitBreaker::new)),
        ("breaker (fast)", base.with_breaker(fast_breaker)),
        (
            "throttle (defaults)",
            base.with_throttle(|| Throttle::new(2.0)),
        ),
        ("throttle (5 s window)", base.with_throttle(short_window)),
        (
            "budget + breaker (defaults)",
            base.with_budget(10, 0.1).with_breaker(CircuitBreaker::new),
        ),
        (
            "budget + breaker (fast)",
            base.with_budget(10, 0.1).with_breaker(fast_breaker),
        ),
    ]
}

/// A breaker tuned to a client that makes 2 requests a second: it judges the last second
/// only, opens on 2 attempts of which half failed, and probes every 2.5 s.
fn fast_breaker() -> CircuitBreaker {
    retry_sim::outage::fast_breaker()
}

fn short_window() -> Throttle {
    Throttle::new(2.0).window(Duration::from_secs(5))
}

const SEEDS: u64 = 10;

fn main() {
    let svg = std::env::args().skip_while(|a| a != "--svg").nth(1);
    let mut series = Vec::new();
    for (title, base) in [
        ("The server stalls for 5 s", Outage::stall()),
        ("The server rejects everything for 30 s", Outage::standard()),
    ] {
        println!("## {title}");
        println!();
        println!(
            "| limits | attempts asked / request | reaching the server / request | time to recover | success rate |"
        );
        println!("| --- | --- | --- | --- | --- |");
        let mut lines = Vec::new();
        for (name, settings) in configurations(base) {
            let reports: Vec<Report> = (1..=SEEDS)
                .map(|seed| outage::run(&settings, seed))
                .collect();
            println!("| {name} | {} |", row(&reports, &settings));
            lines.push((name, reports[0].reaching.clone()));
        }
        println!();
        series.push((title, base, lines));
    }
    if let Some(path) = svg {
        if let Err(e) = retry_sim::plot::reaching_svg(&series, path.as_ref()) {
            eprintln!("cannot write {path}: {e}");
            std::process::exit(1);
        }
    }
}

/// The table's cells for `reports`, one per seed: means, with the range over the seeds.
#[allow(clippy::cast_precision_loss)]
fn row(reports: &[Report], settings: &Outage) -> String {
    let per_request = |count: fn(&Report) -> u64| {
        let values: Vec<f64> = reports
            .iter()
            .map(|r| count(r) as f64 / r.requests.max(1) as f64)
            .collect();
        spread(&values, 2, "")
    };
    let never = reports.iter().filter(|r| r.recovery_ms.is_none()).count();
    let recovered: Vec<f64> = reports
        .iter()
        .filter_map(|r| r.recovery_ms.map(|ms| ms / 1000.0))
        .collect();
    let recovery = if recovered.is_empty() {
        format!(
            "not within {:.0} s",
            (settings.duration_ms - settings.outage_end_ms) / 1000.0
        )
    } else if never > 0 {
        format!(
            "{} ({never} of {} seeds never)",
            spread(&recovered, 1, " s"),
            reports.len()
        )
    } else {
        spread(&recovered, 1, " s")
    };
    let success: Vec<f64> = reports.iter().map(|r| r.success_rate * 100.0).collect();
    format!(
        "{} | {} | {recovery} | {}",
        per_request(|r| r.asked),
        per_request(|r| r.attempts),
        spread(&success, 1, "%")
    )
}

/// The mean of `values` and their range: `1.05 (1.04–1.07)`.
#[allow(clippy::cast_precision_loss)]
fn spread(values: &[f64], decimals: usize, unit: &str) -> String {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let (low, high) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    if (high - low) < 0.5 * 10f64.powi(-i32::try_from(decimals).unwrap_or(0)) {
        format!("{mean:.decimals$}{unit}")
    } else {
        format!("{mean:.decimals$}{unit} ({low:.decimals$}–{high:.decimals$})")
    }
}
