//! `#[derive(Retryable)]` and `classify` ("Saying what to retry, once"): each variant's
//! `transient`, `permanent`, `hint = field`, `from` and `when = path`, structs, generics;
//! a `#[retry]` fn whose failure type is `Retryable` and that has neither `when` nor `hint`
//! retrying what the type says (sync, async, hedged), the same through the builders'
//! `.classified()`, and `classify::io` / `classify::source` on a driver's error.
#![cfg(feature = "tokio")]

use std::cell::Cell;
use std::io;
use std::time::Duration;

use retry_runtime::{Policy, Retryable, StopReason, classify, retry, testing};

const MS: Duration = Duration::from_millis(1);

#[derive(Debug, PartialEq, Eq, Retryable)]
enum Inner {
    #[retry(transient)]
    Reset,
    #[retry(permanent)]
    Corrupt,
}

#[derive(Debug, Retryable)]
enum ApiError {
    #[retry(transient, hint = retry_after)]
    Throttled { retry_after: Duration },
    #[retry(transient, hint = 1)]
    Busy(u16, Option<Duration>),
    #[retry(transient)]
    Unavailable,
    #[retry(permanent)]
    NotFound { id: u32 },
    #[retry(from)]
    Inner(Inner),
    #[retry(when = classify::io)]
    Io(io::Error),
    #[retry(when = |status: &u16| *status >= 500)]
    Status { code: u16 },
}

#[test]
fn each_variant_says_what_it_is() {
    let throttled = ApiError::Throttled {
        retry_after: MS * 7,
    };
    assert!(throttled.retryable());
    assert_eq!(throttled.hint(), Some(MS * 7));
    assert_eq!(ApiError::Busy(503, Some(MS * 3)).hint(), Some(MS * 3));
    let busy = ApiError::Busy(503, None);
    assert!(matches!(busy, ApiError::Busy(503, _)));
    assert_eq!(busy.hint(), None);
    assert!(ApiError::Unavailable.retryable());
    assert_eq!(ApiError::Unavailable.hint(), None);
    assert!(!ApiError::NotFound { id: 1 }.retryable());
    assert!(ApiError::Inner(Inner::Reset).retryable());
    assert!(!ApiError::Inner(Inner::Corrupt).retryable());
    assert!(ApiError::Io(io::Error::from(io::ErrorKind::ConnectionRefused)).retryable());
    assert!(!ApiError::Io(io::Error::from(io::ErrorKind::PermissionDenied)).retryable());
    assert!(ApiError::Status { code: 503 }.retryable());
    assert!(!ApiError::Status { code: 404 }.retryable());
}

/// A struct classifies itself; a newtype can defer to its field.
#[derive(Debug, Retryable)]
#[retry(transient, hint = after)]
struct Overloaded {
    after: Option<Duration>,
}

#[derive(Debug, Retryable)]
#[retry(from)]
struct Wrapped(Inner);

#[derive(Debug, Retryable)]
#[retry(when = classify::io)]
struct Driver {
    cause: io::Error,
}

#[derive(Debug, Retryable)]
#[retry(permanent)]
struct Fatal;

#[test]
fn structs_are_classified_as_a_whole() {
    assert_eq!(Overloaded { after: Some(MS) }.hint(), Some(MS));
    assert!(Overloaded { after: None }.retryable());
    assert!(Wrapped(Inner::Reset).retryable());
    assert!(!Wrapped(Inner::Corrupt).retryable());
    assert!(
        Driver {
            cause: io::Error::from(io::ErrorKind::TimedOut)
        }
        .retryable()
    );
    assert!(!Fatal.retryable());
}

/// A generic `from` field: the derive requires it to be `Retryable`.
#[derive(Debug, Retryable)]
enum Layered<E> {
    #[retry(from)]
    Below(E),
    #[retry(permanent)]
    Config,
}

#[test]
fn generic_fields_are_classified_by_their_type() {
    assert!(Layered::Below(Inner::Reset).retryable());
    assert!(!Layered::<Inner>::Config.retryable());
    assert!(!Layered::Below(Fatal).retryable());
}

/// An enum with no variant has nothing to classify.
#[derive(Debug, Retryable)]
enum Never {}

#[test]
fn an_empty_enum_derives_too() {
    fn is_retryable<T: Retryable>() {}
    is_retryable::<Never>();
}

