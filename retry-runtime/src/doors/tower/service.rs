//! The tower middleware of [`RetryPolicy::layer`]: each request's attempts one after another,
//! judged by its own copy of the policy, its request kept as the policy's [`Keep`] says (so
//! that a body that cannot be cloned is replayed).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use super::{Class, Classify, Keep, Resendable, RetryPolicy};
use crate::attempts::POLLED_AFTER_COMPLETION;
use crate::engine::{DescribeFailure, OnGiveUp, OnRetry, OnSuccess};
use crate::http::Resend;
use crate::time::{AsyncSleep, MaybeSleep};

/// The layer of [`RetryPolicy::layer`], for `ServiceBuilder::layer`.
#[derive(Debug, Clone)]
pub struct RetryLayer<P> {
    policy: P,
}

impl<P> RetryLayer<P> {
    pub(super) fn new(policy: P) -> Self {
        RetryLayer { policy }
    }
}

impl<P: Clone, Svc> ::tower::Layer<Svc> for RetryLayer<P> {
    type Service = Retry<P, Svc>;

    fn layer(&self, service: Svc) -> Retry<P, Svc> {
        Retry::new(self.policy.clone(), service)
    }
}

/// The service of [`RetryLayer`]: sends each request, and again as its [`RetryPolicy`]
/// says. `Svc` must be `Clone`: each request's retries call a copy of it.
#[derive(Debug, Clone)]
pub struct Retry<P, Svc> {
    policy: P,
    service: Svc,
}

impl<P, Svc> Retry<P, Svc> {
    /// `service`, retried under `policy`.
    pub fn new(policy: P, service: Svc) -> Self {
        Retry { policy, service }
    }

    /// The service it retries.
    pub fn get_ref(&self) -> &Svc {
        &self.service
    }
}

impl<Req, Svc, C, K, A, G, S, U, D> ::tower::Service<Req>
    for Retry<RetryPolicy<C, K, A, G, S, U, D>, Svc>
where
    Req: Resendable,
    Svc: ::tower::Service<Req> + Clone,
    C: Classify<Req, Svc::Response, Svc::Error> + Clone,
    K: Keep<Req> + Clone,
    A: OnRetry<Result<Svc::Response, Svc::Error>> + Clone,
    G: OnGiveUp<Result<Svc::Response, Svc::Error>> + Clone,
    U: OnSuccess<Result<Svc::Response, Svc::Error>> + Clone,
    D: DescribeFailure<Svc::Error> + Clone,
    S: AsyncSleep + Clone,
{
    type Response = Svc::Response;
    type Error = Svc::Error;
    type Future =
        ResponseFuture<RetryPolicy<C, K, A, G, S, U, D>, Svc, Req, K::Kept, MaybeSleep<S::Sleep>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        // A fresh copy: this request's own call state.
        let policy = self.policy.clone();
        let resend = Resend::of(&request, policy.all_methods, policy.policy.max_attempts);
        // Nothing is kept of a request that is sent once.
        let (request, kept) = if resend.keeps() {
            let (first, kept) = policy.clone.keep(request);
            (first, Some(kept))
        } else {
            (request, None)
        };
        let future = self.service.call(request);
        ResponseFuture {
            policy,
            service: self.service.clone(),
            resend,
            kept,
            next: None,
            attempts: 1,
            state: State::Called { future },
        }
    }
}

pin_project! {
    /// The future of [`Retry`]: one request's attempts and the sleeps between them.
    #[must_use = "futures do nothing unless polled"]
    pub struct ResponseFuture<P, Svc, Req, Kept, Sl>
    where
        Svc: ::tower::Service<Req>,
    {
        policy: P,
        service: Svc,
        // Whether the request may be sent again.
        resend: Resend,
        // What is kept to send the request again (`None`: it is sent once).
        kept: Option<Kept>,
        // The next attempt's request, while the call sleeps before it.
        next: Option<Req>,
        // Attempts sent.
        attempts: u32,
        #[pin]
        state: State<Svc::Future, Sl>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, Sl> {
        // An attempt is under way.
        Called { #[pin] future: F },
        // Sleeping before the next attempt.
        Sleeping { #[pin] sleep: Sl },
        // Waiting for the service to be ready for the next attempt.
        Ready,
        Done,
    }
}

impl<Req, Svc, C, K, A, G, S, U, D> Future
    for ResponseFuture<RetryPolicy<C, K, A, G, S, U, D>, Svc, Req, K::Kept, MaybeSleep<S::Sleep>>
where
    Req: Resendable,
    Svc: ::tower::Service<Req>,
    C: Classify<Req, Svc::Response, Svc::Error>,
    K: Keep<Req>,
    A: OnRetry<Result<Svc::Response, Svc::Error>>,
    G: OnGiveUp<Result<Svc::Response, Svc::Error>>,
    U: OnSuccess<Result<Svc::Response, Svc::Error>>,
    D: DescribeFailure<Svc::Error>,
    S: AsyncSleep,
{
    type Output = Result<Svc::Response, Svc::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        loop {
            match this.state.as_mut().project() {
                StateProj::Called { future } => {
                    let result = ready!(future.poll(cx));
                    let class = this.policy.classify.classify(&result);
                    // The next request is made only for a retry; when it cannot be (a body
                    // past the replay limit), the call is committed. (With one attempt
                    // allowed nothing was kept, and the engine stops on its own.)
                    let next = match (class, &*this.kept) {
                        (Class::Retry(_), Some(kept)) => this.policy.clone.again(kept),
                        _ => None,
                    };
                    let resend = this.resend.allows(next.is_some());
                    match this.policy.judge::<Req, _, _>(&result, class, resend) {
                        Some(sleep) => {
                            drop(result);
                            *this.next = next;
                            this.state.set(State::Sleeping { sleep });
                        }
                        None => {
                            this.state.set(State::Done);
                            return Poll::Ready(result);
                        }
                    }
                }
                StateProj::Sleeping { sleep } => {
                    ready!(sleep.poll(cx));
                    this.state.set(State::Ready);
                }
                StateProj::Ready => {
                    if let Err(error) = ready!(this.service.poll_ready(cx)) {
                        this.state.set(State::Done);
                        return Poll::Ready(Err(error));
                    }
                    let Some(mut request) = this.next.take() else {
                        unreachable!("a retry's request is made before its sleep")
                    };
                    this.policy.classify.resend(&mut request, *this.attempts);
                    *this.attempts += 1;
                    let future = this.service.call(request);
                    this.state.set(State::Called { future });
                }
                StateProj::Done => panic!("{POLLED_AFTER_COMPLETION}"),
            }
        }
    }
}

impl<P, Svc, Req, Kept, Sl> std::fmt::Debug for ResponseFuture<P, Svc, Req, Kept, Sl>
where
    Svc: ::tower::Service<Req>,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}
