//! A call's state: every front door (the attribute's expansion, the closure builders,
//! tower) and every way of running attempts drives one [`Engine`] per call, through a
//! [`Call`](super::Call).
//!
//! The engine owns what does not depend on the outcome's type: the attempts made, the
//! cursor in the schedule, the clock for `deadline` and `elapsed`, the accounting with the
//! limits, the reason to stop, and the `tracing` events. The typed layer
//! ([`judgement`](super::judgement)) applies the user's predicates to an outcome and hands
//! the engine a [`Verdict`]; the engine answers with a [`Step`]: sleep this long and try
//! again, or give up for this reason.

use std::time::Duration;

use super::events::{self, Event};
use super::metrics;
use crate::context::{CallId, Context};
use crate::hooks::StopReason;
use crate::limits::{Limits, Rejected};
use crate::schedule::{Cursor, Policy, ThreadRandom};
use crate::time::{Clock, Timing};

/// The state of one retried call. Nothing of it exists before the first outcome that is
/// not a success, except the clock when a deadline or a hook reads it: a call that
/// succeeds at once pays for nothing else.
#[derive(Debug)]
pub(crate) struct Engine {
    /// When the first attempt started; taken only when something reads it.
    clock: Option<Clock>,
    /// The place in the schedule, from the first outcome that is not a success on. Each
    /// such outcome either ends the call or moves the cursor to the next retry, so the
    /// attempts judged are the cursor's retry number plus one.
    /// A breaker or a throttle that refused the call's first attempt leaves a cursor that
    /// says so ([`Cursor::refused`]): the outcome judged next stands for the refusal, and
    /// the call ends with it after no attempt.
    cursor: Option<Cursor>,
}

/// What the predicates made of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A success to return.
    Success,
    /// A failure (or a success `when_ok` wants again) to retry if the policy allows, with
    /// the server's hint for the next delay.
    Retryable(Option<Duration>),
    /// A failure that `when` declined.
    Declined,
    /// Neither a success nor a failure: returned as it is.
    Final,
}

/// What the engine makes of a verdict. Two words, returned in registers: what the hooks
/// are told besides is read from the engine afterwards ([`Engine::retried`],
/// [`Engine::attempt`], [`Engine::elapsed`]), and only when a hook is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Return the outcome: a success, or an outcome that is neither.
    Return,
    /// Sleep this long, then run the next attempt.
    Retry(Duration),
    /// Return the outcome although it was not a success, for this reason.
    GiveUp(StopReason),
}

impl Engine {
    /// Starts a call under `policy`, on the clock `timing` says. `timed`: something (a hook)
    /// reads the elapsed time even without a deadline.
    #[inline]
    pub(crate) fn new(policy: &Policy, timed: bool, timing: Timing) -> Self {
        let clock = (timed || policy.deadline.is_some() || events::read_the_clock())
            .then(|| Clock::start(timing));
        Engine {
            clock,
            cursor: None,
        }
    }

    /// An engine for a call that has not started: [`Engine::new`] replaces it when the
    /// first attempt starts.
    pub(crate) const fn unstarted() -> Self {
        Engine {
            clock: None,
            cursor: None,
        }
    }

    /// The [`Context`] of the attempt about to start (`call_id`: the call's id, drawn now
    /// if this is the first). The clock starts now if nothing asked for it at the call's
    /// start: only the first attempt can find it unstarted, since every attempt of a call
    /// that binds a context asks for one.
    #[inline]
    pub(crate) fn context(
        &mut self,
        policy: &Policy,
        timing: Timing,
        call_id: &mut CallId,
    ) -> Context {
        let elapsed = match &self.clock {
            Some(clock) => clock.elapsed(),
            None => {
                // The first attempt starts now: no time has passed.
                self.clock = Some(Clock::start(timing));
                Duration::ZERO
            }
        };
        Context::new(self.attempt(), elapsed, call_id.get(), policy.deadline)
    }

    /// The time left before `policy`'s deadline, if it has one (zero once it has passed).
    #[inline]
    pub(crate) fn until_deadline(&self, policy: &Policy) -> Option<Duration> {
        let deadline = policy.deadline?;
        Some(deadline.saturating_sub(self.elapsed()))
    }

