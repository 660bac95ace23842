//! Properties over random policies: every shape and jitter, factors from 1 to 1e6, bases
//! from 0 to days, with or without `max_delay`, attempts up to `u32::MAX`.

use std::cell::Cell;
use std::time::Duration;

use proptest::prelude::*;
use retry_runtime::{Backoff, Jitter, Policy, testing};

const DAY: u64 = 86_400_000_000_000; // in nanoseconds

fn backoff() -> impl Strategy<Value = Backoff> {
    prop_oneof![
        Just(Backoff::Exponential),
        Just(Backoff::Fixed),
        Just(Backoff::Linear),
        Just(Backoff::Fibonacci),
    ]
}

fn jitter() -> impl Strategy<Value = Jitter> {
    prop_oneof![
        Just(Jitter::None),
        Just(Jitter::Full),
        Just(Jitter::Equal),
        Just(Jitter::Decorrelated),
    ]
}

fn duration(max_nanos: u64) -> impl Strategy<Value = Duration> {
    prop_oneof![
        Just(Duration::ZERO),
        (0..=max_nanos).prop_map(Duration::from_nanos),
        (0..=1_000_000u64).prop_map(Duration::from_nanos),
        Just(Duration::MAX),
    ]
}

fn factor() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        Just(2.0),
        1.0..=1e6f64,
        (0..=6i32).prop_map(|e| 10f64.powi(e))
    ]
}

prop_compose! {
    fn policy(max_attempts: std::ops::RangeInclusive<u32>)(
        attempts in max_attempts,
        base in duration(30 * DAY),
        backoff in backoff(),
        factor in factor(),
        max_delay in proptest::option::of(duration(30 * DAY)),
        jitter in jitter(),
    ) -> Policy {
        let policy = Policy::new()
            .max_attempts(attempts)
            .base(base)
            .backoff(backoff)
            .factor(factor)
            .jitter(jitter);
        match max_delay {
            Some(max) => policy.max_delay(max),
            None => policy,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, .. ProptestConfig::default() })]

    /// No panic, no overflow, no delay above `max_delay`, whatever the retry number.
    #[test]
    fn delays_never_panic_and_respect_max_delay(
        policy in policy(1..=u32::MAX),
        max_delay in proptest::option::of(duration(30 * DAY)),
        retries in proptest::collection::vec(any::<u32>(), 1..8),
        seed in any::<u64>(),
    ) {
        let policy = match max_delay { Some(max) => policy.max_delay(max), None => policy };
        let len = policy.delays().len();
        for k in retries {
            let k = usize::try_from(k).unwrap() % len.max(1);
            if let Some(delay) = policy.delays().nth(k) {
                if let Some(max) = max_delay {
                    prop_assert!(delay <= max, "retry {k}: {delay:?} > {max:?}");
                }
            }
        }
        for delay in policy.jittered_delays(seed).take(64) {
            if let Some(max) = max_delay {
                prop_assert!(delay <= max, "{delay:?} > {max:?} for {policy:?}");
            }
        }
    }

    /// Full and equal jitter stay inside their documented bounds around the schedule.
    #[test]
    fn full_and_equal_jitter_stay_in_bounds(
        policy in policy(2..=200),
        equal in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let policy = policy.jitter(if equal { Jitter::Equal } else { Jitter::Full });
        for (jittered, full) in policy.jittered_delays(seed).zip(policy.delays()) {
            prop_assert!(jittered <= full, "{jittered:?} > {full:?}");
            if equal {
                prop_assert!(jittered >= full / 2, "{jittered:?} < half of {full:?}");
            }
        }
    }

    /// Decorrelated jitter: each delay in `[base, 3 * previous]`, capped by `max_delay`.
    #[test]
    fn decorrelated_jitter_stays_in_bounds(
        base in duration(DAY),
        max_delay in proptest::option::of(duration(30 * DAY)),
        seed in any::<u64>(),
    ) {
        let policy = Policy::new().max_attempts(100).base(base).jitter(Jitter::Decorrelated);
        let policy = match max_delay { Some(max) => policy.max_delay(max), None => policy };
        let cap = max_delay.unwrap_or(Duration::MAX);
        let mut previous = base;
        for delay in policy.jittered_delays(seed) {
            let low = base.min(previous.saturating_mul(3)).min(cap);
            let high = base.max(previous.saturating_mul(3)).min(cap);
            prop_assert!(delay >= low && delay <= high, "{delay:?} outside [{low:?}, {high:?}]");
            previous = delay;
        }
    }

    /// Attempts never exceed `max`; the recorded sleeps never cross the deadline; a call
    /// that never fails is made exactly once and never sleeps.
    #[test]
    fn calls_respect_max_and_deadline(
        policy in policy(1..=300),
        deadline in proptest::option::of(duration(60 * DAY)),
        fail_for in 0u32..400,
    ) {
        let policy = match deadline { Some(d) => policy.deadline(d), None => policy };
        let max = u32::try_from(policy.delays().len()).unwrap() + 1;
        let calls = Cell::new(0u32);
        let (out, delays) = testing::record(|| policy.retry(|| {
            calls.set(calls.get() + 1);
            if calls.get() > fail_for { Ok(calls.get()) } else { Err(calls.get()) }
        }).call());
        prop_assert!(calls.get() <= max);
        prop_assert_eq!(delays.len(), calls.get() as usize - 1);
        if let Some(deadline) = deadline {
            let slept = delays.iter().fold(Duration::ZERO, |a, d| a.saturating_add(*d));
            prop_assert!(slept <= deadline, "{slept:?} > {deadline:?}");
        }
        if fail_for == 0 {
            prop_assert_eq!((calls.get(), delays.len()), (1, 0));
            prop_assert_eq!(out, Ok(1));
        }
        if out.is_err() {
            prop_assert!(calls.get() == max || deadline.is_some());
        }
    }
}
