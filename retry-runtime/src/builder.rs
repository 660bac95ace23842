//! The closure builders: [`Policy::retry`] and [`Policy::retry_async`] return a
//! [`Retrying`], which takes the same keys as the attribute (`when`, `when_ok`, `hint`,
//! `budget`, `on_retry`, `on_give_up`, and `sleep` for async) and runs nothing until
//! [`.call()`](Retrying::call) (sync) or `.await` (async, through [`IntoFuture`]).
//!
//! ```
//! use retry_runtime::{Policy, StopReason, testing};
//! use std::time::Duration;
//!
//! let policy = Policy::new().max_attempts(4).base(Duration::from_secs(1));
//! let mut calls = 0;
//! let (result, delays) = testing::record(|| {
//!     policy
//!         .retry(|| {
//!             calls += 1;
//!             Err::<(), _>(if calls < 3 { "503" } else { "404" })
//!         })
//!         .when(|e| *e == "503")
//!         .on_retry(|a| eprintln!("attempt {} failed, retrying in {:?}", a.number, a.delay))
//!         .on_give_up(|g| assert_eq!(g.reason, StopReason::NotRetryable))
//!         .call()
//! });
//! assert_eq!(result, Err("404"));
//! assert_eq!(delays, [1, 2].map(Duration::from_secs));
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::engine::Engine;
pub use crate::judge::{Always, Hint, Never, NoHint, NoHook, OnGiveUp, OnRetry, Predicate, Rules};
use crate::sleep::{DefaultSleep, MaybeSleep, sleep, sleep_async};
use crate::{AsyncSleep, Attempt, GiveUp, Outcome, Policy, RetryBudget};

/// A retried call being set up: from [`Policy::retry`] (`M` is [`Blocking`]) or
/// [`Policy::retry_async`] (`M` is [`Async`]). See the [module docs](self).
#[must_use = "a retried call does nothing until `.call()` (sync) or `.await` (async)"]
#[derive(Debug, Clone)]
pub struct Retrying<'p, Op, M = Blocking, K = Rules<'p>> {
    policy: &'p Policy,
    op: Op,
    mode: M,
    rules: K,
}

/// The mode of [`Policy::retry`]: attempts on this thread, sleeping with
/// `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

/// The mode of [`Policy::retry_async`]: attempts are futures, sleeping with `S`
/// (`tokio::time::sleep` unless [`Retrying::sleep`] says otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub struct Async<S = DefaultSleep> {
    sleep: S,
}

/// An operation a [`Retrying`] can run in mode `M`: a closure that returns an
/// [`Outcome`] (sync), or a future of one (async).
pub trait Operation<M> {
    /// What one attempt returns.
    type Outcome: Outcome;
}

impl<F: FnMut() -> R, R: Outcome> Operation<Blocking> for F {
    type Outcome = R;
}

impl<F, Fut, S> Operation<Async<S>> for F
where
    F: FnMut() -> Fut,
    Fut: Future<Output: Outcome>,
{
    type Outcome = Fut::Output;
}

type Of<Op, M> = <Op as Operation<M>>::Outcome;
type Failure<Op, M> = <Of<Op, M> as Outcome>::Failure;
type Success<Op, M> = <Of<Op, M> as Outcome>::Success;

