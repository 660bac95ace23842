//! A front door for tower: [`RetryPolicy`] is built from the same [`Policy`] as `#[retry]`
//! (schedule, jitter, deadline, budget, limits, server hints, hooks), and its
//! [`layer`](RetryPolicy::layer) retries any `Service` with one `layer(..)` line: a hyper
//! client, a tonic `Channel`, axum's outbound calls.
//!
//! ```
//! use retry_runtime::Policy;
//! use retry_runtime::tower::RetryPolicy;
//! use std::time::Duration;
//! use tower::{Service, ServiceBuilder, ServiceExt};
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() {
//! const POLICY: Policy = Policy::new().max_attempts(3).base(Duration::from_millis(100));
//!
//! // A service that fails on odd numbers.
//! let service = tower::service_fn(|n: u32| async move {
//!     if n % 2 == 1 { Err("odd") } else { Ok(n) }
//! });
//! let mut retrying = ServiceBuilder::new()
//!     .layer(RetryPolicy::new(POLICY, |result: &Result<u32, &str>| result.is_err()).layer())
//!     .service(service);
//! let answer = retrying.ready().await.unwrap().call(3).await;
//! assert_eq!(answer, Err("odd")); // 3 attempts, then the last error
//! # }
//! ```
//!
//! # HTTP
//!
//! [`RetryPolicy::http`] is the ready classifier for HTTP: connection errors, 5xx and 429
//! are retried, and `Retry-After` is the server's hint (see "Server hints" in the crate
//! docs: it can lengthen a delay up to `max_delay`, or 60 s, never shorten it).
//!
//! Whether a request may be sent again is the front door's rule, not the classifier's: an
//! `http::Request` is resent only when its method is idempotent (RFC 9110, 9.2.2: GET, HEAD,
//! OPTIONS, TRACE, PUT, DELETE), whichever classifier is used, a closure included, unless
//! [`RetryPolicy::retry_all_methods`] says otherwise. A request that is not resent still
//! reaches `on_give_up` (with [`StopReason::NotRetryable`](crate::StopReason)) and the
//! events, and nothing is kept of it. Other request types say whether they may be resent
//! with [`Resendable`].
//!
//! # Bodies that cannot be cloned
//!
//! `RetryPolicy::http` and `RetryPolicy::grpc` keep each request as [`Bodies`] does: a
//! `Clone` body is cloned for the next attempt, and a boxed one (http-body-util's `BoxBody`
//! and `UnsyncBoxBody`, `tonic::body::Body`) is replayed. The first attempt's body is
//! kept as the inner service reads it (never ahead of it: back-pressure is the
//! connection's), as `Bytes` handles rather than copies, up to
//! [`replay_limit`](RetryPolicy::replay_limit) bytes per call (1 MiB unless set); a retry
//! sends what was kept, then reads on from the original. A body the inner service dropped
//! unread or half read (a refused connection, a reset stream) is given back, so the retry
//! sends all of it. A body that outgrows the limit commits the call: its answer is returned
//! as it is (`on_give_up` hears [`StopReason::NotRetryable`](crate::StopReason)). Which body
//! types are replayed and which cloned is [`ReplayBody`]'s to say; a `Clone` body of your
//! own needs one line (`impl ReplayBody for MyBody { type Resend = ByClone; }`).
//! [`RetryPolicy::new`] clones whole requests ([`CloneIt`]); [`RetryPolicy::clone_requests`]
//! takes any other way.
//!
//! # gRPC
//!
//! With the `tonic` feature, [`RetryPolicy::grpc`] retries gRPC calls as gRFC A6 says (see
//! [`Grpc`]): a tonic client over a `Channel` takes it in one line, and its request bodies,
//! unary and streamed, are replayed.
//!
//! ```
//! use retry_runtime::Policy;
//! use retry_runtime::tower::RetryPolicy;
//! use std::time::Duration;
//! use tower::ServiceBuilder;
//!
//! const POLICY: Policy = Policy::new().max_attempts(4).base(Duration::from_millis(50));
//!
//! # #[cfg(feature = "tonic")]
//! # fn with<Channel>(channel: Channel) {
//! // `channel`: a `tonic::transport::Channel`.
//! let service = ServiceBuilder::new()
//!     .layer(RetryPolicy::grpc(POLICY).layer())
//!     .service(channel);
//! // let mut client = GreeterClient::new(service); // a tonic-generated client
//! # let _ = service;
//! # }
//! ```
//!
//! The layer is [`Retry`], a service of this crate's (not tower's `Retry`): it keeps each
//! request as above and marks gRPC retries. `RetryPolicy` is also a
//! [`tower::retry::Policy`], for tower's own middleware with requests that can be cloned.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use pin_project_lite::pin_project;

use crate::attempts::POLLED_AFTER_COMPLETION;
use crate::engine::on_give_up;
use crate::engine::{
    Call, DescribeFailure, Described, Engine, Judgement, NoHook, OnGiveUp, OnRetry, OnSuccess,
};
use crate::http::Resend;
#[cfg(feature = "tonic")]
use crate::http::grpc;
pub use crate::http::replay::{
    ByClone, ByReplay, DEFAULT_REPLAY_LIMIT, Rebox, Replay, ReplayBody, ResendBody,
};
pub use crate::http::{Class, Resendable};
pub use service::{ResponseFuture, Retry, RetryLayer};

mod service;
use crate::limits::{CircuitBreaker, Limits, Owned, Rejected, RetryBudget, Shared, Throttle};
use crate::schedule::Policy;
use crate::time::{AsyncSleep, DefaultSleep, MaybeSleep, Timing, sleep_async};

/// Says which results are retried: any `Fn(&Result<Res, E>) -> bool` (`true`: retry),
/// [`Http`], or with the `tonic` feature [`Grpc`].
pub trait Classify<Req, Res, E> {
    /// The class of `result`, the answer to a request.
    fn classify(&self, result: &Result<Res, E>) -> Class;

    /// Marks `request` as a retry after `previous` attempts, as the protocol says (gRPC's
    /// `grpc-previous-rpc-attempts`); nothing by default.
    fn resend(&self, request: &mut Req, previous: u32) {
        let _ = (request, previous);
    }

    /// How the `tracing` events show `response`, an answer classified as a failure or a
    /// retry, in their `error` field ([`Http`]: its status, `503 Service Unavailable`;
    /// [`Grpc`]: its `grpc-status` by name); nothing (`-`) by default. A failure of the
    /// service (`Err`) is shown by [`RetryPolicy::describe`].
    fn describe<'r>(&self, response: &'r Res) -> Described<'r> {
        let _ = response;
        Described::Nothing
    }
}

