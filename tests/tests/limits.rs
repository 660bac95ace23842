//! `breaker` and `throttle` ("Protecting an overloaded service"): what counts, what is
//! refused and what a refused call returns, through the attribute (sync, async, hedged,
//! methods) and the builders, on tokio's paused clock, which the limits read.
#![cfg(feature = "tokio")]
#![allow(clippy::float_cmp)] // probabilities of 0.0 and whole token counts are exact

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use retry_runtime::{
    BreakerState, CircuitBreaker, GiveUp, Policy, Rejected, RetryBudget, StopReason, Throttle,
    TimedOut, retry,
};

const S: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq)]
enum Error {
    Unavailable,
    NotFound,
    TimedOut,
    Rejected(Rejected),
}

impl From<Rejected> for Error {
    fn from(rejected: Rejected) -> Self {
        Error::Rejected(rejected)
    }
}

impl From<TimedOut> for Error {
    fn from(_: TimedOut) -> Self {
        Error::TimedOut
    }
}

thread_local! {
    /// What `on_give_up` was told last on this thread: (attempts, reason). Per thread, as
    /// the tests run in parallel, each on a current-thread runtime of its own.
    static GAVE_UP: std::cell::Cell<Option<(u32, StopReason)>> = const { std::cell::Cell::new(None) };
}

fn heard<R>(give_up: &GiveUp<'_, R>) {
    GAVE_UP.set(Some((give_up.attempts, give_up.reason)));
}

fn last_give_up() -> Option<(u32, StopReason)> {
    GAVE_UP.take()
}

