//! Testing code that retries, without sleeping.
//!
//! [`record`] runs a closure, and [`record_async`] polls a future, with every retry sleep
//! skipped and recorded instead. Functions under `#[retry]` and the closure builders,
//! [`Policy::retry`] and [`Policy::retry_async`], honour both.
//!
//! Inside a recording, the recorded sleeps count as time that has passed: `deadline` and
//! [`Attempt::elapsed`](crate::Attempt::elapsed) behave exactly as if the sleeps had
//! happened, so deadline behaviour is deterministic under test.
//!
//! ```
//! use retry_runtime::{retry, testing};
//! use std::time::Duration;
//!
//! #[retry(max = 4, base = "1s")]
//! fn always_fails() -> Result<(), &'static str> {
//!     Err("unavailable")
//! }
//!
//! let (result, delays) = testing::record(always_fails);
//! assert_eq!(result, Err("unavailable"));
//! assert_eq!(delays, [1, 2, 4].map(Duration::from_secs)); // and no time passed
//! ```
//!
//! Only the retry sleeps of the current thread (for [`record`]) or of the recorded future
//! (for [`record_async`]) are recorded; tasks spawned from inside are not. With tokio,
//! `tokio::time::pause()` is another way to test async code, since the default async sleep
//! is tokio's.
//!
//! [`Policy::retry`]: crate::Policy::retry
//! [`Policy::retry_async`]: crate::Policy::retry_async

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::time::recorded::{Installed, Recorder};

/// Runs `f` with every retry sleep of this thread skipped and recorded; returns `f`'s
/// output and the delays that would have been slept, in order.
///
/// Recordings nest: an inner `record` sees only its own sleeps.
///
/// ```
/// use retry_runtime::{retry, testing};
/// use std::time::Duration;
///
/// #[retry(max = 3, base = "2s", deadline = "5s")]
/// fn slow() -> Option<u8> {
///     None
/// }
///
/// // 2 s are slept, then 4 s would end past the 5 s deadline: the sleep is not started.
/// let (out, delays) = testing::record(slow);
/// assert_eq!(out, None);
/// assert_eq!(delays, [Duration::from_secs(2)]);
/// ```
pub fn record<T>(f: impl FnOnce() -> T) -> (T, Vec<Duration>) {
    let installed = Installed::new(Recorder::default());
    let output = f();
    (output, installed.finish().delays)
}

/// Polls `future` with every retry sleep it makes skipped and recorded, on whichever
/// thread polls it; resolves to its output and the delays that would have been slept.
/// Anything `.await` takes works, a [`Retrying`](crate::Retrying) of `retry_async`
/// included.
///
/// ```
/// use retry_runtime::{retry, testing};
/// use std::time::Duration;
///
/// #[retry(max = 3, base = "1m")]
/// async fn fetch() -> Result<(), String> {
///     Err("503".into())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (result, delays) = testing::record_async(fetch()).await;
/// assert!(result.is_err());
/// assert_eq!(delays, [Duration::from_secs(60), Duration::from_secs(120)]);
/// # }
/// ```
pub fn record_async<F: IntoFuture>(future: F) -> RecordAsync<F::IntoFuture> {
    RecordAsync {
        future: Box::pin(future.into_future()),
        recorder: Some(Recorder::default()),
    }
}

/// The future of [`record_async`].
///
/// ```
/// use retry_runtime::testing::{self, RecordAsync};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let recording: RecordAsync<_> = testing::record_async(async { 7 });
/// assert_eq!(recording.await, (7, vec![]));
/// # }
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct RecordAsync<F> {
    future: Pin<Box<F>>,
    recorder: Option<Recorder>,
}

impl<F> fmt::Debug for RecordAsync<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordAsync")
            .field("delays", &self.recorder.as_ref().map(|r| &r.delays))
            .finish_non_exhaustive()
    }
}

impl<F: Future> Future for RecordAsync<F> {
    type Output = (F::Output, Vec<Duration>);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let recorder = this
            .recorder
            .take()
            .expect("`RecordAsync` polled after completion");
        let installed = Installed::new(recorder);
        let poll = this.future.as_mut().poll(cx);
        let recorder = installed.finish();
        match poll {
            Poll::Ready(output) => Poll::Ready((output, recorder.delays)),
            Poll::Pending => {
                this.recorder = Some(recorder);
                Poll::Pending
            }
        }
    }
}