impl<Req, Res, E, F: Fn(&Result<Res, E>) -> bool> Classify<Req, Res, E> for F {
    fn classify(&self, result: &Result<Res, E>) -> Class {
        match (self(result), result) {
            (true, _) => Class::Retry(None),
            (false, Ok(_)) => Class::Success,
            (false, Err(_)) => Class::Fail,
        }
    }
}

/// The HTTP classifier: an `Err` (no response: refused, reset, timed out), a 5xx or a 429
/// is retried, with `Retry-After` as the hint; other responses are returned. (Which methods
/// are sent again is the door's rule: see [`Resendable`].)
#[derive(Debug, Clone, Copy, Default)]
pub struct Http;

impl<B, Res, E> Classify<http::Request<B>, http::Response<Res>, E> for Http {
    fn classify(&self, result: &Result<http::Response<Res>, E>) -> Class {
        match result {
            Err(_) => Class::Retry(None),
            Ok(response) => crate::http::class(response.status(), response.headers()),
        }
    }

    fn describe<'r>(&self, response: &'r http::Response<Res>) -> Described<'r> {
        Described::Status(response.status().as_u16())
    }
}

/// The gRPC classifier (gRFC A6), of [`RetryPolicy::grpc`]: a transport error (no
/// response) is retried; a trailers-only response (`grpc-status` in its headers) is retried
/// when its code is retryable (`UNAVAILABLE` unless set), with `grpc-retry-pushback-ms` as
/// the server's hint (negative or malformed: not retried), and is returned as a failure
/// otherwise (heard by `on_give_up` as [`StopReason::NotRetryable`](crate::StopReason)); a
/// response with no `grpc-status` is classified by its HTTP status as gRPC maps it (429,
/// 502, 503 and 504 are `UNAVAILABLE`), and a 200 has started: its headers commit the call,
/// which is returned as it is. Each retry carries `grpc-previous-rpc-attempts`.
#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grpc {
    /// Bit `c`: code `c` is retried.
    codes: u32,
}

#[cfg(feature = "tonic")]
impl Default for Grpc {
    /// `UNAVAILABLE` alone is retried.
    fn default() -> Self {
        Grpc {
            codes: 1 << grpc::UNAVAILABLE,
        }
    }
}

#[cfg(feature = "tonic")]
impl Grpc {
    /// Retries the status codes `codes` (and transport errors).
    pub fn with_codes(codes: impl IntoIterator<Item = tonic::Code>) -> Self {
        let codes = codes
            .into_iter()
            .map(|code| {
                1_u32
                    .checked_shl(i32::from(code).unsigned_abs())
                    .unwrap_or(0)
            })
            .fold(0, |set, code| set | code);
        Grpc { codes }
    }
}

#[cfg(feature = "tonic")]
impl<B, Res, E> Classify<http::Request<B>, http::Response<Res>, E> for Grpc {
    fn classify(&self, result: &Result<http::Response<Res>, E>) -> Class {
        match result {
            Err(_) => Class::Retry(None),
            Ok(response) => grpc::class(response.status(), response.headers(), self.codes),
        }
    }

    fn resend(&self, request: &mut http::Request<B>, previous: u32) {
        let previous = http::HeaderValue::from(previous);
        request
            .headers_mut()
            .insert(grpc::PREVIOUS_ATTEMPTS, previous);
    }

    fn describe<'r>(&self, response: &'r http::Response<Res>) -> Described<'r> {
        match grpc::status_name(response.headers()) {
            Some(name) => Described::Display(name),
            None => Described::Status(response.status().as_u16()),
        }
    }
}

/// Clones a request for the next attempt: [`CloneIt`] for `Clone` requests, or any
/// `Fn(&Req) -> Option<Req>` (`None`: the request cannot be sent again).
pub trait CloneRequest<Req> {
    /// A copy of `request` to send again, if it can be sent again.
    fn clone_request(&self, request: &Req) -> Option<Req>;
}

/// Clones requests with `Clone`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CloneIt;

impl<Req: Clone> CloneRequest<Req> for CloneIt {
    fn clone_request(&self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

impl<Req, F: Fn(&Req) -> Option<Req>> CloneRequest<Req> for F {
    fn clone_request(&self, request: &Req) -> Option<Req> {
        self(request)
    }
}

/// How a call keeps its request to send it again: by cloning it (any [`CloneRequest`]), or
/// by its body ([`Bodies`], which replays bodies that cannot be cloned).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot keep a `{Req}` to send it again",
    note = "`Bodies` (of `RetryPolicy::http` and `grpc`) keeps an `http::Request` whose body implements `ReplayBody`: `impl ReplayBody for MyBody {{ type Resend = ByClone; }}` for a `Clone` body of your own",
    note = "`CloneIt` (of `RetryPolicy::new`) keeps a request that is `Clone`"
)]
pub trait Keep<Req> {
    /// What a call keeps of its request.
    type Kept;

    /// The request the first attempt sends, and what is kept of it.
    fn keep(&self, request: Req) -> (Req, Self::Kept);

    /// The next attempt's request, made from what was kept; `None` if it cannot be sent
    /// again (a body that outgrew the replay limit).
    fn again(&self, kept: &Self::Kept) -> Option<Req>;
}

impl<Req, K: CloneRequest<Req>> Keep<Req> for K {
    type Kept = Option<Req>;

