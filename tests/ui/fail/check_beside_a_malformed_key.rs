use retry_runtime::retry;

async fn my_sleep(_: std::time::Duration) {}

// A malformed key does not hide a mistake found by checking the keys against the fn.
#[retry(max = 0, sleep = my_sleep)]
fn sync_fn() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = sync_fn();
}
