//! The async builder's own settings (`sleep`, `attempt_timeout`, `timed_out`, `hedge`) and
//! what `.await` runs: attempts one after another, or hedged.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use super::{Async, Failure, Hedge, MakeAttempt, NoHedge, Operation, Retrying};
use crate::attempts::{
    Describe, HedgeFuture, Hedging, OnHedge, RetryFuture, Runner, TimeLimit, TimedOut,
};
use crate::engine::Keys;
use crate::outcome::{ByFrom, Converted, Outcome};
use crate::time::AsyncSleep;

impl<'p, Op, S, L, H, K> Retrying<'p, Op, Async<S, L, H>, K> {
    /// The async sleep of another runtime: `sleep(delay)` returns a future that completes
    /// after `delay` (see [`AsyncSleep`]). Without it, `tokio::time::sleep`.
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
    /// let value: Option<u8> = Policy::new().retry_async(|| async { None }).sleep(my_sleep).await;
    /// assert_eq!(value, None);
    /// # }
    /// ```
    pub fn sleep<S2: AsyncSleep>(self, sleep: S2) -> Retrying<'p, Op, Async<S2, L, H>, K> {
        self.with_mode(|mode| mode.sleep(sleep))
    }

    /// `attempt_timeout`: an attempt still running after `limit` (or after the time left
    /// before the deadline, when that is shorter) is dropped and judged as the failure
    /// [`TimedOut`]; `when` decides whether it is retried. The outcome
    /// type must implement [`TimeoutOutcome`](crate::TimeoutOutcome): `Result<T, E>` with
    /// `E: From<TimedOut>`, or `Option<T>`. The timer is the call's own async sleep.
    ///
    /// ```
    /// use retry_runtime::{Policy, TimedOut};
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(2).base(Duration::from_secs(1));
    /// let outcome: Result<(), Box<dyn std::error::Error + Send + Sync>> = policy
    ///     .retry_async(|| std::future::pending()) // never answers
    ///     .attempt_timeout(Duration::from_secs(2))
    ///     .await;
    /// assert_eq!(outcome.unwrap_err().to_string(), "the attempt timed out after 2s");
    /// # }
    /// ```
    pub fn attempt_timeout(self, limit: Duration) -> Retrying<'p, Op, Async<S, TimeLimit, H>, K> {
        self.with_mode(|mode| mode.attempt_timeout(limit))
    }

    /// `hedge`: attempts overlap instead of following one another. The first attempt
    /// starts at once; while none has produced an outcome to return, another starts `delay`
    /// after the last, up to the policy's `max_attempts` in all. The first success is
    /// returned and the other attempts are dropped; a failure that `when` accepts starts
    /// the next attempt at once, and one it declines is returned at once. When every
    /// attempt has failed, the last failure is returned. No attempt starts past the
    /// policy's `deadline` or when the budget refuses (each attempt after the first takes a
    /// token, as a retry does); the policy's schedule (`base`, `backoff`, ...) and `hint`
    /// play no part. `on_retry` is called as each hedged attempt starts. See the crate
    /// docs' "Hedged attempts".
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let started = tokio::time::Instant::now();
    /// let mut calls = 0;
    /// let policy = Policy::new().max_attempts(3);
    /// let value: Result<u32, ()> = policy
    ///     .retry_async(|| {
    ///         calls += 1;
    ///         // The first attempt answers after 1 s, the second after 10 ms.
    ///         let latency = if calls == 1 { 1000 } else { 10 };
    ///         let attempt = calls;
    ///         async move {
    ///             tokio::time::sleep(Duration::from_millis(latency)).await;
    ///             Ok(attempt)
    ///         }
    ///     })
    ///     .hedge(Duration::from_millis(50))
    ///     .await;
    /// assert_eq!(value, Ok(2)); // the hedge, started at 50 ms, answered at 60 ms
    /// assert_eq!(started.elapsed(), Duration::from_millis(60));
    /// # }
    /// ```
    pub fn hedge(self, delay: Duration) -> Retrying<'p, Op, Async<S, L, Hedge>, K> {
        self.with_mode(|mode| mode.hedge(delay))
    }

    fn with_mode<M>(self, mode: impl FnOnce(Async<S, L, H>) -> M) -> Retrying<'p, Op, M, K> {
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: mode(self.mode),
            rules: self.rules,
            name: self.name,
        }
    }
}

