//! A fleet hedging its calls as the load on the server grows: without hedging, hedged, and
//! hedged with a retry budget; ten seeds per cell.
//!
//! ```text
//! cargo run --release -p retry-sim --example hedging
//! ```

use retry_sim::hedging::{self, Hedging, Report};

const LOADS: [f64; 4] = [0.3, 0.5, 0.7, 0.85];
const SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

fn main() {
    let standard = Hedging::standard();
    // The hedge: the p95 latency of calls without hedging at a light load.
    let hedge = hedging::run(&standard.at_load(0.3), 0).quantile(0.95);
    println!(
        "{} clients; a server of {} workers, {:.0} calls/s at one attempt per call; {:.0}% of \
         attempts take {:.0}-{:.0} ms, the rest {:.0}-{:.0} ms; hedge {hedge:.1} ms (p95 at load \
         0.3), max {} attempts; budget RetryBudget::new(10, 0.1) per client; {} s per run, the \
         first {} s not measured; seeds {}-{}",
        standard.clients,
        standard.workers,
        standard.capacity_per_s(),
        standard.slow_share * 100.0,
        standard.slow_ms.0,
        standard.slow_ms.1,
        standard.fast_ms.0,
        standard.fast_ms.1,
        standard.max_attempts,
        standard.duration_ms / 1000.0,
        standard.warm_up_ms / 1000.0,
        SEEDS.start(),
        SEEDS.end(),
    );
    println!();
    println!(
        "| load | p99 ms, median of the seeds: none / hedged / budget | p99 ms, worst seed: none / hedged / budget | attempts per call, median (worst): hedged / budget |"
    );
    println!("| --- | --- | --- | --- |");
    for load in LOADS {
        let settings = standard.at_load(load);
        let runs = |settings: Hedging| -> Vec<Report> {
            SEEDS.map(|seed| hedging::run(&settings, seed)).collect()
        };
        let variants = [
            runs(settings),
            runs(settings.hedged(hedge)),
            runs(settings.hedged(hedge).with_budget(10, 0.1)),
        ];
        let p99 = |reports: &[Report]| -> Vec<f64> {
            reports.iter().map(|report| report.quantile(0.99)).collect()
        };
        let loads =
            |reports: &[Report]| -> Vec<f64> { reports.iter().map(|report| report.load).collect() };
        let cells = |pick: fn(Vec<f64>) -> f64| {
            variants
                .iter()
                .map(|reports| format!("{:.1}", pick(p99(reports))))
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let attempts = variants[1..]
            .iter()
            .map(|reports| {
                format!(
                    "{:.3} ({:.3})",
                    median(loads(reports)),
                    worst(loads(reports))
                )
            })
            .collect::<Vec<_>>()
            .join(" / ");
        println!(
            "| {load} | {} | {} | {attempts} |",
            cells(median),
            cells(worst)
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 0 {
        f64::midpoint(values[middle - 1], values[middle])
    } else {
        values[middle]
    }
}

fn worst(values: Vec<f64>) -> f64 {
    values.into_iter().fold(f64::NEG_INFINITY, f64::max)
}