fn rejected(result: Result<(), Error>) -> Rejected {
    match result {
        Err(Error::Rejected(rejected)) => rejected,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

mod breaker {
    use super::*;

    static BREAKER: CircuitBreaker = CircuitBreaker::new()
        .minimum_throughput(4)
        .failure_ratio(0.5)
        .sampling(Duration::from_secs(10))
        .break_for(Duration::from_secs(5));
    static DOWN: AtomicBool = AtomicBool::new(true);
    static CALLS: AtomicU32 = AtomicU32::new(0);

    #[retry(max = 2, base = "0s", breaker = &BREAKER, on_give_up = heard)]
    async fn fetch() -> Result<(), Error> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        if DOWN.load(Ordering::SeqCst) {
            Err(Error::Unavailable)
        } else {
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn opens_refuses_for_break_for_then_probes_once_and_closes() {
        assert_eq!(fetch().await, Err(Error::Unavailable));
        assert_eq!(BREAKER.state(), BreakerState::Closed); // 2 counted: below 4
        assert_eq!(fetch().await, Err(Error::Unavailable));
        // The fourth failure of four opened it.
        assert_eq!(BREAKER.state(), BreakerState::Open);
        assert_eq!(CALLS.load(Ordering::SeqCst), 4);
        assert_eq!(last_give_up(), Some((2, StopReason::Attempts)));

        // Open: the body does not run, the call fails with `Rejected` after 0 attempts.
        tokio::time::advance(S).await;
        let refused = rejected(fetch().await);
        assert_eq!(refused.reason(), StopReason::CircuitOpen);
        assert_eq!(refused.retry_after(), Some(S * 4));
        assert_eq!(CALLS.load(Ordering::SeqCst), 4);
        assert_eq!(last_give_up(), Some((0, StopReason::CircuitOpen)));

        // After `break_for`, half-open: a failed probe opens it again, and the call's retry
        // is refused, so it returns its last failure.
        tokio::time::advance(S * 4).await;
        assert_eq!(BREAKER.state(), BreakerState::HalfOpen);
        assert_eq!(fetch().await, Err(Error::Unavailable));
        assert_eq!(CALLS.load(Ordering::SeqCst), 5);
        assert_eq!(last_give_up(), Some((1, StopReason::CircuitOpen)));
        assert_eq!(BREAKER.state(), BreakerState::Open);

        // A successful probe closes it, and the counts start afresh.
        tokio::time::advance(S * 5).await;
        DOWN.store(false, Ordering::SeqCst);
        assert_eq!(fetch().await, Ok(()));
        assert_eq!(BREAKER.state(), BreakerState::Closed);
        DOWN.store(true, Ordering::SeqCst);
        assert_eq!(fetch().await, Err(Error::Unavailable));
        assert_eq!(BREAKER.state(), BreakerState::Closed); // 2 failures since it closed
    }
}

mod half_open {
    use super::*;

    static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1);

    #[tokio::test(start_paused = true)]
    async fn lets_one_probe_through_at_a_time() {
        let policy = Policy::new().max_attempts(1);
        let fail = || async { Err::<(), _>(Error::Unavailable) };
        let _ = policy.retry_async(fail).breaker(&BREAKER).await;
        tokio::time::advance(S * 5).await;
        let (probe_started, probe_go) = (tokio::sync::Notify::new(), tokio::sync::Notify::new());
        let probe = policy
            .retry_async(|| async {
                probe_started.notify_one();
                probe_go.notified().await;
                Ok::<_, Error>(())
            })
            .breaker(&BREAKER);
        let other = async {
            probe_started.notified().await;
            // The probe runs: another call is refused, with no time to wait for.
            let refused = rejected(policy.retry_async(fail).breaker(&BREAKER).await);
            assert_eq!(refused.retry_after(), None);
            probe_go.notify_one();
        };
        let (probed, ()) = tokio::join!(probe, other);
        assert_eq!(probed, Ok(()));
        assert_eq!(BREAKER.state(), BreakerState::Closed);
    }
}

mod counting {
    use super::*;

    static DECLINED: CircuitBreaker = CircuitBreaker::new().minimum_throughput(4);
    static CUT: CircuitBreaker = CircuitBreaker::new().minimum_throughput(4);
    static SAMPLED: CircuitBreaker = CircuitBreaker::new().minimum_throughput(4);

    #[retry(max = 3, base = "0s", breaker = &DECLINED, when = |e| *e != Error::NotFound)]
    fn not_found() -> Result<(), Error> {
        Err(Error::NotFound)
    }

    #[retry(max = 3, base = "0s", breaker = &CUT, attempt_timeout = "1s",
            when = |e| *e != Error::TimedOut)]
    async fn slow() -> Result<(), Error> {
        tokio::time::sleep(S * 2).await;
        Ok(())
    }

    #[test]
    fn a_failure_when_declines_is_an_answer() {
        for _ in 0..10 {
            assert_eq!(not_found(), Err(Error::NotFound));
        }
        assert_eq!(DECLINED.state(), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn an_attempt_cut_by_attempt_timeout_is_a_failure_even_when_declined() {
        for _ in 0..3 {
            assert_eq!(slow().await, Err(Error::TimedOut));
        }
        assert_eq!(CUT.state(), BreakerState::Closed);
        assert_eq!(slow().await, Err(Error::TimedOut));
        assert_eq!(CUT.state(), BreakerState::Open);
    }

    #[tokio::test(start_paused = true)]
    async fn only_outcomes_within_the_sampling_window_count() {
        let policy = Policy::new().max_attempts(1);
        let fail = || Err::<(), _>(Error::Unavailable);
        for _ in 0..3 {
            let _ = policy.retry(fail).breaker(&SAMPLED).call();
        }
        tokio::time::advance(S * 11).await;
        let _ = policy.retry(fail).breaker(&SAMPLED).call();
        assert_eq!(SAMPLED.state(), BreakerState::Closed);
        for _ in 0..3 {
            let _ = policy.retry(fail).breaker(&SAMPLED).call();
        }
        assert_eq!(SAMPLED.state(), BreakerState::Open);
    }
}

mod hedged {
    use super::*;

    static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(2);
    static CALLS: AtomicU32 = AtomicU32::new(0);

    #[retry(max = 5, hedge = "10ms", breaker = &BREAKER, on_give_up = heard)]
    async fn fetch() -> Result<(), Error> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        Err(Error::Unavailable)
    }

    #[tokio::test(start_paused = true)]
    async fn each_hedged_attempt_is_counted_and_refused() {
        // Two attempts fail: the breaker opens and refuses the third.
        assert_eq!(fetch().await, Err(Error::Unavailable));
        assert_eq!(CALLS.load(Ordering::SeqCst), 2);
        assert_eq!(last_give_up(), Some((2, StopReason::CircuitOpen)));
        let refused = rejected(fetch().await);
        assert_eq!(refused.reason(), StopReason::CircuitOpen);
        assert_eq!(CALLS.load(Ordering::SeqCst), 2);
        assert_eq!(last_give_up(), Some((0, StopReason::CircuitOpen)));
    }
}

mod throttle {
    use super::*;

    static FAILING: Throttle = Throttle::new(2.0).window(Duration::from_secs(60));
    static HALF: Throttle = Throttle::new(2.0).window(Duration::from_secs(60));
    static MADE: AtomicU32 = AtomicU32::new(0);

    #[retry(max = 1, throttle = &FAILING, on_give_up = heard)]
    fn fetch() -> Option<()> {
        MADE.fetch_add(1, Ordering::SeqCst);
        None
    }

    #[tokio::test(start_paused = true)]
    async fn refuses_with_the_sre_books_probability_and_counts_refusals_as_requests() {
        assert_eq!(FAILING.probability(), 0.0);
        let mut throttled = 0;
        for _ in 0..200 {
            assert_eq!(fetch(), None);
            if last_give_up() == Some((0, StopReason::Throttled)) {
                throttled += 1;
            }
        }
        // 200 requests, made or refused, no accepts: 200 / 201.
        assert!((FAILING.probability() - 200.0 / 201.0).abs() < 1e-12);
        let made = MADE.load(Ordering::SeqCst);
        assert_eq!(made + throttled, 200);
        // About the sum of 1/n for n up to 200 (5.9) are made; the first always is.
        assert!((1..=20).contains(&made), "{made} attempts made");
        // Everything leaves the window after it.
        tokio::time::advance(S * 61).await;
        assert_eq!(FAILING.probability(), 0.0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_service_that_accepts_half_with_k_2_is_never_throttled() {
        let policy = Policy::new().max_attempts(1);
        for i in 0..100 {
            let answer = policy
                .retry_async(|| async move {
                    if i % 2 == 0 {
                        Ok(())
                    } else {
                        Err(Error::Unavailable)
                    }
                })
                .throttle(&HALF)
                .await;
            assert_ne!(
                answer.err().map(|e| matches!(e, Error::Rejected(_))),
                Some(true)
            );
        }
        assert_eq!(HALF.probability(), 0.0);
    }
}

mod conversions {
    use super::*;

    static BREAKER: CircuitBreaker = CircuitBreaker::new().minimum_throughput(1);

    /// Another crate's error, which cannot implement `From<Rejected>`.
    #[derive(Debug)]
    struct Foreign(String);

    #[retry(max = 1, breaker = &BREAKER, rejected = |r| Foreign(r.to_string()))]
    fn foreign() -> Result<(), Foreign> {
        Err(Foreign("down".into()))
    }

    #[retry(max = 1, breaker = &BREAKER)]
    fn io() -> Result<(), std::io::Error> {
        Err(std::io::ErrorKind::ConnectionReset.into())
    }

    #[test]
    fn the_rejected_key_converts_and_io_errors_convert_by_themselves() {
        assert_eq!(foreign().unwrap_err().0, "down");
        assert!(
            foreign()
                .unwrap_err()
                .0
                .starts_with("the attempt was not made: the circuit breaker is open for another")
        );
        assert_eq!(
            io().unwrap_err().kind(),
            std::io::ErrorKind::ConnectionRefused
        );
        let converted = Policy::new()
            .retry(|| Err::<(), _>(Foreign("down".into())))
            .rejected(|r| Foreign(format!("{:?}", r.reason())))
            .breaker(&BREAKER)
            .call();
        assert_eq!(converted.unwrap_err().0, "CircuitOpen");
    }

    #[test]
    fn rejected_is_a_plain_error_value() {
        fn traits<T: std::error::Error + Clone + Copy + Eq + Send + Sync + 'static>() {}
        traits::<Rejected>();
    }
}

mod borrowed {
    use super::*;

    /// Limits that live in a value, not a `static`: one per client.
    struct Client {
        budget: RetryBudget,
        breaker: CircuitBreaker,
        throttle: Throttle,
        calls: AtomicU32,
    }

    impl Client {
        #[retry(max = 3, base = "0s", budget = &self.budget, breaker = &self.breaker)]
        async fn fetch(&self) -> Result<(), Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Err(Error::Unavailable)
        }

        #[retry(max = 1, throttle = &self.throttle)]
        fn probe(&self) -> Result<(), Error> {
            Err(Error::Unavailable)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn keys_and_builders_take_limits_of_any_lifetime() {
        let client = Client {
            budget: RetryBudget::new(10, 0.1),
            breaker: CircuitBreaker::new().minimum_throughput(3),
            throttle: Throttle::new(2.0),
            calls: AtomicU32::new(0),
        };
        assert_eq!(client.fetch().await, Err(Error::Unavailable));
        assert_eq!(client.calls.load(Ordering::SeqCst), 3);
        assert_eq!(client.budget.tokens(), 7.0);
        assert_eq!(client.breaker.state(), BreakerState::Open);
        for _ in 0..4 {
            let _ = client.probe();
        }
        assert!((client.throttle.probability() - 0.8).abs() < 1e-12); // 4 requests: 4 / 5

        let (budget, breaker) = (RetryBudget::new(10, 0.1), CircuitBreaker::new());
        let policy = Policy::new().base(Duration::ZERO);
        let answer = policy
            .retry(|| Err::<(), _>(Error::Unavailable))
            .budget(&budget)
            .breaker(&breaker)
            .call();
        assert_eq!(answer, Err(Error::Unavailable));
        assert_eq!(budget.tokens(), 7.0);
    }
}
