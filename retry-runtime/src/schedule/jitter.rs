//! [`Jitter`]: how each delay is randomised, and the sources of randomness it draws from.

use std::time::Duration;

use super::backoff::{from_nanos, mul_int, nanos_u64};

/// Randomisation of the delays, so that many clients that failed together do not retry
/// together (the "thundering herd").
///
/// With `d = min(delay, max_delay)` the un-jittered delay of the [`Backoff`](crate::Backoff)
/// shape and `U(a, b)` a uniform draw between `a` and `b` (both included):
///
/// | jitter | sleeps |
/// | --- | --- |
/// | [`None`](Jitter::None) | `d` |
/// | [`Full`](Jitter::Full) | `U(0, d)` |
/// | [`Equal`](Jitter::Equal) | `d/2 + U(0, d/2)` |
/// | [`Decorrelated`](Jitter::Decorrelated) | `min(max_delay, U(base, 3 * previous))`, `previous` starting at `base` |
///
/// `Decorrelated` ignores the backoff shape: each delay grows from the previous one. Full
/// jitter spreads load best and is the usual choice for fleets; equal jitter keeps at least
/// half of each delay; see the AWS Architecture Blog post "Exponential Backoff And Jitter"
/// (2015) for the comparison. No jittered delay is ever above `max_delay`.
///
/// Draws come from a small, fast generator seeded once per thread (no system call, no
/// allocation per draw).
///
/// ```
/// use retry_runtime::{Jitter, Policy};
/// use std::time::Duration;
///
/// let policy = Policy::new().max_attempts(6).base(Duration::from_millis(100)).jitter(Jitter::Full);
/// for (jittered, full) in policy.jittered_delays(3).zip(policy.delays()) {
///     assert!(jittered <= full);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Jitter {
    /// No randomisation: sleep exactly the schedule.
    #[default]
    None,
    /// Sleep `U(0, d)`.
    Full,
    /// Sleep `d/2 + U(0, d/2)`.
    Equal,
    /// Sleep `min(max_delay, U(base, 3 * previous))`.
    Decorrelated,
}

/// A source of uniform draws.
pub(crate) trait Random {
    /// A uniform draw in `0..=n`.
    fn up_to(&mut self, n: u64) -> u64;
    /// A uniform draw in `[0, 1)`.
    fn unit(&mut self) -> f64;
}

/// fastrand's generator of the current thread.
pub(crate) struct ThreadRandom;

impl Random for ThreadRandom {
    #[inline]
    fn up_to(&mut self, n: u64) -> u64 {
        fastrand::u64(..=n)
    }

    #[inline]
    fn unit(&mut self) -> f64 {
        fastrand::f64()
    }
}

impl Random for fastrand::Rng {
    #[inline]
    fn up_to(&mut self, n: u64) -> u64 {
        self.u64(..=n)
    }

    #[inline]
    fn unit(&mut self) -> f64 {
        self.f64()
    }
}

/// A uniform draw in `low..=high` (the bounds in either order).
#[inline]
pub(crate) fn uniform(low: Duration, high: Duration, random: &mut impl Random) -> Duration {
    let (low, high) = if low <= high {
        (low, high)
    } else {
        (high, low)
    };
    // Every delay in practice: bounds below 2^64 ns (584 years), in `u64` arithmetic.
    if let (Some(low), Some(high)) = (nanos_u64(low), nanos_u64(high)) {
        return Duration::from_nanos(low + random.up_to(high - low));
    }
    uniform_huge(low, high, random)
}

/// [`uniform`] for bounds past 2^64 ns.
#[cold]
fn uniform_huge(low: Duration, high: Duration, random: &mut impl Random) -> Duration {
    let span = high.as_nanos() - low.as_nanos();
    let offset = match u64::try_from(span) {
        Ok(span) => u128::from(random.up_to(span)),
        // Spans above 584 years: a float draw is precise enough.
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        Err(_) => (span as f64 * random.unit()) as u128,
    };
    from_nanos(low.as_nanos() + offset).min(high)
}

impl Jitter {
    /// The jittered delay for the capped delay `capped` of the shape. `previous` is the
    /// state of `Decorrelated`: the delay it drew last (start it at `base`).
    pub(crate) fn apply(
        self,
        capped: Duration,
        base: Duration,
        max_delay: Option<Duration>,
        previous: &mut Duration,
        random: &mut impl Random,
    ) -> Duration {
        match self {
            Jitter::None => capped,
            Jitter::Full => uniform(Duration::ZERO, capped, random),
            Jitter::Equal => {
                let half = capped / 2;
                half + uniform(Duration::ZERO, half, random)
            }
            Jitter::Decorrelated => {
                let drawn = uniform(base, mul_int(*previous, 3), random);
                let delay = max_delay.map_or(drawn, |max| drawn.min(max));
                *previous = delay;
                delay
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn seeded() -> fastrand::Rng {
        fastrand::Rng::with_seed(7)
    }

    #[test]
    fn none_keeps_the_delay() {
        let mut previous = MS;
        let d = Jitter::None.apply(MS * 80, MS, None, &mut previous, &mut seeded());
        assert_eq!(d, MS * 80);
    }

    #[test]
    fn full_stays_between_zero_and_the_delay_and_spreads() {
        let mut rng = seeded();
        let mut previous = MS;
        let draws: Vec<_> = (0..2000)
            .map(|_| Jitter::Full.apply(MS * 100, MS, None, &mut previous, &mut rng))
            .collect();
        assert!(draws.iter().all(|d| *d <= MS * 100));
        assert!(draws.iter().any(|d| *d < MS * 10), "never drew low");
        assert!(draws.iter().any(|d| *d > MS * 90), "never drew high");
    }

    #[test]
    fn equal_keeps_at_least_half() {
        let mut rng = seeded();
        let mut previous = MS;
        let draws: Vec<_> = (0..2000)
            .map(|_| Jitter::Equal.apply(MS * 100, MS, None, &mut previous, &mut rng))
            .collect();
        assert!(draws.iter().all(|d| *d >= MS * 50 && *d <= MS * 100));
        assert!(draws.iter().any(|d| *d < MS * 55), "never drew low");
        assert!(draws.iter().any(|d| *d > MS * 95), "never drew high");
    }

    #[test]
    fn decorrelated_grows_from_the_previous_draw_and_respects_the_cap() {
        let mut rng = seeded();
        let base = MS * 10;
        let mut previous = base;
        for _ in 0..1000 {
            let before = previous;
            let d = Jitter::Decorrelated.apply(MS, base, Some(MS * 500), &mut previous, &mut rng);
            assert!(d >= base.min(MS * 500) && d <= (before * 3).min(MS * 500));
            assert_eq!(previous, d);
        }
        // A cap below the base clamps every draw to the cap.
        let mut previous = base;
        let d = Jitter::Decorrelated.apply(MS, base, Some(MS * 2), &mut previous, &mut rng);
        assert_eq!(d, MS * 2);
    }

    #[test]
    fn uniform_handles_huge_and_reversed_spans() {
        let mut rng = seeded();
        let d = uniform(Duration::ZERO, Duration::MAX, &mut rng);
        assert!(d <= Duration::MAX);
        assert_eq!(uniform(MS * 5, MS * 5, &mut rng), MS * 5);
        let d = uniform(MS * 9, MS * 3, &mut rng);
        assert!(d >= MS * 3 && d <= MS * 9);
    }
}
