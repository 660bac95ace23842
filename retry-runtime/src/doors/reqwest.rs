//! A front door for reqwest: [`RetryMiddleware`], a [`reqwest_middleware::Middleware`] with
//! the same HTTP rules as the tower layer's [`RetryPolicy::http`](crate::tower::RetryPolicy)
//! (one classifier for both): connection errors, 5xx and 429 are retried, `Retry-After` is
//! the server's hint (see "Server hints" in the crate docs), and only idempotent methods are
//! sent again unless [`retry_all_methods`](RetryMiddleware::retry_all_methods) says
//! otherwise. A request whose body cannot be cloned (a stream: `try_clone()` gives `None`) is
//! sent once. Its sleeps are the runtime's, so `testing::record_async` records them.
//!
//! ```
//! use retry_runtime::Policy;
//! use retry_runtime::reqwest::RetryMiddleware;
//! use std::time::Duration;
//!
//! const POLICY: Policy = Policy::new().max_attempts(4).base(Duration::from_millis(100));
//!
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(RetryMiddleware::http(POLICY).name("inventory"))
//!     .build();
//! # let _ = client;
//! ```

use std::fmt;

use ::reqwest::{Request, Response};
use http::Extensions;
use reqwest_middleware::{Error, Middleware, Next};

use crate::engine::{Call, Described, Engine, Judgement, NoHook, OnGiveUp, OnRetry, OnSuccess};
use crate::http::{Class, Resend};
use crate::limits::{CircuitBreaker, Limits, Owned, RetryBudget, Shared, Throttle};
use crate::schedule::Policy;
use crate::time::{AsyncSleep, DefaultSleep, Timing, sleep_async};

/// What a call of the middleware returns, and what its hooks are given.
pub type Answer = Result<Response, Error>;

/// Retries the requests of a `reqwest_middleware::ClientWithMiddleware` under a [`Policy`]:
/// see the [module docs](self).
pub struct RetryMiddleware<A = NoHook, G = NoHook, S = DefaultSleep, U = NoHook> {
    policy: Policy,
    limits: Owned,
    on_retry: A,
    on_give_up: G,
    on_success: U,
    sleeper: S,
    all_methods: bool,
    name: &'static str,
}

impl RetryMiddleware {
    /// Retries HTTP requests as [`RetryPolicy::http`](crate::tower::RetryPolicy) does, under
    /// `policy`.
    pub fn http(policy: Policy) -> Self {
        RetryMiddleware {
            policy,
            limits: Owned::default(),
            on_retry: NoHook,
            on_give_up: NoHook,
            on_success: NoHook,
            sleeper: DefaultSleep,
            all_methods: false,
            name: "reqwest::RetryMiddleware",
        }
    }
}

impl<A, G, S, U> RetryMiddleware<A, G, S, U> {
    /// The name the `tracing` events give each call, where the attribute gives the fn's
    /// (`reqwest::RetryMiddleware` unless set).
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Sends every request again, POST and PATCH included: only for services whose
    /// non-idempotent requests are safe to repeat (they carry an idempotency key, say).
    pub fn retry_all_methods(mut self) -> Self {
        self.all_methods = true;
        self
    }

    /// The [`RetryBudget`] the retries draw on, instead of the policy's: a `static`, or one
    /// in an `Arc`.
    pub fn budget(mut self, budget: impl Into<Shared<RetryBudget>>) -> Self {
        self.limits.budget = Some(budget.into());
        self
    }

    /// The [`CircuitBreaker`] that counts every attempt and refuses attempts while it is
    /// open, the first included: a refused request is not sent, and its answer is
    /// `Err(Error::Middleware(..))` holding a [`Rejected`](crate::Rejected).
    pub fn breaker(mut self, breaker: impl Into<Shared<CircuitBreaker>>) -> Self {
        self.limits.breaker = Some(breaker.into());
        self
    }

    /// The client-side adaptive [`Throttle`] that counts every attempt and sheds attempts
    /// (the first included) when the service accepts too few, as [`breaker`](Self::breaker)
    /// refuses them.
    pub fn throttle(mut self, throttle: impl Into<Shared<Throttle>>) -> Self {
        self.limits.throttle = Some(throttle.into());
        self
    }