    /// The 1-based number of the attempt running or just judged (0 when a limit refused
    /// the first).
    #[inline]
    pub(crate) fn attempt(&self) -> u32 {
        match &self.cursor {
            Some(cursor) if cursor.refusal().is_some() => 0,
            Some(cursor) => cursor.attempts(),
            None => 1,
        }
    }

    /// Why a limit refused the call's first attempt, if one did.
    #[inline]
    pub(crate) fn refused(&self) -> Option<StopReason> {
        let code = self.cursor.as_ref()?.refusal()?;
        Some(if code == 0 {
            StopReason::CircuitOpen
        } else {
            StopReason::Throttled
        })
    }

    /// Whether no outcome of the call has been judged yet (nor its first attempt refused).
    #[inline]
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn fresh(&self) -> bool {
        self.cursor.is_none()
    }

    /// Before the first attempt: asks the breaker and the throttle whether it may be made.
    /// A refusal is kept, so that the outcome made for it is judged as no attempt at all.
    #[inline]
    pub(crate) fn admit_first(&mut self, limits: Limits<'_>) -> Result<(), Rejected> {
        let admitted = limits.admit();
        if let Err(rejected) = admitted {
            self.refuse(rejected.reason());
        }
        admitted
    }

    /// Marks the call as refused before its first attempt, for `reason` (`CircuitOpen` or
    /// `Throttled`).
    pub(crate) fn refuse(&mut self, reason: StopReason) {
        let code = u8::from(reason != StopReason::CircuitOpen);
        self.cursor = Some(Cursor::refused(code));
    }

    /// The time since the first attempt started (recorded sleeps included); zero when
    /// nothing asked for the clock.
    #[inline]
    pub(crate) fn elapsed(&self) -> Duration {
        self.clock.as_ref().map_or(Duration::ZERO, Clock::elapsed)
    }

    /// Takes the verdict on the attempt that just ended and says what happens next. (The
    /// breaker and the throttle have counted the attempt: see [`Limits::count`].)
    pub(crate) fn step(
        &mut self,
        policy: &Policy,
        limits: Limits<'_>,
        verdict: Verdict,
        event: Event<'_>,
    ) -> Step {
        // Only a call with a breaker or a throttle can have been refused.
        if limits.guards.is_some() {
            if let Some(reason) = self.refused() {
                // The outcome made for a refused first attempt: no attempt was made.
                return self.give_up_at(0, reason, event);
            }
        }
        let Verdict::Retryable(hint) = verdict else {
            return self.not_retried(policy, limits, verdict, event);
        };
        // One borrow of the cursor for the whole step: the attempt just judged is its
        // retry number plus one.
        let cursor = self.cursor_mut(policy);
        let attempts = cursor.attempts();
        // Every retryable outcome is counted by the limits, the last attempt's included.
        let allowed = limits.allow_retry();
        if attempts >= policy.max_attempts {
            return self.give_up_at(attempts, StopReason::Attempts, event);
        }
        if !allowed {
            return self.give_up_at(attempts, StopReason::Budget, event);
        }
        // A hinted retry still moves the schedule on by one step, as any retry does.
        let scheduled = cursor.jittered(policy, &mut ThreadRandom);
        let delay = match hint {
            Some(hint) => hinted(policy, scheduled, hint),
            None => scheduled,
        };
        // The clock is read only for the deadline and the event: a call whose clock runs
        // for its hooks or its context reads it there.
        let elapsed = if policy.deadline.is_some() || events::read_the_clock() {
            self.elapsed()
        } else {
            Duration::ZERO
        };
        // A sleep that would end at or past the deadline is not started.
        if policy
            .deadline
            .is_some_and(|deadline| elapsed.saturating_add(delay) >= deadline)
        {
            return self.withdraw_retry(attempts, StopReason::Deadline, event);
        }
        // The breaker and the throttle admit the retry now, before its sleep: one refused
        // costs no sleep, and the call returns its last failure at once.
        if let Err(rejected) = limits.admit() {
            return self.withdraw_retry(attempts, rejected.reason(), event);
        }
        events::retrying(event, attempts, delay, elapsed);
        Step::Retry(delay)
    }

    /// After [`Step::Retry`]: the number of the attempt that just ended (the cursor has
    /// moved on to the next).
    #[inline]
    pub(crate) fn retried(&self) -> u32 {
        self.attempt().saturating_sub(1)
    }

