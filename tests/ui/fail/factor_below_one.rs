use retry_runtime::retry;

#[retry(factor = 0.5)]
fn f() -> Result<(), ()> {
    Ok(())
}

fn main() {
    let _ = f();
}
