//! The schedule of a [`Policy`] as iterators: [`Delays`] (un-jittered) and
//! [`JitteredDelays`] (seeded), stepped by the same [`Cursor`] as a call's engine.

use std::iter::FusedIterator;
use std::time::Duration;

use super::cursor::Cursor;
use super::policy::Policy;

fn left(next: u32, end: u32) -> (usize, Option<usize>) {
    let left = usize::try_from(end.saturating_sub(next)).unwrap_or(usize::MAX);
    (left, Some(left))
}

impl Policy {
    /// The un-jittered schedule: one delay per retry, `max_attempts - 1` of them, each
    /// capped by `max_delay`.
    ///
    /// [`Jitter::Decorrelated`](crate::Jitter::Decorrelated) has no un-jittered form; for it this yields the backoff
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
            cursor: Cursor::new(self),
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
            cursor: Cursor::new(self),
            end: self.max_attempts - 1,
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    /// The delay before retry `k` (zero-based) before jitter, capped by `max_delay`.
    #[inline]
    pub(super) fn shaped(&self, k: u32) -> Duration {
        self.cap(self.backoff.delay(self.base, self.factor, k))
    }

    /// `delay`, floored by `min_delay` (which is at most `max_delay`). Most policies have
    /// none: one test of a flag, no comparison.
    #[inline]
    pub(super) fn floor(&self, delay: Duration) -> Duration {
        if !self.floored || delay >= self.min_delay {
            delay
        } else {
            self.min_delay
        }
    }

    /// `delay`, capped by `max_delay`.
    #[inline]
    pub(crate) fn cap(&self, delay: Duration) -> Duration {
        match self.max_delay {
            Some(max) => delay.min(max),
            None => delay,
        }
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
    cursor: Cursor,
    end: u32,
}

impl Iterator for Delays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        (self.cursor.retry() < self.end).then(|| self.cursor.shaped(&self.policy))
    }

    fn nth(&mut self, n: usize) -> Option<Duration> {
        let skip = u32::try_from(n).unwrap_or(u32::MAX);
        let k = self.cursor.retry().saturating_add(skip).min(self.end);
        self.cursor.seek(k);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        left(self.cursor.retry(), self.end)
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
    cursor: Cursor,
    end: u32,
    rng: fastrand::Rng,
}

impl Iterator for JitteredDelays {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        (self.cursor.retry() < self.end).then(|| self.cursor.jittered(&self.policy, &mut self.rng))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        left(self.cursor.retry(), self.end)
    }
}

impl ExactSizeIterator for JitteredDelays {}
impl FusedIterator for JitteredDelays {}
