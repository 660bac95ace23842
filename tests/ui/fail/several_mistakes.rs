use retry_runtime::retry;

// Every mistake in the attribute is reported, each at its own token.
#[retry(max = 0, bsae = "1s", jitter = "some")]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
