use retry_runtime::retry;

// A running sync attempt cannot be interrupted.
#[retry(max = 3, attempt_timeout = "2s")]
fn blocking() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = blocking();
}
