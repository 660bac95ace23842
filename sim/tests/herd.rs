//! A small, fast run of the herd simulation, checked against the published figures.

use retry_sim::herd::{self, Strategy};

const REFERENCE: &str = include_str!("../data/brooker2015.csv");

#[test]
fn small_runs_match_the_reference_within_ten_percent_and_keep_its_ordering() {
    let reference = herd::parse_reference(REFERENCE).unwrap();
    assert_eq!(reference.len(), 19 * 5);
    let ours = herd::experiment(&[50, 100], 40, 1);
    let problems = herd::compare(&ours, &reference, 50, 0.10);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn runs_are_deterministic_for_a_seed() {
    let a = herd::run(20, Strategy::FullJitter, 9);
    assert_eq!(a, herd::run(20, Strategy::FullJitter, 9));
    assert_ne!(a, herd::run(20, Strategy::FullJitter, 10));
}

#[test]
fn every_client_gets_one_accepted_write() {
    for strategy in Strategy::ALL {
        let run = herd::run(30, strategy, 3);
        // 30 accepted writes, plus the rejected ones.
        assert!(run.writes >= 30, "{strategy:?}: {run:?}");
        assert!(run.time_ms > 0.0);
    }
    // One client never contends: one read, one write, four hops.
    let alone = herd::run(1, Strategy::Exponential, 5);
    assert_eq!(alone.writes, 1);
    assert!(alone.time_ms > 20.0 && alone.time_ms < 80.0, "{alone:?}");
}

#[test]
fn the_comparison_catches_a_mismatch() {
    let reference = herd::parse_reference(REFERENCE).unwrap();
    let mut ours = herd::experiment(&[50], 10, 1);
    for row in &mut ours {
        if row.strategy == Strategy::FullJitter {
            row.writes *= 1.2;
        }
    }
    let problems = herd::compare(&ours, &reference, 50, 0.10);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("FullJitter at 50 clients")),
        "{problems:?}"
    );
    assert!(herd::parse_reference("seed,clients\n1,x,3,4,None").is_err());
}
