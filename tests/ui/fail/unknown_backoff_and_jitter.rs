use retry_runtime::retry;

#[retry(backoff = "quadratic")]
fn f() -> Result<(), ()> {
    Ok(())
}

#[retry(jitter = "fully")]
fn g() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = (f(), g());
}
