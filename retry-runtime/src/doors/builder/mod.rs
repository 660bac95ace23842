//! The closure builders: [`Policy::retry`] and [`Policy::retry_async`] return a
//! [`Retrying`], which takes the same keys as the attribute (`when`, `when_ok`, `hint`,
//! `budget`, `breaker`, `throttle`, `on_retry`, `on_give_up`, `on_success`, `name`, and
//! `sleep`, `attempt_timeout` and `hedge` for async) and runs nothing until
//! [`.call()`](Retrying::call) (sync) or `.await` (async, through [`IntoFuture`]).
//! [`Policy::retry_async_mut`] takes an `async` closure whose futures borrow its state
//! mutably (a connection kept across attempts), and starts with `.run()`.
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

use std::future::Future;
use std::time::Duration;

mod asynchronous;
mod context;
mod stateful;

pub use context::WithContext;
pub use stateful::AsyncMut;

pub use crate::attempts::{
    HedgeFuture, Hedging, MakeAttempt, OnHedge, OneByOne, RetryFuture, Runner, TimeLimit,
};
pub use crate::engine::{
    Always, ByRetryable, Classification, ClassifyOutcome, DescribeFailure, Hint, Keys, Never,
    NoHint, NoHook, OnGiveUp, OnRetry, OnSuccess, Predicate, Rules, Unclassified,
};
use crate::engine::{Described, Engine, admit, judge, timed};
use crate::hooks::{Attempt, GiveUp, Succeeded};
use crate::limits::{CircuitBreaker, Rejected, RetryBudget, Throttle};
pub use crate::limits::{Guard, Guarded, Reject, Unguarded};
use crate::outcome::Outcome;
use crate::schedule::Policy;
use crate::time::{DefaultSleep, Timing, sleep};

/// A retried call being set up: from [`Policy::retry`] (`M` is [`Blocking`]) or
/// [`Policy::retry_async`] (`M` is [`Async`]). See the [module docs](self).
#[must_use = "a retried call does nothing until `.call()` (sync) or `.await` (async)"]
#[derive(Debug, Clone)]
pub struct Retrying<'p, Op, M = Blocking, K = Rules<'p>> {
    pub(crate) policy: &'p Policy,
    pub(crate) op: Op,
    pub(crate) mode: M,
    pub(crate) rules: K,
    /// The name the events give the call.
    pub(crate) name: &'static str,
}

/// The mode of [`Policy::retry`]: attempts on this thread, sleeping with
/// `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Blocking;

/// The mode of [`Policy::retry_async`]: attempts are futures, sleeping with `S`
/// (`tokio::time::sleep` unless [`Retrying::sleep`] says otherwise), each run within the
/// limit `L` ([`OneByOne`], or [`TimeLimit`] with `attempt_timeout`), hedged or not by `H`
/// ([`NoHedge`], or [`Hedge`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Async<S = DefaultSleep, L = OneByOne, H = NoHedge> {
    pub(crate) sleep: S,
    pub(crate) runner: L,
    pub(crate) hedge: H,
}

impl Async {
    /// The defaults: tokio's sleep, each attempt as it is, no hedging.
    pub(crate) const fn new() -> Self {
        Async {
            sleep: DefaultSleep,
            runner: OneByOne,
            hedge: NoHedge,
        }
    }
}

/// Attempts of an async [`Retrying`] one after another: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHedge;

/// Hedged attempts (see [`Retrying::hedge`]): another attempt starts this long after the
/// last while none has answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hedge(pub Duration);

/// An operation a [`Retrying`] can run in mode `M`: a closure that returns an
/// [`Outcome`] (sync), or a future of one (async).
pub trait Operation<M> {
    /// What one attempt returns.
    type Outcome: Outcome;
}

impl<F: FnMut() -> R, R: Outcome> Operation<Blocking> for F {
    type Outcome = R;
}

impl<F, Fut, S, L, H> Operation<Async<S, L, H>> for F
where
    F: FnMut() -> Fut,
    Fut: Future<Output: Outcome>,
{
    type Outcome = Fut::Output;
}

