//! What `#[retry]` expands to. Not public API: names and signatures change without notice.
//!
//! A retried fn becomes a loop around its body:
//!
//! ```text
//! let mut __retry_state = Retry::new(policy);    // + `.timed()` when `on_retry` is set
//! loop {
//!     let __retry_delay = {
//!         let __retry_outcome = /* the body, in its own scope */;
//!         match __retry_state.judge(&__retry_outcome).when(..).next() {
//!             Some(__retry_delay) => __retry_delay,
//!             None => return __retry_outcome,
//!         }
//!     };
//!     sleep(__retry_delay);                      // or `sleep_async(.., &S).await`
//! }
//! ```
//!
//! With the `tracing` feature, `judge` also takes the fn's name and `describe!()`, which
//! picks how its errors are shown. The schedule logic (`State`) is not generic, so it is
//! compiled once; `Judge` is the thin typed layer that applies the user's predicates and
//! hook.

use std::borrow::Borrow;
use std::time::{Duration, Instant};

use crate::jitter::ThreadRandom;
use crate::{Attempt, Outcome, Policy, RetryBudget, testing};

pub use crate::__retry_describe as describe;
pub use crate::describe::{Describe, DescribeDebug, DescribeDisplay, DescribeNothing, Described};
pub use crate::sleep::{DefaultSleep, sleep, sleep_async};

/// Describes a failure for the `tracing` events.
pub type Describer<'d, E> = &'d dyn for<'x> Fn(&'x E) -> Described<'x>;

/// The state of one retried call, with its policy: a `Policy`, a `&Policy`, or (for
/// schedules known at compile time) a `&'static Policy`, which keeps async fns small.
#[derive(Debug)]
pub struct Retry<P = Policy> {
    policy: P,
    state: State,
}

/// Everything of a call's state but the policy. Not generic, so that the schedule logic
/// is compiled once.
#[derive(Debug)]
struct State {
    /// Attempts judged so far.
    attempts: u32,
    /// The state of decorrelated jitter (set at the first retry).
    previous: Duration,
    /// When the first attempt started; taken only when a deadline or a hook needs it.
    clock: Option<Clock>,
}

#[derive(Debug)]
struct Clock {
    start: Instant,
    /// Recorded sleeps (see `testing`) at the start, which count as elapsed time.
    skipped: Duration,
}

impl Clock {
    fn start() -> Self {
        Clock {
            start: Instant::now(),
            skipped: testing::skipped(),
        }
    }

    fn elapsed(&self) -> Duration {
        let skipped = testing::skipped().saturating_sub(self.skipped);
        self.start.elapsed().saturating_add(skipped)
    }
}

impl<P: Borrow<Policy>> Retry<P> {
    /// Starts a retried call with `policy`.
    #[inline]
    pub fn new(policy: P) -> Self {
        let state = State::new(policy.borrow());
        Retry { policy, state }
    }

    /// Measures elapsed time even without a deadline (for `Attempt::elapsed`).
    #[inline]
    #[must_use]
    pub fn timed(mut self) -> Self {
        if self.state.clock.is_none() {
            self.state.clock = Some(Clock::start());
        }
        self
    }

    /// Attempts judged so far.
    #[inline]
    pub fn attempts(&self) -> u32 {
        self.state.attempts
    }

    /// Judges the outcome of the attempt that just ended. A failure is retried unless
    /// `when` says otherwise; a success is returned unless `when_ok` says otherwise.
    #[cfg(not(feature = "tracing"))]
    #[inline]
    pub fn judge<'a, R: Outcome>(&'a mut self, outcome: &'a R) -> Judge<'a, R, NoHook> {
        self.judge_outcome(outcome)
    }

    /// Judges the outcome of the attempt that just ended, in fn `function`; `describe`
    /// shows a failure in the `tracing` events.
    #[cfg(feature = "tracing")]
    #[inline]
    pub fn judge<'a, R: Outcome>(
        &'a mut self,
        outcome: &'a R,
        function: &'static str,
        describe: Describer<'_, R::Failure>,
    ) -> Judge<'a, R, NoHook> {
        let mut judge = self.judge_outcome(outcome);
        judge.trace = (
            function,
            outcome.failure().map_or(Described::Nothing, describe),
        );
        judge
    }

    #[inline]
    fn judge_outcome<'a, R: Outcome>(&'a mut self, outcome: &'a R) -> Judge<'a, R, NoHook> {
        let policy = self.policy.borrow();
        self.state.attempts = self.state.attempts.saturating_add(1);
        Judge {
            #[cfg(feature = "tracing")]
            trace: ("", Described::Nothing),
            again: outcome.failure().is_some(),
            success: outcome.success().is_some(),
            hint: None,
            budget: policy.budget,
            policy,
            state: &mut self.state,
            outcome,
            hook: NoHook,
        }
    }
}

impl State {
    fn new(policy: &Policy) -> Self {
        State {
            clock: policy.deadline.map(|_| Clock::start()),
            previous: Duration::ZERO,
            attempts: 0,
        }
    }

    /// The next delay (the server's `hint` if any, capped) and the elapsed time, or why
    /// there is none.
    fn plan(
        &mut self,
        policy: &Policy,
        hint: Option<Duration>,
    ) -> Result<(Duration, Duration), Stop> {
        if self.attempts >= policy.max_attempts {
            return Err(Stop::Attempts);
        }
        if self.attempts == 1 {
            self.previous = policy.base;
        }
        let delay = match hint {
            Some(hint) => policy.cap(hint),
            None => policy.delay(self.attempts - 1, &mut self.previous, &mut ThreadRandom),
        };
        let elapsed = self.clock.as_ref().map_or(Duration::ZERO, Clock::elapsed);
        if let Some(deadline) = policy.deadline {
            if elapsed.saturating_add(delay) > deadline {
                return Err(Stop::Deadline);
            }
        }
        Ok((delay, elapsed))
    }
}

