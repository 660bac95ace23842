//! Hedged attempts (`hedge`): attempts that overlap instead of following one another.
//!
//! [`Hedging`] is the one way of running them, for both front doors: the async builder's
//! [`HedgeFuture`] starts each attempt from its closure, and the attribute's expansion
//! starts each from its body, in a loop:
//!
//! ```text
//! let mut hedging = pin!(hedged::<R>(&policy, hedge).when(..).race("f", describer!()));
//! loop {
//!     hedging.as_mut().start(async { body });
//!     if let Some(outcome) = hedging.as_mut().next().await {
//!         return outcome;
//!     }
//! }
//! ```
//!
//! `next` runs the attempts started and the hedge's timer until an outcome is to be
//! returned (`Some`) or another attempt is to start (`None`). The engine decides whether
//! one may start (`max_attempts`, `deadline`, the budget) and keeps the count.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;

use super::{MakeAttempt, Runner, TimedOut, TimeoutOutcome};
use crate::context::{Binding, CallId};
use crate::engine::{Call, Described, Engine, Keys, NoHook, Verdict};
use crate::engine::{Sealed, assess, metrics, on_give_up, on_retry, on_success, timed};
use crate::hooks::{Attempt, StopReason};
use crate::limits::{Reject, Rejected};
use crate::outcome::Outcome;
use crate::schedule::Policy;
use crate::time::{AsyncSleep, Timing};

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

/// Describes an outcome's failure for the `tracing` events.
pub(crate) type Describe<R> = for<'x> fn(&'x R) -> Described<'x>;

/// At most this many attempts of one call run at once.
const MAX_RUNNING: u32 = 32;

pin_project! {
    /// The attempts of one hedged call, running together, and the hedge's timer. The
    /// first attempt is kept in place; the others share one allocation, made when the
    /// first hedge starts, so a call answered before `hedge` allocates nothing.
    #[must_use = "a hedged call does nothing until its attempts are started and polled"]
    pub struct Hedging<'p, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> {
        policy: &'p Policy,
        rules: K,
        sleeper: S,
        runner: T,
        hedge: Duration,
        // How `on_retry` is told of an attempt a hedge overtakes (see `OnHedge`).
        overtaken: Option<fn(TimedOut) -> Fut::Output>,
        // How the events show an outcome's failure (the attribute's, with `tracing`).
        describe: Option<Describe<Fut::Output>>,
        function: &'static str,
        engine: Engine,
        #[pin]
        first: Option<T::Running>,
        rest: Option<Slots<T::Running>>,
        #[pin]
        timer: Option<S::Sleep>,
        begun: bool,
    }
}

/// The attempts beside the first: one boxed slice, pinned, each slot empty or running.
struct Slots<F> {
    slots: Pin<Box<[Option<F>]>>,
}

impl<F> Slots<F> {
    fn new(len: u32) -> Self {
        let slots: Box<[Option<F>]> = (0..len).map(|_| None).collect();
        Slots {
            slots: Box::into_pin(slots),
        }
    }

    fn len(&self) -> usize {
        self.slots.len()
    }

    fn is_free(&self, index: usize) -> bool {
        self.slots[index].is_none()
    }

    /// Slot `index`, pinned.
    #[allow(unsafe_code)]
    fn slot(&mut self, index: usize) -> Pin<&mut Option<F>> {
        // SAFETY: the slice never moves: it stays in its pinned box until the box is
        // dropped, which drops every slot in place. A slot is only ever reached through
        // this `Pin`, never by `&mut` (the safe methods above read it by `&`), so a
        // future in it is never moved out or swapped; `Pin::set` drops it in place.
        unsafe {
            self.slots
                .as_mut()
                .map_unchecked_mut(|slots| &mut slots[index])
        }
    }
}

