//! The glue `#[retry]` expands to: a [`CallState`] per call, and a [`Judge`] per outcome that
//! takes the attribute's keys as method calls. Reached as `__private`; not public API.
//!
//! A retried fn becomes a loop around its body:
//!
//! ```text
//! let mut __retry_state = CallState::new(policy); // `timed` when a hook reads the clock
//! loop {
//!     let __retry_delay = {
//!         let __retry_outcome = /* the body, in its own scope */;
//!         match judge!(__retry_state, &policy, &__retry_outcome, "f").when(..).next() {
//!             Some(__retry_delay) => __retry_delay,
//!             None => return __retry_outcome,
//!         }
//!     };
//!     sleep(__retry_delay);                      // or `sleep_async(.., &S).await`
//! }
//! ```
//!
//! The keys' closures are applied after each attempt, where the outcome's type is known, so
//! they need no annotations and may borrow what the body borrows mutably.
//!
//! A hedged fn starts from [`hedged`] instead: a [`Hedged`] takes the same keys, then
//! [`Hedged::race`] gives the [`Hedging`] the expansion starts each attempt in.

use std::borrow::Borrow;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use crate::attempts::{Cut, Runner, TimeLimit, TimedOut, TimeoutOutcome, Within};
use crate::attempts::{Describe, Hedging, OnHedge, OneByOne};
use crate::context::{Binding, CallId};
use crate::doors::builder::{Async, Hedge};
use crate::engine::Keys;
use crate::engine::{
    ByRetryable, Call, Classification, ClassifyOutcome, Described, Describer, Engine, Judgement,
    NoHook, OnGiveUp, OnRetry, OnSuccess, Rules, Unclassified,
};
use crate::hooks::{Attempt, GiveUp, Succeeded};
use crate::limits::{
    CircuitBreaker, Guard, Guarded, Guarding, Guards, Limits, Reject, Rejected, RejectedOutcome,
    RetryBudget, Throttle, Unguarded,
};
use crate::outcome::{ByFrom, Converted, Outcome};
use crate::schedule::Policy;
use crate::time::{AsyncSleep, DefaultSleep, Timing};

/// One retried call's `Engine`. Its policy (a `Policy`, a `&Policy`, or for schedules
/// known at compile time a `&'static Policy`, which keeps async fns small) is a local of
/// its own, passed to each `judge`.
#[derive(Debug)]
pub struct CallState {
    engine: Engine,
}

impl CallState {
    /// Starts a call of an async fn (its clock is the one its async sleep advances).
    #[inline]
    pub fn new<P: Borrow<Policy>>(policy: &P) -> Self {
        CallState::start(policy, false, Timing::Async)
    }

    /// Starts a call of an async fn whose hooks read the elapsed time.
    #[inline]
    pub fn timed<P: Borrow<Policy>>(policy: &P) -> Self {
        CallState::start(policy, true, Timing::Async)
    }

    /// Starts a call of a sync fn, which sleeps its thread: its clock is the system's.
    #[inline]
    pub fn blocking<P: Borrow<Policy>>(policy: &P) -> Self {
        CallState::start(policy, false, Timing::Sync)
    }

    /// Starts a call of a sync fn whose hooks read the elapsed time.
    #[inline]
    pub fn blocking_timed<P: Borrow<Policy>>(policy: &P) -> Self {
        CallState::start(policy, true, Timing::Sync)
    }

    #[inline]
    fn start<P: Borrow<Policy>>(policy: &P, timed: bool, timing: Timing) -> Self {
        let engine = Engine::new(policy.borrow(), timed, timing);
        CallState { engine }
    }

    /// `context`: the [`Context`](crate::Context) of the async attempt about to start, on its
    /// way into the body (`call_id`: the call's id, a local of the expansion).
    #[inline]
    pub fn context<P: Borrow<Policy>>(&mut self, policy: &P, call_id: &mut CallId) -> Binding {
        Binding(self.engine.context(policy.borrow(), Timing::Async, call_id))
    }

    /// `context`: the [`Context`](crate::Context) of the sync attempt about to start.
    #[inline]
    pub fn blocking_context<P: Borrow<Policy>>(
        &mut self,
        policy: &P,
        call_id: &mut CallId,
    ) -> Binding {
        Binding(self.engine.context(policy.borrow(), Timing::Sync, call_id))
    }