impl Policy {
    /// Retries `op` under this policy, on this thread: set the keys on the [`Retrying`]
    /// it returns, then run it with [`.call()`](Retrying::call).
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let mut calls = 0;
    /// let policy = Policy::new().max_attempts(5).base(Duration::ZERO);
    /// let value = policy
    ///     .retry(|| {
    ///         calls += 1;
    ///         if calls < 3 { Err("not yet") } else { Ok(calls) }
    ///     })
    ///     .call();
    /// assert_eq!(value, Ok(3));
    /// ```
    pub fn retry<Op: Operation<Blocking>>(&self, op: Op) -> Retrying<'_, Op> {
        Retrying {
            policy: self,
            op,
            mode: Blocking,
            rules: Rules::new(),
        }
    }

    /// Retries the futures `op` makes under this policy: set the keys on the [`Retrying`]
    /// it returns, then `.await` it. It sleeps with `tokio::time::sleep` (feature `tokio`)
    /// unless [`.sleep(..)`](Retrying::sleep) names another runtime's sleep.
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
    pub fn retry_async<Op: Operation<Async>>(&self, op: Op) -> Retrying<'_, Op, Async> {
        Retrying {
            policy: self,
            op,
            mode: Async {
                sleep: DefaultSleep,
            },
            rules: Rules::new(),
        }
    }
}

impl<'p, Op, M, W, O, H, A, G> Retrying<'p, Op, M, Rules<'p, W, O, H, A, G>>
where
    Op: Operation<M>,
{
    /// `when`: a failure is retried only when `retry_if` returns `true`; otherwise it is
    /// returned at once.
    ///
    /// ```
    /// use retry_runtime::Policy;
    ///
    /// let mut calls = 0;
    /// let result = Policy::new()
    ///     .retry(|| {
    ///         calls += 1;
    ///         Err::<(), _>(404)
    ///     })
    ///     .when(|status| *status >= 500)
    ///     .call();
    /// assert_eq!((result, calls), (Err(404), 1));
    /// ```
    pub fn when<F>(self, retry_if: F) -> Retrying<'p, Op, M, Rules<'p, F, O, H, A, G>>
    where
        F: Fn(&Failure<Op, M>) -> bool,
    {
        let Rules {
            when: _,
            when_ok,
            hint,
            on_retry,
            on_give_up,
            budget,
        } = self.rules;
        let rules = Rules {
            when: retry_if,
            when_ok,
            hint,
            on_retry,
            on_give_up,
            budget,
        };
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules,
        }
    }

    /// `when_ok`: a success for which `retry_if` returns `true` is retried too; when the
    /// attempts run out it is returned as it is.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let mut polls = 0;
    /// let status = Policy::new()
    ///     .max_attempts(10)
    ///     .base(Duration::ZERO)
    ///     .retry(|| {
    ///         polls += 1;
    ///         Ok::<_, ()>(if polls < 4 { "pending" } else { "done" })
    ///     })
    ///     .when_ok(|status| *status == "pending")
    ///     .call();
    /// assert_eq!(status, Ok("done"));
    /// ```
    pub fn when_ok<F>(self, retry_if: F) -> Retrying<'p, Op, M, Rules<'p, W, F, H, A, G>>
    where
        F: Fn(&Success<Op, M>) -> bool,
    {
        let Rules {
            when,
            when_ok: _,
            hint,
            on_retry,
            on_give_up,
            budget,
        } = self.rules;
        let rules = Rules {
            when,
            when_ok: retry_if,
            hint,
            on_retry,
            on_give_up,
            budget,
        };
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules,
        }
    }

    /// `hint`: the server's delay for a failure (`Retry-After`, see
    /// [`retry_after`](crate::retry_after)) replaces the schedule's next delay, capped by
    /// `max_delay`.
    ///
    /// ```
    /// use retry_runtime::{Policy, testing};
    /// use std::time::Duration;
    ///
    /// let (_, delays) = testing::record(|| {
    ///     Policy::new()
    ///         .retry(|| Err::<(), _>(Some(Duration::from_secs(7))))
    ///         .hint(|after| *after)
    ///         .call()
    /// });
    /// assert_eq!(delays, [Duration::from_secs(7); 2]);
    /// ```
    pub fn hint<F>(self, hint: F) -> Retrying<'p, Op, M, Rules<'p, W, O, F, A, G>>
    where
        F: Fn(&Failure<Op, M>) -> Option<Duration>,
    {
        let Rules {
            when,
            when_ok,
            hint: _,
            on_retry,
            on_give_up,
            budget,
        } = self.rules;
        let rules = Rules {
            when,
            when_ok,
            hint,
            on_retry,
            on_give_up,
            budget,
        };
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules,
        }
    }

    /// `budget`: the shared [`RetryBudget`] this call's retries draw on, instead of the
    /// policy's.
    ///
    /// ```
    /// use retry_runtime::{Policy, RetryBudget, testing};
    ///
    /// static BUDGET: RetryBudget = RetryBudget::new(4, 0.1);
    /// let (_, delays) = testing::record(|| {
    ///     Policy::new().max_attempts(10).retry(|| None::<()>).budget(&BUDGET).call()
    /// });
    /// assert_eq!(delays.len(), 1); // 3 tokens left after the first failure, 2 after the second
    /// ```
    pub fn budget(mut self, budget: &'p RetryBudget) -> Self {
        self.rules.budget = Some(budget);
        self
    }

    /// `on_retry`: called before each sleep with the [`Attempt`] that failed.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::cell::Cell;
    /// use std::time::Duration;
    ///
    /// let retries = Cell::new(0);
    /// let _ = Policy::new()
    ///     .base(Duration::ZERO)
    ///     .retry(|| None::<()>)
    ///     .on_retry(|attempt| retries.set(attempt.number))
    ///     .call();
    /// assert_eq!(retries.get(), 2);
    /// ```
    pub fn on_retry<F>(self, hook: F) -> Retrying<'p, Op, M, Rules<'p, W, O, H, F, G>>
    where
        F: Fn(&Attempt<'_, Of<Op, M>>),
    {
        let Rules {
            when,
            when_ok,
            hint,
            on_retry: _,
            on_give_up,
            budget,
        } = self.rules;
        let rules = Rules {
            when,
            when_ok,
            hint,
            on_retry: hook,
            on_give_up,
            budget,
        };
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules,
        }
    }

    /// `on_give_up`: called once with the [`GiveUp`] when the call returns an outcome it
    /// could not improve on; never on a plain success.
    ///
    /// ```
    /// use retry_runtime::{Policy, StopReason};
    /// use std::time::Duration;
    ///
    /// let _ = Policy::new()
    ///     .base(Duration::ZERO)
    ///     .retry(|| Err::<(), _>("down"))
    ///     .on_give_up(|g| assert_eq!((g.attempts, g.reason), (3, StopReason::Attempts)))
    ///     .call();
    /// ```
    pub fn on_give_up<F>(self, hook: F) -> Retrying<'p, Op, M, Rules<'p, W, O, H, A, F>>
    where
        F: Fn(&GiveUp<'_, Of<Op, M>>),
    {
        let Rules {
            when,
            when_ok,
            hint,
            on_retry,
            on_give_up: _,
            budget,
        } = self.rules;
        let rules = Rules {
            when,
            when_ok,
            hint,
            on_retry,
            on_give_up: hook,
            budget,
        };
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules,
        }
    }
}

