//! How one async attempt runs: as it is ([`OneByOne`]), or within a time limit
//! ([`TimeLimit`], `attempt_timeout`). The async builder is generic over it, and the
//! attribute's expansion calls the same [`TimeLimit`] through its glue.

use std::future::Future;
use std::time::Duration;

use crate::AsyncSleep;
use crate::timeout::{ByFrom, Cut, Within, within};

/// A way to run one async attempt. What a [`Retrying`](crate::Retrying) of
/// `retry_async` runs its attempts with; see [`OneByOne`] and [`TimeLimit`].
pub trait Runner<Fut: Future, S: AsyncSleep> {
    /// The running attempt: a future of the attempt's outcome.
    type Running: Future<Output = Fut::Output>;

    /// Runs `attempt`, attempt `number` of `function`, on `sleeper`'s clock.
    /// `until_deadline` is the time left before the call's deadline, if it has one.
    fn run(
        &self,
        attempt: Fut,
        sleeper: &S,
        until_deadline: impl FnOnce() -> Option<Duration>,
        function: &'static str,
        number: u32,
    ) -> Self::Running;
}

/// Each attempt runs until it ends, however long that takes.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneByOne;

impl<Fut: Future, S: AsyncSleep> Runner<Fut, S> for OneByOne {
    type Running = Fut;

    #[inline]
    fn run(
        &self,
        attempt: Fut,
        _: &S,
        _: impl FnOnce() -> Option<Duration>,
        _: &'static str,
        _: u32,
    ) -> Fut {
        attempt
    }
}

/// Each attempt gets at most this long, and no more than the time left before the
/// deadline; one still running then is dropped and judged as the failure
/// [`TimedOut`](crate::TimedOut) (`attempt_timeout`), made into an outcome by the [`Cut`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit<C = ByFrom>(pub Duration, pub C);

impl<C> TimeLimit<C> {
    /// The time the next attempt gets: the limit, or less when the deadline is closer.
    #[inline]
    pub(crate) fn for_attempt(&self, until_deadline: Option<Duration>) -> Duration {
        until_deadline.map_or(self.0, |left| self.0.min(left))
    }
}

impl<Fut, S, C> Runner<Fut, S> for TimeLimit<C>
where
    Fut: Future,
    S: AsyncSleep,
    C: Cut<Fut::Output> + Clone,
{
    type Running = Within<Fut, S::Sleep, C>;

    #[inline]
    fn run(
        &self,
        attempt: Fut,
        sleeper: &S,
        until_deadline: impl FnOnce() -> Option<Duration>,
        function: &'static str,
        number: u32,
    ) -> Self::Running {
        let after = self.for_attempt(until_deadline());
        within(attempt, after, sleeper, self.1.clone(), function, number)
    }
}