    fn keep(&self, request: Req) -> (Req, Option<Req>) {
        let kept = self.clone_request(&request);
        (request, kept)
    }

    fn again(&self, kept: &Option<Req>) -> Option<Req> {
        kept.as_ref()
            .and_then(|request| self.clone_request(request))
    }
}

/// Keeps `http::Request`s by their body, as [`ReplayBody`] says: a `Clone` body is cloned,
/// a boxed one (`BoxBody`, `UnsyncBoxBody`, `tonic::body::Body`) is replayed from what the
/// first attempt sent, up to [`replay_limit`](RetryPolicy::replay_limit) bytes
/// ([`DEFAULT_REPLAY_LIMIT`] unless set). The head (method, URI, headers, extensions) is
/// cloned. The way [`RetryPolicy::http`] and [`RetryPolicy::grpc`] keep requests.
#[derive(Debug, Clone, Copy)]
pub struct Bodies {
    limit: usize,
}

impl Default for Bodies {
    fn default() -> Self {
        Bodies {
            limit: DEFAULT_REPLAY_LIMIT,
        }
    }
}

impl<B: ReplayBody> Keep<http::Request<B>> for Bodies {
    type Kept = (http::request::Parts, <B::Resend as ResendBody<B>>::Kept);

    fn keep(&self, request: http::Request<B>) -> (http::Request<B>, Self::Kept) {
        let (parts, body) = request.into_parts();
        let (first, kept) = B::Resend::keep(body, self.limit);
        (
            http::Request::from_parts(parts.clone(), first),
            (parts, kept),
        )
    }

    fn again(&self, (parts, body): &Self::Kept) -> Option<http::Request<B>> {
        let body = B::Resend::again(body)?;
        Some(http::Request::from_parts(parts.clone(), body))
    }
}

/// A [`Policy`], a classifier and a way to keep requests, for the layer of
/// [`layer`](Self::layer) (and a [`tower::retry::Policy`] for tower's own middleware): see
/// the [module docs](self). Each request gets its own copy, with a fresh call state.
#[derive(Debug)]
pub struct RetryPolicy<
    C,
    K = CloneIt,
    A = NoHook,
    G = NoHook,
    S = DefaultSleep,
    U = NoHook,
    D = NoHook,
> {
    policy: Policy,
    classify: C,
    clone: K,
    limits: Owned,
    on_retry: A,
    on_give_up: G,
    on_success: U,
    /// How the events show a failure of the service (`describe`).
    describe: D,
    sleeper: S,
    /// `retry_all_methods`: every request may be resent.
    all_methods: bool,
    /// The name the events give a call.
    name: &'static str,
    engine: Engine,
}

impl<C> RetryPolicy<C> {
    /// Retries the results `classify` says to retry, under `policy`.
    pub fn new(policy: Policy, classify: C) -> Self {
        RetryPolicy {
            policy,
            classify,
            clone: CloneIt,
            limits: Owned::default(),
            on_retry: NoHook,
            on_give_up: NoHook,
            on_success: NoHook,
            describe: NoHook,
            sleeper: DefaultSleep,
            all_methods: false,
            name: FUNCTION,
            engine: Engine::unstarted(),
        }
    }
}

impl RetryPolicy<Http, Bodies> {
    /// Retries HTTP requests as [`Http`] says, under `policy`, keeping their bodies as
    /// [`Bodies`] does: a body that cannot be cloned (an http-body-util `BoxBody`, say) is
    /// replayed.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use retry_runtime::tower::RetryPolicy;
    ///
    /// let layer = RetryPolicy::http(Policy::new().max_attempts(4)).layer();
    /// # let _ = layer;
    /// ```
    pub fn http(policy: Policy) -> Self {
        RetryPolicy::new(policy, Http).clone_requests(Bodies::default())
    }
}

#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
impl RetryPolicy<Grpc, Bodies> {
    /// Retries gRPC calls as gRFC A6 says, under `policy`: see [`Grpc`]. Every request may
    /// be sent again (gRPC calls are POSTs; the retryable codes are the service's
    /// contract), and its body, a `tonic::body::Body`, is replayed.
    ///
    /// ```
    /// use retry_runtime::Policy;
    /// use retry_runtime::tower::RetryPolicy;
    /// use std::time::Duration;
    ///
    /// const POLICY: Policy = Policy::new().max_attempts(4).base(Duration::from_millis(50));
    /// let layer = RetryPolicy::grpc(POLICY)
    ///     .retryable_codes([tonic::Code::Unavailable, tonic::Code::ResourceExhausted])
    ///     .layer();
    /// // ServiceBuilder::new().layer(layer).service(channel), for a generated client.
    /// # let _ = layer;
    /// ```
    pub fn grpc(policy: Policy) -> Self {
        let mut grpc = RetryPolicy::new(policy, Grpc::default()).clone_requests(Bodies::default());
        grpc.all_methods = true;
        grpc
    }
}

#[cfg(feature = "tonic")]
#[cfg_attr(docsrs, doc(cfg(feature = "tonic")))]
impl<K, A, G, S, U, D> RetryPolicy<Grpc, K, A, G, S, U, D> {
    /// The status codes that are retried, instead of `UNAVAILABLE` alone.
    pub fn retryable_codes(mut self, codes: impl IntoIterator<Item = tonic::Code>) -> Self {
        self.classify = Grpc::with_codes(codes);
        self
    }
}

impl<C, A, G, S, U, D> RetryPolicy<C, Bodies, A, G, S, U, D> {
    /// The most a call keeps of a body it replays, in bytes ([`DEFAULT_REPLAY_LIMIT`],
    /// 1 MiB, unless set): a body that outgrows it commits the call, which is then not
    /// retried.
    pub fn replay_limit(mut self, bytes: usize) -> Self {
        self.clone = Bodies { limit: bytes };
        self
    }
}

