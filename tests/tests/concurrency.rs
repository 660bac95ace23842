//! 200 concurrent retried calls on a multi-threaded runtime, sharing one budget and one
//! hook: no lost update, the hook called once per retry, statistics per call. (200: with
//! the largest budget gRFC A6 allows, 1,000 tokens, even if every call took both its tokens
//! before any gave one back, 600 would be left, above half: no retry is refused.)
#![cfg(feature = "tokio")]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use retry_runtime::{Attempt, RetryBudget, retry};

static BUDGET: RetryBudget = RetryBudget::new(1_000, 1.0);
static HOOK_CALLS: AtomicU32 = AtomicU32::new(0);
const CALLS: u32 = 200;

type Log = Mutex<HashMap<u32, Vec<u32>>>;

fn hook(id: u32, log: &Log, attempt: &Attempt<'_, Result<u32, u32>>) {
    HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    log.lock()
        .unwrap()
        .entry(id)
        .or_default()
        .push(attempt.number);
}

/// Fails twice, then succeeds; each attempt yields to the scheduler.
#[retry(max = 5, base = "1ms", jitter = "full", budget = &BUDGET, on_retry = |a| hook(id, &log, a))]
async fn call(id: u32, tries: Arc<AtomicU32>, log: Arc<Log>) -> Result<u32, u32> {
    tokio::task::yield_now().await;
    let n = tries.fetch_add(1, Ordering::SeqCst) + 1;
    if n < 3 { Err(n) } else { Ok(n) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_calls_share_a_budget_and_a_hook_without_lost_updates() {
    let log: Arc<Log> = Arc::default();
    let calls: Vec<_> = (0..CALLS)
        .map(|id| tokio::spawn(call(id, Arc::new(AtomicU32::new(0)), log.clone())))
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(3));
    }
    // Each call: 2 failures take 2 tokens, 1 success gives 1 back.
    assert!(
        (BUDGET.tokens() - (1_000.0 - f64::from(CALLS))).abs() < 1e-6,
        "{}",
        BUDGET.tokens()
    );
    assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 2 * CALLS);
    // Statistics are per call: every call saw its own attempts 1 and 2.
    let log = log.lock().unwrap();
    assert_eq!(log.len(), CALLS as usize);
    assert!(log.values().all(|numbers| numbers == &[1, 2]), "{log:?}");
}
