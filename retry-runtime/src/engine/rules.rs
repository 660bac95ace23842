//! [`Rules`]: the keys of a closure builder, kept until the call runs, and how they judge
//! each outcome.

use std::time::Duration;

use super::call::Call;
use super::judgement::Judgement;
use super::keys::{
    Always, DescribeFailure, Hint, Never, NoHint, NoHook, OnGiveUp, OnRetry, OnSuccess, Predicate,
};
use super::state::Engine;
use crate::limits::{
    CircuitBreaker, Guard, Guarded, Limits, Reject, RetryBudget, Throttle, Unguarded,
};
use crate::outcome::Outcome;
use crate::schedule::Policy;
use sealed::Sealed;

/// The keys of a closure builder, kept until the call runs: what `Judgement` applies to
/// each outcome, the limits the call consults, and (`X`) how a call a limit refuses before
/// its first attempt becomes an outcome.
#[derive(Debug, Clone, Copy)]
pub struct Rules<
    'b,
    W = Always,
    O = Never,
    H = NoHint,
    A = NoHook,
    G = NoHook,
    X = Unguarded,
    U = NoHook,
    D = NoHook,
> {
    pub(crate) when: W,
    pub(crate) when_ok: O,
    pub(crate) hint: H,
    pub(crate) on_retry: A,
    pub(crate) on_give_up: G,
    pub(crate) budget: Option<&'b RetryBudget>,
    pub(crate) reject: X,
    pub(crate) on_success: U,
    pub(crate) describe: D,
}

impl Rules<'_> {
    pub(crate) const fn new() -> Self {
        Rules {
            when: Always,
            when_ok: Never,
            hint: NoHint,
            on_retry: NoHook,
            on_give_up: NoHook,
            budget: None,
            reject: Unguarded,
            on_success: NoHook,
            describe: NoHook,
        }
    }
}

