use retry_runtime::retry;

// `timed_out` makes the failure of an attempt cut by `attempt_timeout`.
#[retry(max = 3, timed_out = |t| std::io::Error::from(t))]
async fn fetch() -> Result<(), std::io::Error> {
    Ok(())
}

fn main() {
    let _ = fetch();
}
