use std::iter::FusedIterator;
use std::time::Duration;

use crate::RetryBudget;
use crate::backoff::Backoff;
use crate::jitter::{Jitter, Random};

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
    pub const fn max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = Some(max_delay);
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
    /// end past it is not started, and the last outcome is returned instead. An attempt
    /// that is running when the deadline passes is not interrupted.
    ///
    /// ```
    /// use retry_runtime::{Policy, testing};
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().max_attempts(10).base(Duration::from_secs(1)).deadline(Duration::from_secs(5));
    /// let (_, delays) = testing::record(|| policy.retry(|| None::<()>));
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
    /// const POLICY: Policy = Policy::new().budget(&BUDGET);
    /// # let _ = POLICY;
    /// ```
    pub const fn budget(mut self, budget: &'static RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The un-jittered schedule: one delay per retry, `max_attempts - 1` of them, each
    /// capped by `max_delay`.
    ///
    /// [`Jitter::Decorrelated`] has no un-jittered form; for it this yields the backoff
    /// shape.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new()
    ///     .max_attempts(6)
    ///     .base(Duration::from_secs(1))
    ///     .max_delay(Duration::from_secs(5));
    /// let secs: Vec<u64> = policy.delays().map(|d| d.as_secs()).collect();
    /// assert_eq!(secs, [1, 2, 4, 5, 5]);
    /// ```
    pub fn delays(&self) -> Delays {
        Delays {
            policy: *self,
            next: 0,
            end: self.max_attempts - 1,
        }
    }

    /// The delays a call would sleep, jitter included, drawn from a generator seeded with
    /// `seed`: one per retry, `max_attempts - 1` of them. The same seed gives the same
    /// delays, so simulations and tests are reproducible. (A deadline or a server hint can
    /// still shorten a real call's schedule.)
    ///
    /// ```
    /// use retry_runtime::{Jitter, Policy};
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new()
    ///     .max_attempts(6)
    ///     .base(Duration::from_millis(100))
    ///     .jitter(Jitter::Full);
    /// let first: Vec<Duration> = policy.jittered_delays(42).collect();
    /// assert_eq!(first, policy.jittered_delays(42).collect::<Vec<_>>());
    /// assert_ne!(first, policy.jittered_delays(43).collect::<Vec<_>>());
    /// for (jittered, full) in first.iter().zip(policy.delays()) {
    ///     assert!(*jittered <= full);
    /// }
    /// ```
    pub fn jittered_delays(&self, seed: u64) -> JitteredDelays {
        JitteredDelays {
            policy: *self,
            next: 0,
            end: self.max_attempts - 1,
            previous: self.base,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The delay before retry `k` (zero-based) before jitter, capped by `max_delay`.
    fn shape_delay(&self, k: u32) -> Duration {
        self.cap(self.backoff.delay(self.base, self.factor, k))
    }

    /// `delay`, capped by `max_delay`.
    pub(crate) fn cap(&self, delay: Duration) -> Duration {
        match self.max_delay {
            Some(max) => delay.min(max),
            None => delay,
        }
    }

    /// The jittered delay before retry `k`; `previous` is the state of decorrelated jitter.
    pub(crate) fn delay(
        &self,
        k: u32,
        previous: &mut Duration,
        random: &mut impl Random,
    ) -> Duration {
        let shaped = match self.jitter {
            Jitter::Decorrelated => Duration::ZERO,
            _ => self.shape_delay(k),
        };
        self.jitter
            .apply(shaped, self.base, self.max_delay, previous, random)
    }
}

/// The un-jittered schedule of a [`Policy`], from [`Policy::delays`].
///
/// ```
/// use retry_runtime::{Delays, Policy};
///
/// let delays: Delays = Policy::new().max_attempts(3).delays();
/// assert_eq!(delays.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct Delays {
    policy: Policy,
    next: u32,
    end: u32,
}

impl Iterator for Delays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.next >= self.end {
            return None;
        }
        let delay = self.policy.shape_delay(self.next);
        self.next += 1;
        Some(delay)
    }

    fn nth(&mut self, n: usize) -> Option<Duration> {
        let skip = u32::try_from(n).unwrap_or(u32::MAX);
        self.next = self.next.saturating_add(skip).min(self.end);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Delays {}
impl FusedIterator for Delays {}

/// The jittered schedule of a [`Policy`] for one seed, from [`Policy::jittered_delays`].
///
/// ```
/// use retry_runtime::{Jitter, JitteredDelays, Policy};
///
/// let delays: JitteredDelays = Policy::new().jitter(Jitter::Full).jittered_delays(7);
/// assert_eq!(delays.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct JitteredDelays {
    policy: Policy,
    next: u32,
    end: u32,
    previous: Duration,
    rng: fastrand::Rng,
}

impl Iterator for JitteredDelays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.next >= self.end {
            return None;
        }
        let delay = self
            .policy
            .delay(self.next, &mut self.previous, &mut self.rng);
        self.next += 1;
        Some(delay)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for JitteredDelays {}
impl FusedIterator for JitteredDelays {}

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

    #[test]
    fn delays_are_capped_and_count_the_retries() {
        let p = Policy::new()
            .max_attempts(5)
            .base(MS * 300)
            .max_delay(MS * 1000);
        let delays: Vec<_> = p.delays().collect();
        assert_eq!(delays, [MS * 300, MS * 600, MS * 1000, MS * 1000]);
        assert_eq!(p.delays().len(), 4);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let p = Policy::new().max_attempts(u32::MAX).base(Duration::MAX);
        assert_eq!(p.delays().len(), usize::try_from(u32::MAX - 1).unwrap());
        let last = usize::try_from(u32::MAX - 2).unwrap();
        assert_eq!(p.delays().nth(last), Some(Duration::MAX));
        assert_eq!(p.delays().nth(last + 1), None);
    }
}
