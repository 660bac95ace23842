//! Attempts one after another as a future: what `.await` runs for an async
//! [`Retrying`](crate::Retrying).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::{MakeAttempt, Runner};
use crate::engine::{Engine, Keys, admit, judge, timed};
use crate::outcome::Outcome;
use crate::schedule::Policy;
use crate::time::{AsyncSleep, MaybeSleep, Timing, sleep_async};

pin_project! {
    /// The future of an async [`Retrying`]: attempts one after another, sleeping between
    /// them. Dropping it cancels the call.
    #[must_use = "futures do nothing unless polled"]
    pub struct RetryFuture<'p, Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> {
        policy: &'p Policy,
        op: Op,
        sleeper: S,
        runner: T,
        rules: K,
        // The name the events give the call.
        function: &'static str,
        engine: Engine,
        #[pin]
        state: State<T::Running, S::Sleep>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<Fut, Sl> {
        Start,
        Attempt { #[pin] attempt: Fut },
        Sleep { #[pin] sleep: MaybeSleep<Sl> },
        Done,
    }
}

impl<Op, Fut, R, S, T, K> Future for RetryFuture<'_, Op, Fut, S, T, K>
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
        loop {
            match this.state.as_mut().project() {
                StateProj::Start => {
                    let timed = timed::<R, K>();
                    *this.engine = Engine::new(this.policy, timed, Timing::Async);
                    if let Some(refused) = admit(&*this.rules, this.engine) {
                        let _ = judge(
                            &*this.rules,
                            this.engine,
                            this.policy,
                            (&refused, false),
                            this.function,
                        );
                        this.state.set(State::Done);
                        return Poll::Ready(refused);
                    }
                    let attempt = start(
                        this.runner,
                        this.op,
                        this.sleeper,
                        this.engine,
                        this.policy,
                        this.function,
                    );
                    this.state.set(State::Attempt { attempt });
                }
                StateProj::Attempt { mut attempt } => {
                    let outcome = ready!(attempt.as_mut().poll(cx));
                    let cut = T::was_cut(&attempt);
                    let judged = (&outcome, cut);
                    let verdict = judge(
                        &*this.rules,
                        this.engine,
                        this.policy,
                        judged,
                        this.function,
                    );
                    match verdict {
                        Some(delay) => {
                            drop(outcome);
                            let sleep = sleep_async(delay, &*this.sleeper);
                            this.state.set(State::Sleep { sleep });
                        }
                        None => {
                            this.state.set(State::Done);
                            return Poll::Ready(outcome);
                        }
                    }
                }
                StateProj::Sleep { sleep } => {
                    ready!(sleep.poll(cx));
                    let attempt = start(
                        this.runner,
                        this.op,
                        this.sleeper,
                        this.engine,
                        this.policy,
                        this.function,
                    );
                    this.state.set(State::Attempt { attempt });
                }
                StateProj::Done => panic!("{POLLED_AFTER_COMPLETION}"),
            }
        }
    }
}

impl<'p, Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> RetryFuture<'p, Op, Fut, S, T, K> {
    /// The attempts of one call under `policy` and `rules`, each started with `op`, run by
    /// `runner` and slept between on `sleeper`.
    pub(crate) fn new(
        policy: &'p Policy,
        op: Op,
        sleeper: S,
        runner: T,
        rules: K,
        function: &'static str,
    ) -> Self {
        RetryFuture {
            policy,
            op,
            sleeper,
            runner,
            rules,
            function,
            engine: Engine::unstarted(),
            state: State::Start,
        }
    }
}

/// The next attempt of `function`, run by `runner`.
fn start<Op, Fut, S, T>(
    runner: &T,
    op: &mut Op,
    sleeper: &S,
    engine: &mut Engine,
    policy: &Policy,
    function: &'static str,
) -> T::Running
where
    Op: MakeAttempt<Attempt = Fut>,
    Fut: Future,
    S: AsyncSleep,
    T: Runner<Fut, S>,
{
    let attempt = op.make(|id| engine.context(policy, Timing::Async, id));
    let until_deadline = || engine.until_deadline(policy);
    runner.run(attempt, sleeper, until_deadline, function, engine.attempt())
}

/// The panic of a retried call's future polled again after it returned its outcome.
pub(crate) const POLLED_AFTER_COMPLETION: &str = "a retried call's future polled after completion";

impl<Op, Fut: Future, S: AsyncSleep, T: Runner<Fut, S>, K> std::fmt::Debug
    for RetryFuture<'_, Op, Fut, S, T, K>
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryFuture")
            .field("policy", self.policy)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}
