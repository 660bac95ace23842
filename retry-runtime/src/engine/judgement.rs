//! The typed layer between an outcome and the [`Engine`]: the user's predicates (`when`,
//! `when_ok`, `hint`) turn an outcome into a [`Verdict`], and the hooks (`on_retry`,
//! `on_give_up`) hear what the engine made of it. Both front doors, the attribute's
//! expansion and the closure builders, judge through [`Judgement`].

use std::time::Duration;

use super::call::Call;
use super::describe::Described;
use super::events::Event;
use super::keys::ClassifyOutcome;
use super::keys::{Hint, OnGiveUp, OnRetry, OnSuccess, Predicate};
use super::metrics;
use super::state::{Engine, Step, Verdict};
use crate::hooks::{Attempt, GiveUp, StopReason, Succeeded};
#[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
use crate::http::Class;
use crate::outcome::Outcome;

/// Describes a failure for the `tracing` events.
pub type Describer<'d, E> = &'d dyn for<'x> Fn(&'x E) -> Described<'x>;

/// One outcome, being judged.
#[must_use]
pub(crate) struct Judgement<'a, R> {
    outcome: &'a R,
    verdict: Verdict,
    error: Described<'a>,
    /// The outcome is a failure (or, judged by a door's classifier, a retryable one).
    failure: bool,
    /// The attempt was cut by `attempt_timeout`: a failure for the breaker and the
    /// throttle, whatever `when` says.
    cut: bool,
}

impl<'a, R: Outcome> Judgement<'a, R> {
    /// A failure is retryable and a success is returned, until the predicates say
    /// otherwise; `describe` shows the failure in the events.
    #[inline]
    pub(crate) fn new(
        outcome: &'a R,
        describe: impl FnOnce(&'a R::Failure) -> Described<'a>,
    ) -> Self {
        let failure = outcome.failure().is_some();
        let (verdict, error) = match outcome.failure() {
            Some(failure) => (Verdict::Retryable(None), describe(failure)),
            None if outcome.success().is_some() => (Verdict::Success, Described::Nothing),
            None => (Verdict::Final, Described::Nothing),
        };
        Judgement {
            outcome,
            verdict,
            error,
            failure,
            cut: false,
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
    /// `when` and `hint` by a classification of the outcome (the failure type's
    /// `Retryable`, in a fn with neither key): what `classify` makes of it.
    #[inline]
    pub(crate) fn by_type<C: ClassifyOutcome<R>>(mut self, classify: &C) -> Self {
        if C::APPLIES {
            match classify.classify(self.outcome) {
                Some((false, _)) => self.verdict = Verdict::Declined,
                Some((true, hint)) => {
                    if let Verdict::Retryable(_) = self.verdict {
                        self.verdict = Verdict::Retryable(hint);
                    }
                }
                None => {}
            }
        }
        self
    }

    /// An outcome a door's own classifier judged (tower's `Classify`, the reqwest
    /// middleware's HTTP rule) as `class`; `resend`: the request can be sent again. A
    /// retryable failure that cannot is returned, and counted as a failure all the same.
    #[inline]
    #[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
    pub(crate) fn classified(outcome: &'a R, class: Class, resend: bool) -> Self {
        let verdict = match class {
            Class::Success => Verdict::Success,
            Class::Retry(hint) if resend => Verdict::Retryable(hint),
            // A request that may not be sent again ends here, heard by the hooks and events.
            Class::Retry(_) | Class::Fail => Verdict::Declined,
        };
        let failure = matches!(class, Class::Retry(_));
        Judgement {
            outcome,
            verdict,
            error: Described::Nothing,
            failure,
            cut: failure && !resend,
        }
    }

    /// The failure as the events show it.
    #[inline]
    #[cfg(any(feature = "tower", feature = "reqwest-middleware"))]
    pub(crate) fn described(mut self, error: Described<'a>) -> Self {
        self.error = error;
        self
    }

    /// The attempt failed whatever the verdict (`cut`): cut by `attempt_timeout`, or a
    /// retryable failure that a door may not send again. The limits count it as a failure.
    #[inline]
    pub(crate) fn cut(mut self, cut: bool) -> Self {
        self.cut = cut;
        self
    }

    /// Whether the breaker and the throttle count this outcome as an answer of the service:
    /// a success (one `when_ok` retries included) or a failure `when` declined, unless the
    /// attempt was cut.
    #[inline]
    pub(crate) fn answered(&self) -> bool {
        !self.cut && (self.verdict == Verdict::Declined || !self.failure)
    }

    /// The verdict, and the failure as the events show it.
    pub(crate) fn verdict(&self) -> (Verdict, Described<'a>) {
        (self.verdict, self.error)
    }

    /// The delay before the next attempt, or `None` to return the outcome. A success costs
    /// only the budget's refund (and `on_success`, if set); the rest is the engine's.
    #[inline]
    pub(crate) fn finish(
        self,
        call: Call<'_>,
        hooks: (&impl OnRetry<R>, &impl OnGiveUp<R>, &impl OnSuccess<R>),
    ) -> Option<Duration> {
        if self.verdict == Verdict::Success {
            call.limits.succeeded();
            metrics::succeeded(call.function, call.engine.attempt());
            on_success(call.engine, hooks.2, self.outcome);
            return None;
        }
        // The breaker and the throttle count the attempt, if the call has them (an outcome
        // that stands for a refused call is no attempt).
        if call.limits.guards.is_some() && call.engine.refused().is_none() {
            call.limits.count(self.answered());
        }
        let event = call.event(self.error);
        finish_unsuccessful(call, self.verdict, event, self.outcome, hooks)
    }
}

/// [`Judgement::finish`] for an outcome that is not a success: hands `verdict` to the
/// engine and calls the hooks with what it decided (kept out of `finish`, which is inlined
/// into every fn, so that the success path stays short).
fn finish_unsuccessful<R>(
    call: Call<'_>,
    verdict: Verdict,
    event: Event<'_>,
    outcome: &R,
    hooks: (&impl OnRetry<R>, &impl OnGiveUp<R>, &impl OnSuccess<R>),
) -> Option<Duration> {
    let Call {
        engine,
        policy,
        limits,
        ..
    } = call;
    match engine.step(policy, limits, verdict, event) {
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

/// Calls `hook`, if one is set, as the call returns a success.
#[inline]
pub(crate) fn on_success<R, U: OnSuccess<R>>(engine: &Engine, hook: &U, outcome: &R) {
    if U::SET {
        hook.on_success(&Succeeded {
            attempts: engine.attempt(),
            elapsed: engine.elapsed(),
            outcome,
        });
    }
}
