use retry_runtime::retry;

// The names of `backoff` and `jitter` are strings; each message shows a quoted example.
#[retry(backoff = exponential, jitter = full)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
