//! [`Backoff`]: the shape of the schedule (exponential, fixed, linear, fibonacci), with
//! saturating arithmetic.

use std::time::Duration;

/// The shape of the schedule: how the delay grows from one retry to the next.
///
/// With `k` the zero-based retry number (the sleep after attempt `k + 1` failed):
///
/// | shape | delay before jitter |
/// | --- | --- |
/// | [`Exponential`](Backoff::Exponential) | `base * factor^k` |
/// | [`Fixed`](Backoff::Fixed) | `base` |
/// | [`Linear`](Backoff::Linear) | `base * (k + 1)` |
/// | [`Fibonacci`](Backoff::Fibonacci) | `base * F(k + 1)`, with F = 1, 1, 2, 3, 5, ... |
/// | [`Custom`](Backoff::Custom) | `f(k)` |
///
/// Every shape is then floored by `min_delay`, capped by `max_delay` and jittered.
/// All arithmetic saturates at [`Duration::MAX`]: no base, factor or retry number overflows.
///
/// ```
/// use retry_runtime::{Backoff, Policy};
/// use std::time::Duration;
///
/// let ms = Duration::from_millis;
/// let delays = |backoff| -> Vec<Duration> {
///     Policy::new().max_attempts(6).base(ms(10)).backoff(backoff).delays().collect()
/// };
/// assert_eq!(delays(Backoff::Exponential), [ms(10), ms(20), ms(40), ms(80), ms(160)]);
/// assert_eq!(delays(Backoff::Fixed), [ms(10); 5]);
/// assert_eq!(delays(Backoff::Linear), [ms(10), ms(20), ms(30), ms(40), ms(50)]);
/// assert_eq!(delays(Backoff::Fibonacci), [ms(10), ms(10), ms(20), ms(30), ms(50)]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub enum Backoff {
    /// `base * factor^k`: 100 ms, 200 ms, 400 ms, ... with the defaults.
    #[default]
    Exponential,
    /// `base` every time.
    Fixed,
    /// `base * (k + 1)`: 100 ms, 200 ms, 300 ms, ...
    Linear,
    /// `base * F(k + 1)`: 100 ms, 100 ms, 200 ms, 300 ms, 500 ms, ...
    Fibonacci,
    /// `f(k)`, a schedule of your own for the zero-based retry `k` (the attribute's
    /// `backoff = path`): tenacity's `wait_chain` and the like are one `match`. `base` and
    /// `factor` play no part; `min_delay`, `max_delay` and the jitter still do.
    ///
    /// ```
    /// use retry_runtime::{Backoff, Policy};
    /// use std::time::Duration;
    ///
    /// /// Three quick retries, then slow ones (tenacity's `wait_chain`).
    /// fn quick_then_slow(k: u32) -> Duration {
    ///     match k {
    ///         0..=2 => Duration::from_millis(100),
    ///         _ => Duration::from_secs(2),
    ///     }
    /// }
    ///
    /// let policy = Policy::new().max_attempts(6).backoff(Backoff::Custom(quick_then_slow));
    /// let ms: Vec<u128> = policy.delays().map(|d| d.as_millis()).collect();
    /// assert_eq!(ms, [100, 100, 100, 2000, 2000]);
    /// ```
    Custom(fn(u32) -> Duration),
}

/// Shapes are equal when they are the same shape; two `Custom` shapes when they are the
/// same fn (compared by address, as `fn` pointers are).
impl PartialEq for Backoff {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Backoff::Custom(a), Backoff::Custom(b)) => std::ptr::fn_addr_eq(*a, *b),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

impl Eq for Backoff {}

impl std::hash::Hash for Backoff {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        if let Backoff::Custom(f) = self {
            (*f as usize).hash(state);
        }
    }
}

