//! The schedule of each backoff shape, `factor` and `max_delay`, through the attribute.

use std::time::Duration;

use retry_runtime::{Backoff, Policy, retry, testing};

const MS: Duration = Duration::from_millis(1);

fn ms(values: &[u64]) -> Vec<Duration> {
    values
        .iter()
        .map(|v| MS * u32::try_from(*v).unwrap())
        .collect()
}

#[retry(max = 6, base = "10ms")]
fn exponential() -> Option<()> {
    None
}

#[retry(max = 6, base = "10ms", factor = 3)]
fn exponential_factor_3() -> Option<()> {
    None
}

#[retry(max = 4, base = "10ms", factor = 1.5)]
fn exponential_factor_1_5() -> Option<()> {
    None
}

#[retry(max = 6, base = "10ms", backoff = "fixed")]
fn fixed() -> Option<()> {
    None
}

#[retry(max = 6, base = "10ms", backoff = "linear")]
fn linear() -> Option<()> {
    None
}

#[retry(max = 8, base = "10ms", backoff = "fibonacci")]
fn fibonacci() -> Option<()> {
    None
}

#[retry(max = 8, base = "10ms", max_delay = "45ms")]
fn capped() -> Option<()> {
    None
}

#[retry(max = 8, base = "10ms", backoff = "fibonacci", max_delay = "45ms")]
fn capped_fibonacci() -> Option<()> {
    None
}

#[test]
fn each_shape_follows_its_formula() {
    assert_eq!(testing::record(exponential).1, ms(&[10, 20, 40, 80, 160]));
    assert_eq!(
        testing::record(exponential_factor_3).1,
        ms(&[10, 30, 90, 270, 810])
    );
    assert_eq!(
        testing::record(exponential_factor_1_5).1,
        ms(&[10, 15])
            .into_iter()
            .chain([MS * 45 / 2])
            .collect::<Vec<_>>()
    );
    assert_eq!(testing::record(fixed).1, ms(&[10; 5]));
    assert_eq!(testing::record(linear).1, ms(&[10, 20, 30, 40, 50]));
    assert_eq!(
        testing::record(fibonacci).1,
        ms(&[10, 10, 20, 30, 50, 80, 130])
    );
}

#[test]
fn max_delay_caps_every_delay() {
    assert_eq!(testing::record(capped).1, ms(&[10, 20, 40, 45, 45, 45, 45]));
    assert_eq!(
        testing::record(capped_fibonacci).1,
        ms(&[10, 10, 20, 30, 45, 45, 45])
    );
}

#[retry(max = 4, base = "1.5s")]
fn fractional_literal() -> Option<()> {
    None
}

#[retry(max = 3, base = "1m30s")]
fn compound_literal() -> Option<()> {
    None
}

#[retry(max = 2, base = "250us")]
fn micros_literal() -> Option<()> {
    None
}

#[retry(max = 2, base = Duration::from_millis(7 * 3))]
fn expression_base() -> Option<()> {
    None
}

#[test]
fn duration_literals_and_expressions() {
    assert_eq!(
        testing::record(fractional_literal).1,
        ms(&[1500, 3000, 6000])
    );
    let secs: Vec<u64> = testing::record(compound_literal)
        .1
        .iter()
        .map(Duration::as_secs)
        .collect();
    assert_eq!(secs, [90, 180]);
    assert_eq!(
        testing::record(micros_literal).1,
        [Duration::from_micros(250)]
    );
    assert_eq!(testing::record(expression_base).1, ms(&[21]));
}

#[test]
fn the_attribute_and_policy_delays_agree() {
    let policy = Policy::new()
        .max_attempts(8)
        .base(MS * 10)
        .backoff(Backoff::Fibonacci)
        .max_delay(MS * 45);
    assert_eq!(
        policy.delays().collect::<Vec<_>>(),
        testing::record(capped_fibonacci).1
    );
}

#[retry(max = 40, base = "1h", factor = 1000000)]
fn huge_growth() -> Option<()> {
    None
}

#[retry(max = 200, base = "1d", backoff = "fibonacci")]
fn huge_fibonacci() -> Option<()> {
    None
}

#[test]
fn growth_saturates_at_duration_max_without_panicking() {
    let (_, delays) = testing::record(huge_growth);
    assert_eq!(delays.len(), 39);
    assert_eq!(delays.last(), Some(&Duration::MAX));
    assert!(delays.windows(2).all(|w| w[0] <= w[1]));
    let (_, delays) = testing::record(huge_fibonacci);
    assert_eq!(delays.last(), Some(&Duration::MAX));
}
