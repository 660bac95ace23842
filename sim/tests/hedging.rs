//! The hedging experiment over five seeds: hedging cuts the tail at a light load, storms
//! without a budget under load, and the budget bounds the extra attempts.

use retry_sim::hedging::{self, Hedging, Report};

const HEDGE_MS: f64 = 6.0;

/// The runs of `settings` for seeds 1 to 5.
fn runs(settings: Hedging) -> Vec<Report> {
    (1..=5).map(|seed| hedging::run(&settings, seed)).collect()
}

fn median(reports: &[Report], measure: impl Fn(&Report) -> f64) -> f64 {
    let mut values: Vec<f64> = reports.iter().map(measure).collect();
    values.sort_unstable_by(f64::total_cmp);
    values[values.len() / 2]
}

fn p99(report: &Report) -> f64 {
    report.quantile(0.99)
}

#[test]
fn at_a_light_load_hedging_cuts_p99_for_a_few_more_attempts() {
    let settings = Hedging::standard().at_load(0.3);
    let none = runs(settings);
    let hedged = runs(settings.hedged(HEDGE_MS));
    assert!(median(&none, p99) > 250.0, "{}", median(&none, p99));
    assert!(
        median(&hedged, p99) * 5.0 < median(&none, p99),
        "{} vs {}",
        median(&hedged, p99),
        median(&none, p99)
    );
    let load = median(&hedged, |report| report.load);
    assert!((1.02..1.1).contains(&load), "{load}");
    assert!(none.iter().all(|report| (report.load - 1.0).abs() < 1e-9));
}

#[test]
fn under_load_hedging_without_a_budget_storms_and_the_budget_bounds_it() {
    let settings = Hedging::standard().at_load(0.7);
    let none = runs(settings);
    let storm = runs(settings.hedged(HEDGE_MS));
    let budgeted = runs(settings.hedged(HEDGE_MS).with_budget(10, 0.1));
    // Every call sends all its attempts, and the queue grows without end.
    for report in &storm {
        assert!(report.load > 2.99, "{}", report.load);
        assert!(report.quantile(0.5) > 1_000.0, "{}", report.quantile(0.5));
    }
    // The budget holds the extra attempts near its ratio, and the tail near the unhedged
    // one.
    for report in &budgeted {
        assert!(report.load <= 1.12, "{}", report.load);
    }
    assert!(
        median(&budgeted, p99) < 1.5 * median(&none, p99),
        "{} vs {}",
        median(&budgeted, p99),
        median(&none, p99)
    );
}