impl<Op, R, W, O, H, A, G> Retrying<'_, Op, Blocking, Rules<'_, W, O, H, A, G>>
where
    Op: FnMut() -> R,
    R: Outcome,
    W: Predicate<R::Failure>,
    O: Predicate<R::Success>,
    H: Hint<R::Failure>,
    A: OnRetry<R>,
    G: OnGiveUp<R>,
{
    /// Runs the call: attempts until one succeeds or the policy gives up, sleeping between
    /// them on this thread (unless [`testing::record`](crate::testing::record) records the
    /// sleeps); returns the last outcome.
    ///
    /// ```
    /// use retry_runtime::Policy;
    ///
    /// let value: Option<u8> = Policy::new().retry(|| Some(1)).call();
    /// assert_eq!(value, Some(1));
    /// ```
    pub fn call(mut self) -> R {
        let timed = Rules::<W, O, H, A, G>::timed::<R>();
        let mut engine = Engine::new(self.policy, timed);
        loop {
            let outcome = (self.op)();
            match self
                .rules
                .judge(&mut engine, self.policy, &outcome, "Policy::retry")
            {
                Some(delay) => sleep(delay),
                None => return outcome,
            }
        }
    }
}

impl<'p, Op, S, K> Retrying<'p, Op, Async<S>, K> {
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
    pub fn sleep<S2: AsyncSleep>(self, sleep: S2) -> Retrying<'p, Op, Async<S2>, K> {
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: Async { sleep },
            rules: self.rules,
        }
    }
}