/// The keys as the doors set them, each setter changing one key's type.
impl<'b, W, O, H, A, G, X, U, D> Rules<'b, W, O, H, A, G, X, U, D> {
    /// `when`.
    pub(crate) fn when<F>(self, retry_if: F) -> Rules<'b, F, O, H, A, G, X, U, D> {
        replace!(Rules, self, when: retry_if; when_ok, hint, on_retry, on_give_up, budget, reject, on_success, describe)
    }

    /// `when_ok`.
    pub(crate) fn when_ok<F>(self, retry_if: F) -> Rules<'b, W, F, H, A, G, X, U, D> {
        replace!(Rules, self, when_ok: retry_if; when, hint, on_retry, on_give_up, budget, reject, on_success, describe)
    }

    /// `hint`.
    pub(crate) fn hint<F>(self, hint: F) -> Rules<'b, W, O, F, A, G, X, U, D> {
        replace!(Rules, self, hint: hint; when, when_ok, on_retry, on_give_up, budget, reject, on_success, describe)
    }

    /// `on_retry`.
    pub(crate) fn on_retry<F>(self, hook: F) -> Rules<'b, W, O, H, F, G, X, U, D> {
        replace!(Rules, self, on_retry: hook; when, when_ok, hint, on_give_up, budget, reject, on_success, describe)
    }

    /// `on_give_up`.
    pub(crate) fn on_give_up<F>(self, hook: F) -> Rules<'b, W, O, H, A, F, X, U, D> {
        replace!(Rules, self, on_give_up: hook; when, when_ok, hint, on_retry, budget, reject, on_success, describe)
    }

    /// How the events show a failure.
    pub(crate) fn describe<F>(self, describe: F) -> Rules<'b, W, O, H, A, G, X, U, F> {
        replace!(Rules, self, describe: describe; when, when_ok, hint, on_retry, on_give_up, budget, reject, on_success)
    }

    /// `on_success`.
    pub(crate) fn on_success<F>(self, hook: F) -> Rules<'b, W, O, H, A, G, X, F, D> {
        replace!(Rules, self, on_success: hook; when, when_ok, hint, on_retry, on_give_up, budget, reject, describe)
    }

    /// `rejected`: how a call refused before its first attempt becomes an outcome.
    pub(crate) fn rejected<F>(self, convert: F) -> Rules<'b, W, O, H, A, G, X::Converted<F>, U, D>
    where
        X: Guard<'b>,
    {
        replace!(Rules, self, reject: self.reject.converted(convert); when, when_ok, hint, on_retry, on_give_up, budget, on_success, describe)
    }

    /// `budget`.
    pub(crate) fn budget(mut self, budget: &'b RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// `breaker`: from now on a limit may refuse the call.
    pub(crate) fn breaker(self, breaker: &'b CircuitBreaker) -> Guarding<'b, W, O, H, A, G, X, U, D>
    where
        X: Guard<'b>,
    {
        let mut rules = self.guarded();
        rules.reject.guards.breaker = Some(breaker);
        rules
    }

    /// `throttle`: from now on a limit may refuse the call.
    pub(crate) fn throttle(self, throttle: &'b Throttle) -> Guarding<'b, W, O, H, A, G, X, U, D>
    where
        X: Guard<'b>,
    {
        let mut rules = self.guarded();
        rules.reject.guards.throttle = Some(throttle);
        rules
    }

    fn guarded(self) -> Guarding<'b, W, O, H, A, G, X, U, D>
    where
        X: Guard<'b>,
    {
        replace!(Rules, self, reject: self.reject.into_guarded(); when, when_ok, hint, on_retry, on_give_up, budget, on_success, describe)
    }
}

/// [`Rules`] once a breaker or a throttle is set.
pub(crate) type Guarding<'b, W, O, H, A, G, X, U, D> =
    Rules<'b, W, O, H, A, G, Guarded<'b, <X as Guard<'b>>::Convert>, U, D>;

/// What a call's keys do with each outcome of type `R`: `when`, `when_ok` and `hint` judge
/// it, `on_retry` and `on_give_up` hear of it, and the budget limits it. [`Rules`] is the one
/// implementation (the trait is sealed): code generic over the keys names `K: Keys<R>`
/// instead of a bound for each key, as tower names `P: Policy<..>`.
pub trait Keys<R: Outcome>: sealed::Sealed {
    /// `when`.
    type When: Predicate<R::Failure>;
    /// `when_ok`.
    type WhenOk: Predicate<R::Success>;
    /// `hint`.
    type Hint: Hint<R::Failure>;
    /// `on_retry`.
    type OnRetry: OnRetry<R>;
    /// `on_give_up`.
    type OnGiveUp: OnGiveUp<R>;
    /// `on_success`.
    type OnSuccess: OnSuccess<R>;
    /// How a call refused before its first attempt becomes an outcome.
    type Reject: Reject<R>;
    /// How the events show a failure.
    type Describe: DescribeFailure<R::Failure>;

    /// `when`.
    #[doc(hidden)]
    fn when(&self) -> &Self::When;
    /// `when_ok`.
    #[doc(hidden)]
    fn when_ok(&self) -> &Self::WhenOk;
    /// `hint`.
    #[doc(hidden)]
    fn hint(&self) -> &Self::Hint;
    /// `on_retry`.
    #[doc(hidden)]
    fn on_retry(&self) -> &Self::OnRetry;
    /// `on_give_up`.
    #[doc(hidden)]
    fn on_give_up(&self) -> &Self::OnGiveUp;
    /// `on_success`.
    #[doc(hidden)]
    fn on_success(&self) -> &Self::OnSuccess;
    /// `rejected`, or the outcome's own conversion.
    #[doc(hidden)]
    fn reject(&self) -> &Self::Reject;
    /// How the events show a failure.
    #[doc(hidden)]
    fn describe(&self) -> &Self::Describe;
}

pub(crate) mod sealed {
    use crate::limits::Limits;

    /// Only [`Rules`](super::Rules) implements [`Keys`](super::Keys).
    pub trait Sealed {
        /// The limits given to the call: its budget, if any (else the policy's applies),
        /// its breaker and its throttle.
        fn limits(&self) -> Limits<'_>;
    }
}

impl<'b, W, O, H, A, G, X: Guard<'b>, U, D> sealed::Sealed for Rules<'b, W, O, H, A, G, X, U, D> {
    #[inline]
    fn limits(&self) -> Limits<'_> {
        Limits {
            budget: self.budget,
            guards: self.reject.guards(),
        }
    }
}

