//! The outage experiment, on a small fleet.

use retry_sim::outage::{self, Outage};

fn small(outage: Outage) -> Outage {
    Outage {
        clients: 200,
        capacity_per_s: outage.capacity_per_s / 5.0,
        ..outage
    }
}

#[test]
fn without_a_budget_each_request_makes_max_attempts_during_the_outage() {
    let report = outage::run(&small(Outage::standard()), 1);
    assert!(report.requests > 10_000);
    assert!((report.amplification - 3.0).abs() < 0.01, "{report:?}");
}

#[test]
fn a_budget_keeps_amplification_under_1_1() {
    let report = outage::run(&small(Outage::standard().with_budget(10, 0.1)), 1);
    assert!(report.amplification <= 1.1, "{report:?}");
    assert!(report.recovery_ms.is_some(), "{report:?}");
}

#[test]
fn after_a_stall_only_the_budgeted_fleet_recovers() {
    let without = outage::run(&small(Outage::stall()), 1);
    let with = outage::run(&small(Outage::stall().with_budget(10, 0.1)), 1);
    assert_eq!(without.recovery_ms, None, "{without:?}");
    assert!(with.recovery_ms.is_some(), "{with:?}");
    assert!(
        with.success_rate > without.success_rate + 0.3,
        "{with:?} vs {without:?}"
    );
}