impl<Fut, R, S, T, K> Hedging<'_, Fut, S, T, K>
where
    Fut: Future<Output = R>,
    R: Outcome,
    S: AsyncSleep,
    T: Runner<Fut, S>,
    K: Keys<R>,
{
    /// Starts an attempt: the first of the call, or the one `next` asked for. The
    /// attribute's glue; not public API.
    #[doc(hidden)]
    pub fn start(self: Pin<&mut Self>, attempt: Fut) {
        let mut this = self.project();
        begin(this.begun, this.engine, this.policy, &*this.rules);
        if this.engine.refused().is_some() {
            // The attempt is not made: it is dropped before it is ever polled, and `next`
            // returns the outcome that stands for the refusal.
            return;
        }
        let (engine, policy) = (&*this.engine, *this.policy);
        let until_deadline = || engine.until_deadline(policy);
        let number = engine.attempt();
        let launched =
            this.runner
                .run(attempt, this.sleeper, until_deadline, this.function, number);
        if this.first.is_none() {
            this.first.set(Some(launched));
        } else {
            let capacity = policy.max_attempts.clamp(2, MAX_RUNNING) - 1;
            let rest = this.rest.get_or_insert_with(|| Slots::new(capacity));
            let free = (0..rest.len()).find(|&index| rest.is_free(index));
            // `room` is checked before an attempt is asked for, so a slot is free.
            if let Some(free) = free {
                rest.slot(free).set(Some(launched));
            }
        }
        let more = engine.attempt() < policy.max_attempts;
        let timer = more.then(|| this.sleeper.sleep(*this.hedge));
        this.timer.set(timer);
    }

    /// `context`: the [`Context`](crate::Context) of the attempt about to start (the call's
    /// first, or the one `next` asked for), on its way into it. The attribute's glue; not
    /// public API.
    #[doc(hidden)]
    pub fn context(self: Pin<&mut Self>, call_id: &mut CallId) -> Binding {
        let this = self.project();
        begin(this.begun, this.engine, this.policy, &*this.rules);
        Binding(this.engine.context(this.policy, Timing::Async, call_id))
    }

    /// Runs the attempts until one's outcome is to be returned (`Some`), or another
    /// attempt is to start (`None`: call `start` with it). The attribute's glue; not public
    /// API.
    #[doc(hidden)]
    pub fn next(self: Pin<&mut Self>) -> impl Future<Output = Option<R>> {
        let mut this = self;
        std::future::poll_fn(move |cx| this.as_mut().poll_next(cx))
    }

    /// `next`, polled.
    #[doc(hidden)]
    pub fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<R>> {
        let mut this = self.project();
        let rules = &*this.rules;
        let mut call = Call::new(
            this.engine,
            this.policy,
            Sealed::limits(rules),
            this.function,
        );
        if let Some(reason) = call.engine.refused() {
            // Asked again for the `Rejected` (the engine keeps only the reason): an open
            // breaker says how long it stays open.
            let rejected = match reason {
                StopReason::CircuitOpen => call.limits.circuit_open(),
                _ => None,
            };
            let rejected = rejected.unwrap_or_else(|| Rejected::refused(reason));
            let outcome = rules.reject().reject(rejected);
            let error = this
                .describe
                .map_or(Described::Nothing, |describe| describe(&outcome));
            call.give_up(reason, error);
            on_give_up(call.engine, rules.on_give_up(), reason, &outcome);
            return Poll::Ready(Some(outcome));
        }
        loop {
            let Poll::Ready((outcome, cut)) =
                poll_any(this.first.as_mut(), this.rest, cx, T::was_cut)
            else {
                break;
            };
            let judgement = assess(rules, &outcome).cut(cut);
            let answered = judgement.answered();
            let (verdict, error) = judgement.verdict();
            let error = this.describe.map_or(error, |describe| describe(&outcome));
            if verdict == Verdict::Success {
                call.limits.succeeded();
            } else {
                call.limits.count(answered);
            }
            let reason = match verdict {
                Verdict::Success | Verdict::Final => None,
                Verdict::Declined => Some(StopReason::NotRetryable),
                Verdict::Retryable(_) => {
                    match call.hedge() {
                        Ok(()) => {
                            on_retry(call.engine, rules.on_retry(), Duration::ZERO, &outcome);
                            return Poll::Ready(None);
                        }
                        Err(reason) => {
                            let first = this.first.as_ref().get_ref().as_ref();
                            if running(first, this.rest.as_ref()) > 0 {
                                // No attempt may start, but some still run: the call waits
                                // for them, and returns the last to fail if they all do.
                                this.timer.set(None);
                                continue;
                            }
                            Some(reason)
                        }
                    }
                }
            };
            // The call ends with this outcome: what still runs is dropped first.
            this.first.set(None);
            *this.rest = None;
            this.timer.set(None);
            if let Some(reason) = reason {
                call.give_up(reason, error);
                on_give_up(call.engine, rules.on_give_up(), reason, &outcome);
            } else if verdict == Verdict::Success {
                metrics::succeeded(call.function, call.engine.attempt());
                on_success(call.engine, rules.on_success(), &outcome);
            }
            return Poll::Ready(Some(outcome));
        }
        // No attempt is ready: the hedge's timer may start another.
        let Some(timer) = this.timer.as_mut().as_pin_mut() else {
            return Poll::Pending;
        };
        if timer.poll(cx).is_pending() {
            return Poll::Pending;
        }
        this.timer.set(None);
        let room = room(this.first.as_ref().get_ref().as_ref(), this.rest.as_ref());
        if room && call.hedge().is_ok() {
            if let Some(overtaken) = this.overtaken {
                let outcome = overtaken(TimedOut::new(*this.hedge));
                on_retry(call.engine, rules.on_retry(), Duration::ZERO, &outcome);
            }
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

/// Starts the call's engine before its first attempt (once: `begun`), and asks the
/// breaker and the throttle of `rules` whether the attempt may be made; a refusal is kept
/// in the engine.
fn begin<R: Outcome, K: Keys<R>>(
    begun: &mut bool,
    engine: &mut Engine,
    policy: &Policy,
    rules: &K,
) {
    if !*begun {
        *engine = Engine::new(policy, timed::<R, K>(), Timing::Async);
        *begun = true;
        let _ = engine.admit_first(Sealed::limits(rules));
    }
}

/// Polls every running attempt; the first ready one's outcome, its slot emptied, and
/// whether it was cut (`was_cut`).
fn poll_any<F: Future>(
    mut first: Pin<&mut Option<F>>,
    rest: &mut Option<Slots<F>>,
    cx: &mut Context<'_>,
    was_cut: fn(&F) -> bool,
) -> Poll<(F::Output, bool)> {
    if let Some(mut attempt) = first.as_mut().as_pin_mut() {
        if let Poll::Ready(outcome) = attempt.as_mut().poll(cx) {
            let cut = was_cut(&attempt);
            first.set(None);
            return Poll::Ready((outcome, cut));
        }
    }
    if let Some(rest) = rest {
        for index in 0..rest.len() {
            let mut slot = rest.slot(index);
            if let Some(mut attempt) = slot.as_mut().as_pin_mut() {
                if let Poll::Ready(outcome) = attempt.as_mut().poll(cx) {
                    let cut = was_cut(&attempt);
                    slot.set(None);
                    return Poll::Ready((outcome, cut));
                }
            }
        }
    }
    Poll::Pending
}

/// Whether another attempt has a place to run.
fn room<F>(first: Option<&F>, rest: Option<&Slots<F>>) -> bool {
    first.is_none() || rest.is_none_or(|rest| (0..rest.len()).any(|i| rest.is_free(i)))
}

/// How many attempts are running.
fn running<F>(first: Option<&F>, rest: Option<&Slots<F>>) -> usize {
    let rest = rest.map_or(0, |rest| {
        (0..rest.len()).filter(|&i| !rest.is_free(i)).count()
    });
    usize::from(first.is_some()) + rest
}

impl<Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> fmt::Debug for Hedging<'_, Fut, S, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hedging")
            .field("policy", self.policy)
            .field("hedge", &self.hedge)
            .field("function", &self.function)
            .field("running", &running(self.first.as_ref(), self.rest.as_ref()))
            .finish_non_exhaustive()
    }
}

impl<'p, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> Hedging<'p, Fut, S, T, K> {
    /// The attempts of one hedged call of `function` under `policy` and `rules`, run by
    /// `runner` with a new one `hedge` after the last, on `sleeper`'s clock. `overtaken` is
    /// how `on_retry` hears of an attempt a hedge overtakes ([`OnHedge`]); `describe` shows
    /// a failure in the events.
    pub(crate) fn new(
        policy: &'p Policy,
        rules: K,
        (sleeper, runner, hedge): (S, T, Duration),
        function: &'static str,
        overtaken: Option<fn(TimedOut) -> Fut::Output>,
        describe: Option<Describe<Fut::Output>>,
    ) -> Self {
        Hedging {
            policy,
            rules,
            sleeper,
            runner,
            hedge,
            overtaken,
            describe,
            function,
            engine: Engine::unstarted(),
            first: None,
            rest: None,
            timer: None,
            begun: false,
        }
    }
}

pin_project! {
    /// The future of a hedged async [`Retrying`] (see [`Retrying::hedge`]). Dropping it
    /// cancels every attempt still running.
    #[must_use = "futures do nothing unless polled"]
    pub struct HedgeFuture<'p, Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> {
        op: Op,
        #[pin]
        hedging: Hedging<'p, Fut, S, T, K>,
        // Whether the next poll starts an attempt first.
        start: bool,
        // Whether the call has returned its outcome.
        done: bool,
    }
}

