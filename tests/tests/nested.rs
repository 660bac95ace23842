//! Retries at two layers multiply: a retried fn that calls another retried fn makes up to
//! `max_outer × max_inner` calls to what fails. One `RetryBudget` shared by both layers
//! bounds it; retrying at one layer avoids it.

use std::sync::atomic::{AtomicU32, Ordering};

use retry_runtime::{RetryBudget, retry, testing};

#[derive(Debug, Clone, PartialEq)]
struct Unavailable;

/// The service that is down: counts the calls it gets.
fn service(calls: &AtomicU32) -> Result<(), Unavailable> {
    calls.fetch_add(1, Ordering::SeqCst);
    Err(Unavailable)
}

#[retry(max = 4, base = "100ms")]
fn inner(calls: &AtomicU32) -> Result<(), Unavailable> {
    service(calls)
}

#[retry(max = 3, base = "1s")]
fn outer(calls: &AtomicU32) -> Result<(), Unavailable> {
    inner(calls)
}

#[test]
fn two_layers_multiply_the_calls() {
    let calls = AtomicU32::new(0);
    let (outcome, delays) = testing::record(|| outer(&calls));
    assert_eq!(outcome, Err(Unavailable));
    // 3 outer attempts × 4 inner attempts.
    assert_eq!(calls.load(Ordering::SeqCst), 12);
    // 3 inner sleeps per outer attempt, and 2 outer sleeps.
    assert_eq!(delays.len(), 3 * 3 + 2);
}

static SHARED: RetryBudget = RetryBudget::new(10, 0.1);

#[retry(max = 4, base = "100ms", budget = &SHARED)]
fn inner_budgeted(calls: &AtomicU32) -> Result<(), Unavailable> {
    service(calls)
}

#[retry(max = 3, base = "1s", budget = &SHARED)]
fn outer_budgeted(calls: &AtomicU32) -> Result<(), Unavailable> {
    inner_budgeted(calls)
}

#[test]
fn one_shared_budget_bounds_them() {
    let calls = AtomicU32::new(0);
    let ((), _) = testing::record(|| {
        for _ in 0..10 {
            let _ = outer_budgeted(&calls);
        }
    });
    // Without the budget, 10 calls would make 120 calls to the service. With it (10 tokens,
    // a retry only while more than 5 are left): the first call's inner layer makes its 4
    // attempts (tokens 10 -> 6), the outer layer's retry is refused (-> 5); each later call
    // makes one attempt and both layers are refused. 4 + 9 = 13.
    let made = calls.load(Ordering::SeqCst);
    assert_eq!(made, 13, "{made}");
    assert!(SHARED.tokens() < 1.0);
}
