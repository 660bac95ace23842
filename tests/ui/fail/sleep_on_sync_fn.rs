use retry_runtime::retry;

async fn my_sleep(_: std::time::Duration) {}

#[retry(sleep = my_sleep)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