impl<C, K, A, G, S, U, D> RetryPolicy<C, K, A, G, S, U, D> {
    /// The name the `tracing` events give each call, where the attribute gives the fn's
    /// (`tower::Retry` unless set).
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Sends every request again, POST and PATCH included, whatever [`Resendable`] says:
    /// only for services whose non-idempotent requests are safe to repeat (they carry an
    /// idempotency key, say).
    pub fn retry_all_methods(mut self) -> Self {
        self.all_methods = true;
        self
    }

    /// The [`RetryBudget`] the retries draw on, instead of the policy's: a `static`, or one
    /// made at run time in an `Arc` (one per host, say), which every request's copy of the
    /// policy shares.
    ///
    /// ```
    /// use retry_runtime::{Policy, RetryBudget};
    /// use retry_runtime::tower::RetryPolicy;
    /// use std::sync::Arc;
    ///
    /// static GLOBAL: RetryBudget = RetryBudget::new(100, 0.1);
    /// let global = RetryPolicy::http(Policy::new()).budget(&GLOBAL);
    /// let per_host = RetryPolicy::http(Policy::new()).budget(Arc::new(RetryBudget::new(10, 0.1)));
    /// # let _ = (global.layer(), per_host.layer());
    /// ```
    pub fn budget(mut self, budget: impl Into<Shared<RetryBudget>>) -> Self {
        self.limits.budget = Some(budget.into());
        self
    }

    /// The [`CircuitBreaker`] that counts every attempt (the first of each request
    /// included) and refuses retries while it is open: a `static`, or one made at run time
    /// in an `Arc` (one per host, say). See "Protecting an overloaded service" in the crate
    /// docs.
    ///
    /// tower's retry middleware sends each request's first attempt itself, before the
    /// policy is asked anything: with [`layer`](Self::layer) an open breaker stops retries
    /// (a request whose retry it refused returns its last failure), and with
    /// [`guarded_layer`](Self::guarded_layer) it also refuses first attempts.
    ///
    /// ```
    /// use retry_runtime::{CircuitBreaker, Policy, Throttle};
    /// use retry_runtime::tower::RetryPolicy;
    /// use std::sync::Arc;
    ///
    /// static BREAKER: CircuitBreaker = CircuitBreaker::new();
    /// let layer = RetryPolicy::http(Policy::new())
    ///     .breaker(&BREAKER)
    ///     .throttle(Arc::new(Throttle::new(2.0)))
    ///     .layer();
    /// # let _ = layer;
    /// ```
    pub fn breaker(mut self, breaker: impl Into<Shared<CircuitBreaker>>) -> Self {
        self.limits.breaker = Some(breaker.into());
        self
    }

    /// The client-side adaptive [`Throttle`] that counts every attempt and sheds retries
    /// when the service accepts too few, and first attempts too with
    /// [`guarded_layer`](Self::guarded_layer) (see [`breaker`](Self::breaker)).
    pub fn throttle(mut self, throttle: impl Into<Shared<Throttle>>) -> Self {
        self.limits.throttle = Some(throttle.into());
        self
    }

    /// How a request is kept for the next attempt: any [`Keep`], such as [`CloneIt`] (whole
    /// requests cloned), [`Bodies`] (`http::Request`s by their body, replayed when it cannot
    /// be cloned), or a `Fn(&Req) -> Option<Req>` (`None`: it is sent once).
    pub fn clone_requests<K2>(self, clone: K2) -> RetryPolicy<C, K2, A, G, S, U, D> {
        replace!(RetryPolicy, self, clone: clone; policy, classify, limits, on_retry, on_give_up, sleeper, all_methods, name, on_success, engine, describe)
    }

    /// Called before each sleep, as `on_retry`; the outcome is the `Result` of the attempt.
    pub fn on_retry<A2>(self, hook: A2) -> RetryPolicy<C, K, A2, G, S, U, D> {
        replace!(RetryPolicy, self, on_retry: hook; policy, classify, clone, limits, on_give_up, sleeper, all_methods, name, on_success, engine, describe)
    }

    /// Called once when a request's retries give up, as `on_give_up`.
    pub fn on_give_up<G2>(self, hook: G2) -> RetryPolicy<C, K, A, G2, S, U, D> {
        replace!(RetryPolicy, self, on_give_up: hook; policy, classify, clone, limits, on_retry, sleeper, all_methods, name, on_success, engine, describe)
    }

    /// Called once when a request's call returns a success, as `on_success`.
    pub fn on_success<U2>(self, hook: U2) -> RetryPolicy<C, K, A, G, S, U2, D> {
        replace!(RetryPolicy, self, on_success: hook; policy, classify, clone, limits, on_retry, on_give_up, sleeper, all_methods, name, engine, describe)
    }

    /// How the `tracing` events show a failure of the service (an `Err`, no response):
    /// [`Described::display`], [`Described::debug`], or a fn of your own
    /// (`for<'x> fn(&'x E) -> Described<'x>`: a closure cannot say that its result borrows
    /// its argument here, where the error type is not known yet); `-` without it. (A
    /// response is shown by the classifier: see [`Classify::describe`].)
    ///
    /// ```
    /// use retry_runtime::{Described, Policy};
    /// use retry_runtime::tower::RetryPolicy;
    /// use std::time::Duration;
    /// use tower::{BoxError, Service, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let policy = Policy::new().max_attempts(2).base(Duration::from_millis(10));
    /// let layer = RetryPolicy::http(policy)
    ///     .name("inventory")
    ///     .describe(Described::display) // retrying ... error=connection refused
    ///     .layer();
    /// let mut client = ServiceBuilder::new().layer(layer).service(tower::service_fn(
    ///     |_: http::Request<String>| async {
    ///         Err::<http::Response<String>, BoxError>("connection refused".into())
    ///     },
    /// ));
    /// let request = http::Request::new(String::new());
    /// let answer = client.ready().await.unwrap().call(request).await;
    /// assert_eq!(answer.unwrap_err().to_string(), "connection refused");
    /// # }
    /// ```
    pub fn describe<D2>(self, describe: D2) -> RetryPolicy<C, K, A, G, S, U, D2> {
        replace!(RetryPolicy, self, describe: describe; policy, classify, clone, limits, on_retry, on_give_up, sleeper, all_methods, name, on_success, engine)
    }