impl<'p, Op, S, C, H, K> Retrying<'p, Op, Async<S, TimeLimit<C>, H>, K>
where
    Op: Operation<Async<S, TimeLimit<C>, H>>,
{
    /// How an attempt cut by [`attempt_timeout`](Retrying::attempt_timeout) becomes the
    /// operation's failure, for a failure type that cannot implement `From<TimedOut>`
    /// (another crate's error): the attribute's `timed_out` key.
    ///
    /// ```
    /// use retry_runtime::{Policy, TimedOut};
    /// use std::time::Duration;
    ///
    /// /// Another crate's error, which has no `From<TimedOut>`.
    /// #[derive(Debug)]
    /// struct DriverError(std::io::Error);
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(2);
    /// let result: Result<(), DriverError> = policy
    ///     .retry_async(|| std::future::pending())
    ///     .attempt_timeout(Duration::from_secs(1))
    ///     .timed_out(|t: TimedOut| DriverError(std::io::Error::from(t)))
    ///     .await;
    /// assert_eq!(result.unwrap_err().0.kind(), std::io::ErrorKind::TimedOut);
    /// # }
    /// ```
    pub fn timed_out<F>(
        self,
        convert: F,
    ) -> Retrying<'p, Op, Async<S, TimeLimit<Converted<F>>, H>, K>
    where
        F: Fn(TimedOut) -> Failure<Op, Async<S, TimeLimit<C>, H>>,
    {
        self.with_mode(|mode| mode.timed_out(convert))
    }
}

impl<'p, Op, Fut, S, L, K> IntoFuture for Retrying<'p, Op, Async<S, L, NoHedge>, K>
where
    Op: MakeAttempt<Attempt = Fut>,
    Fut: Future<Output: Outcome>,
    S: AsyncSleep,
    L: Runner<Fut, S>,
    K: Keys<Fut::Output>,
{
    type Output = Fut::Output;
    type IntoFuture = RetryFuture<'p, Op, Fut, S, L, K>;

    fn into_future(self) -> Self::IntoFuture {
        let Async { sleep, runner, .. } = self.mode;
        RetryFuture::new(self.policy, self.op, sleep, runner, self.rules, self.name)
    }
}

impl<'p, Op, S, L, K> Retrying<'p, Op, Async<S, L, Hedge>, K> {
    /// The operation, and the attempts of a hedged call of `function` for it to start.
    pub(crate) fn split<Fut>(
        self,
        function: &'static str,
        overtaken: Option<fn(TimedOut) -> Fut::Output>,
        describe: Option<Describe<Fut::Output>>,
    ) -> (Op, Hedging<'p, Fut, S, L, K>)
    where
        Fut: Future,
        S: AsyncSleep,
        L: Runner<Fut, S>,
    {
        let mode = self.mode.into_parts();
        let hedging = Hedging::new(self.policy, self.rules, mode, function, overtaken, describe);
        (self.op, hedging)
    }
}

impl<'p, Op, Fut, R, S, L, K> IntoFuture for Retrying<'p, Op, Async<S, L, Hedge>, K>
where
    Op: MakeAttempt<Attempt = Fut>,
    Fut: Future<Output = R>,
    R: Outcome,
    S: AsyncSleep,
    L: Runner<Fut, S>,
    K: Keys<R, OnRetry: OnHedge<R>>,
{
    type Output = R;
    type IntoFuture = HedgeFuture<'p, Op, Fut, S, L, K>;

    fn into_future(self) -> Self::IntoFuture {
        let overtaken = <K::OnRetry as OnHedge<R>>::overtaken();
        let name = self.name;
        let (op, hedging) = self.split(name, overtaken, None);
        HedgeFuture::new(op, hedging)
    }
}

/// The async settings as each door sets them, each setter changing one setting's type: the
/// builder and the attribute's hedged glue both forward to these.
impl<S, L, H> Async<S, L, H> {
    /// `sleep`.
    #[inline]
    pub(crate) fn sleep<S2>(self, sleep: S2) -> Async<S2, L, H> {
        replace!(Async, self, sleep: sleep; runner, hedge)
    }

    /// `attempt_timeout`.
    #[inline]
    pub(crate) fn attempt_timeout(self, limit: Duration) -> Async<S, TimeLimit, H> {
        replace!(Async, self, runner: TimeLimit(limit, ByFrom); sleep, hedge)
    }

    /// `hedge`.
    #[inline]
    pub(crate) fn hedge(self, delay: Duration) -> Async<S, L, Hedge> {
        replace!(Async, self, hedge: Hedge(delay); sleep, runner)
    }
}

impl<S, C, H> Async<S, TimeLimit<C>, H> {
    /// `timed_out`.
    #[inline]
    pub(crate) fn timed_out<F>(self, convert: F) -> Async<S, TimeLimit<Converted<F>>, H> {
        let runner = TimeLimit(self.runner.0, Converted(convert));
        replace!(Async, self, runner: runner; sleep, hedge)
    }
}

impl<S, L> Async<S, L, Hedge> {
    /// The sleep, the way each attempt runs, and the hedge's delay, for a [`Hedging`].
    #[inline]
    pub(crate) fn into_parts(self) -> (S, L, Duration) {
        (self.sleep, self.runner, self.hedge.0)
    }
}