    /// Judges the outcome of the attempt that just ended, in fn `function`. The expansion
    /// calls it through `__private::judge!`, which is this without the `tracing` feature.
    #[inline]
    pub fn judge<'a, R: Outcome, P: Borrow<Policy>>(
        &'a mut self,
        policy: &'a P,
        outcome: &'a R,
        function: &'static str,
    ) -> Judge<'a, R> {
        self.judge_with(policy, outcome, function, |_| Described::Nothing)
    }

    /// [`judge`](CallState::judge), with `describe` to show a failure in the `tracing` events
    /// (`__private::judge!` with the `tracing` feature).
    #[inline]
    pub fn judge_described<'a, R: Outcome, P: Borrow<Policy>>(
        &'a mut self,
        policy: &'a P,
        outcome: &'a R,
        function: &'static str,
        describe: Describer<'_, R::Failure>,
    ) -> Judge<'a, R> {
        self.judge_with(policy, outcome, function, describe)
    }

    #[inline]
    fn judge_with<'a, R: Outcome, P: Borrow<Policy>>(
        &'a mut self,
        policy: &'a P,
        outcome: &'a R,
        function: &'static str,
        describe: impl FnOnce(&'a R::Failure) -> Described<'a>,
    ) -> Judge<'a, R> {
        let policy = policy.borrow();
        Judge {
            judgement: Judgement::new(outcome, describe),
            engine: &mut self.engine,
            policy,
            budget: None,
            guards: Unguarded,
            cut: false,
            function,
            on_retry: NoHook,
            on_give_up: NoHook,
            on_success: NoHook,
        }
    }

    /// Before an attempt: `None` when it may be made, else the outcome that stands for a
    /// first attempt the `breaker` or the `throttle` refused (`Err(E::from(Rejected))`),
    /// which the expansion judges in place of the body's (retries are admitted when they
    /// are scheduled, in the judge).
    #[inline]
    pub fn admit<R: RejectedOutcome>(
        &mut self,
        breaker: Option<&CircuitBreaker>,
        throttle: Option<&Throttle>,
    ) -> Option<R> {
        self.admit_with(breaker, throttle, &ByFrom)
    }

    /// [`admit`](CallState::admit), with the `rejected` key's conversion to the failure.
    #[inline]
    pub fn admit_with<R, X: Reject<R>>(
        &mut self,
        breaker: Option<&CircuitBreaker>,
        throttle: Option<&Throttle>,
        reject: &X,
    ) -> Option<R> {
        if self.engine.attempt() > 1 {
            return None;
        }
        let guards = Guards { breaker, throttle };
        let limits = Limits {
            budget: None,
            guards: guards.get(),
        };
        let refused = self.engine.admit_first(limits).err()?;
        Some(reject.reject(refused))
    }

    /// Runs `attempt` within `limit` (`attempt_timeout`), or within the time left before
    /// the deadline when that is shorter, on `sleeper`'s clock; `cut` makes the outcome of
    /// an attempt cut (from [`CutCheck`], or the `timed_out` key's conversion).
    #[inline]
    pub fn within<F, S, P, C>(
        &self,
        policy: &P,
        limit: Duration,
        sleeper: &S,
        cut: C,
        function: &'static str,
        attempt: F,
    ) -> Within<F, S::Sleep, C>
    where
        F: Future,
        S: AsyncSleep,
        P: Borrow<Policy>,
        C: Cut<F::Output> + Clone,
    {
        let until_deadline = || self.engine.until_deadline(policy.borrow());
        let number = self.engine.attempt();
        TimeLimit(limit, cut).run(attempt, sleeper, until_deadline, function, number)
    }
}

/// The verdict on one outcome, refined by the attribute's keys, then read with `next`.
#[must_use]
pub struct Judge<'a, R, A = NoHook, G = NoHook, L = Unguarded, U = NoHook> {
    judgement: Judgement<'a, R>,
    engine: &'a mut Engine,
    policy: &'a Policy,
    budget: Option<&'a RetryBudget>,
    guards: L,
    cut: bool,
    function: &'static str,
    on_retry: A,
    on_give_up: G,
    on_success: U,
}

