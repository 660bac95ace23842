//! Ways of running a call's attempts: one after another ([`sequential`]: each attempt as it
//! is, [`OneByOne`], or within a time limit, [`TimeLimit`], `attempt_timeout`) or
//! overlapping ([`hedged`], `hedge`). Every front door runs its attempts through these; the
//! engine decides what happens between them.

mod hedged;
mod sequential;
mod time_limit;

pub(crate) use hedged::Describe;
pub use hedged::{HedgeFuture, Hedging, OnHedge};
#[cfg(feature = "tower")]
pub(crate) use sequential::POLLED_AFTER_COMPLETION;
pub use sequential::RetryFuture;
pub(crate) use time_limit::Within;
pub use time_limit::{Cut, TimeLimit, TimedOut, TimeoutOutcome};

use std::future::Future;
use std::time::Duration;

use crate::context::{CallId, Context};
use crate::time::AsyncSleep;

/// How a builder's operation makes one attempt: a closure `FnMut() -> Out` is called as it
/// is; a [`WithContext`](crate::builder::WithContext) is given the attempt's [`Context`].
pub trait MakeAttempt {
    /// What one attempt is: its outcome (sync), or the future of it (async).
    type Attempt;

    /// Makes the next attempt; `context` makes its [`Context`] from the call's id, and is
    /// called only by an operation that is told it.
    #[doc(hidden)]
    fn make(&mut self, context: impl FnOnce(&mut CallId) -> Context) -> Self::Attempt;
}

impl<F: FnMut() -> Out, Out> MakeAttempt for F {
    type Attempt = Out;

    #[inline]
    fn make(&mut self, _: impl FnOnce(&mut CallId) -> Context) -> Out {
        self()
    }
}

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

    /// Whether `running`, which has returned its outcome, was cut by a time limit: the
    /// breaker and the throttle count it as a failure whatever `when` says.
    #[inline]
    fn was_cut(running: &Self::Running) -> bool {
        let _ = running;
        false
    }
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
