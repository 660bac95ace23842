//! [`Policy`]: the schedule as a value, the attribute's keys as `const` setters.

use std::time::Duration;

use super::backoff::Backoff;
use super::jitter::Jitter;
use crate::limits::RetryBudget;

/// A retry schedule: how many attempts, how long to wait between them, and for how long in
/// all.
///
/// `Policy::new()` has the same defaults as `#[retry]` with no keys: 3 attempts, 100 ms
/// base, exponential backoff with factor 2, no cap, no jitter, no deadline. The setters are
/// `const fn`, so a policy can live in a `const` or `static`. A `Policy` is `Copy`: pass it
/// around freely.
///
/// ```
/// use retry_runtime::{Backoff, Jitter, Policy};
/// use std::time::Duration;
///
/// const POLICY: Policy = Policy::new()
///     .max_attempts(10)
///     .base(Duration::from_millis(500))
///     .backoff(Backoff::Exponential)
///     .factor(2.0)
///     .max_delay(Duration::from_secs(60))
///     .jitter(Jitter::Full)
///     .deadline(Duration::from_secs(30));
///
/// let schedule: Vec<Duration> = POLICY.delays().take(3).collect();
/// assert_eq!(schedule, [500, 1000, 2000].map(Duration::from_millis));
/// ```
///
/// Out-of-range values never panic: `max_attempts(0)` means 1 (the first call is always
/// made), and a `factor` below 1 (or NaN) means 1.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub(crate) max_attempts: u32,
    pub(crate) base: Duration,
    pub(crate) backoff: Backoff,
    pub(crate) factor: f64,
    pub(crate) max_delay: Option<Duration>,
    pub(crate) min_delay: Duration,
    /// `min_delay` is not zero: the one test a retry's delay pays for the floor.
    pub(crate) floored: bool,
    pub(crate) jitter: Jitter,
    pub(crate) deadline: Option<Duration>,
    pub(crate) budget: Option<&'static RetryBudget>,
}

/// Policies are equal when their settings are, and they share the same budget (if any).
impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        let same_budget = match (self.budget, other.budget) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        same_budget
            && self.max_attempts == other.max_attempts
            && self.base == other.base
            && self.backoff == other.backoff
            && self.factor.to_bits() == other.factor.to_bits()
            && self.max_delay == other.max_delay
            && self.min_delay == other.min_delay
            && self.jitter == other.jitter
            && self.deadline == other.deadline
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::new()
    }
}

impl Policy {
    /// The defaults of `#[retry]`: 3 attempts, 100 ms base, exponential backoff with factor 2,
    /// no cap, no jitter, no deadline.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let delays: Vec<Duration> = Policy::new().delays().collect();
    /// assert_eq!(delays, [Duration::from_millis(100), Duration::from_millis(200)]);
    /// ```
    pub const fn new() -> Self {
        Policy {
            max_attempts: 3,
            base: Duration::from_millis(100),
            backoff: Backoff::Exponential,
            factor: 2.0,
            max_delay: None,
            min_delay: Duration::ZERO,
            floored: false,
            jitter: Jitter::None,
            deadline: None,
            budget: None,
        }
    }

