use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::testing;

/// Whether a retry's sleep of `delay` must really wait: not when a [`testing`] recording
/// takes it, nor when it is zero (recorded like any other, but it costs no system call).
#[inline]
fn must_wait(delay: Duration) -> bool {
    !testing::skip(delay) && !delay.is_zero()
}

/// Sleeps `delay` on this thread, unless a [`testing::record`] records it.
#[inline]
pub fn sleep(delay: Duration) {
    if must_wait(delay) {
        std::thread::sleep(delay);
    }
}

/// Sleeps `delay` with `sleeper`, unless a [`testing`] recording records it or it is zero.
/// The choice is made when this is called (in the caller's poll); the future holds only the
/// sleep itself.
pub fn sleep_async<S: AsyncSleep + ?Sized>(delay: Duration, sleeper: &S) -> MaybeSleep<S::Sleep> {
    let sleep = must_wait(delay).then(|| sleeper.sleep(delay));
    MaybeSleep { sleep }
}

pin_project! {
    /// A sleep, or nothing to wait for.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct MaybeSleep<F> {
        #[pin]
        sleep: Option<F>,
    }
}

impl<F: Future> Future for MaybeSleep<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project().sleep.as_pin_mut() {
            Some(sleep) => sleep.poll(cx).map(drop),
            None => Poll::Ready(()),
        }
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
/// `tokio` feature, a compile error without it.
#[derive(Debug, Clone, Copy)]
pub struct DefaultSleep;

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
impl AsyncSleep for DefaultSleep {
    type Sleep = tokio::time::Sleep;

    #[inline]
    fn sleep(&self, delay: Duration) -> tokio::time::Sleep {
        tokio::time::sleep(delay)
    }
}
