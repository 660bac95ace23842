//! The keys that judge an outcome and hear of the call, as traits: `when` and `when_ok`
//! ([`Predicate`]), `hint` ([`Hint`]), `on_retry` ([`OnRetry`]) and `on_give_up`
//! ([`OnGiveUp`]), each implemented by closures and by a type that stands for "not given";
//! and [`Rules`], the keys of a closure builder kept until the call runs.

use std::time::Duration;

use super::call::Engine;
use super::describe::Described;
use super::judgement::Judgement;
use crate::hooks::{Attempt, GiveUp};
use crate::limits::RetryBudget;
use crate::outcome::Outcome;
use crate::schedule::Policy;

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