    /// Total attempts, the first call included (`max`). `0` is taken as `1`.
    ///
    /// ```
    /// use retry_runtime::Policy;
    ///
    /// assert_eq!(Policy::new().max_attempts(5).delays().len(), 4);
    /// assert_eq!(Policy::new().max_attempts(0).delays().len(), 0); // one call, no retry
    /// ```
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The delay before the first retry (`base`).
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let first = Policy::new().base(Duration::from_secs(1)).delays().next();
    /// assert_eq!(first, Some(Duration::from_secs(1)));
    /// ```
    pub const fn base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// The shape of the schedule (`backoff`).
    ///
    /// ```
    /// use retry_runtime::{Backoff, Policy};
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(4).base(Duration::from_secs(1)).backoff(Backoff::Linear);
    /// assert_eq!(policy.delays().map(|d| d.as_secs()).collect::<Vec<_>>(), [1, 2, 3]);
    /// ```
    pub const fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The growth of [`Backoff::Exponential`] (`factor`). Below 1, or NaN, is taken as 1.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(4).base(Duration::from_secs(2)).factor(1.5);
    /// assert_eq!(policy.delays().map(|d| d.as_secs_f64()).collect::<Vec<_>>(), [2.0, 3.0, 4.5]);
    /// ```
    pub const fn factor(mut self, factor: f64) -> Self {
        // `factor >= 1.0` is false for NaN too.
        self.factor = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// No single delay is ever longer than this, jitter and server hints included
    /// (`max_delay`).
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(10).max_delay(Duration::from_millis(300));
    /// assert!(policy.delays().all(|d| d <= Duration::from_millis(300)));
    /// ```
    ///
    /// # Panics
    ///
    /// When `max_delay` is below a [`min_delay`](Self::min_delay) already set: no delay could
    /// be both. (In a `const`, that is a compile error.)
    pub const fn max_delay(mut self, max_delay: Duration) -> Self {
        assert!(
            self.min_delay.as_nanos() <= max_delay.as_nanos(),
            "`max_delay` is below `min_delay`: no delay can be both"
        );
        self.max_delay = Some(max_delay);
        self
    }

    /// A floor under every delay, jitter and server hints included (`min_delay`):
    /// tenacity's `wait_exponential(min=...)`. Zero unless set.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// // tenacity's wait_exponential(multiplier=1, min=4, max=10)
    /// let policy = Policy::new()
    ///     .max_attempts(6)
    ///     .base(Duration::from_secs(1))
    ///     .max_delay(Duration::from_secs(10))
    ///     .min_delay(Duration::from_secs(4));
    /// let secs: Vec<u64> = policy.delays().map(|d| d.as_secs()).collect();
    /// assert_eq!(secs, [4, 4, 4, 8, 10]);
    /// ```
    ///
    /// # Panics
    ///
    /// When `min_delay` is above the [`max_delay`](Self::max_delay): no delay could be both.
    /// (In a `const`, that is a compile error; the attribute reports it at the key.)
    pub const fn min_delay(mut self, min_delay: Duration) -> Self {
        if let Some(max) = self.max_delay {
            assert!(
                min_delay.as_nanos() <= max.as_nanos(),
                "`min_delay` is above `max_delay`: no delay can be both"
            );
        }
        self.min_delay = min_delay;
        self.floored = !min_delay.is_zero();
        self
    }

    /// The randomisation of each delay (`jitter`).
    ///
    /// ```
    /// use retry_runtime::{Jitter, Policy};
    ///
    /// let policy = Policy::new().max_attempts(5).jitter(Jitter::Equal);
    /// for (jittered, full) in policy.jittered_delays(1).zip(policy.delays()) {
    ///     assert!(jittered >= full / 2 && jittered <= full);
    /// }
    /// ```
    pub const fn jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }

    /// A time budget from the start of the first attempt (`deadline`): a sleep that would
    /// end at or past it is not started, and the last outcome is returned instead. An attempt
    /// that is running when the deadline passes is not interrupted.
    ///
    /// ```
    /// use retry_runtime::{Policy, testing};
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(10).base(Duration::from_secs(1)).deadline(Duration::from_secs(5));
    /// let (_, delays) = testing::record(|| policy.retry(|| None::<()>).call());
    /// assert_eq!(delays, [Duration::from_secs(1), Duration::from_secs(2)]); // 4 s more would pass 5 s
    /// ```
    pub const fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// A retry budget shared with other calls (`budget`): when it has no room, a failure
    /// is returned without a retry. See [`RetryBudget`].
    ///
    /// ```
    /// use retry_runtime::{Policy, RetryBudget};
    ///
    /// static BUDGET: RetryBudget = RetryBudget::new(100, 0.1);
    /// // A `static`: a `const` may refer to the budget only from Rust 1.88 on.
    /// static POLICY: Policy = Policy::new().budget(&BUDGET);
    /// assert_eq!(POLICY.delays().len(), 2);
    /// ```
    pub const fn budget(mut self, budget: &'static RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn defaults_match_the_attribute() {
        let p = Policy::new();
        assert_eq!(p.max_attempts, 3);
        assert_eq!(p.base, MS * 100);
        assert_eq!(p.backoff, Backoff::Exponential);
        assert!((p.factor - 2.0).abs() < f64::EPSILON);
        assert_eq!(
            (p.max_delay, p.jitter, p.deadline),
            (None, Jitter::None, None)
        );
        assert_eq!(Policy::default(), p);
        assert_eq!(p.delays().collect::<Vec<_>>(), [MS * 100, MS * 200]);
    }

    #[test]
    fn out_of_range_settings_are_clamped() {
        let p = Policy::new().max_attempts(0).factor(0.5);
        assert_eq!(p.max_attempts, 1);
        assert_eq!(p.delays().len(), 0);
        assert!((p.factor - 1.0).abs() < f64::EPSILON);
        assert!((Policy::new().factor(f64::NAN).factor - 1.0).abs() < f64::EPSILON);
    }
}
