//! `#[retry]` with `#[tracing::instrument]`, in either order. The outer attribute wraps the
//! inner one's output: with `#[retry]` outside, one span covers the whole call; with
//! `#[instrument]` outside, each attempt gets a span of its own.
#![cfg(feature = "tokio")]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use retry_runtime::retry;
use tracing::span::{Attributes, Id};
use tracing::{Subscriber, instrument};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Counts the spans opened, by name.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<String>>>);

impl<S: Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        let name = attrs.metadata().name().to_string();
        self.0.lock().expect("the span list").push(name);
    }
}

/// The spans `f` opens.
fn spans(f: impl FnOnce()) -> Vec<String> {
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    tracing::subscriber::with_default(subscriber, f);
    spans.0.lock().expect("the span list").clone()
}

/// Fails its first two calls.
fn flaky(calls: &AtomicU32) -> Result<u32, String> {
    let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
    if n < 3 {
        Err(format!("call {n}"))
    } else {
        Ok(n)
    }
}

#[retry(max = 3, base = "0s")]
#[instrument(skip(calls))]
fn retry_outside(calls: &AtomicU32) -> Result<u32, String> {
    flaky(calls)
}

#[instrument(skip(calls))]
#[retry(max = 3, base = "0s")]
fn instrument_outside(calls: &AtomicU32) -> Result<u32, String> {
    flaky(calls)
}

#[retry(max = 3, base = "0s")]
#[instrument(skip(calls))]
async fn retry_outside_async(calls: &AtomicU32) -> Result<u32, String> {
    flaky(calls)
}

#[instrument(skip(calls))]
#[retry(max = 3, base = "0s")]
async fn instrument_outside_async(calls: &AtomicU32) -> Result<u32, String> {
    flaky(calls)
}

#[test]
fn retry_outside_gives_one_span_per_call() {
    let calls = AtomicU32::new(0);
    let opened = spans(|| assert_eq!(retry_outside(&calls), Ok(3)));
    assert_eq!(opened, ["retry_outside"]);
    let calls = AtomicU32::new(0);
    let opened = spans(|| {
        let outcome = retry_tests::block_on(retry_outside_async(&calls));
        assert_eq!(outcome, Ok(3));
    });
    assert_eq!(opened, ["retry_outside_async"]);
}

#[test]
fn instrument_outside_gives_one_span_per_attempt() {
    let calls = AtomicU32::new(0);
    let opened = spans(|| assert_eq!(instrument_outside(&calls), Ok(3)));
    assert_eq!(opened, ["instrument_outside"; 3]);
    let calls = AtomicU32::new(0);
    let opened = spans(|| {
        let outcome = retry_tests::block_on(instrument_outside_async(&calls));
        assert_eq!(outcome, Ok(3));
    });
    assert_eq!(opened, ["instrument_outside_async"; 3]);
}
