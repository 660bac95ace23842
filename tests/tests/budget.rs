//! `budget`: a shared `RetryBudget` throttles retries across calls, functions and threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{Policy, RetryBudget, retry, testing};

static DEAD: AtomicU32 = AtomicU32::new(0);
static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);

#[retry(max = 3, base = "100ms", budget = &BUDGET)]
fn dead_service() -> Result<(), &'static str> {
    DEAD.fetch_add(1, Ordering::SeqCst);
    Err("503")
}

#[test]
fn a_dead_service_gets_about_one_attempt_per_call() {
    let ((), delays) = testing::record(|| {
        for _ in 0..100 {
            assert_eq!(dead_service(), Err("503"));
        }
    });
    let attempts = DEAD.load(Ordering::SeqCst);
    // Without the budget: 300. With it: 3 + 2 + 98.
    assert_eq!(attempts, 103);
    assert!(attempts <= 110);
    assert_eq!(delays.len(), 3);
}

#[retry(max = 3, base = "0s", budget = budget)]
fn shared(budget: &RetryBudget, fail: bool) -> Result<(), ()> {
    if fail { Err(()) } else { Ok(()) }
}

#[test]
fn successes_refill_the_budget() {
    let budget = RetryBudget::new(10, 0.5);
    for _ in 0..20 {
        let _ = shared(&budget, true);
    }
    assert!(!budget.can_retry());
    // 12 successes give back 6 tokens: above the threshold of 5 again.
    for _ in 0..12 {
        shared(&budget, false).unwrap();
    }
    assert!((budget.tokens() - 6.0).abs() < 1e-9);
    assert!(budget.can_retry());
}

#[retry(max = 5, base = "0s", budget = budget, when = |e| *e == 503)]
fn declined(budget: &RetryBudget, code: u16) -> Result<(), u16> {
    Err(code)
}

#[test]
fn failures_that_are_not_retried_do_not_spend_tokens() {
    let budget = RetryBudget::new(10, 0.1);
    for _ in 0..50 {
        let _ = declined(&budget, 404);
    }
    assert!((budget.tokens() - 10.0).abs() < 1e-9);
}

#[test]
fn policy_budget_is_shared_with_the_attribute() {
    static SHARED: RetryBudget = RetryBudget::new(4, 0.1);
    let policy = Policy::new()
        .max_attempts(10)
        .base(Duration::ZERO)
        .budget(&SHARED);
    let calls = AtomicU32::new(0);
    let _ = policy
        .retry(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(())
        })
        .call();
    // 4 → 3 (retry) → 2 (no: at the threshold).
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(!SHARED.can_retry());
}

#[test]
fn many_threads_lose_no_update() {
    // Each thread takes 100 tokens, then gives 100 back (50 successes at 2.0), 100 times:
    // it never gives back more than it took, and 8 threads never take more than 800 of the
    // 1,000 at once, so neither bound of the budget is reached, whatever the interleaving.
    let budget = Arc::new(RetryBudget::new(1_000, 2.0));
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let budget = budget.clone();
            std::thread::spawn(move || {
                for _ in 0..100 {
                    for _ in 0..100 {
                        budget.record_failure();
                    }
                    for _ in 0..50 {
                        budget.record_success();
                    }
                }
                // One more round's failures, kept: 100 tokens per thread stay taken.
                for _ in 0..100 {
                    budget.record_failure();
                }
                thread
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    // 88,000 taken and 80,000 given back, whatever the interleaving.
    assert!(
        (budget.tokens() - 200.0).abs() < 1e-9,
        "{}",
        budget.tokens()
    );
}

#[test]
fn many_threads_share_one_static_budget_through_the_attribute() {
    static FLEET: RetryBudget = RetryBudget::new(100, 0.1);
    static ATTEMPTS: AtomicU32 = AtomicU32::new(0);

    #[retry(max = 3, base = "0s", budget = &FLEET)]
    fn call() -> Result<(), ()> {
        ATTEMPTS.fetch_add(1, Ordering::SeqCst);
        Err(())
    }

    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..250 {
                    let _ = call();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    // 1,000 calls: one attempt each, plus the retries the first 50 tokens allowed (the
    // threshold is 50, so exactly 50 withdrawals ran above it... and the one that hit it).
    let attempts = ATTEMPTS.load(Ordering::SeqCst);
    assert!((1_000..=1_050).contains(&attempts), "{attempts}");
    assert!(FLEET.tokens() < 1e-9);
}
