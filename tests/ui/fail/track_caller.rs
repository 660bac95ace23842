use retry_runtime::retry;

// The body runs in a closure: `Location::caller()` would be the fn's own line.
#[track_caller]
#[retry(max = 3)]
fn located() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = located();
}