impl<'p, Op, Fut, S, W, O, H, A, G> IntoFuture
    for Retrying<'p, Op, Async<S>, Rules<'p, W, O, H, A, G>>
where
    Op: FnMut() -> Fut,
    Fut: Future<Output: Outcome>,
    S: AsyncSleep,
    W: Predicate<<Fut::Output as Outcome>::Failure>,
    O: Predicate<<Fut::Output as Outcome>::Success>,
    H: Hint<<Fut::Output as Outcome>::Failure>,
    A: OnRetry<Fut::Output>,
    G: OnGiveUp<Fut::Output>,
{
    type Output = Fut::Output;
    type IntoFuture = RetryFuture<'p, Op, Fut, S, Rules<'p, W, O, H, A, G>>;

    fn into_future(self) -> Self::IntoFuture {
        RetryFuture {
            policy: self.policy,
            op: self.op,
            sleeper: self.mode.sleep,
            rules: self.rules,
            engine: Engine::unstarted(),
            state: State::Start,
        }
    }
}

pin_project! {
    /// The future of an async [`Retrying`]: attempts one after another, sleeping between
    /// them. Dropping it cancels the call.
    #[must_use = "futures do nothing unless polled"]
    pub struct RetryFuture<'p, Op, Fut, S: AsyncSleep, K> {
        policy: &'p Policy,
        op: Op,
        sleeper: S,
        rules: K,
        engine: Engine,
        #[pin]
        state: State<Fut, S::Sleep>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<Fut, Sl> {
        Start,
        Attempt { #[pin] attempt: Fut },
        Sleep { #[pin] sleep: MaybeSleep<Sl> },
        Done,
    }
}

impl<Op, Fut, R, S, W, O, H, A, G> Future for RetryFuture<'_, Op, Fut, S, Rules<'_, W, O, H, A, G>>
where
    Op: FnMut() -> Fut,
    Fut: Future<Output = R>,
    R: Outcome,
    S: AsyncSleep,
    W: Predicate<R::Failure>,
    O: Predicate<R::Success>,
    H: Hint<R::Failure>,
    A: OnRetry<R>,
    G: OnGiveUp<R>,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Start => {
                    let timed = Rules::<W, O, H, A, G>::timed::<R>();
                    *this.engine = Engine::new(this.policy, timed);
                    this.state.set(State::Attempt {
                        attempt: (this.op)(),
                    });
                }
                StateProj::Attempt { attempt } => {
                    let outcome = ready!(attempt.poll(cx));
                    let verdict =
                        this.rules
                            .judge(this.engine, this.policy, &outcome, "Policy::retry_async");
                    match verdict {
                        Some(delay) => {
                            drop(outcome);
                            let sleep = sleep_async(delay, &*this.sleeper);
                            this.state.set(State::Sleep { sleep });
                        }
                        None => {
                            this.state.set(State::Done);
                            return Poll::Ready(outcome);
                        }
                    }
                }
                StateProj::Sleep { sleep } => {
                    ready!(sleep.poll(cx));
                    this.state.set(State::Attempt {
                        attempt: (this.op)(),
                    });
                }
                StateProj::Done => panic!("`RetryFuture` polled after completion"),
            }
        }
    }
}

impl<Op, Fut, S: AsyncSleep, K> std::fmt::Debug for RetryFuture<'_, Op, Fut, S, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryFuture")
            .field("policy", self.policy)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}
