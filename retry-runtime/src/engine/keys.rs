//! The keys that judge an outcome and hear of the call, as traits: `when` and `when_ok`
//! ([`Predicate`]), `hint` ([`Hint`]), `on_retry` ([`OnRetry`]), `on_give_up`
//! ([`OnGiveUp`]) and `on_success` ([`OnSuccess`]), each implemented by closures and by a
//! type that stands for "not given".

use std::time::Duration;

use super::describe::Described;

use crate::hooks::{Attempt, GiveUp, Succeeded};
use crate::retryable::Retryable;

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

/// `when` and `hint` both, from the failure type's [`Retryable`]: what a `#[retry]` fn
/// without either key uses when its failure type implements it, and the builders'
/// [`.classified()`](crate::Retrying::classified).
#[derive(Debug, Clone, Copy, Default)]
pub struct ByRetryable;

impl<E: Retryable + ?Sized> Predicate<E> for ByRetryable {
    #[inline]
    fn test(&self, failure: &E) -> bool {
        failure.retryable()
    }
}

impl<E: Retryable + ?Sized> Hint<E> for ByRetryable {
    #[inline]
    fn hint(&self, failure: &E) -> Option<Duration> {
        failure.hint()
    }
}

/// How the attribute's expansion classifies a failure that no `when` or `hint` judges:
/// [`ByRetryable`] for a `Retryable` failure type, [`Unclassified`] (every failure retried,
/// no hint, nothing done) for any other.
pub trait Classification<E: ?Sized>: Predicate<E> + Hint<E> {
    /// Whether the classification does anything.
    const APPLIES: bool;
}

impl<E: Retryable + ?Sized> Classification<E> for ByRetryable {
    const APPLIES: bool = true;
}

/// [`Classification`], applied to an outcome `R` that may not even be an
/// [`Outcome`](crate::Outcome) (that is told once, elsewhere): what the attribute's judge
/// takes.
pub trait ClassifyOutcome<R: ?Sized> {
    /// Whether the classification does anything.
    const APPLIES: bool;

    /// For a failure: whether it is retried, and its hint; `None` for a success.
    fn classify(&self, outcome: &R) -> Option<(bool, Option<Duration>)>;
}

impl<R: crate::Outcome<Failure: Retryable>> ClassifyOutcome<R> for ByRetryable {
    const APPLIES: bool = true;

    #[inline]
    fn classify(&self, outcome: &R) -> Option<(bool, Option<Duration>)> {
        let failure = outcome.failure()?;
        Some((failure.retryable(), failure.hint()))
    }
}

impl<R: ?Sized> ClassifyOutcome<R> for Unclassified {
    const APPLIES: bool = false;

    #[inline]
    fn classify(&self, _: &R) -> Option<(bool, Option<Duration>)> {
        None
    }
}

/// A failure type that is not `Retryable`: the defaults of `when` and `hint`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unclassified;

impl<E: ?Sized> Predicate<E> for Unclassified {
    #[inline]
    fn test(&self, _: &E) -> bool {
        true
    }
}

impl<E: ?Sized> Hint<E> for Unclassified {
    #[inline]
    fn hint(&self, _: &E) -> Option<Duration> {
        None
    }
}

impl<E: ?Sized> Classification<E> for Unclassified {
    const APPLIES: bool = false;
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

/// `on_success`: a closure or fn `Fn(&Succeeded<'_, R>)`, or [`NoHook`].
pub trait OnSuccess<R> {
    /// Whether this hook reads [`Succeeded::elapsed`] (so the call must read the clock).
    const SET: bool = true;
    /// Called once when the call returns a success.
    fn on_success(&self, succeeded: &Succeeded<'_, R>);
}

/// No hook.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHook;

impl<R> OnSuccess<R> for NoHook {
    const SET: bool = false;
    #[inline]
    fn on_success(&self, _: &Succeeded<'_, R>) {}
}

impl<R, F: Fn(&Succeeded<'_, R>)> OnSuccess<R> for F {
    #[inline]
    fn on_success(&self, succeeded: &Succeeded<'_, R>) {
        self(succeeded);
    }
}

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

/// How the events show a failure (the builders' and tower's `.describe(..)`): a closure or
/// fn `Fn(&E) -> Described<'_>`, such as [`Described::display`] or [`Described::debug`], or
/// [`NoHook`], which shows none (`-`).
pub trait DescribeFailure<E> {
    /// The failure, as the events show it.
    fn describe<'x>(&self, failure: &'x E) -> Described<'x>;
}

impl<E> DescribeFailure<E> for NoHook {
    #[inline]
    fn describe<'x>(&self, _: &'x E) -> Described<'x> {
        Described::Nothing
    }
}

impl<E, F: for<'x> Fn(&'x E) -> Described<'x>> DescribeFailure<E> for F {
    #[inline]
    fn describe<'x>(&self, failure: &'x E) -> Described<'x> {
        self(failure)
    }
}