impl<R: Outcome, A, G, L, U> Judge<'_, R, A, G, L, U> {
    /// `when`: a failure is retried only when `retry_if` returns `true`.
    #[inline]
    pub fn when(mut self, retry_if: impl Fn(&R::Failure) -> bool) -> Self {
        self.judgement = self.judgement.when(&retry_if);
        self
    }

    /// `when_ok`: a success is retried when `retry_if` returns `true`.
    #[inline]
    pub fn when_ok(mut self, retry_if: impl Fn(&R::Success) -> bool) -> Self {
        self.judgement = self.judgement.when_ok(&retry_if);
        self
    }

    /// `hint`: the server's delay for this failure, which can lengthen the schedule's next
    /// delay (see "Server hints" in the crate docs).
    #[inline]
    pub fn hint(mut self, hint: impl Fn(&R::Failure) -> Option<Duration>) -> Self {
        self.judgement = self.judgement.hint(&hint);
        self
    }
}

/// Where the expansion asks whether the failure type of outcome `R` is
/// [`Retryable`](crate::Retryable): `(&&ClassifyCheck::of(&outcome)).__retry_classify()` is
/// [`ByRetryable`] when it is, [`Unclassified`] otherwise (and for a failure type that is a
/// type parameter, whose impls the expansion cannot see).
pub struct ClassifyCheck<R>(PhantomData<fn() -> R>);

impl<R> Default for ClassifyCheck<R> {
    fn default() -> Self {
        ClassifyCheck::new()
    }
}

impl<R> ClassifyCheck<R> {
    /// The check for outcome type `R`.
    #[inline]
    pub const fn new() -> Self {
        ClassifyCheck(PhantomData)
    }

    /// The check for the type of `outcome`, which the expansion has at hand: the type need
    /// not be written again.
    #[inline]
    pub const fn of(_outcome: &R) -> Self {
        ClassifyCheck(PhantomData)
    }
}

/// Picked first: the failure type is `Retryable`.
pub trait ClassifyRetryable {
    /// The classification.
    fn __retry_classify(&self) -> ByRetryable;
}

impl<R: Outcome<Failure: crate::Retryable>> ClassifyRetryable for &ClassifyCheck<R> {
    #[inline]
    fn __retry_classify(&self) -> ByRetryable {
        ByRetryable
    }
}

/// Picked otherwise: nothing to classify by.
pub trait ClassifyNothing {
    /// The classification.
    fn __retry_classify(&self) -> Unclassified;
}

impl<R> ClassifyNothing for ClassifyCheck<R> {
    #[inline]
    fn __retry_classify(&self) -> Unclassified {
        Unclassified
    }
}

