//! The size of the future each async wrapper returns around the same body, printed and
//! compared (`cargo test -p retry-benches --test future_size -- --nocapture`).

use std::mem::size_of_val;

use backon::{ExponentialBuilder, Retryable};
use retry_benches::{self as b, Flaky};
use retry_runtime::retry;

/// `#[retry]` with hedged attempts, around the same body (here rather than in `lib.rs`,
/// whose code layout the instruction counts depend on).
#[retry(max = 5, hedge = "50ms")]
async fn attribute_hedged(op: &Flaky) -> Result<u32, u32> {
    op.call_async().await
}

#[test]
fn the_retried_future_is_no_larger_than_backons() {
    let op = Flaky::new(0);
    let body = op.call_async();
    let hand = b::hand_loop_async(&op);
    let hand_sleep = b::hand_loop_sleep_async(&op);
    let ours = b::attribute_async(&op);
    let builder = b::policy_async(&op);
    let with_context = b::attribute_context_async(&op);
    let hedged = attribute_hedged(&op);
    let backon_default = (|| op.call_async()).retry(ExponentialBuilder::default());
    let backon_noop = b::backon_async(&op);
    let tokio_retry2 = b::tokio_retry2(&op);
    let sizes = [
        ("the body alone", size_of_val(&body)),
        ("hand-written loop", size_of_val(&hand)),
        ("hand loop, tokio sleep", size_of_val(&hand_sleep)),
        ("#[retry]", size_of_val(&ours)),
        ("Policy::retry_async", size_of_val(&builder)),
        ("#[retry(context = cx)]", size_of_val(&with_context)),
        ("#[retry(hedge = ..)]", size_of_val(&hedged)),
        ("backon, tokio sleeper", size_of_val(&backon_default)),
        ("backon, no-op sleeper", size_of_val(&backon_noop)),
        ("tokio-retry2", size_of_val(&tokio_retry2)),
    ];
    for (name, size) in sizes {
        println!("{name:>24}: {size:>4} bytes");
    }
    // backon with its default (tokio) sleeper holds the same kind of sleep as ours.
    assert!(
        size_of_val(&ours) <= size_of_val(&backon_default),
        "{sizes:?}"
    );
}
