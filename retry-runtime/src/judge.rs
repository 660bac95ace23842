//! The typed layer between an outcome and the [`Engine`]: the user's predicates (`when`,
//! `when_ok`, `hint`) turn an outcome into a [`Verdict`], and the hooks (`on_retry`,
//! `on_give_up`) hear what the engine made of it. Both front doors, the attribute's
//! expansion and the closure builders, judge through [`Judgement`].

use std::time::Duration;

use crate::describe::Described;
use crate::engine::{Engine, Event, Step, Verdict};
use crate::{Attempt, GiveUp, Outcome, Policy, RetryBudget, StopReason, TimedOut, TimeoutOutcome};

/// Describes a failure for the `tracing` events.
pub type Describer<'d, E> = &'d dyn for<'x> Fn(&'x E) -> Described<'x>;

/// One outcome, being judged.
#[must_use]
pub(crate) struct Judgement<'a, R> {
    outcome: &'a R,
    verdict: Verdict,
    error: Described<'a>,
}

impl<'a, R: Outcome> Judgement<'a, R> {
    /// A failure is retryable and a success is returned, until the predicates say
    /// otherwise; `describe` shows the failure in the events.
    #[inline]
    pub(crate) fn new(
        outcome: &'a R,
        describe: impl FnOnce(&'a R::Failure) -> Described<'a>,
    ) -> Self {
        let (verdict, error) = match outcome.failure() {
            Some(failure) => (Verdict::Retryable(None), describe(failure)),
            None if outcome.success().is_some() => (Verdict::Success, Described::Nothing),
            None => (Verdict::Final, Described::Nothing),
        };
        Judgement {
            outcome,
            verdict,
            error,
        }
    }

    /// `when`: a failure is retried only when `retry_if` accepts it.
    #[inline]
    pub(crate) fn when(mut self, retry_if: &impl Predicate<R::Failure>) -> Self {
        if let Some(failure) = self.outcome.failure() {
            if !retry_if.test(failure) {
                self.verdict = Verdict::Declined;
            }
        }
        self
    }

    /// `when_ok`: a success is retried when `retry_if` accepts it.
    #[inline]
    pub(crate) fn when_ok(mut self, retry_if: &impl Predicate<R::Success>) -> Self {
        if let Some(success) = self.outcome.success() {
            if retry_if.test(success) {
                self.verdict = Verdict::Retryable(None);
            }
        }
        self
    }

    /// `hint`: the server's delay for a failure that is retried.
    #[inline]
    pub(crate) fn hint(mut self, hint: &impl Hint<R::Failure>) -> Self {
        if let (Verdict::Retryable(_), Some(failure)) = (self.verdict, self.outcome.failure()) {
            self.verdict = Verdict::Retryable(hint.hint(failure));
        }
        self
    }
}

// No `Outcome` bound: a return type that is not an `Outcome` gets its one error at `new`.
impl<'a, R> Judgement<'a, R> {
    /// The verdict, and the failure as the events show it.
    pub(crate) fn verdict(&self) -> (Verdict, Described<'a>) {
        (self.verdict, self.error)
    }

