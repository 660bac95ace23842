#![deny(warnings)]

use retry_runtime::{Policy, RetryBudget, TimedOut, retry};
use std::time::Duration;

static BUDGET: RetryBudget = RetryBudget::new(10, 0.1);

#[derive(Debug)]
enum Error {
    Unavailable,
    TimedOut(TimedOut),
}

impl From<TimedOut> for Error {
    fn from(timed_out: TimedOut) -> Self {
        Error::TimedOut(timed_out)
    }
}

const HEDGE: Duration = Duration::from_millis(20);

struct Client {
    policy: Policy,
    hedge: Duration,
}

impl Client {
    // Every key that combines with `hedge`, on a method borrowing `self`.
    #[retry(max = 4, deadline = "1s", hedge = "30ms", attempt_timeout = "200ms", budget = &BUDGET,
            when = |e| matches!(e, Error::Unavailable | Error::TimedOut(_)), when_ok = |v| *v == 0,
            on_retry = |a| eprintln!("hedging after attempt {}", a.number),
            on_give_up = |g| eprintln!("{}", g.reason), clone(path))]
    async fn get(&self, path: String) -> Result<u32, Error> {
        let _consumed: String = path;
        Ok(1)
    }

    // `policy = expr` and a `Duration` expression.
    #[retry(policy = &self.policy, hedge = self.hedge, sleep = tokio::time::sleep)]
    async fn with_policy(&self) -> Option<u32> {
        Some(1)
    }
}

#[retry(hedge = HEDGE)]
async fn free() -> Result<(), Error> {
    Ok(())
}

fn is_send<T: Send>(_: T) {}

fn main() {
    let client = Client {
        policy: Policy::new(),
        hedge: HEDGE,
    };
    is_send(client.get("/".into()));
    is_send(client.with_policy());
    is_send(free());
}
