//! Per-attempt timeouts (`attempt_timeout`): an attempt still running after its time is
//! dropped and judged as the failure [`TimedOut`]. [`Within`] is that way of running an
//! attempt, for the attribute's expansion and the async builder alike.

use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::Runner;
use crate::engine::events;
use crate::outcome::{ByFrom, Converted, Outcome};
use crate::time::AsyncSleep;

/// The failure of an attempt cut by `attempt_timeout`: it was still running after
/// [`after`](TimedOut::after), so it was dropped.
///
/// A `Result<T, E>` fn with `attempt_timeout` needs `E: From<TimedOut>`; `anyhow::Error`,
/// `Box<dyn Error + Send + Sync>` and `std::io::Error` (as `ErrorKind::TimedOut`) have it.
/// For another crate's error, which cannot implement it, give the conversion:
/// `timed_out = |t| redis::RedisError::from(std::io::Error::from(t))` (a fn, or a closure that
/// captures nothing), or `.timed_out(f)` on the builder. For an error enum of your own it is
/// one variant and a `From` impl:
///
/// ```
/// use retry_runtime::{TimedOut, retry};
///
/// #[derive(Debug)]
/// enum Error {
///     Unavailable,
///     TimedOut(TimedOut),
/// }
///
/// impl From<TimedOut> for Error {
///     fn from(timed_out: TimedOut) -> Self {
///         Error::TimedOut(timed_out)
///     }
/// }
///
/// #[retry(max = 3, base = "10ms", attempt_timeout = "2s", when = |e| !matches!(e, Error::Unavailable))]
/// async fn fetch() -> Result<u8, Error> {
///     Ok(1)
/// }
///
/// let timed_out = TimedOut::new(std::time::Duration::from_secs(2));
/// assert_eq!(timed_out.to_string(), "the attempt timed out after 2s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimedOut {
    after: Duration,
}

impl TimedOut {
    /// An attempt cut after `after`.
    ///
    /// ```
    /// use retry_runtime::TimedOut;
    /// use std::time::Duration;
    ///
    /// assert_eq!(TimedOut::new(Duration::from_millis(5)).after(), Duration::from_millis(5));
    /// ```
    pub const fn new(after: Duration) -> Self {
        TimedOut { after }
    }

    /// How long the attempt had: `attempt_timeout`, or less when the `deadline` was closer.
    ///
    /// ```
    /// use retry_runtime::TimedOut;
    /// use std::time::Duration;
    ///
    /// assert_eq!(TimedOut::new(Duration::from_secs(1)).after(), Duration::from_secs(1));
    /// ```
    pub const fn after(&self) -> Duration {
        self.after
    }
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the attempt timed out after {:?}", self.after)
    }
}

impl Error for TimedOut {}

/// An attempt cut by `attempt_timeout`, as the I/O error of kind
/// [`ErrorKind::TimedOut`](std::io::ErrorKind::TimedOut), with the `TimedOut` as its source:
/// so a `Result<T, std::io::Error>` fn takes `attempt_timeout` as it is, and another
/// crate's error that converts from `io::Error` takes it with
/// `timed_out = |t| E::from(std::io::Error::from(t))`.
///
/// ```
/// use retry_runtime::TimedOut;
/// use std::time::Duration;
///
/// let error = std::io::Error::from(TimedOut::new(Duration::from_secs(2)));
/// assert_eq!(error.kind(), std::io::ErrorKind::TimedOut);
/// assert_eq!(error.to_string(), "the attempt timed out after 2s");
/// ```
impl From<TimedOut> for std::io::Error {
    fn from(timed_out: TimedOut) -> Self {
        std::io::Error::new(std::io::ErrorKind::TimedOut, timed_out)
    }
}

/// An [`Outcome`] that can stand for an attempt cut by `attempt_timeout`: `Err(E::from(..))`
/// for `Result<T, E>` with `E: From<TimedOut>`, `None` for `Option<T>`. Implement it for an
/// outcome type of your own to use it with `attempt_timeout`.
///
/// ```
/// use retry_runtime::{TimedOut, TimeoutOutcome};
/// use std::time::Duration;
///
/// let cut: Result<u8, Box<dyn std::error::Error + Send + Sync>> =
///     TimeoutOutcome::timed_out(TimedOut::new(Duration::from_secs(1)));
/// assert_eq!(cut.unwrap_err().to_string(), "the attempt timed out after 1s");
/// assert_eq!(Option::<u8>::timed_out(TimedOut::new(Duration::ZERO)), None);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot stand for an attempt cut by `attempt_timeout`",
    label = "an attempt that times out must become this outcome",
    note = "for `Result<T, E>`, `E` needs `From<retry_runtime::TimedOut>` (`anyhow::Error` and `Box<dyn Error + Send + Sync>` have it): add a variant and `impl From<TimedOut> for E`",
    note = "for another outcome type, implement `retry_runtime::TimeoutOutcome`"
)]
pub trait TimeoutOutcome: Outcome {
    /// The outcome of an attempt cut by `attempt_timeout`.
    fn timed_out(timed_out: TimedOut) -> Self;
}