impl<'p, Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> HedgeFuture<'p, Op, Fut, S, T, K> {
    /// The future of a hedged call that starts each attempt with `op`.
    pub(crate) fn new(op: Op, hedging: Hedging<'p, Fut, S, T, K>) -> Self {
        HedgeFuture {
            op,
            hedging,
            start: true,
            done: false,
        }
    }
}

impl<Op, Fut, R, S, T, K> Future for HedgeFuture<'_, Op, Fut, S, T, K>
where
    Op: MakeAttempt<Attempt = Fut>,
    Fut: Future<Output = R>,
    R: Outcome,
    S: AsyncSleep,
    T: Runner<Fut, S>,
    K: Keys<R>,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let mut this = self.project();
        assert!(
            !*this.done,
            "{}",
            super::sequential::POLLED_AFTER_COMPLETION
        );
        loop {
            if std::mem::take(this.start) {
                let mut hedging = this.hedging.as_mut();
                let context = |id: &mut CallId| hedging.as_mut().context(id).bind();
                let attempt = this.op.make(context);
                hedging.start(attempt);
            }
            match this.hedging.as_mut().poll_next(cx) {
                Poll::Ready(Some(outcome)) => {
                    *this.done = true;
                    return Poll::Ready(outcome);
                }
                Poll::Ready(None) => *this.start = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> fmt::Debug
    for HedgeFuture<'_, Op, Fut, S, T, K>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HedgeFuture")
            .field("hedging", &self.hedging)
            .finish_non_exhaustive()
    }
}