    /// The async sleep of another runtime (see [`AsyncSleep`]).
    pub fn sleep<S2: AsyncSleep>(self, sleeper: S2) -> RetryPolicy<C, K, A, G, S2, U, D> {
        replace!(RetryPolicy, self, sleeper: sleeper; policy, classify, clone, limits, on_retry, on_give_up, all_methods, name, on_success, engine, describe)
    }

    /// The layer for `ServiceBuilder::layer`: [`Retry`] around the service.
    pub fn layer(self) -> RetryLayer<Self> {
        RetryLayer::new(self)
    }

    /// The layer for `ServiceBuilder::layer` that also asks the [`breaker`](Self::breaker)
    /// and the [`throttle`](Self::throttle) before each request's first attempt, which
    /// tower's retry middleware sends without asking the policy: a request they refuse is
    /// not sent, and its answer is `Err(E::from(Rejected))`, with `on_give_up` told
    /// [`StopReason::CircuitOpen`](crate::StopReason) or `Throttled` after 0 attempts. The
    /// service's error type needs `From<Rejected>` (`tower::BoxError` has it).
    ///
    /// ```
    /// use retry_runtime::{CircuitBreaker, Policy, Rejected};
    /// use retry_runtime::tower::RetryPolicy;
    /// use std::time::Duration;
    /// use tower::{BoxError, Service, ServiceBuilder, ServiceExt};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(2);
    /// let policy = Policy::new().max_attempts(2).base(Duration::from_millis(10));
    /// let down = tower::service_fn(|_: u32| async { Err::<u32, BoxError>("down".into()) });
    /// let mut client = ServiceBuilder::new()
    ///     .layer(RetryPolicy::new(policy, |r: &Result<u32, BoxError>| r.is_err()).breaker(&BREAKER).guarded_layer())
    ///     .service(down);
    /// let first = client.ready().await.unwrap().call(1).await; // 2 failures: it opens
    /// assert_eq!(first.unwrap_err().to_string(), "down");
    /// let refused = client.ready().await.unwrap().call(2).await; // not sent
    /// assert!(refused.unwrap_err().is::<Rejected>());
    /// # }
    /// ```
    pub fn guarded_layer(self) -> AdmitLayer<Self> {
        AdmitLayer { policy: self }
    }

    /// Asks the limits to let a request's first attempt be made; the failure it answers
    /// with if they refuse, after the hooks and the events heard of it.
    fn refuse_first<Res, E>(&self) -> Option<E>
    where
        E: From<Rejected>,
        G: OnGiveUp<Result<Res, E>>,
    {
        let guards = self.limits.guards();
        let limits = Limits {
            budget: None,
            guards: guards.get(),
        };
        // Counted now only if refused: an attempt that is made is counted by `retry`.
        let rejected = limits.admit_uncounted().err()?;
        let reason = rejected.reason();
        let mut engine = Engine::unstarted();
        engine.refuse(reason);
        let outcome: Result<Res, E> = Err(E::from(rejected));
        let call = Call::new(&mut engine, &self.policy, limits, self.name);
        call.give_up(reason, Described::Nothing);
        on_give_up(call.engine, &self.on_give_up, reason, &outcome);
        outcome.err()
    }
}

/// The layer of [`RetryPolicy::guarded_layer`]: tower's retry middleware, behind an
/// [`Admit`] that asks the policy's breaker and throttle before each request's first
/// attempt.
#[derive(Debug, Clone)]
pub struct AdmitLayer<P> {
    policy: P,
}

impl<Svc, C: Clone, K: Clone, A: Clone, G: Clone, S: Clone, U: Clone, D: Clone> ::tower::Layer<Svc>
    for AdmitLayer<RetryPolicy<C, K, A, G, S, U, D>>
{
    type Service =
        Admit<RetryPolicy<C, K, A, G, S, U, D>, Retry<RetryPolicy<C, K, A, G, S, U, D>, Svc>>;

    fn layer(&self, service: Svc) -> Self::Service {
        Admit {
            policy: self.policy.clone(),
            inner: Retry::new(self.policy.clone(), service),
        }
    }
}

/// The service of [`AdmitLayer`]: a request the policy's breaker or throttle refuses is not
/// passed on, and is answered `Err(E::from(Rejected))`.
#[derive(Debug, Clone)]
pub struct Admit<P, Svc> {
    policy: P,
    inner: Svc,
}

impl<Req, Svc, C, K, A, G, S, U, D> ::tower::Service<Req>
    for Admit<RetryPolicy<C, K, A, G, S, U, D>, Svc>
where
    Svc: ::tower::Service<Req>,
    Svc::Error: From<Rejected>,
    G: OnGiveUp<Result<Svc::Response, Svc::Error>>,
{
    type Response = Svc::Response;
    type Error = Svc::Error;
    type Future = AdmitFuture<Svc::Future, Svc::Error>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        match self.policy.refuse_first::<Svc::Response, Svc::Error>() {
            None => AdmitFuture {
                state: AdmitState::Admitted {
                    future: self.inner.call(request),
                },
            },
            Some(error) => AdmitFuture {
                state: AdmitState::Refused { error: Some(error) },
            },
        }
    }
}

pin_project! {
    /// The future of [`Admit`]: the request's, or its refusal.
    #[must_use = "futures do nothing unless polled"]
    #[derive(Debug)]
    pub struct AdmitFuture<F, E> {
        #[pin]
        state: AdmitState<F, E>,
    }
}

pin_project! {
    #[project = AdmitProj]
    #[derive(Debug)]
    enum AdmitState<F, E> {
        // The request was passed on.
        Admitted { #[pin] future: F },
        // The limits refused it: the failure, until it is returned.
        Refused { error: Option<E> },
    }
}

impl<F, T, E> Future for AdmitFuture<F, E>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            AdmitProj::Admitted { future } => future.poll(cx),
            AdmitProj::Refused { error } => match error.take() {
                Some(error) => Poll::Ready(Err(error)),
                None => panic!("{POLLED_AFTER_COMPLETION}"),
            },
        }
    }
}