type Of<Op, M> = <Op as Operation<M>>::Outcome;
/// A [`Retrying`] with the keys `W`, `O`, `H`, `A`, `G` and the refusal setting `X` (see
/// [`Rules`]).
type Keyed<'p, Op, M, W, O, H, A, G, X, U, D> =
    Retrying<'p, Op, M, Rules<'p, W, O, H, A, G, X, U, D>>;

/// A [`Keyed`] once `rejected` is set.
type Rejecting<'p, Op, M, W, O, H, A, G, X, F, U, D> =
    Keyed<'p, Op, M, W, O, H, A, G, <X as Guard<'p>>::Converted<F>, U, D>;

/// A [`Keyed`] once a breaker or a throttle is set.
type Limited<'p, Op, M, W, O, H, A, G, X, U, D> =
    Keyed<'p, Op, M, W, O, H, A, G, Guarded<'p, <X as Guard<'p>>::Convert>, U, D>;
pub(super) type Failure<Op, M> = <Of<Op, M> as Outcome>::Failure;
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
            name: "Policy::retry",
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
            mode: Async::new(),
            rules: Rules::new(),
            name: "Policy::retry_async",
        }
    }
}

impl<'p, Op, M, K> Retrying<'p, Op, M, K> {
    /// The name the `tracing` events give this call, where the attribute gives the fn's
    /// (`Policy::retry` or `Policy::retry_async` unless set).
    ///
    /// ```
    /// use retry_runtime::Policy;
    ///
    /// let policy = Policy::new();
    /// let user: Option<u32> = policy.retry(|| Some(7)).name("fetch_user").call();
    /// assert_eq!(user, Some(7));
    /// ```
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    fn with_rules<K2>(self, rules: impl FnOnce(K) -> K2) -> Retrying<'p, Op, M, K2> {
        Retrying {
            policy: self.policy,
            op: self.op,
            mode: self.mode,
            rules: rules(self.rules),
            name: self.name,
        }
    }
}