    /// Starts one more attempt of a hedged call now, if the policy allows it: fewer than
    /// `max` attempts started, the deadline not passed, a token from the budget (each
    /// attempt after the first takes one, as a retry does; a hedge refused takes none), and
    /// the breaker and the throttle admitting it.
    /// Afterwards [`Engine::retried`] is the number of attempts started before this one;
    /// `Err` says why none starts.
    pub(crate) fn hedge(
        &mut self,
        policy: &Policy,
        limits: Limits<'_>,
        function: &'static str,
    ) -> Result<(), StopReason> {
        let started = self.attempt();
        if started >= policy.max_attempts {
            return Err(StopReason::Attempts);
        }
        let elapsed = self.elapsed();
        if policy.deadline.is_some_and(|deadline| elapsed >= deadline) {
            return Err(StopReason::Deadline);
        }
        // An open breaker refuses before the budget gives a token.
        if let Some(rejected) = limits.circuit_open() {
            return Err(rejected.reason());
        }
        if !limits.allow_hedge() {
            return Err(StopReason::Budget);
        }
        limits.admit().map_err(|rejected| rejected.reason())?;
        // In a hedged call the cursor counts the attempts started, not the ones judged.
        self.cursor_mut(policy).advance();
        events::hedging(function, started.saturating_add(1), elapsed);
        Ok(())
    }

    /// Gives up the call for `reason` after the attempts counted so far (a hedged call:
    /// every attempt started has ended, or one was declined).
    pub(crate) fn give_up(&self, reason: StopReason, event: Event<'_>) {
        self.give_up_at(self.attempt(), reason, event);
    }

    /// A verdict that retries nothing: the outcome is returned.
    #[cold]
    fn not_retried(
        &mut self,
        policy: &Policy,
        limits: Limits<'_>,
        verdict: Verdict,
        event: Event<'_>,
    ) -> Step {
        match verdict {
            Verdict::Success => {
                limits.succeeded();
                Step::Return
            }
            Verdict::Declined => {
                let attempts = self.count(policy);
                self.give_up_at(attempts, StopReason::NotRetryable, event)
            }
            Verdict::Final | Verdict::Retryable(_) => Step::Return,
        }
    }

    /// The cursor, made at the first outcome that is not a success.
    fn cursor_mut(&mut self, policy: &Policy) -> &mut Cursor {
        self.cursor.get_or_insert_with(|| Cursor::new(policy))
    }

    /// The number of the attempt that just ended, which is not a success: the cursor is
    /// made at the first.
    fn count(&mut self, policy: &Policy) -> u32 {
        self.cursor_mut(policy);
        self.attempt()
    }

    /// No retry after all, for `reason`: the cursor goes back to the attempt that ended
    /// (`attempts`), and the call gives up.
    #[cold]
    fn withdraw_retry(&mut self, attempts: u32, reason: StopReason, event: Event<'_>) -> Step {
        if let Some(cursor) = &mut self.cursor {
            cursor.seek(attempts - 1);
        }
        self.give_up_at(attempts, reason, event)
    }

    /// Gives up the call after `attempts` for `reason`.
    #[cold]
    fn give_up_at(&self, attempts: u32, reason: StopReason, event: Event<'_>) -> Step {
        let elapsed = self.elapsed();
        events::giving_up(event, attempts, reason, elapsed);
        metrics::gave_up(event.function, attempts, reason);
        Step::GiveUp(reason)
    }
}

/// The longest a server's hint may make a delay when `max_delay` is not set.
pub(crate) const HINT_CAP: Duration = Duration::from_secs(60);

