//! Jittered delays stay inside their documented bounds and actually vary.

use std::time::Duration;

use retry_runtime::{retry, testing};

const MS: Duration = Duration::from_millis(1);

#[retry(max = 6, base = "100ms", jitter = "full")]
fn full() -> Option<()> {
    None
}

#[retry(max = 6, base = "100ms", jitter = "equal")]
fn equal() -> Option<()> {
    None
}

#[retry(max = 6, base = "100ms", jitter = "decorrelated", max_delay = "1s")]
fn decorrelated() -> Option<()> {
    None
}

#[retry(max = 6, base = "100ms", jitter = "full", max_delay = "250ms")]
fn full_capped() -> Option<()> {
    None
}

/// The un-jittered schedule: 100, 200, 400, 800, 1600 ms.
fn schedule(k: usize) -> Duration {
    MS * 100 * 2u32.pow(u32::try_from(k).unwrap())
}

fn runs(f: fn() -> Option<()>) -> Vec<Vec<Duration>> {
    (0..200).map(|_| testing::record(f).1).collect()
}

#[test]
fn full_jitter_is_between_zero_and_the_schedule() {
    let runs = runs(full);
    for delays in &runs {
        assert_eq!(delays.len(), 5);
        for (k, d) in delays.iter().enumerate() {
            assert!(*d <= schedule(k), "retry {k}: {d:?}");
        }
    }
    let firsts: Vec<_> = runs.iter().map(|r| r[0]).collect();
    assert!(firsts.iter().any(|d| *d < MS * 25) && firsts.iter().any(|d| *d > MS * 75));
}

#[test]
fn equal_jitter_keeps_at_least_half() {
    let runs = runs(equal);
    for delays in &runs {
        for (k, d) in delays.iter().enumerate() {
            assert!(
                *d >= schedule(k) / 2 && *d <= schedule(k),
                "retry {k}: {d:?}"
            );
        }
    }
    let firsts: Vec<_> = runs.iter().map(|r| r[0]).collect();
    assert!(firsts.iter().any(|d| *d < MS * 60) && firsts.iter().any(|d| *d > MS * 90));
}

#[test]
fn decorrelated_jitter_grows_from_the_previous_delay() {
    for delays in runs(decorrelated) {
        let mut previous = MS * 100;
        for d in delays {
            assert!(
                d >= MS * 100 && d <= (previous * 3).min(MS * 1000),
                "{d:?} after {previous:?}"
            );
            previous = d;
        }
    }
}

#[test]
fn max_delay_bounds_jittered_delays() {
    for delays in runs(full_capped) {
        assert!(delays.iter().all(|d| *d <= MS * 250));
    }
}