thread_local! {
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// Fails with `errors[n]` on call `n` (0-based), then succeeds.
fn call(errors: &[fn() -> ApiError]) -> Result<u32, ApiError> {
    let n = CALLS.get();
    CALLS.set(n + 1);
    match errors.get(n as usize) {
        Some(error) => Err(error()),
        None => Ok(n + 1),
    }
}

fn calls() -> u32 {
    CALLS.replace(0)
}

const THROTTLED_THEN_NOT_FOUND: &[fn() -> ApiError] = &[
    || ApiError::Throttled {
        retry_after: MS * 40,
    },
    || ApiError::Unavailable,
    || ApiError::NotFound { id: 7 },
];

#[retry(max = 5, base = "10ms")]
fn classified_sync() -> Result<u32, ApiError> {
    call(THROTTLED_THEN_NOT_FOUND)
}

#[retry(max = 5, base = "10ms")]
async fn classified_async() -> Result<u32, ApiError> {
    call(THROTTLED_THEN_NOT_FOUND)
}

#[test]
fn a_fn_without_when_or_hint_retries_what_the_type_says() {
    let (result, delays) = testing::record(classified_sync);
    assert!(matches!(result, Err(ApiError::NotFound { id: 7 })));
    // The hint lengthens the first delay; the permanent failure ends the call.
    assert_eq!(delays, [MS * 40, MS * 20]);
    assert_eq!(calls(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_async_fn_does_the_same() {
    let (result, delays) = testing::record_async(classified_async()).await;
    assert!(matches!(result, Err(ApiError::NotFound { id: 7 })));
    assert_eq!(delays, [MS * 40, MS * 20]);
    assert_eq!(calls(), 3);
}

#[retry(max = 5, base = "10ms", when = |_| true)]
fn when_overrules() -> Result<u32, ApiError> {
    call(THROTTLED_THEN_NOT_FOUND)
}

#[test]
fn a_when_key_decides_alone() {
    // `when` accepts every failure, and without `hint` no hint is read.
    let (result, delays) = testing::record(when_overrules);
    assert_eq!(result.ok(), Some(4));
    assert_eq!(delays, [MS * 10, MS * 20, MS * 40]);
    assert_eq!(calls(), 4);
}

#[test]
fn the_builders_classify_with_classified() {
    let policy = Policy::new().max_attempts(5).base(MS * 10);
    let (result, delays) = testing::record(|| {
        policy
            .retry(|| call(THROTTLED_THEN_NOT_FOUND))
            .classified()
            .on_give_up(|g| assert_eq!(g.reason, StopReason::NotRetryable))
            .call()
    });
    assert!(matches!(result, Err(ApiError::NotFound { id: 7 })));
    assert_eq!(delays, [MS * 40, MS * 20]);
    assert_eq!(calls(), 3);
    // Without `.classified()` a builder retries every failure.
    let (_, delays) = testing::record(|| policy.retry(|| call(THROTTLED_THEN_NOT_FOUND)).call());
    assert_eq!(delays, [MS * 10, MS * 20, MS * 40]);
    assert_eq!(calls(), 4);
}

#[tokio::test(start_paused = true)]
async fn the_async_builder_classifies_too() {
    let policy = Policy::new().max_attempts(5).base(MS * 10);
    let (result, delays) = testing::record_async(
        policy
            .retry_async(|| async { call(THROTTLED_THEN_NOT_FOUND) })
            .classified(),
    )
    .await;
    assert!(matches!(result, Err(ApiError::NotFound { id: 7 })));
    assert_eq!(delays, [MS * 40, MS * 20]);
    assert_eq!(calls(), 3);
}

#[retry(max = 3, hedge = "100ms")]
async fn hedged() -> Result<u32, ApiError> {
    call(&[|| ApiError::NotFound { id: 1 }])
}

#[tokio::test(start_paused = true)]
async fn a_hedged_fn_returns_a_permanent_failure_at_once() {
    assert!(matches!(hedged().await, Err(ApiError::NotFound { id: 1 })));
    assert_eq!(calls(), 1);
}

/// A driver's error around an io error.
#[derive(Debug)]
struct QueryError(io::Error);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("query failed")
    }
}

impl std::error::Error for QueryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

thread_local! {
    static QUERIES: Cell<u32> = const { Cell::new(0) };
}

#[retry(max = 4, base = "0s", when = |e| classify::source::<io::Error>(e).is_some_and(classify::io))]
fn query(kind: io::ErrorKind) -> Result<(), QueryError> {
    QUERIES.set(QUERIES.get() + 1);
    Err(QueryError(io::Error::from(kind)))
}

#[test]
fn classify_finds_the_io_cause_in_the_chain() {
    let _ = query(io::ErrorKind::ConnectionReset);
    assert_eq!(QUERIES.replace(0), 4);
    let _ = query(io::ErrorKind::NotFound);
    assert_eq!(QUERIES.replace(0), 1);
}

mod reexported {
    pub(crate) use retry_runtime as rt;
}

#[derive(Debug, Retryable)]
#[retry(crate = reexported::rt)]
enum ThroughAReexport {
    #[retry(transient)]
    Again,
}

#[test]
fn the_crate_key_names_a_reexport() {
    assert!(ThroughAReexport::Again.retryable());
}