    /// The delay before the next attempt, or `None` to return the outcome. A success costs
    /// only the budget's refund; the rest is the engine's.
    #[inline]
    pub(crate) fn finish(
        self,
        engine: &mut Engine,
        policy: &Policy,
        budget: Option<&RetryBudget>,
        function: &'static str,
        hooks: (&impl OnRetry<R>, &impl OnGiveUp<R>),
    ) -> Option<Duration> {
        if self.verdict == Verdict::Success {
            Engine::succeeded(budget);
            return None;
        }
        let event = Event {
            function,
            error: self.error,
        };
        settle(
            engine,
            policy,
            budget,
            self.verdict,
            event,
            self.outcome,
            hooks,
        )
    }
}

/// Hands `verdict` on `outcome` to the engine and calls the hooks with what it decided:
/// the delay before the next attempt, or `None` to return the outcome.
pub(crate) fn settle<R>(
    engine: &mut Engine,
    policy: &Policy,
    budget: Option<&RetryBudget>,
    verdict: Verdict,
    event: Event<'_>,
    outcome: &R,
    hooks: (&impl OnRetry<R>, &impl OnGiveUp<R>),
) -> Option<Duration> {
    match engine.step(policy, budget, verdict, event) {
        Step::Return => None,
        Step::Retry(delay) => {
            on_retry(engine, hooks.0, delay, outcome);
            Some(delay)
        }
        Step::GiveUp(reason) => {
            on_give_up(engine, hooks.1, reason, outcome);
            None
        }
    }
}

/// Calls `hook`, if one is set, after `engine` decided to retry.
#[inline]
pub(crate) fn on_retry<R, A: OnRetry<R>>(engine: &Engine, hook: &A, delay: Duration, outcome: &R) {
    if A::SET {
        hook.on_retry(&Attempt {
            number: engine.retried(),
            delay,
            elapsed: engine.elapsed(),
            outcome,
        });
    }
}

/// Calls `hook`, if one is set, after `engine` gave up for `reason`.
#[inline]
pub(crate) fn on_give_up<R, G: OnGiveUp<R>>(
    engine: &Engine,
    hook: &G,
    reason: StopReason,
    outcome: &R,
) {
    if G::SET {
        hook.on_give_up(&GiveUp {
            attempts: engine.attempt(),
            elapsed: engine.elapsed(),
            reason,
            outcome,
        });
    }
}

/// `when` and `when_ok`: a closure or fn `Fn(&T) -> bool`, [`Always`] or [`Never`].
pub trait Predicate<T: ?Sized> {
    /// Whether `value` is to be retried.
    fn test(&self, value: &T) -> bool;
}

/// Retries every failure: `when` when none is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Always;

/// Retries no success: `when_ok` when none is given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Never;

impl<T: ?Sized> Predicate<T> for Always {
    #[inline]
    fn test(&self, _: &T) -> bool {
        true
    }
}

impl<T: ?Sized> Predicate<T> for Never {
    #[inline]
    fn test(&self, _: &T) -> bool {
        false
    }
}

impl<T: ?Sized, F: Fn(&T) -> bool> Predicate<T> for F {
    #[inline]
    fn test(&self, value: &T) -> bool {
        self(value)
    }
}

/// `hint`: a closure or fn `Fn(&E) -> Option<Duration>`, or [`NoHint`].
pub trait Hint<E: ?Sized> {
    /// The delay the server asks for before the next attempt, if any.
    fn hint(&self, failure: &E) -> Option<Duration>;
}

/// No server hint: the schedule decides every delay.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHint;

impl<E: ?Sized> Hint<E> for NoHint {
    #[inline]
    fn hint(&self, _: &E) -> Option<Duration> {
        None
    }
}

impl<E: ?Sized, F: Fn(&E) -> Option<Duration>> Hint<E> for F {
    #[inline]
    fn hint(&self, failure: &E) -> Option<Duration> {
        self(failure)
    }
}

/// `on_retry`: a closure or fn `Fn(&Attempt<'_, R>)`, or [`NoHook`].
pub trait OnRetry<R> {
    /// Whether this hook reads [`Attempt::elapsed`] (so the call must read the clock).
    const SET: bool = true;
    /// Called before each sleep.
    fn on_retry(&self, attempt: &Attempt<'_, R>);
}

/// `on_give_up`: a closure or fn `Fn(&GiveUp<'_, R>)`, or [`NoHook`].
pub trait OnGiveUp<R> {
    /// Whether this hook reads [`GiveUp::elapsed`] (so the call must read the clock).
    const SET: bool = true;
    /// Called once when the call gives up.
    fn on_give_up(&self, give_up: &GiveUp<'_, R>);
}

/// No hook.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHook;

impl<R> OnRetry<R> for NoHook {
    const SET: bool = false;
    #[inline]
    fn on_retry(&self, _: &Attempt<'_, R>) {}
}

impl<R> OnGiveUp<R> for NoHook {
    const SET: bool = false;
    #[inline]
    fn on_give_up(&self, _: &GiveUp<'_, R>) {}
}

impl<R, F: Fn(&Attempt<'_, R>)> OnRetry<R> for F {
    #[inline]
    fn on_retry(&self, attempt: &Attempt<'_, R>) {
        self(attempt);
    }
}

impl<R, F: Fn(&GiveUp<'_, R>)> OnGiveUp<R> for F {
    #[inline]
    fn on_give_up(&self, give_up: &GiveUp<'_, R>) {
        self(give_up);
    }
}

/// `on_retry` in a hedged call, for the attempts that start on the hedge's timer: no attempt
/// has ended then, so the hook is told of the attempt being overtaken as the failure
/// [`TimedOut`] after `hedge`, the outcome [`TimeoutOutcome::timed_out`] makes. Only a
/// hedged call with `on_retry` needs `R: TimeoutOutcome`.
pub trait OnHedge<R> {
    /// How the hook is told of an overtaken attempt; `None` without a hook.
    fn overtaken() -> Option<fn(TimedOut) -> R>;
}

impl<R> OnHedge<R> for NoHook {
    #[inline]
    fn overtaken() -> Option<fn(TimedOut) -> R> {
        None
    }
}

impl<R: TimeoutOutcome, F: Fn(&Attempt<'_, R>)> OnHedge<R> for F {
    #[inline]
    fn overtaken() -> Option<fn(TimedOut) -> R> {
        Some(R::timed_out)
    }
}

/// The keys of a closure builder, kept until the call runs: what `Judgement` applies to
/// each outcome.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'b, W = Always, O = Never, H = NoHint, A = NoHook, G = NoHook> {
    pub(crate) when: W,
    pub(crate) when_ok: O,
    pub(crate) hint: H,
    pub(crate) on_retry: A,
    pub(crate) on_give_up: G,
    pub(crate) budget: Option<&'b RetryBudget>,
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
        }
    }
}

impl<W, O, H, A, G> Rules<'_, W, O, H, A, G> {
    /// Whether the hooks read the elapsed time.
    pub(crate) fn timed<R>() -> bool
    where
        A: OnRetry<R>,
        G: OnGiveUp<R>,
    {
        A::SET || G::SET
    }

    /// What `when`, `when_ok` and `hint` make of `outcome`.
    #[inline]
    pub(crate) fn assess<'a, R: Outcome>(&self, outcome: &'a R) -> Judgement<'a, R>
    where
        W: Predicate<R::Failure>,
        O: Predicate<R::Success>,
        H: Hint<R::Failure>,
    {
        Judgement::new(outcome, |_| Described::Nothing)
            .when(&self.when)
            .when_ok(&self.when_ok)
            .hint(&self.hint)
    }

    /// Judges `outcome` by these rules: the delay before the next attempt, or `None`.
    #[inline]
    pub(crate) fn judge<R: Outcome>(
        &self,
        engine: &mut Engine,
        policy: &Policy,
        outcome: &R,
        function: &'static str,
    ) -> Option<Duration>
    where
        W: Predicate<R::Failure>,
        O: Predicate<R::Success>,
        H: Hint<R::Failure>,
        A: OnRetry<R>,
        G: OnGiveUp<R>,
    {
        self.assess(outcome).finish(
            engine,
            policy,
            self.budget.or(policy.budget),
            function,
            (&self.on_retry, &self.on_give_up),
        )
    }
}
