use std::future::Future;
use std::time::Duration;

use crate::__private::{self as private, Retry};
use crate::AsyncSleep;
use crate::{Outcome, Policy};

impl Policy {
    /// Calls `op` until it succeeds or the policy gives up, sleeping between attempts on
    /// this thread; returns the last outcome.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let mut calls = 0;
    /// let policy = Policy::new().max_attempts(5).base(Duration::ZERO);
    /// let value = policy.retry(|| {
    ///     calls += 1;
    ///     if calls < 3 { Err("not yet") } else { Ok(calls) }
    /// });
    /// assert_eq!(value, Ok(3));
    /// ```
    pub fn retry<R: Outcome>(&self, mut op: impl FnMut() -> R) -> R {
        let mut retry = Retry::new(self);
        loop {
            let outcome = op();
            match private::judge(&mut retry, &outcome, "Policy::retry").next() {
                Some(delay) => private::sleep(delay),
                None => return outcome,
            }
        }
    }

    /// Awaits `op()` until it succeeds or the policy gives up, sleeping between attempts
    /// with `tokio::time::sleep`; returns the last outcome.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(2).base(Duration::from_millis(1));
    /// let value: Result<u8, &str> = policy.retry_async(|| async { Err("down") }).await;
    /// assert_eq!(value, Err("down"));
    /// # }
    /// ```
    #[cfg(feature = "tokio")]
    pub async fn retry_async<R, Fut>(&self, op: impl FnMut() -> Fut) -> R
    where
        R: Outcome,
        Fut: Future<Output = R>,
    {
        self.retry_async_with(private::DefaultSleep, op).await
    }

    /// [`retry_async`](Policy::retry_async) with the sleep of another runtime:
    /// `sleep(delay)` returns a future that completes after `delay`.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// async fn my_sleep(delay: Duration) {
    ///     // e.g. smol::Timer::after(delay).await
    /// #   let _ = delay;
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(3);
    /// let value: Option<u8> = policy.retry_async_with(my_sleep, || async { None }).await;
    /// assert_eq!(value, None);
    /// # }
    /// ```
    pub async fn retry_async_with<R, Fut>(
        &self,
        sleep: impl AsyncSleep,
        mut op: impl FnMut() -> Fut,
    ) -> R
    where
        R: Outcome,
        Fut: Future<Output = R>,
    {
        let mut retry = Retry::new(self);
        loop {
            let outcome = op().await;
            match private::judge(&mut retry, &outcome, "Policy::retry_async").next() {
                Some(delay) => private::sleep_async(delay, &sleep).await,
                None => return outcome,
            }
        }
    }
}

/// The result of [`retry_call`]: the value, how many calls it took, and the delays that
/// were recorded between them.
///
/// ```
/// use retry_runtime::{Report, retry_call};
/// use std::time::Duration;
///
/// let report: Report<&str> = retry_call(|| Ok::<_, ()>("done"), 3, Duration::from_secs(1)).unwrap();
/// assert_eq!((report.value, report.attempts, report.delays.len()), ("done", 1, 0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report<T> {
    /// The successful value.
    pub value: T,
    /// Calls made, the successful one included.
    pub attempts: u32,
    /// The delay recorded before each retry: `base * 2^k` for retry `k`.
    pub delays: Vec<Duration>,
}

/// Calls `op` up to `max_attempts` times with exponential backoff from `base` (factor 2),
/// without sleeping: the delays are recorded in the [`Report`].
///
/// # Errors
///
/// After `max_attempts` failures, the last error, as `op` returned it.
///
/// ```
/// use retry_runtime::retry_call;
/// use std::time::Duration;
///
/// let mut calls = 0;
/// let report = retry_call(
///     || {
///         calls += 1;
///         if calls < 4 { Err("503") } else { Ok("200") }
///     },
///     10,
///     Duration::from_millis(500),
/// )
/// .unwrap();
/// assert_eq!(report.value, "200");
/// assert_eq!(report.attempts, 4);
/// assert_eq!(report.delays, [500, 1000, 2000].map(Duration::from_millis));
///
/// let failed: Result<_, &str> = retry_call(|| Err::<(), _>("503"), 3, Duration::ZERO);
/// assert_eq!(failed.unwrap_err(), "503");
/// ```
pub fn retry_call<T, E>(
    mut op: impl FnMut() -> Result<T, E>,
    max_attempts: u32,
    base: Duration,
) -> Result<Report<T>, E> {
    let policy = Policy::new().max_attempts(max_attempts).base(base);
    let mut retry = Retry::new(policy);
    let mut delays = Vec::new();
    loop {
        let outcome = op();
        match private::judge(&mut retry, &outcome, "retry_call").next() {
            Some(delay) => delays.push(delay),
            None => {
                return outcome.map(|value| Report {
                    value,
                    attempts: retry.attempts(),
                    delays,
                });
            }
        }
    }
}