    /// Called before each sleep, as `on_retry`; the outcome is the attempt's [`Answer`].
    pub fn on_retry<A2>(self, hook: A2) -> RetryMiddleware<A2, G, S, U> {
        replace!(RetryMiddleware, self, on_retry: hook; policy, limits, on_give_up, on_success, sleeper, all_methods, name)
    }

    /// Called once when a request's retries give up, as `on_give_up`.
    pub fn on_give_up<G2>(self, hook: G2) -> RetryMiddleware<A, G2, S, U> {
        replace!(RetryMiddleware, self, on_give_up: hook; policy, limits, on_retry, on_success, sleeper, all_methods, name)
    }

    /// Called once when a request returns a success, as `on_success`.
    pub fn on_success<U2>(self, hook: U2) -> RetryMiddleware<A, G, S, U2> {
        replace!(RetryMiddleware, self, on_success: hook; policy, limits, on_retry, on_give_up, sleeper, all_methods, name)
    }

    /// The async sleep of another runtime (see [`AsyncSleep`]).
    pub fn sleep<S2: AsyncSleep>(self, sleeper: S2) -> RetryMiddleware<A, G, S2, U> {
        replace!(RetryMiddleware, self, sleeper: sleeper; policy, limits, on_retry, on_give_up, on_success, all_methods, name)
    }
}

impl<A, G, S, U> fmt::Debug for RetryMiddleware<A, G, S, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryMiddleware")
            .field("policy", &self.policy)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// The HTTP rule of every door, for a reqwest answer: an error with no response, a 5xx or
/// a 429 is retried, with `Retry-After` as the hint.
fn classify(answer: &Answer) -> Class {
    match answer {
        Ok(response) => crate::http::class(response.status(), response.headers()),
        // No response: refused, reset, timed out (a middleware's own error included).
        Err(_) => Class::Retry(None),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), async_trait::async_trait)]
#[cfg_attr(target_arch = "wasm32", async_trait::async_trait(?Send))]
impl<A, G, S, U> Middleware for RetryMiddleware<A, G, S, U>
where
    A: OnRetry<Answer> + Send + Sync + 'static,
    G: OnGiveUp<Answer> + Send + Sync + 'static,
    U: OnSuccess<Answer> + Send + Sync + 'static,
    S: AsyncSleep + Send + Sync + 'static,
    S::Sleep: Send,
{
    async fn handle(
        &self,
        request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let resend = Resend::of(&request, self.all_methods, self.policy.max_attempts);
        let guards = self.limits.guards();
        let limits = Limits {
            budget: self.limits.budget.as_deref(),
            guards: guards.get(),
        };
        let hooks = (&self.on_retry, &self.on_give_up, &self.on_success);
        let mut engine = Engine::new(&self.policy, true, Timing::Async);
        if let Err(rejected) = engine.admit_first(limits) {
            let refused: Answer = Err(Error::middleware(rejected));
            let call = Call::new(&mut engine, &self.policy, limits, self.name);
            let _ = Judgement::classified(&refused, Class::Fail, false).finish(call, hooks);
            return refused;
        }
        let mut request = request;
        loop {
            // A copy for the next attempt, taken before this one sends the body; a stream
            // gives none, and the request is sent once.
            let again = resend.keeps().then(|| request.try_clone()).flatten();
            let answer = next.clone().run(request, extensions).await;
            let error = match &answer {
                Err(error) => Described::Display(error),
                Ok(response) => Described::Status(response.status().as_u16()),
            };
            let call = Call::new(&mut engine, &self.policy, limits, self.name);
            let judged =
                Judgement::classified(&answer, classify(&answer), resend.allows(again.is_some()));
            let Some(delay) = judged.described(error).finish(call, hooks) else {
                return answer;
            };
            drop(answer);
            sleep_async(delay, &self.sleeper).await;
            match again {
                Some(again) => request = again,
                None => unreachable!("a request is retried only with its copy"),
            }
        }
    }
}
