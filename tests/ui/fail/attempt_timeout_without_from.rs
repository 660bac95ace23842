use retry_runtime::retry;

#[derive(Debug)]
struct MyError;

// `MyError` has no `From<TimedOut>`: a timed-out attempt cannot become it.
#[retry(max = 3, attempt_timeout = "2s")]
async fn fetch() -> Result<(), MyError> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