impl<T, E: From<TimedOut>> TimeoutOutcome for Result<T, E> {
    fn timed_out(timed_out: TimedOut) -> Self {
        Err(E::from(timed_out))
    }
}

impl<T> TimeoutOutcome for Option<T> {
    fn timed_out(_: TimedOut) -> Self {
        None
    }
}

/// How an attempt cut by `attempt_timeout` becomes an outcome: [`ByFrom`] (the
/// outcome's [`TimeoutOutcome`]), or [`Converted`], a conversion to the failure type given
/// with `timed_out = f` (the attribute) or [`Retrying::timed_out`](crate::Retrying::timed_out)
/// (the builders) for a failure type that cannot implement `From<TimedOut>` (another crate's
/// error).
pub trait Cut<R> {
    /// The outcome of an attempt cut after `timed_out.after()`.
    fn cut(&self, timed_out: TimedOut) -> R;
}

impl<R: TimeoutOutcome> Cut<R> for ByFrom {
    #[inline]
    fn cut(&self, timed_out: TimedOut) -> R {
        R::timed_out(timed_out)
    }
}

impl<T, E, F: Fn(TimedOut) -> E> Cut<Result<T, E>> for Converted<F> {
    #[inline]
    fn cut(&self, timed_out: TimedOut) -> Result<T, E> {
        Err((self.0)(timed_out))
    }
}

pin_project! {
    /// One attempt with a timer: the attempt's outcome, or [`TimeoutOutcome::timed_out`]
    /// once the timer fires first (the attempt is dropped then). The timer is the call's
    /// own async sleep, and it always runs: `testing::record*` skips the sleeps between
    /// attempts, never this one.
    #[must_use = "futures do nothing unless polled"]
    pub struct Within<F: Future, T, C> {
        #[pin]
        attempt: Option<F>,
        #[pin]
        timer: T,
        // How the outcome of a cut attempt is made.
        cut: C,
        after: Duration,
        function: &'static str,
        number: u32,
        // The timer fired first.
        timed_out: bool,
    }
}

impl<F: Future, T, C> fmt::Debug for Within<F, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Within")
            .field("after", &self.after)
            .field("function", &self.function)
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

/// `attempt` within `after` on `sleeper`'s clock, as attempt `number` of `function`; a cut
/// attempt's outcome is made by `cut`.
pub(crate) fn within<F, S: AsyncSleep + ?Sized, C: Cut<F::Output>>(
    attempt: F,
    after: Duration,
    sleeper: &S,
    cut: C,
    function: &'static str,
    number: u32,
) -> Within<F, S::Sleep, C>
where
    F: Future,
{
    Within {
        attempt: Some(attempt),
        timer: sleeper.sleep(after),
        cut,
        after,
        function,
        number,
        timed_out: false,
    }
}

impl<F: Future, T, C> Within<F, T, C> {
    /// Whether the attempt was cut: the timer fired before it returned.
    #[inline]
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }
}

impl<F: Future, T: Future, C: Cut<F::Output>> Future for Within<F, T, C> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        // The attempt first: one that is ready when the timer fires still counts.
        if let Some(attempt) = this.attempt.as_mut().as_pin_mut() {
            if let Poll::Ready(outcome) = attempt.poll(cx) {
                this.attempt.set(None);
                return Poll::Ready(outcome);
            }
        }
        match this.timer.poll(cx) {
            Poll::Ready(_) => {
                // Dropped now, not when this future is: what it owned goes at once.
                this.attempt.set(None);
                *this.timed_out = true;
                events::timed_out(this.function, *this.number, *this.after);
                Poll::Ready(this.cut.cut(TimedOut::new(*this.after)))
            }
            Poll::Pending => Poll::Pending,
        }
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

    #[inline]
    fn was_cut(running: &Self::Running) -> bool {
        running.timed_out()
    }
}