/// `judge` for the runtime's own loops (`Policy::retry*`, `retry_call`), whose events name
/// `function` and cannot show the error (its type is generic there).
#[inline]
pub(crate) fn judge<'a, P: Borrow<Policy>, R: Outcome>(
    retry: &'a mut Retry<P>,
    outcome: &'a R,
    function: &'static str,
) -> Judge<'a, R, NoHook> {
    #[cfg(feature = "tracing")]
    return retry.judge(outcome, function, &|_| Described::Nothing);
    #[cfg(not(feature = "tracing"))]
    {
        let _ = function;
        retry.judge(outcome)
    }
}

/// Why a retryable outcome is returned anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// `max` attempts were made.
    Attempts,
    /// The next sleep would end past the deadline.
    Deadline,
    /// The retry budget has no room.
    Budget,
}

impl Stop {
    #[cfg(feature = "tracing")]
    fn reason(self) -> &'static str {
        match self {
            Stop::Attempts => "attempts",
            Stop::Deadline => "deadline",
            Stop::Budget => "budget",
        }
    }
}

/// The verdict on one outcome, refined by the attribute's keys, then read with `next`.
#[must_use]
pub struct Judge<'a, R, H> {
    policy: &'a Policy,
    state: &'a mut State,
    outcome: &'a R,
    /// Whether this outcome is to be retried, as far as the predicates go.
    again: bool,
    success: bool,
    hint: Option<Duration>,
    budget: Option<&'a RetryBudget>,
    hook: H,
    /// The fn's name and the failure, for the `tracing` events.
    #[cfg(feature = "tracing")]
    trace: (&'static str, Described<'a>),
}

impl<R: Outcome, H> Judge<'_, R, H> {
    /// `when`: a failure is retried only when `retry_if` returns `true`.
    #[inline]
    pub fn when(mut self, retry_if: impl Fn(&R::Failure) -> bool) -> Self {
        if let Some(failure) = self.outcome.failure() {
            self.again = retry_if(failure);
        }
        self
    }

    /// `when_ok`: a success is retried when `retry_if` returns `true`.
    #[inline]
    pub fn when_ok(mut self, retry_if: impl Fn(&R::Success) -> bool) -> Self {
        if let Some(success) = self.outcome.success() {
            self.again = retry_if(success);
        }
        self
    }

    /// `hint`: the server's requested delay for this failure (`Retry-After`), which
    /// replaces the schedule's next delay.
    #[inline]
    pub fn hint(mut self, hint: impl Fn(&R::Failure) -> Option<Duration>) -> Self {
        if let Some(failure) = self.outcome.failure() {
            self.hint = hint(failure);
        }
        self
    }
}

// No `Outcome` bound here: a return type that is not an `Outcome` gets one error, at `judge`.
impl<'a, R, H: Hook<R>> Judge<'a, R, H> {
    /// `budget`: the shared budget this call's retries draw on (instead of the policy's).
    #[inline]
    pub fn budget<B: Borrow<RetryBudget> + ?Sized>(mut self, budget: &'a B) -> Self {
        self.budget = Some(budget.borrow());
        self
    }

    /// `on_retry`: called before each sleep.
    #[inline]
    pub fn on_retry<F: Fn(&Attempt<'_, R>)>(self, hook: F) -> Judge<'a, R, F> {
        Judge {
            policy: self.policy,
            state: self.state,
            outcome: self.outcome,
            again: self.again,
            success: self.success,
            hint: self.hint,
            budget: self.budget,
            hook,
            #[cfg(feature = "tracing")]
            trace: self.trace,
        }
    }

    /// The delay to sleep before the next attempt, or `None` to return the outcome.
    #[inline]
    pub fn next(self) -> Option<Duration> {
        let budget_refused = match self.budget {
            Some(budget) if self.again => !budget.record_failure(),
            Some(budget) if self.success => {
                budget.record_success();
                false
            }
            _ => false,
        };
        if !self.again {
            return None;
        }
        let plan = if budget_refused {
            Err(Stop::Budget)
        } else {
            self.state.plan(self.policy, self.hint)
        };
        let (delay, elapsed) = match plan {
            Ok(plan) => plan,
            Err(stop) => {
                #[cfg(feature = "tracing")]
                tracing::error!(
                    target: "retry_runtime",
                    function = self.trace.0,
                    attempts = self.state.attempts,
                    reason = stop.reason(),
                    error = %self.trace.1,
                    "giving up",
                );
                #[cfg(not(feature = "tracing"))]
                let _ = stop;
                return None;
            }
        };
        #[cfg(feature = "tracing")]
        tracing::warn!(
            target: "retry_runtime",
            function = self.trace.0,
            attempt = self.state.attempts,
            delay = ?delay,
            error = %self.trace.1,
            "retrying",
        );
        self.hook.call(&Attempt {
            number: self.state.attempts,
            delay,
            elapsed,
            outcome: self.outcome,
        });
        Some(delay)
    }
}

/// An `on_retry` hook, or none.
pub trait Hook<R> {
    /// Called before each sleep.
    fn call(&self, attempt: &Attempt<'_, R>);
}

/// No `on_retry` hook.
#[derive(Debug, Clone, Copy)]
pub struct NoHook;

impl<R> Hook<R> for NoHook {
    #[inline]
    fn call(&self, _: &Attempt<'_, R>) {}
}

impl<R, F: Fn(&Attempt<'_, R>)> Hook<R> for F {
    #[inline]
    fn call(&self, attempt: &Attempt<'_, R>) {
        self(attempt);
    }
}