// No `Outcome` bound here: a return type that is not an `Outcome` gets one error, at `judge`.
impl<'a, R, A, G, L: Guarding<'a>, U> Judge<'a, R, A, G, L, U> {
    /// A fn with neither `when` nor `hint`: its failure type's [`Retryable`](crate::Retryable)
    /// judges it, if it has one (the expansion asks [`ClassifyCheck`], whose traits the
    /// `reserved` glob brings into scope); otherwise nothing is done.
    #[inline]
    pub fn classified<C: ClassifyOutcome<R>>(mut self, by: &C) -> Self {
        self.judgement = self.judgement.by_type(by);
        self
    }

    /// `budget`: the shared budget this call's retries draw on (instead of the policy's).
    #[inline]
    pub fn budget<B: Borrow<RetryBudget> + ?Sized>(mut self, budget: &'a B) -> Self {
        self.budget = Some(budget.borrow());
        self
    }

    /// `breaker`: the circuit breaker that counts this call's attempts.
    #[inline]
    pub fn breaker(self, breaker: &'a CircuitBreaker) -> Judge<'a, R, A, G, Guards<'a>, U> {
        self.with_guards(|guards| Guards {
            breaker: Some(breaker),
            ..guards
        })
    }

    /// `throttle`: the adaptive throttle that counts this call's attempts.
    #[inline]
    pub fn throttle(self, throttle: &'a Throttle) -> Judge<'a, R, A, G, Guards<'a>, U> {
        self.with_guards(|guards| Guards {
            throttle: Some(throttle),
            ..guards
        })
    }

    #[inline]
    fn with_guards(
        self,
        set: impl FnOnce(Guards<'a>) -> Guards<'a>,
    ) -> Judge<'a, R, A, G, Guards<'a>, U> {
        replace!(Judge, self, guards: set(self.guards.into_guards()); judgement, engine, policy, budget, cut, function, on_retry, on_give_up, on_success)
    }

    /// Whether `attempt_timeout` cut the attempt: the breaker and the throttle count it as
    /// a failure, whatever `when` says.
    #[inline]
    pub fn cut(mut self, cut: bool) -> Self {
        self.cut = cut;
        self
    }

    /// `on_retry`: called before each sleep.
    #[inline]
    pub fn on_retry<F: Fn(&Attempt<'_, R>)>(self, hook: F) -> Judge<'a, R, F, G, L, U> {
        self.with_hooks(|_, on_give_up| (hook, on_give_up))
    }

    /// `on_give_up`: called once when the call gives up.
    #[inline]
    pub fn on_give_up<F: Fn(&GiveUp<'_, R>)>(self, hook: F) -> Judge<'a, R, A, F, L, U> {
        self.with_hooks(|on_retry, _| (on_retry, hook))
    }

    /// `on_success`: called once when the call returns a success.
    #[inline]
    pub fn on_success<F: Fn(&Succeeded<'_, R>)>(self, hook: F) -> Judge<'a, R, A, G, L, F> {
        replace!(Judge, self, on_success: hook; judgement, engine, policy, budget, guards, cut, function, on_retry, on_give_up)
    }

    #[inline]
    fn with_hooks<A2, G2>(
        self,
        hooks: impl FnOnce(A, G) -> (A2, G2),
    ) -> Judge<'a, R, A2, G2, L, U> {
        let (on_retry, on_give_up) = hooks(self.on_retry, self.on_give_up);
        Judge {
            judgement: self.judgement,
            engine: self.engine,
            policy: self.policy,
            budget: self.budget,
            guards: self.guards,
            cut: self.cut,
            function: self.function,
            on_retry,
            on_give_up,
            on_success: self.on_success,
        }
    }

    /// The delay to sleep before the next attempt, or `None` to return the outcome.
    #[inline]
    pub fn next(self) -> Option<Duration>
    where
        A: OnRetry<R>,
        G: OnGiveUp<R>,
        U: OnSuccess<R>,
    {
        let hooks = (&self.on_retry, &self.on_give_up, &self.on_success);
        let limits = Limits {
            budget: self.budget,
            guards: self.guards.guards(),
        };
        let call = Call::new(self.engine, self.policy, limits, self.function);
        self.judgement.cut(self.cut).finish(call, hooks)
    }
}

/// Where the expansion checks that an attempt cut by `attempt_timeout` can become the fn's
/// outcome `R`, so that a missing conversion is one error that names `TimedOut`, the key and
/// the fix: the expansion's `(&&CutCheck::<R>::new()).__retry_cut()` is [`ByFrom`] when
/// `R: TimeoutOutcome`, and the error of [`CannotBeCut`] otherwise.
pub struct CutCheck<R>(PhantomData<fn() -> R>);

impl<R> Default for CutCheck<R> {
    fn default() -> Self {
        CutCheck::new()
    }
}

impl<R> CutCheck<R> {
    /// The check for outcome type `R`.
    #[inline]
    pub const fn new() -> Self {
        CutCheck(PhantomData)
    }
}

/// Picked first: `R` converts from [`TimedOut`](crate::TimedOut).
pub trait CutByFrom {
    /// How a cut attempt becomes the outcome.
    fn __retry_cut(&self) -> ByFrom;
}

impl<R: TimeoutOutcome> CutByFrom for &CutCheck<R> {
    #[inline]
    fn __retry_cut(&self) -> ByFrom {
        ByFrom
    }
}

/// Picked otherwise: the error of [`CannotBeCut`].
pub trait CutMissing<R> {
    /// Never returns: `R: CannotBeCut` does not hold.
    fn __retry_cut(&self) -> Uncut
    where
        R: CannotBeCut;
}

impl<R> CutMissing<R> for CutCheck<R> {
    fn __retry_cut(&self) -> Uncut
    where
        R: CannotBeCut,
    {
        Uncut
    }
}

/// Implemented by no type: the error that names what `attempt_timeout` needs.
#[diagnostic::on_unimplemented(
    message = "an attempt cut by `attempt_timeout` cannot become a `{Self}`: its failure type needs `From<retry_runtime::TimedOut>`",
    label = "`attempt_timeout` needs a conversion from `retry_runtime::TimedOut`",
    note = "add a variant and `impl From<retry_runtime::TimedOut> for E` (`std::io::Error`, `anyhow::Error` and `Box<dyn Error + Send + Sync>` have it)",
    note = "or, for another crate's error, give the conversion with the `timed_out` key: `timed_out = |t| E::from(std::io::Error::from(t))`"
)]
pub trait CannotBeCut {}

