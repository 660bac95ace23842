//! The breaker and the throttle in the stall and the outage, on a small fleet: the shapes
//! of `docs/simulation.md`, as ratios and orderings.

use retry_runtime::Throttle;
use retry_sim::outage::{self, Outage, Report, fast_breaker};

fn small(outage: Outage) -> Outage {
    Outage {
        clients: 200,
        capacity_per_s: outage.capacity_per_s / 5.0,
        ..outage
    }
}

fn run(outage: Outage) -> Report {
    outage::run(&small(outage), 3)
}

fn recovery(report: &Report) -> f64 {
    report.recovery_ms.unwrap_or(f64::INFINITY)
}

#[test]
fn after_a_stall_the_breaker_recovers_sooner_than_the_budget_or_one_attempt() {
    let budget = run(Outage::stall().with_budget(10, 0.1));
    let once = run(Outage::stall().once());
    let breaker = run(Outage::stall().with_breaker(fast_breaker));
    let both = run(Outage::stall()
        .with_budget(10, 0.1)
        .with_breaker(fast_breaker));
    assert!(
        recovery(&breaker) * 2.0 < recovery(&once),
        "{breaker:?} vs {once:?}"
    );
    assert!(
        recovery(&breaker) * 3.0 < recovery(&budget),
        "{breaker:?} vs {budget:?}"
    );
    assert!(
        recovery(&both) * 3.0 < recovery(&budget),
        "{both:?} vs {budget:?}"
    );
    // Fewer attempts reach the stalled server than with one attempt per request.
    assert!(
        breaker.amplification < 0.6 * once.amplification,
        "{breaker:?}"
    );
    assert!(
        breaker.success_rate > budget.success_rate,
        "{breaker:?} vs {budget:?}"
    );
}

#[test]
fn in_an_outage_the_breaker_keeps_most_attempts_from_the_server() {
    let budget = run(Outage::standard().with_budget(10, 0.1));
    let breaker = run(Outage::standard().with_breaker(fast_breaker));
    assert!(
        breaker.amplification < 0.25 * budget.amplification,
        "{breaker:?} vs {budget:?}"
    );
    // It asks for more attempts than reach the server: the refused ones.
    assert!(breaker.asked > 4 * breaker.attempts, "{breaker:?}");
    // And it lets the fleet back within a few `break_for` of the budget.
    assert!(
        recovery(&breaker) <= recovery(&budget) + 3.0 * 2_500.0,
        "{breaker:?}"
    );
}

#[test]
fn a_throttle_sheds_load_but_recovers_last() {
    let window = || Throttle::new(2.0).window(std::time::Duration::from_secs(5));
    let budget = run(Outage::standard().with_budget(10, 0.1));
    let throttle = run(Outage::standard().with_throttle(window));
    let breaker = run(Outage::standard().with_breaker(fast_breaker));
    assert!(
        throttle.amplification < 0.5 * budget.amplification,
        "{throttle:?}"
    );
    assert!(
        recovery(&throttle) > 2.0 * recovery(&breaker),
        "{throttle:?} vs {breaker:?}"
    );
}
