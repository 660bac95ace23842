//! The `metrics` feature ("Inside a call"): `retry_attempts_total`, `retry_calls_total`
//! (`result`, and `reason` for `gave_up`) and `retry_attempts_per_call`, each labelled with
//! `function`, recorded by `metrics-util`'s debugging recorder, through the attribute (sync,
//! async, hedged, refused by a breaker) and the builders (named and not).
#![cfg(all(feature = "metrics", feature = "tokio"))]

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use retry_runtime::{CircuitBreaker, Policy, Rejected, retry};

thread_local! {
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// Fails until call `succeed_on`.
fn op(succeed_on: u32) -> Result<u32, Error> {
    let n = CALLS.get() + 1;
    CALLS.set(n);
    if n >= succeed_on {
        Ok(n)
    } else {
        Err(Error::Down)
    }
}

#[derive(Debug, PartialEq)]
enum Error {
    Down,
    Refused,
}

impl From<Rejected> for Error {
    fn from(_: Rejected) -> Self {
        Error::Refused
    }
}

/// Every series `f` recorded: name and labels (`k=v`, sorted), and the counter's value or
/// the histogram's samples.
fn recorded(f: impl FnOnce()) -> BTreeMap<String, Vec<f64>> {
    CALLS.set(0);
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, f);
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let key = key.key();
            let mut labels: Vec<String> = key
                .labels()
                .map(|label| format!("{}={}", label.key(), label.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            let values = match value {
                DebugValue::Counter(n) => vec![f64::from(u32::try_from(n).unwrap())],
                DebugValue::Histogram(samples) => samples.iter().map(|s| s.into_inner()).collect(),
                DebugValue::Gauge(g) => vec![g.into_inner()],
            };
            (name, values)
        })
        .collect()
}

fn series(pairs: &[(&str, &[f64])]) -> BTreeMap<String, Vec<f64>> {
    pairs
        .iter()
        .map(|(name, values)| ((*name).to_owned(), values.to_vec()))
        .collect()
}

#[retry(max = 3, base = "0s")]
fn fetch(succeed_on: u32) -> Result<u32, Error> {
    op(succeed_on)
}

#[test]
fn a_call_that_succeeds_after_a_retry() {
    let got = recorded(|| assert_eq!(fetch(2), Ok(2)));
    assert_eq!(
        got,
        series(&[
            ("retry_attempts_per_call{function=fetch}", &[2.0]),
            ("retry_attempts_total{function=fetch}", &[2.0]),
            (
                "retry_calls_total{function=fetch,result=success_after_retry}",
                &[1.0]
            ),
        ])
    );
}

#[test]
fn calls_that_succeed_at_once_and_that_give_up() {
    let got = recorded(|| {
        assert_eq!(fetch(1), Ok(1));
        CALLS.set(0);
        assert_eq!(fetch(9), Err(Error::Down));
    });
    assert_eq!(
        got,
        series(&[
            ("retry_attempts_per_call{function=fetch}", &[1.0, 3.0]),
            ("retry_attempts_total{function=fetch}", &[4.0]),
            (
                "retry_calls_total{function=fetch,reason=attempts,result=gave_up}",
                &[1.0]
            ),
            ("retry_calls_total{function=fetch,result=success}", &[1.0]),
        ])
    );
}

#[test]
fn the_builders_record_under_their_name() {
    let policy = Policy::new().max_attempts(3).base(Duration::ZERO);
    let got = recorded(|| {
        assert_eq!(policy.retry(|| op(2)).name("fetch_user").call(), Ok(2));
        CALLS.set(0);
        assert_eq!(policy.retry(|| op(1)).call(), Ok(1));
    });
    assert_eq!(
        got,
        series(&[
            ("retry_attempts_per_call{function=Policy::retry}", &[1.0]),
            ("retry_attempts_per_call{function=fetch_user}", &[2.0]),
            ("retry_attempts_total{function=Policy::retry}", &[1.0]),
            ("retry_attempts_total{function=fetch_user}", &[2.0]),
            (
                "retry_calls_total{function=Policy::retry,result=success}",
                &[1.0]
            ),
            (
                "retry_calls_total{function=fetch_user,result=success_after_retry}",
                &[1.0]
            ),
        ])
    );
}

#[retry(max = 3, base = "0s")]
async fn fetch_async(succeed_on: u32) -> Result<u32, Error> {
    op(succeed_on)
}

#[retry(max = 3, hedge = "10ms")]
async fn hedged(succeed_on: u32) -> Result<u32, Error> {
    op(succeed_on)
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn async_and_hedged_calls_record_the_same() {
    let got = recorded(|| {
        assert_eq!(block_on(fetch_async(3)), Ok(3));
        CALLS.set(0);
        // The first attempt fails at once and starts the second, which succeeds.
        assert_eq!(block_on(hedged(2)), Ok(2));
    });
    assert_eq!(
        got,
        series(&[
            ("retry_attempts_per_call{function=fetch_async}", &[3.0]),
            ("retry_attempts_per_call{function=hedged}", &[2.0]),
            ("retry_attempts_total{function=fetch_async}", &[3.0]),
            ("retry_attempts_total{function=hedged}", &[2.0]),
            (
                "retry_calls_total{function=fetch_async,result=success_after_retry}",
                &[1.0]
            ),
            (
                "retry_calls_total{function=hedged,result=success_after_retry}",
                &[1.0]
            ),
        ])
    );
}

static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(2);

#[retry(max = 2, base = "0s", breaker = &BREAKER)]
fn guarded() -> Result<u32, Error> {
    op(u32::MAX)
}

#[test]
fn a_refused_call_makes_no_attempt() {
    let got = recorded(|| {
        assert_eq!(guarded(), Err(Error::Down)); // two failures: it opens
        assert_eq!(guarded(), Err(Error::Refused));
    });
    assert_eq!(
        got,
        series(&[
            ("retry_attempts_per_call{function=guarded}", &[2.0, 0.0]),
            ("retry_attempts_total{function=guarded}", &[2.0]),
            (
                "retry_calls_total{function=guarded,reason=attempts,result=gave_up}",
                &[1.0]
            ),
            (
                "retry_calls_total{function=guarded,reason=circuit_open,result=gave_up}",
                &[1.0]
            ),
        ])
    );
}

#[test]
fn each_call_hands_over_its_series_once_and_no_more_per_retry() {
    // No recorder: the facade's no-op one. Each series is a key: one allocation each.
    let allocations = |succeed_on| {
        CALLS.set(0);
        let _ = fetch(succeed_on);
        CALLS.set(0);
        allocation_counter::measure(|| drop(fetch(succeed_on))).count_total
    };
    assert_eq!(allocations(1), 3);
    assert_eq!(allocations(3), 3, "two retries, nothing more");
    assert_eq!(allocations(9), 3, "a give-up");
}
