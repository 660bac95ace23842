//! Sleeping between attempts: on the thread ([`sleep`]) or with an [`AsyncSleep`]
//! ([`sleep_async`], tokio's by default).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::recorded;

/// Sleeps `delay` on this thread, unless a [`testing::record`](crate::testing::record) records it. A zero delay
/// is recorded like any other, but it costs no system call (a sync call has nothing to
/// yield to).
#[inline]
pub fn sleep(delay: Duration) {
    if !recorded::skip(delay) && !delay.is_zero() {
        std::thread::sleep(delay);
    }
}

/// The sleep between two async attempts: `sleeper`'s sleep of `delay`, zero included, so
/// that a call whose attempts complete without waiting still lets the other tasks of its
/// executor run. A sleep that a [`testing`](crate::testing) recording records yields to the executor once
/// instead. The choice is made when this is called (in the caller's poll); the future
/// holds only the sleep itself.
pub fn sleep_async<S: AsyncSleep + ?Sized>(delay: Duration, sleeper: &S) -> MaybeSleep<S::Sleep> {
    if recorded::skip(delay) {
        MaybeSleep::Yield { yielded: false }
    } else {
        MaybeSleep::Sleep {
            sleep: sleeper.sleep(delay),
        }
    }
}

pin_project! {
    /// A sleep, or a recorded one, which yields to the executor once.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    #[project = MaybeSleepProj]
    pub enum MaybeSleep<F> {
        /// The sleeper's own sleep.
        Sleep { #[pin] sleep: F },
        /// Yields once, then is ready.
        Yield { yielded: bool },
    }
}

impl<F: Future> Future for MaybeSleep<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project() {
            MaybeSleepProj::Sleep { sleep } => sleep.poll(cx).map(drop),
            MaybeSleepProj::Yield { yielded } => yield_once(yielded, cx),
        }
    }
}

/// Pending the first time (the task is woken at once, so the executor runs it again after
/// the others that are ready), ready the next.
fn yield_once(yielded: &mut bool, cx: &mut Context<'_>) -> Poll<()> {
    if std::mem::replace(yielded, true) {
        Poll::Ready(())
    } else {
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// An async sleep: what `#[retry(sleep = path)]` and [`Retrying::sleep`] take.
///
/// Every `Fn(Duration) -> impl Future` is one, so an `async fn my_sleep(d: Duration)` or a
/// runtime's own sleep function works as it is; the future's output is ignored. Implement
/// it for a type only to carry state (a timer handle, say).
///
/// ```
/// use retry_runtime::retry;
/// use std::time::Duration;
///
/// async fn sleep_on_my_runtime(delay: Duration) {
///     // smol::Timer::after(delay).await, embassy_time::Timer::after(..).await, ...
/// #   let _ = delay;
/// }
///
/// #[retry(max = 3, sleep = sleep_on_my_runtime)]
/// async fn call() -> Result<(), String> {
///     Ok(())
/// }
/// ```
///
/// [`Retrying::sleep`]: crate::Retrying::sleep
#[diagnostic::on_unimplemented(
    message = "an async `#[retry]` fn needs an async sleep",
    label = "no async sleep for this fn",
    note = "enable the `tokio` feature of `retry_runtime` (on by default), or name your runtime's sleep with `#[retry(sleep = path::to::sleep)]`"
)]
pub trait AsyncSleep {
    /// The future of one sleep.
    type Sleep: Future;
    /// Starts a sleep of `delay`.
    fn sleep(&self, delay: Duration) -> Self::Sleep;
}

impl<F, Fut> AsyncSleep for F
where
    F: Fn(Duration) -> Fut,
    Fut: Future,
{
    type Sleep = Fut;

    #[inline]
    fn sleep(&self, delay: Duration) -> Fut {
        self(delay)
    }
}

/// The sleep of async `#[retry]` fns without a `sleep` key: `tokio::time::sleep` with the
/// `tokio` feature, a compile error without it. A zero delay yields to tokio once instead of
/// starting a timer.
#[derive(Debug, Clone, Copy)]
pub struct DefaultSleep;

#[cfg(feature = "tokio")]
pin_project! {
    /// The future of [`DefaultSleep`]: tokio's sleep, or one yield for a zero delay.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    #[project = TokioSleepProj]
    pub enum TokioSleep {
        /// `tokio::time::sleep`.
        Timer { #[pin] sleep: tokio::time::Sleep },
        /// A zero delay: one yield.
        Yield { yielded: bool },
    }
}

#[cfg(feature = "tokio")]
impl Future for TokioSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project() {
            TokioSleepProj::Timer { sleep } => sleep.poll(cx),
            TokioSleepProj::Yield { yielded } => yield_once(yielded, cx),
        }
    }
}

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
impl AsyncSleep for DefaultSleep {
    type Sleep = TokioSleep;

    #[inline]
    fn sleep(&self, delay: Duration) -> TokioSleep {
        if delay.is_zero() {
            TokioSleep::Yield { yielded: false }
        } else {
            TokioSleep::Timer {
                sleep: tokio::time::sleep(delay),
            }
        }
    }
}