impl Backoff {
    /// The delay before retry `k` (zero-based), before any cap or jitter.
    #[inline]
    pub(crate) fn delay(self, base: Duration, factor: f64, k: u32) -> Duration {
        match self {
            Backoff::Custom(f) => f(k),
            Backoff::Fixed => base,
            Backoff::Linear => mul_int(base, u128::from(k) + 1),
            Backoff::Fibonacci => mul_int(base, fibonacci(k)),
            Backoff::Exponential if base.is_zero() => Duration::ZERO,
            // The default factor, exactly and without floating point.
            Backoff::Exponential if factor.to_bits() == 2f64.to_bits() => {
                mul_int(base, 1u128.checked_shl(k).unwrap_or(u128::MAX))
            }
            Backoff::Exponential => {
                let power = match i32::try_from(k) {
                    Ok(k) => factor.powi(k),
                    Err(_) => factor.powf(f64::from(k)),
                };
                mul_f64(base, power)
            }
        }
    }
}

/// `F(k + 1)` with F = 1, 1, 2, 3, 5, ..., saturating at `u128::MAX`.
fn fibonacci(k: u32) -> u128 {
    let (mut current, mut next) = (1u128, 1u128);
    for _ in 0..k {
        if current == u128::MAX {
            break;
        }
        (current, next) = (next, current.saturating_add(next));
    }
    current
}

/// A duration from a nanosecond count, saturating at [`Duration::MAX`]. Counts below
/// 2^64 ns (584 years), every delay in practice, take the `u64` path: a division by a
/// constant the compiler turns into a multiplication, where a `u128` one is a call.
#[inline]
pub(crate) fn from_nanos(nanos: u128) -> Duration {
    match u64::try_from(nanos) {
        Ok(nanos) => Duration::from_nanos(nanos),
        Err(_) => from_huge_nanos(nanos),
    }
}

#[cold]
fn from_huge_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    match u64::try_from(nanos / NANOS_PER_SEC) {
        // The remainder is below 10^9, so it fits in a u32.
        #[allow(clippy::cast_possible_truncation)]
        Ok(secs) => Duration::new(secs, (nanos % NANOS_PER_SEC) as u32),
        Err(_) => Duration::MAX,
    }
}

/// A duration's nanoseconds, for every duration below 18,446,744,073 s (584 years; a few
/// just below 2^64 ns fall outside and take the callers' general paths): one comparison,
/// then arithmetic that cannot overflow.
#[inline]
pub(crate) fn nanos_u64(duration: Duration) -> Option<u64> {
    /// `(LIMIT - 1) * 10^9 + 999,999,999` is below `u64::MAX`.
    const LIMIT: u64 = u64::MAX / 1_000_000_000;
    let secs = duration.as_secs();
    (secs < LIMIT).then(|| secs * 1_000_000_000 + u64::from(duration.subsec_nanos()))
}

/// `duration * n`, saturating.
pub(crate) fn mul_int(duration: Duration, n: u128) -> Duration {
    // In `u64` when both fit and so does the product: no `u128` arithmetic.
    if let (Some(nanos), Ok(n)) = (nanos_u64(duration), u64::try_from(n)) {
        if let Some(product) = nanos.checked_mul(n) {
            return Duration::from_nanos(product);
        }
    }
    from_nanos(duration.as_nanos().saturating_mul(n))
}