/// The delay after a failure the server hinted at: `max(scheduled, min(hint, cap))`, with
/// `cap` the `max_delay` or [`HINT_CAP`]. A hint lengthens a delay up to the cap, never
/// shortens it, so neither a hostile server (`Retry-After: 99999999999`) can park its client
/// nor a fleet told "now" (`Retry-After: 0`) come back in lockstep.
#[cold]
fn hinted(policy: &Policy, scheduled: Duration, hint: Duration) -> Duration {
    let cap = policy.max_delay.unwrap_or(HINT_CAP);
    scheduled.max(hint.min(cap))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Described;
    use crate::limits::RetryBudget;
    use crate::testing;

    const MS: Duration = Duration::from_millis(1);
    const EVENT: Event<'static> = Event {
        function: "test",
        error: Described::Nothing,
    };

    fn delay(step: Step) -> Duration {
        match step {
            Step::Retry(delay) => delay,
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    fn reason(step: Step) -> StopReason {
        match step {
            Step::GiveUp(reason) => reason,
            other => panic!("expected a give-up, got {other:?}"),
        }
    }

    #[test]
    fn retries_on_schedule_until_the_attempts_run_out() {
        let policy = Policy::new().max_attempts(4).base(MS * 10);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let retry = Verdict::Retryable(None);
        let delays: Vec<_> = (0..3)
            .map(|_| delay(engine.step(&policy, Limits::NONE, retry, EVENT)))
            .collect();
        assert_eq!(delays, [MS * 10, MS * 20, MS * 40]);
        assert_eq!(
            reason(engine.step(&policy, Limits::NONE, retry, EVENT)),
            StopReason::Attempts
        );
        assert_eq!(engine.attempt(), 4);
    }

    #[test]
    fn successes_and_final_outcomes_are_returned() {
        let policy = Policy::new();
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        assert_eq!(
            engine.step(&policy, Limits::NONE, Verdict::Success, EVENT),
            Step::Return
        );
        assert_eq!(
            engine.step(&policy, Limits::NONE, Verdict::Final, EVENT),
            Step::Return
        );
        // Nothing is kept of a call that did not fail.
        assert!(engine.cursor.is_none());
        assert_eq!(engine.attempt(), 1);
    }

    #[test]
    fn a_declined_failure_gives_up_without_touching_the_budget() {
        let policy = Policy::new();
        let budget = RetryBudget::new(10, 1.0);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let step = engine.step(
            &policy,
            Limits::new(Some(&budget)),
            Verdict::Declined,
            EVENT,
        );
        assert_eq!(reason(step), StopReason::NotRetryable);
        assert!((budget.tokens() - 10.0).abs() < 1e-9);
    }

    #[test]
    fn the_budget_takes_a_token_per_retryable_outcome_and_refuses_when_low() {
        let policy = Policy::new().max_attempts(10).base(MS);
        let budget = RetryBudget::new(4, 1.0);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let retry = Verdict::Retryable(None);
        delay(engine.step(&policy, Limits::new(Some(&budget)), retry, EVENT)); // 3 left
        let step = engine.step(&policy, Limits::new(Some(&budget)), retry, EVENT); // 2 left
        assert_eq!(reason(step), StopReason::Budget);
        Limits::new(Some(&budget)).succeeded();
        assert!((budget.tokens() - 3.0).abs() < 1e-9);
    }

    #[test]
    fn the_last_attempt_takes_a_token_and_reports_attempts() {
        let policy = Policy::new().max_attempts(1);
        let budget = RetryBudget::new(2, 1.0);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let step = engine.step(
            &policy,
            Limits::new(Some(&budget)),
            Verdict::Retryable(None),
            EVENT,
        );
        assert_eq!(reason(step), StopReason::Attempts);
        assert!((budget.tokens() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_hint_lengthens_the_delay_up_to_the_cap_and_never_shortens_it() {
        let policy = Policy::new()
            .max_attempts(10)
            .base(MS * 10)
            .max_delay(MS * 50);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let hinted = |hint| Verdict::Retryable(Some(hint));
        // Retry 0 is scheduled at 10 ms: the hint of 30 ms lengthens it.
        assert_eq!(
            delay(engine.step(&policy, Limits::NONE, hinted(MS * 30), EVENT)),
            MS * 30
        );
        // Retry 1 (20 ms): a hint of 70 ms is capped by `max_delay`.
        assert_eq!(
            delay(engine.step(&policy, Limits::NONE, hinted(MS * 70), EVENT)),
            MS * 50
        );
        // Retry 2 (40 ms): `Retry-After: 0` does not skip the backoff.
        assert_eq!(
            delay(engine.step(&policy, Limits::NONE, hinted(Duration::ZERO), EVENT)),
            MS * 40
        );
        // Each hinted retry moved the schedule on: retry 3 is 80 ms, capped at 50 ms.
        let next = engine.step(&policy, Limits::NONE, Verdict::Retryable(None), EVENT);
        assert_eq!(delay(next), MS * 50);
    }

    #[test]
    fn without_max_delay_a_hint_is_capped_at_a_minute() {
        let policy = Policy::new().max_attempts(3).base(MS);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        let parked = Verdict::Retryable(Some(Duration::from_secs(99_999_999_999)));
        assert_eq!(
            delay(engine.step(&policy, Limits::NONE, parked, EVENT)),
            HINT_CAP
        );
        assert_eq!(HINT_CAP, Duration::from_secs(60));
        let max = Verdict::Retryable(Some(Duration::MAX));
        assert_eq!(
            delay(engine.step(&policy, Limits::NONE, max, EVENT)),
            HINT_CAP
        );
    }

    #[test]
    fn a_hint_that_crosses_the_deadline_ends_the_retrying() {
        let policy = Policy::new().max_attempts(10).base(MS).deadline(MS * 120);
        let far = Verdict::Retryable(Some(Duration::from_secs(1)));
        let (step, _) = testing::record(|| {
            Engine::new(&policy, false, Timing::Sync).step(&policy, Limits::NONE, far, EVENT)
        });
        assert_eq!(reason(step), StopReason::Deadline);
        let near = Verdict::Retryable(Some(MS * 50));
        let (steps, _) = testing::record(|| {
            let mut engine = Engine::new(&policy, false, Timing::Sync);
            let first = engine.step(&policy, Limits::NONE, near, EVENT);
            crate::time::sleep(delay(first));
            (first, engine.step(&policy, Limits::NONE, near, EVENT))
        });
        // 50 ms fits in 120 ms; then 50 + 50 does, and a third would pass it.
        assert_eq!(delay(steps.0), MS * 50);
        assert_eq!(delay(steps.1), MS * 50);
    }

    #[test]
    fn hedges_start_until_max_and_take_a_token_only_when_allowed() {
        let budget = RetryBudget::new(6, 0.001);
        let policy = Policy::new().max_attempts(4);
        let mut engine = Engine::new(&policy, false, Timing::Sync);
        // For each hedge started, `retried` is the attempts started before it.
        let started = |engine: &mut Engine, budget| {
            engine
                .hedge(&policy, Limits::new(budget), "f")
                .map(|()| engine.retried())
        };
        assert_eq!(started(&mut engine, Some(&budget)), Ok(1));
        assert_eq!(started(&mut engine, Some(&budget)), Ok(2));
        // 4 tokens left: a third hedge would leave 3, not above half of 6.
        let refused = engine.hedge(&policy, Limits::new(Some(&budget)), "f");
        assert_eq!(refused, Err(StopReason::Budget));
        assert!((budget.tokens() - 4.0).abs() < 1e-9);
        assert_eq!(started(&mut engine, None), Ok(3));
        assert_eq!(
            engine.hedge(&policy, Limits::NONE, "f"),
            Err(StopReason::Attempts)
        );
        assert_eq!(engine.attempt(), 4);
        engine.give_up(StopReason::Attempts, EVENT);
        assert_eq!(engine.attempt(), 4);
    }

    #[test]
    fn no_hedge_starts_once_the_deadline_has_passed() {
        let policy = Policy::new().max_attempts(10).deadline(MS * 100);
        let (results, _) = testing::record(|| {
            let mut engine = Engine::new(&policy, false, Timing::Sync);
            let before = engine
                .hedge(&policy, Limits::NONE, "f")
                .map(|()| engine.retried());
            crate::time::sleep(MS * 100);
            (before, engine.hedge(&policy, Limits::NONE, "f"))
        });
        assert_eq!(results, (Ok(1), Err(StopReason::Deadline)));
    }

    #[test]
    fn elapsed_is_read_only_when_asked_for() {
        let policy = Policy::new();
        if !events::read_the_clock() {
            assert!(Engine::new(&policy, false, Timing::Sync).clock.is_none());
        }
        assert!(Engine::new(&policy, true, Timing::Sync).clock.is_some());
        assert!(
            Engine::new(&policy.deadline(MS), false, Timing::Sync)
                .clock
                .is_some()
        );
    }
}
