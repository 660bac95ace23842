use retry_runtime::retry;
use std::time::Duration;

fn linear(k: u32) -> Duration {
    Duration::from_secs(u64::from(k))
}

#[retry(min_delay = "2s", max_delay = "1s")]
fn floor_above_cap() -> Result<(), ()> {
    Ok(())
}

#[retry(backoff = linear)]
fn bare_name() -> Result<(), ()> {
    Ok(())
}

#[retry(backoff = 5)]
fn number() -> Result<(), ()> {
    Ok(())
}

fn wrong(_: &str) -> Duration {
    Duration::ZERO
}

#[retry(backoff = wrong)]
fn wrong_type() -> Result<(), ()> {
    Ok(())
}

#[retry(min_delay = 3)]
fn bare_number() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (floor_above_cap(), bare_name(), number(), wrong_type(), bare_number(), linear(1));
}