/// `duration * x` for a finite `x >= 0`, saturating; `NaN` gives zero.
pub(crate) fn mul_f64(duration: Duration, x: f64) -> Duration {
    // Exact for every duration below 2^53 ns (104 days) and power-of-two factors.
    #[allow(clippy::cast_precision_loss)]
    let nanos = duration.as_nanos() as f64 * x;
    #[allow(clippy::cast_precision_loss)]
    let max = Duration::MAX.as_nanos() as f64;
    if nanos >= max {
        Duration::MAX
    } else {
        // `nanos` is finite and below the maximum here; a negative or NaN value casts to 0.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        from_nanos(nanos as u128)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn exponential_multiplies_by_the_factor() {
        let delays: Vec<_> = (0..5)
            .map(|k| Backoff::Exponential.delay(MS * 100, 2.0, k))
            .collect();
        assert_eq!(delays, [MS * 100, MS * 200, MS * 400, MS * 800, MS * 1600]);
        assert_eq!(Backoff::Exponential.delay(MS * 100, 1.5, 2), MS * 225);
        assert_eq!(Backoff::Exponential.delay(MS * 100, 1.0, 40), MS * 100);
        // The integer path for factor 2 agrees with the float path.
        for k in [0, 1, 10, 40, 63] {
            let by_float = mul_f64(MS * 3, 2f64.powi(k));
            assert_eq!(
                Backoff::Exponential.delay(MS * 3, 2.0, k.unsigned_abs()),
                by_float
            );
        }
        assert_eq!(Backoff::Exponential.delay(MS, 2.0, 127), Duration::MAX);
        assert_eq!(Backoff::Exponential.delay(MS, 2.0, 128), Duration::MAX);
    }

    #[test]
    fn fibonacci_starts_one_one_two() {
        let f: Vec<_> = (0..10).map(fibonacci).collect();
        assert_eq!(f, [1, 1, 2, 3, 5, 8, 13, 21, 34, 55]);
        assert_eq!(fibonacci(u32::MAX), u128::MAX);
    }

    #[test]
    fn linear_adds_the_base() {
        assert_eq!(Backoff::Linear.delay(MS * 7, 2.0, 0), MS * 7);
        assert_eq!(Backoff::Linear.delay(MS * 7, 2.0, 3), MS * 28);
        assert_eq!(Backoff::Fixed.delay(MS * 7, 2.0, 3), MS * 7);
    }

    #[test]
    fn every_shape_saturates_instead_of_overflowing() {
        for backoff in [
            Backoff::Exponential,
            Backoff::Fixed,
            Backoff::Linear,
            Backoff::Fibonacci,
        ] {
            for k in [0, 1, 63, 64, 1_000, u32::MAX - 1, u32::MAX] {
                for factor in [1.0, 2.0, 1e6, f64::MAX] {
                    let d = backoff.delay(Duration::MAX, factor, k);
                    assert_eq!(d, Duration::MAX, "{backoff:?} k={k} factor={factor}");
                    let d = backoff.delay(Duration::ZERO, factor, k);
                    assert_eq!(d, Duration::ZERO, "{backoff:?} k={k} factor={factor}");
                }
            }
        }
        assert_eq!(Backoff::Exponential.delay(MS, 2.0, u32::MAX), Duration::MAX);
        assert_eq!(Backoff::Fibonacci.delay(MS, 2.0, 200), Duration::MAX);
        assert_eq!(
            Backoff::Linear.delay(Duration::from_secs(u64::MAX / 2), 2.0, 7),
            Duration::MAX
        );
    }

    #[test]
    fn from_nanos_keeps_sub_second_precision() {
        assert_eq!(from_nanos(1_500_000_001), Duration::new(1, 500_000_001));
        assert_eq!(from_nanos(u128::MAX), Duration::MAX);
        // Either side of the `u64` fast path.
        let max = u128::from(u64::MAX);
        assert_eq!(from_nanos(max), Duration::from_nanos(u64::MAX));
        assert_eq!(
            from_nanos(max + 1),
            Duration::from_nanos(u64::MAX) + Duration::from_nanos(1)
        );
    }

    #[test]
    fn mul_int_agrees_with_u128_arithmetic_either_side_of_u64() {
        let reference = |d: Duration, n: u128| match d.as_nanos().checked_mul(n) {
            Some(nanos) if nanos <= Duration::MAX.as_nanos() => {
                let secs = u64::try_from(nanos / 1_000_000_000).unwrap();
                Duration::new(secs, u32::try_from(nanos % 1_000_000_000).unwrap())
            }
            _ => Duration::MAX,
        };
        let durations = [
            Duration::ZERO,
            Duration::from_nanos(1),
            Duration::from_millis(10),
            Duration::from_nanos(u64::MAX),
            Duration::from_nanos(u64::MAX / 3),
            Duration::new(18_446_744_072, 999_999_999),
            Duration::new(18_446_744_073, 0),
            Duration::new(u64::MAX, 999_999_999),
        ];
        let factors = [
            0,
            1,
            2,
            3,
            1 << 40,
            u128::from(u64::MAX),
            u128::from(u64::MAX) + 1,
            u128::MAX,
        ];
        for d in durations {
            for n in factors {
                assert_eq!(mul_int(d, n), reference(d, n), "{d:?} * {n}");
            }
        }
        assert_eq!(mul_f64(MS, f64::NAN), Duration::ZERO);
        assert_eq!(mul_f64(MS, f64::INFINITY), Duration::MAX);
    }
}
