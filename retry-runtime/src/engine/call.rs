//! The one route from a door into the engine: a [`Call`], built by [`Call::new`] for each
//! judgement, the one place where a call's limits are resolved.

use super::describe::Described;
use super::events::Event;
use super::state::Engine;
use crate::hooks::StopReason;
use crate::limits::Limits;
use crate::schedule::Policy;

/// One call as a door hands it to the engine: its state, its policy, the limits it
/// consults and its name in the events. Every door builds it with [`Call::new`], the one
/// place where a call's limits are resolved.
pub(crate) struct Call<'c> {
    pub(crate) engine: &'c mut Engine,
    pub(crate) policy: &'c Policy,
    pub(crate) limits: Limits<'c>,
    pub(crate) function: &'static str,
}

impl<'c> Call<'c> {
    /// `engine`'s call of `function` under `policy`, with the `limits` given to it (the
    /// keys or the builder's): its budget, else the policy's.
    #[inline]
    pub(crate) fn new(
        engine: &'c mut Engine,
        policy: &'c Policy,
        mut limits: Limits<'c>,
        function: &'static str,
    ) -> Self {
        limits.budget = limits.budget.or(policy.budget);
        Call {
            engine,
            policy,
            limits,
            function,
        }
    }

    /// Starts one more attempt of a hedged call now, if the policy and the limits allow it
    /// (see [`Engine::hedge`]).
    #[inline]
    pub(crate) fn hedge(&mut self) -> Result<(), StopReason> {
        self.engine.hedge(self.policy, self.limits, self.function)
    }

    /// Gives the call up for `reason`, its last failure shown as `error`.
    #[inline]
    pub(crate) fn give_up(&self, reason: StopReason, error: Described<'_>) {
        self.engine.give_up(reason, self.event(error));
    }

    /// The `tracing` event's view of this call with `error`.
    #[inline]
    pub(crate) fn event<'e>(&self, error: Described<'e>) -> Event<'e> {
        Event {
            function: self.function,
            error,
        }
    }
}