/// The cut of an outcome that cannot be cut: only reached behind the error of
/// [`CannotBeCut`], so it is never run.
#[derive(Debug, Clone, Copy)]
pub struct Uncut;

impl<R> Cut<R> for Uncut {
    fn cut(&self, _: TimedOut) -> R {
        unreachable!("a `#[retry]` fn whose outcome cannot be cut does not compile")
    }
}

/// The keys and settings of a hedged `#[retry]` fn, as its expansion sets them: the hedged
/// counterpart of [`Judge`], from [`hedged`]. Its outcome type is `R`, the fn's return
/// type, so that the keys' closures need no annotations; [`race`](Hedged::race) makes the
/// [`Hedging`] that runs the attempts the expansion starts from the body.
#[must_use]
pub struct Hedged<'p, R, S = DefaultSleep, L = OneByOne, K = Rules<'p>> {
    policy: &'p Policy,
    mode: Async<S, L, Hedge>,
    rules: K,
    outcome: PhantomData<fn() -> R>,
}

/// A [`Hedged`] with the keys `W`, `O`, `H`, `A`, `G` and the refusal setting `X` (see
/// [`Rules`]).
type Keyed<'p, R, S, L, W, O, H, A, G, X, U> = Hedged<'p, R, S, L, Rules<'p, W, O, H, A, G, X, U>>;

/// A [`Keyed`] once `rejected` is set.
type Rejecting<'p, R, S, L, W, O, H, A, G, X, F, U> =
    Keyed<'p, R, S, L, W, O, H, A, G, <X as Guard<'p>>::Converted<F>, U>;

/// A [`Keyed`] once a breaker or a throttle is set.
type Limited<'p, R, S, L, W, O, H, A, G, X, U> =
    Keyed<'p, R, S, L, W, O, H, A, G, Guarded<'p, <X as Guard<'p>>::Convert>, U>;

/// The start of a hedged `#[retry]` fn under `policy`, another attempt `hedge` after the
/// last.
#[inline]
pub fn hedged<R: Outcome, P: Borrow<Policy> + ?Sized>(
    policy: &P,
    hedge: Duration,
) -> Hedged<'_, R> {
    Hedged {
        policy: policy.borrow(),
        mode: Async::new().hedge(hedge),
        rules: Rules::new(),
        outcome: PhantomData,
    }
}