/// Each request's copy starts a call of its own: fresh attempts, a fresh clock.
impl<C: Clone, K: Clone, A: Clone, G: Clone, S: Clone, U: Clone, D: Clone> Clone
    for RetryPolicy<C, K, A, G, S, U, D>
{
    fn clone(&self) -> Self {
        RetryPolicy {
            policy: self.policy,
            classify: self.classify.clone(),
            clone: self.clone.clone(),
            limits: self.limits.clone(),
            on_retry: self.on_retry.clone(),
            on_give_up: self.on_give_up.clone(),
            on_success: self.on_success.clone(),
            describe: self.describe.clone(),
            sleeper: self.sleeper.clone(),
            all_methods: self.all_methods,
            name: self.name,
            engine: Engine::new(&self.policy, true, Timing::Async),
        }
    }
}

/// The name the events give this front door.
const FUNCTION: &str = "tower::Retry";

impl<C, K, A, G, S: AsyncSleep, U, D> RetryPolicy<C, K, A, G, S, U, D> {
    /// Judges `result`, classified as `class`, one request's answer (`resend`: it can be
    /// sent again): the sleep before the next attempt, or `None` to return it.
    fn judge<Req, Res, E>(
        &mut self,
        result: &Result<Res, E>,
        class: Class,
        resend: bool,
    ) -> Option<MaybeSleep<S::Sleep>>
    where
        A: OnRetry<Result<Res, E>>,
        G: OnGiveUp<Result<Res, E>>,
        U: OnSuccess<Result<Res, E>>,
        C: Classify<Req, Res, E>,
        D: DescribeFailure<E>,
    {
        let guards = self.limits.guards();
        let limits = Limits {
            budget: self.limits.budget.as_deref(),
            guards: guards.get(),
        };
        // tower sent the request's first attempt without asking: the throttle counts it now.
        // (Each request's copy of the policy judges once on a success, so `fresh` is the
        // first answer.)
        if self.engine.fresh() {
            limits.made_unasked();
        }
        let call = Call::new(&mut self.engine, &self.policy, limits, self.name);
        let hooks = (&self.on_retry, &self.on_give_up, &self.on_success);
        let error = match result {
            Ok(response) => self.classify.describe(response),
            Err(error) => self.describe.describe(error),
        };
        let judged = Judgement::classified(result, class, resend).described(error);
        let delay = judged.finish(call, hooks);
        delay.map(|delay| sleep_async(delay, &self.sleeper))
    }
}

/// For tower's own `Retry` middleware (`tower::retry::Retry::new(policy, service)`), with a
/// [`CloneRequest`]; [`RetryPolicy::layer`] also replays bodies.
impl<Req, Res, E, C, K, A, G, S, U, D> ::tower::retry::Policy<Req, Res, E>
    for RetryPolicy<C, K, A, G, S, U, D>
