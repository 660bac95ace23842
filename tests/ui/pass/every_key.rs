//! Every key at once, with un-annotated closures, paths and expressions.
#![deny(warnings)]

use std::time::Duration;

use retry_runtime::{Attempt, GiveUp, TimedOut, retry};

#[derive(Debug)]
struct Error {
    transient: bool,
}

fn log(attempt: &Attempt<'_, Result<String, Error>>) {
    let _ = (attempt.number, attempt.delay, attempt.elapsed, attempt.error());
}

impl From<TimedOut> for Error {
    fn from(_: TimedOut) -> Self {
        Error { transient: true }
    }
}

fn report(give_up: &GiveUp<'_, Result<String, Error>>) {
    let _ = (give_up.attempts, give_up.elapsed, give_up.reason, give_up.error());
}

async fn custom_sleep(_: Duration) {}

const TIMEOUT: Duration = Duration::from_secs(30);

#[retry(
    max = 10,
    base = "250us",
    backoff = "fibonacci",
    factor = 1.5,
    max_delay = "1m30s",
    jitter = "decorrelated",
    deadline = TIMEOUT,
    when = |e| e.transient,
    when_ok = |body| body.is_empty(),
    on_retry = log,
    on_give_up = report,
    attempt_timeout = "2s",
    clone(body),
    sleep = custom_sleep,
    crate = ::retry_runtime,
)]
async fn everything(body: String) -> Result<String, Error> {
    if body.len() > 3 { Err(Error { transient: false }) } else { Ok(body) }
}

#[retry(
    base = Duration::from_millis(2 * 5),
    backoff = "linear",
    jitter = "equal",
    max_delay = Duration::from_secs(1),
    on_retry = |attempt| eprintln!("{} {:?}", attempt.number, attempt.error()),
    on_give_up = |give_up| eprintln!("{} {:?}", give_up.reason, give_up.error()),
    when = Error::is_transient,
)]
fn durations_as_expressions(self_check: bool) -> Result<(), Error> {
    if self_check { Ok(()) } else { Err(Error { transient: true }) }
}

impl Error {
    fn is_transient(&self) -> bool {
        self.transient
    }
}

#[retry(backoff = "fixed", jitter = "full", factor = 3)]
fn fixed_full() -> Option<()> {
    Some(())
}

#[retry(jitter = "none", backoff = "exponential")]
fn explicit_defaults() -> Option<()> {
    Some(())
}

fn main() {
    let _ = everything(String::new());
    let _ = (durations_as_expressions(true), fixed_full(), explicit_defaults());
}