impl<'b, R, W, O, H, A, G, X, U, D> Keys<R> for Rules<'b, W, O, H, A, G, X, U, D>
where
    R: Outcome,
    W: Predicate<R::Failure>,
    O: Predicate<R::Success>,
    H: Hint<R::Failure>,
    A: OnRetry<R>,
    G: OnGiveUp<R>,
    X: Reject<R> + Guard<'b>,
    U: OnSuccess<R>,
    D: DescribeFailure<R::Failure>,
{
    type When = W;
    type WhenOk = O;
    type Hint = H;
    type OnRetry = A;
    type OnGiveUp = G;
    type OnSuccess = U;
    type Reject = X;
    type Describe = D;

    #[inline]
    fn when(&self) -> &W {
        &self.when
    }

    #[inline]
    fn when_ok(&self) -> &O {
        &self.when_ok
    }

    #[inline]
    fn hint(&self) -> &H {
        &self.hint
    }

    #[inline]
    fn on_retry(&self) -> &A {
        &self.on_retry
    }

    #[inline]
    fn on_give_up(&self) -> &G {
        &self.on_give_up
    }

    #[inline]
    fn on_success(&self) -> &U {
        &self.on_success
    }

    #[inline]
    fn reject(&self) -> &X {
        &self.reject
    }

    #[inline]
    fn describe(&self) -> &D {
        &self.describe
    }
}

/// Whether the hooks of `K` read the elapsed time.
pub(crate) fn timed<R: Outcome, K: Keys<R>>() -> bool {
    <K::OnRetry as OnRetry<R>>::SET
        || <K::OnGiveUp as OnGiveUp<R>>::SET
        || <K::OnSuccess as OnSuccess<R>>::SET
}

/// What `when`, `when_ok` and `hint` make of `outcome`.
#[inline]
pub(crate) fn assess<'a, R: Outcome, K: Keys<R>>(keys: &K, outcome: &'a R) -> Judgement<'a, R> {
    Judgement::new(outcome, |failure| keys.describe().describe(failure))
        .when(keys.when())
        .when_ok(keys.when_ok())
        .hint(keys.hint())
}

/// Judges `outcome` by `keys` (`cut`: the attempt was cut by `attempt_timeout`): the delay
/// before the next attempt, or `None`.
#[inline]
pub(crate) fn judge<R: Outcome, K: Keys<R>>(
    keys: &K,
    engine: &mut Engine,
    policy: &Policy,
    (outcome, cut): (&R, bool),
    function: &'static str,
) -> Option<Duration> {
    let call = Call::new(engine, policy, Sealed::limits(keys), function);
    assess(keys, outcome).cut(cut).finish(
        call,
        (keys.on_retry(), keys.on_give_up(), keys.on_success()),
    )
}

/// Before a call's first attempt: `None` when the breaker and the throttle of `keys` let it
/// be made, else the outcome that stands for the refusal (judge it as any other: the call
/// then gives up after no attempt).
#[inline]
pub(crate) fn admit<R: Outcome, K: Keys<R>>(keys: &K, engine: &mut Engine) -> Option<R> {
    let refused = engine.admit_first(Sealed::limits(keys)).err()?;
    Some(keys.reject().reject(refused))
}
