//! [`Rules`]: the keys of a closure builder, kept until the call runs, and how they judge
//! each outcome.

use std::time::Duration;

use super::call::{Call, Engine};
use super::describe::Described;
use super::judgement::Judgement;
use super::keys::{Always, Hint, Never, NoHint, NoHook, OnGiveUp, OnRetry, Predicate};
use crate::limits::RetryBudget;
use crate::outcome::Outcome;
use crate::schedule::Policy;

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
        let call = Call::new(engine, policy, self.budget, function);
        self.assess(outcome)
            .finish(call, (&self.on_retry, &self.on_give_up))
    }
}
