//! Attempts one after another as a future: what `.await` runs for an async
//! [`Retrying`](crate::Retrying).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::builder::{Async, Retrying};
use crate::engine::Engine;
use crate::judge::{Hint, OnGiveUp, OnRetry, Predicate, Rules};
use crate::sleep::{MaybeSleep, sleep_async};
use crate::{AsyncSleep, Outcome, Policy};

impl<'p, Op, Fut, S, W, O, H, A, G> IntoFuture
    for Retrying<'p, Op, Async<S>, Rules<'p, W, O, H, A, G>>
where
    Op: FnMut() -> Fut,
    Fut: Future<Output: Outcome>,
    S: AsyncSleep,
    W: Predicate<<Fut::Output as Outcome>::Failure>,
    O: Predicate<<Fut::Output as Outcome>::Success>,
    H: Hint<<Fut::Output as Outcome>::Failure>,
    A: OnRetry<Fut::Output>,
    G: OnGiveUp<Fut::Output>,
{
    type Output = Fut::Output;
    type IntoFuture = RetryFuture<'p, Op, Fut, S, Rules<'p, W, O, H, A, G>>;

    fn into_future(self) -> Self::IntoFuture {
        RetryFuture {
            policy: self.policy,
            op: self.op,
            sleeper: self.mode.sleep,
            rules: self.rules,
            engine: Engine::unstarted(),
            state: State::Start,
        }
    }
}

pin_project! {
    /// The future of an async [`Retrying`]: attempts one after another, sleeping between
    /// them. Dropping it cancels the call.
    #[must_use = "futures do nothing unless polled"]
    pub struct RetryFuture<'p, Op, Fut, S: AsyncSleep, K> {
        policy: &'p Policy,
        op: Op,
        sleeper: S,
        rules: K,
        engine: Engine,
        #[pin]
        state: State<Fut, S::Sleep>,
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

impl<Op, Fut, R, S, W, O, H, A, G> Future for RetryFuture<'_, Op, Fut, S, Rules<'_, W, O, H, A, G>>
where
    Op: FnMut() -> Fut,
    Fut: Future<Output = R>,
    R: Outcome,
    S: AsyncSleep,
    W: Predicate<R::Failure>,
    O: Predicate<R::Success>,
    H: Hint<R::Failure>,
    A: OnRetry<R>,
    G: OnGiveUp<R>,
{
    type Output = R;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Start => {
                    let timed = Rules::<W, O, H, A, G>::timed::<R>();
                    *this.engine = Engine::new(this.policy, timed);
                    this.state.set(State::Attempt {
                        attempt: (this.op)(),
                    });
                }
                StateProj::Attempt { attempt } => {
                    let outcome = ready!(attempt.poll(cx));
                    let verdict =
                        this.rules
                            .judge(this.engine, this.policy, &outcome, "Policy::retry_async");
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
                    this.state.set(State::Attempt {
                        attempt: (this.op)(),
                    });
                }
                StateProj::Done => panic!("`RetryFuture` polled after completion"),
            }
        }
    }
}

impl<Op, Fut, S: AsyncSleep, K> std::fmt::Debug for RetryFuture<'_, Op, Fut, S, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryFuture")
            .field("policy", self.policy)
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}