impl<'p, R: Outcome, S, L, W, O, H, A, G, X, U>
    Hedged<'p, R, S, L, Rules<'p, W, O, H, A, G, X, U>>
{
    /// `when`.
    #[inline]
    pub fn when<F: Fn(&R::Failure) -> bool>(
        self,
        retry_if: F,
    ) -> Keyed<'p, R, S, L, F, O, H, A, G, X, U> {
        self.with_rules(|rules| rules.when(retry_if))
    }

    /// Neither `when` nor `hint`: the failure type's `Retryable`, if it has one (see
    /// [`Judge::classified`]).
    #[inline]
    pub fn classified<C: Classification<R::Failure> + Copy>(
        self,
        by: &C,
    ) -> Keyed<'p, R, S, L, C, O, C, A, G, X, U> {
        self.with_rules(|rules| rules.when(*by).hint(*by))
    }

    /// `when_ok`.
    #[inline]
    pub fn when_ok<F: Fn(&R::Success) -> bool>(
        self,
        retry_if: F,
    ) -> Keyed<'p, R, S, L, W, F, H, A, G, X, U> {
        self.with_rules(|rules| rules.when_ok(retry_if))
    }

    /// `on_retry`: called as each hedged attempt starts.
    #[inline]
    pub fn on_retry<F: Fn(&Attempt<'_, R>)>(
        self,
        hook: F,
    ) -> Keyed<'p, R, S, L, W, O, H, F, G, X, U> {
        self.with_rules(|rules| rules.on_retry(hook))
    }

    /// `on_give_up`.
    #[inline]
    pub fn on_give_up<F: Fn(&GiveUp<'_, R>)>(
        self,
        hook: F,
    ) -> Keyed<'p, R, S, L, W, O, H, A, F, X, U> {
        self.with_rules(|rules| rules.on_give_up(hook))
    }

    /// `on_success`.
    #[inline]
    pub fn on_success<F: Fn(&Succeeded<'_, R>)>(
        self,
        hook: F,
    ) -> Keyed<'p, R, S, L, W, O, H, A, G, X, F> {
        self.with_rules(|rules| rules.on_success(hook))
    }

    /// `budget`.
    #[inline]
    pub fn budget(self, budget: &'p RetryBudget) -> Self {
        self.with_rules(|rules| rules.budget(budget))
    }

    /// `breaker`.
    #[inline]
    pub fn breaker(self, breaker: &'p CircuitBreaker) -> Limited<'p, R, S, L, W, O, H, A, G, X, U>
    where
        X: Guard<'p, Convert: Reject<R>>,
    {
        self.with_rules(|rules| rules.breaker(breaker))
    }

    /// `throttle`.
    #[inline]
    pub fn throttle(self, throttle: &'p Throttle) -> Limited<'p, R, S, L, W, O, H, A, G, X, U>
    where
        X: Guard<'p, Convert: Reject<R>>,
    {
        self.with_rules(|rules| rules.throttle(throttle))
    }

    /// `rejected`.
    #[inline]
    pub fn rejected<F: Fn(Rejected) -> R::Failure>(
        self,
        convert: F,
    ) -> Rejecting<'p, R, S, L, W, O, H, A, G, X, F, U>
    where
        X: Guard<'p>,
    {
        self.with_rules(|rules| rules.rejected(convert))
    }
}

impl<'p, R, S, L, K> Hedged<'p, R, S, L, K> {
    #[inline]
    fn with_rules<K2>(self, rules: impl FnOnce(K) -> K2) -> Hedged<'p, R, S, L, K2> {
        replace!(Hedged, self, rules: rules(self.rules); policy, mode, outcome)
    }

    #[inline]
    fn with_mode<S2, L2>(
        self,
        mode: impl FnOnce(Async<S, L, Hedge>) -> Async<S2, L2, Hedge>,
    ) -> Hedged<'p, R, S2, L2, K> {
        replace!(Hedged, self, mode: mode(self.mode); policy, rules, outcome)
    }

    /// `sleep`: the async sleep of the hedge's timer and of `attempt_timeout`.
    #[inline]
    pub fn sleep<S2: AsyncSleep>(self, sleeper: S2) -> Hedged<'p, R, S2, L, K> {
        self.with_mode(|mode| mode.sleep(sleeper))
    }

    /// `attempt_timeout`.
    #[inline]
    pub fn attempt_timeout(self, limit: Duration) -> Hedged<'p, R, S, TimeLimit, K> {
        self.with_mode(|mode| mode.attempt_timeout(limit))
    }

    /// The attempts of `function`, each started by the expansion from the fn's body;
    /// `describe` shows a failure in the events (`__private::describer!()`).
    pub fn race<Fut>(
        self,
        function: &'static str,
        describe: Option<Describe<R>>,
    ) -> Hedging<'p, Fut, S, L, K>
    where
        R: Outcome,
        Fut: Future<Output = R>,
        S: AsyncSleep,
        L: Runner<Fut, S>,
        K: Keys<R, OnRetry: OnHedge<R>>,
    {
        let overtaken = <K::OnRetry as OnHedge<R>>::overtaken();
        let mode = self.mode.into_parts();
        Hedging::new(self.policy, self.rules, mode, function, overtaken, describe)
    }
}

impl<'p, R, S, C, K> Hedged<'p, R, S, TimeLimit<C>, K> {
    /// `timed_out`: how an attempt cut by `attempt_timeout` becomes the failure.
    #[inline]
    pub fn timed_out<F>(self, convert: F) -> Hedged<'p, R, S, TimeLimit<Converted<F>>, K>
    where
        R: Outcome,
        F: Fn(TimedOut) -> R::Failure,
    {
        self.with_mode(|mode| mode.timed_out(convert))
    }
}
