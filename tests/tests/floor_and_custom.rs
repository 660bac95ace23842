//! `min_delay` (a floor under every delay, jitter and hints included, tenacity's
//! `wait_exponential(min=...)`) and `backoff = path` / `Backoff::Custom` (a schedule of one's
//! own, still floored, capped and jittered): through the attribute, the builders and
//! `Policy::delays()`, which step the same cursor.

use std::time::Duration;

use retry_runtime::{Backoff, Jitter, Policy, retry, testing};

const S: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);

fn secs(delays: &[Duration]) -> Vec<u64> {
    delays.iter().map(Duration::as_secs).collect()
}

/// tenacity's `wait_exponential(multiplier=1, min=4, max=10)`: 4, 4, 4, 8, 10.
#[retry(max = 6, base = "1s", max_delay = "10s", min_delay = "4s")]
fn like_tenacity() -> Option<()> {
    None
}

#[test]
fn the_tenacity_numbers() {
    let (_, delays) = testing::record(like_tenacity);
    assert_eq!(secs(&delays), [4, 4, 4, 8, 10]);
    let policy = Policy::new()
        .max_attempts(6)
        .base(S)
        .max_delay(S * 10)
        .min_delay(S * 4);
    let (_, by_builder) = testing::record(|| policy.retry(|| None::<()>).call());
    assert_eq!(by_builder, delays);
    assert_eq!(policy.delays().collect::<Vec<_>>(), delays);
    // The order of the setters does not matter.
    let other_order = Policy::new()
        .max_attempts(6)
        .base(S)
        .min_delay(S * 4)
        .max_delay(S * 10);
    assert_eq!(other_order, policy);
}

#[retry(
    max = 50,
    base = "10ms",
    max_delay = "100ms",
    min_delay = "30ms",
    jitter = "full"
)]
fn jittered_floor() -> Option<()> {
    None
}

#[test]
fn the_floor_holds_under_every_jitter() {
    let (_, delays) = testing::record(jittered_floor);
    assert_eq!(delays.len(), 49);
    assert!(
        delays.iter().all(|d| (MS * 30..=MS * 100).contains(d)),
        "{delays:?}"
    );
    // Full jitter draws below the floor often: the floor is what lifts them.
    assert!(delays.contains(&(MS * 30)), "{delays:?}");
    for jitter in [
        Jitter::None,
        Jitter::Full,
        Jitter::Equal,
        Jitter::Decorrelated,
    ] {
        let policy = Policy::new()
            .max_attempts(200)
            .base(MS)
            .max_delay(MS * 80)
            .min_delay(MS * 20)
            .jitter(jitter);
        let drawn: Vec<Duration> = policy.jittered_delays(7).collect();
        assert!(
            drawn.iter().all(|d| (MS * 20..=MS * 80).contains(d)),
            "{jitter:?}: {drawn:?}"
        );
    }
}

#[retry(max = 3, base = "1ms", min_delay = "50ms", hint = |after: &Duration| Some(*after))]
fn told_now() -> Result<(), Duration> {
    Err(Duration::ZERO) // `Retry-After: 0`
}

#[test]
fn a_hint_cannot_go_below_the_floor() {
    let (_, delays) = testing::record(told_now);
    assert_eq!(delays, [MS * 50, MS * 50]);
}

/// tenacity's `wait_chain(*[wait_fixed(1)] * 3 + [wait_fixed(5)])`.
fn quick_then_slow(k: u32) -> Duration {
    match k {
        0..=2 => S,
        _ => S * 5,
    }
}

#[retry(max = 6, backoff = quick_then_slow)]
fn chained() -> Option<()> {
    None
}

/// A fn named as a built-in shape is written with its path.
fn linear(k: u32) -> Duration {
    S * (k + 1) * 10
}

#[retry(max = 4, backoff = self::linear, max_delay = "25s", min_delay = "15s")]
fn own_linear() -> Option<()> {
    None
}

#[test]
fn a_custom_backoff_is_the_delay_before_jitter() {
    let (_, delays) = testing::record(chained);
    assert_eq!(secs(&delays), [1, 1, 1, 5, 5]);
    // Floored and capped: 10 s, 20 s, 30 s become 15 s, 20 s, 25 s.
    let (_, delays) = testing::record(own_linear);
    assert_eq!(secs(&delays), [15, 20, 25]);
    let policy = Policy::new()
        .max_attempts(6)
        .backoff(Backoff::Custom(quick_then_slow));
    let (_, by_builder) = testing::record(|| policy.retry(|| None::<()>).call());
    assert_eq!(secs(&by_builder), [1, 1, 1, 5, 5]);
    assert_eq!(policy.delays().collect::<Vec<_>>(), by_builder);
}

#[retry(max = 200, backoff = quick_then_slow, jitter = "equal")]
fn chained_jittered() -> Option<()> {
    None
}

#[test]
fn a_custom_backoff_is_jittered() {
    let (_, delays) = testing::record(chained_jittered);
    assert!(
        delays[..3].iter().all(|d| (S / 2..=S).contains(d)),
        "{delays:?}"
    );
    assert!(
        delays[3..].iter().all(|d| (S * 5 / 2..=S * 5).contains(d)),
        "{delays:?}"
    );
    assert!(delays.iter().any(|d| *d != S && *d != S * 5));
}

#[test]
fn custom_shapes_are_equal_when_they_are_the_same_fn() {
    assert_eq!(
        Backoff::Custom(quick_then_slow),
        Backoff::Custom(quick_then_slow)
    );
    assert_ne!(Backoff::Custom(quick_then_slow), Backoff::Custom(linear));
    assert_ne!(Backoff::Custom(linear), Backoff::Linear);
    assert_eq!(Backoff::Linear, Backoff::Linear);
}

#[test]
#[should_panic(expected = "`min_delay` is above `max_delay`")]
fn a_floor_above_the_cap_panics_when_built_at_run_time() {
    let max = S * std::hint::black_box(2);
    let _ = Policy::new().max_delay(max).min_delay(max * 2);
}

#[test]
#[should_panic(expected = "`max_delay` is below `min_delay`")]
fn a_cap_below_the_floor_panics_too() {
    let min = S * std::hint::black_box(2);
    let _ = Policy::new().min_delay(min).max_delay(min / 2);
}