impl<'p, Op, M, W, O, H, A, G, X, U, D> Retrying<'p, Op, M, Rules<'p, W, O, H, A, G, X, U, D>>
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
    pub fn when<F>(self, retry_if: F) -> Keyed<'p, Op, M, F, O, H, A, G, X, U, D>
    where
        F: Fn(&Failure<Op, M>) -> bool,
    {
        self.with_rules(|rules| rules.when(retry_if))
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
    pub fn when_ok<F>(self, retry_if: F) -> Keyed<'p, Op, M, W, F, H, A, G, X, U, D>
    where
        F: Fn(&Success<Op, M>) -> bool,
    {
        self.with_rules(|rules| rules.when_ok(retry_if))
    }

    /// `hint`: the server's delay for a failure (`Retry-After`, see
    /// [`retry_after`](crate::retry_after)) can lengthen the schedule's next delay, up to
    /// `max_delay` (or 60 s without it), never shorten it: see "Server hints" in the crate
    /// docs.
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
    pub fn hint<F>(self, hint: F) -> Keyed<'p, Op, M, W, O, F, A, G, X, U, D>
    where
        F: Fn(&Failure<Op, M>) -> Option<Duration>,
    {
        self.with_rules(|rules| rules.hint(hint))
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
    pub fn budget(self, budget: &'p RetryBudget) -> Self {
        self.with_rules(|rules| rules.budget(budget))
    }

    /// `breaker`: the [`CircuitBreaker`] that counts this call's attempts and refuses them
    /// while it is open (see "Protecting an overloaded service" in the crate docs). A call
    /// refused before its first attempt returns `Err(E::from(Rejected))` (`None` for an
    /// `Option`), so the failure type needs `From<Rejected>`, or [`rejected`](Self::rejected)
    /// gives the conversion; a call refused later returns its last failure.
    ///
    /// ```
    /// use retry_runtime::{BreakerState, CircuitBreaker, Policy, StopReason};
    /// use std::time::Duration;
    ///
    /// static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(3);
    /// let policy = Policy::new().max_attempts(3).base(Duration::ZERO);
    /// let down = || Err::<(), _>(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
    /// let _ = policy.retry(down).breaker(&BREAKER).call(); // 3 failures of 3: open
    /// assert_eq!(BREAKER.state(), BreakerState::Open);
    /// let refused = policy
    ///     .retry(down)
    ///     .breaker(&BREAKER)
    ///     .on_give_up(|g| assert_eq!((g.attempts, g.reason), (0, StopReason::CircuitOpen)))
    ///     .call();
    /// assert_eq!(refused.unwrap_err().kind(), std::io::ErrorKind::ConnectionRefused);
    /// ```
    pub fn breaker(self, breaker: &'p CircuitBreaker) -> Limited<'p, Op, M, W, O, H, A, G, X, U, D>
    where
        X: Guard<'p, Convert: Reject<Of<Op, M>>>,
    {
        self.with_rules(|rules| rules.breaker(breaker))
    }

    /// `throttle`: the client-side adaptive [`Throttle`] that counts this call's attempts
    /// and sheds some before they are made when the service accepts too few (see
    /// "Protecting an overloaded service" in the crate docs). A call shed before its first
    /// attempt returns `Err(E::from(Rejected))`, as with [`breaker`](Self::breaker).
    ///
    /// ```
    /// use retry_runtime::{Policy, Throttle};
    /// use std::time::Duration;
    ///
    /// static THROTTLE: Throttle = Throttle::new(2.0);
    /// let policy = Policy::new().max_attempts(2).base(Duration::ZERO);
    /// for _ in 0..50 {
    ///     let _ = policy.retry(|| None::<()>).throttle(&THROTTLE).call();
    /// }
    /// assert!(THROTTLE.probability() > 0.9);
    /// ```
    pub fn throttle(self, throttle: &'p Throttle) -> Limited<'p, Op, M, W, O, H, A, G, X, U, D>
    where
        X: Guard<'p, Convert: Reject<Of<Op, M>>>,
    {
        self.with_rules(|rules| rules.throttle(throttle))
    }

    /// `rejected`: how a call a `breaker` or a `throttle` refuses before its first attempt
    /// becomes the failure, for a failure type that cannot implement `From<Rejected>`
    /// (another crate's error).
    ///
    /// ```
    /// use retry_runtime::{CircuitBreaker, Policy};
    ///
    /// static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1);
    /// let policy = Policy::new().max_attempts(1);
    /// let down = || Err::<(), String>("down".into());
    /// // The first call's failure opens the breaker; the second call is refused.
    /// for expected in ["down", "refused: the attempt was not made"] {
    ///     let result = policy
    ///         .retry(down)
    ///         .rejected(|r| format!("refused: {r}"))
    ///         .breaker(&BREAKER)
    ///         .call();
    ///     assert!(result.unwrap_err().starts_with(expected));
    /// }
    /// ```
    pub fn rejected<F>(self, convert: F) -> Rejecting<'p, Op, M, W, O, H, A, G, X, F, U, D>
    where
        F: Fn(Rejected) -> Failure<Op, M>,
        X: Guard<'p>,
    {
        self.with_rules(|rules| rules.rejected(convert))
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
    pub fn on_retry<F>(self, hook: F) -> Keyed<'p, Op, M, W, O, H, F, G, X, U, D>
    where
        F: Fn(&Attempt<'_, Of<Op, M>>),
    {
        self.with_rules(|rules| rules.on_retry(hook))
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
    pub fn on_give_up<F>(self, hook: F) -> Keyed<'p, Op, M, W, O, H, A, F, X, U, D>
    where
        F: Fn(&GiveUp<'_, Of<Op, M>>),
    {
        self.with_rules(|rules| rules.on_give_up(hook))
    }

    /// `when` and `hint` from the failure type's [`Retryable`](crate::Retryable) (usually
    /// `#[derive(Retryable)]`): only the failures it calls retryable are retried, and its
    /// hints are honoured. What a `#[retry]` fn with neither key does on its own.
    ///
    /// ```
    /// use retry_runtime::{Policy, Retryable};
    /// use std::time::Duration;
    ///
    /// #[derive(Debug, PartialEq, Retryable)]
    /// enum Error {
    ///     #[retry(transient, hint = 0)]
    ///     Busy(Duration),
    ///     #[retry(permanent)]
    ///     Denied,
    /// }
    ///
    /// let mut calls = 0;
    /// let (result, delays) = retry_runtime::testing::record(|| {
    ///     Policy::new()
    ///         .max_attempts(5)
    ///         .base(Duration::ZERO)
    ///         .retry(|| {
    ///             calls += 1;
    ///             Err::<(), _>(if calls < 3 { Error::Busy(Duration::from_secs(1)) } else { Error::Denied })
    ///         })
    ///         .classified()
    ///         .call()
    /// });
    /// assert_eq!(result, Err(Error::Denied));
    /// assert_eq!(delays, [Duration::from_secs(1); 2]); // the server's hint
    /// ```
    pub fn classified(self) -> Keyed<'p, Op, M, ByRetryable, O, ByRetryable, A, G, X, U, D>
    where
        Failure<Op, M>: crate::Retryable,
    {
        self.with_rules(|rules| rules.when(ByRetryable).hint(ByRetryable))
    }

    /// How the `tracing` events (feature `tracing`) show a failure, in their `error` field:
    /// [`Described::display`], [`Described::debug`], or a fn of your own. The attribute
    /// picks `Display`, else `Debug`, from the failure's type; a builder is generic over it
    /// and cannot, so without this its events show `error = -`.
    ///
    /// ```
    /// use retry_runtime::{Described, Policy};
    /// use std::time::Duration;
    ///
    /// let policy = Policy::new().base(Duration::ZERO);
    /// let result = policy
    ///     .retry(|| "x".parse::<u32>())
    ///     .name("parse_port")
    ///     .describe(Described::display) // retrying ... error=invalid digit found in string
    ///     .call();
    /// assert!(result.is_err());
    ///
    /// #[derive(Debug)]
    /// struct Status(u16);
    /// let _ = policy
    ///     .retry(|| Err::<(), _>(Status(503)))
    ///     .describe(|status: &Status| Described::debug(status)) // error=Status(503)
    ///     .call();
    /// ```
    pub fn describe<F>(self, describe: F) -> Keyed<'p, Op, M, W, O, H, A, G, X, U, F>
    where
        F: for<'x> Fn(&'x Failure<Op, M>) -> Described<'x>,
    {
        self.with_rules(|rules| rules.describe(describe))
    }

    /// `on_success`: called once with the [`Succeeded`] when the call returns a success
    /// (a success that `when_ok` still wanted goes to `on_give_up`). With `on_retry` and
    /// `on_give_up`, every call ends in exactly one hook.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use std::time::Duration;
    ///
    /// let mut calls = 0;
    /// let _ = Policy::new()
    ///     .base(Duration::ZERO)
    ///     .retry(|| {
    ///         calls += 1;
    ///         if calls < 2 { Err("once") } else { Ok(calls) }
    ///     })
    ///     .on_success(|s| assert_eq!((s.attempts, s.value()), (2, Some(&2))))
    ///     .call();
    /// ```
    pub fn on_success<F>(self, hook: F) -> Keyed<'p, Op, M, W, O, H, A, G, X, F, D>
    where
        F: Fn(&Succeeded<'_, Of<Op, M>>),
    {
        self.with_rules(|rules| rules.on_success(hook))
    }
}

impl<Op, R, K> Retrying<'_, Op, Blocking, K>
where
    Op: MakeAttempt<Attempt = R>,
    R: Outcome,
    K: Keys<R>,
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
        let timed = timed::<R, K>();
        let mut engine = Engine::new(self.policy, timed, Timing::Sync);
        loop {
            let outcome = match admit(&self.rules, &mut engine) {
                Some(refused) => refused,
                None => (self.op).make(|id| engine.context(self.policy, Timing::Sync, id)),
            };
            match judge(
                &self.rules,
                &mut engine,
                self.policy,
                (&outcome, false),
                self.name,
            ) {
                Some(delay) => sleep(delay),
                None => return outcome,
            }
        }
    }
}