where
    Req: Resendable,
    C: Classify<Req, Res, E>,
    K: CloneRequest<Req>,
    A: OnRetry<Result<Res, E>>,
    G: OnGiveUp<Result<Res, E>>,
    U: OnSuccess<Result<Res, E>>,
    D: DescribeFailure<E>,
    S: AsyncSleep,
{
    type Future = MaybeSleep<S::Sleep>;

    fn retry(&mut self, request: &mut Req, result: &mut Result<Res, E>) -> Option<Self::Future> {
        let class = self.classify.classify(result);
        // tower holds a copy of every request it calls `retry` for.
        let resend = Resend::of(request, self.all_methods, self.policy.max_attempts).allows(true);
        self.judge::<Req, _, _>(&*result, class, resend)
    }

    /// Cloned even when it may not be resent: tower calls `retry` only for a request it
    /// holds a copy of, and `retry` is where the hooks and events hear of the answer.
    fn clone_request(&mut self, request: &Req) -> Option<Req> {
        self.clone.clone_request(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GiveUp;
    use ::tower::retry::Policy as _;
    use std::time::Duration;

    fn response(status: u16, retry_after: Option<&str>) -> http::Response<()> {
        let mut response = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            response = response.header(http::header::RETRY_AFTER, value);
        }
        response.body(()).expect("a response")
    }

    #[test]
    fn the_classifiers_show_a_response_by_its_status() {
        let shown = |classify: &dyn Fn(&http::Response<()>) -> String, status, grpc| {
            let mut response = response(status, None);
            if let Some(code) = grpc {
                response
                    .headers_mut()
                    .insert("grpc-status", http::HeaderValue::from_static(code));
            }
            classify(&response)
        };
        let http = |r: &http::Response<()>| {
            Classify::<http::Request<()>, _, ()>::describe(&Http, r).to_string()
        };
        assert_eq!(shown(&http, 503, None), "503 Service Unavailable");
        #[cfg(feature = "tonic")]
        {
            let grpc = |r: &http::Response<()>| {
                Classify::<http::Request<()>, _, ()>::describe(&Grpc::default(), r).to_string()
            };
            assert_eq!(shown(&grpc, 200, Some("14")), "UNAVAILABLE");
            assert_eq!(shown(&grpc, 503, None), "503 Service Unavailable");
        }
        let closure = |r: &Result<http::Response<()>, ()>| r.is_err();
        let response = response(503, None);
        let shown = Classify::<http::Request<()>, _, ()>::describe(&closure, &response);
        assert_eq!(shown.to_string(), "-");
    }

    fn request(method: &str) -> http::Request<()> {
        http::Request::builder()
            .method(method)
            .body(())
            .expect("a request")
    }

    type Answer = Result<http::Response<()>, &'static str>;

    #[test]
    fn http_retries_errors_5xx_and_429_with_retry_after() {
        let classify =
            |answer: Answer| Classify::<http::Request<()>, _, _>::classify(&Http, &answer);
        assert_eq!(
            classify(Ok(response(503, Some("3")))),
            Class::Retry(Some(Duration::from_secs(3)))
        );
        assert_eq!(classify(Ok(response(429, None))), Class::Retry(None));
        assert_eq!(
            classify(Ok(response(500, Some("soon")))),
            Class::Retry(None)
        );
        assert_eq!(classify(Ok(response(404, None))), Class::Success);
        assert_eq!(classify(Ok(response(200, None))), Class::Success);
        assert_eq!(classify(Err("connection refused")), Class::Retry(None));
    }

    #[test]
    fn only_idempotent_methods_are_resendable() {
        for method in ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"] {
            assert!(request(method).resendable(), "{method}");
        }
        for method in ["POST", "PATCH", "CONNECT"] {
            assert!(!request(method).resendable(), "{method}");
        }
        assert!(3_u32.resendable());
    }

    /// Sends `request` through one call of `policy` as tower would: `clone_request`
    /// first, then `retry` after each answer until it says no; returns the attempts made.
    fn attempts<C, G>(policy: &RetryPolicy<C, CloneIt, NoHook, G>, method: &str) -> u32
    where
        C: Classify<http::Request<()>, http::Response<()>, &'static str> + Clone,
        G: OnGiveUp<Answer> + Clone,
    {
        let mut call = policy.clone().sleep(no_sleep);
        let mut request = request(method);
        let mut made = 0;
        loop {
            made += 1;
            let held = ::tower::retry::Policy::<_, http::Response<()>, &str>::clone_request(
                &mut call, &request,
            );
            assert!(
                held.is_some(),
                "tower holds a copy, so `retry` hears the answer"
            );
            let mut answer: Answer = Ok(response(503, None));
            if call.retry(&mut request, &mut answer).is_none() {
                return made;
            }
        }
    }

    #[test]
    fn a_request_that_is_not_idempotent_is_sent_once_whatever_the_classifier() {
        use std::sync::atomic::{AtomicU32, Ordering};
        static GIVEN_UP: AtomicU32 = AtomicU32::new(0);
        let heard = |give_up: &crate::GiveUp<'_, Answer>| {
            if give_up.reason == crate::StopReason::NotRetryable {
                assert_eq!(give_up.attempts, 1);
                GIVEN_UP.fetch_add(1, Ordering::Relaxed);
            }
        };
        let policy = Policy::new().max_attempts(3);
        let by_closure = |answer: &Answer| {
            answer
                .as_ref()
                .map_or(true, |response| response.status().is_server_error())
        };
        let closure = RetryPolicy::new(policy, by_closure).on_give_up(heard);
        let http = RetryPolicy::http(policy)
            .clone_requests(CloneIt)
            .on_give_up(heard);
        assert_eq!(attempts(&closure, "POST"), 1);
        assert_eq!(attempts(&http, "PATCH"), 1);
        assert_eq!(GIVEN_UP.load(Ordering::Relaxed), 2, "on_give_up heard both");
        // The other calls give up on their attempts, not as not retryable.
        assert_eq!(attempts(&closure, "GET"), 3);
        assert_eq!(attempts(&http.clone().retry_all_methods(), "POST"), 3);
        let all = RetryPolicy::new(policy, by_closure).retry_all_methods();
        assert_eq!(attempts(&all, "POST"), 3);
        assert_eq!(GIVEN_UP.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn a_closure_classifies_retry_success_and_failure() {
        let retry_odd = |answer: &Result<u32, u32>| matches!(answer, Err(n) if n % 2 == 1);
        let classify = |answer| Classify::<(), _, _>::classify(&retry_odd, &answer);
        assert_eq!(classify(Err(3)), Class::Retry(None));
        assert_eq!(classify(Err(2)), Class::Fail);
        assert_eq!(classify(Ok(2)), Class::Success);
    }

    fn no_sleep(_: Duration) -> std::future::Ready<()> {
        std::future::ready(())
    }

    fn resend<S: AsyncSleep>(
        call: &mut RetryPolicy<Http, CloneIt, NoHook, NoHook, S>,
        request: &http::Request<()>,
    ) -> Option<http::Request<()>> {
        ::tower::retry::Policy::<_, http::Response<()>, &str>::clone_request(call, request)
    }

    #[test]
    fn each_request_gets_its_own_call_and_the_schedule() {
        let policy = Policy::new().max_attempts(3);
        let shared = RetryPolicy::http(policy)
            .clone_requests(CloneIt)
            .sleep(no_sleep);
        let mut call = shared.clone();
        let mut get = request("GET");
        let mut answer: Answer = Ok(response(503, None));
        assert!(resend(&mut call, &get).is_some());
        assert!(call.retry(&mut get, &mut answer).is_some());
        assert!(call.retry(&mut get, &mut answer).is_some());
        assert!(
            call.retry(&mut get, &mut answer).is_none(),
            "3 attempts in all"
        );
        // A new request starts over.
        let mut next = shared.clone();
        assert!(next.retry(&mut get, &mut answer).is_some());
        // A POST is cloned too (so that `retry` hears its answer), but not resent.
        assert!(resend(&mut next, &request("POST")).is_some());
        assert!(next.retry(&mut request("POST"), &mut answer).is_none());
    }

    #[test]
    fn retry_after_neither_parks_the_client_nor_skips_the_backoff() {
        let policy = Policy::new()
            .max_attempts(4)
            .base(Duration::from_millis(100));
        let mut call = RetryPolicy::http(policy)
            .clone_requests(CloneIt)
            .sleep(no_sleep)
            .clone();
        let mut get = request("GET");
        let ((), delays) = crate::testing::record(|| {
            for retry_after in ["99999999999", "Tue, 01 Jan 2999 00:00:00 GMT", "0"] {
                let mut answer: Answer = Ok(response(503, Some(retry_after)));
                assert!(call.retry(&mut get, &mut answer).is_some(), "{retry_after}");
            }
        });
        // At most a minute without `max_delay`; `0` sleeps the schedule's 400 ms (retry 2).
        let minute = Duration::from_secs(60);
        assert_eq!(delays, [minute, minute, Duration::from_millis(400)]);
    }

    #[test]
    fn a_budget_made_at_run_time_is_shared_by_every_request() {
        let budget = std::sync::Arc::new(RetryBudget::new(4, 0.001));
        let policy = Policy::new().max_attempts(5);
        let shared = RetryPolicy::http(policy)
            .clone_requests(CloneIt)
            .budget(budget.clone())
            .sleep(no_sleep);
        let (mut first, mut second) = (shared.clone(), shared.clone());
        let mut answer: Answer = Err("refused");
        // 4 tokens: the first request's retry leaves 3; the second's would leave 2.
        assert!(first.retry(&mut request("GET"), &mut answer).is_some());
        assert!(second.retry(&mut request("GET"), &mut answer).is_none());
        assert!((budget.tokens() - 2.0).abs() < 1e-9, "{}", budget.tokens());
        // This one, the layer's policy and the two requests' copies.
        assert_eq!(std::sync::Arc::strong_count(&budget), 4);
    }

    #[test]
    fn the_budget_refuses() {
        static BUDGET: RetryBudget = RetryBudget::new(2, 0.001);
        let policy = Policy::new().max_attempts(5);
        let mut call = RetryPolicy::http(policy)
            .clone_requests(CloneIt)
            .budget(&BUDGET)
            .sleep(no_sleep)
            .clone();
        let mut answer: Answer = Err("refused");
        assert!(call.retry(&mut request("GET"), &mut answer).is_none());
        assert!(BUDGET.tokens() < 2.0);
    }

    #[test]
    fn the_breaker_counts_every_attempt_and_refuses_retries() {
        use crate::{BreakerState, CircuitBreaker, StopReason};
        use std::sync::{Arc, Mutex};

        let breaker = Arc::new(CircuitBreaker::new().minimum_throughput(3));
        let gave_up = Arc::new(Mutex::new(Vec::new()));
        let heard = gave_up.clone();
        let shared = RetryPolicy::http(Policy::new().max_attempts(5))
            .clone_requests(CloneIt)
            .breaker(breaker.clone())
            .on_give_up(move |g: &GiveUp<'_, Answer>| heard.lock().unwrap().push(g.reason))
            .sleep(no_sleep);
        let mut answer: Answer = Ok(response(503, None));
        let (mut call, mut get) = (shared.clone(), request("GET"));
        // The first attempt and the first retry fail: 2 counted, still closed.
        assert!(call.retry(&mut get, &mut answer).is_some());
        assert!(call.retry(&mut get, &mut answer).is_some());
        assert_eq!(breaker.state(), BreakerState::Closed);
        // The third failure opens it, and the retry is refused.
        assert!(call.retry(&mut get, &mut answer).is_none());
        assert_eq!(breaker.state(), BreakerState::Open);
        assert_eq!(*gave_up.lock().unwrap(), [StopReason::CircuitOpen]);
        // The next request's first attempt is tower's own; its retry is refused.
        assert!(shared.clone().retry(&mut get, &mut answer).is_none());
        assert_eq!(Arc::strong_count(&breaker), 3);
    }

    #[test]
    fn the_throttle_counts_requests_and_accepts() {
        use crate::Throttle;

        static THROTTLE: Throttle = Throttle::new(2.0);
        let shared = RetryPolicy::http(Policy::new().max_attempts(1))
            .clone_requests(CloneIt)
            .throttle(&THROTTLE)
            .sleep(no_sleep);
        let mut get = request("GET");
        for _ in 0..3 {
            let mut unavailable: Answer = Ok(response(503, None));
            assert!(shared.clone().retry(&mut get, &mut unavailable).is_none());
        }
        // Three requests tower sent by itself, none accepted: 3 / 4.
        assert!((THROTTLE.probability() - 0.75).abs() < 1e-12);
        // One more, accepted: (4 - 2) / 5.
        let mut ok: Answer = Ok(response(200, None));
        assert!(shared.clone().retry(&mut get, &mut ok).is_none());
        assert!((THROTTLE.probability() - 0.4).abs() < 1e-12);
    }

    #[tokio::test(start_paused = true)]
    async fn the_guarded_layer_refuses_first_attempts_and_tells_the_hooks() {
        use crate::{CircuitBreaker, StopReason, Throttle};
        use ::tower::{Layer, Service, ServiceExt};
        use std::sync::atomic::{AtomicU32, Ordering};
        use std::sync::{Arc, Mutex};

        type Answer = Result<u32, Box<dyn std::error::Error + Send + Sync>>;
        static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1);
        static THROTTLE: Throttle = Throttle::new(2.0);
        let sent = Arc::new(AtomicU32::new(0));
        let counter = sent.clone();
        let down = ::tower::service_fn(move |_: u32| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Answer::Err("down".into()) }
        });
        let gave_up = Arc::new(Mutex::new(Vec::new()));
        let heard = gave_up.clone();
        let layer = RetryPolicy::new(Policy::new().max_attempts(1), |r: &Answer| r.is_err())
            .breaker(&BREAKER)
            .throttle(&THROTTLE)
            .on_give_up(move |g: &GiveUp<'_, Answer>| {
                heard.lock().unwrap().push((g.attempts, g.reason));
            })
            .sleep(no_sleep)
            .guarded_layer();
        let mut client = layer.layer(down);
        let first = client.ready().await.unwrap().call(1).await;
        assert_eq!(first.unwrap_err().to_string(), "down");
        // Sent once and counted once by the throttle: 1 request, no accept.
        assert!((THROTTLE.probability() - 0.5).abs() < 1e-12);
        let refused = client.ready().await.unwrap().call(2).await;
        assert!(refused.unwrap_err().is::<crate::Rejected>());
        assert_eq!(sent.load(Ordering::SeqCst), 1);
        assert_eq!(
            *gave_up.lock().unwrap(),
            [(1, StopReason::Attempts), (0, StopReason::CircuitOpen)]
        );
        // The open breaker refused before the throttle counted anything.
        assert!((THROTTLE.probability() - 0.5).abs() < 1e-12);
    }
}
