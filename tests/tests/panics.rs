//! A panic in the body, a predicate or a hook is not retried: it propagates unchanged.
#![cfg(feature = "tokio")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};

use retry_runtime::retry;

fn message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("<not a string>")
}

static BODY: AtomicU32 = AtomicU32::new(0);

#[retry(max = 5, base = "0s")]
fn panicking_body() -> Result<(), ()> {
    BODY.fetch_add(1, Ordering::SeqCst);
    panic!("body exploded");
}

#[test]
fn a_panicking_body_is_not_retried_and_propagates_unchanged() {
    let payload = catch_unwind(panicking_body).unwrap_err();
    assert_eq!(message(&*payload), "body exploded");
    assert_eq!(BODY.load(Ordering::SeqCst), 1);
}

static PREDICATE: AtomicU32 = AtomicU32::new(0);

#[retry(max = 5, base = "0s", when = |()| panic!("predicate exploded"))]
fn panicking_predicate() -> Result<(), ()> {
    PREDICATE.fetch_add(1, Ordering::SeqCst);
    Err(())
}

static HOOK: AtomicU32 = AtomicU32::new(0);

#[retry(max = 5, base = "0s", on_retry = |a| panic!("hook exploded at {}", a.number))]
fn panicking_hook() -> Result<(), ()> {
    HOOK.fetch_add(1, Ordering::SeqCst);
    Err(())
}

#[test]
fn a_panicking_predicate_or_hook_propagates_unchanged() {
    let payload = catch_unwind(panicking_predicate).unwrap_err();
    assert_eq!(message(&*payload), "predicate exploded");
    assert_eq!(PREDICATE.load(Ordering::SeqCst), 1);
    let payload = catch_unwind(panicking_hook).unwrap_err();
    assert_eq!(message(&*payload), "hook exploded at 1");
    assert_eq!(HOOK.load(Ordering::SeqCst), 1);
}

static ASYNC_BODY: AtomicU32 = AtomicU32::new(0);

#[retry(max = 5, base = "0s")]
async fn panicking_async_body() -> Result<(), ()> {
    ASYNC_BODY.fetch_add(1, Ordering::SeqCst);
    tokio::task::yield_now().await;
    panic!("async body exploded");
}

#[tokio::test]
async fn a_panicking_async_body_propagates_through_the_task() {
    let error = tokio::spawn(panicking_async_body()).await.unwrap_err();
    assert!(error.is_panic());
    assert_eq!(message(&*error.into_panic()), "async body exploded");
    assert_eq!(ASYNC_BODY.load(Ordering::SeqCst), 1);
}

#[retry(max = 5, base = "1s")]
fn panics_while_recorded() -> Result<(), ()> {
    panic!("recorded body exploded");
}

#[test]
fn a_panic_inside_a_recording_leaves_the_thread_clean() {
    let result = catch_unwind(AssertUnwindSafe(|| {
        retry_runtime::testing::record(panics_while_recorded)
    }));
    assert!(result.is_err());
    // A new recording works and sees only its own sleeps.
    #[retry(max = 3, base = "1s")]
    fn fails() -> Option<()> {
        None
    }
    assert_eq!(retry_runtime::testing::record(fails).1.len(), 2);
}
